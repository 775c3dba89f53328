"""Build the test documents (PDF, DOCX, HTML) in memory from the seed's articles; nothing is downloaded or committed."""

from __future__ import annotations

import functools
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from service.text.bulletin import Article, _is_title_line, split_bulletin
from service.text.prepare import prepare
from tests.conftest import SEED

FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
HEADER = "开发区要闻 2024年第10期"


def require_font() -> Path:
    """The CJK font file: skips when it is missing, fails instead when ``CI`` is set."""
    if FONT.is_file():
        return FONT
    reason = f"{FONT} is missing: install Debian's fonts-wqy-microhei to build the CJK test PDFs"
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def seed_paragraphs(seed_text: str) -> list[tuple[bool, str]]:
    """(is a headline, text) for each paragraph of the prepared seed, its page-break damage repaired."""
    return [(_is_title_line(p), p.strip()) for p in prepare(seed_text).split("\n\n") if p.strip()]


def seed_sections(seed_text: str) -> list[tuple[list[str], list[str]]]:
    """(headline lines, body paragraphs) of each seed article, the headline lines as the seed sets them."""
    paragraphs = [p.strip() for p in prepare(seed_text).split("\n\n") if p.strip()]
    out, k = [], 0
    for article in split_bulletin(seed_text):
        headlines: list[str] = []
        while " ".join(headlines) != article.title:
            headlines.append(paragraphs[k])
            k += 1
        body = article.text.split("\n\n")
        assert paragraphs[k : k + len(body)] == body
        out.append((headlines, body))
        k += len(body)
    return out


# --- PDF -----------------------------------------------------------------------------------------


@dataclass
class PdfLayout:
    """Geometry of a generated PDF page, in points (A4)."""

    width: float = 595.28
    height: float = 841.89
    margin: float = 56.0
    top: float = 84.0  # first baseline of the body
    bottom: float = 780.0  # no body baseline below this
    size: float = 10.5
    title_size: float = 13.0
    leading: float = 1.6  # line pitch / font size
    paragraph_gap: float = 0.6  # extra space before a paragraph, in lines; 0 for none
    indent: int = 2  # characters of first-line indent of a body paragraph
    columns: int = 1
    gutter: float = 24.0
    header: str | None = HEADER
    page_number: str | None = "- {n} -"
    pages: list[list[str]] = field(default_factory=list)  # the body lines of each page, for the tests


class _PdfWriter:
    def __init__(self, layout: PdfLayout) -> None:
        from fpdf import FPDF

        self.layout = layout
        self.pdf = FPDF(unit="pt", format=(layout.width, layout.height))
        self.pdf.set_auto_page_break(False)
        self.pdf.add_font("wqy", fname=str(require_font()), collection_font_number=0)
        self.widths: dict[tuple[str, float], float] = {}
        self.page = 0
        self.column = 0
        self.y = 0.0

    def width_of(self, char: str, size: float) -> float:
        key = (char, size)
        if key not in self.widths:
            self.pdf.set_font("wqy", size=size)
            self.widths[key] = self.pdf.get_string_width(char)
        return self.widths[key]

    def column_box(self) -> tuple[float, float]:
        lay = self.layout
        full = lay.width - 2 * lay.margin
        col = (full - (lay.columns - 1) * lay.gutter) / lay.columns
        left = lay.margin + self.column * (col + lay.gutter)
        return left, col

    def new_page(self) -> None:
        lay = self.layout
        self.pdf.add_page()
        self.page += 1
        lay.pages.append([])
        self.column, self.y = 0, lay.top
        self.pdf.set_font("wqy", size=9)
        if lay.header:
            self.pdf.text(lay.margin, 48, lay.header)
            self.pdf.line(lay.margin, 54, lay.width - lay.margin, 54)
        if lay.page_number:
            label = lay.page_number.format(n=self.page)
            self.pdf.text((lay.width - self.pdf.get_string_width(label)) / 2, lay.height - 36, label)

    def wrap(self, text: str, size: float, width: float, indent: float) -> list[str]:
        lines, line, used = [], "", indent
        for char in text:
            w = self.width_of(char, size)
            if line and used + w > width:
                lines.append(line)
                line, used = "", 0.0
            line += char
            used += w
        if line:
            lines.append(line)
        return lines

    def paragraph(self, text: str, *, title: bool = False, span: bool = False) -> None:
        """Lay a paragraph out line by line, breaking inside words, onto as many pages as it needs."""
        lay = self.layout
        size = lay.title_size if title else lay.size
        pitch = size * lay.leading
        indent = 0.0 if title else lay.indent * size
        if self.page == 0:
            self.new_page()
        left, width = (lay.margin, lay.width - 2 * lay.margin) if span else self.column_box()
        gap = lay.paragraph_gap * pitch if self.y > lay.top else 0.0
        self.y += gap
        for i, line in enumerate(self.wrap(text, size, width, indent)):
            if self.y > lay.bottom:
                if self.column + 1 < lay.columns:
                    self.column, self.y = self.column + 1, lay.top
                else:
                    self.new_page()
                left, width = (lay.margin, lay.width - 2 * lay.margin) if span else self.column_box()
            self.pdf.set_font("wqy", size=size)
            self.pdf.text(left + (indent if i == 0 else 0.0), self.y, line)
            lay.pages[-1].append(line)
            self.y += pitch

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def bulletin_pdf(paragraphs: list[tuple[bool, str]], layout: PdfLayout | None = None) -> bytes:
    """A PDF of (is a headline, text) paragraphs: running header, page numbers, lines wrapped inside words."""
    writer = _PdfWriter(layout or PdfLayout())
    for title, text in paragraphs:
        writer.paragraph(text, title=title)
    return writer.output()


def two_column_pdf(sections: list[tuple[str, list[str]]], layout: PdfLayout | None = None) -> bytes:
    """A page for each (headline, paragraphs): the headline across the page, the body down column 1 and on into column 2."""
    layout = layout or PdfLayout(columns=2, paragraph_gap=0.0, bottom=420.0)
    writer = _PdfWriter(layout)
    first_top = layout.top
    for title, paragraphs in sections:
        layout.top = first_top
        writer.new_page()
        writer.paragraph(title, title=True, span=True)
        layout.top = writer.y + 8  # the columns start below the headline
        writer.y = layout.top
        for text in paragraphs:
            writer.paragraph(text)
    return writer.output()


def encrypted_pdf(text: str, user_password: str = "secret") -> bytes:
    """A PDF that needs ``user_password`` to open (RC4, 128 bits: fpdf2's AES needs the cryptography package)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("wqy", fname=str(require_font()))
    pdf.set_font("wqy", size=12)
    pdf.set_encryption(owner_password="owner", user_password=user_password)
    pdf.add_page()
    pdf.multi_cell(0, 8, text)
    return bytes(pdf.output())


def image_pdf(pages: int = 2, *, numbered: bool = False) -> bytes:
    """A "scanned" PDF: each page one image, no text layer (but for a stamped page number if ``numbered``)."""
    from fpdf import FPDF
    from PIL import Image, ImageDraw

    pdf = FPDF()
    for n in range(pages):
        image = Image.new("L", (400, 560), 255)
        draw = ImageDraw.Draw(image)
        for row in range(20, 540, 18):
            draw.rectangle((30, row, 370 - (row * 7 + n * 13) % 90, row + 9), fill=40)
        pdf.add_page()
        pdf.image(image, x=10, y=10, w=190)
        if numbered:
            pdf.set_font("helvetica", size=9)
            pdf.text(100, 290, f"- {n + 1} -")
    return bytes(pdf.output())


# --- DOCX ----------------------------------------------------------------------------------------


def bulletin_docx(
    sections: list[tuple[list[str], list[str]]], *, doc_title: str | None = None, heading_style: str = "Heading 1", subheading_style: str | None = "Heading 2"
) -> bytes:
    """A Word file: for each (headline lines, body paragraphs), the headlines in ``heading_style`` then the body,
    its short headline-like paragraphs (sub-headings) in ``subheading_style``."""
    import docx
    from docx.enum.style import WD_STYLE_TYPE

    document = docx.Document()
    names = {style.name for style in document.styles}
    for name in (heading_style, subheading_style):
        if name and name not in names:  # a style named as WPS names it (标题 1), based on nothing
            document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if doc_title:
        document.add_paragraph(doc_title, style="Title")
    for headlines, body in sections:
        for line in headlines:
            document.add_paragraph(line, style=heading_style)
        for text in body:
            sub = subheading_style and _is_title_line(text) and not text.startswith("（")
            document.add_paragraph(text, style=subheading_style if sub else None)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --- HTML ----------------------------------------------------------------------------------------

_PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<meta charset="{charset}">
<title>{title} - 开发区要闻网</title>
<script>var _hmt = _hmt || []; document.write("统计代码，不是正文");</script>
<style>.nav {{ color: red; }}</style>
</head>
<body>
<div class="header"><a href="/">首页</a> | <a href="/news">要闻</a> | <a href="/policy">政策</a> | <a href="/about">关于我们</a></div>
<ul class="nav"><li><a href="/a">开发区动态</a></li><li><a href="/b">招商引资</a></li><li><a href="/c">人才工作</a></li></ul>
<div class="main"><article>
{body}
</article></div>
<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a> <a href="#">QQ空间</a></div>
<div id="comments" class="comments"><h3>网友评论</h3>
<div class="comment"><p>网友甲：写得好，点赞！</p></div><div class="comment"><p>网友乙：希望多报道我们县。</p></div></div>
<div class="footer"><p>版权所有 开发区要闻网 备案号：晋ICP备00000000号</p></div>
</body>
</html>
"""


def article_html(title: str, paragraphs: list[str], *, charset: str = "gbk") -> bytes:
    """A saved news page holding one article, encoded in ``charset``, with navigation, script, share buttons and comments."""
    body = f"<h1>{title}</h1>\n" + "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return _PAGE.format(charset=charset, title=title, body=body).encode(charset)


def bulletin_html(sections: list[tuple[str, list[str]]], *, page_title: str = HEADER, charset: str = "utf-8") -> bytes:
    """A page holding a whole bulletin: each article an ``<h2>`` headline and its paragraphs."""
    body = f"<h1>{page_title}</h1>\n" + "\n".join(f"<h2>{t}</h2>\n" + "\n".join(f"<p>{p}</p>" for p in ps) for t, ps in sections)
    return _PAGE.format(charset=charset, title=page_title, body=body).encode(charset)


# --- the seed, and its analysis as text -----------------------------------------------------------


@functools.cache
def seed() -> str:
    return SEED.read_text(encoding="utf-8")


@functools.cache
def reference() -> tuple[Article, ...]:
    """The seed's articles as split_bulletin reads the text file: what every format must give."""
    return tuple(split_bulletin(seed()))


def analysis(model, found: list[Article]) -> list[tuple]:
    """Theme, themes and summary of each article, as the service answers them."""
    from service.analyzer import Analyzer

    results = Analyzer(model).analyze_many([(a.title, a.text) for a in found])
    return [(r["theme"], r["themes"], r["summary"]) for r in results]
