"""The retraining loop against a real server: auth on write endpoints, feedback stored in
SQLite, a promotion picked up under continuous load with no failed request, training jobs."""

import sqlite3
import threading
import time

import pytest

from service.model.versions import promote
from tests.conftest import free_port, start_server, wait_ready
from tests.reliability.loadgen import copy_shipped_model
from tests.service.api.test_server import call

TOKEN = "s3cret-token"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One gunicorn worker serving a models folder of its own (v1, and v2 ready to promote)."""
    root = tmp_path_factory.mktemp("retrain")
    models = root / "models"
    models.mkdir()
    copy_shipped_model(models / "v1")
    copy_shipped_model(models / "v2")
    (models / "CURRENT").write_text("v1\n")
    port = free_port()
    env = {"ZONEDIGEST_MODEL_DIR": str(models), "ZONEDIGEST_TOKEN": TOKEN, "ZONEDIGEST_DB_PATH": str(root / "z.db"), "ZONEDIGEST_MODEL_POLL_SECONDS": "0.2"}
    process = start_server(["--port", str(port), "--workers", "1"], env, root / "server.log")
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base + "/readyz", process)
        yield {"base": base, "models": models, "db": root / "z.db", "log": root / "server.log"}
    finally:
        process.terminate()
        process.wait(timeout=15)


AUTH = {"Authorization": f"Bearer {TOKEN}"}


def test_write_endpoints_need_the_token(server):
    body = {"text": "某市新建储能电站投运。", "label": "energy"}
    for path in ("/v1/examples", "/v1/feedback", "/v1/train", "/v1/model/reload"):
        status, _, answer = call(server["base"] + path, body)
        assert status == 401 and answer["error"]["code"] == "unauthorized", path
        status, _, answer = call(server["base"] + path, body, {"Authorization": "Bearer wrong"})
        assert status == 401, path
    assert call(server["base"] + "/v1/analyze", {"text": "某市新建储能电站投运。"})[0] == 200  # read endpoints stay open


def test_examples_and_feedback_are_stored_in_sqlite(server):
    status, _, answer = call(
        server["base"] + "/v1/examples",
        {
            "examples": [
                {"id": "e1", "text": "某县举办技能大赛，300名选手参赛。", "label": "talent"},
                {"id": "e2", "text": "某区签约项目8个，总投资20亿元。", "label": "investment"},
            ]
        },
        AUTH,
    )
    assert status == 201 and answer["ids"] == ["e1", "e2"]
    mixed = {"examples": [{"id": "x", "text": "好。", "label": "talent"}, {"id": "y", "text": "坏。", "label": "sport"}]}
    status, _, answer = call(server["base"] + "/v1/examples", mixed, AUTH)
    assert status == 400 and answer["error"]["field"] == "examples[1]" and "nothing was stored" in answer["error"]["message"]
    text = "外交部发言人就国际形势答记者问。"
    status, _, answer = call(server["base"] + "/v1/feedback", {"text": text, "label": "other"}, AUTH)
    assert status == 201 and answer["label"] == "other"
    status, _, answer = call(server["base"] + "/v1/feedback", {"text": text, "label": "talent"}, AUTH)  # corrected again
    assert status == 201
    with sqlite3.connect(server["db"]) as conn:
        rows = conn.execute("SELECT id, label, source FROM examples ORDER BY rowid").fetchall()
    assert [(r[1], r[2]) for r in rows] == [("talent", "api"), ("investment", "api"), ("talent", "feedback")]
    status, _, answer = call(server["base"] + "/v1/feedback", {"text": text, "label": "nope"}, AUTH)
    assert status == 400 and answer["error"]["code"] == "invalid_value"


def test_promotion_under_load_fails_no_request_and_switches_once(server):
    versions: list[list[str]] = [[] for _ in range(4)]
    failures: list[str] = []
    stop = threading.Event()

    def client(k: int) -> None:
        while not stop.is_set():
            status, _, body = call(server["base"] + "/v1/analyze", {"text": "今年以来，某市围绕新能源产业链开展精准招商，签约项目12个。"})
            if status != 200:
                failures.append(f"{status} {body}")
            else:
                versions[k].append(body["model_version"])

    threads = [threading.Thread(target=client, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    time.sleep(1.0)
    promoted_at = time.perf_counter()
    promote(server["models"], "v2")
    while time.perf_counter() - promoted_at < 10 and call(server["base"] + "/readyz")[2]["model_version"] != "v2":
        time.sleep(0.05)
    switch_seconds = time.perf_counter() - promoted_at
    time.sleep(1.0)
    stop.set()
    for t in threads:
        t.join()
    assert failures == []
    assert switch_seconds <= 2.0
    for seen in versions:
        assert seen and seen[0] == "v1" and seen[-1] == "v2"
        switches = sum(1 for a, b in zip(seen, seen[1:]) if a != b)
        assert switches == 1, seen
    status, _, body = call(server["base"] + "/v1/model/reload", {}, AUTH)
    assert status == 200 and body == {"reloaded": False, "model_version": "v2"}
    swaps = [line for line in server["log"].read_text(encoding="utf-8").splitlines() if "model swapped" in line]
    assert swaps and all("v1 -> v2" in line for line in swaps)  # each worker says it, with both versions


def test_the_server_says_where_it_listens(server):
    port = server["base"].rsplit(":", 1)[1]
    assert f"serving the REST API and the web page on http://127.0.0.1:{port}/" in server["log"].read_text(encoding="utf-8")
