"""``/v1`` file endpoints: a bulletin uploaded as PDF, Word, HTML or text, split and analysed.

The file's type is known from its content (the name is only a hint); a file that gives no
text is answered with its reader's stable code (``no_text_layer``, ``encrypted_file``,
``corrupt_file``, ``unsupported_type``, ``empty_document``, ``undecodable``).
"""

from __future__ import annotations

from flask import Blueprint, current_app

from service.api.analysis import analyze_items
from service.api.context import elapsed_ms
from service.api.errors import APIError
from service.api.schemas import FileOptions
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
    items = [{"id": f"{filename or 'file'}#{n}", "title": title, "text": text} for n, (title, text) in enumerate(_articles(document, options.split), 1)]
    rows, analyzer = analyze_items(items, "articles", options.limits(current_app.config["DEFAULT_MAX_CHARS"]))
    results = [{"id": row["id"], "title": item["title"] or "", **row} for row, item in zip(rows, items)]
    return {"filename": filename, "kind": document.kind, "results": results, "model_version": analyzer.model_version, "elapsed_ms": elapsed_ms()}
