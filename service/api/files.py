"""``/v1`` file endpoints: a bulletin uploaded as PDF, Word, HTML or text, split and analysed.

The file's type is known from its content (the name is only a hint); a file that gives no
text is answered with its reader's stable code (``no_text_layer``, ``encrypted_file``,
``corrupt_file``, ``unsupported_type``, ``empty_document``, ``undecodable``).
"""

from __future__ import annotations

from flask import Blueprint, current_app

from service.api.analysis import CLASSIFY_FIELDS, SUMMARY_FIELDS
from service.api.context import current_analyzer, elapsed_ms, state
from service.api.errors import APIError
from service.api.schemas import BatchItem, FileOptions
from service.api.validation import parse, uploaded_file

files = Blueprint("files", __name__, url_prefix="/v1")


def _document():
    """The uploaded file read as a document, and the form's options."""
    from service.documents import DocumentError, read_document

    filename, data, form = uploaded_file()
    options = parse(FileOptions, FileOptions.from_form(form))
    try:
        return filename, read_document(data, filename), options
    except DocumentError as error:
        raise APIError(error.code, f"{filename or 'the file'}: {error.message}", "file") from None


def _articles(document, split: bool) -> list[tuple[str | None, str]]:
    from service.documents import articles

    if not split:
        return [(document.title, document.text)]
    return [(a.title or None, a.text) for a in articles(document)]


@files.post("/split/file")
def split_file():
    """The articles of an uploaded bulletin (title and text of each)."""
    filename, document, options = _document()
    found = _articles(document, True)
    return {"filename": filename, "kind": document.kind, "articles": [{"title": t or "", "text": x} for t, x in found]}


@files.post("/analyze/file")
def analyze_file():
    """Theme and summary of every article of an uploaded file (``split=false``: the file is one article)."""
    filename, document, options = _document()
    limits = options.limits(current_app.config["DEFAULT_MAX_CHARS"])
    results: list[dict | None] = []
    good: list[tuple[int, BatchItem]] = []
    for n, (title, text) in enumerate(_articles(document, options.split), 1):
        item_id = f"{filename or 'file'}#{n}"
        results.append(None)
        try:
            good.append((n - 1, parse(BatchItem, {"id": item_id, "title": title, "text": text}, f"articles[{n - 1}].")))
        except APIError as error:
            results[n - 1] = {"id": item_id, "title": title or "", **error.body()}
    analyzer = current_analyzer()
    analysed = analyzer.analyze_many([(item.title, item.text) for _, item in good], **limits)
    state()["metrics"].count_predictions([r["theme"] for r in analysed])
    for (i, item), result in zip(good, analysed):
        results[i] = {"id": item.id, "title": item.title or "", **{k: result[k] for k in CLASSIFY_FIELDS + SUMMARY_FIELDS}}
    return {"filename": filename, "kind": document.kind, "results": results, "model_version": analyzer.model_version, "elapsed_ms": elapsed_ms()}
