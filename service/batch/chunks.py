"""Scoring one chunk of records, in this process or a worker process, and the local engine."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass

from service.batch.inputs import Record
from service.batch.options import BatchOptions
from service.batch.output import Formatter

_worker_analyzer = None


def _init_local_worker(model_dir: str | None) -> None:
    global _worker_analyzer
    from service.analyzer import Analyzer
    from service.model.classifier import load_model

    _worker_analyzer = Analyzer(load_model(model_dir))


def score_chunk(records: list[Record], analyzer, max_chars: int | None, max_sentences: int | None, summaries: bool = True) -> list[dict]:
    """Output rows for a chunk of records, in order (``summaries=False``: themes only, when no summary field is asked for)."""
    good = [r for r in records if r.error is None]
    items = [(r.title, r.text) for r in good]
    results = iter(analyzer.analyze_many(items, max_chars=max_chars, max_sentences=max_sentences) if summaries else analyzer.classify_many(items))
    rows = []
    for record in records:
        if record.error is not None:
            rows.append({"id": record.id, **record.extra, "error": record.error, "source": record.source})
        else:
            rows.append({"id": record.id, **record.extra, **next(results), "title": record.title, "text": record.text, "source": record.source})
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
    return format_chunk(score_chunk(records, _worker_analyzer, max_chars, max_sentences, formatter.summaries), formatter)


def local_results(chunks: Iterator[list[Record]], options: BatchOptions, formatter: Formatter) -> Iterator[ChunkResult]:
    if options.workers <= 1:
        _init_local_worker(options.model_dir)
        for chunk in chunks:
            yield format_chunk(score_chunk(chunk, _worker_analyzer, options.max_chars, options.max_sentences, formatter.summaries), formatter)
        return
    import multiprocessing

    context = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
    with context.Pool(options.workers, initializer=_init_local_worker, initargs=(options.model_dir,)) as pool:
        tasks = ((chunk, options.max_chars, options.max_sentences, formatter) for chunk in chunks)
        yield from pool.imap(_score_in_local_worker, tasks)
