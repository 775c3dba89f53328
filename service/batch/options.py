"""What a batch run is asked to do, what it did, and the error it stops with."""

from __future__ import annotations

from dataclasses import dataclass, field

from service.batch.inputs import Columns

DEFAULT_FIELDS = (
    "id", "date", "theme", "theme_zh", "confidence", "scores", "themes", "evidence",
    "summary", "over_budget", "sentences", "keywords", "dateline", "warnings", "model_version", "error",
)  # fmt: skip
EXTRA_FIELDS = ("title", "text", "source")  # in the output only when --fields names them


class BatchError(RuntimeError):
    """A run that cannot start (the message says why and what to do)."""


@dataclass
class BatchOptions:
    """How to run a batch."""

    output: str = "-"
    fmt: str = "jsonl"
    fields: tuple[str, ...] | None = None
    workers: int = 1
    chunk_size: int = 200
    resume: bool = False
    progress: bool = False
    engine: str = "local"
    scheduler: str | None = None
    max_chars: int | None = None
    max_sentences: int | None = None
    model_dir: str | None = None
    split: bool = False
    columns: Columns = field(default_factory=Columns)


@dataclass
class BatchStats:
    """What a run did."""

    scored: int = 0  # in the whole output, earlier runs' committed records included
    errors: int = 0
    seconds: float = 0.0
    resumed_from: int = 0
    this_run: int = 0  # records scored by this run


def format_for(output: str) -> str:
    """The output format an output file's name implies: ``sqlite`` for ``*.db``/``*.sqlite``,
    ``csv`` for ``*.csv``/``*.csv.gz``, else ``jsonl`` (``*.gz`` outputs are gzip-compressed)."""
    name = output.lower()
    if name.endswith((".db", ".sqlite", ".sqlite3")):
        return "sqlite"
    return "csv" if name.endswith((".csv", ".csv.gz")) else "jsonl"
