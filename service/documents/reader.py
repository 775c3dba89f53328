"""One entry point for every format: bytes in, a :class:`Document` out, or a :class:`DocumentError`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from service.documents.errors import DocumentError
from service.documents.outline import Outline, outline
from service.documents.sniff import sniff
from service.text.bulletin import Article, split_bulletin
from service.text.encoding import DecodeError, decode


@dataclass(frozen=True)
class Document:
    """A file's text, as a plain-text bulletin holds it (paragraphs one a line, a blank line before a headline).

    ``sections`` holds (article title, body) pairs where the format marks headlines
    (Word heading styles, HTML headings); :func:`articles` splits at them.
    """

    kind: str  # "pdf" | "docx" | "html" | "text"
    title: str | None
    text: str
    sections: tuple[tuple[str, str], ...] = ()


def _read_text(data: bytes) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 with a BOM (Windows "Unicode" text)
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DocumentError("undecodable", f"broken UTF-16 text (byte {exc.start})") from None
    else:
        try:
            text = decode(data)
        except DecodeError as exc:
            raise DocumentError("undecodable", str(exc)) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _read(kind: str, data: bytes) -> Document:
    if kind == "pdf":
        from service.documents.pdf_reader import read_pdf

        return Document(kind, None, read_pdf(data))
    if kind == "text":
        return Document(kind, None, _read_text(data))
    if kind == "docx":
        from service.documents.docx_reader import read_docx

        found: Outline = outline(read_docx(data))
        return Document(kind, found.title, found.text, found.sections)
    from service.documents.html_reader import read_html

    title, blocks = read_html(data)
    found = outline(blocks)
    return Document(kind, title or found.title, found.text, found.sections)


def read_document(data: bytes, filename: str = "") -> Document:
    """The text of a PDF, Word (.docx), HTML or plain-text file, its type sniffed from the content.

    Raises :class:`DocumentError` (never another exception, never an empty text) for a file
    that gives no text: its ``code`` says why.
    """
    data = bytes(data)
    kind = sniff(data, filename)
    try:
        document = _read(kind, data)
    except DocumentError:
        raise
    except RecursionError:
        raise DocumentError("corrupt_file", f"the {kind} file nests too deeply to read") from None
    except Exception as exc:  # a library failing on a malformed file: report it with a stable code
        raise DocumentError("corrupt_file", f"the {kind} file cannot be read: {type(exc).__name__}: {exc}") from None
    if not document.text.strip():
        raise DocumentError("empty_document", f"the {kind} file holds no text")
    return document


def read_path(path: str | Path) -> Document:
    """:func:`read_document` of a file on disk (its name is the type hint)."""
    path = Path(path)
    return read_document(path.read_bytes(), path.name)


def articles(document: Document) -> list[Article]:
    """The document's articles: split at its headlines where the format marks them, else by :func:`split_bulletin`.

    Each marked section is split further by :func:`split_bulletin` (a section may hold several
    items); a lone article with no headline of its own takes the document's title.
    """
    found: list[Article] = []
    for title, body in document.sections:
        parts = split_bulletin(body) if body.strip() else []
        if parts and title:
            first = parts[0]
            parts[0] = Article(f"{title} {first.title}" if first.title else title, first.text)
        found.extend(parts)
    if not found:
        found = split_bulletin(document.text)
    if len(found) == 1 and not found[0].title and document.title:
        found[0] = Article(document.title, found[0].text)
    return found
