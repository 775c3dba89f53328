"""Records to score, read from every input shape the batch scorer accepts.

JSONL (``.jsonl``, ``.jsonl.gz``), CSV (``.csv``, columns mapped by name), a directory of
``.txt``/``.md``/``.pdf``/``.docx``/``.html`` files (one article per file, ``id`` = relative
path; the type is read from the content by :mod:`service.documents`), and bulletins
(``split=True``: each file's articles, ids ``file#1``, ``file#2`` ...). Records come in a
fixed order (inputs as given, directory entries sorted), so a resumed run can skip what
an earlier run finished. A record that cannot be read is yielded with an ``error``.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from service.documents import DocumentError, articles, read_document
from service.documents.sniff import sniff
from service.text.encoding import DecodeError, decode

TEXT_SUFFIXES = (".txt", ".md")
DOCUMENT_SUFFIXES = (".pdf", ".docx", ".html", ".htm")
FILE_SUFFIXES = TEXT_SUFFIXES + DOCUMENT_SUFFIXES  # files a directory input is scanned for


class InputError(ValueError):
    """An input that cannot be opened at all (the run stops before it starts)."""


@dataclass
class Record:
    """One article to score, or the reason it cannot be."""

    id: str
    text: str = ""
    title: str | None = None
    extra: dict = field(default_factory=dict)  # e.g. date, carried to the output
    error: str | None = None
    source: str = ""  # the file it came from (the database output's ``source`` column)


@dataclass(frozen=True)
class Columns:
    """CSV column names."""

    id: str = "id"
    title: str = "title"
    text: str = "text"


def check_inputs(paths: list[str]) -> None:
    """Fail early, with the path, when an input does not exist or has no known shape."""
    for path in paths:
        if path == "-":
            continue
        p = Path(path)
        if not p.exists():
            raise InputError(f"cannot open input {path}: no such file or directory")
        if p.is_file() and not (kind(p) or p.suffix.lower() in FILE_SUFFIXES):
            raise InputError(f"cannot read input {path}: expected .jsonl, .jsonl.gz, .csv, .txt, .md, .pdf, .docx, .html or a directory")


def kind(path: Path) -> str | None:
    """``jsonl`` or ``csv`` by file name."""
    name = path.name.lower()
    if name.endswith((".jsonl", ".jsonl.gz", ".ndjson")):
        return "jsonl"
    if name.endswith((".csv", ".csv.gz")):
        return "csv"
    return None


def _binary(path: Path):
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else open(path, "rb")


def _text_of(path: Path) -> str:
    with _binary(path) as f:
        return decode(f.read())


def sniff_encoding(head: bytes) -> str:
    """``utf-8-sig`` or ``gb18030``, judged on the first bytes of a file.

    A multi-byte character cut off at the end of ``head`` does not count against UTF-8.
    """
    try:
        codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
        return "utf-8-sig"
    except UnicodeDecodeError:
        return "gb18030"


def _head(path: Path, size: int = 65536) -> bytes:
    with _binary(path) as f:
        return f.read(size)


def _lines(path: Path) -> Iterator[str]:
    """Lines of a (gzipped) text file, streamed, in the encoding its first 64 KB show."""
    encoding = sniff_encoding(_head(path))
    with _binary(path) as f, io.TextIOWrapper(f, encoding=encoding, errors="replace", newline=None) as text:
        yield from text


def from_record(obj: object, fallback_id: str, columns: Columns = Columns()) -> Record:
    """A :class:`Record` from a parsed JSON object or CSV row."""
    if not isinstance(obj, dict):
        return Record(fallback_id, error="invalid_record: expected a JSON object")
    raw_id = obj.get(columns.id)
    rec_id = str(raw_id) if raw_id not in (None, "") else fallback_id
    text, title = obj.get(columns.text), obj.get(columns.title)
    extra = {k: obj[k] for k in ("date",) if k in obj}
    if text is None:
        return Record(rec_id, error=f"missing_field: {columns.text}", extra=extra)
    if not isinstance(text, str):
        return Record(rec_id, error=f"wrong_type: {columns.text} must be a string", extra=extra)
    if not text.strip():
        return Record(rec_id, error="empty_text: text is empty", extra=extra)
    if title is not None and not isinstance(title, str):
        return Record(rec_id, error=f"wrong_type: {columns.title} must be a string", extra=extra)
    return Record(rec_id, text, title or None, extra)


def _jsonl(lines, source: str) -> Iterator[Record]:
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        fallback = f"{source}:{lineno}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Record(fallback, error=f"invalid_json: {exc.msg} at column {exc.colno}")
            continue
        yield from_record(obj, fallback)


def _csv(text: str, source: str, columns: Columns) -> Iterator[Record]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if reader.fieldnames is None or columns.text not in reader.fieldnames:
        yield Record(source, error=f"missing_field: no column {columns.text!r} in {source} (use --text-col)")
        return
    row_no = 1
    try:
        for row_no, row in enumerate(reader, 2):
            yield from_record(row, f"{source}:{row_no}", columns)
    except csv.Error as exc:
        yield Record(f"{source}:{row_no + 1}", error=f"invalid_csv: {exc}")


def _articles(path: Path) -> tuple[str, list]:
    """Text of a plain-text file, or the text and articles of a PDF, Word or HTML file (sniffed from its content)."""
    with _binary(path) as f:
        data = f.read()
    if sniff(data, path.name) == "text":
        return decode(data), []
    document = read_document(data, path.name)
    return document.text, articles(document)


def _document(path: Path, rel: str, split: bool) -> Iterator[Record]:
    try:
        text, found = _articles(path)
    except DocumentError as exc:  # corrupt, encrypted, scanned ... : one clear error for this file
        code = "empty_text" if exc.code == "empty_document" else exc.code  # the code an empty article has everywhere
        yield Record(rel, error=f"{code}: {exc.message}")
        return
    except (DecodeError, OSError) as exc:
        yield Record(rel, error=f"undecodable_text: {exc}")
        return
    if split:
        from service.text.bulletin import split_bulletin

        articles = found or split_bulletin(text)
        if not articles:
            yield Record(rel + "#1", error="empty_text: no article in the file")
        for n, article in enumerate(articles, 1):
            if article.text.strip():
                yield Record(f"{rel}#{n}", article.text, article.title or None)
            else:
                yield Record(f"{rel}#{n}", error="empty_text: the article has a title and no text")
        return
    if not text.strip():
        yield Record(rel, error="empty_text: the file is empty")
    else:
        title = found[0].title if len(found) == 1 and found[0].title else None
        yield Record(rel, text, title)


def read_records(paths: list[str], *, split: bool = False, columns: Columns = Columns(), stdin=None) -> Iterator[Record]:
    """Every record of the inputs, in a fixed order, each with the file it came from."""
    for record, source in _records_with_source(paths, split, columns, stdin):
        record.source = source
        yield record


def _records_with_source(paths: list[str], split: bool, columns: Columns, stdin) -> Iterator[tuple[Record, str]]:
    for path in paths:
        if path == "-":
            stream = stdin or io.TextIOWrapper(__import__("sys").stdin.buffer, encoding="utf-8", errors="replace")
            yield from ((r, "stdin") for r in _jsonl(stream, "stdin"))
            continue
        p = Path(path)
        if p.is_dir():
            files = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in FILE_SUFFIXES)
            for f in files:
                rel = f.relative_to(p).as_posix()
                yield from ((r, rel) for r in _document(f, rel, split))
            continue
        shape = kind(p)
        if shape is None:
            yield from ((r, p.name) for r in _document(p, p.name, split))
            continue
        try:
            rows = _jsonl(_lines(p), p.name) if shape == "jsonl" else _csv(_text_of(p), p.name, columns)
            yield from ((r, p.name) for r in rows)
        except (DecodeError, OSError, EOFError, zlib.error) as exc:  # zlib.error: a damaged gzip stream
            yield Record(p.name, error=f"unreadable_input: {exc}"), p.name


def count_records(paths: list[str], *, split: bool = False, columns: Columns = Columns()) -> int | None:
    """How many records the inputs hold, for progress (None when unknown without scoring)."""
    total = 0
    for path in paths:
        p = Path(path)
        if path == "-" or split:
            return None
        if p.is_dir():
            total += sum(1 for f in p.rglob("*") if f.is_file() and f.suffix.lower() in FILE_SUFFIXES)
        elif kind(p) == "jsonl":
            try:
                total += sum(1 for line in _lines(p) if line.strip())
            except (OSError, EOFError, zlib.error):
                return None
        else:
            total += sum(1 for _ in read_records([path], columns=columns))
    return total
