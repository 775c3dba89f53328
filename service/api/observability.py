"""Request ids, the structured JSON access log, and Prometheus metrics."""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import threading
import time
import uuid
from collections import defaultdict

from flask import Flask, g, request

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
    """Counters and a latency histogram of one worker process, in Prometheus text format."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: dict[tuple[str, str, int], int] = defaultdict(int)
        self.latency: dict[str, list[int]] = defaultdict(lambda: [0] * (len(LATENCY_BUCKETS) + 1))
        self.latency_sum: dict[str, float] = defaultdict(float)
        self.predictions: dict[str, int] = defaultdict(int)

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        """Count a request and its latency."""
        with self._lock:
            self.requests[(route, method, status)] += 1
            buckets = self.latency[route]
            for i, bound in enumerate(LATENCY_BUCKETS):
                if seconds <= bound:
                    buckets[i] += 1
            buckets[-1] += 1
            self.latency_sum[route] += seconds

    def count_predictions(self, themes: list[str]) -> None:
        """Count predicted primary themes."""
        with self._lock:
            for theme in themes:
                self.predictions[theme] += 1

    def render(self, model_version: str) -> str:
        """The metrics as Prometheus text exposition."""
        pid = os.getpid()
        lines = [
            "# HELP zonedigest_requests_total HTTP requests by route, method and status.",
            "# TYPE zonedigest_requests_total counter",
        ]
        with self._lock:
            for (route, method, status), n in sorted(self.requests.items()):
                lines.append(f'zonedigest_requests_total{{route="{route}",method="{method}",status="{status}",pid="{pid}"}} {n}')
            lines += [
                "# HELP zonedigest_request_duration_seconds Request latency by route.",
                "# TYPE zonedigest_request_duration_seconds histogram",
            ]
            for route, buckets in sorted(self.latency.items()):
                for bound, n in zip(LATENCY_BUCKETS, buckets):
                    lines.append(f'zonedigest_request_duration_seconds_bucket{{route="{route}",le="{bound}",pid="{pid}"}} {n}')
                lines.append(f'zonedigest_request_duration_seconds_bucket{{route="{route}",le="+Inf",pid="{pid}"}} {buckets[-1]}')
                lines.append(f'zonedigest_request_duration_seconds_sum{{route="{route}",pid="{pid}"}} {self.latency_sum[route]:.6f}')
                lines.append(f'zonedigest_request_duration_seconds_count{{route="{route}",pid="{pid}"}} {buckets[-1]}')
            lines += ["# HELP zonedigest_predictions_total Articles classified, by primary theme.", "# TYPE zonedigest_predictions_total counter"]
            for theme, n in sorted(self.predictions.items()):
                lines.append(f'zonedigest_predictions_total{{theme="{theme}",pid="{pid}"}} {n}')
        lines += [
            "# HELP zonedigest_model_info The model version this worker serves.",
            "# TYPE zonedigest_model_info gauge",
            f'zonedigest_model_info{{version="{model_version}",pid="{pid}"}} 1',
        ]
        return "\n".join(lines) + "\n"


def install_request_hooks(app: Flask, metrics: Metrics) -> None:
    """Request id in and out, access log line and metrics for every request."""
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
