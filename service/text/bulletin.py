"""Split a bulletin (several news items run together, like the seed) into articles."""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.text.patterns import TERMINAL
from service.text.prepare import DATELINE, _byline, prepare

MAX_TITLE_CHARS = 64


@dataclass(frozen=True)
class Article:
    """One article of a bulletin: its title and body, as prepared text."""

    title: str
    text: str


def _is_title_line(line: str) -> bool:
    """A headline: short, no sentence end, not a dateline opening a body."""
    line = line.strip()
    if not line or len(line) > MAX_TITLE_CHARS or DATELINE.match(line):
        return False
    if line[-1] in TERMINAL + "，、：:" or re.search("[。！？]", line):
        return False
    return True


def _ends_article(paragraph: str) -> bool:
    """A paragraph that closes an item: it ends with a reporter byline."""
    return _byline(paragraph) is not None


def split_bulletin(text: str) -> list[Article]:
    """Articles of ``text`` in order, each with ``title`` (possibly empty) and ``text``.

    An article starts at the top of the bulletin, and wherever a run of headline
    lines follows a paragraph that closed the previous item with a byline, or
    precedes a body that opens with a dateline (本日讯, 本报…电). Headlines that run
    over two lines are joined with a space. A text with no such structure is one
    article.
    """
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n|\n", prepare(text)) if p.strip()]
    starts: list[int] = [0]
    i = 1
    while i < len(paragraphs):
        j = i
        while j < len(paragraphs) and _is_title_line(paragraphs[j]) and j - i < 3:
            j += 1
        has_title = j > i and j < len(paragraphs)
        if has_title and (_ends_article(paragraphs[i - 1]) or DATELINE.match(paragraphs[j])):
            begin = i
            while begin - 1 > starts[-1] and j - begin < 3 and _is_title_line(paragraphs[begin - 1]):
                begin -= 1  # a headline that runs over the previous line
            if begin - 1 > starts[-1] or not _is_title_line(paragraphs[begin - 1]):
                starts.append(begin)
            i = j
        i += 1
    articles = []
    for begin, end in zip(starts, starts[1:] + [len(paragraphs)], strict=False):
        block = paragraphs[begin:end]
        k = 0
        while k < len(block) - 1 and k < 3 and _is_title_line(block[k]):
            k += 1
        title = " ".join(block[:k])
        body = "\n\n".join(block[k:])
        if body or title:
            articles.append(Article(title=title, text=body))
    return articles
