"""Feature views of a document, used inside the trained Pipeline.

A *document* is the string ``compose(title, text)``: the title on the first line
(empty when there is none), then the article. Functions and classes here are
stored by reference in model artifacts: keep their names.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from service.lexicon import load_lexicon
from service.textprep import clean
from service.themes import THEMES
from service.tokenizer import tokenize

HEAD_CHARS = 160


def compose(title: str | None, text: str) -> str:
    """The one-string document the model reads: title line, then text."""
    return f"{(title or '').strip()}\n{text}"


def _split(doc: str) -> tuple[str, str]:
    title, _, text = doc.partition("\n")
    return title, text


def body_view(doc: str) -> str:
    """Title and cleaned text (normalised, repaired, without datelines and bylines)."""
    title, text = _split(doc)
    return f"{clean(title)}\n{clean(text)}".strip()


def head_view(doc: str) -> str:
    """Title and lead: what a reader decides the theme from."""
    title, text = _split(doc)
    lead = clean(text)[:HEAD_CHARS]
    return f"{clean(title)}\n{lead}".strip()


class PolicyTermFeatures(BaseEstimator, TransformerMixin):
    """Per-theme counts of lexicon terms in the head and in the body of a document.

    Parameters
    ----------
    lexicon_path : str or None
        Lexicon file; the shipped lexicon when None.

    Attributes
    ----------
    terms_ : dict[str, tuple[str, ...]]
        Term → themes, read from the lexicon in ``fit``.
    """

    def __init__(self, lexicon_path: str | None = None) -> None:
        self.lexicon_path = lexicon_path

    def fit(self, docs, y=None):  # noqa: D102 - scikit-learn contract
        lexicon = load_lexicon(self.lexicon_path)
        self.terms_ = {t: tuple(x for x in tags if x in THEMES) for t, tags in lexicon.terms.items()}
        return self

    def _counts(self, tokens: list[str]) -> np.ndarray:
        counts = np.zeros(len(THEMES))
        for token in tokens:
            for theme in self.terms_.get(token, ()):
                counts[THEMES.index(theme)] += 1
        return counts

    def transform(self, docs):  # noqa: D102 - scikit-learn contract
        check_is_fitted(self, "terms_")
        rows = []
        for doc in docs:
            head = self._counts(tokenize(head_view(doc)))
            body_tokens = tokenize(body_view(doc))
            body = self._counts(body_tokens)
            density = body / max(len(body_tokens), 1) * 100
            rows.append(np.concatenate([np.log1p(head), np.log1p(body), np.log1p(density)]))
        return sp.csr_matrix(np.array(rows).reshape(len(rows), 3 * len(THEMES)))

    def get_feature_names_out(self, input_features=None):  # noqa: D102
        return np.array([f"{part}_{t}" for part in ("head", "body", "density") for t in THEMES], dtype=object)
