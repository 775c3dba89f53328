"""The examples store: labeled examples users add (file, API, feedback) in a SQLite file,
and the state of training jobs, so every server worker and the CLI see the same data."""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from service.examples.record import Example
from service.labels import DEFAULT, LabelSet

DEFAULT_DB = Path(__file__).resolve().parents[2] / "var" / "zonedigest.db"

SCHEMA = """
CREATE TABLE IF NOT EXISTS examples (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    text_key TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    themes TEXT NOT NULL,
    source TEXT NOT NULL,
    added_by TEXT NOT NULL,
    added_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS labels (
    position INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    name_zh TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    terms TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    created REAL NOT NULL,
    finished REAL,
    detail TEXT NOT NULL DEFAULT '{}'
);
"""


BUSY_SECONDS = 30.0  # how long a statement waits for another process's lock


def _set_up(conn: sqlite3.Connection) -> None:
    """WAL mode and the schema, when the file lacks them (both are stored in it).

    Switching the journal mode can answer "database is locked" at once, without the busy
    wait other statements get, while another process opens the file (WAL recovery). So it
    is done only when needed and retried until BUSY_SECONDS have passed: setting it on every
    connection failed one feedback request in thousands under load.
    """
    deadline = time.monotonic() + BUSY_SECONDS
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode=WAL")
            tables = conn.execute("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('examples', 'jobs', 'labels')").fetchone()[0]
            if tables < 3:
                conn.executescript(SCHEMA)
            return
        except sqlite3.OperationalError as exc:
            if (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _write_labels(conn: sqlite3.Connection, labels: LabelSet) -> None:
    conn.execute("DELETE FROM labels")
    conn.executemany(
        "INSERT INTO labels (position, id, name_zh, description, terms) VALUES (?, ?, ?, ?, ?)",
        [(i, x.id, x.name_zh, x.description, json.dumps(list(x.terms), ensure_ascii=False)) for i, x in enumerate(labels.labels)],
    )


def text_key(text: str) -> str:
    """Identity of a text, whitespace ignored (the same text twice is one example)."""
    return "".join(text.split())


class ExamplesStore:
    """Labeled examples and training jobs in one SQLite file (created on first use)."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else DEFAULT_DB

    def connect(self) -> sqlite3.Connection:
        """A connection with the schema in place (WAL, so readers never block the writer)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None)
        try:
            _set_up(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def add(self, examples: Iterable[Example], *, source: str, added_by: str = "anonymous", replace: bool = False) -> list[str]:
        """Store examples in one transaction (all or none); returns their ids.

        An example whose text is already stored replaces that row when ``replace`` (a
        correction), and is an error otherwise; so is one whose id is taken by a different
        text, unless ``replace`` and that row came from the same ``source`` (a corrected
        correction). Errors are ValueError, and nothing is stored.
        """
        examples = list(examples)
        now = time.time()
        conn = self.connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            ids = []
            for ex in examples:
                key = text_key(ex.text)
                same_text = conn.execute("SELECT id FROM examples WHERE text_key = ?", (key,)).fetchone()
                same_id = conn.execute("SELECT source, text_key FROM examples WHERE id = ?", (ex.id,)).fetchone()
                if same_text and not replace:
                    raise ValueError(f"example {ex.id!r}: the same text is already stored as {same_text[0]!r}")
                if same_id and same_id[1] != key and not (replace and same_id[0] == source):
                    # a correction may rewrite its own earlier row, never an example added another way
                    raise ValueError(f"example {ex.id!r}: that id is already used by another stored example")
                conn.execute("DELETE FROM examples WHERE text_key = ? OR id = ?", (key, ex.id))
                conn.execute(
                    "INSERT INTO examples (id, title, text, text_key, label, themes, source, added_by, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (ex.id, ex.title, ex.text, key, ex.label, json.dumps(list(ex.themes)), source, added_by, now),
                )
                ids.append(ex.id)
            conn.execute("COMMIT")
            return ids
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        finally:
            conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A connection inside one write transaction: committed at the end, rolled back on any error."""
        conn = self.connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        finally:
            conn.close()

    def label_set(self, conn: sqlite3.Connection | None = None) -> LabelSet:
        """The label set users edit (``zonedigest themes``); the shipped five until one is saved."""
        own = conn is None
        conn = conn or self.connect()
        try:
            rows = conn.execute("SELECT id, name_zh, description, terms FROM labels ORDER BY position").fetchall()
        finally:
            if own:
                conn.close()
        return LabelSet.from_json([{"id": i, "name_zh": n, "description": d, "terms": json.loads(t)} for i, n, d, t in rows]) if rows else DEFAULT

    def save_label_set(self, labels: LabelSet, *, in_use_check: bool = True) -> None:
        """Replace the stored label set; a label that stored examples still use cannot be dropped."""
        with self.transaction() as conn:
            self._save(conn, labels, in_use_check)

    @staticmethod
    def _save(conn: sqlite3.Connection, labels: LabelSet, in_use_check: bool = True) -> None:
        missing = sorted(set(DEFAULT.ids) - set(labels.ids))
        if missing:
            raise ValueError(f"{', '.join(missing)} is a shipped label the repository's training data uses: it cannot be removed or renamed")
        if in_use_check:
            used = {row[0] for row in conn.execute("SELECT DISTINCT label FROM examples")}
            for row in conn.execute("SELECT themes FROM examples"):
                used.update(json.loads(row[0]))
            missing = sorted(used - set(labels.ids))
            if missing:
                raise ValueError(f"stored examples still use {', '.join(missing)}: relabel or remove them first")
        _write_labels(conn, labels)

    def add_label(self, label_id: str, name_zh: str, description: str = "", terms: Iterable[str] = ()) -> LabelSet:
        """Add a label (or update one's name, description and terms); returns the new set."""
        from service.labels import Label

        terms = tuple(dict.fromkeys(t.strip() for t in terms if t and t.strip()))
        if any(len(t) > 20 or any(c.isspace() for c in t) for t in terms):
            raise ValueError("a policy term is one word of at most 20 characters with no spaces")
        if not name_zh or not name_zh.strip():
            raise ValueError("a label needs a Chinese name (name_zh)")
        with self.transaction() as conn:
            labels = self.label_set(conn).with_label(Label(label_id, name_zh.strip(), description.strip(), terms))
            self._save(conn, labels)
        return labels

    def remove_label(self, label_id: str) -> LabelSet:
        """Drop a label no stored example uses; returns the new set."""
        with self.transaction() as conn:
            labels = self.label_set(conn).without(label_id)
            self._save(conn, labels)
        return labels

    def rename_label(self, old: str, new: str) -> LabelSet:
        """Give a label a new id, in the label set and in every stored example, in one transaction."""
        from service.labels import Label, check_label_id

        check_label_id(new)
        with self.transaction() as conn:
            labels = self.label_set(conn)
            if old not in labels or old == "other":
                raise ValueError(f"no label {old!r} to rename" if old not in labels else "'other' cannot be renamed")
            if new in labels:
                raise ValueError(f"label {new!r} exists already")
            renamed = LabelSet(tuple(Label(new, x.name_zh, x.description, x.terms) if x.id == old else x for x in labels.labels))
            self._save(conn, renamed, in_use_check=False)
            conn.execute("UPDATE examples SET label = ? WHERE label = ?", (new, old))
            for rowid, themes in conn.execute("SELECT rowid, themes FROM examples").fetchall():
                values = json.loads(themes)
                if old in values:
                    conn.execute("UPDATE examples SET themes = ? WHERE rowid = ?", (json.dumps([new if t == old else t for t in values]), rowid))
        return renamed

    def examples(self, *, label: str | None = None, limit: int | None = None, offset: int = 0) -> list[Example]:
        """Stored examples, oldest first."""
        query, args = "SELECT id, title, text, label, themes, source FROM examples", []
        if label:
            query, args = query + " WHERE label = ?", [label]
        query += " ORDER BY added_at, rowid LIMIT ? OFFSET ?"
        args += [-1 if limit is None else limit, offset]
        conn = self.connect()
        try:
            rows = conn.execute(query, args).fetchall()
        finally:
            conn.close()
        return [Example(i, text, label, tuple(json.loads(themes)), title, f"store:{source}") for i, title, text, label, themes, source in rows]

    def rows(self) -> list[dict]:
        """Every stored example with its source, author and time (for listing and export)."""
        conn = self.connect()
        try:
            cursor = conn.execute("SELECT id, title, text, label, themes, source, added_by, added_at FROM examples ORDER BY added_at, rowid")
            names = [c[0] for c in cursor.description]
            return [dict(zip(names, row)) | {"themes": json.loads(row[4])} for row in cursor.fetchall()]
        finally:
            conn.close()

    def count(self) -> int:
        """How many examples are stored."""
        conn = self.connect()
        try:
            return conn.execute("SELECT COUNT(*) FROM examples").fetchone()[0]
        finally:
            conn.close()

    def remove(self, ids: Iterable[str]) -> int:
        """Delete examples by id; returns how many were deleted."""
        conn = self.connect()
        try:
            return conn.executemany("DELETE FROM examples WHERE id = ?", [(i,) for i in ids]).rowcount
        finally:
            conn.close()

    def new_job(self, detail: dict, stale_after: float = 3600.0) -> str | None:
        """Record a queued training job and return its id; None while another job (younger than
        ``stale_after`` seconds) is queued or running: one training at a time."""
        job_id = uuid.uuid4().hex[:12]
        conn = self.connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            since = time.time() - stale_after
            if conn.execute("SELECT id FROM jobs WHERE status IN ('queued', 'running') AND created > ?", (since,)).fetchone():
                conn.execute("ROLLBACK")
                return None
            conn.execute("INSERT INTO jobs (id, status, created, detail) VALUES (?, 'queued', ?, ?)", (job_id, time.time(), json.dumps(detail)))
            conn.execute("COMMIT")
        finally:
            conn.close()
        return job_id

    def update_job(self, job_id: str, status: str, detail: dict | None = None) -> None:
        """Set a job's status (and merge ``detail`` into what it records)."""
        conn = self.connect()
        try:
            row = conn.execute("SELECT detail FROM jobs WHERE id = ?", (job_id,)).fetchone()
            merged = {**json.loads(row[0] if row else "{}"), **(detail or {})}
            finished = time.time() if status in ("done", "failed") else None
            values = (status, json.dumps(merged, ensure_ascii=False), finished, job_id)
            conn.execute("UPDATE jobs SET status = ?, detail = ?, finished = ? WHERE id = ?", values)
        finally:
            conn.close()

    def job(self, job_id: str) -> dict | None:
        """A job's id, status, times and detail (None when unknown)."""
        conn = self.connect()
        try:
            row = conn.execute("SELECT id, status, created, finished, detail FROM jobs WHERE id = ?", (job_id,)).fetchone()
        finally:
            conn.close()
        if row is None:
            return None
        return {"id": row[0], "status": row[1], "created": row[2], "finished": row[3], **json.loads(row[4])}
