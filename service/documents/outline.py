"""Headings to articles, for formats that mark them (Word heading styles, HTML ``<h1>``-``<h6>``).

The article level is the shallowest level that introduces body text, counting a run of
consecutive headings by its deepest member: a bulletin name set as Title (or ``<h1>``)
directly above the first item's Heading 1 (``<h2>``) leaves the items at that level, while
a single story's Heading 1 over its text keeps its Heading 2 sub-headings inside it.
A run of headings with a member at or above the article level starts an article; its
members at the article level or deeper make the title, joined with a space as
:func:`service.text.bulletin.split_bulletin` joins headline lines.
"""

from __future__ import annotations

from dataclasses import dataclass

from service.text.prepare import normalize


@dataclass(frozen=True)
class Block:
    """A paragraph of a document; ``level`` is its heading level (0 for a title), None for body text."""

    text: str
    level: int | None = None


@dataclass(frozen=True)
class Outline:
    """A document's title (its leading headline, if any), its text, and its (article title, body) sections."""

    title: str | None
    text: str
    sections: tuple[tuple[str, str], ...]


def _runs(blocks: list[Block]) -> list[tuple[int, int]]:
    runs, i = [], 0
    while i < len(blocks):
        if blocks[i].level is None:
            i += 1
            continue
        j = i
        while j < len(blocks) and blocks[j].level is not None:
            j += 1
        runs.append((i, j))
        i = j
    return runs


def outline(blocks: list[Block]) -> Outline:
    """Sections of ``blocks`` split at the headings that start articles; no sections when there are no headings."""
    blocks = [Block(" ".join(b.text.split()), b.level) for b in blocks if b.text.strip()]
    runs = _runs(blocks)
    plain = "\n".join(b.text for b in blocks)
    if not runs:
        return Outline(None, plain, ())
    introducing = [run for run in runs if run[1] < len(blocks)] or runs
    level = min(max(blocks[k].level for k in range(*run)) for run in introducing)
    starts = [run for run in runs if min(blocks[k].level for k in range(*run)) <= level]
    lines: list[str] = []
    sections: list[tuple[str, str]] = []
    if starts[0][0] > 0:
        sections.append(("", "\n".join(b.text for b in blocks[: starts[0][0]])))
        lines.append(sections[0][1])
    doc_title = None
    for n, (begin, end) in enumerate(starts):
        upper = [blocks[k].text for k in range(begin, end) if blocks[k].level < level]
        parts = [blocks[k].text for k in range(begin, end) if blocks[k].level >= level] or upper
        if begin == 0:
            doc_title = " ".join(upper or parts)
        stop = starts[n + 1][0] if n + 1 < len(starts) else len(blocks)
        body = "\n".join(b.text for b in blocks[end:stop])
        sections.append((" ".join(normalize(part) for part in parts), body))
        lines.append("\n".join(b.text for b in blocks[begin:stop]))
    return Outline(doc_title, "\n\n".join(lines), tuple(sections))
