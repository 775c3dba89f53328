"""Summary quality side by side: ROUGE against the journalists' headlines, the extractive oracle,
reading defects, speed before and after, and a blind-comparison pairs file.

Usage:
  python benchmarks/summary.py [--budgets 60,120,200] [--xwlb 500] [--rmrb 300] [--systems ...]
  python benchmarks/summary.py --pairs benchmarks/results/summary_pairs.jsonl [--pairs-n 100]
  python benchmarks/summary.py --tally JUDGEMENTS.jsonl KEY.json
  python benchmarks/summary.py --editors [--part measure]

Fixed seeded samples of stories with text >= 300 characters. Every system gets the text
only (never the headline) and is held to the same budget in whole sentences: its
sentences are taken in its own order up to the first that would pass the budget; when
even the first does not fit, it is clipped to the budget. Lead is the text's first
sentences up to the budget. ``before`` is the summarizer as it was before reader-accepted
units, read from git at BEFORE (default 47ffabc; ``--before REV``). The oracle greedily adds the
whole sentence (of the summarizer's candidate sentences) that most raises the LCS of the
fitted summary with the headline, within the budget; one whole sentence over the budget
is allowed (then clipped, as for every system). gap = (ours - lead) / (oracle - lead) on
ROUGE-L recall.

``--editors``: agreement with the editors' reference (benchmarks/data/editor_picks.jsonl: archive
articles outside ../shared/data/heldout_ids.txt; 200 read by two editors each, independently, and
400 more by one editor, all in the learn part; editors pick whole
sentences within 120 characters by the brief in benchmarks/data/EDITORS.md; ids and sentence
indices only). Agreement is character-level LCS F1 (punctuation and spaces aside), each system
against each editor, averaged; the editors' figure is one editor against the other. Every
budget is measured against the same 120-character picks.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time

from _common import archive

from service.text.patterns import CLOSERS, TERMINAL

PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)
END_MARKS = TERMINAL + "."
SEED = 20261125

DEFECTS = {
    "glued": "glued heading: a summary sentence that holds a line break after a piece with no end mark, "
    "or opens with a label (核心阅读, 编者按, 一、, （一）, 第一部分, a bracketed name such as （李彤）) followed by more text, "
    "or a sentence with no end mark followed by another summary sentence",
    "dangling": "dangling back-reference: a summary sentence opening with a back-reference (他们, 这, 该, 此, 为此, 对此, 此外, "
    "同时, 其中, 但...) when the article text between the previous summary sentence (or the article's first sentence) "
    "and it holds a sentence end (。！？；), i.e. the sentence it points back to is not in the summary",
    "cut": "cut sentence: a summary sentence ending in ， , 、 ： : (a piece of a longer sentence)",
    "filler": "filler: a summary sentence holding a slogan or set phrase (岁月无声, 一方有难, 保驾护航, 谱写新篇章...; "
    "service.summary.units.PHRASE) and no number with a unit",
    "list": "list clause: a summary sentence ending in ；/; (one item of a list, its lead-in left out)",
    "ellipsis": "ellipsis fragment: a summary sentence ending in …… or … (a fragment trailing off)",
}
LABEL_START = re.compile(
    r"^(?:核心阅读|编者按|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|第[一二三四五六七八九十]+部分|[（(][\u4e00-\u9fff]{2,4}[）)])(?=.)"
)


def chars(text: str) -> str:
    return PUNCT.sub("", text)


def lcs(a: str, b: str) -> int:
    """Length of the longest common subsequence of ``a`` and ``b`` (bit-parallel, Hyyrö 2004)."""
    if not a or not b:
        return 0
    masks: dict[str, int] = {}
    for i, ch in enumerate(b):
        masks[ch] = masks.get(ch, 0) | (1 << i)
    full = (1 << len(b)) - 1
    v = full
    for ch in a:
        u = v & masks.get(ch, 0)
        v = ((v + u) | (v - u)) & full
    return len(b) - v.bit_count()


def rouge(summary: str, reference: str) -> dict[str, tuple[float, float]]:
    s, r = chars(summary), chars(reference)
    out = {}
    for n in (1, 2):
        sg = [s[i : i + n] for i in range(len(s) - n + 1)]
        rg = [r[i : i + n] for i in range(len(r) - n + 1)]
        pool: dict[str, int] = {}
        for g in sg:
            pool[g] = pool.get(g, 0) + 1
        hit = 0
        for g in rg:
            if pool.get(g, 0) > 0:
                pool[g] -= 1
                hit += 1
        out[f"R{n}"] = (hit / len(rg) if rg else 0.0, hit / len(sg) if sg else 0.0)
    m = lcs(s, r)
    out["RL"] = (m / len(r) if r else 0.0, m / len(s) if s else 0.0)
    return out


def fit(sentences: list[str], budget: int) -> str:
    """A system's sentences, in its order, up to the first that would pass the budget.

    When even the first does not fit (a system may return one over-long sentence whole),
    it is clipped to the budget, so that no system gets more characters than another.
    """
    out, used = [], 0
    for sentence in sentences:
        if used + len(sentence) > budget:
            break
        out.append(sentence)
        used += len(sentence)
    if not out and sentences:
        return sentences[0][:budget]
    return "".join(out)


# --- systems: each maps (text, budget) to a list of sentences (texts); "ours" and "before" also keep spans


def make_summarizer_system(summarizer, texts: list[str], themes: dict[str, list[str]], spans: dict):
    def run(text: str, budget: int) -> list[str]:
        summary = summarizer.summarize(text, themes=themes[text], max_chars=budget)
        spans[(text, budget)] = [(s.text, s.start, s.end) for s in summary.sentences]
        return [s.text for s in summary.sentences]

    return run


def system_lead(text: str, budget: int) -> list[str]:
    from service.text.sentences import split_sentences

    return [s.text for s in split_sentences(text)]


def candidates(text: str) -> list:
    from service.summary.summarizer import candidate_units

    return candidate_units(text)


def system_oracle(title: str):
    """Greedy extractive oracle against ``title`` (see the module docstring)."""
    ref = chars(title)

    def run(text: str, budget: int) -> list[str]:
        sentences = [s.text for s in candidates(text)]
        chosen: list[int] = []
        best = 0
        while True:
            used = sum(len(sentences[i]) for i in chosen)
            pick, pick_value = None, best
            for i, sentence in enumerate(sentences):
                if i in chosen or (chosen and used + len(sentence) > budget):
                    continue
                trial = sorted(chosen + [i])
                value = lcs(chars(fit([sentences[j] for j in trial], budget)), ref)
                if value > pick_value:
                    pick, pick_value = i, value
            if pick is None:
                break
            chosen.append(pick)
            best = pick_value
            if len(sentences[pick]) > budget:  # one whole sentence over the budget, and nothing more
                break
        return [sentences[i] for i in sorted(chosen)]

    return run


def system_snownlp(text: str, budget: int) -> list[str]:
    from snownlp import SnowNLP

    return SnowNLP(text).summary(12)


def system_textrank(text: str, budget: int) -> list[str]:
    from textrank4zh import TextRank4Sentence

    tr = TextRank4Sentence()
    tr.analyze(text, lower=True, source="all_filters")
    return [item.sentence + "。" for item in tr.get_key_sentences(num=12)]


def sample(name: str, n: int, seed: int = SEED) -> list[dict]:
    rows = [r for r in archive(name) if len(r["text"]) >= 300 and r.get("title")]
    return random.Random(seed).sample(rows, min(n, len(rows)))


# --- reading defects


def defects(text: str, spans: list[tuple[str, int, int]]) -> dict[str, int]:
    """Counts of each defect in one summary (``spans``: its sentences with offsets into ``text``)."""
    from service.summary.units import needs_antecedent as back_reference
    from service.text.patterns import NUMBER_WITH_UNIT, PHRASE
    from service.text.sentences import split_sentences

    out = dict.fromkeys(DEFECTS, 0)
    first_body = next((s.start for s in split_sentences(text) if not s.boilerplate), 0)
    previous_end = None
    for k, (sentence, start, end) in enumerate(spans):
        original = text[start:end]
        head = original.split("\n", 1)[0].rstrip()
        ends = sentence.rstrip(CLOSERS)[-1:] in END_MARKS
        if ("\n" in original.strip() and head and head[-1] not in END_MARKS + CLOSERS) or LABEL_START.match(sentence) or (not ends and k + 1 < len(spans)):
            out["glued"] += 1
        if back_reference(sentence):
            gap = text[first_body if previous_end is None else previous_end : start]
            if re.search("[。！？；!?;]", gap):
                out["dangling"] += 1
        if sentence[-1:] in "，,、：:":
            out["cut"] += 1
        if PHRASE.search(sentence) and not NUMBER_WITH_UNIT.search(sentence):  # of any length (the summarizer skips short ones)
            out["filler"] += 1
        if sentence.rstrip()[-1:] in "；;":
            out["list"] += 1
        if sentence.rstrip().rstrip(CLOSERS).endswith("…"):
            out["ellipsis"] += 1
        previous_end = end
    return out


# --- runs


def load_analyzer():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    from service.analyzer import Analyzer
    from service.model.classifier import load_model

    return Analyzer(load_model())


BEFORE = "47ffabc"  # the last commit with the summarizer before reader-accepted units


def baseline_summarizer(analyzer, rev: str = BEFORE):
    """The summarizer as it was at ``rev``, with that commit's sentence splitter, read with ``git show``."""
    import importlib
    import subprocess
    import tempfile
    from pathlib import Path

    from _common import ROOT

    def source(path: str) -> str:
        return subprocess.run(["git", "show", f"{rev}:{path}"], cwd=ROOT, check=True, capture_output=True, text=True).stdout

    folder = Path(tempfile.mkdtemp(prefix="zonedigest-before-"))
    (folder / "before_sentences.py").write_text(source("service/text/sentences.py"), encoding="utf-8")
    summarizer = source("service/summary/summarizer.py").replace("from service.text.sentences import", "from before_sentences import")
    (folder / "before_summarizer.py").write_text(summarizer, encoding="utf-8")
    sys.path.insert(0, str(folder))
    return importlib.import_module("before_summarizer").Summarizer(idf=analyzer.model.idf())


def classify_themes(analyzer, texts: list[str]) -> dict[str, list[str]]:
    from service.model.features import compose

    predictions = analyzer.model.predict([compose(None, t) for t in texts], evidence=0)
    return {t: p.themes for t, p in zip(texts, predictions)}


def evaluate(args) -> None:
    budgets = [int(b) for b in args.budgets.split(",")]
    wanted = args.systems.split(",")
    analyzer = load_analyzer()
    before = baseline_summarizer(analyzer, args.before)
    print("Defects (per 100 summaries, counted on each summarizer's own sentences before clipping):")
    for key, definition in DEFECTS.items():
        print(f"  {key:<9}{definition}")
    print("sum/s: summaries per second, one process on one core, themes classified beforehand in one batch")
    for name, n in (("archive_xwlb.jsonl.gz", args.xwlb), ("archive_rmrb.jsonl.gz", args.rmrb)):
        rows = sample(name, n)
        texts = [r["text"] for r in rows]
        themes = classify_themes(analyzer, texts)
        spans: dict[str, dict] = {"ours": {}, "before": {}}
        systems = {
            "ours": make_summarizer_system(analyzer.summarizer, texts, themes, spans["ours"]),
            "before": make_summarizer_system(before, texts, themes, spans["before"]),
            "lead": system_lead,
            "oracle": None,
            "snownlp": system_snownlp,
            "textrank": system_textrank,
        }
        systems = {k: v for k, v in systems.items() if k in wanted}
        print(f"\n{name}: {len(rows)} stories, text >= 300 chars, reference = headline (seed {SEED})")
        print(f"{'system':<10}{'budget':>7}{'R1 rec':>8}{'R2 rec':>8}{'RL rec':>8}{'RL F1':>8}{'sum/s':>9}{'gap':>8}"
              f"{'glued':>7}{'dangl':>7}{'cut':>6}{'filler':>7}{'list':>6}{'ellip':>6}")
        for budget in budgets:
            rl = {}
            for sys_name, run in systems.items():
                started = time.perf_counter()
                if sys_name == "oracle":
                    outputs = [fit(system_oracle(r["title"])(r["text"], budget), budget) for r in rows]
                else:
                    outputs = [fit(run(r["text"], budget), budget) for r in rows]
                elapsed = time.perf_counter() - started
                if sys_name in ("ours", "before"):  # time the summarizer alone (the fitting is the benchmark's)
                    elapsed = timed(systems[sys_name], texts, budget)
                rate = len(rows) / elapsed
                totals = {"R1": [0.0, 0.0], "R2": [0.0, 0.0], "RL": [0.0, 0.0]}
                for r, out in zip(rows, outputs):
                    for key, (rec, prec) in rouge(out, r["title"]).items():
                        totals[key][0] += rec
                        totals[key][1] += 2 * rec * prec / (rec + prec) if rec + prec else 0.0
                k = len(rows)
                rl[sys_name] = totals["RL"][0] / k
                figures = f"{totals['R1'][0] / k:>8.3f}{totals['R2'][0] / k:>8.3f}{totals['RL'][0] / k:>8.3f}{totals['RL'][1] / k:>8.3f}"
                line = f"{sys_name:<10}{budget:>7}{figures}{rate:>9.0f}"
                if sys_name in ("ours", "before"):
                    gap = ""
                    if "lead" in rl and "oracle" in systems:
                        gap = "(after)"
                    counts = dict.fromkeys(DEFECTS, 0)
                    for t in texts:
                        for key, value in defects(t, spans[sys_name][(t, budget)]).items():
                            counts[key] += value
                    line += f"{gap:>8}" + "".join(f"{100 * counts[key] / k:>{w}.1f}" for key, w in zip(DEFECTS, (7, 7, 6, 7, 6, 6)))
                print(line)
            if {"lead", "oracle"} <= rl.keys():
                span = rl["oracle"] - rl["lead"]
                for sys_name in ("ours", "before"):
                    if sys_name in rl:
                        print(f"  gap closed at {budget} by {sys_name}: {(rl[sys_name] - rl['lead']) / span:+.1%} "
                              f"(lead {rl['lead']:.3f}, {sys_name} {rl[sys_name]:.3f}, oracle {rl['oracle']:.3f})")


def timed(run, texts: list[str], budget: int, repeat: int = 2) -> float:
    """Seconds for one pass of ``run`` over ``texts`` (best of ``repeat``)."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for t in texts:
            run(t, budget)
        best = min(best, time.perf_counter() - started)
    return best


def write_pairs(path: str, n: int, budget: int = 120, seed: int = SEED + 2, against: str = "lead") -> None:
    """Blind pairs: fixed seeded articles (half from each archive, none an editor read) where ours differs from
    lead at ``budget`` (``seed`` picks the articles: a new round after a change reads articles no reader has
    judged); with ``against="editor"``, the editors' measure part, ours against the first editor's pick.
    Ours is given the article's title, as a user's request has it."""
    from pathlib import Path

    analyzer = load_analyzer()
    rng = random.Random(SEED + 1)
    pairs, key = [], {}
    edited = {r["id"]: r for r in editor_articles("measure")} if against == "editor" else {}
    read = {json.loads(line)["id"] for line in (Path(__file__).parent / "data" / EDITOR_PICKS).read_text(encoding="utf-8").splitlines()}
    for name in ("archive_xwlb.jsonl.gz", "archive_rmrb.jsonl.gz"):
        if against == "editor":
            rows = [r for r in edited.values() if (r["archive"] == "rmrb") == name.endswith("rmrb.jsonl.gz")]
        else:
            rows = [r for r in sample(name, 4 * n, seed=seed) if r["id"] not in read]
        themes = classify_themes(analyzer, [r["text"] for r in rows])
        taken = 0
        for r in rows:
            if taken >= n // 2:
                break
            picked = analyzer.summarizer.summarize(r["text"], title=r.get("title"), themes=themes[r["text"]], max_chars=budget).sentences
            ours = fit([s.text for s in picked], budget)
            lead = r["refs"][0] if against == "editor" else fit(system_lead(r["text"], budget), budget)
            if chars(ours) == chars(lead) or not ours:
                continue
            pair_id = f"p{len(pairs) + 1:03d}"
            ours_first = rng.random() < 0.5
            pairs.append({"pair_id": pair_id, "id": r["id"], "text": r["text"][:1500], "A": ours if ours_first else lead, "B": lead if ours_first else ours})
            key[pair_id] = "A" if ours_first else "B"
            taken += 1
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        for row in pairs:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    key_path = out.with_name(out.stem + "_key.json")
    key_path.write_text(json.dumps(key, indent=1) + "\n", encoding="utf-8")
    print(f"{len(pairs)} pairs (ours against {against}) -> {out}; key (which of A/B is ours) -> {key_path}")


def tally(judgements: str, key_path: str) -> None:
    """Wins, losses and ties of ours from judgements: JSONL rows {"pair_id", "choice": "A"|"B"|"tie"}; several
    readers' files, comma-separated, are tallied each and together, with how often two readers agree."""
    key = json.loads(open(key_path, encoding="utf-8").read())
    readers = []
    for path in judgements.split(","):
        rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
        readers.append({row["pair_id"]: str(row.get("choice", row.get("preferred", "tie"))).strip() for row in rows})
    totals = {"wins": 0, "losses": 0, "ties": 0}
    for n, choices in enumerate(readers, 1):
        counts = {"wins": 0, "losses": 0, "ties": 0}
        for pair_id, choice in choices.items():
            counts["ties" if choice not in ("A", "B") else "wins" if choice == key[pair_id] else "losses"] += 1
        totals = {k: totals[k] + counts[k] for k in totals}
        label = f"reader {n}" if len(readers) > 1 else "ours"
        print(f"{label} over {sum(counts.values())} judgements: wins {counts['wins']}, losses {counts['losses']}, ties {counts['ties']}")
    if len(readers) > 1:
        shared = set(readers[0]) & set(readers[1])
        agree = sum(readers[0][p] == readers[1][p] for p in shared)
        print(f"readers 1 and 2 agree on {agree} of {len(shared)} pairs ({agree / len(shared):.1%})")
    decided = totals["wins"] + totals["losses"]
    print(f"all judgements: wins {totals['wins']}, losses {totals['losses']}, ties {totals['ties']}"
          + (f"; ours in {totals['wins'] / decided:.1%} of those not tied" if decided else "")
          + f"; ours at least as good (wins + ties) in {(totals['wins'] + totals['ties']) / sum(totals.values()):.1%}")


EDITOR_PICKS = "editor_picks.jsonl"


def lcs_f1(a: str, b: str) -> float:
    """Character-level LCS F1 of two texts, punctuation and spaces aside."""
    a, b = chars(a), chars(b)
    return 2 * lcs(a, b) / (len(a) + len(b)) if a and b else 0.0


def editor_articles(part: str) -> list[dict]:
    """The editors' articles of ``part`` (learn, measure or all) with their texts and each editor's picked sentences."""
    from _common import ROOT, archive_articles

    from service.text.sentences import split_sentences

    rows = [json.loads(line) for line in (ROOT / "benchmarks" / "data" / EDITOR_PICKS).read_text(encoding="utf-8").splitlines()]
    rows = [r for r in rows if (part == "all" or r["part"] == part) and r.get("B")]  # measured where two editors read it
    texts = archive_articles({r["id"] for r in rows})
    for r in rows:
        r["title"], r["text"] = texts[r["id"]]["title"], texts[r["id"]]["text"]
        sentences = [s.text for s in split_sentences(r["text"], split_long=False) if not s.boilerplate]
        if len(sentences) != r["sentences"] or any(not sentences[int(i)].startswith(a) for i, a in r["anchors"].items()):
            raise SystemExit(f"{r['id']}: the sentence splitter changed since the editors picked; their indices no longer apply")
        r["sentence_texts"] = sentences
        r["refs"] = ["".join(sentences[i] for i in r[e]) for e in ("A", "B")]
    return rows


def against_editors(args) -> None:
    """Ours (with the served model's learned salience), the hand-weighted scorer, lead and the headline
    oracle against the editors; the summarizers get the title, as a user's request has it."""

    budgets = [int(b) for b in args.budgets.split(",")]
    rows = editor_articles(args.part)
    analyzer = load_analyzer()
    themes = classify_themes(analyzer, [r["text"] for r in rows])
    learned = analyzer.summarizer
    hand = replace_salience(learned, None)

    def summarizer_system(summarizer):
        return lambda r, budget: [s.text for s in summarizer.summarize(r["text"], title=r["title"], themes=themes[r["text"]], max_chars=budget).sentences]

    systems = {
        "ours": summarizer_system(learned),
        "hand": summarizer_system(hand),
        "lead": lambda r, budget: system_lead(r["text"], budget),
        "oracle": lambda r, budget: system_oracle(r["title"])(r["text"], budget),
    }
    if learned.salience is None:
        del systems["hand"]
        print("the served model has no learned salience: ours is the hand-weighted scorer")
    editors = sum(lcs_f1(*r["refs"]) for r in rows) / len(rows)
    national = sum(r["archive"] == "xwlb" for r in rows)
    print(f"{len(rows)} articles ({args.part} part: {national} national, {len(rows) - national} regional), model {analyzer.model_version}")
    print(f"editors against each other at 120: LCS F1 {editors:.3f} (identical picks in {sum(r['A'] == r['B'] for r in rows)})")
    print(f"{'system':<16}{'budget':>7}{'LCS F1':>8}{'sum/s':>8}")
    for budget in budgets:
        scores = {}
        for name, run in systems.items():
            started = time.perf_counter()
            outputs = [fit(run(r, budget), budget) for r in rows]
            rate = len(rows) / (time.perf_counter() - started)
            scores[name] = sum((lcs_f1(out, r["refs"][0]) + lcs_f1(out, r["refs"][1])) / 2 for out, r in zip(outputs, rows)) / len(rows)
            label = {"oracle": "headline oracle", "hand": "hand-weighted"}.get(name, name)
            print(f"{label:<16}{budget:>7}{scores[name]:>8.3f}{rate:>8.0f}")
        if budget == 120:
            for name in ("ours", "hand"):
                if name in scores:
                    print(f"  gap from lead to the editors closed at 120 by {name}: {(scores[name] - scores['lead']) / (editors - scores['lead']):+.1%}")


def replace_salience(summarizer, salience):
    """A summarizer like ``summarizer`` with another salience (None: the hand-weighted scores)."""
    import copy

    other = copy.copy(summarizer)
    other.salience = salience
    return other


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budgets", default="60,120,200")
    parser.add_argument("--xwlb", type=int, default=500)
    parser.add_argument("--rmrb", type=int, default=300)
    parser.add_argument("--systems", default="ours,before,lead,oracle,snownlp,textrank")
    parser.add_argument("--pairs", metavar="FILE", help="write blind pairs (ours vs lead at 120) to FILE and the key beside it")
    parser.add_argument("--pairs-n", type=int, default=100)
    parser.add_argument("--pairs-seed", type=int, default=SEED + 2, help="seed of the articles of the pairs (default %(default)s)")
    parser.add_argument("--pairs-against", default="lead", choices=("lead", "editor"), help="what ours is paired with (default %(default)s)")
    parser.add_argument("--tally", nargs=2, metavar=("JUDGEMENTS", "KEY"))
    parser.add_argument("--before", default=BEFORE, help="git revision whose summarizer is 'before' (default %(default)s)")
    parser.add_argument("--editors", action="store_true", help="agreement with the editors' picks instead of the headlines")
    parser.add_argument("--part", default="measure", choices=("learn", "measure", "all"), help="which part of the editors' articles (default %(default)s)")
    args = parser.parse_args()
    if args.editors:
        against_editors(args)
    elif args.tally:
        tally(*args.tally)
    elif args.pairs:
        write_pairs(args.pairs, args.pairs_n, seed=args.pairs_seed, against=args.pairs_against)
    else:
        evaluate(args)


if __name__ == "__main__":
    main()
