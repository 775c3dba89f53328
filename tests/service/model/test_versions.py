import shutil

import pytest

from service.model.artifact import ModelError, resolve_model_dir
from service.model.versions import current_version, list_versions, next_version, promote, rollback


@pytest.fixture
def models(tmp_path):
    shipped = resolve_model_dir()
    for version in ("v1", "v2"):
        shutil.copytree(shipped, tmp_path / version)
    (tmp_path / "CURRENT").write_text("v1\n")
    return tmp_path


def test_promote_rollback_and_list(models):
    assert next_version(models) == "v3"
    promote(models, "v2")
    assert current_version(models) == "v2" and resolve_model_dir(models).name == "v2"
    assert [v["version"] for v in list_versions(models) if v["current"]] == ["v2"]
    (models / "HISTORY").write_text("t\tv1\n" + (models / "HISTORY").read_text())
    assert rollback(models) == "v1" and current_version(models) == "v1"


def test_a_tampered_version_is_never_promoted(models):
    with open(models / "v2" / "model.joblib", "ab") as f:
        f.write(b"x")
    with pytest.raises(ModelError, match="sha256"):
        promote(models, "v2")
    assert current_version(models) == "v1"
    with pytest.raises(ModelError, match="no version"):
        promote(models, "v9")


def test_rollback_without_history_is_a_clear_error(models):
    with pytest.raises(ModelError, match="nothing to roll back"):
        rollback(models)


def test_a_version_from_before_the_rooms_and_label_sets_still_loads_and_serves(seed_text):
    """models/v1 was pickled with the old flat module paths (service.features ...) and has no
    label set or calibration in its metadata: the alias table and the defaults load it, and it
    answers as v2, its retraining under the new paths, does (same data, same Pipeline, uncalibrated)."""
    import numpy as np

    from service.model.artifact import LEGACY_MODULES
    from service.model.classifier import load_model
    from service.text.bulletin import split_bulletin
    from tests.conftest import ROOT

    old_dir = ROOT / "models" / "v1"
    raw = (old_dir / "model.joblib").read_bytes()
    assert any(name.encode() in raw for name in LEGACY_MODULES), "v1 names the old module paths"
    old, new = load_model(old_dir), load_model(ROOT / "models" / "v2")
    assert "labels" not in old.metadata and old.labels.ids == new.labels.ids and old.temperature is None
    for article in split_bulletin(seed_text):
        a, b = old.classify(article.text, article.title), new.classify(article.text, article.title)
        assert (a.theme, a.themes, a.evidence) == (b.theme, b.themes, b.evidence)
        assert np.isclose(sum(a.scores.values()), 1, atol=2e-3)
        assert a.confidence <= b.confidence + 1e-9  # every fitted temperature is below 1: calibration sharpens


class _RunsCode:
    """What a crafted model file holds: unpickling it would call a function of the attacker's choice."""

    def __init__(self, marker) -> None:
        self.marker = marker

    def __reduce__(self):
        import pathlib

        return (pathlib.Path.touch, (self.marker,))


def test_a_model_holding_anything_but_a_models_types_is_refused_before_it_runs(tmp_path):
    import json

    import joblib
    import pytest

    from service.model.artifact import ModelError, sha256_file
    from service.model.classifier import load_model

    marker = tmp_path / "ran"
    version = tmp_path / "v9"
    version.mkdir()
    joblib.dump({"pipeline": _RunsCode(marker)}, version / "model.joblib")
    meta = {"format_version": 2, "version": "v9", "files": {"model.joblib": sha256_file(version / "model.joblib")}}
    (version / "metadata.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelError, match="pathlib.Path.touch, which no zonedigest model is made of"):
        load_model(version)
    assert not marker.exists()
