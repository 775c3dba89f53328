"""The real server: gunicorn on a free port, spoken to over HTTP."""

import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from tests.conftest import SEED


def call(url: str, body=None, headers=None, method=None) -> tuple[int, dict, dict]:
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode())
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def announce_large_body(base: str, size: int) -> tuple[int, dict]:
    """Announce a body of ``size`` bytes and read the answer without sending it: a server that
    refuses by Content-Length answers at once instead of reading 11 MB first."""
    import socket
    from urllib.parse import urlsplit

    host, port = urlsplit(base).hostname, urlsplit(base).port
    with socket.create_connection((host, port), timeout=10) as sock:
        head = f"POST /v1/analyze HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {size}\r\n\r\n"
        sock.sendall(head.encode() + b"{")
        raw = b""
        while b"\r\n\r\n" not in raw or not raw.rstrip().endswith(b"}"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            raw += chunk
    header, _, payload = raw.partition(b"\r\n\r\n")
    return int(header.split()[1]), json.loads(payload)


def test_analyze_over_http(live_server):
    status, headers, body = call(live_server + "/v1/analyze", {"text": SEED.read_text(encoding="utf-8").split("临猗")[0]}, {"X-Request-ID": "t-1"})
    assert status == 200 and headers["X-Request-ID"] == "t-1"
    assert body["theme"] == "talent" and body["summary"] and body["model_version"] == "v1"  # the live server serves a copy of the shipped model as v1


def test_errors_over_http_are_json(live_server):
    status, _, body = call(live_server + "/v1/analyze", b"{not json")
    assert status == 400 and body["error"]["code"] == "invalid_json"
    status, _, body = call(live_server + "/v1/analyze", {"text": "长" * 100_001})
    assert status == 400 and body["error"]["code"] == "text_too_long"
    status, body = announce_large_body(live_server, 11 * 1024 * 1024)
    assert status == 413 and body["error"]["code"] == "payload_too_large"
    status, _, body = call(live_server + "/nope")
    assert status == 404 and body["error"]["code"] == "not_found"


def test_concurrent_requests_all_succeed(live_server):
    text = "今年以来，某市围绕新能源产业链开展精准招商，签约项目12个，总投资86亿元。"
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda i: call(live_server + "/v1/analyze", {"id": i, "text": text}), range(40)))
    assert all(status == 200 and body["theme"] == "investment" for status, _, body in results)


def test_ops_endpoints(live_server):
    assert call(live_server + "/healthz")[2] == {"status": "ok"}
    assert call(live_server + "/readyz")[2]["status"] == "ready"
    with urllib.request.urlopen(live_server + "/metrics") as response:
        assert response.headers["Content-Type"].startswith("text/plain") and b"zonedigest_model_info" in response.read()
    assert call(live_server + "/v1/echo", {"ping": "中文"})[2] == {"ping": "中文"}


def test_metrics_count_every_workers_requests(live_server):
    """prometheus_client's multiprocess mode: whichever worker answers /metrics counts all workers' requests."""
    from prometheus_client.parser import text_string_to_metric_families

    def healthz_count() -> tuple[float, set[str]]:
        with urllib.request.urlopen(live_server + "/metrics") as response:
            families = list(text_string_to_metric_families(response.read().decode()))
        count = sum(s.value for f in families for s in f.samples if s.name == "zonedigest_requests_total" and s.labels.get("route") == "/healthz")
        pids = {s.labels["pid"] for f in families for s in f.samples if s.name == "zonedigest_model_info" and s.value == 1}
        return count, pids

    before, _ = healthz_count()
    for _ in range(30):  # new connections: both workers answer some
        assert call(live_server + "/healthz")[0] == 200
    after, pids = healthz_count()
    assert after - before == 30 and len(pids) == 2  # two workers, each alive and serving a model
