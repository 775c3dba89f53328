"""Connections: a client that stalls mid-request is dropped after CLIENT_TIMEOUT and never
holds a worker thread for longer; a body answered early is read to the end within the limit,
so the client gets its answer and keeps its connection; over the limit it is told to close."""

import http.client
import json
import socket
import time

import pytest

from tests.conftest import free_port, start_server, wait_ready
from tests.service.api.test_server import call

HEAD = b"POST /v1/analyze HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"


@pytest.fixture(scope="module")
def one_worker(tmp_path_factory):
    """One worker of 4 threads: four stalled clients would take every thread without the timeout."""
    root = tmp_path_factory.mktemp("slow")
    port = free_port()
    env = {"ZONEDIGEST_CLIENT_TIMEOUT": "1", "ZONEDIGEST_TOKEN": "t0ken", "ZONEDIGEST_MAX_BODY_BYTES": str(1 << 20), "ZONEDIGEST_DB_PATH": str(root / "z.db")}
    process = start_server(["--port", str(port), "--workers", "1"], env, root / "server.log")
    try:
        wait_ready(f"http://127.0.0.1:{port}/readyz", process)
        yield {"port": port, "log": root / "server.log", "process": process}
    finally:
        process.terminate()
        process.wait(timeout=15)


def stall(port: int, sent: bytes) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.sendall(sent)
    return sock


def answer_of(sock: socket.socket) -> bytes:
    raw = b""
    while chunk := sock.recv(65536):
        raw += chunk
    sock.close()
    return raw


def answer_beside(port: int, idle: list[socket.socket]) -> tuple[int, float]:
    """(status, seconds) of one analyze on a new connection while ``idle`` clients neither read
    nor hang up; the idle ones are closed afterwards."""
    started = time.perf_counter()
    status, _, _ = call(f"http://127.0.0.1:{port}/v1/analyze", {"text": "某县新建高标准农田5万亩。"})
    waited = time.perf_counter() - started
    for sock in idle:
        sock.close()
    return status, waited


def test_stalled_clients_are_dropped_and_the_others_answered(one_worker):
    port = one_worker["port"]
    mid_headers = [stall(port, HEAD) for _ in range(4)]
    mid_body = [stall(port, HEAD + b'Content-Length: 200\r\n\r\n{"text": "') for _ in range(4)]
    ports = [sock.getsockname()[1] for sock in mid_headers + mid_body]
    time.sleep(0.3)  # four hold the worker's four threads, four more wait ahead of the next request
    status, _, body = call(f"http://127.0.0.1:{port}/v1/analyze", {"text": "某市招商引资签约项目12个，总投资86亿元。"})
    assert status == 200 and body["theme"] == "investment"  # without the timeout this call waits until the stalled clients hang up

    assert all(answer_of(sock) == b"" for sock in mid_headers)  # closed: no request was ever complete
    for sock in mid_body:  # answered, then closed (answer_of reads to the end)
        head, _, payload = answer_of(sock).partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 408")
        assert json.loads(payload)["error"]["code"] == "request_timeout"

    assert one_worker["process"].poll() is None
    log = one_worker["log"].read_text()
    for client_port in ports:  # each dropped once: no second wait for a stalled body
        assert log.count(f"127.0.0.1:{client_port} sent nothing for 1 s; connection dropped") == 1, client_port
    assert "Traceback" not in log


def test_stalled_clients_that_never_hang_up_do_not_block_new_connections(one_worker):
    """gunicorn lingers up to 2 s on its main loop for a client to close after the server does;
    eight clients that never read nor close would block new connections for 16 s."""
    port = one_worker["port"]
    stalled = [stall(port, HEAD) for _ in range(4)] + [stall(port, HEAD + b'Content-Length: 200\r\n\r\n{"text": "') for _ in range(4)]
    time.sleep(2.5)  # all eight dropped by now (four at 1 s, four at 2 s); none of them reads or closes
    status, waited = answer_beside(port, stalled)
    assert status == 200 and waited < 5.0, waited


def test_clients_that_never_hang_up_after_an_answer_do_not_block_new_connections(one_worker):
    """The same wait follows every answer that closes the connection: eight complete requests
    with ``Connection: close`` from clients that never hang up held new ones off for 16 s."""
    port = one_worker["port"]
    idle = [stall(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n") for _ in range(8)]
    time.sleep(0.5)  # all eight answered; none of them reads or closes
    status, waited = answer_beside(port, idle)
    assert status == 200 and waited < 5.0, waited


def test_a_client_that_sends_its_body_slowly_but_steadily_is_served(one_worker):
    """The limit is on silence, not on the whole request: bytes every half second keep it alive."""
    body = json.dumps({"text": "今年以来，全省新建高标准农田300万亩。"}, ensure_ascii=False).encode()
    sock = stall(one_worker["port"], HEAD + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode())
    for start in range(0, len(body), len(body) // 3 + 1):
        time.sleep(0.5)
        sock.sendall(body[start : start + len(body) // 3 + 1])
    head, _, payload = answer_of(sock).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200") and json.loads(payload)["theme"] == "agriculture"


def test_a_body_refused_early_is_read_so_the_connection_stays_usable(one_worker):
    conn = http.client.HTTPConnection("127.0.0.1", one_worker["port"], timeout=30)
    big = json.dumps({"text": "某市签约项目。" * 40_000, "label": "investment"}, ensure_ascii=False).encode()  # ~900 KB, no token
    assert len(big) < 1 << 20
    for _ in range(3):  # without reading the body the server would close, and the second request would find the connection gone
        conn.request("POST", "/v1/feedback", body=big, headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        assert response.status == 401 and json.loads(response.read())["error"]["code"] == "unauthorized"
        assert response.getheader("Connection") != "close"
    conn.request("POST", "/v1/analyze", body=json.dumps({"text": "某市招商引资签约项目12个。"}).encode(), headers={"Content-Type": "application/json"})
    assert conn.getresponse().status == 200
    conn.close()


def test_a_body_over_the_limit_is_refused_with_connection_close(one_worker):
    sock = stall(one_worker["port"], HEAD + f"Content-Length: {(1 << 20) + 1}\r\n\r\n".encode() + b'{"text": "')
    head, _, payload = answer_of(sock).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413") and b"connection: close" in head.lower()
    assert json.loads(payload)["error"]["code"] == "payload_too_large"
