"""An article prepared once: what the classifier, the summarizer and keywords all read.

``Article(text, title, tokenizer=...)`` does every text step one time: HTML entities and tags,
normalisation and page-break repair (:mod:`service.text.prepare`), simplified characters,
datelines and bylines, the cleaned text with one cut into words; and, when a summary asks for
them, the sentences with their offsets into the text as sent, each with its words, and the
parsed dateline. Nothing downstream prepares or cuts the same text again.

Two forms of the text run side by side, one character for one character: ``prepared`` is the
text as shown back to the user (summaries quote it), ``simplified`` is what models and rules
read (traditional characters converted), so an offset into one is an offset into the other.
"""

from __future__ import annotations

import html
import re
from typing import NamedTuple

import numpy as np

from service.text.dateline import parse_dateline
from service.text.prepare import align, find_boilerplate, prepare, to_simplified
from service.text.sentences import Sentence, sentence_spans
from service.text.tokenizer import Tokenizer, tokenizer_for

HEAD_CHARS = 160  # the lead: the words within this many characters of the cleaned text
ENTITY = re.compile(r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)")  # what html.unescape reads as one


class ModelView(NamedTuple):
    """What the theme model reads of an article."""

    head: list[str]  # content words of title and lead
    body: list[str]  # content words of title and cleaned text
    text: str  # cleaned title and text, a line apart


def _unescaped(text: str) -> tuple[str, list[tuple[int, int]] | None]:
    """``text`` with HTML entities (``&amp;``, ``&#12290;``) replaced as ``html.unescape`` replaces them,
    and where each character came from in ``text``, as (start, end) (None when nothing was replaced)."""
    if "&" not in text:
        return text, None
    parts, spans, last = [], [], 0
    for match in ENTITY.finditer(text):
        value = html.unescape(match.group())
        if value == match.group():
            continue
        parts.append(text[last : match.start()] + value)
        spans += ((i, i + 1) for i in range(last, match.start()))
        spans += [(match.start(), match.end())] * len(value)  # a character an entity stands for spans the whole entity
        last = match.end()
    if not parts:
        return text, None
    parts.append(text[last:])
    spans += ((i, i + 1) for i in range(last, len(text)))
    return "".join(parts), spans


class _once:
    """A property computed on first use and kept on the instance: ``functools.cached_property`` without
    its lock, which Python 3.11 holds across every instance (one request's long article would stall the
    others' threads)."""

    def __init__(self, compute) -> None:
        self.compute = compute
        self.__doc__ = compute.__doc__

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.compute(instance)
        return value


def _simplified(prepared: str) -> str:
    """``prepared`` in simplified characters, one for one (a conversion that changes the length,
    such as a phrase rewritten, is redone character by character)."""
    simplified = to_simplified(prepared)
    if len(simplified) == len(prepared):
        return simplified
    return "".join(c if len(s := to_simplified(c)) != 1 else s for c in prepared)


class Article:
    """One article (and its title), prepared once.

    Parameters
    ----------
    text : str
        The article as sent.
    title : str or None
        Its headline.
    tokenizer : Tokenizer or None
        The segmenter of the model that reads it (:func:`service.text.tokenizer.tokenizer_for`);
        the default one when None.
    """

    def __init__(self, text: str, title: str | None = None, *, tokenizer: Tokenizer | None = None) -> None:
        self.text = text
        self.title = title
        self.tokenizer = tokenizer or tokenizer_for()
        self._source, self._entities = _unescaped(text)
        self.prepared = prepare(self._source)
        self.simplified = _simplified(self.prepared)
        self.boilerplate = find_boilerplate(self.simplified)
        self.clean, self._segments = self._cleaned()
        self.words = self.tokenizer.cut(self.clean)  # the one cut of the article's words

    def _cleaned(self) -> tuple[str, list[tuple[int, int]]]:
        """The simplified text without datelines and bylines, and its pieces as (offset in it, offset in ``simplified``)."""
        pieces, last = [], 0
        for span in self.boilerplate:
            pieces.append((last, span.start))
            last = span.end
        pieces.append((last, len(self.simplified)))
        joined = "".join(self.simplified[a:b] for a, b in pieces)
        lead = len(joined) - len(joined.lstrip())
        segments, at = [], -lead
        for a, b in pieces:
            segments.append((at, a))
            at += b - a
        return joined.strip(), segments

    @_once
    def content(self) -> tuple[list[str], np.ndarray, np.ndarray]:
        """The content words of the cleaned text (``Tokenizer.content``), and where each starts and ends in it."""
        features = list(map(self.tokenizer.feature, self.words))
        lengths = np.fromiter(map(len, self.words), dtype=np.int64, count=len(self.words))
        ends = np.cumsum(lengths)
        kept = np.fromiter(map(bool, features), dtype=bool, count=len(features))
        return [f for f in features if f], (ends - lengths)[kept], ends[kept]

    @_once
    def model_view(self) -> ModelView:
        """Content words of title and lead, of title and text, and the cleaned title and text."""
        title = ""
        title_words: list[str] = []
        if self.title and self.title.strip():
            headline = Article(self.title, tokenizer=self.tokenizer)
            title, title_words = headline.clean, self.tokenizer.content(headline.words)
        words, _, ends = self.content
        split = int(np.searchsorted(ends, HEAD_CHARS, side="right"))  # the lead: words that end within HEAD_CHARS
        return ModelView(title_words + words[:split], title_words + words, f"{title}\n{self.clean}")

    def _offsets(self, a: int, b: int) -> tuple[int, int]:
        """Where characters ``a`` to ``b`` of ``prepared`` lie in the text as sent, as (start, end)."""
        index = self._index
        if self._entities is None:
            return index[a], index[b - 1] + 1
        return self._entities[index[a]][0], self._entities[index[b - 1]][1]

    @_once
    def _index(self) -> list[int]:
        """Offset of each character of ``prepared`` in the text with its entities replaced."""
        return align(self._source, self.prepared)

    @_once
    def _spans(self) -> list[tuple[int, int]]:
        """Each summary sentence as offsets into ``prepared`` (and ``simplified``)."""
        return [(a, b) for a, b, boiler in sentence_spans(self.simplified, self.boilerplate, split_long=False) if not boiler]

    @_once
    def sentences(self) -> list[Sentence]:
        """The sentences a summary may take from: no datelines or bylines, never cut at ， or 、
        (:func:`service.text.sentences.split_sentences` with ``split_long=False``). Their text is
        the simplified form; :meth:`shown` gives the text as the user wrote it."""
        return [Sentence(self.simplified[a:b], *self._offsets(a, b)) for a, b in self._spans]

    def shown(self, i: int) -> str:
        """Sentence ``i`` of :attr:`sentences` as the user wrote it (traditional characters kept)."""
        a, b = self._spans[i]
        return self.prepared[a:b]

    @_once
    def sentence_words(self) -> list[list[str]]:
        """The content words of each of :attr:`sentences`, from the article's one cut: a word belongs
        to the sentence it starts in (none to a dateline's or byline's)."""
        if not self._spans:
            return []
        words, starts, _ = self.content
        clean_at = np.array([c for c, _ in self._segments])
        prepared_at = np.array([p for _, p in self._segments])
        segment = np.searchsorted(clean_at, starts, side="right") - 1
        at = prepared_at[segment] + starts - clean_at[segment]  # where each word starts in the prepared text
        sentence = np.searchsorted(np.array([a for a, _ in self._spans]), at, side="right") - 1
        bounds = np.searchsorted(sentence, np.arange(len(self._spans) + 1), side="left").tolist()
        return [words[a:b] for a, b in zip(bounds, bounds[1:])]

    @_once
    def dateline(self) -> dict | None:
        """The dateline opening the article, parsed (:func:`service.text.dateline.parse_dateline`)."""
        return parse_dateline(self.simplified, prepared=True) if self.text else None
