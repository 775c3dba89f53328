"""Scanned PDFs: each page rendered by PDFium and read by Tesseract (simplified Chinese).

Tesseract gives every word with its box; words are grouped into its lines, and the lines,
in PDF points, go through the same layout rules as a PDF's text layer
(:mod:`service.documents.pdf_layout`): reading order, running headers out, paragraphs and
words broken across lines and pages joined again, headlines known by their larger type.
Tesseract runs as a program (Debian's ``tesseract-ocr`` and ``tesseract-ocr-chi-sim``);
without it a scan is answered ``ocr_unavailable`` with how to install it.
"""

from __future__ import annotations

import os
import re
from statistics import median

from service.documents.errors import DocumentError
from service.documents.pdf_layout import Line

DPI = 300
LANGUAGES = "chi_sim+eng"
INSTALL = "install Tesseract with its simplified-Chinese data (Debian: apt-get install tesseract-ocr tesseract-ocr-chi-sim)"
_LATIN_EDGE = re.compile(r"[A-Za-z0-9%.,]")
_CONTENT = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
_CJK = "\u4e00-\u9fff“”‘’（）《》，。、；：？！"
_HALF = str.maketrans({";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）", ",": "，"})
_HALF_NEAR_CJK = re.compile(f"(?<=[{_CJK}])[;:?!(),]|[;:?!(),](?=[{_CJK}])")


def fullwidth(text: str) -> str:
    """Punctuation Tesseract gives half-width (``;`` ``:`` ``(`` ...) as Chinese text has it, next to Chinese characters."""
    return _HALF_NEAR_CJK.sub(lambda m: m.group().translate(_HALF), text)


def _join_words(words: list[str]) -> str:
    """Tesseract's words of one line as text: a space only between two Latin words or numbers."""
    out = ""
    for word in words:
        if out and _LATIN_EDGE.match(out[-1]) and _LATIN_EDGE.match(word[0]):
            out += " "
        out += word
    return out


def page_lines(image, page: int, scale: float) -> list[Line]:
    """The lines Tesseract reads on one page image, in PDF points (pixels / ``scale``)."""
    import pytesseract

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # Tesseract's own threads only slow a page down on a busy machine
    try:
        data = pytesseract.image_to_data(image, lang=LANGUAGES, config="--psm 3", output_type=pytesseract.Output.DICT)
    except pytesseract.TesseractNotFoundError:
        raise DocumentError("ocr_unavailable", f"the PDF is a scan and reading it needs OCR: {INSTALL}") from None
    except pytesseract.TesseractError as exc:
        raise DocumentError("ocr_unavailable", f"Tesseract cannot read the scan ({exc.message.strip()}): {INSTALL}") from None
    grouped: dict[tuple[int, int, int], list[int]] = {}
    for i, text in enumerate(data["text"]):
        if text.strip():
            grouped.setdefault((data["block_num"][i], data["par_num"][i], data["line_num"][i]), []).append(i)
    lines = []
    heights = [data["height"][i] for members in grouped.values() for i in members]
    body = median(heights) if heights else 0
    for members in grouped.values():
        left = min(data["left"][i] for i in members)
        right = max(data["left"][i] + data["width"][i] for i in members)
        top = min(data["top"][i] for i in members)
        bottom = max(data["top"][i] + data["height"][i] for i in members)
        size = median(data["height"][i] for i in members)
        text = fullwidth(_join_words([data["text"][i].strip() for i in members]))
        if size < body / 2 or not _CONTENT.search(text):  # specks and stray marks, not text
            continue
        lines.append(Line(text, left / scale, right / scale, top / scale, bottom / scale, size / scale, page))
    return lines


def render_pages(data: bytes) -> tuple[list, list[float]]:
    """Each page of the PDF as a grayscale image at :data:`DPI`, and its height in points (call under the PDFium lock)."""
    from service.documents.pdf_reader import _open

    document, _ = _open(data)
    images, heights = [], []
    try:
        for number in range(len(document)):
            page = document[number]
            try:
                images.append(page.render(scale=DPI / 72, grayscale=True).to_pil())
                heights.append(page.get_height())
            finally:
                page.close()
    finally:
        document.close()
    return images, heights


def ocr_pages(images: list) -> list[list[Line]]:
    """The lines of each rendered page (Tesseract runs outside the PDFium lock)."""
    return [page_lines(image, number, DPI / 72) for number, image in enumerate(images)]
