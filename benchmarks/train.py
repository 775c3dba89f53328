"""Training time on 1,000 / 5,000 / 10,000 examples, and promotion-to-first-request time.

Usage: python benchmarks/train.py
       python benchmarks/train.py --archive   (the shipped model's rebuild: wall time, peak memory, size)

The sizes are reached by replicating the project's own training data with perturbations
(sentences shuffled, numbers changed), so every text is distinct. Times are medians of
two fits of the full Pipeline, and one whole `train_model` (5-fold cross-validation,
thresholds, the final fit, the artifact). Then a
real server is started, a copy of the model is promoted, and the time until /readyz
and /v1/analyze answer with the new version is measured.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, median_seconds

from service.examples.record import Example
from training.data import load_examples
from training.train import build_pipeline, fit, train_model


def perturbed(examples: list[Example], size: int, seed: int = 0) -> list[Example]:
    rng = random.Random(seed)
    out = list(examples[:size])
    n = 0
    while len(out) < size:
        ex = examples[n % len(examples)]
        sentences = [s for s in re.split(r"(?<=[。！？])", ex.text) if s]
        rng.shuffle(sentences)
        text = re.sub(r"\d+", lambda m: str(int(m.group()) + rng.randint(1, 9)), "".join(sentences)) + f"（{n}）"
        out.append(Example(f"{ex.id}-p{n}", text, ex.label, ex.themes, ex.title))
        n += 1
    return out


def promotion_seconds() -> float:
    import urllib.request

    from service.model.artifact import resolve_model_dir
    from service.model.versions import promote

    root = Path(tempfile.mkdtemp(prefix="zonedigest-promote-"))
    for version in ("v1", "v2"):
        shutil.copytree(resolve_model_dir(), root / version)
    meta = json.loads((root / "v2" / "metadata.json").read_text())
    meta["version"] = "v2"
    (root / "v2" / "metadata.json").write_text(json.dumps(meta))
    (root / "CURRENT").write_text("v1\n")
    env = {"ZONEDIGEST_MODEL_DIR": str(root), "ZONEDIGEST_LOG_LEVEL": "WARNING", "PATH": "/usr/bin:/bin"}
    log = open(root / "server.log", "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "service", "serve", "--port", "8797", "--workers", "2"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log
    )
    body = json.dumps({"text": "某市签约项目12个，总投资86亿元。"}, ensure_ascii=False).encode()

    def version() -> str | None:
        request = urllib.request.Request("http://127.0.0.1:8797/v1/analyze", data=body, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return json.loads(response.read())["model_version"]
        except OSError:
            return None

    try:
        while version() != "v1":
            time.sleep(0.05)
        started = time.perf_counter()
        promote(root, "v2")
        seen = 0
        while seen < 20:  # 20 answers in a row from v2: every worker has switched
            seen = seen + 1 if version() == "v2" else 0
        return time.perf_counter() - started
    finally:
        process.terminate()
        process.wait(timeout=20)


def main() -> None:
    examples = load_examples()
    print(f"training data: {len(examples)} examples, replicated with perturbations to each size")
    for size in (1000, 5000, 10000):
        data = perturbed(examples, size)
        seconds = median_seconds(lambda data=data: fit(build_pipeline(), data), repeat=2)
        out = Path(tempfile.mkdtemp(prefix="zonedigest-train-")) / "v1"
        started = time.perf_counter()
        train_model(data, out)
        full = time.perf_counter() - started
        print(f"  {size:>6} examples: one fit {seconds:5.1f} s (median of 2); zonedigest train (5-fold CV, thresholds, fit, write) {full:5.1f} s")
    print(f"promotion to 20 consecutive answers from the new model (2 workers, MODEL_POLL_SECONDS=1): {promotion_seconds():.2f} s")


def archive_training() -> None:
    """Wall time and peak memory (the process and its workers, summed) of the command that rebuilds
    the shipped model from the training data and both archives, against training without them, and
    the size of each version on disk."""
    import psutil
    from _common import SHARED

    archives = ["--unlabeled", str(SHARED / "archive_xwlb.jsonl.gz"), "--unlabeled", str(SHARED / "archive_rmrb.jsonl.gz")]
    archives += ["--exclude-ids", str(SHARED / "heldout_ids.txt"), "--editor-picks", str(ROOT / "benchmarks" / "data" / "editor_picks.jsonl")]
    for name, extra in (("training data only", []), ("with both archives and the editors' picks", archives)):
        out = Path(tempfile.mkdtemp(prefix="zonedigest-train-")) / "v"
        command = [sys.executable, "-m", "service", "train", "-o", str(out), "--no-promote", *extra]
        started, peak = time.perf_counter(), 0
        process = psutil.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while process.poll() is None:
            try:
                tree = [process, *process.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(0.2)
        wall = time.perf_counter() - started
        size = sum(f.stat().st_size for f in out.iterdir())
        print(f"  {name}: {wall:5.0f} s wall, peak {peak / 2**30:.2f} GB (process and workers), version {size / 2**20:.1f} MB, exit {process.returncode}")
        shutil.rmtree(out.parent, ignore_errors=True)


if __name__ == "__main__":
    archive_training() if sys.argv[1:] == ["--archive"] else main()
