"""Views of a document learned from an unlabeled archive: its words, and its latent topics (LSA).

The written training examples speak a small vocabulary; the archives a user scores speak a
much larger one. :class:`ArchiveWords` weighs a document's words by the archive's vocabulary and
IDF (how rare a word is in real news, not in the examples). :class:`ArchiveTopics` projects a document's words, weighted by the
archive's IDF, onto the archive's main directions of co-occurrence (a truncated SVD of its
TF-IDF matrix), so that two articles about spaceflight land near each other even when they
share no word with any labeled example. Training learns both once from the archive
(``training.unlabeled``); inside the Pipeline they are fixed and ``fit`` learns nothing new.

Stored by reference in model artifacts: keep the class names.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin

from service.model.features import ViewTfidf, count_matrix


class ArchiveWords(ViewTfidf):
    """TF-IDF over the words of a document, with the archive's vocabulary and IDF.

    Parameters
    ----------
    vocabulary : dict[str, int]
        The archive's words kept.
    idf : ndarray of shape (n_words,)
        The archive's smoothed inverse document frequency of each word.
    """

    def __init__(self, vocabulary: dict | None = None, idf: np.ndarray | None = None) -> None:
        super().__init__(view="body")
        self.vocabulary = vocabulary
        self.idf = idf

    def fit(self, docs, y=None):  # noqa: D102 - scikit-learn contract: the archive's, learned beforehand
        if self.vocabulary is None:
            raise ValueError("ArchiveWords is learned from an archive (training.unlabeled.learn_archive), not from the labeled examples")
        self.vocabulary_, self.idf_ = self.vocabulary, np.asarray(self.idf, dtype=np.float64)
        return self


class ArchiveTopics(BaseEstimator, TransformerMixin):
    """ModelView documents → unit-length rows of latent-topic weights.

    Parameters
    ----------
    vocabulary : dict[str, int]
        The archive's words kept (word → column of ``components``).
    idf : ndarray of shape (n_words,)
        The archive's smoothed inverse document frequency of each word.
    components : ndarray of shape (n_topics, n_words)
        The SVD's right singular vectors (stored as float16 to keep the version small).
    """

    def __init__(self, vocabulary: dict | None = None, idf: np.ndarray | None = None, components: np.ndarray | None = None) -> None:
        self.vocabulary = vocabulary
        self.idf = idf
        self.components = components

    def fit(self, docs, y=None):  # noqa: D102 - scikit-learn contract: learned from the archive beforehand
        if self.components is None:
            raise ValueError("ArchiveTopics is learned from an archive (training.unlabeled.learn_archive), not from the labeled examples")
        return self

    def __sklearn_is_fitted__(self) -> bool:
        return self.components is not None

    @property
    def n_topics(self) -> int:
        """Number of topics (output columns)."""
        return int(self.components.shape[0])

    def _projection(self) -> np.ndarray:
        cached = getattr(self, "_weights", None)
        if cached is None:  # (words, topics) in float32: each word's IDF folded into its row
            cached = np.ascontiguousarray((self.components.astype(np.float32) * self.idf.astype(np.float32)).T)
            self._weights = cached
        return cached

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("_weights", None)  # derived: rebuilt on first use
        return state

    def row_of_tf(self, idx: np.ndarray, tf: np.ndarray) -> np.ndarray:
        """The topic weights of one document (unit length, or zeros), from the columns of its words and their
        sublinear counts (1 + log count)."""
        if not len(idx):
            return np.zeros(self.n_topics)
        out = tf.astype(np.float32) @ self._projection()[idx]  # the TF-IDF row projected (its length cancels below)
        norm = float(np.sqrt(out @ out))
        return (out / norm if norm > 0 else out).astype(np.float64)

    def transform(self, docs):  # noqa: D102 - scikit-learn contract: the rows of row_of_tf(), as one sparse product
        return self.rows_of_counts(count_matrix([doc.body for doc in docs], self.vocabulary))

    def rows_of_counts(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        """:meth:`transform`'s rows from each document's counts of the vocabulary's words."""
        tf = counts.astype(np.float32)
        tf.data = 1.0 + np.log(tf.data)
        rows = np.asarray(tf @ self._projection(), dtype=np.float64)
        norms = np.sqrt((rows * rows).sum(axis=1, keepdims=True))
        return sp.csr_matrix(np.divide(rows, norms, out=np.zeros_like(rows), where=norms > 0))

    def get_feature_names_out(self, input_features=None):  # noqa: D102
        return np.array([f"topic{k}" for k in range(self.n_topics)], dtype=object)


class ArchiveViews(NamedTuple):
    """What training learned from an archive: the two views the Pipeline adds."""

    words: ArchiveWords
    topics: ArchiveTopics
