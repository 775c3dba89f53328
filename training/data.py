"""Labeled examples: loading and validation of JSONL/CSV training files."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable
from pathlib import Path

from service.examples.record import DataError, Example, validate_record
from service.labels import DEFAULT, LabelSet

__all__ = ["DataError", "DataErrors", "Example", "data_files", "data_hash", "load_examples", "load_file", "validate_record"]

DATA_DIR = Path(__file__).parent / "data"


def _records(path: Path) -> Iterable[tuple[int, object]]:
    """(line, parsed record or DataError) for every record of a file; a bad line does not stop it."""
    try:
        raw = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        yield 0, DataError(path, 0, f"not UTF-8 text (byte {exc.start}); save the file as UTF-8")
        return
    except OSError as exc:
        yield 0, DataError(path, 0, f"cannot read file: {exc.strerror}")
        return
    if path.suffix.lower() == ".csv":
        reader = csv.DictReader(io.StringIO(raw, newline=""), strict=True)
        row_no = 1
        try:
            for row_no, row in enumerate(reader, 2):
                if None in row or any(v is None for v in row.values()):
                    width = len(reader.fieldnames or [])
                    yield row_no, DataError(path, row_no, f"row does not have the header's {width} fields")
                else:
                    yield row_no, row
        except csv.Error as exc:
            yield row_no + 1, DataError(path, row_no + 1, f"broken CSV ({exc}); rows after it were not read")
        return
    for lineno, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        try:
            yield lineno, json.loads(line)
        except json.JSONDecodeError as exc:
            yield lineno, DataError(path, lineno, f"invalid JSON ({exc.msg})")


class DataErrors(DataError):
    """Every bad row of the files, reported together (nothing is used when any row is bad)."""

    def __init__(self, errors: list[DataError]) -> None:
        self.errors = errors
        shown = "\n".join(str(e) for e in errors[:50])
        more = f"\n... and {len(errors) - 50} more" if len(errors) > 50 else ""
        ValueError.__init__(self, f"{len(errors)} bad row(s):\n{shown}{more}")
        self.path, self.lineno, self.message = errors[0].path, errors[0].lineno, errors[0].message


def load_file(path: Path | str, labels: LabelSet = DEFAULT) -> list[Example]:
    """Examples of one JSONL or CSV file, validated line by line against the label set."""
    return load_examples(path, labels=labels)


def data_files(source: Path | str) -> list[Path]:
    """The training files of a file or directory (``*.jsonl`` and ``*.csv``, sorted)."""
    source = Path(source)
    if source.is_dir():
        return sorted(p for p in source.iterdir() if p.suffix.lower() in (".jsonl", ".csv"))
    if not source.exists():
        raise DataError(source, 0, "no such file or directory")
    return [source]


def load_examples(*sources: Path | str, labels: LabelSet = DEFAULT) -> list[Example]:
    """All examples of the given files/directories, validated row by row.

    Every problem (invalid JSON or CSV, unknown label, empty text, bad themes, duplicate id
    or text) is collected with its file and line; when there is any, :class:`DataErrors`
    lists them all and no example is returned.
    """
    examples: list[Example] = []
    errors: list[DataError] = []
    seen_ids: dict[str, str] = {}
    seen_texts: dict[str, str] = {}
    for path in (p for s in (sources or (DATA_DIR,)) for p in data_files(s)):
        for lineno, item in _records(path):
            try:
                if isinstance(item, DataError):
                    raise item
                ex = validate_record(item, path, lineno, labels)
                if ex.id in seen_ids:
                    raise DataError(path, lineno, f"duplicate id {ex.id!r} (first in {seen_ids[ex.id]})")
                key = "".join(ex.text.split())
                if key in seen_texts:
                    raise DataError(path, lineno, f"duplicate text (same as id {seen_texts[key]!r})")
            except DataError as error:
                errors.append(error)
                continue
            seen_ids[ex.id] = f"{path}:{lineno}"
            seen_texts[key] = ex.id
            examples.append(ex)
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise DataErrors(errors)
    if not examples:
        raise DataError(sources[0] if sources else DATA_DIR, 0, "no labeled examples found")
    return examples


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
