"""Run the app under gunicorn, with the model loaded before workers fork."""

from __future__ import annotations

import errno
import logging
import os
import socket
import threading
import weakref

from gunicorn.app.base import BaseApplication
from gunicorn.workers.gthread import ThreadWorker

from service.errors import ClientStalled
from service.rest import create_app
from service.settings import load_settings

log = logging.getLogger("zonedigest.server")


class ClientSocket(socket.socket):
    """A client connection whose blocking reads and writes give up after ``client_timeout`` seconds.

    gunicorn's threads read headers and bodies with blocking sockets and no time limit, so a
    client that sends half a request and stalls holds a thread for ever: four such clients
    starve a 4-thread worker. Here every blocking call is bounded; a stalled client is dropped
    like one that hung up (a warning, no traceback), or answered 408 when its body stalls.
    A stalled connection is closed at once: gunicorn would otherwise linger up to 2 s on its
    main loop waiting for the client to close first, one connection after another.
    """

    __slots__ = ()
    client_timeout = 10.0

    def setblocking(self, flag: bool) -> None:  # noqa: FBT001 - socket API
        if flag:
            self.settimeout(self.client_timeout)
        else:
            super().setblocking(False)

    def recv(self, *args):  # noqa: D102
        return self._bounded(super().recv, "sent nothing", *args)

    def recv_into(self, *args):  # noqa: D102
        return self._bounded(super().recv_into, "sent nothing", *args)

    def sendall(self, *args):  # noqa: D102
        return self._bounded(super().sendall, "read nothing", *args)

    def shutdown(self, how: int) -> None:  # noqa: D102
        if self in _STALLED:  # no graceful half-close and linger for a client that stalled
            raise OSError(errno.ENOTCONN, "stalled client: closed without lingering")
        super().shutdown(how)

    def _bounded(self, call, what: str, *args):
        try:
            return call(*args)
        except TimeoutError:
            if self.gettimeout() != self.client_timeout:
                raise  # a deadline gunicorn set itself, not ours
            _STALLED.add(self)
            try:
                host, port = self.getpeername()[:2]
                peer = f"{host}:{port}"
            except OSError:
                peer = "a client"
            log.warning("%s %s for %.0f s; connection dropped", peer, what, self.client_timeout)
            raise ClientStalled(errno.ECONNRESET, f"client {what} for {self.client_timeout:.0f} s") from None


_STALLED: weakref.WeakSet[ClientSocket] = weakref.WeakSet()


class BoundedThreadWorker(ThreadWorker):
    """gunicorn's ``gthread`` worker with every client socket bounded by ``ClientSocket``, and
    request bodies the app answered without reading (a 401 before the body, a 415) read to
    the end when within MAX_BODY_BYTES, so the client, still sending, gets its answer and
    keeps its connection. A body over the limit (413 from its Content-Length) is not read:
    the answer says ``Connection: close`` instead of promising a keep-alive gunicorn
    cannot keep."""

    body_limit = 10 * 1024 * 1024

    def init_process(self) -> None:  # noqa: D102 - gunicorn contract
        self.current = threading.local()
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
                try:
                    if environ.get(ClientStalled.ENVIRON_KEY):
                        self.current.req.must_close = True
                    elif 0 < unread <= self.body_limit:
                        while body.read(65536):
                            pass
                    elif unread:
                        self.current.req.must_close = True
                except OSError:  # the client went away or stalled: close after answering
                    self.current.req.must_close = True
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
    }
    GunicornServer(config, options).run()
