"""A labeled example: its fields and their validation, shared by the examples API and training."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from service.labels import DEFAULT, LabelSet


class DataError(ValueError):
    """A training file that cannot be used, naming the file and line at fault."""

    def __init__(self, path: Path | str, lineno: int, message: str) -> None:
        where = f"{path}:{lineno}" if lineno else str(path)
        super().__init__(f"{where}: {message}")
        self.path, self.lineno, self.message = str(path), lineno, message


@dataclass(frozen=True)
class Example:
    """One labeled article."""

    id: str
    text: str
    label: str
    themes: tuple[str, ...] = ()
    title: str = ""
    source: str = field(default="", compare=False)

    def to_json(self) -> dict:
        """The example as a JSONL record."""
        row = {"id": self.id, "title": self.title, "text": self.text, "label": self.label, "themes": list(self.themes)}
        if not self.title:
            del row["title"]
        return row


def validate_record(record: object, path: Path | str, lineno: int, labels: LabelSet = DEFAULT) -> Example:
    """Check one record against the label set and return it as an :class:`Example`; raise :class:`DataError` if bad."""
    if not isinstance(record, dict):
        raise DataError(path, lineno, "expected a JSON object")
    for key in ("id", "text", "label"):
        if key not in record or record[key] is None or (key != "text" and record[key] == ""):
            raise DataError(path, lineno, f"missing field {key!r}")
    ex_id, text, label = str(record["id"]).strip(), record["text"], record["label"]
    if not isinstance(text, str) or not text.strip():
        raise DataError(path, lineno, "empty text")
    if label not in labels:
        hint = " (add it first: zonedigest themes add ID --name-zh ...)" if isinstance(label, str) and label else ""
        raise DataError(path, lineno, f"unknown label {label!r}; expected one of {', '.join(labels.ids)}{hint}")
    themes = record.get("themes")
    if themes is None or themes == "":
        themes = [] if label == "other" else [label]
    if isinstance(themes, str):
        themes = [t.strip() for t in themes.replace(";", ",").split(",") if t.strip()]
    if not isinstance(themes, list) or any(not isinstance(t, str) or t not in labels.themes for t in themes):
        raise DataError(path, lineno, f"bad themes {themes!r}; each must be one of {', '.join(labels.themes)}")
    if label != "other" and label not in themes:
        raise DataError(path, lineno, f"themes {themes!r} must contain the label {label!r}")
    title = record.get("title") or ""
    if not isinstance(title, str):
        raise DataError(path, lineno, "title must be a string")
    return Example(ex_id, text, label, tuple(dict.fromkeys(themes)), title.strip(), str(path))
