"""Quality figures shared by cross-validation and evaluation."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

from service.labels import DEFAULT, LabelSet


def predicted_themes(proba: np.ndarray, presence: np.ndarray, thresholds: dict[str, float], labels: LabelSet = DEFAULT) -> list[list[str]]:
    """``themes`` lists: the primary theme plus every theme whose presence passes its threshold."""
    out = []
    for row, present in zip(proba, presence):
        primary = labels.ids[int(row.argmax())]
        out.append([t for j, t in enumerate(labels.themes) if t == primary or present[j] >= thresholds.get(t, 0.5)])
    return out


def classification_metrics(examples, proba: np.ndarray, presence: np.ndarray, thresholds: dict[str, float], labels: LabelSet = DEFAULT) -> dict:
    """Accuracy, macro-F1, per-class P/R/F1, themes micro-F1 and the confusion matrix (columns in ``labels`` order)."""
    LABELS, THEMES = labels.ids, labels.themes  # noqa: N806
    truth = [ex.label for ex in examples]
    pred = [LABELS[int(i)] for i in proba.argmax(axis=1)]
    p, r, f, s = precision_recall_fscore_support(truth, pred, labels=list(LABELS), zero_division=0)
    true_sets = np.array([[t in ex.themes for t in THEMES] for ex in examples])
    pred_sets = np.array([[t in row for t in THEMES] for row in predicted_themes(proba, presence, thresholds, labels)])
    return {
        "n": len(examples),
        "accuracy": round(float(accuracy_score(truth, pred)), 4),
        "macro_f1": round(float(f1_score(truth, pred, labels=list(LABELS), average="macro", zero_division=0)), 4),
        "themes_micro_f1": round(float(f1_score(true_sets, pred_sets, average="micro", zero_division=0)), 4),
        "per_class": {
            label: {"precision": round(float(p[i]), 4), "recall": round(float(r[i]), 4), "f1": round(float(f[i]), 4), "support": int(s[i])}
            for i, label in enumerate(LABELS)
        },
        "confusion": confusion_matrix(truth, pred, labels=list(LABELS)).tolist(),
    }
