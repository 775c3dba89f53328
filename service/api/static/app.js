"use strict";
// The label set comes from the server (GET /v1/themes): the served model's labels, and the
// store's labels that the review menu offers (a theme of the user's own before it is trained).
const NAMES = {};
let REVIEW_LABELS = [];
const COLORS = { talent: "#2e7d32", investment: "#c62828", energy: "#ef6c00", agriculture: "#558b2f", other: "#607d8b" };
const PALETTE = ["#6a1b9a", "#00838f", "#ad1457", "#4e342e", "#283593", "#9e9d24", "#d84315", "#00695c"];
const $ = (id) => document.getElementById(id);
const colour = (label) => COLORS[label] || (COLORS[label] = PALETTE[Object.keys(COLORS).length % PALETTE.length]);

// The budget box starts at the server's default; left empty, the server's default applies.
const budget = () => parseInt($("budget").value, 10) || undefined;

const labelsReady = fetch("/v1/themes").then((r) => r.json()).then((data) => {
  for (const t of [...(data.next || []), ...data.themes]) NAMES[t.id] = t.name_zh;
  REVIEW_LABELS = (data.next || data.themes).map((t) => t.id);
  $("theme-names").textContent = data.themes.map((t) => t.name_zh).join("、");  // the served model's labels
}).catch(() => {});

function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

const cardTexts = [];  // the title and text behind each card, for feedback

async function post(path, body, token) {
  const headers = { "Content-Type": "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(path, { method: "POST", headers, body: JSON.stringify(body) });
  const data = await response.json();
  if (!response.ok) {
    const err = data.error || {};
    const error = new Error(`${err.message || "请求失败"}（${err.code || response.status}）`);
    error.code = err.code;
    throw error;
  }
  return data;
}

function highlight(sentence) {
  let html = escapeHtml(sentence.text);
  const terms = [...sentence.terms].sort((a, b) => b.length - a.length);
  for (const term of terms) {
    html = html.split(escapeHtml(term)).join(`\u0000${escapeHtml(term)}\u0001`);
  }
  return html.replace(/\u0000/g, "<mark>").replace(/\u0001/g, "</mark>");
}

async function sendFeedback(index, label) {
  const article = cardTexts[index];
  const body = { text: article.text, title: article.title || undefined, label, themes: label === "other" ? [] : [label] };
  let token = localStorage.getItem("zonedigest-token") || "";
  try {
    return await post("/v1/feedback", body, token);
  } catch (err) {
    if (err.code !== "unauthorized") throw err;
    token = window.prompt("此操作需要访问令牌（Bearer token）：") || "";
    localStorage.setItem("zonedigest-token", token);
    return post("/v1/feedback", body, token);
  }
}

function reviewControls(index, theme) {
  const options = REVIEW_LABELS.map((id) => `<option value="${escapeHtml(id)}">${escapeHtml(NAMES[id] || id)}</option>`).join("");
  return `<div class="review" data-index="${index}" data-theme="${theme}">
    <button type="button" class="confirm">✓ 正确</button>
    <select class="correct" aria-label="更正主题"><option value="">更正为…</option>${options}</select>
    <span class="saved"></span></div>`;
}

document.addEventListener("click", async (event) => {
  if (!event.target.matches(".review .confirm")) return;
  const box = event.target.closest(".review");
  await saveReview(box, box.dataset.theme);
});
document.addEventListener("change", async (event) => {
  if (!event.target.matches(".review .correct") || !event.target.value) return;
  await saveReview(event.target.closest(".review"), event.target.value);
});

async function saveReview(box, label) {
  const saved = box.querySelector(".saved");
  saved.className = "saved";
  try {
    await sendFeedback(Number(box.dataset.index), label);
    saved.textContent = `已保存：${NAMES[label] || label}`;
  } catch (err) {
    saved.textContent = err.message;
    saved.className = "saved error";
  }
}

function dateline(d) {  // who filed it, where and when, shown beside the summary (not spent from its budget)
  if (!d) return "";
  const parts = [d.source, d.place, d.date].filter(Boolean).map(escapeHtml).join(" · ");
  return parts ? `<span class="dateline">${parts}</span>` : "";
}

function card(title, r, text) {
  const index = cardTexts.push({ title, text }) - 1;
  const bars = Object.entries(r.scores).map(([label, p]) => `
    <div class="bar"><span>${escapeHtml(NAMES[label] || label)}</span>
      <div class="track"><div class="fill" style="width:${(p * 100).toFixed(1)}%;background:${colour(label)}"></div></div>
      <span>${(p * 100).toFixed(1)}%</span></div>`).join("");
  const themes = r.themes.length ? r.themes.map((t) => escapeHtml(NAMES[t] || t)).join("、") : "无";
  const evidence = r.evidence.length ? r.evidence.map((e) => `<span>${escapeHtml(e.term)}</span>`).join("") : "<span>—</span>";
  const summary = r.sentences.map(highlight).join("") || "（无可摘要的内容）";
  const keywords = r.keywords.map((k) => `<span class="${k.themes.length ? "policy" : ""}">${escapeHtml(k.term)}</span>`).join("");
  return `<article class="card">
    <h2>${escapeHtml(title || "（无标题）")}</h2>
    <div><span class="theme" style="background:${colour(r.theme)}" data-theme="${escapeHtml(r.theme)}">${escapeHtml(r.theme_zh || NAMES[r.theme] || r.theme)}</span>置信度 ${(r.confidence * 100).toFixed(1)}%</div>
    <div class="bars">${bars}</div>
    <div class="label">涉及主题</div><div class="themes">${themes}</div>
    <div class="label">判断依据</div><div class="chips">${evidence}</div>
    <div class="label">摘要${r.over_budget ? "（最重要的一句超出长度，完整保留）" : ""}${dateline(r.dateline)}</div><div class="summary">${summary}</div>
    <div class="label">关键词</div><div class="chips">${keywords}</div>
    ${reviewControls(index, r.theme)}
  </article>`;
}

async function analyse(event) {
  event.preventDefault();
  await labelsReady;
  const text = $("text").value;
  const title = $("title").value.trim();
  const maxChars = budget();
  const status = $("status");
  status.className = "";
  if (!text.trim()) { status.textContent = "请先粘贴或上传文章正文。"; status.className = "error"; return; }
  $("submit").disabled = true;
  status.textContent = "分析中……";
  $("results").innerHTML = "";
  try {
    const { articles } = await post("/v1/split", { text });
    let cards;
    if (articles.length > 1 && !title) {
      const items = articles.map((a, i) => ({ id: i + 1, title: a.title, text: a.text || a.title }));
      const batch = await post("/v1/analyze/batch", { items, max_chars: maxChars });
      cards = batch.results.map((r, i) => (r.error ? `<article class="card"><h2>${escapeHtml(articles[i].title)}</h2><p>${escapeHtml(r.error.message)}</p></article>` : card(articles[i].title, r, items[i].text)));
      status.textContent = `已识别 ${articles.length} 篇文章（模型 ${batch.model_version}）。`;
    } else {
      const r = await post("/v1/analyze", { text, title: title || undefined, max_chars: maxChars });
      cards = [card(title || (articles[0] && articles[0].title), r, text)];
      status.textContent = `分析完成，用时 ${r.elapsed_ms} 毫秒（模型 ${r.model_version}）。`;
    }
    $("results").innerHTML = cards.join("");
  } catch (err) {
    status.textContent = err.message;
    status.className = "error";
  } finally {
    $("submit").disabled = false;
  }
}

async function analyseArticles(articles, label) {
  await labelsReady;
  const maxChars = budget();
  const items = articles.map((a, i) => ({ id: i + 1, title: a.title, text: a.text || a.title }));
  const batch = await post("/v1/analyze/batch", { items, max_chars: maxChars });
  $("results").innerHTML = batch.results.map((r, i) => (r.error
    ? `<article class="card"><h2>${escapeHtml(articles[i].title || "（无标题）")}</h2><p>${escapeHtml(r.error.message)}</p></article>`
    : card(articles[i].title, r, items[i].text))).join("");
  $("status").textContent = `${label}：已识别 ${articles.length} 篇文章（模型 ${batch.model_version}）。`;
}

$("file").addEventListener("change", async (event) => {
  const file = event.target.files[0];
  if (!file) return;
  const status = $("status");
  status.className = "";
  if (/\.(txt|md)$/i.test(file.name)) {  // plain text: read here, analysed with 分析
    const buffer = await file.arrayBuffer();
    let text;
    try { text = new TextDecoder("utf-8", { fatal: true }).decode(buffer); }
    catch { text = new TextDecoder("gb18030").decode(buffer); }
    $("text").value = text.replace(/^\uFEFF/, "");
    return;
  }
  status.textContent = `正在读取 ${file.name}……`;
  $("results").innerHTML = "";
  try {  // PDF, Word, HTML: the server extracts the text and splits the bulletin
    const form = new FormData();
    form.append("file", file);
    const response = await fetch("/v1/split/file", { method: "POST", body: form });
    const data = await response.json();
    if (!response.ok) throw new Error(`${(data.error || {}).message || "无法读取文件"}（${(data.error || {}).code || response.status}）`);
    $("text").value = data.articles.map((a) => (a.title ? `${a.title}\n\n${a.text}` : a.text)).join("\n\n");
    await analyseArticles(data.articles, `${file.name}（${data.kind}）`);
  } catch (err) {
    status.textContent = err.message;
    status.className = "error";
  }
});
$("form").addEventListener("submit", analyse);

$("suggestions").addEventListener("change", async (event) => {
  const file = event.target.files[0];
  if (!file) return;
  const status = $("status");
  await labelsReady;
  try {
    const rows = (await file.text()).split("\n").filter((line) => line.trim()).map((line) => JSON.parse(line));
    const items = rows.map((row, i) => ({ id: row.id || i + 1, title: row.title || "", text: row.text }));
    const batch = await post("/v1/analyze/batch", { items: items.slice(0, 1000), max_chars: budget() });
    $("results").innerHTML = batch.results.map((r, i) => (r.error ? "" : card(items[i].title || String(items[i].id), r, items[i].text))).join("");
    status.textContent = `已载入 ${items.length} 篇待标注文章：逐篇点“✓ 正确”或选择更正的主题。`;
    status.className = "";
  } catch (err) {
    status.textContent = `无法读取待标注文件：${err.message}`;
    status.className = "error";
  }
});
fetch("/v1/model").then((r) => r.json()).then((m) => {
  const archive = m.unlabeled;
  $("version").textContent = archive ? `模型 ${m.version}（另从 ${archive.articles_used} 篇未标注文章学习）` : `模型 ${m.version}`;
  if (archive) $("version").title = archive.files.map((f) => `${f.file}: ${f.used} 篇`).join("\n");
}).catch(() => {});
