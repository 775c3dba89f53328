"""PDFs made here with fpdf2 and the WenQuanYi font: the seed as a bulletin, two columns, broken and locked files."""

from __future__ import annotations

import functools

import pytest

from service.documents import DocumentError, articles, read_document
from service.text.patterns import TERMINAL
from tests.service.documents.make_files import (
    HEADER,
    PdfLayout,
    analysis,
    bulletin_pdf,
    encrypted_pdf,
    image_pdf,
    reference,
    seed,
    seed_paragraphs,
    two_column_pdf,
)

A3 = {"width": 841.89, "height": 1190.55, "bottom": 1130.0}
LAYOUTS = {
    # A4, larger headlines, indented paragraphs with space between them
    "a4-indented": {"page_number": "- {n} -"},
    # two A3 pages, headlines in the body size, no indent: only the space between paragraphs marks them
    "a3-two-pages": {**A3, "size": 9.0, "title_size": 9.0, "leading": 1.5, "paragraph_gap": 0.5, "indent": 0, "page_number": "第{n}页"},
    # A4, indented paragraphs set solid (no space between them), headlines in the body size
    "a4-solid": {"size": 10.5, "title_size": 10.5, "paragraph_gap": 0.0, "page_number": "{n}"},
}


@functools.cache
def seed_pdf(name: str) -> tuple[bytes, PdfLayout]:
    layout = PdfLayout(**LAYOUTS[name])
    return bulletin_pdf(seed_paragraphs(seed()), layout), layout


def _breaks_inside_words(layout: PdfLayout) -> int:
    """Page breaks that fall inside a paragraph, between two characters of running text."""
    return sum(1 for page in layout.pages[:-1] if page[-1][-1] not in TERMINAL + "）”")


@pytest.mark.parametrize("name", LAYOUTS)
def test_seed_bulletin_pdf_gives_the_seed_articles(name):
    data, layout = seed_pdf(name)
    assert len(layout.pages) >= 2 and _breaks_inside_words(layout) >= 1
    document = read_document(data, "bulletin.pdf")
    assert document.kind == "pdf" and document.title is None
    assert articles(document) == list(reference())


def test_two_page_layout_is_two_pages_broken_inside_a_word():
    _, layout = seed_pdf("a3-two-pages")
    assert len(layout.pages) == 2
    assert layout.pages[0][-1].endswith("等7个") and layout.pages[1][0].startswith("大项目")


def test_running_header_page_numbers_and_line_breaks_are_gone():
    data, layout = seed_pdf("a4-indented")
    text = read_document(data).text
    assert HEADER not in text and "- 2 -" not in text
    assert "通过“产业链招商、人才链招商”" in text  # the seed's own page-break damage, never in the PDF either
    paragraphs = {p for a in reference() for p in [a.title, *a.text.split("\n\n")]}
    assert all(line in paragraphs or line in " ".join(paragraphs) for line in text.split("\n") if line)
    for upper, lower in zip(layout.pages, layout.pages[1:]):  # each page break is closed up
        assert upper[-1][-4:] + lower[0][:4] in text.replace("\n", "")


def test_seed_pdf_themes_and_summaries_equal_the_texts(shipped_model):
    data, _ = seed_pdf("a3-two-pages")
    assert analysis(shipped_model, articles(read_document(data))) == analysis(shipped_model, list(reference()))


def test_two_column_pages_read_column_by_column():
    wanted = list(reference())[3:5]
    layout = PdfLayout(columns=2, paragraph_gap=0.0, bottom=420.0)
    data = two_column_pdf([(a.title, a.text.split("\n\n")) for a in wanted], layout)
    first_column_end = "接下来对接要素配套等相关事宜。"  # a full line that ends a sentence, then column 2 goes on
    assert any(line.endswith(first_column_end) for line in layout.pages[0])
    document = read_document(data, "columns.pdf")
    assert f"{first_column_end}第二，抓实以商招商。" in document.text
    assert articles(document) == wanted


def test_encrypted_pdf_with_a_user_password():
    with pytest.raises(DocumentError) as caught:
        read_document(encrypted_pdf("加密的开发区要闻。"), "locked.pdf")
    assert caught.value.code == "encrypted_file"


def test_pdf_encrypted_with_an_empty_user_password_is_read():
    from fpdf import FPDF

    from tests.service.documents.make_files import require_font

    pdf = FPDF()
    pdf.add_font("wqy", fname=str(require_font()))
    pdf.set_font("wqy", size=12)
    pdf.set_encryption(owner_password="owner")  # no user password: viewers open it without asking
    pdf.add_page()
    pdf.multi_cell(0, 8, "开发区召开项目推进会，部署四季度重点工作。")
    assert read_document(bytes(pdf.output())).text == "开发区召开项目推进会，部署四季度重点工作。"


@pytest.mark.parametrize("numbered", [False, True])
def test_scanned_pdf_has_no_text_layer(numbered):
    with pytest.raises(DocumentError) as caught:
        read_document(image_pdf(numbered=numbered), "scan.pdf")  # a stamped page number is no text layer
    assert caught.value.code == "no_text_layer"


def test_blank_pdf_is_empty():
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    with pytest.raises(DocumentError) as caught:
        read_document(bytes(pdf.output()), "blank.pdf")
    assert caught.value.code == "empty_document"


@pytest.mark.parametrize("fraction", [0.02, 0.3, 0.6, 0.95, 0.999])
def test_truncated_pdf_is_corrupt(fraction):
    data, _ = seed_pdf("a4-indented")
    with pytest.raises(DocumentError) as caught:
        read_document(data[: int(len(data) * fraction)], "cut.pdf")
    assert caught.value.code == "corrupt_file"


def test_pdf_header_then_garbage_is_corrupt():
    with pytest.raises(DocumentError) as caught:
        read_document(b"%PDF-1.7\n" + bytes(range(1, 256)) * 40, "x.pdf")
    assert caught.value.code == "corrupt_file"


@pytest.mark.parametrize("content", ["开发区召开项目推进会。".encode(), b"<html><body><h1>404 Not Found</h1></body></html>"])
def test_pdf_name_holding_text_or_a_web_page_is_a_broken_file(content):
    """Decided: a .pdf that holds text is a failed download more often than a bulletin, so it is reported."""
    with pytest.raises(DocumentError) as caught:
        read_document(content, "bulletin.pdf")
    assert caught.value.code == "corrupt_file" and "bulletin.pdf" in caught.value.message


def test_pdf_content_wins_over_a_text_name():
    data, _ = seed_pdf("a4-solid")
    assert read_document(data, "bulletin.txt").kind == "pdf"


def test_threads_read_pdfs_at_once():
    """PDFium is not thread-safe; the reader serialises it, so a threaded server may call it freely."""
    from concurrent.futures import ThreadPoolExecutor

    data, _ = seed_pdf("a3-two-pages")
    with ThreadPoolExecutor(4) as pool:
        texts = set(pool.map(lambda _: read_document(data).text, range(12)))
    assert len(texts) == 1
