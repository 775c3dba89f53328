"""Run the app under gunicorn, with the model loaded before workers fork."""

from __future__ import annotations

import os

from gunicorn.app.base import BaseApplication

from service.rest import create_app


class GunicornServer(BaseApplication):
    """A gunicorn application serving ``create_app(config)``.

    Worker class ``gthread``: requests are CPU-bound and short, and threads keep a
    slow client from holding a whole worker; the app (and model) is built once in
    the master and shared by the forked workers.
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
    options = {
        "bind": f"{host}:{port}",
        "workers": workers or (os.cpu_count() or 1),
        "worker_class": "gthread",
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
