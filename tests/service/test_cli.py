import json
import subprocess
import sys

from click.testing import CliRunner

from service.cli import cli
from tests.conftest import ROOT, SEED


def run(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "service", *args], input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_classify_split_seed_prints_each_article():
    result = run("classify", "--split", "--json", str(SEED))
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 8
    assert rows[0]["theme"] == "talent" and rows[0]["title"].startswith("产业引才")
    assert rows[4]["theme"] == "investment" and "energy" in rows[4]["themes"]


def test_classify_reads_stdin():
    result = run("classify", "-", stdin="今年以来，全省新建高标准农田300万亩，粮食播种面积稳定在1.2亿亩以上。")
    assert result.returncode == 0, result.stderr
    assert "[agriculture 农业" in result.stdout


def test_classify_empty_input_is_a_clear_error():
    result = run("classify", "-", stdin="  \n")
    assert result.returncode != 0 and "empty_text" in result.stderr and "Traceback" not in result.stderr


def test_score_keeps_going_past_bad_lines(tmp_path):
    src = tmp_path / "in.jsonl"
    lines = [
        json.dumps({"id": "a", "title": "招商推介会签约项目12个", "text": "某市在深圳举办招商推介会，现场签约项目12个，总投资86亿元。"}, ensure_ascii=False),
        "{broken json",
        json.dumps({"id": "c", "text": ""}),
        json.dumps({"id": "d"}),
        json.dumps({"id": "e", "text": 42}),
        json.dumps({"id": "f", "text": "某县开展春季技能培训，1200名农民工参加。"}, ensure_ascii=False),
    ]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = run("score", str(src), "-o", str(out))
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["a", "in.jsonl:2", "c", "d", "e", "f"]
    assert rows[0]["theme"] == "investment" and set(rows[0]["scores"]) == {"talent", "investment", "energy", "agriculture", "other"}
    assert rows[1]["error"].startswith("invalid_json")
    assert rows[2]["error"].startswith("empty_text")
    assert rows[3]["error"].startswith("missing_field")
    assert rows[4]["error"].startswith("wrong_type")
    assert rows[5]["theme"] == "talent"
    assert "scored 2, errors 4" in result.stderr


def test_score_stdin_to_stdout_and_gzip(tmp_path):
    import gzip

    src = tmp_path / "in.jsonl.gz"
    with gzip.open(src, "wt", encoding="utf-8") as f:
        f.write(json.dumps({"id": "x", "text": "国家电网迎峰度夏保供电，最高用电负荷创新高。"}, ensure_ascii=False) + "\n")
    result = run("score", str(src))
    assert result.returncode == 0 and json.loads(result.stdout)["theme"] == "energy"
    piped = run("score", "-", stdin=json.dumps({"id": "y", "text": "某市举办高校毕业生专场招聘会，提供岗位3000个。"}, ensure_ascii=False))
    assert json.loads(piped.stdout)["id"] == "y"


def test_score_missing_input_is_a_clear_error(tmp_path):
    result = run("score", str(tmp_path / "nope.jsonl"))
    assert result.returncode != 0 and "cannot open input" in result.stderr and "Traceback" not in result.stderr


def test_a_bulletin_given_as_one_article_gets_a_warning_that_says_how_to_split_it(tmp_path):
    from tests.service.documents.make_files import bulletin_pdf, seed, seed_paragraphs

    pdf = tmp_path / "bulletin.pdf"
    pdf.write_bytes(bulletin_pdf(seed_paragraphs(seed())))
    result = CliRunner().invoke(cli, ["summarize", str(pdf)])
    assert result.exit_code == 0 and f"{pdf} holds 8 articles" in result.stderr and f"zonedigest split {pdf}" in result.stderr
    result = CliRunner().invoke(cli, ["classify", str(pdf)])
    assert "zonedigest classify --split" in result.stderr
    assert "warning" not in CliRunner().invoke(cli, ["classify", "--split", str(pdf)]).stderr


def test_classify_answers_text_with_no_chinese_as_the_api_does(tmp_path):
    path = tmp_path / "english.txt"
    path.write_text("The county signed three investment deals for a solar farm.", encoding="utf-8")
    result = CliRunner().invoke(cli, ["classify", "--json", str(path)])
    answer = json.loads(result.stdout)
    assert answer["theme"] == "other" and answer["scores"]["other"] == 1.0 and answer["warnings"][0].startswith("no_chinese_text")
