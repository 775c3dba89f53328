"""Calibrated confidence at prediction time: both scoring paths, and versions without it."""

import json
import shutil

import numpy as np
import pytest

from service.labels import LABELS
from service.model.artifact import resolve_model_dir
from service.model.classifier import COMPILED_MAX_DOCS, load_model
from service.model.features import compose
from service.text.bulletin import split_bulletin

TEMPERATURES = {"talent": 0.8, "investment": 0.9, "energy": 0.7, "agriculture": 0.75, "other": 0.4}


@pytest.fixture(scope="module")
def docs(seed_text):
    docs = [compose(a.title, a.text) for a in split_bulletin(seed_text)]
    docs += [compose(None, "今年以来，全省新建高标准农田300万亩。"), compose("标题", ""), compose(None, "English only 2024")]
    docs += [compose(None, "国家主席会见来访的外国总统，双方就双边关系交换意见。")]
    return docs * 2


def _copy_with_temperature(tmp_path_factory, name, temperature):
    """The shipped version with ``params["temperature"]`` set (None: removed, as in versions
    trained before calibration, e.g. v1)."""
    target = tmp_path_factory.mktemp(name) / name
    shutil.copytree(resolve_model_dir(), target)
    meta = json.loads((target / "metadata.json").read_text())
    meta["params"].pop("temperature", None)
    if temperature is not None:
        meta["params"]["temperature"] = temperature
    (target / "metadata.json").write_text(json.dumps(meta))
    return load_model(target)


@pytest.fixture(scope="module")
def calibrated_model(tmp_path_factory):
    return _copy_with_temperature(tmp_path_factory, "v-cal", TEMPERATURES)


@pytest.fixture(scope="module")
def uncalibrated_model(tmp_path_factory):
    return _copy_with_temperature(tmp_path_factory, "v-old", None)


def test_compiled_and_vectorised_paths_agree_with_calibration(calibrated_model, docs):
    assert len(docs) > COMPILED_MAX_DOCS
    together = calibrated_model.predict(docs)
    one_by_one = [calibrated_model.predict([doc])[0] for doc in docs]
    for a, b in zip(together, one_by_one, strict=True):
        assert a.theme == b.theme and a.themes == b.themes and a.confidence == pytest.approx(b.confidence, abs=1e-4)
        assert all(abs(a.scores[k] - b.scores[k]) <= 1e-4 for k in LABELS)
        assert abs(sum(a.scores.values()) - 1) < 1e-3 and a.confidence == max(a.scores.values())


def test_calibration_keeps_the_answer_and_changes_the_confidence(calibrated_model, uncalibrated_model, docs):
    plain = uncalibrated_model.predict(docs)
    calibrated = calibrated_model.predict(docs)
    for p, c in zip(plain, calibrated, strict=True):
        assert p.theme == c.theme and p.themes == c.themes and p.evidence == c.evidence
        z = np.log(np.clip([p.scores[k] for k in LABELS], 1e-12, None)) / TEMPERATURES[p.theme]
        expected = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
        assert np.allclose([c.scores[k] for k in LABELS], expected, atol=2e-3)
    assert np.mean([c.confidence for c in calibrated]) > np.mean([p.confidence for p in plain])


def test_a_version_without_calibration_serves_as_before(uncalibrated_model, docs):
    """No temperature in the metadata: scores are the Pipeline's probabilities, as before."""
    assert uncalibrated_model.temperature is None
    pipeline = uncalibrated_model.pipeline
    order = [list(pipeline.classes_).index(label) for label in LABELS]
    expected = pipeline[-1].predict_proba(pipeline[:-1].transform(docs))[:, order]
    for batch in (docs[:COMPILED_MAX_DOCS], docs):  # compiled, then vectorised
        for p, row in zip(uncalibrated_model.predict(batch), expected, strict=False):
            assert all(abs(p.scores[k] - v) <= 5.01e-5 for k, v in zip(LABELS, row, strict=True))
            assert p.theme == LABELS[int(row.argmax())]
