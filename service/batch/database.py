"""Batch output as a SQLite database: one ``results`` table and a full-text index.

``results`` holds a row per input record, in input order (``seq``), with the columns an
analyst filters on; ``results_fts`` is an FTS5 index over title, text and summary with the
trigram tokenizer, so any run of three or more characters is found inside Chinese text that
has no spaces (``源网荷储``, ``高标准农田``); for two-character words, ``LIKE`` (datasette's
*contains* filter) reads the table. The index is external-content (``content="results"``),
which is how datasette recognises it: ``datasette scored.db`` gives a searchable, faceted
table.

Resumable like the JSONL output: rows go to ``OUT.partial`` and each chunk is committed in
one transaction together with the counts in ``_progress``, so a killed run leaves either a
whole chunk or none of it; the finished database is renamed into place.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

from service.batch.options import BatchError

COLUMNS = (
    ("id", "TEXT"), ("date", "TEXT"), ("title", "TEXT"), ("theme", "TEXT"), ("theme_zh", "TEXT"), ("confidence", "REAL"),
    ("themes", "TEXT"), ("summary", "TEXT"), ("keywords", "TEXT"), ("scores", "TEXT"), ("dateline", "TEXT"), ("text", "TEXT"),
    ("source", "TEXT"), ("model_version", "TEXT"), ("error", "TEXT"),
)  # fmt: skip
NAMES = tuple(name for name, _ in COLUMNS)
JSON_COLUMNS = ("themes", "keywords", "scores", "dateline")  # JSON arrays / objects (datasette: facet by array on themes)

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS results (seq INTEGER PRIMARY KEY, {", ".join(f"{n} {t}" for n, t in COLUMNS)});
CREATE INDEX IF NOT EXISTS results_theme ON results(theme);
CREATE INDEX IF NOT EXISTS results_date ON results(date);
CREATE VIRTUAL TABLE IF NOT EXISTS results_fts USING fts5(title, text, summary, content="results", content_rowid="seq", tokenize="trigram");
CREATE TABLE IF NOT EXISTS _progress (key TEXT PRIMARY KEY, value TEXT);
"""


def database_row(row: dict) -> dict:
    """An output row as the ``results`` columns (lists and objects JSON-encoded, keywords as terms)."""
    out = {name: row.get(name) for name in NAMES}
    out["keywords"] = [k["term"] for k in row.get("keywords") or ()]
    for name in JSON_COLUMNS:
        out[name] = json.dumps(out[name], ensure_ascii=False) if out[name] is not None else None
    return out


class DatabaseCheckpoint:
    """``OUT.partial`` as a SQLite database, with what is committed recorded inside it."""

    def __init__(self, output: str, signature: dict) -> None:
        self.output = Path(output)
        self.partial = Path(f"{output}.partial")
        self.signature = json.dumps(signature, sort_keys=True)
        self.db: sqlite3.Connection | None = None

    def start(self, resume: bool, header: str = "") -> dict:
        """Open (or reopen, with ``resume``) the partial database; returns the committed counts."""
        if self.partial.exists():
            if not resume:
                raise BatchError(f"{self.partial} holds an interrupted run: pass --resume to continue it, or delete it to start over")
            self.db = self._connect()
            stored = dict(self.db.execute("SELECT key, value FROM _progress"))
            if stored.get("signature") != self.signature:
                self.db.close()
                raise BatchError(f"{self.partial} was written by a run with other inputs or options; delete it to start over")
            return {k: int(stored.get(k, 0)) for k in ("records", "scored", "errors")}
        self.output.parent.mkdir(parents=True, exist_ok=True)
        self.db = self._connect()  # a finished database from an earlier run is replaced at the end, as a JSONL file is
        counts = {"records": 0, "scored": 0, "errors": 0}
        with self.db:
            self._record(counts)
        return counts

    def _connect(self) -> sqlite3.Connection:
        try:
            db = sqlite3.connect(self.partial, timeout=60)  # a reader (datasette, a progress check) may hold it a moment
            db.executescript(SCHEMA)  # rollback journal, not WAL: the one file is the whole database when renamed
        except sqlite3.DatabaseError as exc:
            raise BatchError(f"cannot use {self.partial} as a SQLite database ({exc}); delete it to start over") from None
        return db

    def _record(self, counts: dict) -> None:
        items = {**{k: str(v) for k, v in counts.items()}, "signature": self.signature}
        self.db.executemany("INSERT OR REPLACE INTO _progress (key, value) VALUES (?, ?)", items.items())

    def append(self, text: str, counts: dict) -> None:
        """Insert a chunk's rows (JSON lines of :func:`database_row`) and commit them with the counts."""
        rows = [json.loads(line) for line in text.splitlines() if line]
        placeholders = ", ".join("?" * (len(NAMES) + 1))
        start = counts["records"] - len(rows)
        values = [(start + i + 1, *(row[n] for n in NAMES)) for i, row in enumerate(rows)]
        with self.db:  # one transaction: the rows, their index entries and the counts
            self.db.executemany(f"INSERT INTO results (seq, {', '.join(NAMES)}) VALUES ({placeholders})", values)
            self.db.executemany(
                "INSERT INTO results_fts (rowid, title, text, summary) VALUES (?, ?, ?, ?)",
                [(v[0], row["title"], row["text"], row["summary"]) for v, row in zip(values, rows)],
            )
            self._record(counts)

    def close(self) -> None:
        """Close the partial database of a run that stops early (its committed chunks stay)."""
        if self.db is not None:
            self.db.close()

    def finish(self) -> None:
        """Drop the progress table and rename the complete database into place."""
        with self.db:
            self.db.execute("DROP TABLE _progress")
        self.db.close()
        os.replace(self.partial, self.output)
