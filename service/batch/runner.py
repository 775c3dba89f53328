"""Batch scoring: many records in, one JSONL, CSV or SQLite file out, in input order.

Loss-free and resumable: results go to ``OUT.partial`` in chunks; after each chunk the
file is flushed to disk and ``OUT.progress.json`` records how many input records and
bytes are committed (written to a temporary file, then renamed). A run killed at any
point continues with ``resume=True``: the partial file is cut back to the last
committed chunk and scoring restarts after the last committed record. The finished
file is renamed into place, so OUT is either absent or complete.

Engines: ``local`` (this process, or ``workers`` processes with the model loaded once
in each) and ``dask`` (a ``LocalCluster``, or an existing cluster's scheduler; the
model is broadcast once to every worker). Both give the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

from service.batch.chunks import ChunkResult, local_results
from service.batch.inputs import Record, count_records, read_records
from service.batch.options import BatchError, BatchOptions, BatchStats
from service.batch.output import Checkpoint, Formatter

__all__ = ["BatchError", "BatchOptions", "BatchStats", "run_batch", "summarize_stats"]


def _chunks(records: Iterator[Record], size: int) -> Iterator[list[Record]]:
    while chunk := list(islice(records, size)):
        yield chunk


def _results(chunks: Iterator[list[Record]], options: BatchOptions, formatter: Formatter) -> Iterator[ChunkResult]:
    if options.engine == "local":
        yield from local_results(chunks, options, formatter)
    elif options.engine == "dask":
        from service.batch.dask_engine import dask_results

        yield from dask_results(chunks, options, formatter)
    else:
        raise BatchError(f"unknown engine {options.engine!r}; choose local or dask")


def _signature(inputs: list[str], options: BatchOptions) -> dict:
    stats = []
    for path in inputs:
        p = Path(path)
        stats.append([path, p.stat().st_size if p.is_file() else None, int(p.stat().st_mtime) if p.exists() else None])
    fields = [options.fmt, list(options.fields or ()), options.max_chars, options.max_sentences, options.split, list(vars(options.columns).values())]
    return {"inputs": stats, "options": hashlib.sha256(json.dumps(fields).encode()).hexdigest()[:16]}


def _checkpoint(options: BatchOptions, signature: dict):
    if options.fmt == "sqlite":
        from service.batch.database import DatabaseCheckpoint

        return DatabaseCheckpoint(options.output, signature)
    return Checkpoint(options.output, signature)


def run_batch(inputs: list[str], options: BatchOptions) -> BatchStats:
    """Score every record of ``inputs`` into ``options.output``."""
    formatter = Formatter(options.fmt, options.fields)
    stats = BatchStats()
    started = time.perf_counter()
    to_stdout = options.output == "-"
    if to_stdout and options.resume:
        raise BatchError("--resume needs an output file (-o)")
    if to_stdout and options.fmt == "sqlite":
        raise BatchError("--format sqlite needs an output file (-o scored.db)")
    checkpoint = None if to_stdout else _checkpoint(options, _signature(inputs, options))
    committed = checkpoint.start(options.resume, formatter.header()) if checkpoint else {"records": 0, "scored": 0, "errors": 0}
    if to_stdout:
        sys.stdout.write(formatter.header())
    done = stats.resumed_from = committed["records"]
    stats.scored, stats.errors = committed["scored"], committed["errors"]
    records = islice(read_records(inputs, split=options.split, columns=options.columns), done, None)
    bar = None
    if options.progress:
        from tqdm import tqdm

        total = count_records(inputs, split=options.split, columns=options.columns)
        bar = tqdm(total=total, initial=done, unit="doc", file=sys.stderr, dynamic_ncols=True, smoothing=0.1)
    try:
        for chunk in _results(_chunks(records, options.chunk_size), options, formatter):
            done += chunk.records
            stats.errors += chunk.errors
            stats.scored += chunk.records - chunk.errors
            stats.this_run += chunk.records
            if checkpoint:
                checkpoint.append(chunk.text, {"records": done, "scored": stats.scored, "errors": stats.errors})
            else:
                sys.stdout.write(chunk.text)
            if bar:
                bar.update(chunk.records)
    except BaseException:
        if checkpoint:
            checkpoint.close()  # what is committed stays for --resume
        raise
    finally:
        if bar:
            bar.close()
    if checkpoint:
        checkpoint.finish()
    stats.seconds = time.perf_counter() - started
    return stats


def summarize_stats(stats: BatchStats) -> str:
    """The one closing line of a run."""
    rate = stats.this_run / stats.seconds if stats.seconds else 0.0
    resumed = f" (resumed after {stats.resumed_from} records)" if stats.resumed_from else ""
    return f"scored {stats.scored}, errors {stats.errors}, {stats.seconds:.1f} s, {rate:.0f} docs/s{resumed}"
