"""Load a trained theme model and classify articles with it.

A model directory holds ``model.joblib`` and ``metadata.json``; the metadata records
the sha256 of every artifact file, and nothing is deserialised unless its hash
matches. ``models/CURRENT`` names the live version of a models directory.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from service.features import compose
from service.scorer import CompiledScorer
from service.themes import LABELS, NAMES_ZH, THEMES

MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
MODEL_FILE = "model.joblib"
FORMAT_VERSION = 1
EVIDENCE_VIEWS = ("words__", "head__")
COMPILED_MAX_DOCS = 16  # up to this many documents a call, the compiled scorer is faster


class ModelError(RuntimeError):
    """A model directory that cannot be used; the message says what to do."""


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
        """JSON-ready dict."""
        return asdict(self)

    def as_other(self) -> Prediction:
        """The same scores, answered ``other`` (for a text no theme can apply to)."""
        return Prediction("other", NAMES_ZH["other"], self.scores["other"], self.scores, [], [])


def resolve_model_dir(path: Path | str | None = None) -> Path:
    """A model version directory: ``path`` itself, or the version named by its ``CURRENT``.

    With no ``path``: ``$ZONEDIGEST_MODEL_DIR`` when set, else the shipped ``models/``.
    """
    if path is None:
        path = os.environ.get("ZONEDIGEST_MODEL_DIR") or MODELS_DIR
    path = Path(path)
    if (path / "CURRENT").is_file():
        version = (path / "CURRENT").read_text(encoding="utf-8").strip()
        path = path / version
    if not (path / "metadata.json").is_file():
        raise ModelError(f"no model at {path}: expected metadata.json (train one with `zonedigest train`)")
    return path


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_metadata(model_dir: Path) -> dict:
    """The model's metadata, checked for format version and file hashes."""
    try:
        metadata = json.loads((model_dir / "metadata.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"unreadable metadata in {model_dir}: {exc}") from None
    if metadata.get("format_version") != FORMAT_VERSION:
        raise ModelError(f"{model_dir}: model format {metadata.get('format_version')!r}, expected {FORMAT_VERSION}")
    files = metadata.get("files") or {}
    if MODEL_FILE not in files:
        raise ModelError(f"{model_dir}: metadata records no {MODEL_FILE}")
    for name, expected in files.items():
        path = model_dir / name
        if not path.is_file():
            raise ModelError(f"{model_dir}: missing artifact file {name}")
        if sha256_file(path) != expected:
            raise ModelError(f"{path}: sha256 mismatch, the file is corrupted or was changed; refusing to load it")
    return metadata


class ThemeClassifier:
    """A loaded model: classify documents into the five labels."""

    def __init__(self, pipeline, metadata: dict, model_dir: Path | None = None) -> None:
        self.pipeline = pipeline
        self.metadata = metadata
        self.model_dir = model_dir
        self.thresholds: dict[str, float] = metadata.get("theme_thresholds") or {t: 0.5 for t in THEMES}
        clf = pipeline.steps[-1][1]
        self._classes = list(clf.classes_)
        self._order = [self._classes.index(label) for label in LABELS]
        names = pipeline.named_steps["features"].get_feature_names_out()
        self._evidence_mask = np.array([n.startswith(EVIDENCE_VIEWS) for n in names])
        terms = [n.split("__", 1)[1] for n in names]
        self._evidence_mask &= np.array([" " not in t and t != "<num>" for t in terms])
        self._feature_terms = np.array(terms, dtype=object)
        self._coef = clf.coef_
        self._scorer = CompiledScorer(pipeline)

    @property
    def version(self) -> str:
        """Version string of this model."""
        return str(self.metadata.get("version", "unversioned"))

    def idf(self) -> dict[str, float]:
        """Inverse document frequency of the model's words (for summaries and keywords)."""
        words = dict(self.pipeline.named_steps["features"].transformer_list)["words"]
        return {term: float(words.idf_[i]) for term, i in words.vocabulary_.items()}

    def predict(self, docs: list[str], *, evidence: int = 5) -> list[Prediction]:
        """Predictions for documents made with :func:`service.features.compose`.

        A few documents go through the compiled scorer (no per-call validation cost); many
        go through the Pipeline's vectorised transforms. Both give the same numbers.
        """
        if len(docs) <= COMPILED_MAX_DOCS:
            scored = (self._scorer.score(doc) for doc in docs)
            rows = [(proba[self._order], presence, idx, vals) for proba, presence, idx, vals in scored]
        else:
            features = self.pipeline[:-1].transform(docs).tocsr()
            clf = self.pipeline.steps[-1][1]
            proba, presence = clf.predict_proba(features)[:, self._order], clf.presence_proba(features)
            spans = zip(features.indptr[:-1], features.indptr[1:])
            rows = [(proba[i], presence[i], features.indices[a:b], features.data[a:b]) for i, (a, b) in enumerate(spans)]
        return [self._prediction(*row, evidence) for row in rows]

    def _prediction(self, proba: np.ndarray, presence: np.ndarray, idx: np.ndarray, vals: np.ndarray, n_evidence: int) -> Prediction:
        theme = LABELS[int(proba.argmax())]
        scores = {label: round(float(p), 4) for label, p in zip(LABELS, proba)}
        found = {t: float(p) for t, p in zip(THEMES, presence) if t == theme or p >= self.thresholds.get(t, 0.5)}
        themes = sorted(found, key=lambda t: (t != theme, -found[t]))
        return Prediction(theme, NAMES_ZH[theme], scores[theme], scores, themes, self._evidence(idx, vals, theme, n_evidence))

    def classify(self, text: str, title: str | None = None) -> Prediction:
        """Prediction for one article."""
        return self.predict([compose(title, text)])[0]

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
        top = sorted(weights.items(), key=lambda kv: -kv[1])[:n]
        return [{"term": term, "weight": round(w, 4)} for term, w in top]


def load_model(model_dir: Path | str | None = None) -> ThemeClassifier:
    """Load and verify a model version (or a models directory's ``CURRENT``)."""
    import joblib

    model_dir = resolve_model_dir(model_dir)
    metadata = read_metadata(model_dir)
    try:
        pipeline = joblib.load(model_dir / MODEL_FILE)
    except Exception as exc:  # a hash-verified file that still fails to load
        raise ModelError(f"{model_dir / MODEL_FILE}: cannot load model ({type(exc).__name__}: {exc})") from None
    return ThemeClassifier(pipeline, metadata, model_dir)
