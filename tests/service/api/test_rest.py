"""The REST API in process (the real app and model; Flask's test client)."""

import json

import pytest

from service.api.app import create_app
from service.labels import LABELS
from tests.conftest import SHIPPED_VERSION

LONG_ARTICLE = "本报讯 今年以来，某县围绕粮食安全，新建高标准农田5万亩，配套建设灌溉渠道120公里。项目建成后，亩均增产粮食100斤以上。（李明）"


@pytest.fixture(scope="module")
def app():
    return create_app({"TESTING": True, "MAX_TEXT_CHARS": 10000, "MAX_BATCH_ITEMS": 5, "MAX_BODY_BYTES": 200_000})


@pytest.fixture
def client(app):
    return app.test_client()


def post(client, path, body, **kwargs):
    return client.post(path, data=json.dumps(body, ensure_ascii=False).encode(), content_type="application/json", **kwargs)


def test_analyze_returns_theme_and_summary(client):
    response = post(client, "/v1/analyze", {"title": "某县新建高标准农田5万亩", "text": LONG_ARTICLE})
    assert response.status_code == 200
    body = response.get_json()
    for key in ("theme", "theme_zh", "confidence", "scores", "themes", "evidence", "summary", "sentences", "keywords", "model_version", "elapsed_ms"):
        assert key in body, key
    assert body["theme"] == "agriculture" and body["theme_zh"] == "农业"
    assert list(body["scores"]) == list(LABELS)
    assert "本报讯" not in body["summary"] and "高标准农田" in body["summary"]
    first = body["sentences"][0]
    assert LONG_ARTICLE[first["start"] : first["end"]] == first["text"]


def test_classify_and_summarize_are_the_two_halves(client):
    text = {"text": LONG_ARTICLE}
    classified = post(client, "/v1/classify", text).get_json()
    assert "summary" not in classified and classified["theme"] == "agriculture"
    summarized = post(client, "/v1/summarize", {**text, "max_sentences": 1}).get_json()
    assert "scores" not in summarized and len(summarized["sentences"]) == 1


def test_batch_mixes_results_and_per_item_errors(client):
    items = [
        {"id": "a", "text": LONG_ARTICLE},
        {"id": "b", "text": ""},
        {"text": 3},
        "nope",
        {"id": "e", "title": "招商", "text": "某市签约项目12个，总投资86亿元。"},
    ]
    body = post(client, "/v1/analyze/batch", {"items": items}).get_json()
    results = body["results"]
    assert [r.get("id") for r in results] == ["a", "b", 2, 3, "e"]
    assert results[0]["theme"] == "agriculture" and results[4]["theme"] == "investment"
    assert results[1]["error"]["code"] == "empty_text" and results[1]["error"]["field"] == "items[1].text"
    assert results[2]["error"]["code"] == "wrong_type" and results[3]["error"]["code"] == "wrong_type"


@pytest.mark.parametrize(
    ("path", "body", "status", "code", "field"),
    [
        ("/v1/analyze", {}, 400, "missing_field", "text"),
        ("/v1/analyze", {"text": None}, 400, "missing_field", "text"),
        ("/v1/analyze", {"text": ["a"]}, 400, "wrong_type", "text"),
        ("/v1/analyze", {"text": " \n "}, 400, "empty_text", "text"),
        ("/v1/analyze", {"text": "长" * 10001}, 400, "text_too_long", "text"),
        ("/v1/analyze", {"text": "文章。", "title": 7}, 400, "wrong_type", "title"),
        ("/v1/analyze", {"text": "文章。", "max_chars": "120"}, 400, "wrong_type", "max_chars"),
        ("/v1/analyze", {"text": "文章。", "max_chars": 0}, 400, "invalid_value", "max_chars"),
        ("/v1/analyze", {"text": "文章。", "max_chars": 50, "max_sentences": 2}, 400, "invalid_value", "max_sentences"),
        ("/v1/analyze/batch", {}, 400, "missing_field", "items"),
        ("/v1/analyze/batch", {"items": {}}, 400, "wrong_type", "items"),
        ("/v1/analyze/batch", {"items": [{"text": "a"}] * 6}, 400, "batch_too_large", "items"),
        ("/v1/analyze", [1, 2], 400, "wrong_type", None),  # valid JSON, not an object
        ("/v1/analyze", 5, 400, "wrong_type", None),
    ],
)
def test_bad_input_gets_a_clear_error(client, path, body, status, code, field):
    response = post(client, path, body)
    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"]
    assert error.get("field") == field


def test_transport_errors(client):
    assert client.post("/v1/analyze", data="{bad", content_type="application/json").get_json()["error"]["code"] == "invalid_json"
    not_utf8 = client.post("/v1/analyze", data='{"text": "中文"}'.encode("gbk"), content_type="application/json")
    assert not_utf8.status_code == 400 and "UTF-8" in not_utf8.get_json()["error"]["message"]
    form = client.post("/v1/analyze", data={"text": "x"})
    assert form.status_code == 415 and form.get_json()["error"]["code"] == "unsupported_media_type"
    big = client.post("/v1/analyze", data=b"{" + b" " * 300_000 + b"}", content_type="application/json")
    assert big.status_code == 413 and big.get_json()["error"]["code"] == "payload_too_large"
    assert client.get("/v1/nope").get_json()["error"]["code"] == "not_found"
    wrong = client.get("/v1/analyze")
    assert wrong.status_code == 405 and wrong.get_json()["error"]["code"] == "method_not_allowed"
    deep = client.post("/v1/analyze", data="[" * 100_000 + "]" * 100_000, content_type="application/json")
    assert deep.status_code == 400 and deep.get_json()["error"]["code"] == "invalid_json"


def test_request_id_is_echoed_or_made(client):
    assert post(client, "/v1/classify", {"text": LONG_ARTICLE}, headers={"X-Request-ID": "abc-123"}).headers["X-Request-ID"] == "abc-123"
    made = client.get("/healthz").headers["X-Request-ID"]
    assert len(made) == 32
    assert client.get("/healthz", headers={"X-Request-ID": "bad id <script>"}).headers["X-Request-ID"] != "bad id <script>"


def test_read_endpoints(client):
    themes = client.get("/v1/themes").get_json()["themes"]
    assert [t["id"] for t in themes] == list(LABELS) and themes[0]["name_zh"] == "人才"
    model = client.get("/v1/model").get_json()
    assert model["version"] == SHIPPED_VERSION and model["metrics"]["cv"]["macro_f1"] > 0.8
    assert client.get("/healthz").get_json() == {"status": "ok"}
    assert client.get("/readyz").get_json()["model_version"] == SHIPPED_VERSION


def test_metrics_count_requests_and_predictions(client):
    from prometheus_client.parser import text_string_to_metric_families

    post(client, "/v1/classify", {"text": LONG_ARTICLE})
    families = text_string_to_metric_families(client.get("/metrics").get_data(as_text=True))
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value for f in families for s in f.samples}
    assert samples[("zonedigest_requests_total", (("method", "POST"), ("route", "/v1/classify"), ("status", "200")))] >= 1
    assert samples[("zonedigest_predictions_total", (("theme", "agriculture"),))] >= 1
    assert samples[("zonedigest_request_duration_seconds_count", (("route", "/v1/classify"),))] >= 1
    assert samples[("zonedigest_model_info", (("version", SHIPPED_VERSION),))] == 1


def test_unexpected_error_is_500_with_request_id(app, monkeypatch):
    holder = app.extensions["zonedigest"]["holder"]

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(holder.analyzer, "analyze", broken)
    response = post(app.test_client(), "/v1/analyze", {"text": "文章。"}, headers={"X-Request-ID": "req-42"})
    assert response.status_code == 500
    error = response.get_json()["error"]
    assert error["code"] == "internal_error" and "req-42" in error["message"] and "Traceback" not in response.get_data(as_text=True)


def test_echo_route_only_when_enabled(client):
    assert post(client, "/v1/echo", {"a": 1}).status_code == 404
    echo_app = create_app({"ECHO_ROUTE": True})
    assert post(echo_app.test_client(), "/v1/echo", {"a": 1}).get_json() == {"a": 1}


def test_split_bulletin(client, seed_text):
    articles = post(client, "/v1/split", {"text": seed_text}).get_json()["articles"]
    assert len(articles) == 8 and articles[4]["title"] == "朔州经济开发区 召开新能源项目对接会"


@pytest.mark.parametrize("path", ["/v1/analyze", "/v1/classify"])
def test_text_with_no_chinese_is_other_and_the_scores_agree(client, path):
    answer = client.post(path, json={"text": "The county opened a new solar farm and signed three investment deals with farmers."})
    body = answer.get_json()
    assert answer.status_code == 200 and body["theme"] == "other"
    assert max(body["scores"], key=body["scores"].get) == "other" and body["confidence"] == body["scores"]["other"]
    assert any(w.startswith("no_chinese_text") for w in body.get("warnings", []))


def test_a_deeply_nested_body_is_invalid_json_in_the_request_s_words(client):
    body = "[" * 100_000 + "]" * 100_000
    answer = client.post("/v1/analyze", data=body, content_type="application/json")
    error = answer.get_json()["error"]
    assert answer.status_code == 400 and error["code"] == "invalid_json"
    assert "nests" in error["message"] and "recursion" not in error["message"].lower()
