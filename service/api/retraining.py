"""``/v1`` write endpoints of the retraining loop: examples, feedback, training jobs, reload.

Writes need the Bearer token when ``TOKEN`` is set. Labeled examples are checked by the
examples store's own rules (:func:`service.examples.record.validate_record`), the same
rules that training files meet; their shape is declared in :mod:`service.api.schemas`.
"""

from __future__ import annotations

import hashlib
import hmac
import subprocess
import sys
from pathlib import Path

from flask import Blueprint, current_app, request

from service.api.context import state
from service.api.errors import APIError
from service.api.schemas import Rename, Theme, Train
from service.api.validation import json_body, parse

retraining = Blueprint("retraining", __name__, url_prefix="/v1")


def require_token() -> None:
    """When a token is configured, the request must carry it as a Bearer token."""
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

    out, labels = [], store().label_set()
    for i, item in enumerate(items):
        try:
            out.append(validate_record(item, "request", i + 1, labels))
        except DataError as exc:
            code = "missing_field" if "missing field" in exc.message else ("empty_text" if "empty text" in exc.message else "invalid_value")
            raise APIError(code, f"{prefix}[{i}]: {exc.message}; nothing was stored", f"{prefix}[{i}]") from None
    return out


@retraining.post("/examples")
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


@retraining.post("/themes")
def add_theme():
    """Add a theme to the store's label set (or update its name, description and seed terms)."""
    require_token()
    theme = parse(Theme, json_body())
    try:
        labels = store().add_label(theme.id, theme.name_zh, theme.description, theme.terms)
    except ValueError as exc:
        field = "id" if "label id" in str(exc) or "shipped label" in str(exc) else ("name_zh" if "name_zh" in str(exc) else "terms")
        raise APIError("invalid_value", str(exc), field) from None
    return {"themes": labels.to_json()}, 201


@retraining.delete("/themes/<label_id>")
def remove_theme(label_id: str):
    """Remove a theme no stored example uses."""
    require_token()
    try:
        labels = store().remove_label(label_id)
    except KeyError:
        raise APIError("not_found", f"no theme {label_id!r} in the label set") from None
    except ValueError as exc:
        raise APIError("conflict", str(exc)) from None
    return {"themes": labels.to_json()}


@retraining.post("/themes/<label_id>/rename")
def rename_theme(label_id: str):
    """Give a theme a new id, in the label set and every stored example."""
    require_token()
    new_id = parse(Rename, json_body()).id
    try:
        labels = store().rename_label(label_id, new_id)
    except ValueError as exc:
        raise APIError("invalid_value", str(exc), "id") from None
    return {"themes": labels.to_json()}


@retraining.post("/feedback")
def feedback():
    """Store the corrected (or confirmed) label of an analysed text."""
    from service.api.schemas import Text

    require_token()
    payload = json_body()
    text = parse(Text, payload).text
    record = {**payload, "text": text, "id": payload.get("id") or "fb-" + hashlib.sha256(text.encode()).hexdigest()[:12]}
    if "label" not in payload:
        raise APIError("missing_field", "label is required", "label")
    (example,) = _examples_from([record], "feedback")
    try:
        store().add([example], source="feedback", added_by=request.headers.get("X-User", "web"), replace=True)
    except ValueError as exc:
        raise APIError("invalid_value", f"{exc}; nothing was stored", "id") from None
    return {"stored": example.id, "label": example.label, "themes": list(example.themes)}, 201


@retraining.post("/train")
def start_training():
    """Retrain in the background on the training data plus stored examples; returns a job id."""
    from service.model.versions import models_dir

    require_token()
    options = parse(Train, json_body()) if request.content_length else Train()  # an empty body: defaults
    db = store()
    models = models_dir(current_app.config["MODEL_DIR"])
    archives = [data_path(p, f"unlabeled[{i}]") for i, p in enumerate(options.unlabeled)]
    exclude = data_path(options.exclude_ids, "exclude_ids") if options.exclude_ids else None
    job_id = db.new_job({"force": options.force, "models": str(models), "unlabeled": options.unlabeled, "exclude_ids": options.exclude_ids})
    if job_id is None:
        raise APIError("conflict", "a training job is already queued or running; poll GET /v1/train/<id>")
    command = [sys.executable, "-m", "service", "train", "--models", str(models), "--db", str(db.path), "--job-id", job_id]
    if options.force:
        command.append("--force")
    for path in archives:
        command += ["--unlabeled", str(path)]
    if exclude:
        command += ["--exclude-ids", str(exclude)]
    subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    return {"job_id": job_id, "status": "queued", "status_url": f"/v1/train/{job_id}"}, 202


def data_path(name: str, field: str) -> Path:
    """``name`` resolved under the DATA_DIR setting; anything outside it, or missing, is refused."""
    root = current_app.config["DATA_DIR"]
    if not root:
        raise APIError("invalid_value", "this server learns from no archive: start it with ZONEDIGEST_DATA_DIR set to the archives' folder", field)
    base = Path(root).resolve()
    path = (base / name).resolve()
    if not path.is_relative_to(base):
        raise APIError("invalid_value", f"{name!r} is outside the server's data folder; give a path relative to it", field)
    if not path.exists():
        raise APIError("invalid_value", f"no {name!r} in the server's data folder", field)
    return path


@retraining.get("/train/<job_id>")
def training_status(job_id: str):
    """A training job's status, and its report when done."""
    job = store().job(job_id)
    if job is None:
        raise APIError("not_found", f"no training job {job_id!r}")
    return job


@retraining.post("/model/reload")
def reload_model():
    """Load the model CURRENT names now, in the worker that answers (the others poll)."""
    require_token()
    holder = state()["holder"]
    swapped = holder.reload_if_changed()
    return {"reloaded": swapped, "model_version": holder.analyzer.model_version}
