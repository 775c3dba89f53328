import json

import numpy as np
import pytest

from service.labels import LABELS
from service.model.classifier import load_model
from service.model.estimator import calibrate, temper
from training.calibration import (
    calibrate_out_of_fold,
    expected_calibration_error,
    fit_label_temperatures,
    fit_temperature,
    reliability,
    reliability_table,
)
from training.data import DATA_DIR, load_examples
from training.train import train_model


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def synthetic(true_temperature, n=20000, seed=0):
    """Model probabilities softmax(z) for labels drawn from softmax(z / true_temperature)."""
    rng = np.random.default_rng(seed)
    z = rng.normal(0, 2.0, size=(n, len(LABELS)))
    truth_proba = softmax(z / true_temperature)
    truth = np.array([rng.choice(len(LABELS), p=row) for row in truth_proba])
    return softmax(z), truth


@pytest.mark.parametrize("true_temperature", [0.5, 1.0, 1.8])
def test_fitting_recovers_a_known_temperature(true_temperature):
    proba, truth = synthetic(true_temperature)
    assert fit_temperature(proba, truth) == pytest.approx(true_temperature, rel=0.06)


def test_per_label_temperatures_are_fitted_on_the_rows_of_each_label():
    proba, truth = synthetic(0.5, seed=1)
    _, sharper_truth = synthetic(0.25, seed=1)  # the same rows, labels drawn at temperature 0.25
    other = proba.argmax(axis=1) == LABELS.index("other")
    truth[other] = sharper_truth[other]
    temperatures = fit_label_temperatures(proba, truth)
    assert set(temperatures) == set(LABELS)
    assert temperatures["other"] == pytest.approx(0.25, rel=0.15)
    for label in LABELS[:-1]:
        assert temperatures[label] == pytest.approx(0.5, rel=0.1)


def test_a_label_with_too_few_rows_gets_the_overall_temperature():
    proba, truth = synthetic(0.7, n=400, seed=2)
    proba[:, 0] = 0.0  # talent never wins
    proba /= proba.sum(axis=1, keepdims=True)
    temperatures = fit_label_temperatures(proba, truth)
    assert temperatures["talent"] == fit_temperature(proba, truth)


def test_ece_of_a_perfectly_calibrated_set_is_about_zero():
    rng = np.random.default_rng(3)
    confidence = rng.uniform(0.2, 1.0, 200000)
    correct = rng.uniform(size=confidence.size) < confidence
    assert expected_calibration_error(confidence, correct) < 0.005


def test_ece_of_an_overconfident_set_is_large():
    rng = np.random.default_rng(4)
    confidence = rng.uniform(0.9, 1.0, 10000)
    correct = rng.uniform(size=confidence.size) < 0.6
    assert expected_calibration_error(confidence, correct) == pytest.approx(0.35, abs=0.02)


def test_reliability_table_has_ten_equal_bins():
    table = reliability_table(np.array([0.0, 0.05, 0.55, 0.95, 1.0]), np.array([0, 1, 1, 1, 0]))
    assert [(row["lo"], row["hi"]) for row in table] == [(i / 10, (i + 1) / 10) for i in range(10)]
    assert [row["n"] for row in table] == [2, 0, 0, 0, 0, 1, 0, 0, 0, 2]
    assert table[9]["confidence"] == pytest.approx(0.975) and table[9]["accuracy"] == 0.5
    figures = reliability(np.array([[0.9, 0.1], [0.2, 0.8]]), np.array([0, 0]))
    assert figures["accuracy"] == 0.5 and figures["mean_confidence"] == 0.85
    assert sum(row["n"] for row in figures["bins"]) == 2


def test_temperature_keeps_the_argmax_and_sums_to_one():
    proba, _ = synthetic(1.0, n=500, seed=5)
    for t in (0.3, 2.0):
        out = temper(proba, t)
        assert np.allclose(out.sum(axis=1), 1.0) and (out.argmax(axis=1) == proba.argmax(axis=1)).all()
    assert temper(proba, 1.0) is proba
    assert calibrate(proba, None, list(LABELS)) is proba
    per_label = {label: 0.5 if label == "other" else 2.0 for label in LABELS}
    out = calibrate(proba, per_label, list(LABELS))
    other = proba.argmax(axis=1) == LABELS.index("other")
    assert np.allclose(out[other], temper(proba[other], 0.5)) and np.allclose(out[~other], temper(proba[~other], 2.0))
    assert np.allclose(calibrate(proba[0], per_label, list(LABELS)), out[0])  # one row alone: the same numbers


def test_calibration_out_of_fold_reports_before_after_and_cross_fitted():
    proba, truth = synthetic(0.5, n=3000, seed=6)
    temperatures, report = calibrate_out_of_fold(proba, [LABELS[i] for i in truth])
    assert report["temperature"] == temperatures
    assert report["before"]["ece"] > 0.05
    assert report["after"]["ece"] < 0.02 and report["cross_fitted"]["ece"] < 0.03
    assert report["after"]["accuracy"] == report["before"]["accuracy"]


def test_a_trained_version_carries_its_calibration(tmp_path):
    examples = load_examples(DATA_DIR)
    small = [ex for label in LABELS for ex in [e for e in examples if e.label == label][:20]]
    result = train_model(small, tmp_path / "v-cal", folds=3)
    meta = json.loads((tmp_path / "v-cal" / "metadata.json").read_text())
    temperatures = meta["params"]["temperature"]
    assert set(temperatures) == set(LABELS) and all(t > 0 for t in temperatures.values())
    calibration = meta["metrics"]["cv"]["calibration"]
    assert calibration["temperature"] == temperatures
    assert {"before", "after"} <= set(calibration) and len(calibration["after"]["bins"]) == 10
    assert result.metadata == meta
    model = load_model(tmp_path / "v-cal")
    assert model.temperature == temperatures
    p = model.classify("某县举办人才招聘会，提供岗位500个，吸引高校毕业生1200人。")
    assert abs(sum(p.scores.values()) - 1) < 1e-3 and p.confidence == max(p.scores.values())


def test_evaluation_reports_reliability(shipped_model, tmp_path):
    from training.evaluate import evaluate, format_text, write_html

    examples = load_examples(DATA_DIR)[::40]
    report = evaluate(shipped_model, examples)
    figures = report["calibration"]
    assert 0 <= figures["ece"] <= 1 and sum(row["n"] for row in figures["bins"]) == len(examples)
    assert figures["accuracy"] == pytest.approx(report["accuracy"], abs=1e-4)
    assert "ECE" in format_text(report) and "reliability of confidence" in format_text(report)
    assert "id='calibration'" in write_html(report, tmp_path / "r.html").read_text(encoding="utf-8")
