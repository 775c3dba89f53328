"""Themes of the user's own, end to end: one label added through the CLI, another through the
API, each with a few dozen written examples (tests/data/technology_written.jsonl,
tests/data/ecology_written.jsonl) and seed terms; one retraining; the promoted model answers
both labels on /v1/analyze, in `zonedigest score` and on the web page (a real browser)."""

import json
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT, free_port, start_server, wait_ready
from tests.reliability.loadgen import copy_shipped_model
from tests.service.api.test_server import call

TOKEN = "labels-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
DATA = ROOT / "tests" / "data"
# Two stories written for this test, in no training file.
TECH = (
    "青岚高新区成立碳化硅功率器件联合实验室",
    "9月12日，青岚高新区与南岭大学共建的碳化硅功率器件联合实验室揭牌，首期投入研发经费8600万元，围绕外延生长、器件设计和可靠性测试开展关键核心技术攻关。"
    "实验室已申请发明专利23件，两项科技成果在园区企业完成中试并实现转化，预计明年形成车规级芯片小批量生产能力。",
)
ECO = (
    "白沙河流域综合治理通过验收",
    "11月3日，白沙河流域水环境综合治理项目通过省生态环境厅验收。两年来，沿河三个乡镇新建污水处理站14座、截污管网62公里，关停整治排污口37个，"
    "河道断面水质由劣五类稳定提升到三类，河岸新增湿地缓冲带1200亩，白鹭等鸟类重新回到河畔栖息。",
)


def cli(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "service", *map(str, args)], cwd=ROOT, capture_output=True, text=True, timeout=600, **kwargs)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = tmp_path_factory.mktemp("labels")
    models, db = root / "models", root / "z.db"
    models.mkdir()
    copy_shipped_model(models / "v1")
    (models / "CURRENT").write_text("v1\n")
    env = {"ZONEDIGEST_MODEL_DIR": str(models), "ZONEDIGEST_TOKEN": TOKEN, "ZONEDIGEST_DB_PATH": str(db), "ZONEDIGEST_MODEL_POLL_SECONDS": "0.2"}
    port = free_port()
    process = start_server(["--port", str(port), "--workers", "1"], env, root / "server.log")
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base + "/readyz", process)
        yield {"base": base, "models": models, "db": db, "root": root}
    finally:
        process.terminate()
        process.wait(timeout=15)


def analyze(base: str, story: tuple[str, str]) -> dict:
    status, _, body = call(base + "/v1/analyze", {"title": story[0], "text": story[1]})
    assert status == 200, body
    return body


def test_two_labels_of_the_users_own_are_learned_and_served(served):
    base, db, models = served["base"], served["db"], served["models"]
    before = analyze(base, TECH)
    assert set(before["scores"]) == {"talent", "investment", "energy", "agriculture", "other"}

    # technology through the CLI
    added = cli("themes", "add", "technology", "--name-zh", "科技创新", "--description", "R&D, patents, research results put to use",
                "--terms", "研发,专利,科技成果转化,重点实验室,关键核心技术", "--db", db)  # fmt: skip
    assert added.returncode == 0, added.stderr
    refused = cli("examples", "add", DATA / "ecology_written.jsonl", "--db", db)
    assert refused.returncode != 0 and "unknown label 'ecology'" in refused.stderr and "nothing was stored" in refused.stderr
    stored = cli("examples", "add", DATA / "technology_written.jsonl", "--db", db)
    assert stored.returncode == 0 and "stored 40 examples" in stored.stdout, stored.stderr

    # ecology through the API
    status, _, body = call(base + "/v1/themes", {"id": "ecology", "name_zh": "生态环保", "terms": ["生态修复", "污水处理", "水质", "环保督察"]})
    assert status == 401
    status, _, body = call(base + "/v1/themes", {"id": "ecology", "name_zh": "生态环保", "terms": ["生态修复", "污水处理", "水质", "环保督察"]}, AUTH)
    assert status == 201 and [t["id"] for t in body["themes"]][-3:] == ["technology", "ecology", "other"], body
    examples = [json.loads(line) for line in (DATA / "ecology_written.jsonl").read_text(encoding="utf-8").splitlines()]
    status, _, body = call(base + "/v1/examples", {"examples": examples}, AUTH)
    assert status == 201 and body["stored"] == len(examples), body
    status, _, themes = call(base + "/v1/themes")
    assert [t["id"] for t in themes["next"]] == ["talent", "investment", "energy", "agriculture", "technology", "ecology", "other"]
    assert "technology" not in [t["id"] for t in themes["themes"]]  # the served model learns it at the next training
    listed = cli("themes", "list", "--db", db, "--model", models)
    ecology_line = next(line for line in listed.stdout.splitlines() if line.startswith("ecology"))
    assert f"{sum(e['label'] == 'ecology' for e in examples)} stored" in ecology_line and "not in the served model yet" in ecology_line

    trained = cli("train", "--db", db, "--models", models, "--no-promote")  # read the report, then promote
    assert trained.returncode == 0, trained.stderr
    assert "of the live labels (talent, investment, energy, agriculture, other)" in trained.stdout, trained.stdout
    assert "new label technology: F1" in trained.stdout and "new label ecology: F1" in trained.stdout, trained.stdout
    assert "now live" not in trained.stdout and (models / "CURRENT").read_text().strip() == "v1"
    promoted = cli("models", "promote", "v2", "--models", models)
    assert promoted.returncode == 0, promoted.stderr
    metadata = json.loads((models / "v2" / "metadata.json").read_text(encoding="utf-8"))
    assert [t["id"] for t in metadata["labels"]] == ["talent", "investment", "energy", "agriculture", "technology", "ecology", "other"]

    deadline = time.time() + 30
    while time.time() < deadline and "technology" not in analyze(base, TECH)["scores"]:  # the worker swaps within a poll
        time.sleep(0.3)
    tech, eco = analyze(base, TECH), analyze(base, ECO)
    assert tech["model_version"] == "v2"
    assert tech["theme"] == "technology" and tech["theme_zh"] == "科技创新", tech["scores"]
    assert eco["theme"] == "ecology" and eco["theme_zh"] == "生态环保", eco["scores"]
    assert set(tech["scores"]) == {"talent", "investment", "energy", "agriculture", "technology", "ecology", "other"}
    assert abs(sum(tech["scores"].values()) - 1) < 2e-3
    assert any(k["themes"] == ["technology"] for k in tech["keywords"]), tech["keywords"]  # seed terms key the keywords
    status, _, themes = call(base + "/v1/themes")
    assert [t["id"] for t in themes["themes"]] == [t["id"] for t in themes["next"]]

    inputs = served["root"] / "new.jsonl"
    inputs.write_text("".join(json.dumps({"id": i, "title": s[0], "text": s[1]}, ensure_ascii=False) + "\n" for i, s in (("t", TECH), ("e", ECO))))
    scored = cli("score", inputs, "--model", models, "--workers", "1")
    assert scored.returncode == 0, scored.stderr
    assert [json.loads(line)["theme"] for line in scored.stdout.splitlines()] == ["technology", "ecology"]

    removing = cli("themes", "remove", "ecology", "--db", db)
    assert removing.returncode != 0 and "stored examples still use ecology" in removing.stderr


def test_the_web_page_shows_and_offers_the_new_labels(served, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    from tests.service.api.test_web import paste, wait_for

    if (served["models"] / "CURRENT").read_text().strip() != "v2":
        pytest.skip("runs after the retraining test above")
    browser.get(served["base"] + "/")
    paste(browser, "#title", TECH[0])
    paste(browser, "#text", TECH[1])
    browser.find_element(By.ID, "submit").click()
    theme = wait_for(browser, ".card .theme")
    assert theme.text == "科技创新" and theme.get_attribute("data-theme") == "technology"
    assert len(browser.find_elements(By.CSS_SELECTOR, ".card .bar")) == 7
    assert "生态环保" in [b.text.split("\n")[0] for b in browser.find_elements(By.CSS_SELECTOR, ".card .bar")]
    assert "科技创新" in browser.find_element(By.ID, "theme-names").text and "生态环保" in browser.find_element(By.ID, "theme-names").text
    options = [o.text for o in Select(browser.find_element(By.CSS_SELECTOR, ".review .correct")).options]
    assert "科技创新" in options and "生态环保" in options
