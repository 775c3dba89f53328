"""Feature views of a document, used inside the trained Pipeline.

A *document* is the string ``compose(title, text)``: the title on the first line
(empty when there is none), then the article. :class:`PrepareDocuments` cleans and
tokenises each document once; the vectorizers and :class:`PolicyTermFeatures`
then read its views. Classes here are stored by reference in model artifacts:
keep their names.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import chain
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.preprocessing import normalize as l2_normalize
from sklearn.utils.validation import check_is_fitted

from service.lexicon import load_lexicon
from service.textprep import clean
from service.themes import THEMES
from service.tokenizer import tokenize

HEAD_CHARS = 160


class Prepared(NamedTuple):
    """A document cleaned and tokenised once: what every feature view reads."""

    head: list[str]  # tokens of title and lead
    body: list[str]  # tokens of title and cleaned text
    text: str  # cleaned title and text


def compose(title: str | None, text: str) -> str:
    """The one-string document the model reads: title line, then text."""
    return f"{(title or '').strip()}\n{text}"


def prepare_document(doc: str) -> Prepared:
    """Clean a composed document (no datelines or bylines) and tokenise its views."""
    title, _, text = doc.partition("\n")
    title, text = clean(title), clean(text)
    title_tokens = tokenize(title) if title else []
    lead = text[:HEAD_CHARS]
    lead_tokens = tokenize(lead)
    rest_tokens = tokenize(text[HEAD_CHARS:]) if len(text) > HEAD_CHARS else []
    # Cutting at HEAD_CHARS may split one word in two; the body view tolerates it.
    return Prepared(title_tokens + lead_tokens, title_tokens + lead_tokens + rest_tokens, f"{title}\n{text}")


class PrepareDocuments(BaseEstimator, TransformerMixin):
    """Documents → :class:`Prepared` tuples (stateless)."""

    def fit(self, docs, y=None):  # noqa: D102 - scikit-learn contract
        return self

    def transform(self, docs):  # noqa: D102 - scikit-learn contract
        return [d if isinstance(d, Prepared) else prepare_document(d) for d in docs]

    def __sklearn_is_fitted__(self) -> bool:
        return True


def char_ngrams(text: str, low: int, high: int) -> Iterator[str]:
    """Character n-grams of ``text`` within lines, lengths ``low``..``high``.

    Built from ``map``/``zip`` over the string so that no Python code runs per n-gram.
    """
    parts: list[Iterable[str]] = []
    for line in text.split("\n"):
        for n in range(low, high + 1):
            if n == 1:
                parts.append(line)
            elif n == 2:
                parts.append(map(str.__add__, line, line[1:]))
            else:
                parts.append(map("".join, zip(*(line[k:] for k in range(n)))))
    return chain.from_iterable(parts)


class ViewTfidf(BaseEstimator, TransformerMixin):
    """TF-IDF over one view of :class:`Prepared` documents.

    Parameters
    ----------
    view : {"head", "body", "chars"}
        Words of title and lead, words of the whole document, or character n-grams.
    ngram_range : tuple[int, int]
        Character n-gram lengths (``view="chars"`` only).
    min_df : int
        Ignore features found in fewer documents.
    max_features : int or None
        Keep the most frequent features (by document frequency).

    Attributes
    ----------
    vocabulary_ : dict[str, int]
    idf_ : ndarray
        Smoothed inverse document frequency, as in scikit-learn's ``TfidfTransformer``.
    """

    def __init__(self, view: str = "body", ngram_range: tuple[int, int] = (2, 3), min_df: int = 1, max_features: int | None = None):
        self.view = view
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_features = max_features

    def _features(self, doc: Prepared) -> Iterable[str]:
        if self.view == "head":
            return doc.head
        if self.view == "body":
            return doc.body
        if self.view == "chars":
            return char_ngrams(doc.text, *self.ngram_range)
        raise ValueError(f"unknown view {self.view!r}; expected head, body or chars")

    def fit(self, docs, y=None):  # noqa: D102 - scikit-learn contract
        df: Counter = Counter()
        for doc in docs:
            df.update(set(self._features(doc)))
        kept = [(n, t) for t, n in df.items() if n >= self.min_df]
        if self.max_features is not None and len(kept) > self.max_features:
            kept = sorted(kept, key=lambda nt: (-nt[0], nt[1]))[: self.max_features]
        terms = sorted(t for _, t in kept)
        self.vocabulary_ = {t: i for i, t in enumerate(terms)}
        n_docs = len(docs)
        self.idf_ = np.array([math.log((1 + n_docs) / (1 + df[t])) + 1 for t in terms])
        return self

    def transform(self, docs):  # noqa: D102 - scikit-learn contract
        check_is_fitted(self, "vocabulary_")
        get = self.vocabulary_.get
        indptr, indices, counts = [0], [], []
        for doc in docs:
            found = Counter(map(get, self._features(doc)))
            found.pop(None, None)
            indices.extend(found.keys())
            counts.extend(found.values())
            indptr.append(len(indices))
        indices_arr = np.asarray(indices, dtype=np.int32)
        data = (1.0 + np.log(np.asarray(counts, dtype=np.float64))) * self.idf_[indices_arr]
        matrix = sp.csr_matrix((data, indices_arr, np.asarray(indptr)), shape=(len(docs), len(self.vocabulary_)))
        return l2_normalize(matrix)

    def get_feature_names_out(self, input_features=None):  # noqa: D102
        names = np.empty(len(self.vocabulary_), dtype=object)
        for term, i in self.vocabulary_.items():
            names[i] = term
        return names


class PolicyTermFeatures(BaseEstimator, TransformerMixin):
    """Per-theme counts of lexicon terms in the head and in the body of a document.

    Parameters
    ----------
    lexicon_path : str or None
        Lexicon file; the shipped lexicon when None.

    Attributes
    ----------
    terms_ : dict[str, tuple[int, ...]]
        Term → indices of the themes it signals, read from the lexicon in ``fit``.
    """

    def __init__(self, lexicon_path: str | None = None) -> None:
        self.lexicon_path = lexicon_path

    def fit(self, docs, y=None):  # noqa: D102 - scikit-learn contract
        lexicon = load_lexicon(self.lexicon_path)
        terms = {t: tuple(THEMES.index(x) for x in tags if x in THEMES) for t, tags in lexicon.terms.items()}
        self.terms_ = {t: idx for t, idx in terms.items() if idx}
        return self

    def _counts(self, tokens: list[str]) -> np.ndarray:
        counts = np.zeros(len(THEMES))
        get = self.terms_.get
        for idx in filter(None, map(get, tokens)):
            for j in idx:
                counts[j] += 1
        return counts

    def transform(self, docs):  # noqa: D102 - scikit-learn contract
        check_is_fitted(self, "terms_")
        rows = np.zeros((len(docs), 3 * len(THEMES)))
        for i, doc in enumerate(docs):
            head, body = self._counts(doc.head), self._counts(doc.body)
            rows[i] = np.concatenate([np.log1p(head), np.log1p(body), np.log1p(body / max(len(doc.body), 1) * 100)])
        return sp.csr_matrix(rows)

    def get_feature_names_out(self, input_features=None):  # noqa: D102
        return np.array([f"{part}_{t}" for part in ("head", "body", "density") for t in THEMES], dtype=object)
