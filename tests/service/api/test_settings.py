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


def test_the_default_budget_reaches_the_page_and_the_answers():
    from service.api.app import create_app

    client = create_app({"TESTING": True, "DEFAULT_MAX_CHARS": 60}).test_client()
    assert 'id="budget" type="number" min="20" max="2000" value="60"' in client.get("/").get_data(as_text=True)
    text = "今年以来，园区新签约项目30个，总投资120亿元。园区还引进配套企业12家。下一步，开发区将建设人才公寓800套，吸引高校毕业生来园区就业。"
    summary = client.post("/v1/summarize", json={"text": text}).get_json()["summary"]
    assert 0 < len(summary) <= 60
    both = client.post("/v1/summarize", json={"text": text, "max_chars": 80, "max_sentences": 2})
    assert both.status_code == 400 and "max_chars or max_sentences, not both" in both.get_data(as_text=True)
