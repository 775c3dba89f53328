"""File types from content, the name only a hint."""

from __future__ import annotations

import io
import zipfile

import pytest

from service.documents.errors import CODES, DocumentError
from service.documents.sniff import sniff


def _zip(*names: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return out.getvalue()


@pytest.mark.parametrize(
    "data, name, kind",
    [
        (b"%PDF-1.7\n...", "a.pdf", "pdf"),
        (b"%PDF-1.4\n...", "a.txt", "pdf"),  # content wins over a text name
        (b"\r\n%PDF-1.4\n...", "", "pdf"),
        (b"junk before the header %PDF-1.4\n", "a.pdf", "pdf"),  # viewers accept a header in the first KB
        (_zip("[Content_Types].xml", "word/document.xml"), "a.docx", "docx"),
        (_zip("[Content_Types].xml", "word/document.xml"), "", "docx"),
        (b"<!DOCTYPE html><html><body>x</body></html>", "page.txt", "html"),
        (b"\xef\xbb\xbf<html><head><meta charset=utf-8></head>", "", "html"),
        (b"  <HEAD><TITLE>x</TITLE></HEAD>", "", "html"),
        ("<p>开发区召开会议。</p>".encode(), "notice.html", "html"),  # a fragment: the name tips it
        ("<p>开发区召开会议。</p>".encode(), "notice.txt", "text"),
        ("开发区召开会议，研究部署<重点>工作。".encode("gbk"), "", "text"),
        ("开发区召开会议。".encode("utf-16"), "a.txt", "text"),
        ("<html>开发区</html>".encode("utf-16"), "", "html"),
    ],
)
def test_kind_from_content(data, name, kind):
    assert sniff(data, name) == kind


@pytest.mark.parametrize(
    "data, name, code",
    [
        (b"", "a.txt", "empty_document"),
        (b" \r\n\t ", "a.pdf", "empty_document"),
        ("开发区召开会议。".encode(), "a.pdf", "corrupt_file"),
        (b"<html><body>404</body></html>", "a.docx", "corrupt_file"),
        (bytes(range(256)), "a.docx", "corrupt_file"),
        (bytes(range(256)), "", "unsupported_type"),
        (b"PK\x03\x04 cut short", "a.docx", "corrupt_file"),
        (_zip("content.xml", "mimetype"), "a.odt", "unsupported_type"),
        (_zip("xl/workbook.xml"), "a.docx", "unsupported_type"),
        (_zip("notes.txt"), "a.zip", "unsupported_type"),
        (_zip("[Content_Types].xml", "word/styles.xml"), "a.docx", "corrupt_file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "a.doc", "unsupported_type"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64 + "EncryptedPackage".encode("utf-16-le"), "a.docx", "encrypted_file"),
        (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "scan.pdf", "unsupported_type"),
        (b"\xff\xd8\xff\xe0\0\x10JFIF", "", "unsupported_type"),
        (b"{\\rtf1\\ansi \\u24320?}", "a.rtf", "unsupported_type"),
    ],
)
def test_what_is_no_readable_document(data, name, code):
    with pytest.raises(DocumentError) as caught:
        sniff(data, name)
    assert caught.value.code == code and caught.value.code in CODES
    assert str(caught.value).startswith(code + ": ")


def test_error_codes_are_a_closed_set():
    with pytest.raises(ValueError):
        DocumentError("too_big", "no such code")
