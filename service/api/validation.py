"""Request bodies in: JSON parsed once, cleaned of lone surrogates, validated against the
models of :mod:`service.api.schemas`, and every failure answered with a stable error code."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

from flask import current_app, request
from pydantic import BaseModel, ValidationError
from werkzeug.exceptions import BadRequest, ClientDisconnected

from service.api.errors import APIError, ClientStalled
from service.api.schemas import MAX_BUDGET_CHARS, MAX_BUDGET_SENTENCES

_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
FIELD_ORDER = ("items", "examples", "id", "text", "title", "label", "themes", "max_chars", "max_sentences", "force")  # which error is answered first
BOUNDS = {"max_chars": (1, MAX_BUDGET_CHARS), "max_sentences": (1, MAX_BUDGET_SENTENCES)}
M = TypeVar("M", bound=BaseModel)
KINDS = {"str": "a string", "int": "an integer", "list": "a list", "bool": "a boolean", "dict": "an object", "model": "an object"}


@contextmanager
def reading_body(short_code: str) -> Iterator[None]:
    """Read the body inside: a body that stalls is ``request_timeout``, one that ends early ``short_code``."""
    try:
        yield
    except ClientDisconnected as exc:  # werkzeug's word for a body that ended early, or stalled (service.api.server.ClientSocket)
        if isinstance(exc.__context__, ClientStalled):
            request.environ[ClientStalled.ENVIRON_KEY] = True  # the server must not wait for the rest of the body again
            raise APIError("request_timeout", f"the request body stalled for {current_app.config['CLIENT_TIMEOUT']:.0f} s") from None
        raise APIError(short_code, "the request body ended before its Content-Length") from None


def json_body() -> dict:
    """The request body as a JSON object, or a clear error."""
    if request.mimetype != "application/json":
        raise APIError("unsupported_media_type", f"send the body as application/json, not {request.mimetype or 'nothing'}")
    with reading_body("invalid_json"):
        raw = request.get_data(cache=True)
    try:
        payload = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise APIError("invalid_json", f"body is not UTF-8 (byte {exc.start})") from None
    except RecursionError:
        raise APIError("invalid_json", "body nests arrays or objects too deeply to be an article request") from None
    except ValueError as exc:
        raise APIError("invalid_json", f"body is not valid JSON ({str(exc)[:120]})") from None
    if not isinstance(payload, dict):
        raise APIError("wrong_type", f"body must be a JSON object, not {type(payload).__name__}")
    return without_lone_surrogates(payload) if _ESCAPED_SURROGATE.search(raw) else payload


def uploaded_file() -> tuple[str, bytes, dict]:
    """The ``file`` part of a ``multipart/form-data`` body (name and bytes) and the other form fields."""
    if request.mimetype != "multipart/form-data":
        raise APIError("unsupported_media_type", f"send the file as multipart/form-data (field 'file'), not {request.mimetype or 'nothing'}")
    with reading_body("invalid_value"):
        try:
            files, form = request.files, request.form
        except BadRequest as exc:  # a malformed multipart body
            raise APIError("invalid_value", f"unreadable multipart body ({exc.description})", "file") from None
    upload = files.get("file")
    if upload is None:
        raise APIError("missing_field", "file is required (a multipart part named 'file')", "file")
    with reading_body("invalid_value"):
        data = upload.read()
    return upload.filename or "", data, {k: form[k] for k in form}


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


def parse(model: type[M], payload: object, prefix: str = "") -> M:
    """``payload`` validated as ``model``; the first failure raised as an :class:`APIError`.

    ``prefix`` names where the payload sits in the body (``items[3].``), for messages and
    the error's ``field``.
    """
    if not isinstance(payload, dict):
        where = prefix.rstrip(".")
        raise APIError("wrong_type", f"{where} must be an object", where)
    try:
        context = {"max_text_chars": current_app.config["MAX_TEXT_CHARS"], "max_batch_items": current_app.config["MAX_BATCH_ITEMS"]}
        return model.model_validate(payload, context=context)
    except ValidationError as exc:
        raise to_api_error(exc.errors(), prefix) from None


def to_api_error(errors: list[dict], prefix: str = "") -> APIError:
    """The API's error for pydantic's errors: the first field in :data:`FIELD_ORDER` wins."""

    def rank(error: dict) -> int:
        name = str(error["loc"][0]) if error["loc"] else ""
        return FIELD_ORDER.index(name) if name in FIELD_ORDER else len(FIELD_ORDER)

    first = min(errors, key=rank)
    name = str(first["loc"][0]) if first["loc"] else ""
    same_field = [e for e in errors if e["loc"][:1] == first["loc"][:1]]
    field = prefix + name
    kind = first["type"]
    if kind == "missing" or (first.get("input", "") is None and kind.endswith("_type")):
        return APIError("missing_field", f"{field} is required", field)
    if kind in ("empty_text", "text_too_long", "batch_too_large"):
        return APIError(kind, prefix + first["msg"], field)
    if kind == "one_budget":
        return APIError("invalid_value", first["msg"], "max_sentences")
    if kind.endswith("_type"):
        kinds = [KINDS.get(e["type"].removesuffix("_type"), e["type"].removesuffix("_type")) for e in same_field if e["type"].endswith("_type")]
        return APIError("wrong_type", f"{field} must be {' or '.join(dict.fromkeys(kinds))}", field)
    if name in BOUNDS:
        low, high = BOUNDS[name]
        return APIError("invalid_value", f"{field} must be between {low} and {high}", field)
    return APIError("invalid_value", f"{field}: {first['msg']}", field)
