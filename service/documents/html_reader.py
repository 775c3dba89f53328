"""Main text of a saved web page: decoded by its declared charset, extracted with trafilatura.

trafilatura drops navigation, scripts, share buttons and comments. Its XML output keeps
each heading as a ``<head rend="hN">`` element, so a page holding a whole bulletin keeps its
items' headlines (and their levels) as separate blocks. When trafilatura finds no main
text at all (a very short page, or markup it cannot score), a plain walk over the page's
blocks, without the usual page furniture, is used instead: a short notice is still text.
"""

from __future__ import annotations

import codecs
import functools
import re

from service.documents.errors import DocumentError
from service.documents.outline import Block
from service.text.encoding import DecodeError, decode

_DECLARED = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)|^\s*<\?xml[^>]{0,100}?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_GBK = {"gb2312", "gbk", "x-gbk", "gb_2312-80", "csgb2312", "euc-cn", "cp936", "gb18030"}
_WEAK = {"iso-8859-1", "latin1", "latin-1", "us-ascii", "ascii", "windows-1252", "cp1252"}  # mostly a wrong default on a Chinese page
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_FURNITURE = "//script|//style|//noscript|//template|//nav|//header|//footer|//aside|//form|//iframe|//svg|//button|//select|//comment()"
_FURNITURE_NAMES = re.compile(r"nav|menu|share|comment|footer|header|sidebar|breadcrumb|copyright|related|toolbar", re.I)
_HEADLINE_CLASS = re.compile(r"(?:^|[\s_-])(?:headline|news-?title|article-?title|title|tit)(?:$|[\s_-])", re.I)
_BLOCKS = {"p", "div", "li", "td", "th", "tr", "dd", "dt", "pre", "blockquote", "section", "article", "table", "ul", "ol", "br", "hr"}


def _declared(data: bytes) -> str | None:
    """The codec a page's ``<meta charset>``, ``http-equiv`` content type or XML declaration names, if Python knows it."""
    match = _DECLARED.search(data[:4096])
    label = (match.group(1) or match.group(2)).decode("ascii").lower() if match else ""
    if label in _WEAK or not label:
        return None
    codec = "gb18030" if label in _GBK else "utf-8" if label.startswith(("utf-16", "unicode")) else label  # as WHATWG reads a UTF-16 label in ASCII
    try:
        return codecs.lookup(codec).name
    except LookupError:
        return None


def decode_html(data: bytes) -> str:
    """The page as text: a BOM, else the declared charset, else UTF-8 or GB18030 by trying."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16", errors="replace")
    declared = _declared(data)
    if declared and declared != "utf-8":
        try:  # valid UTF-8 under another label: the label is stale (a page re-saved by an editor)
            return data.decode("utf-8") if not data.isascii() else data.decode(declared)
        except UnicodeDecodeError:
            pass
    if declared:
        try:
            return data.decode(declared)
        except UnicodeDecodeError:
            pass
    try:
        return decode(data)
    except DecodeError as exc:
        if declared:  # as a browser does: bad bytes of a declared charset become U+FFFD
            return data.decode(declared, errors="replace")
        # saved pages often carry a few stray bytes: take the reading with the fewest replaced characters, if they are few
        text = min((data.decode(codec, errors="replace") for codec in ("utf-8", "gb18030")), key=lambda t: t.count("\ufffd"))
        if text.count("\ufffd") <= max(3, len(text) // 200):
            return text
        raise DocumentError("undecodable", f"the page declares no charset and is not UTF-8 or GB18030: {exc}") from None


def _element_blocks(element) -> list[Block]:
    """Blocks of trafilatura's XML: headings with their level, paragraphs, list items, table rows."""
    blocks: list[Block] = []
    for child in element:
        tag = child.tag
        if tag == "head":
            rend = child.get("rend") or "h2"
            level = int(rend[1]) if re.fullmatch(r"h[1-6]", rend) else 2
            blocks.append(Block("".join(child.itertext()), level))
        elif tag in ("list", "table", "quote", "div") and len(child):
            if child.text and child.text.strip():
                blocks.append(Block(child.text))
            blocks.extend(_element_blocks(child))
        elif tag == "row":
            blocks.append(Block(" ".join("".join(cell.itertext()).strip() for cell in child)))
        elif tag != "graphic":
            for lb in child.iter("lb"):
                lb.tail = "\n" + (lb.tail or "")
            blocks.extend(Block(line) for line in "".join(child.itertext()).split("\n"))
    return blocks


@functools.cache
def _config():
    """trafilatura's settings, but for its minimum text size: below 250 characters it swaps its extraction for a
    dump of the whole page (menus and share buttons run into one paragraph), which breaks short bulletins and notices."""
    from trafilatura.settings import use_config

    config = use_config()
    config["DEFAULT"]["MIN_EXTRACTED_SIZE"] = "1"
    return config


def _trafilatura(markup: str) -> tuple[str | None, list[Block]]:
    import trafilatura
    from lxml import etree

    xml = trafilatura.extract(
        markup, output_format="xml", include_comments=False, include_tables=True, include_images=False, with_metadata=True, config=_config()
    )
    if not xml:
        return None, []
    root = etree.fromstring(xml.encode("utf-8"))
    main = root.find("main")
    if main is None:
        return root.get("title") or None, []
    blocks = [Block(main.text)] if main.text and main.text.strip() else []
    return root.get("title") or None, blocks + _element_blocks(main)


def _headline_level(node) -> int | None:
    """2 to 4 for a headline: ``<h1>``-``<h4>`` (h1 read as 2: a bulletin page often sets each item in h1), or an
    element whose class names a headline (``headline``, ``news-title``, ``title`` ...); None otherwise."""
    if not isinstance(node.tag, str):
        return None
    if re.fullmatch(r"h[1-4]", node.tag):
        return max(2, int(node.tag[1]))
    if node.tag in ("p", "div", "span", "strong", "b", "a") and _HEADLINE_CLASS.search(node.get("class", "")) and len(node.text_content().strip()) <= 80:
        return 2
    return None


def _fallback(markup: str, *, every_article: bool = False) -> tuple[str | None, list[Block]]:
    """Every block of the page's ``<article>``/``<main>`` (else ``<body>``) but for navigation, scripts, forms and comments;
    with ``every_article``, of the whole body, headline classes marked as headlines too."""
    import lxml.html

    try:
        tree = lxml.html.fromstring(markup)
    except Exception:  # lxml refuses a document with no elements
        return None, []
    title = tree.findtext(".//title")
    for node in tree.xpath(_FURNITURE):
        if node.getparent() is not None:  # the root itself may be a <header> in a fragment
            node.drop_tree()
    for node in tree.xpath("//*[@class or @id]"):
        if node.getparent() is not None and _FURNITURE_NAMES.search(f"{node.get('class', '')} {node.get('id', '')}"):
            node.drop_tree()
    root = ((tree.xpath("//body") if every_article else tree.xpath("//article|//main") or tree.xpath("//body")) or [tree])[0]
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        level = _headline_level(node) if every_article else (int(node.tag[1]) if re.fullmatch(r"h[1-6]", node.tag) else None)
        if level:
            node.text = f"\n\ue000{level}" + (node.text or "")
        if level or node.tag in _BLOCKS:
            node.tail = "\n" + (node.tail or "")
    blocks = [Block(line[2:], int(line[1])) if line.startswith("\ue000") else Block(line) for line in root.text_content().split("\n") if line.strip()]
    return _site_name_off(title), blocks


def _site_name_off(title: str | None) -> str | None:
    """A ``<title>`` without the site name after it (``标题_开发区要闻网``, ``标题 - 网站``)."""
    if not title or not title.strip():
        return None
    parts = re.split(r"\s+[-|–—]\s+|_|\|", title.strip())
    return parts[0].strip() if len(parts) > 1 and len(parts[0].strip()) >= 4 else title.strip()


def _headlined(blocks: list[Block]) -> int:
    """How many headlines of ``blocks`` have text after them before the next headline."""
    count, pending = 0, False
    for block in blocks:
        if block.level:
            pending = True
        elif pending and len(block.text.strip()) >= 20:
            count, pending = count + 1, False
    return count


def read_html(data: bytes) -> tuple[str | None, list[Block]]:
    """The page title and the main text's blocks.

    trafilatura keeps one main block of text; a page of several articles (each headline an
    ``<h2>``, a headline class, or its own ``<article>``) loses all but one. When the whole
    page holds more headlined articles than trafilatura's extract, the page's own blocks are
    read instead, so that it is split at its headlines.
    """
    markup = _XML_DECLARATION.sub("", decode_html(data), count=1)
    title, blocks = _trafilatura(markup)
    whole_title, whole = _fallback(markup, every_article=True)
    if _headlined(whole) >= 2 and _headlined(whole) > _headlined(blocks):
        title, blocks = title or whole_title, whole
    if not any(block.text.strip() for block in blocks):
        fallback_title, blocks = _fallback(markup)
        title = title or fallback_title
    if not title:
        title = next((block.text.strip() for block in blocks if block.level == 1 and block.text.strip()), None)
    return title, blocks
