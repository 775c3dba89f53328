"""Classify articles with a loaded theme model: primary theme, scores, themes present, evidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from service.labels import LabelSet
from service.model.artifact import load_pipeline, read_metadata, resolve_model_dir
from service.model.estimator import apply_temperatures, label_temperatures
from service.model.features import PolicyTermFeatures
from service.model.scorer import CompiledScorer
from service.text.article import Article
from service.text.tokenizer import Tokenizer

EVIDENCE_VIEWS = ("words__", "head__")
COMPILED_MAX_DOCS = 16  # up to this many documents a call, one by one; more, all at once


@dataclass
class Prediction:
    """The theme of one article and why."""

    theme: str
    theme_zh: str
    confidence: float
    scores: dict[str, float]
    themes: list[str]
    evidence: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        """JSON-ready dict (fresh containers: the caller may change them)."""
        return {
            "theme": self.theme,
            "theme_zh": self.theme_zh,
            "confidence": self.confidence,
            "scores": dict(self.scores),
            "themes": list(self.themes),
            "evidence": [dict(e) for e in self.evidence],
        }

    def as_other(self, name_zh: str = "其他") -> Prediction:
        """``other`` for a text no theme can apply to (no Chinese in it): every score on ``other``,
        so that the theme agrees with the scores."""
        scores = {label: float(label == "other") for label in self.scores}
        return Prediction("other", name_zh, 1.0, scores, [], [])


class ThemeClassifier:
    """A loaded model: classify documents into the labels of its label set."""

    def __init__(self, pipeline, metadata: dict, model_dir: Path | None = None) -> None:
        self.pipeline = pipeline
        self.metadata = metadata
        self.model_dir = model_dir
        self.labels = LabelSet.from_json(metadata.get("labels"))  # the shipped five for versions from before label sets
        self.thresholds: dict[str, float] = metadata.get("theme_thresholds") or {t: 0.5 for t in self.labels.themes}
        # Calibration fitted at training time (training/calibration.py); absent in older versions.
        self.temperature = (metadata.get("params") or {}).get("temperature")
        self._temperatures = label_temperatures(self.temperature, self.labels.ids)  # once, not per document
        clf = pipeline.steps[-1][1]
        self._classes = list(clf.classes_)
        self._order = [self._classes.index(label) for label in self.labels.ids]
        self._themes = tuple(getattr(clf, "themes_", self.labels.themes))
        names = pipeline.named_steps["features"].get_feature_names_out()
        self._evidence_mask = np.array([n.startswith(EVIDENCE_VIEWS) for n in names])
        terms = [n.split("__", 1)[1] for n in names]
        self._evidence_mask &= np.array([" " not in t and t != "<num>" for t in terms])
        self._feature_terms = np.array(terms, dtype=object)
        self._coef = clf.coef_
        prepare = pipeline.named_steps["prepare"]
        if not prepare.terms and labels_terms(pipeline):  # a version saved when only the term counts held its seed terms
            prepare.terms = labels_terms(pipeline)
        self._tokenizer = prepare.tokenizer
        self._scorer = CompiledScorer(pipeline)

    @property
    def tokenizer(self) -> Tokenizer:
        """The tokenizer this version's articles are cut with (its themes' seed terms kept whole)."""
        return self._tokenizer

    def article(self, text: str, title: str | None = None) -> Article:
        """``text`` prepared once for this model, its summary and keywords."""
        return Article(text, title, tokenizer=self.tokenizer)

    @property
    def version(self) -> str:
        """Version string of this model."""
        return str(self.metadata.get("version", "unversioned"))

    def idf(self) -> dict[str, float]:
        """Inverse document frequency of the model's words (for summaries and keywords)."""
        words = dict(self.pipeline.named_steps["features"].transformer_list)["words"]
        return {term: float(words.idf_[i]) for term, i in words.vocabulary_.items()}

    def predict(self, docs: list[str | Article], *, evidence: int = 5) -> list[Prediction]:
        """Predictions for articles (:meth:`article`) or documents made with :func:`service.model.features.compose`.

        The compiled scorer computes what the Pipeline would (a test holds them together) without
        scikit-learn's per-call validation: a few documents one by one, many in one set of array
        operations. Probabilities are calibrated by the version's temperatures
        (:func:`service.model.estimator.calibrate`).
        """
        if len(docs) <= COMPILED_MAX_DOCS:
            scored = (self._scorer.score(doc) for doc in docs)
            rows = [(apply_temperatures(proba[self._order], self._temperatures), presence, idx, vals) for proba, presence, idx, vals in scored]
        else:
            proba, presence, features = self._scorer.score_many(docs)
            proba = apply_temperatures(proba[:, self._order], self._temperatures)
            spans = zip(features.indptr[:-1], features.indptr[1:])
            rows = [(proba[i], presence[i], features.indices[a:b], features.data[a:b]) for i, (a, b) in enumerate(spans)]
        return [self._prediction(*row, evidence) for row in rows]

    def _prediction(self, proba: np.ndarray, presence: np.ndarray, idx: np.ndarray, vals: np.ndarray, n_evidence: int) -> Prediction:
        labels = self.labels
        theme = labels.ids[int(proba.argmax())]
        scores = {label: round(float(p), 4) for label, p in zip(labels.ids, proba)}
        found = {t: float(p) for t, p in zip(self._themes, presence) if t == theme or p >= self.thresholds.get(t, 0.5)}
        themes = sorted(found, key=lambda t: (t != theme, -found[t]))
        return Prediction(theme, labels.name_zh(theme), scores[theme], scores, themes, self._evidence(idx, vals, theme, n_evidence))

    def classify(self, text: str, title: str | None = None) -> Prediction:
        """Prediction for one article."""
        return self.predict([self.article(text, title)])[0]

    def _evidence(self, idx: np.ndarray, vals: np.ndarray, theme: str, n: int) -> list[dict]:
        """The terms of a document that pushed most toward ``theme`` (none for ``other``)."""
        if n <= 0 or theme == "other":
            return []
        keep = self._evidence_mask[idx]
        idx, vals = idx[keep], vals[keep]
        contribution = vals * self._coef[self._classes.index(theme)][idx]
        weights: dict[str, float] = {}
        for term, value in zip(self._feature_terms[idx], contribution):
            if value > 0:
                weights[term] = weights.get(term, 0.0) + float(value)
        top = sorted(weights.items(), key=lambda kv: (-round(kv[1], 9), kv[0]))[:n]  # equal weights in the terms' order, whichever path scored
        return [{"term": term, "weight": round(w, 4)} for term, w in top]


def labels_terms(pipeline) -> tuple[str, ...]:
    """The seed terms a version's policy-term counts hold (its themes' own terms; none for the shipped five)."""
    for _, step in pipeline.named_steps["features"].transformer_list:
        if isinstance(step, PolicyTermFeatures):
            return tuple(step.extra_terms or ())
    return ()


def load_model(model_dir: Path | str | None = None) -> ThemeClassifier:
    """Load and verify a model version (or a models directory's ``CURRENT``)."""
    model_dir = resolve_model_dir(model_dir)
    metadata = read_metadata(model_dir)
    return ThemeClassifier(load_pipeline(model_dir), metadata, model_dir)
