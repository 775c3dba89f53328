"""Word segmentation with jieba's dictionary plus the policy-term lexicon.

The default backend is ``rjieba`` (jieba's algorithm and dictionary, in Rust), many
times faster than jieba's pure-Python ``lcut``; ``backend="jieba"`` gives the
reference segmentation. Lexicon terms are added as a user dictionary so that
招商引资, 人才公寓, 源网荷储 ... stay whole.

``tokenize`` is stored by reference inside trained models: keep its name.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable

from service.text.lexicon import default_lexicon

BACKENDS = ("rjieba", "jieba")
_CONTENT = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbfA-Za-z0-9]")
_NUMBER = re.compile(r"^[0-9.,%]+$")
# Function words that carry no theme; kept short on purpose (TF-IDF weighs the rest).
STOP_WORDS = frozenset("的 了 在 和 是 与 及 等 对 将 为 也 都 并 把 被 从 向 于 以 其 之 这 那 有 就 而 或 由 但 又 还 更 个 年 月 日".split())


class Tokenizer:
    """Segmenter with a user dictionary; loads lazily on first use."""

    def __init__(self, user_terms: Iterable[str] | None = None, backend: str = "rjieba") -> None:
        if backend not in BACKENDS:
            raise ValueError(f"unknown tokenizer backend {backend!r}; choose one of {BACKENDS}")
        self.user_terms = tuple(user_terms) if user_terms is not None else None
        self.backend = backend
        self._engine = None
        self._lock = threading.Lock()
        self._content = _ContentWords()
        self._added: dict[str, None] = {}  # terms added after construction (a model's seed terms), in order

    def initialize(self) -> None:
        """Load the dictionary and the user terms (done once, on first use)."""
        with self._lock:
            if self._engine is not None:
                return
            terms = (*(self.user_terms if self.user_terms is not None else tuple(default_lexicon().terms)), *self._added)
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

    def add_terms(self, terms: Iterable[str]) -> None:
        """Keep ``terms`` whole from now on (seed terms of a user's theme, added when its model loads).

        The engine other threads are cutting with is never changed (rjieba refuses a word added
        during a cut): a loaded dictionary is rebuilt with the new terms and swapped in whole.
        """
        with self._lock:
            new = [t for t in dict.fromkeys(terms) if t and t not in self._added]
            if not new:
                return
            loaded = self._engine is not None
            self._engine = None
            self._added.update(dict.fromkeys(new))
        if loaded:
            self.initialize()

    def cut(self, text: str) -> list[str]:
        """Segment ``text`` like ``jieba.lcut``: every character kept, punctuation included."""
        if self._engine is None:
            self.initialize()
        return self._cut(text)  # one engine per call: a rebuilt one is swapped in whole

    def tokenize(self, text: str) -> list[str]:
        """Content words of ``text``: no punctuation, spaces or function words; numbers as ``<num>``."""
        return self.content(self.cut(text))

    def content(self, words: list[str]) -> list[str]:
        """The content words among segmented ``words`` (what :meth:`tokenize` keeps)."""
        return [w for w in map(self._content.__getitem__, words) if w]


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


def cut(text: str) -> list[str]:
    """Segment with the default tokenizer (jieba dictionary + shipped lexicon)."""
    return _default.cut(text)


def add_terms(terms: Iterable[str]) -> None:
    """Add terms to the default tokenizer's dictionary, for the rest of the process.

    A model trained with a user's seed terms registers them when it is trained or loaded,
    so they are segmented whole, as the lexicon's terms are.
    """
    _default.add_terms(terms)


def tokenize(text: str) -> list[str]:
    """Content words with the default tokenizer; used by the trained models."""
    return _default.tokenize(text)


def content(words: list[str]) -> list[str]:
    """Content words among ``words`` segmented by :func:`cut`."""
    return _default.content(words)
