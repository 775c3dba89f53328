"""Settings: declared once, read from a config file and the environment as their declared types."""

import json

import pytest

from service.api.settings import DEFAULTS, SettingsError, load_settings


def test_environment_values_are_read_as_their_types_and_win_over_the_config_file(tmp_path):
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"max_text_chars": 5000, "echo_route": True, "client_timeout": 3}), encoding="utf-8")
    environ = {"ZONEDIGEST_CONFIG": str(config), "ZONEDIGEST_MAX_TEXT_CHARS": "200000", "ZONEDIGEST_MODEL_POLL_SECONDS": "0.5"}
    settings = load_settings({"TESTING": True}, environ)
    assert settings["MAX_TEXT_CHARS"] == 200000 and settings["ECHO_ROUTE"] is True and settings["CLIENT_TIMEOUT"] == 3.0
    assert settings["MODEL_POLL_SECONDS"] == 0.5 and settings["TESTING"] is True and settings["DEFAULT_MAX_CHARS"] == DEFAULTS["DEFAULT_MAX_CHARS"]
    assert load_settings({"MAX_TEXT_CHARS": 7}, environ)["MAX_TEXT_CHARS"] == 7  # the app's own mapping wins


@pytest.mark.parametrize(("name", "value"), [("MAX_TEXT_CHARS", "many"), ("ECHO_ROUTE", "perhaps"), ("CLIENT_TIMEOUT", "soon")])
def test_a_value_of_the_wrong_kind_names_the_setting(name, value):
    with pytest.raises(SettingsError, match=f"setting {name}: .*{value!r}"):
        load_settings({}, {f"ZONEDIGEST_{name}": value})


def test_an_unreadable_config_file_or_an_unknown_setting_is_refused(tmp_path):
    with pytest.raises(SettingsError, match="cannot read config file"):
        load_settings({}, {"ZONEDIGEST_CONFIG": str(tmp_path / "missing.json")})
    with pytest.raises(SettingsError, match="unknown settings: max_chars"):
        load_settings({"max_chars": 3}, {})
