"""A compiled view of a fitted theme Pipeline for fast scoring, of one document or of a batch.

scikit-learn's per-call input validation costs milliseconds, which is most of the time
for one article. :class:`CompiledScorer` reads the fitted vocabularies, IDF vectors,
transformer weights and coefficients once and computes the same numbers with a few
NumPy operations per document (:meth:`CompiledScorer.score`) or per batch
(:meth:`CompiledScorer.score_many`); a test checks both against the Pipeline.
"""

from __future__ import annotations

from collections import Counter
from itertools import repeat

import numpy as np
import scipy.sparse as sp

from service.model.archive import ArchiveTopics
from service.model.features import CharTfidf, ModelView, PolicyTermFeatures, ViewTfidf, char_codes, count_matrix, prepare_document
from service.text.article import Article


def _normalized(indices: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    norm = np.sqrt(values @ values)
    return indices, (values / norm if norm > 0 else values)


class CompiledScorer:
    """Decision values of the primary model and the theme-presence models for documents."""

    def __init__(self, pipeline) -> None:
        self.prepare = pipeline.named_steps["prepare"]
        union = pipeline.named_steps["features"]
        weights = union.transformer_weights or {}
        self.views = []
        offset = 0
        for name, transformer in union.transformer_list:
            size = len(transformer.get_feature_names_out())
            self.views.append((transformer, offset, float(weights.get(name, 1.0))))
            offset += size
        self._body_views()
        estimator = pipeline.steps[-1][1]
        rows = [estimator.primary_.coef_]
        biases = [estimator.primary_.intercept_]
        self.presence_rows = []
        for model in estimator.presence_:
            if model is None:
                self.presence_rows.append(None)
                continue
            self.presence_rows.append(sum(len(r) for r in rows))
            rows.append(model.coef_)
            biases.append(model.intercept_)
        self.weights = np.ascontiguousarray(np.vstack(rows).T)  # (features, outputs): rows gathered per document
        self.bias = np.concatenate(biases)
        self.n_classes = len(estimator.classes_)
        if "other" in estimator.classes_:  # the prior correction, as a logit offset
            self.bias[list(estimator.classes_).index("other")] += estimator.log_other_weight

    def _body_views(self) -> None:
        """One dictionary over every word a view of the whole text reads (``words``, the archive's words,
        topics): a document's words are looked up once, then each view's columns gathered with NumPy."""
        vocabularies = [self._vocabulary(t) for t, _, _ in self.views if self._reads_body(t)]
        merged: dict[str, int] = {}
        for vocabulary in vocabularies:
            for word in vocabulary:
                merged.setdefault(word, len(merged))
        self._merged = merged
        self._columns = {}  # id(view) → column of each merged word in that view (-1: not in it)
        for transformer, _, _ in self.views:
            if self._reads_body(transformer):
                vocabulary = self._vocabulary(transformer)
                columns = np.full(len(merged), -1, dtype=np.int64)
                columns[[merged[w] for w in vocabulary]] = list(vocabulary.values())
                self._columns[id(transformer)] = columns

    @staticmethod
    def _vocabulary(transformer) -> dict[str, int]:
        return transformer.vocabulary_ if isinstance(transformer, ViewTfidf) else transformer.vocabulary

    @staticmethod
    def _reads_body(transformer) -> bool:
        return isinstance(transformer, ArchiveTopics) or (isinstance(transformer, ViewTfidf) and transformer.view == "body")

    def _features(self, doc: ModelView) -> tuple[np.ndarray, np.ndarray]:  # noqa: C901 - one branch a kind of view
        parts_i, parts_v = [], []
        body = Counter(doc.body)  # the document's words counted and looked up once for every view that reads them
        merged = np.fromiter(map(self._merged.get, body, repeat(-1)), dtype=np.int64, count=len(body))
        counts = np.fromiter(body.values(), dtype=np.float64, count=len(body))
        known = merged >= 0
        merged, tf = merged[known], 1.0 + np.log(counts[known])
        for transformer, offset, weight in self.views:
            if self._reads_body(transformer):
                columns = self._columns[id(transformer)][merged]
                hit = columns >= 0
                idx, view_tf = columns[hit], tf[hit]
                if isinstance(transformer, ArchiveTopics):
                    row = transformer.row_of_tf(idx, view_tf)
                    idx = np.flatnonzero(row)
                    vals = row[idx]
                else:
                    idx, vals = _normalized(idx, view_tf * transformer.idf_[idx])
            elif isinstance(transformer, ViewTfidf):
                words = Counter(doc.head)
                if transformer.view != "head":
                    raise ValueError(f"unknown view {transformer.view!r}; expected head or body")
                found = [(i, c) for i, c in zip(map(transformer.vocabulary_.get, words), words.values()) if i is not None]
                idx = np.fromiter((i for i, _ in found), dtype=np.int64, count=len(found))
                head_counts = np.fromiter((c for _, c in found), dtype=np.float64, count=len(found))
                idx, vals = _normalized(idx, (1.0 + np.log(head_counts)) * transformer.idf_[idx])
            elif isinstance(transformer, CharTfidf):
                pieces_i, pieces_v, local = [], [], 0
                for n, vocab in zip(transformer._lengths(), transformer.codes_):
                    codes, _ = char_codes(doc.text, n)
                    if len(vocab) and len(codes):
                        pos = np.minimum(np.searchsorted(vocab, codes), len(vocab) - 1)
                        hit, counts = np.unique(pos[vocab[pos] == codes], return_counts=True)
                        pieces_i.append(hit + local)
                        pieces_v.append((1.0 + np.log(counts)) * transformer.idf_[hit + local])
                    local += len(vocab)
                if not pieces_i:
                    continue
                idx, vals = _normalized(np.concatenate(pieces_i), np.concatenate(pieces_v))
            elif isinstance(transformer, PolicyTermFeatures):
                row = transformer.row(doc)
                idx = np.flatnonzero(row)
                vals = row[idx]
            else:
                raise TypeError(f"cannot compile feature step {type(transformer).__name__}")
            parts_i.append(idx + offset)
            parts_v.append(vals * weight)
        if not parts_i:
            return np.empty(0, dtype=np.int64), np.empty(0)
        return np.concatenate(parts_i), np.concatenate(parts_v)

    def score_many(self, docs: list) -> tuple[np.ndarray, np.ndarray, sp.csr_matrix]:
        """:meth:`score` of many articles or composed documents at once: (primary probabilities, one row a
        document; presence probabilities; the weighted feature rows). Each view makes its rows as in the
        Pipeline, but the words every view of the whole text reads are counted and looked up once."""
        views = [prepare_document(doc, self.prepare.tokenizer) for doc in docs]
        body = count_matrix([v.body for v in views], self._merged).tocoo()
        blocks = []
        for transformer, _, weight in self.views:
            if self._reads_body(transformer):
                columns = self._columns[id(transformer)][body.col]
                kept = columns >= 0
                shape = (len(views), len(self._vocabulary(transformer)))
                counts = sp.csr_matrix((body.data[kept], (body.row[kept], columns[kept])), shape=shape)
                block = transformer.rows_of_counts(counts)
            else:
                block = transformer.transform(views)
            blocks.append(block * weight)
        features = sp.hstack(blocks, format="csr")
        z = np.asarray(features @ self.weights) + self.bias
        logits = z[:, : self.n_classes]
        proba = np.exp(logits - logits.max(axis=1, keepdims=True))
        proba /= proba.sum(axis=1, keepdims=True)
        presence = np.zeros((len(views), len(self.presence_rows)))
        for j, row in enumerate(self.presence_rows):
            if row is not None:
                presence[:, j] = 1.0 / (1.0 + np.exp(-z[:, row]))
        return proba, presence, features

    def score(self, doc: str | Article) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(primary probabilities in the estimator's class order, presence probabilities in the
        estimator's ``themes_`` order, feature indices, feature values) of one article or composed document."""
        idx, vals = self._features(prepare_document(doc, self.prepare.tokenizer))
        z = vals @ self.weights[idx] + self.bias
        logits = z[: self.n_classes]
        proba = np.exp(logits - logits.max())
        proba /= proba.sum()
        presence = np.zeros(len(self.presence_rows))
        for j, row in enumerate(self.presence_rows):
            if row is not None:
                presence[j] = 1.0 / (1.0 + np.exp(-z[row]))
        return proba, presence, idx, vals
