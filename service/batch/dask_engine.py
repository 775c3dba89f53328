"""The Dask engine of the batch scorer (imported only when ``--engine dask`` is chosen).

The model's files are scattered once to every worker (``broadcast=True``); each worker
verifies and loads them once and keeps the analyzer for every later chunk.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections import deque
from collections.abc import Iterator
from pathlib import Path

_analyzers: dict[str, object] = {}


def model_payload(model_dir: str | None) -> dict:
    """The model version's files as bytes, keyed by name, plus a digest naming them."""
    from service.model.artifact import resolve_model_dir

    path = resolve_model_dir(model_dir)
    metadata = json.loads((path / "metadata.json").read_text(encoding="utf-8"))
    files = {"metadata.json": (path / "metadata.json").read_bytes()}
    files.update({name: (path / name).read_bytes() for name in metadata["files"]})
    digest = hashlib.sha256(files["metadata.json"]).hexdigest()
    return {"digest": digest, "version": path.name, "files": files}


def _worker_analyzer(payload: dict):
    key = payload["digest"]
    if key not in _analyzers:
        from service.analyzer import Analyzer
        from service.model.classifier import load_model

        directory = Path(tempfile.mkdtemp(prefix="zonedigest-model-")) / payload["version"]
        directory.mkdir()
        for name, data in payload["files"].items():
            (directory / name).write_bytes(data)
        _analyzers[key] = Analyzer(load_model(directory))  # sha256 of every file checked here
    return _analyzers[key]


def score_on_worker(records, payload: dict, max_chars, max_sentences, formatter):
    """A chunk scored and formatted on a Dask worker with its cached model."""
    from service.batch.chunks import format_chunk, score_chunk

    return format_chunk(score_chunk(records, _worker_analyzer(payload), max_chars, max_sentences, formatter.summaries), formatter)


def dask_results(chunks: Iterator[list], options, formatter) -> Iterator:
    """Results of every chunk, in order, computed on a Dask cluster."""
    from dask.distributed import Client, LocalCluster

    cluster = None
    if options.scheduler:
        client = Client(options.scheduler)
    else:
        cluster = LocalCluster(n_workers=max(options.workers, 1), threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        n_workers = max(len(client.scheduler_info()["workers"]), 1)
        model = client.scatter(model_payload(options.model_dir), broadcast=True)
        pending: deque = deque()
        for chunk in chunks:
            pending.append(client.submit(score_on_worker, chunk, model, options.max_chars, options.max_sentences, formatter, pure=False))
            if len(pending) >= 2 * n_workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
