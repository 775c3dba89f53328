"""Batch output: rows formatted as JSONL or CSV, and the checkpointed file they go to."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import shutil
from pathlib import Path

from service.batch.options import DEFAULT_FIELDS, EXTRA_FIELDS, BatchError

FORMATS = ("jsonl", "csv", "sqlite")
SUMMARY_FIELDS = ("summary", "over_budget", "sentences", "keywords", "dateline")  # what only a summary gives


class Formatter:
    """Rows → JSONL lines or CSV rows with the chosen fields."""

    def __init__(self, fmt: str, fields: tuple[str, ...] | None) -> None:
        if fmt not in FORMATS:
            raise BatchError(f"unknown format {fmt!r}; choose {', '.join(FORMATS)}")
        known = DEFAULT_FIELDS + EXTRA_FIELDS
        unknown = [f for f in fields or () if f not in known]
        if unknown:
            raise BatchError(f"unknown field(s) {', '.join(unknown)}; choose from {', '.join(known)}")
        self.fmt = fmt
        self.fields = tuple(dict.fromkeys(("id", *(fields or DEFAULT_FIELDS), "error")))
        self.summaries = fmt == "sqlite" or any(f in SUMMARY_FIELDS for f in self.fields)  # else classified only (a database keeps every column)

    def header(self) -> str:
        """The CSV header line ('' for JSONL)."""
        return self._csv_line(list(self.fields)) if self.fmt == "csv" else ""

    @staticmethod
    def _csv_line(values: list) -> str:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow(values)
        return buffer.getvalue()

    def line(self, row: dict) -> str:
        """One output line (for ``sqlite``, the row's database columns as a JSON line)."""
        if self.fmt == "sqlite":
            from service.batch.database import database_row

            return json.dumps(database_row(row), ensure_ascii=False) + "\n"
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

    def close(self) -> None:
        """Close the partial file of a run that stops early (its committed part stays)."""
        self.file.close()

    def finish(self) -> None:
        """Move the complete file into place (gzip-compressed for an output named ``*.gz``) and
        drop the progress record."""
        self.file.close()
        if self.output.name.lower().endswith(".gz"):
            packed = Path(f"{self.output}.packing")
            with open(self.partial, "rb") as plain, gzip.open(packed, "wb") as out:
                shutil.copyfileobj(plain, out)
            os.replace(packed, self.output)
            self.partial.unlink()
        else:
            os.replace(self.partial, self.output)
        self.state_path.unlink()
