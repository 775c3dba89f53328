"""Run the app under gunicorn, with the model loaded before workers fork."""

from __future__ import annotations

import errno
import logging
import os
import socket
import sys
import threading
import weakref

from gunicorn.app.base import BaseApplication
from gunicorn.workers.gthread import ThreadWorker

from service.api.app import create_app
from service.api.errors import ClientStalled
from service.api.settings import load_settings

log = logging.getLogger("zonedigest.server")


class ClientSocket(socket.socket):
    """A client connection on which no read or write waits more than ``client_timeout`` seconds.

    gunicorn's threads read headers and bodies with blocking sockets and no time limit, so a
    client that sends half a request and stalls holds a thread for ever: four such clients
    starve a 4-thread worker. Here every wait is bounded; a stalled client is dropped like one
    that hung up (a warning, no traceback), or answered 408 when its body stalls. The limit
    is on silence: a slow but steady upload or download goes through.

    Closing: gunicorn half-closes and then waits up to 2 s, on the worker's main loop, for the
    client to hang up first, one connection after another, so clients that never hang up hold
    new connections off. That wait is cut to ``LINGER_SECONDS`` per read, and skipped for a
    client that stalled.
    """

    __slots__ = ()  # instances are gunicorn's sockets with their class swapped: no new fields
    client_timeout = 10.0

    def setblocking(self, flag: bool) -> None:  # noqa: FBT001 - socket API
        if flag:
            self.settimeout(self.client_timeout)
        else:
            super().setblocking(False)

    def recv(self, bufsize: int, flags: int = 0) -> bytes:  # noqa: D102
        return self._bounded(super().recv, "sent nothing", bufsize, flags)

    def recv_into(self, buffer, nbytes: int = 0, flags: int = 0) -> int:  # noqa: D102
        return self._bounded(super().recv_into, "sent nothing", buffer, nbytes, flags)

    def sendall(self, data, flags: int = 0) -> None:
        """Send everything, each ``send`` bounded (a socket timeout would bound the whole call)."""
        view = memoryview(data).cast("B")
        while view:
            view = view[self._bounded(super().send, "read nothing", view, flags) :]

    def shutdown(self, how: int) -> None:  # noqa: D102
        if self in _STALLED:  # no half-close and linger for a client that stalled
            raise OSError(errno.ENOTCONN, "stalled client: closed without lingering")
        super().shutdown(how)
        _CLOSING.add(self)

    def _bounded(self, call, what: str, *args):
        if self in _CLOSING:  # gunicorn's linger after the half-close: wait briefly
            super().settimeout(min(self.gettimeout() or LINGER_SECONDS, LINGER_SECONDS))
            return call(*args)
        try:
            return call(*args)
        except TimeoutError:
            if self.gettimeout() != self.client_timeout:
                raise  # a deadline gunicorn set itself, not ours
            _STALLED.add(self)
            try:
                address = self.getpeername()
                peer = f"{address[0]}:{address[1]}" if isinstance(address, tuple) else str(address or "a client")
            except OSError:
                peer = "a client"
            log.warning("%s %s for %.0f s; connection dropped", peer, what, self.client_timeout)
            raise ClientStalled(errno.ECONNRESET, f"client {what} for {self.client_timeout:.0f} s") from None


LINGER_SECONDS = 0.2
_STALLED: weakref.WeakSet[ClientSocket] = weakref.WeakSet()
_CLOSING: weakref.WeakSet[ClientSocket] = weakref.WeakSet()


class BoundedThreadWorker(ThreadWorker):
    """gunicorn's ``gthread`` worker with every client socket bounded by ``ClientSocket``, and
    request bodies the app answered without reading (a 401 before the body, a 415) read to
    the end when within MAX_BODY_BYTES, so the client, still sending, gets its answer and
    keeps its connection. A body over the limit (413 from its Content-Length) is not read:
    the answer says ``Connection: close`` instead of promising a keep-alive gunicorn
    cannot keep."""

    body_limit = 10 * 1024 * 1024

    def init_process(self) -> None:  # noqa: D102 - gunicorn contract
        self.current = threading.local()  # .req: the request this thread is answering
        super().init_process()

    def load_wsgi(self) -> None:  # noqa: D102 - gunicorn contract
        super().load_wsgi()
        self.wsgi = self._finish_reading_bodies(self.wsgi)

    def enqueue_req(self, conn) -> None:  # noqa: D102 - gunicorn contract
        if type(conn.sock) is socket.socket:
            conn.sock.__class__ = ClientSocket
        super().enqueue_req(conn)

    def handle_request(self, req, conn):  # noqa: D102 - gunicorn contract
        self.current.req = req
        return super().handle_request(req, conn)

    def _finish_reading_bodies(self, app):
        def wrapped(environ, start_response):
            def start(status, headers, exc_info=None):
                body = environ.get("wsgi.input")
                unread = getattr(getattr(body, "reader", None), "length", 0)  # of a Content-Length body
                close = False
                try:
                    if environ.get(ClientStalled.ENVIRON_KEY):
                        close = True
                    elif 0 < unread <= self.body_limit:
                        while body.read(65536):
                            pass
                    elif unread:
                        close = True
                except OSError:  # the client went away or stalled: close after answering
                    close = True
                request = getattr(self.current, "req", None)  # set by handle_request (HTTP/1.1, what serve() runs)
                if close and request is not None:
                    request.must_close = True
                return start_response(status, headers, exc_info)

            return app(environ, start)

        return wrapped


class GunicornServer(BaseApplication):
    """A gunicorn application serving ``create_app(config)``.

    Worker class ``BoundedThreadWorker`` (gthread): requests are CPU-bound and short,
    idle keep-alive connections wait in the worker's poller rather than in a thread,
    and a client that stalls mid-request is dropped after CLIENT_TIMEOUT seconds.
    The app (and model) is built once in the master and shared by the forked workers.
    """

    def __init__(self, config: dict | None, options: dict) -> None:
        self.app_config = config or {}
        self.options = options
        super().__init__()

    def load_config(self) -> None:  # noqa: D102 - gunicorn contract
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):  # noqa: D102 - gunicorn contract
        return create_app(self.app_config)


def _worker_gone(server, worker) -> None:
    """gunicorn's child_exit hook: a dead worker's live gauges leave the metrics."""
    from prometheus_client import multiprocess

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)


def serve(host: str = "127.0.0.1", port: int = 8000, workers: int | None = None, config: dict | None = None) -> None:
    """Serve until stopped."""
    settings = load_settings(config)
    ClientSocket.client_timeout = float(settings["CLIENT_TIMEOUT"])
    BoundedThreadWorker.body_limit = int(settings["MAX_BODY_BYTES"])
    options = {
        "bind": f"{host}:{port}",
        "workers": workers or (os.cpu_count() or 1),
        "worker_class": BoundedThreadWorker,
        "threads": 4,
        "preload_app": True,
        "timeout": 30,
        "graceful_timeout": 10,
        "keepalive": 5,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "child_exit": _worker_gone,
    }
    shown = f"[{host}]" if ":" in host else host
    print(f"zonedigest: serving the REST API and the web page on http://{shown}:{port}/ (Ctrl-C stops)", file=sys.stderr, flush=True)
    GunicornServer(config, options).run()
