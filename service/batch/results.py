"""Read back what ``zonedigest score`` wrote, in any of its formats: JSONL, JSONL.gz, CSV, SQLite.

The format is read from the file's first bytes, not its name. Rows come back as the JSONL
output has them (``themes`` a list, ``scores`` a mapping); rows that hold an ``error`` or no
``theme`` are counted as skipped.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import sqlite3
import zlib
from pathlib import Path

from service.batch.database import JSON_COLUMNS
from service.batch.options import BatchError

SQLITE_MAGIC = b"SQLite format 3\x00"
GZIP_MAGIC = b"\x1f\x8b"
CSV_JSON_COLUMNS = ("scores", "evidence", "sentences", "keywords", "dateline", "warnings")


def results_format(path: Path) -> str:
    """``sqlite``, ``jsonl.gz``, ``csv`` or ``jsonl``, judged on the file's content."""
    with open(path, "rb") as f:
        head = f.read(64)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(GZIP_MAGIC):
        return "jsonl.gz"
    return "jsonl" if head.lstrip(b"\xef\xbb\xbf \r\n\t").startswith(b"{") or not head.strip() else "csv"


def read_results(path: Path | str) -> tuple[list[dict], int]:
    """Scored rows of a ``score`` output, and how many rows were errors or unreadable.

    Raises :class:`BatchError` naming the file when it is no output of ``score``.
    """
    path = Path(path)
    try:
        fmt = results_format(path)
        if fmt == "sqlite":
            raw = _sqlite_rows(path)
        elif fmt == "csv":
            raw = _csv_rows(path.read_bytes().decode("utf-8-sig"))
        else:
            opener = gzip.open if fmt == "jsonl.gz" else open
            with opener(path, "rt", encoding="utf-8") as f:
                raw = [_json_line(line) for line in f if line.strip()]
    except (OSError, EOFError, zlib.error, ValueError, sqlite3.DatabaseError, csv.Error) as exc:  # ValueError: bad JSON or number in a CSV cell
        raise BatchError(f"{path}: not an output of zonedigest score that can be read ({exc})") from None
    rows = [r for r in raw if isinstance(r, dict) and isinstance(r.get("theme"), str) and r["theme"] and not r.get("error")]
    return rows, len(raw) - len(rows)


def _json_line(line: str) -> object:
    try:
        return json.loads(line)
    except json.JSONDecodeError:
        return None


def _sqlite_rows(path: Path) -> list[dict]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        db.row_factory = sqlite3.Row
        try:
            found = [dict(r) for r in db.execute("SELECT * FROM results ORDER BY seq")]
        except sqlite3.OperationalError as exc:
            raise sqlite3.DatabaseError(f"no results table: {exc}") from None
    for row in found:
        for name in JSON_COLUMNS:
            if row.get(name):
                row[name] = json.loads(row[name])
        row["keywords"] = [{"term": t} for t in row.get("keywords") or ()]  # the database keeps the terms only
    return found


def _csv_rows(text: str) -> list[dict]:
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    if not reader.fieldnames or "theme" not in reader.fieldnames:
        raise csv.Error(f"no theme column (columns: {', '.join(reader.fieldnames or [])})")
    out = []
    for row in reader:
        row = {k: v for k, v in row.items() if k is not None}
        row["themes"] = [t for t in (row.get("themes") or "").split(";") if t]
        for name in CSV_JSON_COLUMNS:
            if row.get(name):
                row[name] = json.loads(row[name])
        if row.get("confidence"):
            row["confidence"] = float(row["confidence"])
        out.append(row)
    return out
