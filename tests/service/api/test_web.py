"""The web page in a real headless browser (Debian chromium + chromium-driver, driven by selenium)."""

import os
from pathlib import Path

from service.text.bulletin import split_bulletin
from tests.conftest import ROOT

ARTIFACTS = Path(os.environ.get("ZONEDIGEST_TEST_ARTIFACTS", ROOT / "test-artifacts"))


def wait_for(driver, css: str, timeout: float = 20):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, css)))


def paste(driver, selector: str, text: str) -> None:
    driver.execute_script("document.querySelector(arguments[0]).value = arguments[1];", selector, text)


def test_first_seed_article_shows_talent_and_a_summary(browser, live_server, seed_text):
    from selenium.webdriver.common.by import By

    first = split_bulletin(seed_text)[0]
    browser.get(live_server + "/")
    assert "zonedigest" in browser.title
    paste(browser, "#title", first.title)
    paste(browser, "#text", first.text)
    browser.find_element(By.ID, "submit").click()
    theme = wait_for(browser, ".card .theme")
    assert theme.text == "人才" and theme.get_attribute("data-theme") == "talent"
    summary = browser.find_element(By.CSS_SELECTOR, ".card .summary")
    assert len(summary.text) > 20 and summary.text in first.text.replace("\n", "") or "长治高新区" in summary.text
    assert browser.find_elements(By.CSS_SELECTOR, ".card .summary mark"), "policy terms are highlighted"
    assert len(browser.find_elements(By.CSS_SELECTOR, ".card .bar")) == 5
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(ARTIFACTS / "web-first-article.png"))


def test_whole_bulletin_is_split_into_its_articles(browser, live_server, seed_text):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(live_server + "/")
    paste(browser, "#text", seed_text)
    browser.find_element(By.ID, "submit").click()
    WebDriverWait(browser, 20).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".card")) == 8)
    themes = [e.get_attribute("data-theme") for e in browser.find_elements(By.CSS_SELECTOR, ".card .theme")]
    assert themes[0] == "talent" and themes[4] == "investment" and themes[6] == "other"
    assert "8 篇" in browser.find_element(By.ID, "status").text
    browser.save_screenshot(str(ARTIFACTS / "web-bulletin.png"))


def test_empty_input_shows_a_message_not_a_request(browser, live_server):
    from selenium.webdriver.common.by import By

    browser.get(live_server + "/")
    browser.find_element(By.ID, "submit").click()
    status = browser.find_element(By.ID, "status")
    assert "请先粘贴" in status.text and "error" in status.get_attribute("class")


def test_batch_report_renders_in_the_browser(browser, tmp_path):
    import json

    from selenium.webdriver.common.by import By

    from service.batch.report import write_report
    from service.batch.runner import BatchOptions, run_batch

    texts = [
        "某市举办招商推介会，现场签约项目12个，总投资86亿元。",
        "全省新建高标准农田300万亩，粮食播种面积稳定。",
        "光伏基地全容量并网发电，年发电量20亿千瓦时。",
        "某市举办高校毕业生专场招聘会，提供岗位1.2万个。",
        "外交部发言人就国际形势答记者问。",
    ]
    records = [{"id": f"r{n}", "date": f"2024{1 + n % 3:02d}15", "text": text} for n, text in enumerate(texts * 6)]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    scored = tmp_path / "scored.jsonl"
    run_batch([str(source)], BatchOptions(output=str(scored)))
    page = tmp_path / "report.html"
    assert write_report(scored, page) == (30, 0)
    browser.get(page.as_uri())
    counts = {
        row.find_elements(By.TAG_NAME, "td")[0].text.split()[0]: int(row.find_elements(By.TAG_NAME, "td")[1].text)
        for row in browser.find_elements(By.CSS_SELECTOR, "#counts tr")[1:]
    }
    assert sum(counts.values()) == 30 and counts["investment"] >= 6 and counts["agriculture"] >= 6
    assert browser.find_elements(By.CSS_SELECTOR, "svg rect"), "the share-over-time chart is drawn"
    assert len(browser.find_elements(By.CSS_SELECTOR, "#review tr")) == 21
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "batch-report.png"))


def test_one_click_review_stores_the_corrected_theme(browser, tmp_path_factory):
    """The review view: correct an analysed article's theme with one click; the example lands in SQLite."""
    import sqlite3

    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    from tests.conftest import free_port, start_server, wait_ready

    root = tmp_path_factory.mktemp("review")
    port = free_port()
    process = start_server(["--port", str(port), "--workers", "1"], {"ZONEDIGEST_DB_PATH": str(root / "z.db")}, root / "server.log")
    try:
        base = f"http://127.0.0.1:{port}"
        wait_ready(base + "/readyz", process)
        browser.get(base + "/")
        paste(browser, "#text", "外交部发言人在例行记者会上介绍了国务院总理即将出访的安排。")
        browser.find_element(By.ID, "submit").click()
        wait_for(browser, ".card .review")
        Select(browser.find_element(By.CSS_SELECTOR, ".review .correct")).select_by_value("talent")
        WebDriverWait(browser, 10).until(lambda d: "已保存" in d.find_element(By.CSS_SELECTOR, ".review .saved").text)
        paste(browser, "#text", "某县新建高标准农田5万亩，粮食亩产提高10%。")
        browser.find_element(By.ID, "submit").click()
        WebDriverWait(browser, 10).until(lambda d: "高标准农田" in d.find_element(By.CSS_SELECTOR, ".card .summary").text)
        browser.find_element(By.CSS_SELECTOR, ".review .confirm").click()
        WebDriverWait(browser, 10).until(lambda d: "农业" in d.find_element(By.CSS_SELECTOR, ".review .saved").text)
        with sqlite3.connect(root / "z.db") as conn:
            rows = conn.execute("SELECT label, source FROM examples ORDER BY rowid").fetchall()
        assert rows == [("talent", "feedback"), ("agriculture", "feedback")]
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_uploaded_pdf_and_word_bulletins_are_read_split_and_analysed(browser, live_server, seed_text, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from tests.service.documents import make_files

    make_files.require_font()
    expected = [a.title for a in split_bulletin(seed_text)]
    files = {
        "bulletin.pdf": make_files.bulletin_pdf(make_files.seed_paragraphs(seed_text)),
        "bulletin.docx": make_files.bulletin_docx(make_files.seed_sections(seed_text)),
    }
    for name, data in files.items():
        path = tmp_path / name
        path.write_bytes(data)
        browser.get(live_server + "/")
        browser.find_element(By.ID, "file").send_keys(str(path))
        WebDriverWait(browser, 30).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".card .theme")) == len(expected))
        titles = [h.text for h in browser.find_elements(By.CSS_SELECTOR, ".card h2")]
        assert titles == expected, name
        assert name in browser.find_element(By.ID, "status").text
        assert browser.find_element(By.ID, "text").get_attribute("value").startswith(expected[0].split()[0])
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(ARTIFACTS / "web-uploaded-docx.png"))
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(make_files.image_pdf())
    browser.get(live_server + "/")
    browser.find_element(By.ID, "file").send_keys(str(scan))
    WebDriverWait(browser, 30).until(lambda d: "no_text_layer" in d.find_element(By.ID, "status").text)
    assert not browser.find_elements(By.CSS_SELECTOR, ".card")


def test_the_dateline_shows_beside_the_summary_and_the_header_names_the_served_labels(browser, live_server):
    from selenium.webdriver.common.by import By

    browser.get(live_server + "/")
    paste(browser, "#text", "新华社北京2月1日电 国务院印发《关于加快发展新能源的意见》。意见提出，到2030年风电和太阳能发电总装机容量达到12亿千瓦以上。")
    browser.find_element(By.ID, "submit").click()
    assert wait_for(browser, ".card .dateline").text == "新华社 · 北京 · 2月1日"
    assert browser.find_element(By.ID, "theme-names").text == "人才、招商引资、能源、农业、其他"
