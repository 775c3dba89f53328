"""Every output `zonedigest score` writes is read back by `zonedigest report`, whatever its format."""

import gzip
import json

import pytest
from click.testing import CliRunner

from service.batch.results import read_results
from service.cli import cli
from tests.service.batch.test_batch import ARTICLES, write_jsonl


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    """The same four articles and one bad record scored into each format, named as a user names them."""
    root = tmp_path_factory.mktemp("scored")
    source = write_jsonl(root / "in.jsonl", [{"id": i, "title": t, "text": x} for i, t, x in ARTICLES] + [{"id": "bad", "text": ""}])
    outputs = {}
    for name in ("scored.jsonl", "scored.jsonl.gz", "scored.csv", "scored.db"):
        result = CliRunner().invoke(cli, ["score", str(source), "-o", str(root / name)])
        assert result.exit_code == 0, result.output
        outputs[name] = root / name
    return outputs


def test_a_gz_output_is_gzip(scored):
    with gzip.open(scored["scored.jsonl.gz"], "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    assert [r["id"] for r in rows] == ["a1", "a2", "a3", "a4", "bad"]


def test_a_csv_output_named_csv_is_csv(scored):
    assert scored["scored.csv"].read_text(encoding="utf-8").splitlines()[0].startswith("id,date,theme")


@pytest.mark.parametrize("name", ["scored.jsonl", "scored.jsonl.gz", "scored.csv", "scored.db"])
def test_every_output_format_reads_back_with_the_same_themes(scored, name):
    plain, _ = read_results(scored["scored.jsonl"])
    rows, skipped = read_results(scored[name])
    assert skipped == 1 and [(r["id"], r["theme"], sorted(r["themes"])) for r in rows] == [(r["id"], r["theme"], sorted(r["themes"])) for r in plain]
    assert [r["scores"] for r in rows] == [r["scores"] for r in plain]


@pytest.mark.parametrize("name", ["scored.jsonl.gz", "scored.csv", "scored.db"])
def test_report_reads_every_format(tmp_path, scored, name):
    result = CliRunner().invoke(cli, ["report", str(scored[name]), "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 0, result.output
    assert "4 records, 1 skipped" in result.output
    assert "4 scored records" in (tmp_path / "r.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"\x1f\x8b\x08\x00broken gzip", "x.jsonl.gz"),
        (b"SQLite format 3\x00" + bytes(100), "x.db"),
        (b"\xff\xfe\x00garbage", "x.csv"),
        (b"a,b\n1,2\n", "x.csv"),
    ],
)
def test_a_file_report_cannot_read_is_a_clear_error(tmp_path, content, name):
    path = tmp_path / name
    path.write_bytes(content)
    result = CliRunner().invoke(cli, ["report", str(path), "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 1 and name in result.output and "not an output of zonedigest score" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_title_is_an_output_field(tmp_path):
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": i, "title": t, "text": x} for i, t, x in ARTICLES])
    result = CliRunner().invoke(cli, ["score", str(source), "-o", str(tmp_path / "o.csv"), "--fields", "title,theme"])
    assert result.exit_code == 0, result.output
    lines = (tmp_path / "o.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "id,title,theme,error" and lines[1].startswith("a1,某市举办招商推介会,")


def test_the_report_escapes_what_the_records_hold(tmp_path):
    from service.batch.report import write_report

    row = {"id": "<script>alert(1)</script>", "theme": "other", "theme_zh": "其他", "confidence": 0.5, "summary": "<b>摘要</b>", "keywords": [{"term": "<i>"}]}
    source = tmp_path / "scored.jsonl"
    source.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    write_report(source, tmp_path / "r.html")
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page and "&lt;b&gt;摘要" in page and "&lt;i&gt;（1）" in page
