"""Score an archive of articles (JSONL, optionally gzipped) line by line.

A line that cannot be scored (invalid JSON, missing or empty text) gives an output
record with ``id`` and ``error``; it never stops the run.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from service.analyzer import Analyzer

CHUNK = 256


@dataclass
class ScoreStats:
    """What a run did."""

    scored: int = 0
    errors: int = 0


def parse_line(line: str, lineno: int) -> tuple[str, dict | None, str | None]:
    """(id, record, error) for one input line."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return f"line-{lineno}", None, f"invalid_json: {exc.msg} at column {exc.colno}"
    if not isinstance(record, dict):
        return f"line-{lineno}", None, "invalid_record: expected a JSON object"
    rec_id = str(record.get("id") if record.get("id") not in (None, "") else f"line-{lineno}")
    text = record.get("text")
    if text is None:
        return rec_id, None, "missing_field: text"
    if not isinstance(text, str):
        return rec_id, None, "wrong_type: text must be a string"
    if not text.strip():
        return rec_id, None, "empty_text: text is empty"
    title = record.get("title")
    if title is not None and not isinstance(title, str):
        return rec_id, None, "wrong_type: title must be a string"
    return rec_id, record, None


def score_lines(lines: Iterable[str], analyzer: Analyzer, stats: ScoreStats | None = None) -> Iterator[dict]:
    """Output records (theme, scores, summary, keywords ...), in input order, for JSONL input lines."""
    stats = stats if stats is not None else ScoreStats()
    pending: list[tuple[str, dict | None, str | None]] = []

    def flush() -> Iterator[dict]:
        items = [(rec.get("title"), rec["text"]) for _, rec, err in pending if err is None]
        results = iter(analyzer.analyze_many(items))
        for rec_id, _, err in pending:
            if err is not None:
                stats.errors += 1
                yield {"id": rec_id, "error": err}
            else:
                stats.scored += 1
                yield {"id": rec_id, **next(results)}
        pending.clear()

    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        pending.append(parse_line(line, lineno))
        if len(pending) >= CHUNK:
            yield from flush()
    yield from flush()


def open_input(path: str) -> io.TextIOBase:
    """A text stream for ``path`` (``-`` is stdin; ``.gz`` is decompressed)."""
    if path == "-":
        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
    if path.endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8", errors="replace")
    return open(path, encoding="utf-8-sig", errors="replace")


@contextmanager
def atomic_output(path: str) -> Iterator[io.TextIOBase]:
    """Write to ``path`` through a temporary file renamed into place on success (``-``: stdout)."""
    if path == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            yield out
        os.replace(tmp, target)
    except BaseException:
        os.unlink(tmp)
        raise


def score_file(input_path: str, output_path: str, analyzer: Analyzer) -> ScoreStats:
    """Score ``input_path`` into ``output_path`` (JSONL); returns the counts."""
    stats = ScoreStats()
    with open_input(input_path) as src, atomic_output(output_path) as out:
        for record in score_lines(src, analyzer, stats):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return stats
