"""Scanned bulletins: the seed printed to a PDF, its pages rendered to images, an image-only PDF made
of them (no text layer), and read back by OCR: its eight articles, their text and their themes."""

from __future__ import annotations

import difflib
import functools
import io
import os
import shutil

import pytest

from service.analyzer import Analyzer
from service.documents import DocumentError, articles, read_document
from tests.service.documents.make_files import PdfLayout, bulletin_pdf, reference, seed, seed_paragraphs

pytestmark = pytest.mark.slow

# CI installs Tesseract (.ci/run): there a missing one fails the test; elsewhere it skips, saying how to install it.
needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None and not os.environ.get("CI"), reason="Tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-chi-sim)"
)


def scanned(pdf: bytes, dpi: int = 300) -> bytes:
    """Each page of ``pdf`` rendered to a grayscale image, saved as an image-only PDF (a scan)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    images = [document[n].render(scale=dpi / 72, grayscale=True).to_pil() for n in range(len(document))]
    document.close()
    out = io.BytesIO()
    images[0].save(out, format="PDF", save_all=True, append_images=images[1:], resolution=dpi)
    return out.getvalue()


@functools.cache
def scanned_seed() -> bytes:
    return scanned(bulletin_pdf(seed_paragraphs(seed()), PdfLayout(page_number="- {n} -")))


def accuracy(found: str, expected: str) -> float:
    """Share of the expected characters that OCR gave, in order (matching blocks of the two texts)."""
    blocks = difflib.SequenceMatcher(None, expected, found, autojunk=False).get_matching_blocks()
    return sum(b.size for b in blocks) / len(expected)


def test_a_scan_has_no_text_layer_of_its_own():
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(scanned_seed())
    assert len(document) >= 3 and all(not document[n].get_textpage().get_text_range().strip() for n in range(len(document)))


@needs_tesseract
def test_a_scanned_bulletin_gives_its_articles_text_and_themes(shipped_model):
    document = read_document(scanned_seed(), "scan.pdf")
    found, expected = articles(document), list(reference())
    assert document.kind == "pdf" and len(found) == len(expected) == 8
    assert accuracy("".join(a.title + a.text for a in found), "".join(a.title + a.text for a in expected)) >= 0.97
    for got, want in zip(found, expected):  # each article is its own: no two run together, none cut in two
        assert accuracy(got.title + got.text, want.title + want.text) >= 0.93, want.title
    themes = [r["theme"] for r in Analyzer(shipped_model).analyze_many([(a.title, a.text) for a in found])]
    assert themes == [r["theme"] for r in Analyzer(shipped_model).analyze_many([(a.title, a.text) for a in expected])]


def test_without_tesseract_a_scan_says_how_to_install_it(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(DocumentError) as caught:
        read_document(scanned_seed(), "scan.pdf")
    assert caught.value.code == "ocr_unavailable" and "apt-get install tesseract-ocr tesseract-ocr-chi-sim" in caught.value.message
