"""The final step of the theme Pipeline: one primary label and the themes present.

Stored by reference in model artifacts: keep the class name.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted

from service.labels import THEMES


class ThemeEstimator(ClassifierMixin, BaseEstimator):
    """A multinomial logistic regression for the primary label, and one binary
    logistic regression per theme for "is this theme substantially present".

    Parameters
    ----------
    C : float
        Inverse regularisation strength of every logistic regression.
    class_weight : str or None
        Class weighting of the primary model ("balanced" or None).
    other_weight : float
        Factor on the probability of ``other`` before renormalising (a prior correction):
        hand-written training examples hold a third ``other``, real bulletins far more, and
        the model learns to fall back on ``other`` too readily. Training chooses it on
        held-out folds; 1.0 changes nothing.

    Attributes
    ----------
    classes_ : ndarray of str
        Primary labels, in the order of ``predict_proba``'s columns.
    primary_ : LogisticRegression
    presence_ : list of LogisticRegression or None
        One per theme in ``themes_`` order; None for a theme never (or always) present.
    themes_ : tuple of str
        The theme ids (``themes``, or the shipped four).
    """

    def __init__(self, C: float = 10.0, class_weight: str | None = "balanced", other_weight: float = 1.0, themes: tuple[str, ...] | None = None) -> None:
        self.C = C
        self.class_weight = class_weight
        self.other_weight = other_weight
        self.themes = themes

    def __setstate__(self, state: dict) -> None:
        state = {"themes": None, "themes_": THEMES, **state}  # versions saved before label sets
        super().__setstate__(state)

    def fit(self, X, y, themes=None):
        """Fit on features ``X``, labels ``y`` and, when given, ``themes`` (lists of theme ids)."""
        if not 0 < self.other_weight <= 10:
            raise ValueError(f"other_weight must be in (0, 10], got {self.other_weight!r}")
        self.primary_ = LogisticRegression(C=self.C, max_iter=3000, class_weight=self.class_weight).fit(X, y)
        self.classes_ = self.primary_.classes_
        self.themes_ = tuple(self.themes or THEMES)
        self.presence_ = []
        for theme in self.themes_:
            if themes is None:
                target = np.asarray(y) == theme
            else:
                target = np.array([theme in row for row in themes])
            if target.all() or not target.any():
                self.presence_.append(None)
                continue
            model = LogisticRegression(C=self.C, max_iter=3000, class_weight="balanced")
            self.presence_.append(model.fit(X, target))
        return self

    @property
    def coef_(self) -> np.ndarray:
        """Coefficients of the primary model (rows in ``classes_`` order)."""
        check_is_fitted(self, "primary_")
        return self.primary_.coef_

    def predict_proba(self, X) -> np.ndarray:
        """Probabilities of the primary labels, with ``other`` weighted by ``other_weight``."""
        check_is_fitted(self, "primary_")
        return reweight_other(self.primary_.predict_proba(X), list(self.classes_), self.log_other_weight)

    @property
    def log_other_weight(self) -> float:
        """``log(other_weight)``: added to the ``other`` logit, it is the same correction."""
        return float(np.log(getattr(self, "other_weight", 1.0)))  # models saved before the parameter: 1.0

    def predict(self, X) -> np.ndarray:
        """The primary label of each row."""
        return self.classes_[self.predict_proba(X).argmax(axis=1)]

    def presence_proba(self, X) -> np.ndarray:
        """Probability that each theme (columns in ``themes_`` order) is substantially present."""
        check_is_fitted(self, "presence_")
        out = np.zeros((X.shape[0], len(self.presence_)))
        for j, model in enumerate(self.presence_):
            if model is not None:
                out[:, j] = model.predict_proba(X)[:, 1]
        return out


def reweight_other(proba: np.ndarray, classes: list[str], log_weight: float) -> np.ndarray:
    """Rows of ``proba`` with the ``other`` column multiplied by ``exp(log_weight)``, renormalised."""
    if log_weight == 0.0 or "other" not in classes:
        return proba
    out = np.array(proba, dtype=float)
    out[:, classes.index("other")] *= np.exp(log_weight)
    return out / out.sum(axis=1, keepdims=True)


def temper(proba: np.ndarray, temperature) -> np.ndarray:
    """Rows of ``proba`` calibrated by ``temperature`` (a number, or one per row):
    ``softmax(log(proba) / temperature)``.

    The same as dividing the logits by the temperature (softmax is shift-invariant), so it
    keeps each row's argmax; 1.0 returns ``proba`` unchanged.
    """
    t = np.asarray(temperature, dtype=float)
    if t.ndim == 0 and float(t) == 1.0:
        return proba
    if not np.all(t > 0):
        raise ValueError(f"temperature must be positive, got {temperature!r}")
    p = np.asarray(proba, dtype=float)
    z = np.log(np.clip(p, 1e-300, None)) / (t[..., None] if t.ndim else t)
    z = z - z.max(axis=-1, keepdims=True)
    out = np.exp(z)
    return out / out.sum(axis=-1, keepdims=True)


def calibrate(proba: np.ndarray, temperature, classes: list[str]) -> np.ndarray:
    """Calibrated probabilities: ``temperature`` is None (unchanged), a number (every row), or
    ``{label: temperature}`` applied to each row by its argmax label (a label it lacks: 1.0).

    Training fits it on held-out folds (``training.calibration``) and stores it in the
    version's metadata ``params["temperature"]``; both prediction paths call this function.
    """
    return apply_temperatures(proba, label_temperatures(temperature, classes))


def label_temperatures(temperature, classes: list[str]) -> np.ndarray | float | None:
    """``temperature`` as :func:`apply_temperatures` takes it: one a column of ``classes`` for a dict."""
    if isinstance(temperature, dict):
        return np.array([float(temperature.get(label, 1.0)) for label in classes])
    return None if temperature is None else float(temperature)


def apply_temperatures(proba: np.ndarray, temperatures: np.ndarray | float | None) -> np.ndarray:
    """Rows of ``proba`` tempered by :func:`label_temperatures`'s result (an array: by each row's argmax)."""
    if temperatures is None:
        return proba
    if isinstance(temperatures, np.ndarray):
        return temper(proba, temperatures[np.asarray(proba).argmax(axis=-1)])
    return temper(proba, temperatures)
