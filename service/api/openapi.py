"""The OpenAPI 3.1 description of the API, ``/openapi.json`` and a docs page at ``/docs``."""

from __future__ import annotations

from flask import Blueprint
from pydantic.json_schema import models_json_schema

from service.api.errors import CODES
from service.api.schemas import REQUEST_MODELS, RESPONSE_MODELS
from service.templates import render

docs = Blueprint("docs", __name__)


def _schemas() -> dict:
    """JSON Schemas of every request and response model, under ``#/components/schemas``."""
    _, defs = models_json_schema([(m, "validation") for m in REQUEST_MODELS + RESPONSE_MODELS], ref_template="#/components/schemas/{model}")
    schemas = defs["$defs"]
    detail = schemas.pop("ErrorDetail")
    detail["properties"]["code"]["enum"] = sorted(CODES)
    schemas["Error"]["properties"]["error"] = detail  # inline: the one shape every error has
    return schemas


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_ERRORS = {str(s): _json(_ref("Error"), "Error") for s in sorted({400, 408, 413, 415, 500})}
_OBJECT = {"type": "object"}


def _post(summary: str, body: dict, response: dict) -> dict:
    return {"post": {"summary": summary, "requestBody": {"required": True, **_json(body, "JSON body")}, "responses": {"200": _json(response, "OK"), **_ERRORS}}}


def _upload(summary: str, response: dict) -> dict:
    body = {"required": True, "description": "multipart/form-data", "content": {"multipart/form-data": {"schema": _ref("UploadedFile")}}}
    return {"post": {"summary": summary, "requestBody": body, "responses": {"200": _json(response, "OK"), **_ERRORS}}}


def _write(summary: str, body: dict, status: str) -> dict:
    """A write endpoint: needs the Bearer token when one is configured."""
    responses = {status: _json(_OBJECT, "OK"), "401": _json(_ref("Error"), "Missing or wrong token"), **_ERRORS}
    return {"post": {"summary": summary, "security": [{"bearer": []}], "requestBody": {"required": True, **_json(body, "JSON body")}, "responses": responses}}


def _get(summary: str, response: dict, media: str = "application/json") -> dict:
    return {"get": {"summary": summary, "responses": {"200": {"description": "OK", "content": {media: {"schema": response}}}}}}


def spec() -> dict:
    """The OpenAPI 3.1 document, made from the models in :mod:`service.api.schemas`."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "zonedigest", "version": "1", "description": "Themes and extractive summaries of Chinese regional-development news."},
        "paths": {
            "/v1/analyze": _post("Theme and summary of one article", _ref("Article"), _ref("Analysis")),
            "/v1/classify": _post("Theme of one article", _ref("Article"), _ref("Classified")),
            "/v1/summarize": _post("Summary of one article", _ref("Article"), _ref("Summarized")),
            "/v1/analyze/batch": _post("Theme and summary of up to MAX_BATCH_ITEMS articles", _ref("Batch"), _ref("BatchAnswer")),
            "/v1/split": _post("Split a bulletin into its articles", _ref("Bulletin"), _ref("Articles")),
            "/v1/analyze/file": _upload("Theme and summary of every article of an uploaded PDF, Word, HTML or text file", _ref("FileAnswer")),
            "/v1/split/file": _upload("Split an uploaded PDF, Word, HTML or text bulletin into its articles", _ref("FileArticles")),
            "/v1/themes": {
                **_get("The served model's label set, and the store's (what the next training learns)", _OBJECT),
                **_write("Add a theme of your own (id, Chinese name, description, seed terms)", _ref("Theme"), "201"),
            },
            "/v1/model": _get("The served model's version and metrics", _OBJECT),
            "/v1/examples": _write(
                "Store labeled examples (one object, or {examples: [...]}); all or none", {"oneOf": [_ref("LabeledExample"), _ref("Examples")]}, "201"
            ),
            "/v1/themes/{label_id}": {
                "delete": {
                    "summary": "Remove a theme no stored example uses",
                    "security": [{"bearer": []}],
                    "parameters": [{"name": "label_id", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": {
                        "200": _json(_OBJECT, "OK"),
                        "401": _json(_ref("Error"), "Missing or wrong token"),
                        "404": _json(_ref("Error"), "Unknown theme"),
                        "409": _json(_ref("Error"), "Stored examples use it"),
                    },
                }
            },
            "/v1/themes/{label_id}/rename": {
                "post": {
                    **_write("Rename a theme, in the label set and every stored example", _ref("Rename"), "200")["post"],
                    "parameters": [{"name": "label_id", "in": "path", "required": True, "schema": {"type": "string"}}],
                }
            },
            "/v1/feedback": _write("Store the corrected or confirmed label of an analysed text", _ref("LabeledExample"), "201"),
            "/v1/train": _write("Retrain in the background on the training data plus stored examples", _ref("Train"), "202"),
            "/v1/train/{job_id}": {
                "get": {
                    "summary": "A training job's status and report",
                    "parameters": [{"name": "job_id", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": {"200": _json(_OBJECT, "OK"), "404": _json(_ref("Error"), "Unknown job")},
                }
            },
            "/v1/model/reload": _write("Load the model CURRENT names now (this worker)", _OBJECT, "200"),
            "/healthz": _get("Liveness", _OBJECT),
            "/readyz": _get("Readiness: a model is loaded", _OBJECT),
            "/metrics": _get("Prometheus metrics", {"type": "string"}, "text/plain"),
        },
        "components": {"schemas": _schemas(), "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }


@docs.get("/openapi.json")
def openapi_json():
    """The OpenAPI document."""
    return spec()


@docs.get("/docs")
def docs_page():
    """A readable page of the API: every operation with the fields of its request and response bodies."""
    document = spec()
    components = document["components"]["schemas"]
    operations = []
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            content = op.get("requestBody", {}).get("content", {})
            media, body = next(iter(content.items()), (None, {}))
            status, answer = next(((code, r) for code, r in op["responses"].items() if code.startswith("2")), (None, {}))
            response = next(iter(answer.get("content", {}).values()), {}).get("schema")
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "anchor": f"{method}-{path}".replace("/", "-").strip("-"),
                    "summary": op["summary"],
                    "secured": "security" in op,
                    "request": fields(body.get("schema"), components) if body else [],
                    "request_media": media,
                    "response": fields(response, components) if response else [],
                    "status": status,
                }
            )
    page = render("docs.html", description=document["info"]["description"], operations=operations, codes=sorted(CODES.items()))
    return page, 200, {"Content-Type": "text/html; charset=utf-8"}


def _resolve(schema: dict, components: dict) -> dict:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _type(schema: dict, components: dict) -> str:
    """A readable type: ``string``, ``array of Item``, ``Analysis``, ``integer or null``."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return " or ".join(_type(s, components) for s in schema[key])
    if schema.get("type") == "array":
        return f"array of {_type(schema.get('items', {}), components)}"
    return str(schema.get("type", "any"))


def fields(schema: dict | None, components: dict, depth: int = 0) -> list[dict]:
    """The fields of a body's schema, ``$ref`` resolved; an object field's own fields follow it, one level down."""
    if not schema:
        return []
    for key in ("oneOf", "anyOf"):
        if key in schema:
            return [row for option in schema[key] for row in fields(option, components, depth)]
    schema = _resolve(schema, components)
    required = set(schema.get("required", ()))
    rows = []
    for name, prop in schema.get("properties", {}).items():
        rows.append({"name": name, "type": _type(prop, components), "required": name in required, "description": prop.get("description", ""), "depth": depth})
        inner = _resolve(prop.get("items", prop) if prop.get("type") == "array" else prop, components)
        if depth == 0 and inner.get("properties") and inner is not schema:
            rows += [{**row, "name": f"{name}{'[]' if prop.get('type') == 'array' else ''}.{row['name']}"} for row in fields(inner, components, 1)]
    return rows
