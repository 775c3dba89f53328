"""One JSON error shape for every failure: ``{"error": {"code", "message", "field"?}}``."""

from __future__ import annotations

from flask import Flask, g, jsonify
from werkzeug.exceptions import HTTPException

# Stable error codes and their HTTP status.
CODES = {
    "invalid_json": 400,
    "missing_field": 400,
    "wrong_type": 400,
    "invalid_value": 400,
    "empty_text": 400,
    "text_too_long": 400,
    "batch_too_large": 400,
    "unsupported_media_type": 415,
    # an uploaded file that gives no text (service.documents)
    "unsupported_type": 415,
    "corrupt_file": 400,
    "encrypted_file": 400,
    "no_text_layer": 400,
    "ocr_unavailable": 503,  # a scan, and the server has no Tesseract
    "empty_document": 400,
    "undecodable": 400,
    "payload_too_large": 413,
    "unauthorized": 401,
    "not_found": 404,
    "conflict": 409,
    "request_timeout": 408,
    "method_not_allowed": 405,
    "model_unavailable": 503,
    "internal_error": 500,
}
_HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large", 415: "unsupported_media_type", 400: "invalid_json"}


class ClientStalled(ConnectionResetError):
    """A client sent (or read) nothing for CLIENT_TIMEOUT seconds; its connection is dropped."""

    ENVIRON_KEY = "zonedigest.client_stalled"


class APIError(Exception):
    """A client error with a stable code; raised by views, answered as JSON."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.field = code, message, field
        self.status = CODES[code]

    def body(self) -> dict:
        """The error as its JSON body."""
        error = {"code": self.code, "message": self.message}
        if self.field:
            error["field"] = self.field
        return {"error": error}


def error_response(error: APIError):
    """A Flask response for an :class:`APIError`."""
    return jsonify(error.body()), error.status


def register_error_handlers(app: Flask) -> None:
    """Answer every error, expected or not, in the one JSON shape."""

    @app.errorhandler(APIError)
    def _api_error(error: APIError):
        return error_response(error)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        code = _HTTP_CODES.get(error.code or 500, "internal_error")
        messages = {
            "not_found": "no such endpoint; see /openapi.json",
            "method_not_allowed": f"method not allowed; allowed: {', '.join(sorted(error.valid_methods or []))}"
            if hasattr(error, "valid_methods")
            else "method not allowed",
            "payload_too_large": f"request body larger than {app.config['MAX_BODY_BYTES']} bytes",
            "unsupported_media_type": "send the body as application/json",
        }
        message = messages.get(code, error.description or code)
        return error_response(APIError(code, message))

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        request_id = getattr(g, "request_id", "-")
        app.logger.exception("unexpected error (request %s)", request_id)
        body = {"error": {"code": "internal_error", "message": f"unexpected error; request id {request_id}", "request_id": request_id}}
        return jsonify(body), 500
