"""Every request body, declared once: views validate from these models and ``/openapi.json``
describes them from the same models.

Models are strict (a ``"5"`` is not an integer, ``true`` is not a number) and ignore fields
they do not know. Errors are pydantic's; :mod:`service.api.validation` turns the first one
into the API's stable error codes. Two checks depend on the server's settings and read them
from the validation context: ``max_text_chars`` (``text_too_long``) and ``max_batch_items``
(``batch_too_large``).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from service.summary.budget import DEFAULT_MAX_CHARS, summary_limits

MAX_BUDGET_CHARS = 100_000
MAX_BUDGET_SENTENCES = 1_000


class Body(BaseModel):
    """A JSON request body: strict types, unknown fields ignored."""

    model_config = ConfigDict(strict=True, extra="ignore")


def check_text(text: str, info: ValidationInfo) -> str:
    """Non-empty, within ``max_text_chars`` of the validation context."""
    if not text.strip():
        raise PydanticCustomError("empty_text", "text is empty")
    limit = (info.context or {}).get("max_text_chars")
    if limit is not None and len(text) > limit:
        raise PydanticCustomError("text_too_long", "text has {n} characters; the limit is {limit}", {"n": len(text), "limit": limit})
    return text


class Text(Body):
    """A body with an article's (or a bulletin's) text."""

    text: str = Field(description="Article text (limit MAX_TEXT_CHARS, default 100,000).", json_schema_extra={"minLength": 1})

    _text = field_validator("text")(check_text)


class Budget(Body):
    """A summary budget: characters or sentences, at most one (default: DEFAULT_MAX_CHARS characters)."""

    max_chars: Annotated[int, Field(ge=1, le=MAX_BUDGET_CHARS, description=f"Summary budget in characters (default {DEFAULT_MAX_CHARS}).")] | None = None
    max_sentences: Annotated[int, Field(ge=1, le=MAX_BUDGET_SENTENCES, description="Summary budget in sentences.")] | None = None

    @model_validator(mode="after")
    def _one_budget(self) -> Budget:
        try:
            summary_limits(self.max_chars, self.max_sentences)
        except ValueError as exc:
            raise PydanticCustomError("one_budget", str(exc)) from None
        return self

    def limits(self, default_chars: int) -> dict:
        """Keyword arguments for the summarizer."""
        return summary_limits(self.max_chars, self.max_sentences, default_chars)


class Article(Text, Budget):
    """One article: ``POST /v1/analyze``, ``/v1/classify``, ``/v1/summarize``."""

    title: str | None = None


class BatchItem(Text):
    """One item of a batch; an item that fails validation gets its own error in ``results``."""

    id: str | int | None = None
    title: str | None = None


class Batch(Budget):
    """``POST /v1/analyze/batch``: the items are validated one by one (:class:`BatchItem`)."""

    items: list = Field(
        description="Up to MAX_BATCH_ITEMS (default 1,000) items, each a BatchItem.",
        json_schema_extra={"items": {"$ref": "#/components/schemas/BatchItem"}},
    )

    @field_validator("items")
    @classmethod
    def _within_limit(cls, items: list, info: ValidationInfo) -> list:
        limit = (info.context or {}).get("max_batch_items")
        if limit is not None and len(items) > limit:
            raise PydanticCustomError("batch_too_large", "{n} items; the limit is {limit}", {"n": len(items), "limit": limit})
        return items


class Bulletin(Text):
    """``POST /v1/split``: a bulletin's text."""


class FileOptions(Budget):
    """Form fields beside the ``file`` of ``POST /v1/analyze/file`` (multipart: every value is text)."""

    split: bool = Field(True, description="Split the file into the articles of its bulletin (false: the file is one article).")

    @staticmethod
    def from_form(form: dict[str, str]) -> dict:
        """Form text as typed values: digits as integers, true/false as booleans (anything else fails validation)."""
        out: dict = {}
        for name in ("max_chars", "max_sentences"):
            value = form.get(name, "").strip()
            if value:
                out[name] = int(value) if value.isascii() and value.isdigit() and len(value) < 10 else value
        flag = form.get("split", "").strip().lower()
        if flag:
            out["split"] = {"true": True, "1": True, "false": False, "0": False}.get(flag, flag)
        return out


class UploadedFile(Body):
    """``POST /v1/analyze/file`` and ``/v1/split/file``: a multipart/form-data body (within MAX_BODY_BYTES)."""

    file: bytes = Field(description="A bulletin or article as PDF, Word (.docx), HTML or text; its type is read from its content.")
    max_chars: int | None = Field(None, description="Summary budget in characters (analyze only).")
    max_sentences: int | None = Field(None, description="Summary budget in sentences (analyze only).")
    split: bool = Field(True, description="Split into the bulletin's articles (analyze only; false: one article).")


class LabeledExample(Body):
    """A labeled example (``POST /v1/examples``, ``/v1/feedback``).

    Its rules (label in the label set, themes containing the label) are the examples store's
    (:func:`service.examples.record.validate_record`), shared with training files.
    """

    id: str | None = Field(None, description="Required by /v1/examples; /v1/feedback makes one from the text.")
    title: str | None = None
    text: str = Field(json_schema_extra={"minLength": 1})
    label: str = Field(description="A label id of GET /v1/themes.")
    themes: list[str] = Field(default_factory=list, description="Every theme substantially present (default: the label).")


class Examples(Body):
    """``POST /v1/examples`` with several examples: all are stored or none."""

    examples: list[LabeledExample]


class Theme(Body):
    """``POST /v1/themes``: a theme of the user's own (or new name, description, terms for one)."""

    id: str = Field(description="Lower-case ASCII id, e.g. technology.", json_schema_extra={"pattern": "^[a-z][a-z0-9_]{1,31}$"})
    name_zh: str = Field(description="Chinese name, e.g. 科技创新.")
    description: str = ""
    terms: list[str] = Field(default_factory=list, description="Seed policy terms, e.g. 研发, 专利, 成果转化.")


class Rename(Body):
    """``POST /v1/themes/{id}/rename``."""

    id: str = Field(description="The new id.")


class Train(Body):
    """``POST /v1/train`` (an empty body means the defaults)."""

    force: bool = False
    unlabeled: list[str] = Field(
        default_factory=list,
        max_length=20,
        description="Unlabeled archives to learn from, as paths under the server's DATA_DIR (JSONL, JSONL.gz, CSV or a folder).",
    )
    exclude_ids: str | None = Field(None, description="A file under DATA_DIR listing archive ids (one a line) never to learn from.")


# ---- responses: declared for /openapi.json (and checked against live answers in the tests) ----


class ErrorDetail(BaseModel):
    code: str = Field(description="A stable error code (see /docs).")
    message: str
    field: str | None = Field(None, description="The request field at fault, e.g. items[3].text.")
    request_id: str | None = None


class Error(BaseModel):
    """Every error answer."""

    error: ErrorDetail


class Evidence(BaseModel):
    term: str
    weight: float


class Sentence(BaseModel):
    text: str
    start: int = Field(description="Offset of the sentence in the text as given.")
    end: int
    score: float
    terms: list[str] = Field(description="Policy terms the sentence matched.")


class Keyword(BaseModel):
    term: str
    weight: float
    themes: list[str]


class Classification(BaseModel):
    """The theme part of an analysis."""

    theme: str = Field(description="The primary label.")
    theme_zh: str
    confidence: float
    scores: dict[str, float] = Field(description="A score for every label of the served model.")
    themes: list[str] = Field(description="Every theme substantially present.")
    evidence: list[Evidence]
    warnings: list[str] = Field(description="e.g. no_chinese_text")


class Dateline(BaseModel):
    """Who filed the article, from where, on what date, as written (新华社北京2月1日电)."""

    source: str | None = Field(description="e.g. 新华社, 本报")
    place: str | None = Field(description="e.g. 北京")
    date: str | None = Field(description="As written, e.g. 2月1日, 本日")


class Summary(BaseModel):
    """The summary part of an analysis."""

    summary: str
    over_budget: bool = Field(description="True when the best sentence alone is longer than the budget.")
    sentences: list[Sentence]
    keywords: list[Keyword]
    dateline: Dateline | None = Field(description="The parsed dateline that opens the article, or null.")


class Served(BaseModel):
    model_version: str
    elapsed_ms: float


class Analysis(Served, Summary, Classification):
    """``POST /v1/analyze``."""


class Classified(Served, Classification):
    """``POST /v1/classify``."""


class Summarized(Served, Summary):
    """``POST /v1/summarize``."""

    theme: str
    themes: list[str]
    warnings: list[str]


class BatchResult(Summary, Classification):
    """One result of a batch (or an :class:`Error` with the item's ``id``)."""

    id: str | int


class BatchAnswer(BaseModel):
    """``POST /v1/analyze/batch``: one entry per item, in order."""

    results: list[BatchResult | Error]
    model_version: str
    elapsed_ms: float


class SplitArticle(BaseModel):
    title: str
    text: str


class Articles(BaseModel):
    """``POST /v1/split``."""

    articles: list[SplitArticle]


class FileArticles(Articles):
    """``POST /v1/split/file``."""

    filename: str
    kind: str = Field(description="pdf, docx, html or text, read from the file's content.")


class FileResult(Summary, Classification):
    """One article of an uploaded file (or an :class:`Error` with its ``id``)."""

    id: str = Field(description="FILENAME#n")
    title: str


class FileAnswer(BaseModel):
    """``POST /v1/analyze/file``: one entry per article of the file, in order."""

    filename: str
    kind: str
    results: list[FileResult | Error]
    model_version: str
    elapsed_ms: float


REQUEST_MODELS: tuple[type[BaseModel], ...] = (Article, BatchItem, Batch, Bulletin, UploadedFile, LabeledExample, Examples, Theme, Rename, Train)
RESPONSE_MODELS: tuple[type[BaseModel], ...] = (Error, Analysis, Classified, Summarized, BatchAnswer, Articles, FileArticles, FileAnswer)
