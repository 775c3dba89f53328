import json
from collections import Counter

import pytest

from service.labels import LABELS
from training.data import DATA_DIR, DataError, data_hash, load_examples, load_file


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


GOOD = {"id": "a1", "text": "某县新建高标准农田5万亩。", "label": "agriculture", "themes": ["agriculture"]}


def test_shipped_training_data_is_valid_and_balanced():
    examples = load_examples(DATA_DIR)
    counts = Counter(ex.label for ex in examples)
    for label in LABELS:
        assert counts[label] >= 200, (label, counts[label])
    assert sum(ex.id.startswith("seed-") for ex in examples) == 8


@pytest.mark.parametrize(
    ("row", "fragment"),
    [
        ({**GOOD, "label": "sports"}, "unknown label 'sports'"),
        ({**GOOD, "text": "   "}, "empty text"),
        ({k: v for k, v in GOOD.items() if k != "text"}, "missing field 'text'"),
        ({**GOOD, "themes": ["other"]}, "bad themes"),
        ({**GOOD, "themes": ["energy"]}, "must contain the label"),
    ],
)
def test_bad_record_names_file_and_line(tmp_path, row, fragment):
    path = write_jsonl(tmp_path / "bad.jsonl", [{**GOOD, "id": "ok", "text": "另一条新闻。"}, row])
    with pytest.raises(DataError) as info:
        load_examples(path)
    assert fragment in str(info.value)
    assert f"{path}:2" in str(info.value)


def test_invalid_json_line(tmp_path):
    path = tmp_path / "broken.jsonl"
    path.write_text(json.dumps(GOOD, ensure_ascii=False) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"broken.jsonl:2: invalid JSON"):
        load_examples(path)


def test_duplicate_id_and_duplicate_text_across_files(tmp_path):
    write_jsonl(tmp_path / "a.jsonl", [GOOD])
    write_jsonl(tmp_path / "b.jsonl", [{**GOOD, "text": "别的内容。"}])
    with pytest.raises(DataError, match=r"b.jsonl:1: duplicate id 'a1'"):
        load_examples(tmp_path)
    (tmp_path / "b.jsonl").unlink()
    write_jsonl(tmp_path / "c.jsonl", [{**GOOD, "id": "a2", "text": "某县新建高标准农田 5万亩。".replace(" ", "")}])
    with pytest.raises(DataError, match=r"c.jsonl:1: duplicate text \(same as id 'a1'\)"):
        load_examples(tmp_path)


def test_csv_examples_and_default_themes(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("id,title,text,label\nc1,标题,某市开工建设抽水蓄能电站。,energy\nc2,,某县召开党建会议。,other\n", encoding="utf-8")
    examples = load_file(path)
    assert [(e.id, e.label, e.themes) for e in examples] == [("c1", "energy", ("energy",)), ("c2", "other", ())]


def test_non_utf8_file_is_reported(tmp_path):
    path = tmp_path / "gbk.jsonl"
    path.write_bytes(json.dumps(GOOD, ensure_ascii=False).encode("gbk"))
    with pytest.raises(DataError, match="not UTF-8"):
        load_examples(path)


def test_data_hash_depends_on_content_not_order(tmp_path):
    rows = [GOOD, {**GOOD, "id": "a2", "text": "某市引进人才300名。", "label": "talent", "themes": ["talent"]}]
    one = load_examples(write_jsonl(tmp_path / "one.jsonl", rows))
    two = load_examples(write_jsonl(tmp_path / "two.jsonl", rows[::-1]))
    assert data_hash(one) == data_hash(two)
    changed = load_examples(write_jsonl(tmp_path / "three.jsonl", [rows[0], {**rows[1], "label": "other", "themes": []}]))
    assert data_hash(changed) != data_hash(one)


def test_shipped_examples_share_no_sentence_and_have_no_near_duplicates():
    from training.data import near_duplicates, shared_sentences

    examples = load_examples(DATA_DIR)
    assert shared_sentences(examples) == []
    assert near_duplicates(examples, threshold=0.5) == []


def test_near_duplicate_and_shared_sentence_checks_catch_copies():
    from training.data import Example, near_duplicates, shared_sentences

    base = "今年以来，某县围绕光伏产业链开展精准招商，签约项目12个，总投资86亿元。各项目正在加快推进前期工作。"
    copy = base.replace("12个", "13个")
    examples = [Example("a", base, "investment"), Example("b", copy, "investment"), Example("c", "全省春耕生产全面展开。", "agriculture")]
    assert [(a, b) for a, b, _ in near_duplicates(examples)] == [("a", "b")]
    assert shared_sentences(examples) == [("各项目正在加快推进前期工作", "a", "b")]
