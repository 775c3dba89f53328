"""Request ids, the structured JSON access log, and Prometheus metrics."""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
import uuid

from flask import Flask, g, request
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest, multiprocess

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class JsonFormatter(logging.Formatter):
    """One JSON object per log line."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {"ts": round(record.created, 3), "level": record.levelname, "logger": record.name}
        if isinstance(record.msg, dict):
            entry.update(record.msg)
        else:
            entry["message"] = record.getMessage()
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(app: Flask) -> None:
    """JSON log lines on stderr for the app and its access log."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    for name in ("zonedigest.access", "zonedigest.server", "zonedigest.model", app.logger.name):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(app.config["LOG_LEVEL"])
        logger.propagate = False


class Metrics:
    """Requests by route, method and status, their latency, and predicted themes, with prometheus_client.

    Each app has a registry of its own (tests build several in one process). Under gunicorn,
    ``zonedigest serve`` sets ``PROMETHEUS_MULTIPROC_DIR`` before anything is imported: every worker
    writes its values there and ``/metrics`` answers for all workers together, whichever answers.
    """

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("zonedigest_requests", "HTTP requests by route, method and status.", ["route", "method", "status"], registry=self.registry)
        self.latency = Histogram("zonedigest_request_duration_seconds", "Request latency by route.", ["route"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.predictions = Counter("zonedigest_predictions", "Articles classified, by primary theme.", ["theme"], registry=self.registry)
        self.model = Gauge(
            "zonedigest_model_info", "The model version served (1 per live worker).", ["version"], registry=self.registry, multiprocess_mode="liveall"
        )
        self._served: str | None = None

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        """Count a request and its latency."""
        self.requests.labels(route, method, str(status)).inc()
        self.latency.labels(route).observe(seconds)

    def count_predictions(self, themes: list[str]) -> None:
        """Count predicted primary themes."""
        for theme in themes:
            self.predictions.labels(theme).inc()

    def serving(self, model_version: str) -> None:
        """Record the version this process serves (after each request: a worker records itself once it answers)."""
        if model_version != self._served:
            if self._served is not None:
                self.model.labels(self._served).set(0)
            self.model.labels(model_version).set(1)
            self._served = model_version

    def render(self, model_version: str) -> bytes:
        """The metrics in Prometheus text exposition: every worker's, summed, under gunicorn."""
        self.serving(model_version)
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
            return generate_latest(registry)
        return generate_latest(self.registry)


def install_request_hooks(app: Flask, metrics: Metrics, holder) -> None:
    """Request id in and out, access log line and metrics for every request (``holder``: the served model)."""
    access = logging.getLogger("zonedigest.access")

    @app.before_request
    def _start() -> None:
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        g.started = time.perf_counter()

    @app.after_request
    def _finish(response):
        seconds = time.perf_counter() - g.get("started", time.perf_counter())
        response.headers["X-Request-ID"] = g.get("request_id", "-")
        route = request.url_rule.rule if request.url_rule else "unmatched"
        metrics.observe(route, request.method, response.status_code, seconds)
        if holder.analyzer is not None:
            metrics.serving(holder.analyzer.model_version)
        access.info(
            {
                "request_id": g.get("request_id", "-"),
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "ms": round(seconds * 1000, 2),
                "bytes_in": request.content_length or 0,
                "remote": request.remote_addr,
            }
        )
        return response
