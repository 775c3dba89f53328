"""Train the theme model: the scikit-learn Pipeline, cross-validation and the artifact."""

from __future__ import annotations

import json
import platform
import tempfile
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion, Pipeline

from service.classifier import FORMAT_VERSION, MODEL_FILE, sha256_file
from service.features import PolicyTermFeatures, PrepareDocuments, ViewTfidf, compose
from service.lexicon import default_lexicon
from service.themes import LABELS, THEMES
from training.data import Example, data_hash
from training.metrics import classification_metrics

DEFAULT_PARAMS = {"C": 10.0, "char_max_features": 80000, "class_weight": "balanced"}


def build_pipeline(C: float = 10.0, char_max_features: int = 80000, class_weight: str | None = "balanced", char_ngrams: tuple[int, int] = (2, 3)) -> Pipeline:
    """The whole model: document preparation, four feature views, a logistic-regression classifier."""
    features = FeatureUnion(
        [
            ("words", ViewTfidf(view="body")),
            ("head", ViewTfidf(view="head")),
            ("chars", ViewTfidf(view="chars", ngram_range=tuple(char_ngrams), min_df=2, max_features=char_max_features)),
            ("terms", PolicyTermFeatures()),
        ]
    )
    clf = LogisticRegression(C=C, max_iter=3000, class_weight=class_weight)
    return Pipeline([("prepare", PrepareDocuments()), ("features", features), ("clf", clf)])


def documents(examples: list[Example]) -> list[str]:
    """Model inputs for examples."""
    return [compose(ex.title, ex.text) for ex in examples]


def out_of_fold_proba(examples: list[Example], params: dict, folds: int = 5, seed: int = 0) -> np.ndarray:
    """Class probabilities (columns in LABELS order) predicted by models that did not see each example."""
    docs = np.empty(len(examples), dtype=object)
    docs[:] = PrepareDocuments().transform(documents(examples))  # clean and tokenise once for all folds
    labels = np.array([ex.label for ex in examples])
    proba = np.zeros((len(examples), len(LABELS)))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train_idx, test_idx in splitter.split(docs, labels):
        model = build_pipeline(**params).fit(list(docs[train_idx]), labels[train_idx])
        order = [list(model.classes_).index(label) for label in LABELS]
        proba[test_idx] = model.predict_proba(list(docs[test_idx]))[:, order]
    return proba


def choose_thresholds(proba: np.ndarray, examples: list[Example]) -> dict[str, float]:
    """Per-theme score threshold for ``themes`` that maximises F1 on held-out folds."""
    thresholds = {}
    for j, theme in enumerate(THEMES):
        truth = np.array([theme in ex.themes for ex in examples])
        best = (0.0, 0.5)
        for thr in np.arange(0.10, 0.61, 0.02):
            predicted = (proba[:, j] >= thr) | (proba.argmax(axis=1) == j)
            best = max(best, (f1_score(truth, predicted, zero_division=0), -thr))
        thresholds[theme] = round(-best[1], 2)
    return thresholds


@dataclass
class TrainResult:
    """A written model version."""

    model_dir: Path
    metadata: dict


def library_versions() -> dict[str, str]:
    """Versions of the libraries that shape a model."""
    from importlib.metadata import version

    out = {"python": platform.python_version()}
    for name in ("scikit-learn", "numpy", "scipy", "joblib", "rjieba", "jieba"):
        try:
            out[name] = version(name)
        except Exception:  # noqa: BLE001 - a missing optional library is recorded as absent
            out[name] = "absent"
    return out


def train_model(
    examples: list[Example],
    out_dir: Path | str,
    *,
    params: dict | None = None,
    folds: int = 5,
    parent: str | None = None,
) -> TrainResult:
    """Cross-validate, fit on all examples, and write ``out_dir`` (model + metadata) atomically."""
    import joblib

    params = {**DEFAULT_PARAMS, **(params or {})}
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()):
        raise FileExistsError(f"{out_dir} exists and is not empty; choose a new version directory")
    proba = out_of_fold_proba(examples, params, folds=folds)
    thresholds = choose_thresholds(proba, examples)
    cv = classification_metrics(examples, proba, thresholds)
    model = build_pipeline(**params).fit(documents(examples), [ex.label for ex in examples])

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    tmp.chmod(0o755)
    joblib.dump(model, tmp / MODEL_FILE)
    lexicon = default_lexicon()
    metadata = {
        "format_version": FORMAT_VERSION,
        "version": out_dir.name,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "parent": parent,
        "params": params,
        "data_hash": data_hash(examples),
        "n_examples": len(examples),
        "label_counts": dict(sorted(Counter(ex.label for ex in examples).items())),
        "theme_thresholds": thresholds,
        "cv_folds": folds,
        "metrics": {"cv": cv},
        "lexicon": {"terms": len(lexicon), "sha256": lexicon.sha256},
        "libraries": library_versions(),
        "files": {MODEL_FILE: sha256_file(tmp / MODEL_FILE)},
    }
    (tmp / "metadata.json").write_text(json.dumps(metadata, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if out_dir.exists():
        out_dir.rmdir()
    tmp.rename(out_dir)
    return TrainResult(out_dir, metadata)
