"""Paragraphs of a Word (.docx) file with their heading levels, read with python-docx.

python-docx opens the package and resolves styles; the paragraphs are walked in the XML
itself, in document order, so that table cells, text boxes and tracked insertions are
read too, and deleted text and the fallback copies of text boxes are not.
"""

from __future__ import annotations

import io
import re

from lxml import etree

from service.documents.errors import DocumentError
from service.documents.outline import Block

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
NS = {"w": W, "mc": MC}
_HEADING = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.I)
_TITLE = re.compile(r"^(?:title|subtitle|标题|副标题)$", re.I)
_OUTLINE = etree.XPath("./w:pPr/w:outlineLvl/@w:val", namespaces=NS)
_DEPTH = etree.XPath("count(ancestor::w:p)", namespaces=NS)
_IN_FALLBACK = etree.XPath("boolean(ancestor::mc:Fallback)", namespaces=NS)
_TEXT_TAGS = {f"{{{W}}}t": None, f"{{{W}}}tab": " ", f"{{{W}}}br": "\n", f"{{{W}}}cr": "\n", f"{{{W}}}noBreakHyphen": "-"}


def _outline_level(element) -> int | None:
    """Heading level from a ``w:outlineLvl`` (0-8; 9 means body text), if set."""
    found = _OUTLINE(element)
    if found and found[0].isdigit() and int(found[0]) < 9:
        return int(found[0]) + 1
    return None


def _style_levels(styles) -> dict[str, int]:
    """Heading level of each paragraph style that is, or is based on, a heading or title style (one pass over styles.xml)."""
    table: dict[str, tuple[str, str | None, int | None]] = {}
    for style in styles.iterchildren(f"{{{W}}}style"):
        name = style.find(f"{{{W}}}name")
        based = style.find(f"{{{W}}}basedOn")
        table[style.get(f"{{{W}}}styleId", "")] = (
            (name.get(f"{{{W}}}val", "") if name is not None else "").strip(),
            based.get(f"{{{W}}}val") if based is not None else None,
            _outline_level(style),
        )
    levels: dict[str, int] = {}
    for style_id in table:
        current: str | None = style_id
        for _ in range(8):  # basedOn chains are short; a cycle stops here
            if current not in table:
                break
            name, based, outline = table[current]
            match = _HEADING.match(name)
            level = int(match.group(1)) if match else 0 if _TITLE.match(name) else outline
            if level is not None:
                levels[style_id] = level
                break
            current = based
    return levels


def _paragraph_text(paragraph, nested: bool) -> str:
    """A ``w:p``'s own text (not that of text boxes anchored in it)."""
    depth = int(_DEPTH(paragraph)) + 1 if nested else 0
    parts = []
    for node in paragraph.iter(*_TEXT_TAGS):
        if nested and int(_DEPTH(node)) != depth:
            continue
        mark = _TEXT_TAGS[node.tag]
        parts.append((node.text or "") if mark is None else mark)
    return "".join(parts)


def read_docx(data: bytes) -> list[Block]:
    """Blocks of a .docx in document order; raises :class:`DocumentError` for a damaged file."""
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
        levels = _style_levels(document.styles.element)
    except Exception as exc:  # zipfile, lxml and python-docx errors alike: the package is broken
        raise DocumentError("corrupt_file", f"the Word file cannot be opened: {type(exc).__name__}: {exc}") from None
    boxes = any(True for _ in body.iter(f"{{{W}}}txbxContent"))  # text boxes: nested paragraphs, maybe a fallback copy
    blocks: list[Block] = []
    for paragraph in body.iter(f"{{{W}}}p"):
        if boxes and _IN_FALLBACK(paragraph):
            continue
        text = _paragraph_text(paragraph, boxes and paragraph.find(f".//{{{W}}}p") is not None)
        if not text.strip():
            continue
        properties = paragraph.find(f"{{{W}}}pPr")
        level = style = None
        if properties is not None:
            level = _outline_level(paragraph)
            found = properties.find(f"{{{W}}}pStyle")
            style = found.get(f"{{{W}}}val") if found is not None else None
        if level is None and style:
            level = levels.get(style)
        blocks.extend(Block(line, level) for line in text.split("\n") if line.strip())
    return blocks
