"""What a request sees of the app: its holder, metrics and the analyzer it uses."""

from __future__ import annotations

import time

from flask import current_app, g

from service.api.errors import APIError


def state() -> dict:
    """The app's holder and metrics (set by :func:`service.api.app.create_app`)."""
    return current_app.extensions["zonedigest"]


def current_analyzer():
    """The analyzer this request uses from start to end (a reload does not change it mid-request)."""
    if "analyzer" not in g:
        g.analyzer = state()["holder"].analyzer
        if g.analyzer is None:
            raise APIError("model_unavailable", "no model is loaded")
    return g.analyzer


def elapsed_ms() -> float:
    """Milliseconds since the request started."""
    return round((time.perf_counter() - g.started) * 1000, 2)
