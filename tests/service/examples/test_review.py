"""Reviewing old labels when a theme of the user's own is added: list, correct, add back, train on it."""

import json
import subprocess
import sys

from service.examples.record import validate_record
from service.examples.suggest import review_for_label
from service.labels import DEFAULT, Label
from tests.conftest import ROOT

TERMS = ("研发", "专利", "科技成果转化", "重点实验室")
LABELS = DEFAULT.with_label(Label("technology", "科技创新", "R&D", TERMS))
ROWS = [
    ("o1", "other", "某市重点实验室获批建设，研发投入增长三成，发明专利授权80件，一批科技成果转化落地。"),
    ("o2", "other", "市民公园改造完成，新增健身步道5公里，周末游客明显增多。"),
    ("o3", "other", "高新区企业研发的新型传感器获得专利，科技成果转化收入超亿元。"),
    ("o4", "other", "全市开展消防安全大检查，排查隐患120处，已整改100处。"),
    ("t1", "talent", "园区为研发人才提供人才公寓，引进博士36名，专利申请同比翻番。"),
    ("s1", "technology", "省里新建三家重点实验室，围绕关键核心技术开展研发攻关，专利数量创新高。"),
]


def examples():
    return [validate_record({"id": i, "text": t, "label": label}, "data", n, LABELS) for n, (i, label, t) in enumerate(ROWS)]


def test_review_lists_the_other_examples_most_like_the_new_label_first(shipped_model):
    rows = examples()
    listed = review_for_label(rows, shipped_model, 2, "technology", TERMS, [rows[-1]])
    assert [r["id"] for r in listed] == ["o1", "o3"] or [r["id"] for r in listed] == ["o3", "o1"]
    assert all(r["label"] == "other" and r["review_for"] == "technology" for r in listed)
    assert listed[0]["relevance"] >= listed[1]["relevance"]
    everything = review_for_label(rows, shipped_model, 10, "technology", TERMS, [rows[-1]])
    assert {r["id"] for r in everything} == {"o1", "o2", "o3", "o4"}  # talent is not reviewed unless asked
    assert [r["id"] for r in review_for_label(rows, shipped_model, 10, "technology", TERMS, [], ("talent",))] == ["t1"]
    corrected = {**listed[0], "label": "technology", "themes": ["technology"]}
    assert validate_record(corrected, "review", 1, LABELS).label == "technology"  # the row goes back as it came


def cli(*args):
    return subprocess.run([sys.executable, "-m", "service", *map(str, args)], capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_a_reviewed_file_added_back_with_replace_corrects_the_training_data(tmp_path):
    from training.retrain import gather_examples

    data, db, out = tmp_path / "data.jsonl", tmp_path / "z.db", tmp_path / "review.jsonl"
    data.write_text("".join(json.dumps({"id": i, "text": t, "label": label}, ensure_ascii=False) + "\n" for i, label, t in ROWS[:5]), encoding="utf-8")
    unknown = cli("examples", "review", "--label", "technology", "--data", data, "--db", db)
    assert unknown.returncode != 0 and "unknown label 'technology'" in unknown.stderr and "Traceback" not in unknown.stderr
    assert cli("themes", "add", "technology", "--name-zh", "科技创新", "--terms", ",".join(TERMS), "--db", db).returncode == 0
    listed = cli("examples", "review", "--label", "technology", "-n", "2", "--data", data, "--db", db, "-o", out)
    assert listed.returncode == 0 and "2 examples to review for technology" in listed.stderr, listed.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {r["id"] for r in rows} == {"o1", "o3"}
    out.write_text("".join(json.dumps({**r, "label": "technology", "themes": ["technology"]}, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    assert cli("examples", "add", out, "--db", db).returncode == 0
    again = cli("examples", "add", out, "--db", db)
    assert again.returncode != 0 and "already stored" in again.stderr and "nothing was stored" in again.stderr
    assert cli("examples", "add", out, "--replace", "--db", db).returncode == 0
    trained_on, stored, _ = gather_examples([data], db)
    labels = {e.id: e.label for e in trained_on}
    assert stored == 2 and len(trained_on) == 5 and labels == {"o1": "technology", "o2": "other", "o3": "technology", "o4": "other", "t1": "talent"}
