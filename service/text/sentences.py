"""Sentence splitting for Chinese news, with offsets into the text as given."""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.text.patterns import CLOSERS, ELLIPSIS, OPENERS, SENTENCE_ENDS
from service.text.prepare import Span, align, find_boilerplate, prepare

MAX_SENTENCE = 160  # a longer "sentence" is split again at weaker marks
CHUNK = 60  # text with no punctuation is cut into pieces of about this size
NUMBERED = re.compile(r"(?<=[，：:])(?=(?:[一二三四五六七八九十]+是|其[一二三四五六七八九]，|（[一二三四五六七八九十\d]+）|\d{1,2}[.．、](?!\d)))")

ATTRIBUTION = re.compile(r"(?:说|表示|介绍|指出|坦言|感慨|告诉记者|透露|笑着说|强调)[。！：:]?$")


@dataclass(frozen=True)
class Sentence:
    """A sentence: its prepared text and its ``[start, end)`` range in the input as given.

    ``boilerplate`` marks a dateline or byline (本日讯, （记者…）), which summaries skip.
    """

    text: str
    start: int
    end: int
    boilerplate: bool = False


_MARKS = re.compile(r"[。！？；!?;…“”‘’「」『』（）()《》【】]|(?<![0-9A-Z])\.(?=\s|$)")


def _split_paragraph(para: str, split_long: bool = True) -> list[tuple[int, int]]:
    """(start, end) of the sentences of one paragraph (no newlines inside).

    ``split_long=False`` keeps an over-long sentence whole unless it has no punctuation at
    all (then fixed-size chunks): summaries never take a piece cut at ， or 、.
    """
    spans: list[tuple[int, int]] = []
    start, depth, n = 0, [], len(para)
    for match in _MARKS.finditer(para):
        i = match.start()
        if i < start:
            continue  # consumed as part of the previous sentence's ending
        ch = para[i]
        closes_quote = False
        if ch in OPENERS:
            depth.append(OPENERS[ch])
        elif depth and ch == depth[-1]:
            depth.pop()
            closes_quote = not depth and i > 0 and para[i - 1] in SENTENCE_ENDS + ELLIPSIS
        is_end = ch in SENTENCE_ENDS or ch == "." or (ch == "…" and para[i + 1 : i + 2] == "…") or closes_quote
        if is_end and (not depth or i - start > MAX_SENTENCE):
            j = i + 1
            while j < n and (para[j] in SENTENCE_ENDS + ELLIPSIS or para[j] in CLOSERS):
                if para[j] in CLOSERS and depth and para[j] == depth[-1]:
                    depth.pop()
                j += 1
            spans.append((start, j))
            start = j
    if start < n:
        spans.append((start, n))
    merged: list[tuple[int, int]] = []
    for s, e in spans:  # “……。”某某说。 : the attribution stays with its quote
        if merged and para[merged[-1][1] - 1] in CLOSERS and e - s <= 40 and ATTRIBUTION.search(para[s:e]):
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    if not split_long:
        return [piece for s, e in merged for piece in _chunk_unpunctuated(para, s, e)]
    return [piece for s, e in merged for piece in _split_long(para, s, e)]


_ANY_MARK = re.compile(r"[，,：:、。！？；!?;…“”‘’「」『』（）()《》【】]")


def _chunk_unpunctuated(para: str, start: int, end: int) -> list[tuple[int, int]]:
    """An over-long span stays whole, unless it holds no punctuation at all: then chunks of CHUNK."""
    if end - start <= MAX_SENTENCE or _ANY_MARK.search(para, start, end):
        return [(start, end)]
    return [(s, min(s + CHUNK, end)) for s in range(start, end, CHUNK)]


def _split_long(para: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split an over-long span before numbered points, then at commas, then by size."""
    if end - start <= MAX_SENTENCE:
        return [(start, end)]
    cuts = [start + m.start() for m in NUMBERED.finditer(para[start:end])]
    if not cuts:
        cuts = [start + m.end() for m in re.finditer(r"[，,：:、 ]", para[start:end])]
    pieces, last = [], start
    for cut in cuts:
        if cut - last >= CHUNK and end - cut >= 8:
            pieces.append((last, cut))
            last = cut
    pieces.append((last, end))
    out = []
    for s, e in pieces:  # still too long (no punctuation at all): fixed-size chunks
        while e - s > MAX_SENTENCE:
            out.append((s, s + CHUNK))
            s += CHUNK
        out.append((s, e))
    return out


def split_sentences(text: str, *, split_long: bool = True) -> list[Sentence]:
    """Sentences of ``text`` (after page-break repair), each with offsets into ``text``.

    Ends are 。！？；…; a closing quote or bracket after an end mark belongs to the
    sentence; quoted speech and brackets are not split unless very long; a line
    break always ends a sentence (titles and sub-headings stand alone).

    A sentence over MAX_SENTENCE characters is split again before numbered points or at
    commas (``split_long=True``, what readers of single sentences and the classifier
    use), or kept whole (``split_long=False``, what summaries use: a piece cut at ，
    or 、 does not stand alone). An :class:`service.text.article.Article` has them already.
    """
    prepared = prepare(text)
    if not prepared:
        return []
    index = align(text, prepared)
    return [Sentence(prepared[a:b], index[a], index[b - 1] + 1, bp) for a, b, bp in sentence_spans(prepared, find_boilerplate(prepared), split_long=split_long)]


def sentence_spans(prepared: str, boilerplate: list[Span], *, split_long: bool = True) -> list[tuple[int, int, bool]]:
    """``(start, end, is_boilerplate)`` of each sentence of a prepared text, as offsets into it
    (:func:`split_sentences` without the mapping back to the text as given)."""
    boiler = {(sp.start, sp.end) for sp in boilerplate}
    cuts = sorted({0, len(prepared)} | {i for span in boiler for i in span})
    out: list[tuple[int, int, bool]] = []
    for a, b in zip(cuts, cuts[1:]):
        if (a, b) in boiler:
            out += _spans(prepared, a, b, boilerplate=True, split=False)
            continue
        offset = a
        for para in prepared[a:b].split("\n"):
            out += _spans(prepared, offset, offset + len(para), split_long=split_long)
            offset += len(para) + 1
    return out


def _spans(prepared: str, a: int, b: int, *, boilerplate: bool = False, split: bool = True, split_long: bool = True) -> list[tuple[int, int, bool]]:
    para = prepared[a:b]
    out = []
    for s, e in _split_paragraph(para, split_long) if split else [(0, len(para))]:
        piece = para[s:e]
        lead = len(piece) - len(piece.lstrip())
        size = len(piece.strip())
        if size:
            out.append((a + s + lead, a + s + lead + size, boilerplate))
    return out
