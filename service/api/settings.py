"""Settings of the service, declared once (pydantic-settings): defaults, a config file, the environment.

Precedence (last wins): defaults, a JSON config file (``ZONEDIGEST_CONFIG`` or
``create_app({"CONFIG_FILE": ...})``), ``ZONEDIGEST_<NAME>`` environment variables,
then the mapping given to ``create_app``. Values are read as their declared type
(``"200000"`` is an int, ``"yes"``/``"0"`` are booleans); a value of the wrong kind is a
:class:`SettingsError` naming the setting.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from service.summary.budget import DEFAULT_MAX_CHARS


class Settings(BaseSettings):
    """Every setting, its default and what it does."""

    model_config = SettingsConfigDict(env_prefix="ZONEDIGEST_", case_sensitive=True, extra="forbid")

    MODEL_DIR: str | None = Field(None, description="Model version directory, or a models directory with CURRENT (default: the shipped models/).")
    MAX_TEXT_CHARS: int = Field(100_000, description="Longest article text accepted, in characters (text_too_long beyond).")
    MAX_BODY_BYTES: int = Field(10 * 1024 * 1024, description="Largest request body, in bytes (payload_too_large beyond).")
    MAX_BATCH_ITEMS: int = Field(1000, description="Most items in one /v1/analyze/batch request (batch_too_large beyond).")
    DEFAULT_MAX_CHARS: int = Field(DEFAULT_MAX_CHARS, description="Summary budget in characters when a request gives none.")
    ECHO_ROUTE: bool = Field(False, description="Serve POST /v1/echo, a trivial JSON echo used by benchmarks/http.py.")
    LOG_LEVEL: str = Field("INFO", description="Level of the JSON access and error log (DEBUG, INFO, WARNING).")
    TOKEN: str = Field("", description="When set, write endpoints require `Authorization: Bearer <TOKEN>`.")
    DB_PATH: str = Field("", description="Examples store, a SQLite file (default var/zonedigest.db).")
    DATA_DIR: str = Field("", description="Folder of unlabeled archives that POST /v1/train may learn from (none when empty); paths outside it are refused.")
    CLIENT_TIMEOUT: float = Field(
        10.0,
        description="Seconds the server waits on a client's next bytes (headers, body, or reading the answer); a stalled client is disconnected,"
        " or answered 408 request_timeout when its body stalls.",
    )
    MODEL_POLL_SECONDS: float = Field(1.0, description="How often each worker checks CURRENT for a newly promoted model (0: never).")


DEFAULTS = {name: field.default for name, field in Settings.model_fields.items()}


class SettingsError(ValueError):
    """A setting with a value of the wrong kind, or a config file that cannot be read."""


def load_settings(overrides: Mapping | None = None, environ: Mapping[str, str] | None = None) -> dict:
    """The effective settings for an app, and the other upper-case keys of ``overrides`` (Flask's own)."""
    environ = os.environ if environ is None else environ
    overrides = dict(overrides or {})
    values: dict = {}
    config_file = overrides.pop("CONFIG_FILE", None) or environ.get("ZONEDIGEST_CONFIG")
    if config_file:
        try:
            data = json.loads(Path(config_file).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise SettingsError(f"cannot read config file {config_file}: {exc}") from None
        if not isinstance(data, dict):
            raise SettingsError(f"config file {config_file} must hold a JSON object")
        values.update({k.upper(): v for k, v in data.items()})
    values.update({name: environ[f"ZONEDIGEST_{name}"] for name in DEFAULTS if f"ZONEDIGEST_{name}" in environ})
    values.update(overrides)
    unknown = sorted(k for k in values if k not in DEFAULTS and not k.isupper())
    if unknown:
        raise SettingsError(f"unknown settings: {', '.join(unknown)}")
    passthrough = {k: v for k, v in values.items() if k not in DEFAULTS}
    try:
        settings = Settings.model_validate({k: v for k, v in values.items() if k in DEFAULTS})
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(part) for part in first["loc"])
        raise SettingsError(f"setting {name}: {first['msg']}, got {first.get('input')!r}") from None
    return {**settings.model_dump(), **passthrough}
