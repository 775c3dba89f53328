"""The REST API: ``create_app(config)`` and the ``/v1`` blueprint.

Views validate input and shape output; the model, summaries and metrics live elsewhere.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping

from flask import Blueprint, Flask, current_app, g, jsonify, request
from werkzeug.exceptions import ClientDisconnected

from service.api.errors import APIError, ClientStalled, register_error_handlers
from service.api.holder import ModelHolder
from service.api.observability import Metrics, configure_logging, install_request_hooks
from service.api.settings import load_settings
from service.labels import DESCRIPTIONS, LABELS, NAMES_ZH

api = Blueprint("api", __name__, url_prefix="/v1")
ops = Blueprint("ops", __name__)


def create_app(config: Mapping | None = None) -> Flask:
    """Build the app: settings, model (loaded now, before any worker forks), blueprints."""
    app = Flask(__name__)
    settings = load_settings(config)
    app.config.update(settings)
    app.config["MAX_CONTENT_LENGTH"] = settings["MAX_BODY_BYTES"]
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    configure_logging(app)
    holder = ModelHolder(settings["MODEL_DIR"])
    holder.load()
    metrics = Metrics()
    app.extensions["zonedigest"] = {"holder": holder, "metrics": metrics}
    install_request_hooks(app, metrics)
    register_error_handlers(app)

    @app.before_request
    def _watch_models() -> None:  # each worker looks for a promotion itself
        holder.check(float(app.config["MODEL_POLL_SECONDS"]))

    from service.api.openapi import docs
    from service.api.web import page

    for blueprint in (api, ops, docs, page):
        app.register_blueprint(blueprint)
    return app


def _state() -> dict:
    return current_app.extensions["zonedigest"]


def current_analyzer():
    """The analyzer this request uses from start to end (a reload does not change it mid-request)."""
    if "analyzer" not in g:
        g.analyzer = _state()["holder"].analyzer
        if g.analyzer is None:
            raise APIError("model_unavailable", "no model is loaded")
    return g.analyzer


def json_body() -> dict:
    """The request body as a JSON object, or a clear error."""
    if request.mimetype != "application/json":
        raise APIError("unsupported_media_type", f"send the body as application/json, not {request.mimetype or 'nothing'}")
    try:
        raw = request.get_data(cache=True)
    except ClientDisconnected as exc:  # werkzeug's word for a body that ended early, or stalled (service.api.server.ClientSocket)
        if isinstance(exc.__context__, ClientStalled):
            request.environ[ClientStalled.ENVIRON_KEY] = True  # the server must not wait for the rest of the body again
            raise APIError("request_timeout", f"the request body stalled for {current_app.config['CLIENT_TIMEOUT']:.0f} s") from None
        raise APIError("invalid_json", "the request body ended before its Content-Length") from None
    try:
        payload = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise APIError("invalid_json", f"body is not UTF-8 (byte {exc.start})") from None
    except (ValueError, RecursionError) as exc:
        raise APIError("invalid_json", f"body is not valid JSON ({str(exc)[:120]})") from None
    if not isinstance(payload, dict):
        raise APIError("invalid_json", "body must be a JSON object")
    return without_lone_surrogates(payload) if _ESCAPED_SURROGATE.search(raw) else payload


_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def without_lone_surrogates(value: object) -> object:
    """``value`` with every lone surrogate (a ``\\udXXX`` escape JSON allows but UTF-8 cannot
    carry) dropped from its strings and keys, as text preparation drops them from article text;
    pairs were already joined by the JSON parser. Iterative: bodies nest as deep as JSON allows."""
    root = [value]
    pending: list[tuple[list | dict, int | str]] = [(root, 0)]
    while pending:
        container, key = pending.pop()
        item = container[key]
        if isinstance(item, str):
            container[key] = _LONE_SURROGATE.sub("", item)
        elif isinstance(item, list):
            pending.extend((item, i) for i in range(len(item)))
        elif isinstance(item, dict):
            cleaned = {_LONE_SURROGATE.sub("", k): v for k, v in item.items()}
            container[key] = cleaned
            pending.extend((cleaned, k) for k in cleaned)
    return root[0]


def optional_str(payload: dict, field: str, prefix: str = "") -> str | None:
    """An optional string field."""
    value = payload.get(field)
    if value is not None and not isinstance(value, str):
        raise APIError("wrong_type", f"{prefix}{field} must be a string", prefix + field)
    return value


def required_text(payload: dict, prefix: str = "") -> str:
    """The non-empty ``text`` field within the length limit."""
    if "text" not in payload or payload["text"] is None:
        raise APIError("missing_field", f"{prefix}text is required", prefix + "text")
    text = optional_str(payload, "text", prefix)
    if not text.strip():
        raise APIError("empty_text", f"{prefix}text is empty", prefix + "text")
    limit = current_app.config["MAX_TEXT_CHARS"]
    if len(text) > limit:
        raise APIError("text_too_long", f"{prefix}text has {len(text)} characters; the limit is {limit}", prefix + "text")
    return text


def budget(payload: dict) -> dict:
    """``max_chars`` / ``max_sentences`` (at most one; default budget when neither)."""
    out = {}
    for field, high in (("max_chars", 100_000), ("max_sentences", 1_000)):
        value = payload.get(field)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            raise APIError("wrong_type", f"{field} must be an integer", field)
        if not 1 <= value <= high:
            raise APIError("invalid_value", f"{field} must be between 1 and {high}", field)
        out[field] = value
    if len(out) == 2:
        raise APIError("invalid_value", "give max_chars or max_sentences, not both", "max_sentences")
    if not out:
        out["max_chars"] = current_app.config["DEFAULT_MAX_CHARS"]
    return out


def _elapsed() -> float:
    return round((time.perf_counter() - g.started) * 1000, 2)


CLASSIFY_FIELDS = ("theme", "theme_zh", "confidence", "scores", "themes", "evidence", "warnings")
SUMMARY_FIELDS = ("summary", "over_budget", "sentences", "keywords")


def _respond(result: dict, fields: tuple[str, ...]) -> dict:
    _state()["metrics"].count_predictions([result["theme"]])
    return {**{k: result[k] for k in fields}, "model_version": result["model_version"], "elapsed_ms": _elapsed()}


@api.post("/analyze")
def analyze():
    """Theme, scores, themes, evidence, summary, sentences and keywords of one article."""
    payload = json_body()
    text, title, limits = required_text(payload), optional_str(payload, "title"), budget(payload)
    return _respond(current_analyzer().analyze(text, title, **limits), CLASSIFY_FIELDS + SUMMARY_FIELDS)


@api.post("/classify")
def classify():
    """Theme, scores, themes and evidence of one article."""
    payload = json_body()
    text, title = required_text(payload), optional_str(payload, "title")
    result = current_analyzer().analyze(text, title, max_sentences=1)
    return _respond(result, CLASSIFY_FIELDS)


@api.post("/summarize")
def summarize():
    """Summary, sentences and keywords of one article (keyed on its predicted themes)."""
    payload = json_body()
    text, title, limits = required_text(payload), optional_str(payload, "title"), budget(payload)
    result = current_analyzer().analyze(text, title, **limits)
    return _respond(result, ("theme", "themes", "warnings") + SUMMARY_FIELDS)


@api.post("/analyze/batch")
def analyze_batch():
    """:func:`analyze` for up to MAX_BATCH_ITEMS items; a bad item gets its own error."""
    payload = json_body()
    items = payload.get("items")
    if items is None:
        raise APIError("missing_field", "items is required", "items")
    if not isinstance(items, list):
        raise APIError("wrong_type", "items must be a list", "items")
    limit = current_app.config["MAX_BATCH_ITEMS"]
    if len(items) > limit:
        raise APIError("batch_too_large", f"{len(items)} items; the limit is {limit}", "items")
    limits = budget(payload)
    results: list[dict | None] = [None] * len(items)
    good: list[tuple[int, str | None, str]] = []
    for i, item in enumerate(items):
        prefix = f"items[{i}]."
        item_id = item.get("id", i) if isinstance(item, dict) else i
        try:
            if not isinstance(item, dict):
                raise APIError("wrong_type", f"items[{i}] must be an object", f"items[{i}]")
            if item.get("id") is not None and not isinstance(item["id"], (str, int)):
                raise APIError("wrong_type", f"{prefix}id must be a string or an integer", prefix + "id")
            good.append((i, optional_str(item, "title", prefix), required_text(item, prefix)))
        except APIError as error:
            results[i] = {"id": item_id if isinstance(item_id, (str, int)) else i, **error.body()}
    analyzer = current_analyzer()
    analysed = analyzer.analyze_many([(title, text) for _, title, text in good], **limits)
    _state()["metrics"].count_predictions([r["theme"] for r in analysed])
    for (i, _, _), result in zip(good, analysed):
        item_id = items[i].get("id", i)
        results[i] = {"id": item_id, **{k: result[k] for k in CLASSIFY_FIELDS + SUMMARY_FIELDS}}
    return {"results": results, "model_version": analyzer.model_version, "elapsed_ms": _elapsed()}


@api.post("/split")
def split():
    """Articles of a bulletin (title and text of each)."""
    from service.text.bulletin import split_bulletin

    text = required_text(json_body())
    return {"articles": [{"title": a.title, "text": a.text} for a in split_bulletin(text)]}


@api.get("/themes")
def themes():
    """The label set."""
    return {"themes": [{"id": t, "name_zh": NAMES_ZH[t], "description": DESCRIPTIONS[t]} for t in LABELS]}


@api.get("/model")
def model():
    """Version, metrics and creation time of the served model."""
    meta = current_analyzer().model.metadata
    keys = ("version", "created", "parent", "data_hash", "n_examples", "label_counts", "theme_thresholds", "metrics", "lexicon", "libraries")
    return {k: meta.get(k) for k in keys}


@api.post("/echo")
def echo():
    """A trivial JSON echo (only with ECHO_ROUTE): the HTTP stack's own limit, for benchmarks."""
    if not current_app.config["ECHO_ROUTE"]:
        raise APIError("not_found", "no such endpoint; see /openapi.json")
    return jsonify(json_body())


@ops.get("/healthz")
def healthz():
    """The process is alive."""
    return {"status": "ok"}


@ops.get("/readyz")
def readyz():
    """A model is loaded and answers."""
    analyzer = _state()["holder"].analyzer
    if analyzer is None:
        raise APIError("model_unavailable", "no model is loaded")
    return {"status": "ready", "model_version": analyzer.model_version}


@ops.get("/metrics")
def metrics():
    """Prometheus metrics of the worker that answers."""
    analyzer = _state()["holder"].analyzer
    text = _state()["metrics"].render(analyzer.model_version if analyzer else "none")
    return text, 200, {"Content-Type": "text/plain; version=0.0.4; charset=utf-8"}


# ---- write endpoints: examples, feedback, training, reload -----------------------------


def require_token() -> None:
    """When a token is configured, the request must carry it as a Bearer token."""
    import hmac

    token = current_app.config["TOKEN"]
    if not token:
        return
    given = request.headers.get("Authorization", "")
    if not (given.startswith("Bearer ") and hmac.compare_digest(given[7:].strip(), token)):
        raise APIError("unauthorized", "this endpoint needs Authorization: Bearer <token>")


def store():
    """The examples store named by DB_PATH."""
    from service.examples.store import ExamplesStore

    return ExamplesStore(current_app.config["DB_PATH"] or None)


def _examples_from(items: list, prefix: str) -> list:
    from service.examples.record import DataError, validate_record

    out = []
    for i, item in enumerate(items):
        try:
            out.append(validate_record(item, "request", i + 1))
        except DataError as exc:
            code = "missing_field" if "missing field" in exc.message else ("empty_text" if "empty text" in exc.message else "invalid_value")
            raise APIError(code, f"{prefix}[{i}]: {exc.message}; nothing was stored", f"{prefix}[{i}]") from None
    return out


@api.post("/examples")
def add_examples():
    """Store labeled examples (one object, or {"examples": [...]}); all or none."""
    require_token()
    payload = json_body()
    items = payload.get("examples", [payload]) if "examples" in payload else [payload]
    if not isinstance(items, list) or not items:
        raise APIError("wrong_type", "examples must be a non-empty list", "examples")
    examples = _examples_from(items, "examples")
    try:
        ids = store().add(examples, source="api", added_by=request.headers.get("X-User", "api"))
    except ValueError as exc:
        raise APIError("invalid_value", f"{exc}; nothing was stored", "examples") from None
    return {"stored": len(ids), "ids": ids}, 201


@api.post("/feedback")
def feedback():
    """Store the corrected (or confirmed) label of an analysed text."""
    import hashlib

    require_token()
    payload = json_body()
    text = required_text(payload)
    record = {**payload, "text": text, "id": payload.get("id") or "fb-" + hashlib.sha256(text.encode()).hexdigest()[:12]}
    if "label" not in payload:
        raise APIError("missing_field", "label is required", "label")
    (example,) = _examples_from([record], "feedback")
    store().add([example], source="feedback", added_by=request.headers.get("X-User", "web"), replace=True)
    return {"stored": example.id, "label": example.label, "themes": list(example.themes)}, 201


@api.post("/train")
def start_training():
    """Retrain in the background on the training data plus stored examples; returns a job id."""
    import subprocess
    import sys

    from service.model.versions import models_dir

    require_token()
    payload = json_body() if request.content_length else {}  # an empty body: defaults
    force = bool(payload.get("force", False))
    db = store()
    models = models_dir(current_app.config["MODEL_DIR"])
    job_id = db.new_job({"force": force, "models": str(models)})
    if job_id is None:
        raise APIError("conflict", "a training job is already queued or running; poll GET /v1/train/<id>")
    command = [sys.executable, "-m", "service", "train", "--models", str(models), "--db", str(db.path), "--job-id", job_id]
    if force:
        command.append("--force")
    subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    return {"job_id": job_id, "status": "queued", "status_url": f"/v1/train/{job_id}"}, 202


@api.get("/train/<job_id>")
def training_status(job_id: str):
    """A training job's status, and its report when done."""
    job = store().job(job_id)
    if job is None:
        raise APIError("not_found", f"no training job {job_id!r}")
    return job


@api.post("/model/reload")
def reload_model():
    """Load the model CURRENT names now, in the worker that answers (the others poll)."""
    require_token()
    holder = _state()["holder"]
    swapped = holder.reload_if_changed()
    return {"reloaded": swapped, "model_version": holder.analyzer.model_version}
