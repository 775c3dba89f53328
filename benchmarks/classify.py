"""Classification throughput of the shipped model against a naive baseline, and model load time.

Usage: python benchmarks/classify.py [N]   (first N stories of archive_xwlb, default 10000)
       python benchmarks/classify.py --versions v2,v3 [N]   (versions side by side: quality and speed)

Baseline, in the same run and process: jieba.lcut + TfidfVectorizer + LinearSVC, trained
on the same training data, predicting the same stories.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor

from _common import ROOT, archive, median_seconds

_worker_model = None


LOAD_TIMER = "import time; t=time.perf_counter(); from service.model.classifier import load_model; load_model(); print(time.perf_counter()-t)"


def _load_worker() -> None:
    global _worker_model
    from service.model.classifier import load_model

    _worker_model = load_model()
    _worker_model.predict(["预热\n预热"])


def _predict_chunk(docs: list[str]) -> int:
    return len(_worker_model.predict(docs))


def parallel_seconds(docs: list[str], workers: int, chunk: int = 500) -> float:
    """Wall time to classify ``docs`` on ``workers`` processes (model loaded once per worker, not timed)."""
    with ProcessPoolExecutor(workers, initializer=_load_worker) as pool:
        list(pool.map(_predict_chunk, [docs[:10]] * workers))  # workers started and warm
        start = time.perf_counter()
        done = sum(pool.map(_predict_chunk, [docs[i : i + chunk] for i in range(0, len(docs), chunk)]))
        elapsed = time.perf_counter() - start
    assert done == len(docs)
    return elapsed


def main(n: int) -> None:
    import jieba
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC

    from service.model.classifier import load_model
    from service.model.features import compose
    from training.data import load_examples

    cold = subprocess.run(  # a fresh process: import and load from cold
        [sys.executable, "-c", LOAD_TIMER],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    start = time.perf_counter()
    model = load_model()
    warm_load = time.perf_counter() - start
    docs = [compose(r.get("title"), r["text"]) for r in archive("archive_xwlb.jsonl.gz", n)]
    chars = sum(map(len, docs))
    model.predict(docs[:50])  # tokenizer dictionary load, outside the timing

    ours = median_seconds(lambda: model.predict(docs), 3)

    jieba.setLogLevel(60)
    jieba.initialize()
    examples = load_examples()
    baseline = make_pipeline(TfidfVectorizer(tokenizer=jieba.lcut, token_pattern=None, lowercase=False), LinearSVC())
    baseline.fit([compose(e.title, e.text) for e in examples], [e.label for e in examples])
    base = median_seconds(lambda: baseline.predict(docs), 3)

    print(f"{len(docs)} stories of archive_xwlb ({chars / 1e6:.2f} M chars); medians of 3 runs, one process")
    print(f"  zonedigest (theme, scores, themes, evidence): {len(docs) / ours:8.0f} docs/s  {ours:.2f} s")
    print(f"  baseline jieba.lcut+TF-IDF+LinearSVC:         {len(docs) / base:8.0f} docs/s  {base:.2f} s")
    print(f"  ratio: {base / ours:.1f}x the baseline's docs/s")
    workers = os.cpu_count() or 1
    if workers > 1:
        par = parallel_seconds(docs, workers)
        print(f"  zonedigest on {workers} worker processes:       {len(docs) / par:8.0f} docs/s  {par:.2f} s  ({base / par:.1f}x the one-process baseline)")
    print(f"  model load: {float(cold.stdout):.2f} s in a new process (imports included), {warm_load:.2f} s warm")
    print(f"  model version {model.version}")


def compare_versions(versions: list[str], n: int) -> None:
    """Macro-F1 and ECE on both development sets, and documents per second on one core, of each version."""
    from _common import SHARED

    from service.model.classifier import load_model
    from service.model.features import compose
    from training.data import load_examples
    from training.evaluate import evaluate

    devs = {name: load_examples(SHARED / f"{name}.jsonl") for name in ("dev_labeled", "dev_regional")}
    docs = [compose(r.get("title"), r["text"]) for r in archive("archive_xwlb.jsonl.gz", n)]
    head = f"{'version':<8}" + "".join(f"{name + ' F1':>18}{'ECE':>7}" for name in devs) + f"{'docs/s batch':>14}{'ms one doc':>12}"
    print(f"{head}  (one core; medians of 3; {len(docs)} stories)")
    for version in versions:
        model = load_model(ROOT / "models" / version)
        model.predict(docs[:50])
        quality = "".join(f"{r['macro_f1']:>18.3f}{r['calibration']['ece']:>7.3f}" for r in (evaluate(model, d) for d in devs.values()))
        batch = median_seconds(lambda model=model: model.predict(docs), 3)
        one = median_seconds(lambda model=model: [model.predict([d]) for d in docs[:500]], 3) / 500
        print(f"{version:<8}{quality}{len(docs) / batch:>14.0f}{one * 1000:>12.2f}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--versions":
        compare_versions(sys.argv[2].split(","), int(sys.argv[3]) if len(sys.argv) > 3 else 3000)
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 10000)
