"""Labeled examples: loading and validation of JSONL/CSV training files."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable
from pathlib import Path

from service.examples import DataError, Example, validate_record

__all__ = ["DataError", "Example", "data_files", "data_hash", "load_examples", "load_file", "validate_record"]

DATA_DIR = Path(__file__).parent / "data"


def _records(path: Path) -> Iterable[tuple[int, object]]:
    try:
        raw = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(path, 0, f"not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise DataError(path, 0, f"cannot read file: {exc.strerror}") from None
    if path.suffix.lower() == ".csv":
        try:
            for row in csv.DictReader(io.StringIO(raw, newline="")):
                yield 0, row
        except csv.Error as exc:
            raise DataError(path, 0, f"broken CSV: {exc}") from None
        return
    for lineno, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        try:
            yield lineno, json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(path, lineno, f"invalid JSON ({exc.msg})") from None


def _csv_lines(path: Path, rows: Iterable[tuple[int, object]]) -> Iterable[tuple[int, object]]:
    # CSV rows are numbered by record (header is line 1).
    for n, (_, row) in enumerate(rows, 2):
        yield n, row


def load_file(path: Path | str) -> list[Example]:
    """Examples of one JSONL or CSV file, validated line by line."""
    return [ex for _, ex in _numbered(Path(path))]


def data_files(source: Path | str) -> list[Path]:
    """The training files of a file or directory (``*.jsonl`` and ``*.csv``, sorted)."""
    source = Path(source)
    if source.is_dir():
        return sorted(p for p in source.iterdir() if p.suffix.lower() in (".jsonl", ".csv"))
    if not source.exists():
        raise DataError(source, 0, "no such file or directory")
    return [source]


def load_examples(*sources: Path | str) -> list[Example]:
    """All examples of the given files/directories; duplicate ids or texts are errors."""
    examples: list[Example] = []
    seen_ids: dict[str, str] = {}
    seen_texts: dict[str, str] = {}
    for path in (p for s in (sources or (DATA_DIR,)) for p in data_files(s)):
        for lineno, ex in _numbered(path):
            if ex.id in seen_ids:
                raise DataError(path, lineno, f"duplicate id {ex.id!r} (first in {seen_ids[ex.id]})")
            key = "".join(ex.text.split())
            if key in seen_texts:
                raise DataError(path, lineno, f"duplicate text (same as id {seen_texts[key]!r})")
            seen_ids[ex.id] = f"{path}:{lineno}"
            seen_texts[key] = ex.id
            examples.append(ex)
    if not examples:
        raise DataError(sources[0] if sources else DATA_DIR, 0, "no labeled examples found")
    return examples


def _numbered(path: Path) -> Iterable[tuple[int, Example]]:
    rows = _records(path)
    if path.suffix.lower() == ".csv":
        rows = _csv_lines(path, rows)
    for lineno, record in rows:
        yield lineno, validate_record(record, path, lineno)


def data_hash(examples: Iterable[Example]) -> str:
    """sha256 over the examples' content, independent of file layout."""
    digest = hashlib.sha256()
    for ex in sorted(examples, key=lambda e: e.id):
        digest.update(json.dumps(ex.to_json(), ensure_ascii=False, sort_keys=True).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def shared_sentences(examples: list[Example], min_chars: int = 12) -> list[tuple[str, str, str]]:
    """(sentence, id, id) for sentences of ``min_chars`` or more that two examples share."""
    import re

    seen: dict[str, str] = {}
    out = []
    for ex in examples:
        for sentence in {s.strip() for s in re.split(r"[。！？!?\n]", ex.text)}:
            if len(sentence) < min_chars:
                continue
            if sentence in seen and seen[sentence] != ex.id:
                out.append((sentence, seen[sentence], ex.id))
            seen.setdefault(sentence, ex.id)
    return out


def near_duplicates(examples: list[Example], threshold: float = 0.5, n: int = 5) -> list[tuple[str, str, float]]:
    """(id, id, similarity) of example pairs whose character ``n``-gram sets overlap more than ``threshold``.

    Similarity is the overlap coefficient |A ∩ B| / min(|A|, |B|), so a short item copied into a
    longer one is caught too.
    """
    grams = [{ex.text[i : i + n] for i in range(len(ex.text) - n + 1)} for ex in examples]
    index: dict[str, list[int]] = {}
    for k, gs in enumerate(grams):
        for g in gs:
            index.setdefault(g, []).append(k)
    out = []
    for k, gs in enumerate(grams):
        if not gs:
            continue
        shared: dict[int, int] = {}
        for g in gs:
            for other in index[g]:
                if other > k:
                    shared[other] = shared.get(other, 0) + 1
        for other, count in shared.items():
            sim = count / min(len(gs), len(grams[other]) or 1)
            if sim > threshold:
                out.append((examples[k].id, examples[other].id, round(sim, 3)))
    return out
