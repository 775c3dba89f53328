"""The OpenAPI 3.1 description of the API, ``/openapi.json`` and a docs page at ``/docs``."""

from __future__ import annotations

import html
import json

from flask import Blueprint

from service.api.errors import CODES
from service.labels import LABELS, THEMES

docs = Blueprint("docs", __name__)

_LABEL = {"type": "string", "enum": list(LABELS)}
_THEME = {"type": "string", "enum": list(THEMES)}
_SCHEMAS = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string", "enum": sorted(CODES)},
                    "message": {"type": "string"},
                    "field": {"type": "string"},
                    "request_id": {"type": "string"},
                },
            }
        },
    },
    "Article": {
        "type": "object",
        "required": ["text"],
        "properties": {
            "text": {"type": "string", "minLength": 1, "description": "Article text (limit MAX_TEXT_CHARS, default 100,000)."},
            "title": {"type": "string"},
            "max_chars": {"type": "integer", "minimum": 1, "maximum": 100000, "description": "Summary budget (default 120)."},
            "max_sentences": {"type": "integer", "minimum": 1, "maximum": 1000},
        },
    },
    "Evidence": {"type": "object", "properties": {"term": {"type": "string"}, "weight": {"type": "number"}}},
    "Sentence": {
        "type": "object",
        "properties": {
            "text": {"type": "string"},
            "start": {"type": "integer", "description": "Offset of the sentence in the text as given."},
            "end": {"type": "integer"},
            "score": {"type": "number"},
            "terms": {"type": "array", "items": {"type": "string"}, "description": "Policy terms the sentence matched."},
        },
    },
    "Keyword": {
        "type": "object",
        "properties": {"term": {"type": "string"}, "weight": {"type": "number"}, "themes": {"type": "array", "items": {"type": "string"}}},
    },
    "Classification": {
        "type": "object",
        "required": ["theme", "theme_zh", "confidence", "scores", "themes", "evidence"],
        "properties": {
            "theme": _LABEL,
            "theme_zh": {"type": "string"},
            "confidence": {"type": "number"},
            "scores": {"type": "object", "properties": {label: {"type": "number"} for label in LABELS}},
            "themes": {"type": "array", "items": _THEME, "description": "Every theme substantially present."},
            "evidence": {"type": "array", "items": {"$ref": "#/components/schemas/Evidence"}},
            "warnings": {"type": "array", "items": {"type": "string"}, "description": "e.g. no_chinese_text"},
        },
    },
    "Summary": {
        "type": "object",
        "required": ["summary", "over_budget", "sentences", "keywords"],
        "properties": {
            "summary": {"type": "string"},
            "over_budget": {"type": "boolean", "description": "True when the best sentence alone is longer than the budget."},
            "sentences": {"type": "array", "items": {"$ref": "#/components/schemas/Sentence"}},
            "keywords": {"type": "array", "items": {"$ref": "#/components/schemas/Keyword"}},
        },
    },
    "LabeledExample": {
        "type": "object",
        "required": ["text", "label"],
        "properties": {
            "id": {"type": "string"},
            "title": {"type": "string"},
            "text": {"type": "string", "minLength": 1},
            "label": _LABEL,
            "themes": {"type": "array", "items": _THEME},
        },
    },
    "Served": {
        "type": "object",
        "properties": {"model_version": {"type": "string"}, "elapsed_ms": {"type": "number"}},
    },
}


_ARTICLE_PART = {"type": "object", "properties": {"title": {"type": "string"}, "text": {"type": "string"}}}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_ERRORS = {str(s): _json(_ref("Error"), "Error") for s in sorted({400, 408, 413, 415, 500})}


def _post(summary: str, body: dict, response: dict) -> dict:
    return {"post": {"summary": summary, "requestBody": {"required": True, **_json(body, "JSON body")}, "responses": {"200": _json(response, "OK"), **_ERRORS}}}


def _write(summary: str, body: dict, status: str) -> dict:
    """A write endpoint: needs the Bearer token when one is configured."""
    responses = {status: _json({"type": "object"}, "OK"), "401": _json(_ref("Error"), "Missing or wrong token"), **_ERRORS}
    return {"post": {"summary": summary, "security": [{"bearer": []}], "requestBody": {"required": True, **_json(body, "JSON body")}, "responses": responses}}


def _get(summary: str, response: dict, media: str = "application/json") -> dict:
    return {"get": {"summary": summary, "responses": {"200": {"description": "OK", "content": {media: {"schema": response}}}}}}


def spec() -> dict:
    """The OpenAPI 3.1 document."""
    analysis = {"allOf": [_ref("Classification"), _ref("Summary"), _ref("Served")]}
    batch_item = {
        "type": "object",
        "required": ["text"],
        "properties": {"id": {"type": ["string", "integer"]}, "title": {"type": "string"}, "text": {"type": "string"}},
    }
    batch_result = {"oneOf": [{"allOf": [{"type": "object", "properties": {"id": {}}}, _ref("Classification"), _ref("Summary")]}, _ref("Error")]}
    return {
        "openapi": "3.1.0",
        "info": {"title": "zonedigest", "version": "1", "description": "Themes and extractive summaries of Chinese regional-development news."},
        "paths": {
            "/v1/analyze": _post("Theme and summary of one article", _ref("Article"), analysis),
            "/v1/classify": _post("Theme of one article", _ref("Article"), {"allOf": [_ref("Classification"), _ref("Served")]}),
            "/v1/summarize": _post("Summary of one article", _ref("Article"), {"allOf": [_ref("Summary"), _ref("Served")]}),
            "/v1/analyze/batch": _post(
                "Theme and summary of up to 1,000 articles",
                {
                    "type": "object",
                    "required": ["items"],
                    "properties": {"items": {"type": "array", "items": batch_item, "maxItems": 1000}, "max_chars": {"type": "integer"}},
                },
                {"type": "object", "properties": {"results": {"type": "array", "items": batch_result}, "model_version": {"type": "string"}}},
            ),
            "/v1/split": _post(
                "Split a bulletin into its articles",
                {"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}}},
                {
                    "type": "object",
                    "properties": {
                        "articles": {"type": "array", "items": {"type": "object", "properties": {"title": {"type": "string"}, "text": {"type": "string"}}}}
                    },
                },
            ),
            "/v1/themes": _get("The label set", {"type": "object", "properties": {"themes": {"type": "array", "items": {"type": "object"}}}}),
            "/v1/model": _get("The served model's version and metrics", {"type": "object"}),
            "/v1/examples": _write(
                "Store labeled examples (one object, or {examples: [...]}); all or none",
                {
                    "oneOf": [
                        _ref("LabeledExample"),
                        {"type": "object", "required": ["examples"], "properties": {"examples": {"type": "array", "items": _ref("LabeledExample")}}},
                    ]
                },
                "201",
            ),
            "/v1/feedback": _write("Store the corrected or confirmed label of an analysed text", _ref("LabeledExample"), "201"),
            "/v1/train": _write(
                "Retrain in the background on the training data plus stored examples", {"type": "object", "properties": {"force": {"type": "boolean"}}}, "202"
            ),
            "/v1/train/{job_id}": {
                "get": {
                    "summary": "A training job's status and report",
                    "parameters": [{"name": "job_id", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": {"200": _json({"type": "object"}, "OK"), "404": _json(_ref("Error"), "Unknown job")},
                }
            },
            "/v1/model/reload": _write("Load the model CURRENT names now (this worker)", {"type": "object"}, "200"),
            "/healthz": _get("Liveness", {"type": "object"}),
            "/readyz": _get("Readiness: a model is loaded", {"type": "object"}),
            "/metrics": _get("Prometheus metrics", {"type": "string"}, "text/plain"),
        },
        "components": {"schemas": _SCHEMAS, "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }


@docs.get("/openapi.json")
def openapi_json():
    """The OpenAPI document."""
    return spec()


@docs.get("/docs")
def docs_page():
    """A readable page of the API, made from the OpenAPI document."""
    document = spec()
    rows = []
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            example = f"<pre>{html.escape(json.dumps(body, ensure_ascii=False, indent=1))}</pre>" if body else ""
            rows.append(f"<h3><code>{method.upper()} {path}</code></h3><p>{html.escape(op['summary'])}</p>{example}")
    codes = "".join(f"<li><code>{c}</code> → HTTP {s}</li>" for c, s in sorted(CODES.items()))
    page = (
        "<!doctype html><html lang='zh'><head><meta charset='utf-8'><title>zonedigest API</title>"
        "<style>body{font-family:sans-serif;max-width:900px;margin:2em auto}pre{background:#f4f4f4;padding:8px;overflow:auto}</style>"
        "</head><body><h1>zonedigest API</h1><p>Machine-readable: <a href='/openapi.json'>/openapi.json</a> (OpenAPI 3.1).</p>"
        f'{"".join(rows)}<h2>Error codes</h2><p>Every error is <code>{{"error": {{"code", "message", "field"?}}}}</code>.</p><ul>{codes}</ul></body></html>'
    )
    return page, 200, {"Content-Type": "text/html; charset=utf-8"}
