"""Fuzzed input never gets a 5xx: hypothesis-generated bodies in process, schemathesis driving
the real server from /openapi.json, and 2,000 seeded hostile requests (tests/reliability/loadgen.py)
from 8 keep-alive clients. benchmarks/soak.py sends 10,000 and watches memory."""

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.api.app import create_app
from service.text.bulletin import split_bulletin
from service.text.prepare import has_chinese
from service.text.sentences import split_sentences
from tests.conftest import SEED
from tests.reliability.loadgen import Client, LiveServer, fuzz_load, fuzz_requests

POSTS = ("/v1/analyze", "/v1/classify", "/v1/summarize", "/v1/analyze/batch", "/v1/split", "/v1/examples", "/v1/feedback")

# Strings with lone surrogates too: JSON allows the escape (\udd9f), UTF-8 cannot carry it.
any_text = st.text(alphabet=st.characters() | st.characters(categories=["Cs"]), max_size=50)
field_names = st.sampled_from(["text", "title", "id", "label", "themes", "items", "examples", "max_chars"]) | any_text
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | any_text,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(field_names, children, max_size=5),
    max_leaves=20,
)
nasty_text = st.one_of(
    st.text(max_size=3000),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x2FFFF), max_size=2000),
    st.sampled_from(
        [
            "\x00\x01\x02",
            "<script>alert(1)</script><p>招商引资签约12亿元</p>",
            "😀🚀🔥" * 50,
            "國務院辦公廳印發關於優化營商環境的意見",
            "only english text, no chinese at all.",
            "1234567890 " * 100,
            "\u200b\ufeff\u202e",
            "。" * 500,
            "\n\n\n",
        ]
    ),
)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("fuzz") / "z.db"
    return create_app({"TESTING": True, "DB_PATH": str(db), "MAX_TEXT_CHARS": 20000}).test_client()


def check(response) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    body = response.get_json()
    assert isinstance(body, dict)
    if response.status_code >= 400:
        assert body["error"]["code"] and body["error"]["message"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(path=st.sampled_from(POSTS), body=json_values)
def test_arbitrary_json_bodies(client, path, body):
    check(client.post(path, data=json.dumps(body), content_type="application/json"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=nasty_text, title=st.none() | st.text(max_size=80), budget=st.integers(min_value=1, max_value=400))
def test_nasty_text_is_analysed_or_refused_cleanly(client, text, title, budget):
    response = client.post("/v1/analyze", data=json.dumps({"text": text, "title": title, "max_chars": budget}), content_type="application/json")
    check(response)
    if response.status_code == 200:
        body = response.get_json()
        for s in body["sentences"]:
            assert 0 <= s["start"] < s["end"] <= len(text)
        assert len(body["summary"]) <= budget or body["over_budget"]
        if not has_chinese((title or "") + text):
            assert body["theme"] == "other" and body["warnings"] and body["evidence"] == []


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=2000))
def test_raw_bytes_bodies(client, raw):
    check(client.post("/v1/analyze", data=raw, content_type="application/json"))


@settings(max_examples=200, deadline=None)
@given(text=nasty_text)
def test_sentence_offsets_always_map_back(text):
    for s in split_sentences(text):
        assert "".join(text[s.start : s.end].split()) != "" and s.start < s.end <= len(text)


def test_lone_surrogates_in_any_field_are_dropped_not_a_server_error(client):
    body = {"id": "fb-\udd9f1", "title": "标题\ud800", "text": "某区签约项目8个\udfff，总投资20亿元。", "label": "investment"}
    raw = json.dumps(body)  # ASCII escapes, as a browser or json.dumps sends them
    stored = client.post("/v1/feedback", data=raw, content_type="application/json")
    assert stored.status_code == 201 and stored.get_json()["stored"] == "fb-1"
    analysed = client.post("/v1/analyze/batch", data=json.dumps({"items": [body]}), content_type="application/json")
    assert analysed.status_code == 200 and analysed.get_json()["results"][0]["id"] == "fb-1"
    pair = client.post("/v1/analyze", data=json.dumps({"text": "招商引资签约😀项目"}), content_type="application/json")
    assert pair.status_code == 200 and pair.get_json()["summary"] == "招商引资签约😀项目"  # a surrogate pair is one character, kept


@pytest.mark.parametrize("depth", [10, 500, 900])
def test_deep_nesting_with_a_lone_surrogate_is_refused_cleanly(client, depth):
    body = '{"text": ' + "[" * depth + '"\\ud800"' + "]" * depth + "}"  # the cleaning walk once recursed past the stack
    response = client.post("/v1/analyze", data=body, content_type="application/json")
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "wrong_type"


def test_traditional_chinese_is_classified_like_simplified(client):
    simplified = "国务院办公厅印发关于进一步优化营商环境吸引外商投资的意见，推动重大外资项目落地。"
    traditional = "國務院辦公廳印發關於進一步優化營商環境吸引外商投資的意見，推動重大外資項目落地。"
    a = client.post("/v1/classify", json={"text": simplified}).get_json()
    b = client.post("/v1/classify", json={"text": traditional}).get_json()
    assert a["theme"] == b["theme"] == "investment"
    assert abs(a["confidence"] - b["confidence"]) < 0.05


def test_html_tags_are_stripped_before_analysis(client):
    body = client.post("/v1/analyze", json={"text": "<div><p>某县新建<b>高标准农田</b>5万亩，粮食增产。</p><script>x()</script></div>"}).get_json()
    assert body["theme"] == "agriculture" and "<" not in body["summary"]


def test_schemathesis_finds_no_server_error(live_server):
    """Every operation of /openapi.json, with cases generated from its schema, against the real server."""
    schema = schemathesis.openapi.from_url(live_server + "/openapi.json")
    calls = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        label = operation.label

        @settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(case=operation.as_strategy())
        def run(case):
            nonlocal calls
            response = case.call(timeout=30)
            calls += 1
            assert response.status_code < 500, (label, response.status_code, response.text[:300])  # noqa: B023

        run()
    assert calls >= 80


def test_thousands_of_hostile_requests_over_keep_alive_connections(tmp_path):
    """Wrong types, invalid UTF-8, deep nesting, bodies near and over the limit, wrong media types
    and methods, writes with and without the token: every one answered, none with a 5xx."""
    texts = [a.text for a in split_bulletin(SEED.read_text(encoding="utf-8"))]
    limit = 256 * 1024
    with LiveServer(tmp_path, env={"ZONEDIGEST_TOKEN": "fuzz-token", "ZONEDIGEST_MAX_BODY_BYTES": str(limit)}) as server:
        answers = fuzz_load(server.base, fuzz_requests(3, 2000, texts, "fuzz-token", limit), clients=8, max_body_bytes=limit)
        ready = Client(server.base).request("GET", "/readyz")[0]
        log = server.log.read_text(errors="replace")
    failures = [(a.kind, a.status, a.error) for a in answers if a.status == 0 or a.status >= 500]
    assert failures == [] and len(answers) == 2000
    assert {200, 201, 400, 401, 405, 413, 415} <= {a.status for a in answers}  # the generator reached every kind of answer
    assert ready == 200 and "Traceback" not in log
