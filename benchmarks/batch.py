"""Batch scoring of whole archives: wall time, docs/s, characters/s, peak memory.

Usage: python benchmarks/batch.py [--skip-dask] [--files-only]
       python benchmarks/batch.py --before REF [--runs 3]   (each archive, this tree against the code at REF)

Runs `zonedigest score` (theme + summary + keywords) over all of archive_xwlb and,
separately, all of archive_rmrb with the local engine on every core; then, in the same
run, a naive baseline on the first 1,000 xwlb stories in one process (jieba.lcut +
TfidfVectorizer/LinearSVC trained on the same training data + SnowNLP summary), and the
Dask engine on a LocalCluster of 2 workers over archive_xwlb.

Bulletins as files: 40 bulletins of 8 archive_rmrb articles each, written (in a temporary
folder, at run time) as text, PDF (fpdf2, the Debian CJK font) and Word files, scored with
`zonedigest score FOLDER --split`: wall time of each (median of 3), and what reading PDF
or Word adds to the time of the same bulletins given as text, with 1 worker and with all.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from _common import ROOT, SHARED, archive, extract_tree


def tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
        stack.extend(children.get(p, []))
    return total


def timed_run(args: list[str], cwd: Path = ROOT) -> tuple[float, int, str]:
    """Wall seconds, peak resident memory of the process tree, stderr of a command (run in ``cwd``)."""
    started = time.perf_counter()
    process = subprocess.Popen(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, tree_rss(process.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = process.communicate()
    stop.set()
    sampler.join()
    if process.returncode != 0:
        sys.exit(f"command failed: {' '.join(args)}\n{err}")
    return time.perf_counter() - started, peak, err.strip().splitlines()[-1]


def baseline_docs_per_second(n: int = 1000) -> float:
    import logging

    import jieba
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC
    from snownlp import SnowNLP

    from service.model.features import compose
    from training.data import load_examples

    jieba.setLogLevel(logging.WARNING)
    examples = load_examples()
    model = make_pipeline(TfidfVectorizer(tokenizer=jieba.lcut, token_pattern=None, lowercase=False), LinearSVC())
    model.fit([compose(e.title, e.text) for e in examples], [e.label for e in examples])
    rows = archive("archive_xwlb.jsonl.gz", n)
    started = time.perf_counter()
    for row in rows:
        model.predict([compose(row.get("title"), row["text"])])
        SnowNLP(row["text"]).summary(3)
    return len(rows) / (time.perf_counter() - started)


def bulletin_folders(root: Path, n: int = 40, per: int = 8) -> dict[str, Path]:
    """The same ``n`` bulletins as .txt, .pdf and .docx files, one folder per kind."""
    from tests.service.documents.make_files import bulletin_docx, bulletin_pdf

    rows = [r for r in archive("archive_rmrb.jsonl.gz", 4000) if r.get("title") and 300 <= len(r["text"]) <= 1500]
    folders = {kind: root / kind for kind in ("txt", "pdf", "docx")}
    for folder in folders.values():
        folder.mkdir()
    for b in range(n):
        articles = rows[b * per : (b + 1) * per]
        bodies = [[p.strip() for p in r["text"].split("\n") if p.strip()] for r in articles]
        sections = [([r["title"]], ["本报讯 " + body[0], *body[1:]]) for r, body in zip(articles, bodies)]  # a dateline opens each item
        text = "\n\n".join(f"{title[0]}\n\n" + "\n\n".join(body) for title, body in sections)
        (folders["txt"] / f"b{b:03d}.txt").write_text(text, encoding="utf-8")
        (folders["pdf"] / f"b{b:03d}.pdf").write_bytes(bulletin_pdf([(p is title[0], p) for title, body in sections for p in (title[0], *body)]))
        (folders["docx"] / f"b{b:03d}.docx").write_bytes(bulletin_docx(sections, subheading_style=None))
    return folders


def files_vs_text(out: Path, workers: int) -> None:
    folders = bulletin_folders(out)
    score = [sys.executable, "-m", "service", "score"]
    print("\nbulletins as files: 40 bulletins of 8 archive_rmrb articles, zonedigest score FOLDER --split (median of 3 runs)")
    for n in sorted({1, workers}):
        walls = {}
        for kind, folder in folders.items():
            times = [timed_run([*score, str(folder), "--split", "-o", str(out / f"{kind}-{n}-{i}.jsonl"), "--workers", str(n)])[0] for i in range(3)]
            walls[kind] = statistics.median(times)
            records = len((out / f"{kind}-{n}-0.jsonl").read_text(encoding="utf-8").splitlines())
            print(f"  {n} worker(s) {kind:>4}: {walls[kind]:.2f} s, {records} articles")
        for kind in ("pdf", "docx"):
            print(f"  {n} worker(s): {kind} adds {walls[kind] / walls['txt'] - 1:+.0%} to the time of the same bulletins as text")


def before_and_after(ref: str, runs: int, out: Path, workers: int) -> None:
    """Each whole archive scored (theme, summary, keywords) by the code at ``ref`` and by this tree,
    each with its own shipped model, the trees taking turns; wall time and documents a second."""
    trees = {"before": extract_tree(ref, out), "after": ROOT}
    print(f"zonedigest score ARCHIVE, local engine, {workers} workers; before = {ref}, after = this tree; median of {runs} runs, the trees taking turns")
    for name in ("archive_xwlb.jsonl.gz", "archive_rmrb.jsonl.gz"):
        docs = sum(1 for _ in archive(name))
        walls: dict[str, list[float]] = {"before": [], "after": []}
        for i in range(runs):
            for side, tree in trees.items():
                target = out / f"{side}-{name}-{i}.jsonl"
                command = [sys.executable, "-m", "service", "score", str(SHARED / name), "-o", str(target), "--workers", str(workers)]
                walls[side].append(timed_run(command, cwd=tree)[0])
        before, after = (statistics.median(walls[side]) for side in ("before", "after"))
        rates = f"before {before:.1f} s ({docs / before:.0f} docs/s)   after {after:.1f} s ({docs / after:.0f} docs/s)"
        print(f"{name}: {docs} docs   {rates}   after/before {after / before:.2f}")
        print(f"  runs before {', '.join(f'{w:.1f}' for w in walls['before'])}   after {', '.join(f'{w:.1f}' for w in walls['after'])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-dask", action="store_true")
    parser.add_argument("--files-only", action="store_true", help="only the bulletins-as-files comparison")
    parser.add_argument("--before", metavar="REF", help="only each whole archive, this tree against the code at git REF, taking turns (median of --runs)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each tree with --before")
    args = parser.parse_args()
    workers = os.cpu_count() or 1
    out = Path(tempfile.mkdtemp(prefix="zonedigest-bench-"))
    if args.files_only:
        files_vs_text(out, workers)
        return
    if args.before:
        before_and_after(args.before, args.runs, out, workers)
        return
    score = [sys.executable, "-m", "service", "score"]
    results = {}
    for name in ("archive_xwlb.jsonl.gz", "archive_rmrb.jsonl.gz"):
        rows = archive(name)
        docs, chars = len(rows), sum(len(r["text"]) for r in rows)
        wall, peak, line = timed_run([*score, str(SHARED / name), "-o", str(out / f"{name}.out.jsonl"), "--workers", str(workers)])
        results[name] = (docs, wall)
        print(f"{name}: {docs} docs, {chars / 1e6:.1f} M chars, local engine, {workers} workers")
        print(f"  wall {wall:.1f} s   {docs / wall:.0f} docs/s   {chars / wall / 1e6:.2f} M chars/s   peak memory {peak / 2**20:.0f} MiB")
        print(f"  ({line})")
    base = baseline_docs_per_second()
    xwlb_docs, xwlb_wall = results["archive_xwlb.jsonl.gz"]
    print(f"naive baseline (jieba.lcut + TF-IDF/LinearSVC + SnowNLP summary, one process, first 1,000 xwlb stories): {base:.1f} docs/s")
    print(f"  zonedigest xwlb docs/s / baseline docs/s: {xwlb_docs / xwlb_wall / base:.0f}x")
    if not args.skip_dask:
        wall, peak, line = timed_run([*score, str(SHARED / "archive_xwlb.jsonl.gz"), "-o", str(out / "dask.jsonl"), "--engine", "dask", "--workers", "2"])
        print(f"dask engine, LocalCluster of 2 workers, archive_xwlb: wall {wall:.1f} s   peak memory {peak / 2**20:.0f} MiB   ({line})")
        print(f"  dask / local wall time: {wall / xwlb_wall:.2f}")
        same = (out / "dask.jsonl").read_bytes() == (out / "archive_xwlb.jsonl.gz.out.jsonl").read_bytes()
        print(f"  output identical to the local engine's: {same}")
    files_vs_text(out, workers)


if __name__ == "__main__":
    main()
