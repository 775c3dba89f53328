"""16 clients of mixed analyze / batch / feedback requests against a real server while a
retraining runs and its model is promoted: no request fails, every feedback row is stored.

CI runs it for LOAD_SECONDS (plus however long the training takes);
``python benchmarks/soak.py --load-seconds 60`` runs the long version."""

import sqlite3

from service.text.bulletin import split_bulletin
from tests.conftest import SEED
from tests.reliability.loadgen import LiveServer, retrain_under_load

LOAD_SECONDS = 20
TOKEN = "load-token"


def test_mixed_load_with_a_retrain_and_promotion_in_the_middle(tmp_path):
    texts = [article.text for article in split_bulletin(SEED.read_text(encoding="utf-8"))]
    with LiveServer(tmp_path, env={"ZONEDIGEST_TOKEN": TOKEN, "ZONEDIGEST_MODEL_POLL_SECONDS": "0.2"}) as server:
        run = retrain_under_load(server, texts, TOKEN, clients=16, seconds=LOAD_SECONDS)
        alive = server.process.poll() is None
    job, load = run.job, run.load
    assert job["status"] == "done" and job["promoted"], str(job)[:2000]
    failures = load.failures()
    assert failures == [], [(a.kind, a.status, a.error or a.body) for a in failures[:10]]
    assert {a.kind for a in load.flat()} == {"analyze", "batch", "feedback"}
    assert alive and "Traceback" not in server.log.read_text()

    with sqlite3.connect(server.db) as conn:
        stored = [row[0] for row in conn.execute("SELECT id FROM examples WHERE source = 'feedback'")]
    assert len(stored) == len(load.feedback_ids) and set(stored) == set(load.feedback_ids)
    assert job["report"]["from_store"] > 0  # the training saw the feedback stored before it started

    for client in load.answers:  # every client moves from v1 to the new model once, never back
        seen = [a.body["model_version"] for a in client if a.kind != "feedback"]
        assert seen[0] == "v1" and seen[-1] == job["version"]
        assert sum(1 for a, b in zip(seen, seen[1:]) if a != b) == 1, seen
