import json
import shutil

import pytest

from service.labels import LABELS, THEMES
from service.model.artifact import ModelError, resolve_model_dir
from service.model.classifier import load_model
from service.text.bulletin import split_bulletin
from tests.conftest import ROOT, SEED_LABELS


def test_seed_articles_get_the_guide_labels(shipped_model, seed_text):
    articles = split_bulletin(seed_text)
    got = [shipped_model.classify(a.text, a.title) for a in articles]
    assert [p.theme for p in got] == [label for _, label, _ in SEED_LABELS]
    for p, (title, _, themes) in zip(got, SEED_LABELS, strict=False):
        assert themes <= set(p.themes), (title, p.themes)


def test_prediction_shape(shipped_model):
    p = shipped_model.classify("今天（5月8日），西部某省首个百万千瓦级光伏基地全容量并网发电，年发电量可达20亿千瓦时。", "光伏基地并网发电")
    assert p.theme == "energy" and p.theme_zh == "能源"
    assert list(p.scores) == list(LABELS)
    assert abs(sum(p.scores.values()) - 1) < 1e-3
    assert p.confidence == max(p.scores.values()) == p.scores["energy"]
    assert p.themes[0] == "energy" and set(p.themes) <= set(THEMES)
    assert p.evidence and all(e["weight"] > 0 for e in p.evidence)
    assert any(e["term"] in ("光伏", "并网", "发电", "千瓦时", "光伏基地") for e in p.evidence)


def test_other_has_no_evidence_and_no_primary_theme(shipped_model):
    p = shipped_model.classify("国家主席会见来访的外国总统，双方就双边关系和共同关心的国际地区问题交换意见。")
    assert p.theme == "other" and p.evidence == []


def test_model_metadata_records_what_a_user_needs(shipped_model):
    meta = shipped_model.metadata
    for key in ("version", "created", "data_hash", "label_counts", "metrics", "libraries", "files", "lexicon", "theme_thresholds"):
        assert key in meta, key
    assert meta["metrics"]["cv"]["macro_f1"] > 0.8
    assert set(meta["label_counts"]) == set(LABELS)
    size = sum((shipped_model.model_dir / name).stat().st_size for name in meta["files"])
    assert size <= 30 * 1024 * 1024


def test_current_names_the_shipped_version():
    version = (ROOT / "models" / "CURRENT").read_text().strip()
    assert resolve_model_dir(ROOT / "models").name == version


@pytest.fixture
def model_copy(tmp_path):
    target = tmp_path / "copy"
    shutil.copytree(resolve_model_dir(), target)
    return target


def test_tampered_model_file_is_refused(model_copy):
    with open(model_copy / "model.joblib", "ab") as f:
        f.write(b"\0")
    with pytest.raises(ModelError, match="sha256 mismatch"):
        load_model(model_copy)


def test_artifact_not_recorded_in_metadata_is_refused(model_copy):
    meta = json.loads((model_copy / "metadata.json").read_text())
    meta["files"] = {}
    (model_copy / "metadata.json").write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="records no model.joblib"):
        load_model(model_copy)


def test_missing_model_says_what_to_do(tmp_path):
    with pytest.raises(ModelError, match="zonedigest train"):
        load_model(tmp_path)


def test_compiled_scorer_matches_the_pipeline(shipped_model, seed_text):
    import numpy as np

    from service.model.features import compose

    docs = [compose(a.title, a.text) for a in split_bulletin(seed_text)]
    docs += [compose(None, "今年以来，全省新建高标准农田300万亩。"), compose("标题", ""), compose(None, "English only 2024")]
    pipeline = shipped_model.pipeline
    features = pipeline[:-1].transform(docs)
    expected_proba = pipeline[-1].predict_proba(features)
    expected_presence = pipeline[-1].presence_proba(features)
    for doc, proba, presence in zip(docs, expected_proba, expected_presence):
        got_proba, got_presence, _, _ = shipped_model._scorer.score(doc)
        assert np.allclose(got_proba, proba, atol=1e-9) and np.allclose(got_presence, presence, atol=1e-9)
    many_proba, many_presence, many_features = shipped_model._scorer.score_many(docs)  # all at once, as batches go
    assert np.allclose(many_proba, expected_proba, atol=1e-9) and np.allclose(many_presence, expected_presence, atol=1e-9)
    assert np.allclose(many_features.toarray(), features.toarray(), atol=1e-9)


def test_small_and_large_calls_give_the_same_predictions(shipped_model, seed_text):
    from service.model.classifier import COMPILED_MAX_DOCS
    from service.model.features import compose

    docs = [compose(a.title, a.text) for a in split_bulletin(seed_text)] * 3
    assert len(docs) > COMPILED_MAX_DOCS
    together = shipped_model.predict(docs)
    one_by_one = [shipped_model.predict([doc])[0] for doc in docs]
    for a, b in zip(together, one_by_one):
        assert a.theme == b.theme and a.themes == b.themes
        assert all(abs(a.scores[k] - b.scores[k]) < 1e-3 for k in a.scores)
        assert [e["term"] for e in a.evidence] == [e["term"] for e in b.evidence]
