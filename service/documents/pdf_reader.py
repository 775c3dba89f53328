"""Text of a PDF, read with PDFium through pypdfium2 (Apache-2.0 / BSD-3; pdfplumber depends on it too).

PDFium gives each page's lines with their boxes from C: the seed bulletin as a PDF reads in
about 8 ms, where pdfminer.six's layout analysis takes about 85 ms and pdfplumber's
``extract_words`` about 190 ms. :mod:`service.documents.pdf_layout` turns the lines into paragraphs.
"""

from __future__ import annotations

import ctypes
import re
import threading

from service.documents.errors import DocumentError
from service.documents.pdf_layout import Line, clean_line, drop_running_lines, paragraphs, reading_order, to_text

_LOCK = threading.Lock()  # PDFium is not thread-safe: one document at a time per process
_LINE = re.compile(r"[^\r\n]+")
_UNREADABLE = re.compile("[\ufffd\ue000-\uf8ff\x00-\x08\x0e-\x1f]")


def _utf16_offsets(text: str) -> list[int] | None:
    """UTF-16 offset of each character when the text holds characters outside the BMP (PDFium counts in UTF-16)."""
    if len(text.encode("utf-16-le")) == 2 * len(text):
        return None
    out, pos = [], 0
    for char in text:
        out.append(pos)
        pos += 2 if ord(char) > 0xFFFF else 1
    out.append(pos)
    return out


def _segments(textpage, first: int, last: int, size: float) -> list[tuple[float, float, float, float]]:
    """Boxes (left, bottom, right, top) of a line's runs, runs closer than a gutter merged."""
    rects = sorted((textpage.get_rect(k) for k in range(textpage.count_rects(first, last - first + 1))), key=lambda r: r[0])
    boxes: list[list[float]] = []
    for left, bottom, right, top in rects:
        box = boxes[-1] if boxes else None
        if box and left - box[2] < 1.5 * size and bottom < box[3] and top > box[1]:
            box[1], box[2], box[3] = min(box[1], bottom), max(box[2], right), max(box[3], top)
        else:
            boxes.append([left, bottom, right, top])
    return [tuple(box) for box in boxes]


def _page_lines(textpage, raw, height: float, page: int) -> list[Line]:
    """The page's lines with their boxes; a line PDFium ran across a gutter is cut at the gap."""
    text = textpage.get_text_range()
    offsets = _utf16_offsets(text)
    same = (offsets[-1] if offsets else len(text)) == textpage.count_chars()  # text and char indices agree (nothing inserted or dropped)
    lines: list[Line] = []
    origin = (ctypes.c_double(), ctypes.c_double())
    for match in _LINE.finditer(text):
        if not match.group().strip():
            continue
        start, end = (offsets[match.start()], offsets[match.end()]) if offsets else match.span()
        if same:
            first, last = start, end - 1
        else:
            first = raw.FPDFText_GetCharIndexFromTextIndex(textpage, start)
            last = raw.FPDFText_GetCharIndexFromTextIndex(textpage, end - 1)
        if first < 0 or last < first:
            continue
        size = raw.FPDFText_GetFontSize(textpage, first) or 10.0
        has_origin = raw.FPDFText_GetCharOrigin(textpage, first, *origin)
        boxes = _segments(textpage, first, last, size)
        for n, (left, bottom, right, top) in enumerate(boxes):
            words = clean_line(match.group() if len(boxes) == 1 else textpage.get_text_bounded(left, bottom, right, top))
            if not words:
                continue
            if has_origin:  # the baseline, not the glyph boxes: "。" alone on a line sits as low as a full line
                base = height - origin[1].value
                lines.append(Line(words, origin[0].value if n == 0 else left, right, base - 0.85 * size, base + 0.15 * size, size, page))
            else:
                lines.append(Line(words, left, right, height - top, height - bottom, size, page))
    return lines


def _scanned(data: bytes) -> bool:
    """True when a page of the PDF holds an image (asked only of a PDF that gave no text)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    document = pdfium.PdfDocument(data)
    try:
        for number in range(len(document)):
            page = document[number]
            try:
                if any(True for _ in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE], max_depth=3)):
                    return True
            finally:
                page.close()
    finally:
        document.close()
    return False


def _open(data: bytes):
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    try:
        return pdfium.PdfDocument(data), raw
    except pdfium.PdfiumError as exc:
        if exc.err_code == raw.FPDF_ERR_PASSWORD:
            raise DocumentError("encrypted_file", "the PDF is protected by a password") from None
        if exc.err_code == raw.FPDF_ERR_SECURITY:
            raise DocumentError("encrypted_file", "the PDF uses an unsupported encryption (security handler)") from None
        raise DocumentError("corrupt_file", f"the PDF cannot be opened: {exc}") from None


def _read_pages(data: bytes) -> tuple[list[list[Line]], list[float], int]:
    """Lines and height of each page, and the number of pages that failed to load."""
    import pypdfium2 as pdfium

    document, raw = _open(data)
    pages: list[list[Line]] = []
    heights: list[float] = []
    failed = 0
    try:
        for number in range(len(document)):
            try:
                page = document[number]
            except pdfium.PdfiumError:
                failed += 1
                continue
            try:
                height = page.get_height()
                textpage = page.get_textpage()
                try:
                    lines = _page_lines(textpage, raw, height, number)
                finally:
                    textpage.close()
                pages.append(lines)
                heights.append(height)
            except pdfium.PdfiumError:
                failed += 1
            finally:
                page.close()
    finally:
        document.close()
    return pages, heights, failed


def _locked(function, data: bytes):
    """``function(data)`` under the PDFium lock, any failure of a damaged file reported as ``corrupt_file``."""
    with _LOCK:
        try:
            return function(data)
        except DocumentError:
            raise
        except Exception as exc:  # PDFium or ctypes trouble on a damaged file: report, never a traceback
            raise DocumentError("corrupt_file", f"the PDF cannot be read: {type(exc).__name__}: {exc}") from None


def read_pdf(data: bytes) -> str:
    """The PDF's text: paragraphs one a line, a blank line before headlines set in a larger font."""
    pages, heights, failed = _locked(_read_pages, data)
    if not pages:
        raise DocumentError("corrupt_file" if failed else "empty_document", f"the PDF has {'no readable' if failed else 'no'} pages")
    lines = [line for page in drop_running_lines(pages, heights) for line in reading_order(page)]
    chars = "".join(line.text for line in lines)
    if not chars and _locked(_scanned, data):  # a scan: read its page images
        from service.documents.ocr import ocr_pages, render_pages

        images, heights = _locked(render_pages, data)
        lines = [line for page in drop_running_lines(ocr_pages(images), heights) for line in reading_order(page)]
        chars = "".join(line.text for line in lines)
        if not chars:
            raise DocumentError("no_text_layer", "the PDF holds only images and OCR read no text in them (a blank or unreadable scan)")
    if not chars:
        raise DocumentError("empty_document", f"the PDF's {len(pages)} page(s) hold no text")
    if len(_UNREADABLE.findall(chars)) > len(chars) / 2:
        raise DocumentError("undecodable", "the PDF's fonts map its glyphs to no readable characters (no ToUnicode table)")
    return to_text(paragraphs(lines))
