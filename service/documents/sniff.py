"""A file's type from its content (magic bytes); the file name's extension is only a hint.

Content decides: a ``.txt`` holding a PDF is read as a PDF. A name that promises a binary
format the content does not hold (a ``.pdf`` or ``.docx`` that is text, an HTML error page
or garbage) is a broken file, reported as ``corrupt_file`` rather than read as text.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePath

from service.documents.errors import DocumentError

KINDS = ("pdf", "docx", "html", "text")
MAX_UNZIPPED = 256 << 20  # a Word file that expands beyond this is no bulletin
HINTS = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".docm": "docx",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".shtml": "html",
    ".mht": "html",
    ".txt": "text",
    ".text": "text",
}
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a compound file: legacy Office, or an encrypted .docx
# Formats recognised only to be refused with a useful message.
_REFUSED = (
    (_OLE, "a legacy Office or WPS file (.doc, .wps, .xls): save it as .docx or PDF"),
    (b"{\\rtf", "an RTF file: save it as .docx or PDF"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"RIFF", "a RIFF (WebP, WAV, AVI) file"),
    (b"%!PS", "a PostScript file"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7z archive"),
    (b"\x7fELF", "an executable"),
)
_HTML_START = re.compile(r"<(?:!doctype\s+html|html|head|body|meta\s|title>)", re.I)
_HTML_TAG = re.compile(rb"<(?:p|div|br|h[1-6]|article|table|span|a)[\s/>]", re.I)
_ZIP_KINDS = (
    ("word/document.xml", "docx"),
    ("xl/workbook.xml", "an Excel workbook"),
    ("ppt/presentation.xml", "a PowerPoint file"),
    ("OFD.xml", "an OFD document"),
    ("content.xml", "an OpenDocument file"),
)


def hint_of(filename: str) -> str | None:
    """The kind a file name's extension promises, if any."""
    return HINTS.get(PurePath(filename).suffix.lower()) if filename else None


def _head_text(data: bytes) -> str:
    """The first few KB as text, only to look for markup."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data[:8192].decode("utf-16", errors="ignore")
    return data[:4096].decode("latin-1")


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if sum(item.file_size for item in archive.infolist()) > MAX_UNZIPPED:
                raise DocumentError("corrupt_file", f"the archive expands to over {MAX_UNZIPPED >> 20} MB (a zip bomb?)")
            if "word/document.xml" not in names and "[Content_Types].xml" in names:
                with archive.open("[Content_Types].xml") as part:
                    types = part.read(1 << 20)
                if b"wordprocessingml.document.main+xml" in types or b"ms-word.document.macroEnabled.main+xml" in types:
                    return "docx"  # the main part under another name: python-docx finds it through the package relationships
    except DocumentError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
        raise DocumentError("corrupt_file", f"a damaged zip archive (a Word file cut short?): {exc}") from None
    for name, kind in _ZIP_KINDS:
        if name in names:
            if kind == "docx":
                return kind
            raise DocumentError("unsupported_type", f"{kind}, not a Word document; save it as .docx or PDF")
    if any(name.startswith("word/") for name in names):
        raise DocumentError("corrupt_file", "a Word package without its main part (word/document.xml)")
    raise DocumentError("unsupported_type", "a zip archive that holds no Word document (word/document.xml)")


def sniff(data: bytes, filename: str = "") -> str:
    """``"pdf"``, ``"docx"``, ``"html"`` or ``"text"``; raises :class:`DocumentError` for what is none of them."""
    if not data.strip():
        raise DocumentError("empty_document", "the file is empty")
    hint = hint_of(filename)
    head = data[:1024]
    if head.lstrip(b"\x00\t\n\r\f ").startswith(b"%PDF-") or (hint == "pdf" and b"%PDF-" in head):
        kind = "pdf"
    elif data.startswith(b"PK"):
        kind = _zip_kind(data)
    else:
        if data.startswith(_OLE) and "EncryptedPackage".encode("utf-16-le") in data:
            raise DocumentError("encrypted_file", "a password-protected Office file: save it again without a password")
        for magic, what in _REFUSED:
            if data.startswith(magic):
                raise DocumentError("unsupported_type", f"{what}, not a PDF, Word, HTML or text file")
        if b"\x00" in data[:4096] and data[:2] not in (b"\xff\xfe", b"\xfe\xff"):
            if hint in ("pdf", "docx"):
                raise DocumentError("corrupt_file", f"named {filename!r} but it holds unknown binary data, no {hint.upper()}")
            raise DocumentError("unsupported_type", "binary data of an unknown format, not text")
        if _HTML_START.search(_head_text(data)) or (hint == "html" and _HTML_TAG.search(data[:65536])):
            kind = "html"
        else:
            kind = "text"
    if hint in ("pdf", "docx") and kind in ("html", "text"):
        raise DocumentError("corrupt_file", f"named {filename!r} but it holds {kind.upper()} content, no {hint.upper()} (a broken download?)")
    return kind
