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
