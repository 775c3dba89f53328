"""Per-article cost of classify, summarize and analyze against the tokenizer alone, before against
after, and what the outputs of the two trees differ in.

Usage: python benchmarks/one_pass.py [--before REF] [--articles N] [--timing N]

The tree at ``REF`` (default ``b34fe14``, the code before one pass over the text) is written to a
temporary folder with ``git archive``; the same measuring code then runs once in a fresh process
for each tree, pinned to one core, with each tree's own shipped model:

- CPU milliseconds per article, one article a call, on the first ``--timing`` stories of each archive:
  the tokenizer alone (``cut``), classify, summarize, analyze; and analyze in chunks of 256, as
  ``zonedigest score`` calls it (median of 3 passes, then the median over ``--rounds`` rounds in
  which the trees take turns);
- analyze of the first 766-character national story, one call (median of 200);
- outputs of ``analyze_many`` on the first ``--articles`` stories of each archive, compared field
  by field between the trees, with a few differing sentences shown.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, archive, extract_tree

STORY_CHARS = 766
FIELDS = ("theme", "scores", "themes", "evidence", "summary", "sentences", "keywords", "dateline", "warnings")


def _per_article(fn, items, repeat: int = 3) -> float:
    """Milliseconds of CPU time per item (the process's own time: a shared machine's steal does not count)."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        for item in items:
            fn(item)
        times.append(time.process_time() - start)
    return statistics.median(times) / len(items) * 1000


def measure(tree: Path, articles: int, timing: int, out: Path) -> None:  # noqa: C901 - one measuring script
    """Run inside a tree (its folder first on sys.path): timings and outputs as JSON to ``out``."""
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    import service
    from service.analyzer import Analyzer

    if Path(service.__file__).resolve().parent.parent != tree.resolve():  # _common puts this checkout on the path too
        raise SystemExit(f"measuring {tree} but imported the code of {service.__file__}")
    from service.model.classifier import load_model
    from service.text.tokenizer import cut

    analyzer = Analyzer(load_model(tree / "models"))
    report: dict = {"version": analyzer.model_version, "timing": {}, "outputs": {}}
    for name in ("archive_xwlb.jsonl.gz", "archive_rmrb.jsonl.gz"):
        rows = archive(name, max(articles, timing))
        items = [(r.get("title"), r["text"]) for r in rows]
        timed = items[:timing]
        analyzer.analyze_many(timed[:50])  # dictionary and caches loaded, outside the timing
        figures = {
            "chars": statistics.mean(len(t) for _, t in timed),
            "tokenizer": _per_article(lambda it: cut(it[1]), timed),
            "classify": _per_article(lambda it: analyzer.classify_many([it]), timed),
            "summarize": _per_article(lambda it: analyzer.summarizer.summarize(it[1], title=it[0]), timed),
            "analyze": _per_article(lambda it: analyzer.analyze(it[1], it[0]), timed),
            "analyze_chunks": _per_article(lambda chunk: analyzer.analyze_many(chunk), [timed[i : i + 256] for i in range(0, len(timed), 256)]) / 256,
        }
        report["timing"][name] = figures
        results = analyzer.analyze_many(items) if articles else []
        report["outputs"][name] = [{"id": r["id"], **{k: res.get(k) for k in FIELDS}} for r, res in zip(rows, results)]
        if name.startswith("archive_xwlb"):
            story = next((r.get("title"), r["text"]) for r in archive(name) if len(r["text"]) == STORY_CHARS)
            analyzer.analyze(story[1], story[0])
            once = []
            for _ in range(200):
                start = time.process_time()
                analyzer.analyze(story[1], story[0])
                once.append(time.process_time() - start)
            report["story_ms"] = statistics.median(once) * 1000
    out.write_text(json.dumps(report, ensure_ascii=False))


def run_tree(tree: Path, articles: int, timing: int, out: Path) -> dict:
    code = (
        f"import sys; from pathlib import Path; sys.path[:0] = [{str(ROOT / 'benchmarks')!r}]; import one_pass; "
        f"sys.path.insert(0, {str(tree)!r}); one_pass.measure(Path({str(tree)!r}), {articles}, {timing}, Path({str(out)!r}))"
    )
    subprocess.run([sys.executable, "-c", code], cwd=tree, check=True)
    return json.loads(out.read_text())


def _median_of(reports: list[dict]) -> dict:
    """The first report, its timings the median over all."""
    out = dict(reports[0])
    out["timing"] = {name: {step: statistics.median(r["timing"][name][step] for r in reports) for step in figures} for name, figures in out["timing"].items()}
    out["story_ms"] = statistics.median(r["story_ms"] for r in reports)
    return out


def compare(before: list[dict], after: list[dict]) -> tuple[dict, list[str]]:
    """How many articles differ in each field, the largest score change, and two examples of each field that differs."""
    differ = {k: 0 for k in FIELDS}
    largest, shown = 0.0, []
    for b, a in zip(before, after):
        for k in FIELDS:
            if k == "scores":
                change = max(abs(b[k][t] - a[k].get(t, 0.0)) for t in b[k])
                largest = max(largest, change)
                differ[k] += change > 1e-3
            else:
                differ[k] += b[k] != a[k]
        for k in FIELDS:
            if k != "scores" and b[k] != a[k] and sum(line.startswith(f"  {k} ") for line in shown) < 2:
                was, now = (json.dumps(x[k], ensure_ascii=False)[:150] for x in (b, a))
                shown.append(f"  {k} of {b['id']}\n    before: {was}\n    after:  {now}")
    return {**differ, "largest score change": round(largest, 4)}, shown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", default="b34fe14", help="git ref of the code to compare against")
    parser.add_argument("--articles", type=int, default=2000, help="articles of each archive whose outputs are compared")
    parser.add_argument("--timing", type=int, default=1000, help="articles of each archive timed")
    parser.add_argument("--rounds", type=int, default=3, help="timing rounds, the trees taking turns; each figure is the median over rounds")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        before_tree = extract_tree(args.before, Path(tmp))
        rounds = []
        for r in range(args.rounds):  # the trees take turns, so that a busy spell of the machine hits both
            articles = args.articles if r == 0 else 0
            pair = (run_tree(tree, articles, args.timing, Path(tmp) / f"{side}.json") for tree, side in ((before_tree, "before"), (ROOT, "after")))
            rounds.append(tuple(pair))
        before, after = (_median_of([pair[k] for pair in rounds]) for k in (0, 1))
    print(f"one core; before = {args.before} ({before['version']}), after = this tree ({after['version']})")
    print(f"CPU ms per article, median of 3 passes in each of {args.rounds} rounds, the trees taking turns\n")
    print(f"{'archive':<24}{'chars':>7}  {'step':<16}{'before':>9}{'after':>9}{'after/before':>14}{'after/tokenizer':>17}")
    for name, figures in after["timing"].items():
        old = before["timing"][name]
        for step in ("tokenizer", "classify", "summarize", "analyze", "analyze_chunks"):
            ratio, floor = figures[step] / old[step], figures[step] / figures["tokenizer"]
            print(f"{name:<24}{figures['chars']:>7.0f}  {step:<16}{old[step]:>9.3f}{figures[step]:>9.3f}{ratio:>14.2f}{floor:>17.1f}")
    old, new = before["story_ms"], after["story_ms"]
    print(f"\nanalyze one {STORY_CHARS}-character story: before {old:.3f} ms, after {new:.3f} ms ({new / old:.2f}x)")
    for name in after["outputs"]:
        counts, shown = compare(before["outputs"][name], after["outputs"][name])
        print(f"\n{name}: {len(after['outputs'][name])} articles; articles whose field differs: {counts}")
        print("\n".join(shown))


if __name__ == "__main__":
    main()
