"""Helpers shared by the benchmarks: reading the archives in ../shared, timing."""

from __future__ import annotations

import gzip
import json
import statistics
import sys
import time
from collections.abc import Callable
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT))


def _load_stdlib_http() -> None:
    """benchmarks/http.py shares its name with the standard library's http package: load the
    real one first, with this folder off the path, so that urllib works in every benchmark."""
    here = str(Path(__file__).resolve().parent)
    saved = sys.path[:]
    sys.path[:] = [p for p in sys.path if str(Path(p or ".").resolve()) != here]
    try:
        import http.client  # noqa: F401
        import urllib.request  # noqa: F401
    finally:
        sys.path[:] = saved


_load_stdlib_http()


def archive(name: str, limit: int | None = None) -> list[dict]:
    """Records of ``../shared/data/<name>`` (gzipped JSONL), the first ``limit`` of them."""
    path = SHARED / name
    if not path.is_file():
        sys.exit(f"{path} not found: the benchmarks read ../shared beside the checkout")
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in islice(f, limit)]


def archive_articles(ids: set[str]) -> dict[str, dict]:
    """The records of both archives whose id is in ``ids``, by id."""
    out = {}
    for name in ("archive_xwlb.jsonl.gz", "archive_rmrb.jsonl.gz"):
        with gzip.open(SHARED / name, "rt", encoding="utf-8") as f:
            for line in f:
                row = json.loads(line)
                if row["id"] in ids:
                    out[row["id"]] = row
    return out


def extract_tree(ref: str, dest: Path) -> Path:
    """The repository's files at git ``ref``, written under ``dest`` (models included): an earlier
    tree to measure beside this one in the same run."""
    import subprocess
    import tarfile

    tree = dest / f"tree-{ref}"
    tree.mkdir(parents=True)
    tar_path = dest / f"tree-{ref}.tar"
    subprocess.run(["git", "archive", "-o", str(tar_path), ref], cwd=ROOT, check=True)
    with tarfile.open(tar_path) as tar:
        tar.extractall(tree, filter="data")
    return tree


def median_seconds(fn: Callable[[], object], repeat: int = 3) -> float:
    """Median wall time of ``repeat`` calls of ``fn``."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)
