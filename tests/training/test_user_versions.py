"""A user's training never writes into the shipped models/: versions go to var/models (configurable),
the served model follows them once one is live there, and models list compares like with like."""

import json
import subprocess

import pytest

from service.labels import DEFAULT, Label
from service.model.artifact import MODELS_DIR, resolve_model_dir
from tests.conftest import ROOT
from training.data import DATA_DIR, load_examples
from training.retrain import retrain

pytestmark = pytest.mark.slow


def test_a_users_first_version_goes_to_var_is_gated_against_the_shipped_one_and_is_served(tmp_path, monkeypatch):
    user = tmp_path / "var-models"
    monkeypatch.setenv("ZONEDIGEST_USER_MODELS_DIR", str(user))
    monkeypatch.delenv("ZONEDIGEST_MODEL_DIR", raising=False)
    shipped_before = sorted(p.name for p in MODELS_DIR.iterdir())
    shipped_live = resolve_model_dir()
    small = tmp_path / "small.jsonl"
    rows = [ex for label in DEFAULT.ids for ex in load_examples(DATA_DIR) if ex.label == label][::8]
    lines = (json.dumps({"id": e.id, "title": e.title, "text": e.text, "label": e.label, "themes": list(e.themes)}, ensure_ascii=False) for e in rows)
    small.write_text("\n".join(lines), encoding="utf-8")
    result = retrain(user, data=[small], folds=3, force=True)
    assert result.model_dir.parent == user and result.version == f"v{int(shipped_live.name[1:]) + 1}"
    assert result.report["parent"] == shipped_live.name and result.report["current"]  # compared with what was served
    assert sorted(p.name for p in MODELS_DIR.iterdir()) == shipped_before
    assert resolve_model_dir() == user / result.version
    status = subprocess.run(["git", "status", "--porcelain", "models"], cwd=ROOT, capture_output=True, text=True).stdout
    assert status == ""


def test_models_list_shows_the_old_labels_side_by_side_and_a_new_label_on_its_own(tmp_path):
    from click.testing import CliRunner

    from service.cli import cli
    from training.train import train_model

    models = tmp_path / "models"
    examples = [ex for label in DEFAULT.ids for ex in load_examples(DATA_DIR) if ex.label == label][::8]
    train_model(examples, models / "v1", folds=3)
    six = DEFAULT.with_label(Label("technology", "科技创新", "R&D.", ("研发", "专利")))
    tech = [ex for ex in load_examples(ROOT / "tests" / "data" / "technology_written.jsonl", labels=six)]
    train_model(examples + tech, models / "v2", folds=3, labels=six)
    out = CliRunner().invoke(cli, ["models", "list", "--models", str(models)]).output
    assert "labels every version has (agriculture, energy, investment, other, talent)" in out
    v2 = next(line for line in out.splitlines() if " v2 " in line)
    assert "technology F1" in v2 and "technology F1" not in next(line for line in out.splitlines() if " v1 " in line)
