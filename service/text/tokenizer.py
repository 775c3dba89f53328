"""Word segmentation with jieba's dictionary plus the policy-term lexicon.

The default backend is ``rjieba`` (jieba's algorithm and dictionary, in Rust), many
times faster than jieba's pure-Python ``lcut``; ``backend="jieba"`` gives the
reference segmentation. Lexicon terms are added as a user dictionary so that
招商引资, 人才公寓, 源网荷储 ... stay whole.

Each model version cuts with its own tokenizer (:func:`tokenizer_for`): the shipped lexicon plus
its themes' seed terms.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable

from service.text.lexicon import default_lexicon
from service.text.patterns import CJK

BACKENDS = ("rjieba", "jieba")
_CONTENT = re.compile(f"[{CJK}A-Za-z0-9]")
_NUMBER = re.compile(r"^[0-9.,%]+$")
# Function words that carry no theme; kept short on purpose (TF-IDF weighs the rest).
STOP_WORDS = frozenset("的 了 在 和 是 与 及 等 对 将 为 也 都 并 把 被 从 向 于 以 其 之 这 那 有 就 而 或 由 但 又 还 更 个 年 月 日".split())


class Tokenizer:
    """Segmenter with a user dictionary; loads lazily on first use.

    Parameters
    ----------
    user_terms : iterable of str or None
        Terms kept whole (the shipped lexicon's terms when None).
    extra_terms : iterable of str
        More terms kept whole: the seed terms of a model's own themes (:func:`tokenizer_for`).
    backend : {"rjieba", "jieba"}
    """

    def __init__(self, user_terms: Iterable[str] | None = None, backend: str = "rjieba", extra_terms: Iterable[str] = ()) -> None:
        if backend not in BACKENDS:
            raise ValueError(f"unknown tokenizer backend {backend!r}; choose one of {BACKENDS}")
        self.user_terms = tuple(user_terms) if user_terms is not None else None
        self.extra_terms = tuple(dict.fromkeys(t for t in extra_terms if t))
        self.backend = backend
        self._engine = None
        self._lock = threading.Lock()
        self._content = _ContentWords()

    def initialize(self) -> None:
        """Load the dictionary and the user terms (done once, on first use)."""
        with self._lock:
            if self._engine is not None:
                return
            terms = (*(self.user_terms if self.user_terms is not None else tuple(default_lexicon().terms)), *self.extra_terms)
            if self.backend == "rjieba":
                import rjieba

                engine = rjieba.Jieba()
                for term in terms:
                    engine.add_word(term, engine.suggest_freq(term), None)
                self._cut = engine.cut
            else:
                import logging

                import jieba

                jieba.setLogLevel(logging.WARNING)
                engine = jieba.Tokenizer()
                engine.initialize()
                for term in terms:
                    engine.add_word(term)
                    engine.suggest_freq(term, tune=True)
                self._cut = engine.lcut
            self._engine = engine

    def cut(self, text: str) -> list[str]:
        """Segment ``text`` like ``jieba.lcut``: every character kept, punctuation included."""
        if self._engine is None:
            self.initialize()
        return self._cut(text)

    def tokenize(self, text: str) -> list[str]:
        """Content words of ``text``: no punctuation, spaces or function words; numbers as ``<num>``."""
        return self.content(self.cut(text))

    def content(self, words: list[str]) -> list[str]:
        """The content words among segmented ``words`` (what :meth:`tokenize` keeps)."""
        return [w for w in map(self._content.__getitem__, words) if w]

    @property
    def feature(self):
        """Word → the word as a feature (``<num>`` for a number), or "" for a word :meth:`content` drops."""
        return self._content.__getitem__


class _ContentWords(dict):
    """Word → the word as a feature ("" to drop it); computed once per distinct word."""

    limit = 500_000

    def __missing__(self, word: str) -> str:
        if len(self) > self.limit:
            self.clear()
        first = word[0] if word else ""
        if not word or word in STOP_WORDS:
            value = ""
        elif first.isdigit() and _NUMBER.match(word):
            value = "<num>"
        elif not first.isalpha() and not _CONTENT.search(word):
            value = ""
        else:
            value = word
        self[word] = value
        return value


_default = Tokenizer()
_with_terms: dict[tuple[str, ...], Tokenizer] = {}  # the tokenizers of models with seed terms, newest last
_with_terms_lock = threading.Lock()
KEEP_TOKENIZERS = 4  # a dictionary is about 40 MB: the served model's, the one swapping in, and a few more


def tokenizer_for(terms: Iterable[str] = ()) -> Tokenizer:
    """The tokenizer of a model whose themes bring seed ``terms``: the shipped lexicon plus those terms,
    shared by models with the same terms. A model without seed terms gets the default tokenizer; terms
    never reach any other model's tokenizer, so a swap or a removed theme leaves nothing behind."""
    key = tuple(dict.fromkeys(t for t in terms if t))
    if not key:
        return _default
    with _with_terms_lock:  # request threads and a swap may ask at once
        tokenizer = _with_terms.pop(key, None) or Tokenizer(extra_terms=key)
        _with_terms[key] = tokenizer
        while len(_with_terms) > KEEP_TOKENIZERS:
            del _with_terms[next(iter(_with_terms))]
    return tokenizer


def cut(text: str) -> list[str]:
    """Segment with the default tokenizer (jieba dictionary + shipped lexicon)."""
    return _default.cut(text)


def tokenize(text: str) -> list[str]:
    """Content words with the default tokenizer."""
    return _default.tokenize(text)
