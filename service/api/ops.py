"""Operations endpoints: liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from flask import Blueprint
from prometheus_client import CONTENT_TYPE_LATEST

from service.api.context import state
from service.api.errors import APIError

ops = Blueprint("ops", __name__)


@ops.get("/healthz")
def healthz():
    """The process is alive."""
    return {"status": "ok"}


@ops.get("/readyz")
def readyz():
    """A model is loaded and answers."""
    analyzer = state()["holder"].analyzer
    if analyzer is None:
        raise APIError("model_unavailable", "no model is loaded")
    return {"status": "ready", "model_version": analyzer.model_version}


@ops.get("/metrics")
def metrics():
    """Prometheus metrics (every worker's, under gunicorn)."""
    analyzer = state()["holder"].analyzer
    text = state()["metrics"].render(analyzer.model_version if analyzer else "none")
    return text, 200, {"Content-Type": CONTENT_TYPE_LATEST}
