"""The label set as data: its rules, the examples store's copy, the tokenizer's seed terms."""

import pytest

from service.examples.record import DataError, validate_record
from service.examples.store import ExamplesStore
from service.labels import DEFAULT, Label, LabelSet, check_label_id

TECH = Label("technology", "科技创新", "R&D", ("研发", "科技成果转化"))


def test_a_label_set_keeps_other_last_and_round_trips_as_json():
    labels = DEFAULT.with_label(TECH)
    assert labels.ids == ("talent", "investment", "energy", "agriculture", "technology", "other")
    assert labels.themes == labels.ids[:-1] and labels.name_zh("technology") == "科技创新"
    assert LabelSet.from_json(labels.to_json()) == labels and LabelSet.from_json(None) == DEFAULT
    assert labels.extra_terms() == {"研发": ("technology",), "科技成果转化": ("technology",)}
    renamed = labels.with_label(Label("technology", "科技", "", ()))
    assert renamed.ids == labels.ids and renamed["technology"].name_zh == "科技"
    with pytest.raises(ValueError, match="always part"):
        labels.without("other")
    with pytest.raises(ValueError, match="end with 'other'"):
        LabelSet((TECH,))
    for bad in ("Tech", "t", "科技", "tech-1", ""):
        with pytest.raises(ValueError, match="lower-case"):
            check_label_id(bad)


def test_examples_are_checked_against_the_label_set():
    record = {"id": "a", "text": "某高新区重点实验室获批。", "label": "technology"}
    with pytest.raises(DataError, match="unknown label 'technology'.*themes add"):
        validate_record(record, "f", 1)
    example = validate_record(record, "f", 1, DEFAULT.with_label(TECH))
    assert example.themes == ("technology",)
    with pytest.raises(DataError, match="bad themes"):
        validate_record({**record, "themes": ["technology", "ecology"]}, "f", 1, DEFAULT.with_label(TECH))


def test_the_store_adds_renames_and_removes_labels_with_its_examples(tmp_path):
    store = ExamplesStore(tmp_path / "z.db")
    assert store.label_set() == DEFAULT
    labels = store.add_label("technology", "科技创新", "R&D", ["研发", " 专利 ", "研发"])
    assert store.label_set() == labels and labels["technology"].terms == ("研发", "专利")
    with pytest.raises(ValueError, match="Chinese name"):
        store.add_label("ecology", " ")
    with pytest.raises(ValueError, match="one word"):
        store.add_label("ecology", "生态", terms=["生态 修复"])
    example = validate_record({"id": "t1", "text": "联合实验室揭牌，研发投入8600万元。", "label": "technology"}, "api", 1, labels)
    store.add([example], source="api")
    with pytest.raises(ValueError, match="still use technology"):
        store.remove_label("technology")
    store.rename_label("technology", "scitech")
    assert store.label_set().ids[-2:] == ("scitech", "other")
    assert [(e.label, e.themes) for e in store.examples()] == [("scitech", ("scitech",))]
    with pytest.raises(ValueError, match="exists already"):
        store.rename_label("scitech", "talent")
    store.remove([e.id for e in store.examples()])
    assert "scitech" not in store.remove_label("scitech")


def test_seed_terms_reach_only_the_tokenizer_of_the_model_that_brings_them():
    from service.text.tokenizer import cut, tokenizer_for

    text = "园区碳化硅衬底片实现量产"
    assert "碳化硅衬底片" in tokenizer_for(["碳化硅衬底片"]).cut(text)
    assert tokenizer_for(["碳化硅衬底片"]) is tokenizer_for(("碳化硅衬底片",))  # one dictionary per set of terms
    assert "碳化硅衬底片" not in cut(text)  # the default tokenizer never gains them
    assert "碳化硅衬底片" not in tokenizer_for(["氮化镓外延片"]).cut(text)


def test_the_batch_report_shows_a_label_of_the_users_own(tmp_path):
    import json

    from service.batch.report import write_report

    rows = [{"id": str(i), "theme": t, "theme_zh": z, "confidence": 0.9, "keywords": [{"term": "研发"}], "summary": "摘要"}
            for i, (t, z) in enumerate([("technology", "科技创新"), ("other", "其他"), ("talent", "人才")])]  # fmt: skip
    source = tmp_path / "scored.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    records, skipped = write_report(source, tmp_path / "report.html")
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert (records, skipped) == (3, 0) and "technology 科技创新" in page and page.index("talent 人才") < page.index("technology") < page.index("other 其他")


def test_suggest_for_a_new_label_picks_its_candidates_before_the_rest(shipped_model):
    from service.batch.inputs import Record
    from service.examples.suggest import suggest_for_label
    from tests.service.batch.test_batch import ARTICLES

    tech = [
        "高新区新建重点实验室，研发投入增长两成，发明专利授权58件，三项科技成果转化落地。",
        "县科技局发放科技创新券，支持企业与高校共建研发中心，攻关关键核心技术。",
        "园区孵化器新入驻科技型企业12家，研发人员占比过半，申请专利40余件。",
    ]
    records = [Record(f"n{i}", text + f"（第{i}条）", title or None) for i, (_, title, text) in enumerate(ARTICLES * 3)]
    records += [Record(f"t{i}", text) for i, text in enumerate(tech)]
    picked = suggest_for_label(records, shipped_model, 4, "technology", ("研发", "专利", "科技成果转化", "关键核心技术"))
    assert [row["reason"] for row in picked] == ["likely"] * 3 + ["uncertain"]
    assert {row["id"] for row in picked[:3]} == {"t0", "t1", "t2"}
    assert all(row["label"] == "" and row["suggested_for"] == "technology" for row in picked)
    with pytest.raises(ValueError, match="nothing is known"):
        suggest_for_label(records, shipped_model, 4, "ecology")


def test_the_quality_gate_compares_a_new_label_on_the_live_labels_only():
    from training.retrain import decide

    def cv(**f1):
        return {"cv": {"macro_f1": sum(f1.values()) / len(f1), "per_class": {k: {"f1": v} for k, v in f1.items()}}}

    live = cv(talent=0.9, other=0.9)
    promoted, reason = decide(cv(talent=0.9, technology=0.5, other=0.895), live, 0.01, False)
    assert promoted and "of the live labels (talent, other) 0.8975 vs 0.9000" in reason and "new label technology: F1 0.5000" in reason
    refused, reason = decide(cv(talent=0.85, technology=0.99, other=0.9), live, 0.01, False)
    assert not refused and "beyond tolerance" in reason


def test_the_shipped_labels_stay_and_training_needs_enough_examples_of_each(tmp_path):
    from training.data import load_examples
    from training.train import train_model

    store = ExamplesStore(tmp_path / "z.db")
    for change in (lambda: store.remove_label("talent"), lambda: store.rename_label("energy", "power")):
        with pytest.raises(ValueError, match="shipped label"):
            change()
    assert store.label_set() == DEFAULT
    lone = validate_record({"id": "t1", "text": "联合实验室揭牌。", "label": "technology"}, "f", 1, DEFAULT.with_label(TECH))
    with pytest.raises(ValueError, match="technology has 1 example"):
        train_model(load_examples()[:60] + [lone], tmp_path / "v9", folds=3, labels=DEFAULT.with_label(TECH))


def test_a_loaded_model_with_seed_terms_leaves_every_other_model_alone():
    import pickle

    from service.model.features import PrepareDocuments

    doc = "\n园区碳化硅衬底片实现量产"
    loaded = pickle.loads(pickle.dumps(PrepareDocuments(terms=("碳化硅衬底片",))))  # as a saved version loads
    assert "碳化硅衬底片" in loaded.transform([doc])[0].body
    assert "碳化硅衬底片" not in PrepareDocuments().transform([doc])[0].body  # a swap back leaves nothing behind


def test_other_is_described_by_the_set_it_is_in():
    from service.labels import DEFAULT, Label, LabelSet

    six = DEFAULT.with_label(Label("technology", "科技创新", "R&D and its results."))
    assert "four" not in six.labels[-1].description
    old = [{**row, "description": "None of the four themes is the main subject."} if row["id"] == "other" else row for row in six.to_json()]
    assert "four" not in LabelSet.from_json(old).labels[-1].description


def test_a_version_whose_seed_terms_only_its_term_counts_hold_still_cuts_them_whole(shipped_model):
    import copy

    from service.model.classifier import ThemeClassifier
    from service.model.features import PolicyTermFeatures

    pipeline = copy.deepcopy(shipped_model.pipeline)  # as versions were saved before the tokenizer step kept the terms
    terms = next(step for _, step in pipeline.named_steps["features"].transformer_list if isinstance(step, PolicyTermFeatures))
    terms.extra_terms = {"碳化硅衬底片": ("investment",)}
    model = ThemeClassifier(pipeline, shipped_model.metadata)
    assert "碳化硅衬底片" in model.article("园区碳化硅衬底片实现量产").words
