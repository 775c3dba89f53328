"""Batch scoring: many records in, one JSONL or CSV file out, in input order.

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

import csv
import hashlib
import io
import json
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from service.batch_inputs import Columns, Record, count_records, read_records

DEFAULT_FIELDS = (
    "id", "date", "theme", "theme_zh", "confidence", "scores", "themes", "evidence",
    "summary", "over_budget", "sentences", "keywords", "warnings", "model_version", "error",
)  # fmt: skip


class BatchError(RuntimeError):
    """A run that cannot start (the message says why and what to do)."""


@dataclass
class BatchOptions:
    """How to run a batch."""

    output: str = "-"
    fmt: str = "jsonl"
    fields: tuple[str, ...] | None = None
    workers: int = 1
    chunk_size: int = 200
    resume: bool = False
    progress: bool = False
    engine: str = "local"
    scheduler: str | None = None
    max_chars: int | None = None
    max_sentences: int | None = None
    model_dir: str | None = None
    split: bool = False
    columns: Columns = field(default_factory=Columns)


@dataclass
class BatchStats:
    """What a run did."""

    scored: int = 0  # in the whole output, earlier runs' committed records included
    errors: int = 0
    seconds: float = 0.0
    resumed_from: int = 0
    this_run: int = 0  # records scored by this run


# ---- scoring one chunk (runs in workers) ---------------------------------------------

_worker_analyzer = None


def _init_local_worker(model_dir: str | None) -> None:
    global _worker_analyzer
    from service.analyzer import Analyzer
    from service.classifier import load_model

    _worker_analyzer = Analyzer(load_model(model_dir))


def score_chunk(records: list[Record], analyzer, max_chars: int | None, max_sentences: int | None) -> list[dict]:
    """Output rows for a chunk of records, in order."""
    good = [r for r in records if r.error is None]
    results = iter(analyzer.analyze_many([(r.title, r.text) for r in good], max_chars=max_chars, max_sentences=max_sentences))
    rows = []
    for record in records:
        if record.error is not None:
            rows.append({"id": record.id, **record.extra, "error": record.error})
        else:
            rows.append({"id": record.id, **record.extra, **next(results)})
    return rows


@dataclass
class ChunkResult:
    """A scored chunk, already formatted: workers do the formatting, the writer only writes."""

    text: str
    records: int
    errors: int


def format_chunk(rows: list[dict], formatter: Formatter) -> ChunkResult:
    """Output text of scored rows."""
    return ChunkResult("".join(map(formatter.line, rows)), len(rows), sum("error" in row for row in rows))


def _score_in_local_worker(args) -> ChunkResult:
    records, max_chars, max_sentences, formatter = args
    return format_chunk(score_chunk(records, _worker_analyzer, max_chars, max_sentences), formatter)


# ---- output ------------------------------------------------------------------------------


class Formatter:
    """Rows → JSONL lines or CSV rows with the chosen fields."""

    def __init__(self, fmt: str, fields: tuple[str, ...] | None) -> None:
        if fmt not in ("jsonl", "csv"):
            raise BatchError(f"unknown format {fmt!r}; choose jsonl or csv")
        unknown = [f for f in fields or () if f not in DEFAULT_FIELDS]
        if unknown:
            raise BatchError(f"unknown field(s) {', '.join(unknown)}; choose from {', '.join(DEFAULT_FIELDS)}")
        self.fmt = fmt
        self.fields = tuple(dict.fromkeys(("id", *(fields or DEFAULT_FIELDS), "error")))

    def header(self) -> str:
        """The CSV header line ('' for JSONL)."""
        return self._csv_line(list(self.fields)) if self.fmt == "csv" else ""

    @staticmethod
    def _csv_line(values: list) -> str:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow(values)
        return buffer.getvalue()

    def line(self, row: dict) -> str:
        """One output line."""
        if self.fmt == "jsonl":
            return json.dumps({k: row[k] for k in self.fields if k in row}, ensure_ascii=False) + "\n"
        cells = []
        for name in self.fields:
            value = row.get(name, "")
            if name == "themes":
                value = ";".join(value)
            elif isinstance(value, (dict, list)):
                value = json.dumps(value, ensure_ascii=False)
            cells.append(value)
        return self._csv_line(cells)


class Checkpoint:
    """``OUT.partial`` plus ``OUT.progress.json``: what is committed, and where."""

    def __init__(self, output: str, signature: dict) -> None:
        self.output = Path(output)
        self.partial = Path(f"{output}.partial")
        self.state_path = Path(f"{output}.progress.json")
        self.signature = signature

    def start(self, resume: bool, header: str) -> dict:
        """Open for appending; returns the committed counts (records, scored, errors)."""
        if self.state_path.exists():
            if not resume:
                raise BatchError(f"{self.state_path} holds an interrupted run: pass --resume to continue it, or delete it to start over")
            state = json.loads(self.state_path.read_text(encoding="utf-8"))
            if state.get("signature") != self.signature:
                raise BatchError(f"{self.state_path} was written by a run with other inputs or options; delete it to start over")
            with open(self.partial, "r+b") as f:
                f.truncate(state["bytes"])  # drop a chunk written after the last commit
            self.file = open(self.partial, "ab")
            return {k: int(state.get(k, 0)) for k in ("records", "scored", "errors")}
        self.output.parent.mkdir(parents=True, exist_ok=True)
        self.file = open(self.partial, "wb")
        self.file.write(header.encode("utf-8"))
        counts = {"records": 0, "scored": 0, "errors": 0}
        self.commit(counts)
        return counts

    def append(self, text: str, counts: dict) -> None:
        """Write a chunk's lines and commit them with the counts so far."""
        self.file.write(text.encode("utf-8"))
        self.commit(counts)

    def commit(self, counts: dict) -> None:
        """Make everything written so far durable and record it."""
        self.file.flush()
        os.fsync(self.file.fileno())
        state = {**counts, "bytes": self.file.tell(), "signature": self.signature}
        tmp = self.state_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(state), encoding="utf-8")
        os.replace(tmp, self.state_path)

    def finish(self) -> None:
        """Rename the complete file into place and drop the progress record."""
        self.file.close()
        os.replace(self.partial, self.output)
        self.state_path.unlink()


# ---- engines -------------------------------------------------------------------------------


def _chunks(records: Iterator[Record], size: int) -> Iterator[list[Record]]:
    while chunk := list(islice(records, size)):
        yield chunk


def _local_results(chunks: Iterator[list[Record]], options: BatchOptions, formatter: Formatter) -> Iterator[ChunkResult]:
    if options.workers <= 1:
        _init_local_worker(options.model_dir)
        for chunk in chunks:
            yield format_chunk(score_chunk(chunk, _worker_analyzer, options.max_chars, options.max_sentences), formatter)
        return
    import multiprocessing

    context = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
    with context.Pool(options.workers, initializer=_init_local_worker, initargs=(options.model_dir,)) as pool:
        tasks = ((chunk, options.max_chars, options.max_sentences, formatter) for chunk in chunks)
        yield from pool.imap(_score_in_local_worker, tasks)


def _results(chunks: Iterator[list[Record]], options: BatchOptions, formatter: Formatter) -> Iterator[ChunkResult]:
    if options.engine == "local":
        yield from _local_results(chunks, options, formatter)
    elif options.engine == "dask":
        from service.batch_dask import dask_results

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


def run_batch(inputs: list[str], options: BatchOptions) -> BatchStats:
    """Score every record of ``inputs`` into ``options.output``."""
    formatter = Formatter(options.fmt, options.fields)
    stats = BatchStats()
    started = time.perf_counter()
    to_stdout = options.output == "-"
    if to_stdout and options.resume:
        raise BatchError("--resume needs an output file (-o)")
    checkpoint = None if to_stdout else Checkpoint(options.output, _signature(inputs, options))
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
