"""Calibrated confidence: temperatures fitted on out-of-fold probabilities at training time,
and reliability figures (expected calibration error, reliability table).

Method: temperature scaling by primary label ("top-label" temperature scaling). A row whose
argmax is label k gets ``softmax(logits / T_k)``; each ``T_k`` minimises the negative
log-likelihood of the out-of-fold predictions whose argmax is k (the logits are recovered as
``log p`` after the ``other`` prior correction, as at prediction time). Training stores
``params["temperature"] = {label: T_k}`` in the version's metadata; the service applies it
with :func:`service.model.estimator.calibrate`; a version without it serves unchanged.

Why temperatures, and why one per primary label:

* Dividing a row's logits by a positive number keeps its argmax, so the primary label,
  accuracy and macro-F1 are exactly those of the uncalibrated model: calibration cannot cost
  quality (per-class biases or vector scaling move the argmax; fitted by likelihood on the
  training mix they undo the ``other`` prior correction and lower macro-F1 on both
  development sets).
* ``scores`` stay a whole probability distribution over the model's labels (summing to 1),
  computed by one function for the compiled scorer and the vectorised Pipeline path.
  Isotonic regression on the top score would calibrate ``confidence`` alone and leave the
  other four scores to be rescaled by hand; with about 80 held-out errors in 1,756 examples
  its steps overfit and make many articles tie on confidence.
* One temperature for all rows is not enough: the ``other`` prior correction (a factor
  below 1 on P(other)) takes probability from ``other`` in every row, so rows answered
  ``other`` are much more under-confident than rows answered with a theme (held-out
  temperatures about 0.4 against 0.7 to 0.9). One temperature fitted on all rows
  (about 0.65) leaves ``other`` answers under-confident and theme answers over-confident,
  and the expected calibration error on real news stays above 0.03.
* One parameter a label, fitted on 250 to 600 held-out predictions each, is stable; a label with fewer
  than ``MIN_ROWS`` predictions or ``MIN_ERRORS`` errors (small training sets) gets the
  temperature fitted on all rows instead (with no error, the likelihood would push its
  temperature to the bound).

The "after" figures of training are measured on the same out-of-fold predictions the
temperatures were fitted on (slightly optimistic); "cross_fitted" fits them on the other
folds' predictions for each fold, an honest estimate.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize_scalar

from service.labels import LABELS
from service.model.estimator import calibrate

N_BINS = 10
T_BOUNDS = (0.05, 20.0)
MIN_ROWS = 50
MIN_ERRORS = 5
METHOD = "temperature by primary label"


def negative_log_likelihood(proba: np.ndarray, truth: np.ndarray, temperature: float) -> float:
    """Mean negative log-likelihood of the true columns ``truth`` under temperature ``T``."""
    logp = _log_softmax(_logits(proba) / temperature)
    return float(-logp[np.arange(len(truth)), truth].mean())


def fit_temperature(proba: np.ndarray, truth: np.ndarray) -> float:
    """The temperature that minimises the negative log-likelihood of held-out probabilities
    ``proba`` (rows: examples) for the true column indices ``truth``; rounded to 4 digits."""
    proba, truth = np.asarray(proba, dtype=float), np.asarray(truth, dtype=int)
    if len(truth) == 0:
        return 1.0
    logits = _logits(proba)
    rows = np.arange(len(truth))

    def nll(log_t: float) -> float:
        return float(-_log_softmax(logits / np.exp(log_t))[rows, truth].mean())

    lo, hi = np.log(T_BOUNDS[0]), np.log(T_BOUNDS[1])
    found = minimize_scalar(nll, bounds=(lo, hi), method="bounded", options={"xatol": 1e-6})
    return round(float(np.exp(found.x)), 4)


def fit_label_temperatures(proba: np.ndarray, truth: np.ndarray, labels: list[str] | tuple = LABELS) -> dict[str, float]:
    """``{label: T}``: for each label, the temperature fitted on the rows whose argmax it is
    (the temperature of all rows where they are too few or hold too few errors)."""
    proba, truth = np.asarray(proba, dtype=float), np.asarray(truth, dtype=int)
    overall = fit_temperature(proba, truth)
    top = proba.argmax(axis=1) if len(proba) else np.zeros(0, dtype=int)
    out = {}
    for k, label in enumerate(labels):
        rows = top == k
        errors = int((truth[rows] != k).sum())
        out[label] = fit_temperature(proba[rows], truth[rows]) if rows.sum() >= MIN_ROWS and errors >= MIN_ERRORS else overall
    return out


def calibrate_out_of_fold(proba: np.ndarray, truth, folds: int = 5, seed: int = 0, labels: tuple[str, ...] = LABELS) -> tuple[dict[str, float], dict]:
    """Fit the temperatures on out-of-fold probabilities (columns in ``LABELS`` order) for the
    true labels ``truth`` (label names or column indices) and measure reliability: before, after
    (same rows) and cross-fitted (each fold calibrated by temperatures fitted on the other
    folds). Returns (temperatures, report)."""
    from sklearn.model_selection import StratifiedKFold

    truth = [labels.index(t) if isinstance(t, str) else t for t in truth]
    proba, truth = np.asarray(proba, dtype=float), np.asarray(truth, dtype=int)
    temperatures = fit_label_temperatures(proba, truth, labels)
    report = {
        "method": METHOD,
        "temperature": temperatures,
        "before": reliability(proba, truth),
        "after": reliability(calibrate(proba, temperatures, list(labels)), truth),
    }
    counts = np.bincount(truth, minlength=len(labels))
    if folds >= 2 and counts[counts > 0].min() >= folds:
        crossed = np.zeros_like(proba)
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed + 1)
        for fit_rows, test_rows in splitter.split(np.zeros(len(truth)), truth):
            crossed[test_rows] = calibrate(proba[test_rows], fit_label_temperatures(proba[fit_rows], truth[fit_rows], labels), list(labels))
        report["cross_fitted"] = reliability(crossed, truth)
    return temperatures, report


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = N_BINS) -> float:
    """ECE with ``bins`` equal-width bins on [0, 1]: the count-weighted mean gap between the mean
    confidence and the accuracy of each bin."""
    table = reliability_table(confidence, correct, bins)
    n = sum(row["n"] for row in table)
    if n == 0:
        return 0.0
    return float(sum(row["n"] * abs(row["confidence"] - row["accuracy"]) for row in table if row["n"]) / n)


def reliability_table(confidence: np.ndarray, correct: np.ndarray, bins: int = N_BINS) -> list[dict]:
    """Per equal-width confidence bin [lo, hi) (the last includes 1.0): the count, mean
    confidence and accuracy (both 0.0 where the bin is empty)."""
    confidence = np.asarray(confidence, dtype=float)
    correct = np.asarray(correct, dtype=float)
    which = np.clip((confidence * bins).astype(int), 0, bins - 1)
    table = []
    for b in range(bins):
        mask = which == b
        n = int(mask.sum())
        table.append(
            {
                "lo": round(b / bins, 4),
                "hi": round((b + 1) / bins, 4),
                "n": n,
                "confidence": float(confidence[mask].mean()) if n else 0.0,
                "accuracy": float(correct[mask].mean()) if n else 0.0,
            }
        )
    return table


def reliability(proba: np.ndarray, truth: np.ndarray, bins: int = N_BINS) -> dict:
    """Calibration figures of the primary label: mean confidence, accuracy, ECE and the
    reliability table (rounded for reports)."""
    proba, truth = np.asarray(proba, dtype=float), np.asarray(truth, dtype=int)
    confidence = proba.max(axis=1) if len(proba) else np.zeros(0)
    correct = proba.argmax(axis=1) == truth if len(proba) else np.zeros(0, dtype=bool)
    table = reliability_table(confidence, correct, bins)
    return {
        "mean_confidence": round(float(confidence.mean()), 4) if len(confidence) else 0.0,
        "accuracy": round(float(correct.mean()), 4) if len(correct) else 0.0,
        "ece": round(expected_calibration_error(confidence, correct, bins), 4),
        "bins": [{**row, "confidence": round(row["confidence"], 4), "accuracy": round(row["accuracy"], 4)} for row in table],
    }


def reliability_text(figures: dict) -> str:
    """A reliability table as aligned text."""
    lines = [
        f"mean confidence {figures['mean_confidence']:.3f}  accuracy {figures['accuracy']:.3f}  ECE {figures['ece']:.3f}",
        f"{'confidence':<12}{'n':>6}{'mean conf':>11}{'accuracy':>10}",
    ]
    for row in figures["bins"]:
        if row["n"]:
            lines.append(f"{row['lo']:.1f}-{row['hi']:.1f}".ljust(12) + f"{row['n']:>6}{row['confidence']:>11.3f}{row['accuracy']:>10.3f}")
    return "\n".join(lines)


def _logits(proba: np.ndarray) -> np.ndarray:
    return np.log(np.clip(np.asarray(proba, dtype=float), 1e-300, None))


def _log_softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))
