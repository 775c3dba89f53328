"""Settings of the service, declared once: defaults, environment variables, config file.

Precedence (last wins): defaults, a JSON config file (``ZONEDIGEST_CONFIG`` or
``create_app({"CONFIG_FILE": ...})``), ``ZONEDIGEST_<NAME>`` environment variables,
then the mapping given to ``create_app``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    """One setting: name, default and what it does."""

    name: str
    default: object
    help: str


SETTINGS = (
    Setting("MODEL_DIR", None, "Model version directory, or a models directory with CURRENT (default: the shipped models/)."),
    Setting("MAX_TEXT_CHARS", 100_000, "Longest article text accepted, in characters (text_too_long beyond)."),
    Setting("MAX_BODY_BYTES", 10 * 1024 * 1024, "Largest request body, in bytes (payload_too_large beyond)."),
    Setting("MAX_BATCH_ITEMS", 1000, "Most items in one /v1/analyze/batch request (batch_too_large beyond)."),
    Setting("DEFAULT_MAX_CHARS", 120, "Summary budget in characters when a request gives none."),
    Setting("ECHO_ROUTE", False, "Serve POST /v1/echo, a trivial JSON echo used by benchmarks/http.py."),
    Setting("LOG_LEVEL", "INFO", "Level of the JSON access and error log (DEBUG, INFO, WARNING)."),
    Setting("TOKEN", "", "When set, write endpoints require `Authorization: Bearer <TOKEN>`."),
    Setting("DB_PATH", "", "Examples store, a SQLite file (default var/zonedigest.db)."),
    Setting("DATA_DIR", "", "Folder of unlabeled archives that POST /v1/train may learn from (none when empty); paths outside it are refused."),
    Setting(
        "CLIENT_TIMEOUT",
        10.0,
        "Seconds the server waits on a client's next bytes (headers, body, or reading the answer); a stalled client is disconnected,"
        " or answered 408 request_timeout when its body stalls.",
    ),
    Setting("MODEL_POLL_SECONDS", 1.0, "How often each worker checks CURRENT for a newly promoted model (0: never)."),
)
DEFAULTS = {s.name: s.default for s in SETTINGS}


class SettingsError(ValueError):
    """A setting with a value of the wrong kind."""


def _coerce(name: str, value: object) -> object:
    default = DEFAULTS[name]
    if default is None or isinstance(value, type(default)) and not (isinstance(default, int) and isinstance(value, bool)):
        return value
    text = str(value).strip()
    try:
        if isinstance(default, bool):
            if text.lower() in ("1", "true", "yes", "on"):
                return True
            if text.lower() in ("0", "false", "no", "off", ""):
                return False
            raise ValueError(text)
        if isinstance(default, int):
            return int(text)
        if isinstance(default, float):
            return float(text)
    except ValueError:
        raise SettingsError(f"setting {name}: expected {type(default).__name__}, got {value!r}") from None
    return text


def load_settings(overrides: Mapping | None = None, environ: Mapping[str, str] | None = None) -> dict:
    """The effective settings for an app."""
    environ = os.environ if environ is None else environ
    overrides = dict(overrides or {})
    values = dict(DEFAULTS)
    config_file = overrides.get("CONFIG_FILE") or environ.get("ZONEDIGEST_CONFIG")
    if config_file:
        try:
            data = json.loads(Path(config_file).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise SettingsError(f"cannot read config file {config_file}: {exc}") from None
        if not isinstance(data, dict):
            raise SettingsError(f"config file {config_file} must hold a JSON object")
        values.update({k.upper(): v for k, v in data.items()})
    for name in DEFAULTS:
        if f"ZONEDIGEST_{name}" in environ:
            values[name] = environ[f"ZONEDIGEST_{name}"]
    values.update({k: v for k, v in overrides.items() if k != "CONFIG_FILE"})
    unknown = sorted(k for k in values if k not in DEFAULTS and not k.isupper())
    if unknown:
        raise SettingsError(f"unknown settings: {', '.join(unknown)}")
    return {k: _coerce(k, v) if k in DEFAULTS else v for k, v in values.items()}
