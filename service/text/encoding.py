"""Decode article files whatever their encoding: UTF-8 (with or without BOM), GB18030/GBK."""

from __future__ import annotations


class DecodeError(ValueError):
    """Bytes that are no text in any supported encoding."""


def decode(data: bytes) -> str:
    """Text of ``data``: UTF-8 first (a BOM is dropped), then GB18030 (a superset of GBK)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise DecodeError(f"not UTF-8 or GB18030 text (byte {exc.start})") from None
