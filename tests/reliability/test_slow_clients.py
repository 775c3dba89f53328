"""Slow clients: a client that stalls mid-request is dropped after CLIENT_TIMEOUT and never
holds a worker thread for longer, so the others keep being answered."""

import json
import socket
import time

import pytest

from tests.conftest import free_port, start_server, wait_ready
from tests.service.test_server import call

HEAD = b"POST /v1/analyze HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"


@pytest.fixture(scope="module")
def one_worker(tmp_path_factory):
    """One worker of 4 threads: four stalled clients would take every thread without the timeout."""
    root = tmp_path_factory.mktemp("slow")
    port = free_port()
    process = start_server(["--port", str(port), "--workers", "1"], {"ZONEDIGEST_CLIENT_TIMEOUT": "1"}, root / "server.log")
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


def test_stalled_clients_are_dropped_and_the_others_answered(one_worker):
    port = one_worker["port"]
    mid_headers = [stall(port, HEAD) for _ in range(4)]
    mid_body = [stall(port, HEAD + b'Content-Length: 200\r\n\r\n{"text": "') for _ in range(4)]
    time.sleep(0.3)  # all eight hold a thread each now
    status, _, body = call(f"http://127.0.0.1:{port}/v1/analyze", {"text": "某市招商引资签约项目12个，总投资86亿元。"})
    assert status == 200 and body["theme"] == "investment"  # without the timeout this call waits until the stalled clients hang up

    assert all(answer_of(sock) == b"" for sock in mid_headers)  # closed: no request was ever complete
    for sock in mid_body:  # answered, then closed (answer_of reads to the end)
        head, _, payload = answer_of(sock).partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 408")
        assert json.loads(payload)["error"]["code"] == "request_timeout"

    assert one_worker["process"].poll() is None
    log = one_worker["log"].read_text()
    assert log.count("sent nothing for 1 s; connection dropped") >= 8 and "Traceback" not in log


def test_a_client_that_sends_its_body_slowly_but_steadily_is_served(one_worker):
    """The limit is on silence, not on the whole request: bytes every half second keep it alive."""
    body = json.dumps({"text": "今年以来，全省新建高标准农田300万亩。"}, ensure_ascii=False).encode()
    sock = stall(one_worker["port"], HEAD + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode())
    for start in range(0, len(body), len(body) // 3 + 1):
        time.sleep(0.5)
        sock.sendall(body[start : start + len(body) // 3 + 1])
    head, _, payload = answer_of(sock).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200") and json.loads(payload)["theme"] == "agriculture"
