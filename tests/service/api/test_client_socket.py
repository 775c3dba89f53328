"""ClientSocket bounds silence, not duration: a slow but steady reader gets the whole answer,
one that stops reading is dropped after client_timeout."""

import socket
import threading
import time

import pytest

from service.api.errors import ClientStalled
from service.api.server import ClientSocket


@pytest.fixture
def pair(monkeypatch):
    monkeypatch.setattr(ClientSocket, "client_timeout", 0.3)  # a class setting, as serve() sets it
    server_side, client_side = socket.socketpair()
    server_side.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    client_side.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    server_side.__class__ = ClientSocket  # as the worker does with each accepted connection
    server_side.setblocking(True)
    yield server_side, client_side
    server_side.close()
    client_side.close()


def test_a_slow_but_steady_reader_gets_the_whole_answer(pair):
    server_side, client_side = pair
    answer = bytes(range(256)) * 1200  # 300 KB: at 32 KB per 0.1 s, well over the 0.3 s limit in all
    received = bytearray()

    def read_slowly() -> None:
        while len(received) < len(answer):
            received.extend(client_side.recv(32768))
            time.sleep(0.1)

    reader = threading.Thread(target=read_slowly)
    reader.start()
    started = time.perf_counter()
    server_side.sendall(answer)
    reader.join(timeout=30)
    assert bytes(received) == answer and time.perf_counter() - started > 0.3


def test_a_reader_that_stops_is_dropped(pair):
    server_side, _ = pair
    started = time.perf_counter()
    with pytest.raises(ClientStalled):
        server_side.sendall(b"x" * 1_000_000)
    assert time.perf_counter() - started < 5


def test_a_silent_sender_is_dropped(pair):
    server_side, _ = pair
    with pytest.raises(ClientStalled):
        server_side.recv(1024)
