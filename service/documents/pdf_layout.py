"""From positioned PDF lines to bulletin text: reading order, running headers out, paragraphs rejoined.

A PDF holds text one visual line at a time. Here lines are put in reading order (a
multi-column page reads column by column), the lines that repeat at the top or bottom
of most pages and bare page numbers are dropped, and the lines of each paragraph are
joined again, across column and page breaks too: a Chinese line break inside a
paragraph leaves no space. A break is a paragraph end when the font size changes, the
gap to the next line is larger than the usual line spacing, the next line is indented,
opens with a dateline, or the line stops short of the column's right edge.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from statistics import median

from service.text.patterns import CJK, CLOSERS, TERMINAL
from service.text.prepare import DATELINE


@dataclass(slots=True)
class Line:
    """One visual line (or a column's part of it), in top-down page coordinates (points)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    page: int = 0
    column: int = 0


PAGE_NUMBER = re.compile(
    r"^[-–—‒―~·•\s]*(?:(?:第\s*)?[\d一二三四五六七八九十百]{1,4}\s*页?|page\s*\d{1,4}|\d{1,4}\s*[/／]\s*\d{1,4})"
    r"(?:\s*(?:[/／]|共|of)\s*\d{1,4}\s*页?)?[-–—‒―~·•\s]*$",
    re.I,
)
SPACED_CJK = re.compile(f"(?<=[{CJK}，。、；：！？“”（）]) (?=[{CJK}，。、；：！？“”（）])")
SENTENCE_END = re.compile(f"[{re.escape(TERMINAL)}][{re.escape(CLOSERS)}]*$|[{re.escape(CLOSERS)}]$")
LATIN_END = re.compile(r"[A-Za-z,.;:!?%)\]'\"]$")
OPEN_END = re.compile(r"[A-Za-z0-9,\-“‘（(《〈【\[]$")  # a line that stops here may go on: ragged Latin, an opening bracket
WORD_START = re.compile(r"^[A-Za-z0-9.,%/:_@\-]+")
RUNNING_LINES = 3  # lines looked at, at the top and the bottom of each page
BAND = 0.16  # ... within this share of the page height from its top or bottom edge


def clean_line(text: str) -> str:
    """A line's text without edge whitespace; letter-spaced Chinese (``产 业 园 区``) closed up."""
    text = text.strip().replace("\u3000", " ").strip()
    cjk_spaces = len(SPACED_CJK.findall(text))
    if cjk_spaces >= 3 and cjk_spaces * 2 >= len(text) - cjk_spaces - 1:
        text = SPACED_CJK.sub("", text)
    return text


def _running_key(text: str) -> str:
    """What recurs of a running line: its text, page and issue numbers aside on a short line (a body line must match exactly)."""
    text = re.sub(r"\s+", "", text)
    return re.sub(r"\d+", "#", text) if len(text) <= 30 else text


def drop_running_lines(pages: list[list[Line]], heights: list[float]) -> list[list[Line]]:
    """Pages without running headers and footers and page numbers.

    Candidates are the first and last few lines of a page that lie in its top or bottom
    ``BAND``; a running line is one that recurs (its digits aside) on most pages.
    """
    by_top = [sorted(lines, key=lambda line: (line.top, line.x0)) for lines in pages]

    def edge(lines: list[Line], height: float) -> list[Line]:
        head = [line for line in lines[:RUNNING_LINES] if line.bottom < BAND * height]
        foot = [line for line in lines[-RUNNING_LINES:] if line.top > (1 - BAND) * height]
        return head + foot

    edges = Counter()
    for lines, height in zip(by_top, heights):
        edges.update({_running_key(line.text) for line in edge(lines, height)})
    need = max(2, (len(pages) + 1) // 2)
    running = {key for key, count in edges.items() if count >= need and key}

    out = []
    for lines, height in zip(by_top, heights):
        drop = {id(line) for line in edge(lines, height) if _running_key(line.text) in running or PAGE_NUMBER.match(line.text)}
        start, end = 0, len(lines)
        while start < end and id(lines[start]) in drop:
            start += 1
        while end > start and id(lines[end - 1]) in drop:
            end -= 1
        out.append(lines[start:end])
    return out


def _gutters(lines: list[Line]) -> list[tuple[float, float]]:
    """Vertical white strips that split most lines of a page into columns (none for one column)."""
    if len(lines) < 6:
        return []
    events = sorted([(line.x0, 1) for line in lines] + [(line.x1, -1) for line in lines])
    allowed = max(1, len(lines) // 10)  # lines spanning all columns (a headline) may cross a gutter
    size = median(line.size for line in lines)
    gutters, depth, start = [], 0, None
    for x, step in events:
        depth += step
        if depth <= allowed and start is None:
            start = x
        elif depth > allowed and start is not None:
            if x - start >= 0.8 * size:
                gutters.append((start, x))
            start = None
    good = []
    for low, high in gutters:
        left = [line for line in lines if line.x1 <= low + 1]
        right = [line for line in lines if line.x0 >= high - 1]
        if len(left) >= 3 and len(right) >= 3 and min(line.top for line in right) < max(line.bottom for line in left):
            good.append((low, high))
    return good


def _rows(lines: list[Line]) -> list[Line]:
    """Lines top to bottom; lines that share a row (tops within half a line) left to right."""
    lines = sorted(lines, key=lambda line: line.top)
    out: list[Line] = []
    row: list[Line] = []
    for line in lines:
        if row and line.top - row[0].top > 0.5 * min(line.size, row[0].size):
            out.extend(sorted(row, key=lambda item: item.x0))
            row = []
        row.append(line)
    out.extend(sorted(row, key=lambda item: item.x0))
    return out


def reading_order(lines: list[Line]) -> list[Line]:
    """A page's lines in reading order: top to bottom, column by column between lines that span the columns."""
    lines = _rows(lines)
    gutters = _gutters(lines)
    if not gutters:
        return lines
    out: list[Line] = []
    buckets: list[list[Line]] = [[] for _ in range(len(gutters) + 1)]
    for line in lines:
        if any(line.x0 < low and line.x1 > high for low, high in gutters):
            for bucket in buckets:
                out.extend(bucket)
                bucket.clear()
            out.append(line)
            continue
        line.column = sum(1 for low, _ in gutters if line.x0 >= low)
        buckets[line.column].append(line)
    for bucket in buckets:
        out.extend(bucket)
    return out


def _join(a: str, b: str) -> str:
    if a.endswith("-") and re.search(r"[A-Za-z]-$", a) and b[:1].isalpha() and b[:1].islower():
        return a[:-1] + b
    last, first = a[-1], b[0]
    if first.isascii() and (first.isalpha() or first.isdigit() and last != ".") and LATIN_END.search(a) and not last.isdigit():
        return a + " " + b  # words of Latin text; a number cut in two (2019, 0.7) closes up
    return a + b


def _is_headline(line: Line, right: float) -> bool:
    text = line.text
    return line.x1 < right - 2 * line.size and not re.search(f"[{re.escape(TERMINAL)}，]", text) and not re.match(f"[（(“‘{re.escape(CLOSERS)}]", text)


class _Geometry:
    """Usual font size, line pitch and column edges of a document's body lines."""

    def __init__(self, lines: list[Line]) -> None:
        self.size = median(line.size for line in lines)
        body = [line for line in lines if abs(line.size - self.size) <= 0.1 * self.size]
        pitches = [
            (b.top - a.top) / b.size
            for a, b in zip(body, body[1:])
            if a.page == b.page and a.column == b.column and abs(a.size - b.size) <= 0.1 * b.size and b.top > a.top
        ]
        # the usual pitch is the smallest one that recurs: with short paragraphs most pairs may straddle a paragraph gap
        common = Counter(round(pitch, 1) for pitch in pitches)
        recurring = [value for value, count in common.items() if count >= max(2, len(pitches) // 10)]
        self.pitch = min(recurring) if recurring else median(pitches) if pitches else 1.5
        self.edges: dict[tuple[int, int], tuple[float, float]] = {}
        by_column: dict[tuple[int, int], list[Line]] = {}
        for line in body:
            by_column.setdefault((line.page, line.column), []).append(line)
        whole: dict[int, list[Line]] = {}
        for (_, column), group in by_column.items():
            whole.setdefault(column, []).extend(group)
        for key, group in by_column.items():
            source = group if len(group) >= 5 else whole[key[1]]
            self.edges[key] = (min(line.x0 for line in source), max(line.x1 for line in source))

    def box(self, line: Line) -> tuple[float, float]:
        return self.edges.get((line.page, line.column), (line.x0, line.x1))

    def breaks(self, a: Line, b: Line) -> bool:
        """True where a paragraph ends between line ``a`` and the next line ``b``."""
        size = max(a.size, b.size)
        if abs(a.size - b.size) > 0.12 * size or DATELINE.match(b.text):
            return True
        same_flow = a.page == b.page and a.column == b.column and b.top > a.top
        if same_flow and (b.top - a.top) / b.size > self.pitch * 1.25 + 0.1:
            return True
        left_b, _ = self.box(b)
        if b.x0 > left_b + 0.8 * b.size:
            return True  # an indented (or centred) line opens a paragraph
        _, right_a = self.box(a)
        ends = SENTENCE_END.search(a.text) is not None
        room = right_a - a.x1
        if room > 1.8 * a.size and not OPEN_END.search(a.text):
            token = WORD_START.match(b.text)  # a number or Latin word too wide for the room left stays whole
            if not token or len(token.group()) * 0.6 * b.size < room - 0.5 * a.size:
                return True  # a Chinese line that stops short ends its paragraph; ragged Latin lines do not
        return ends and _is_headline(b, self.box(b)[1])


def paragraphs(lines: list[Line]) -> list[tuple[str, bool]]:
    """(text, is a headline in a larger font) for each paragraph of lines in reading order."""
    lines = [line for line in lines if line.text]
    if not lines:
        return []
    geometry = _Geometry(lines)
    out: list[tuple[str, bool]] = []
    current = lines[0].text
    for a, b in zip(lines, lines[1:]):
        if geometry.breaks(a, b):
            out.append((current, a.size > geometry.size * 1.12))
            current = b.text
        else:
            current = _join(current, b.text)
    out.append((current, lines[-1].size > geometry.size * 1.12))
    return out


def to_text(paras: list[tuple[str, bool]]) -> str:
    """Paragraphs one a line, a blank line before each run of headlines."""
    parts: list[str] = []
    previous_headline = True
    for text, headline in paras:
        if parts:
            parts.append("\n\n" if headline and not previous_headline else "\n")
        parts.append(text)
        previous_headline = headline
    return "".join(parts)
