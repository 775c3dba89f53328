import json

import numpy as np
import pytest
from click.testing import CliRunner

from service.cli import cli
from service.labels import LABELS
from service.model.classifier import load_model
from service.model.estimator import reweight_other
from service.text.bulletin import split_bulletin
from tests.conftest import ROOT, shared_file
from training.data import DATA_DIR, Example, load_examples
from training.train import choose_other_weight, choose_thresholds, train_model


@pytest.fixture(scope="module")
def small_examples():
    examples = load_examples(DATA_DIR)
    picked = []
    for label in LABELS:
        picked += [ex for ex in examples if ex.label == label][:12]
    return picked


def test_train_writes_a_verified_artifact(tmp_path, small_examples):
    result = train_model(small_examples, tmp_path / "v-small", folds=3)
    meta = json.loads((tmp_path / "v-small" / "metadata.json").read_text())
    assert meta["version"] == "v-small" and meta["n_examples"] == 60
    assert meta["label_counts"] == {label: 12 for label in sorted(LABELS)}
    assert set(meta["metrics"]["cv"]) >= {"accuracy", "macro_f1", "per_class", "confusion", "themes_micro_f1"}
    assert result.metadata == meta
    model = load_model(tmp_path / "v-small")
    assert model.version == "v-small"
    assert model.classify("某县举办人才招聘会，提供岗位500个。").theme in LABELS


def test_refuses_to_overwrite_a_version(tmp_path, small_examples):
    (tmp_path / "v1").mkdir()
    (tmp_path / "v1" / "model.joblib").write_bytes(b"x")
    with pytest.raises(FileExistsError):
        train_model(small_examples, tmp_path / "v1", folds=3)


def test_thresholds_follow_held_out_scores():
    import numpy as np

    from training.data import Example

    examples = [Example(str(i), "x", "energy", ("energy", "investment") if i < 5 else ("energy",)) for i in range(10)]
    presence = np.zeros((10, 4))
    presence[:, 2] = 0.9
    presence[:5, 1] = 0.35  # investment is a real second theme exactly where it scores 0.35
    presence[5:, 1] = 0.05
    thresholds = choose_thresholds(presence, examples)
    assert 0.05 < thresholds["investment"] <= 0.35
    assert thresholds["energy"] <= 0.9


def test_other_weight_is_chosen_on_held_out_scores():
    """Held-out scores where every theme story leans to other: a weight below 1 recovers them;
    on scores already right, 1.0 (no correction) is kept."""
    labels = ["talent"] * 10 + ["other"] * 10
    examples = [Example(f"e{i}", "文本", label) for i, label in enumerate(labels)]
    leaning = np.array([[0.40, 0.05, 0.05, 0.05, 0.45]] * 10 + [[0.10, 0.05, 0.05, 0.05, 0.75]] * 10)
    weight = choose_other_weight(leaning, examples)
    assert weight < 0.9
    assert [LABELS[i] for i in reweight_other(leaning, list(LABELS), np.log(weight)).argmax(axis=1)] == labels
    right = np.array([[0.80, 0.05, 0.05, 0.05, 0.05]] * 10 + [[0.05, 0.05, 0.05, 0.05, 0.80]] * 10)
    assert choose_other_weight(right, examples) == 1.0


def test_other_weight_scales_other_and_renormalises(small_examples):
    from training.train import build_pipeline, fit

    model = fit(build_pipeline(), small_examples)
    features = model[:-1].transform([ex.text for ex in small_examples[:20]])
    plain = model[-1].predict_proba(features)
    model[-1].set_params(other_weight=0.5)
    weighted = model[-1].predict_proba(features)
    other = list(model[-1].classes_).index("other")
    assert np.allclose(weighted.sum(axis=1), 1.0)
    assert (weighted[:, other] < plain[:, other]).all()
    odds = weighted[:, other] / (1 - weighted[:, other])
    assert np.allclose(odds, 0.5 * plain[:, other] / (1 - plain[:, other]))  # the odds of other halve
    del model[-1].other_weight  # a model saved before the parameter existed predicts as before
    assert np.allclose(model[-1].predict_proba(features), plain)


@pytest.mark.parametrize("weight", [0.0, -1.0, float("nan")])
def test_an_unusable_other_weight_is_refused(small_examples, weight):
    from training.train import build_pipeline, fit

    with pytest.raises(ValueError, match="other_weight"):
        fit(build_pipeline(other_weight=weight), small_examples)


def test_shipped_model_records_its_other_weight(shipped_model):
    assert 0.3 <= shipped_model.metadata["params"]["other_weight"] <= 1.0
    assert shipped_model.pipeline[-1].other_weight == shipped_model.metadata["params"]["other_weight"]


@pytest.mark.slow
def test_retraining_on_shipped_data_reproduces_the_shipped_model(tmp_path, shipped_model, seed_text):
    archive = []
    if shipped_model.metadata.get("unlabeled"):  # the rebuild command of its metadata, into tmp_path
        archive = ["--unlabeled", str(shared_file("data/archive_xwlb.jsonl.gz")), "--unlabeled", str(shared_file("data/archive_rmrb.jsonl.gz"))]
        archive += ["--exclude-ids", str(shared_file("data/heldout_ids.txt"))]
        if shipped_model.metadata.get("salience"):
            archive += ["--editor-picks", str(ROOT / "benchmarks" / "data" / "editor_picks.jsonl")]
        assert shipped_model.metadata["command"].split()[-len(archive) :][::2] == archive[::2]
    runner = CliRunner()
    result = runner.invoke(cli, ["train", str(DATA_DIR), "-o", str(tmp_path / "again"), *archive])
    assert result.exit_code == 0, result.output
    again = load_model(tmp_path / "again")
    assert again.metadata["data_hash"] == shipped_model.metadata["data_hash"]
    assert again.thresholds == shipped_model.thresholds
    shipped = shipped_model
    if "temperature" not in shipped.metadata["params"]:  # shipped before calibration: the same Pipeline, calibrated as again
        from service.model.classifier import ThemeClassifier

        params = {**shipped.metadata["params"], "temperature": again.temperature}
        shipped = ThemeClassifier(shipped.pipeline, {**shipped.metadata, "params": params}, shipped.model_dir)
    texts = [(a.title, a.text) for a in split_bulletin(seed_text)] + [(ex.title, ex.text) for ex in load_examples(DATA_DIR)[::25]]
    for title, text in texts:
        assert again.classify(text, title) == shipped.classify(text, title)
    assert again.metadata.get("salience") == shipped.metadata.get("salience")


def test_seed_terms_are_whole_in_the_documents_a_model_first_learns_from():
    """The first model trained in a process cuts its training documents with the seed terms too
    (they were added only after the documents were cut, so training and serving disagreed)."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    script = """
from service.labels import DEFAULT, Label
from training.data import Example
from training.train import build_pipeline, fit
term = "星链算力港"
labels = DEFAULT.with_label(Label("orbital", "星链", "", (term,)))
texts = [(f"第{i}号{term}今天投用，算力规模扩大。", "orbital") for i in range(6)] + [(f"第{i}届农民丰收节在县里举行。", "other") for i in range(6)]
examples = [Example(str(i), t, y, (y,) if y != "other" else (), "", "t") for i, (t, y) in enumerate(texts)]
pipeline = fit(build_pipeline(labels=labels, char_max_features=500), examples)
words = dict(pipeline.named_steps["features"].transformer_list)["words"]
print(term in words.vocabulary_)
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "True"
