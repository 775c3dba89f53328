"""The examples store is a real SQLite file; the CLI adds all rows or none."""

import json
import sqlite3
import subprocess
import sys

import pytest

from service.examples.record import Example
from service.examples.store import ExamplesStore
from tests.conftest import ROOT


def test_add_list_export_remove(tmp_path):
    db = tmp_path / "z.db"
    store = ExamplesStore(db)
    rows = [Example("a", "某县新建高标准农田5万亩。", "agriculture", ("agriculture",)), Example("b", "某市召开党建会议。", "other")]
    store.add(rows, source="test", added_by="me")
    assert [e.id for e in store.examples()] == ["a", "b"] and store.count() == 2
    assert [e.id for e in store.examples(label="other")] == ["b"]
    row = store.rows()[0]
    assert row["source"] == "test" and row["added_by"] == "me" and row["themes"] == ["agriculture"]
    with sqlite3.connect(db) as conn:  # it is a real file other processes can read
        assert conn.execute("SELECT COUNT(*) FROM examples").fetchone()[0] == 2
    assert store.remove(["a"]) == 1 and store.count() == 1


def test_same_text_twice_is_refused_unless_a_correction(tmp_path):
    store = ExamplesStore(tmp_path / "z.db")
    store.add([Example("a", "某市签约项目12个。", "investment", ("investment",))], source="t")
    with pytest.raises(ValueError, match="already stored"):
        store.add([Example("c", "某市签约项目 12个。", "other"), Example("d", "另一条。", "other")], source="t")
    assert store.count() == 1  # the whole batch was rolled back
    store.add([Example("fb", "某市签约项目12个。", "other")], source="feedback", replace=True)
    assert [(e.id, e.label) for e in store.examples()] == [("fb", "other")]


def test_an_id_already_used_is_refused_unless_a_correction(tmp_path):
    store = ExamplesStore(tmp_path / "z.db")
    store.add([Example("a", "某市签约项目12个。", "investment")], source="t")
    with pytest.raises(ValueError, match="id is already used"):
        store.add([Example("b", "另一条新闻。", "other"), Example("a", "第三条新闻。", "other")], source="t")
    with pytest.raises(ValueError, match="id is already used"):  # twice in one batch
        store.add([Example("c", "第四条新闻。", "other"), Example("c", "第五条新闻。", "other")], source="t")
    assert [e.id for e in store.examples()] == ["a"]
    with pytest.raises(ValueError, match="id is already used"):  # feedback never rewrites an example added another way
        store.add([Example("a", "某市签约项目12个，总投资86亿元。", "investment")], source="feedback", replace=True)
    store.add([Example("fb-1", "某县新建储能电站。", "other")], source="feedback", replace=True)
    store.add([Example("fb-1", "某县新建储能电站，装机10万千瓦。", "energy")], source="feedback", replace=True)  # its own text corrected
    assert [(e.id, e.label) for e in store.examples()] == [("a", "investment"), ("fb-1", "energy")]


def test_jobs_are_recorded(tmp_path):
    store = ExamplesStore(tmp_path / "z.db")
    job = store.new_job({"force": False})
    assert store.job(job)["status"] == "queued"
    store.update_job(job, "done", {"version": "v2"})
    assert store.job(job)["status"] == "done" and store.job(job)["version"] == "v2" and store.job(job)["finished"]
    assert store.job("nope") is None


def cli(*args):
    return subprocess.run([sys.executable, "-m", "service", *map(str, args)], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_examples_cli_all_or_none(tmp_path):
    db = tmp_path / "z.db"
    good = tmp_path / "good.jsonl"
    good.write_text(
        "".join(
            json.dumps(r, ensure_ascii=False) + "\n"
            for r in [
                {"id": "g1", "text": "某县举办技能大赛，300名选手参赛。", "label": "talent"},
                {"id": "g2", "text": "某市新建储能电站投运。", "label": "energy", "themes": ["energy"]},
            ]
        ),
        encoding="utf-8",
    )
    bad = tmp_path / "bad.csv"
    bad.write_text("id,text,label\nb1,一条好新闻。,other\nb2,另一条新闻。,sports\n", encoding="utf-8")
    result = cli("examples", "add", bad, "--db", db)
    assert result.returncode != 0 and "bad.csv:3" in result.stderr and "unknown label 'sports'" in result.stderr and "nothing was stored" in result.stderr
    assert ExamplesStore(db).count() == 0
    assert cli("examples", "add", good, "--db", db).returncode == 0
    listed = cli("examples", "list", "--db", db).stdout.splitlines()
    assert [line.split("\t")[:2] for line in listed] == [["g1", "talent"], ["g2", "energy"]]
    exported = [json.loads(line) for line in cli("examples", "export", "--db", db).stdout.splitlines()]
    assert [e["id"] for e in exported] == ["g1", "g2"] and exported[0]["themes"] == ["talent"]
    assert "removed 1" in cli("examples", "remove", "g1", "--db", db).stdout


def test_one_training_job_at_a_time(tmp_path):
    store = ExamplesStore(tmp_path / "z.db")
    first = store.new_job({})
    assert first and store.new_job({}) is None
    store.update_job(first, "done")
    assert store.new_job({}) is not None
