"""The one error every reader raises: a stable ``code`` for programs, a message for people."""

from __future__ import annotations

CODES = frozenset({"unsupported_type", "corrupt_file", "encrypted_file", "no_text_layer", "ocr_unavailable", "empty_document", "undecodable"})


class DocumentError(ValueError):
    """A file that gives no text; ``code`` is one of :data:`CODES`."""

    def __init__(self, code: str, message: str) -> None:
        if code not in CODES:
            raise ValueError(f"unknown document error code {code!r}")
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
