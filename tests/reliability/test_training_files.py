"""Training files with bad rows: every bad row reported with file and line; nothing used or stored."""

import json

import pytest

from service.examples.store import ExamplesStore
from training.data import DataError, DataErrors, load_examples

GOOD = {"id": "g", "text": "某县新建高标准农田5万亩。", "label": "agriculture"}


def test_every_bad_jsonl_row_is_reported(tmp_path):
    lines = [
        json.dumps(GOOD, ensure_ascii=False),
        "{not json",
        json.dumps({"id": "b", "text": "新闻。", "label": "sports"}, ensure_ascii=False),
        json.dumps({"id": "c", "text": "", "label": "other"}),
        json.dumps({**GOOD, "id": "d"}, ensure_ascii=False),
    ]
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataErrors) as info:
        load_examples(path)
    where = [(e.lineno, e.message.split(" (")[0]) for e in info.value.errors]
    assert where == [
        (2, "invalid JSON"),
        (3, "unknown label 'sports'; expected one of talent, investment, energy, agriculture, other"),
        (4, "empty text"),
        (5, "duplicate text"),
    ]
    assert f"{path}:3" in str(info.value) and "4 bad row(s)" in str(info.value)


def test_broken_csv_quoting_and_short_rows(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text('id,text,label\na,好新闻。,other\nb,缺一列\nc,"未闭合的引号,other\n', encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_examples(path)
    assert "bad.csv:3" in str(info.value) and "header's 3 fields" in str(info.value)


def test_wrong_encoding_is_named(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes("id,text,label\na,好新闻。,other\n".encode("gbk"))
    with pytest.raises(DataError, match=r"gbk.csv: not UTF-8 text .*save the file as UTF-8"):
        load_examples(path)


def test_nothing_is_written_half_way(tmp_path):
    from click.testing import CliRunner

    from service.cli import cli

    path = tmp_path / "mixed.jsonl"
    path.write_text(json.dumps(GOOD, ensure_ascii=False) + "\n" + json.dumps({"id": "x", "text": "新闻。", "label": "nope"}) + "\n", encoding="utf-8")
    db = tmp_path / "z.db"
    result = CliRunner().invoke(cli, ["examples", "add", str(path), "--db", str(db)])
    assert result.exit_code != 0 and "mixed.jsonl:2" in result.output and "nothing was stored" in result.output
    assert ExamplesStore(db).count() == 0
