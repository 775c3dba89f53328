"""The README documents what the code offers: settings, commands, endpoints, error codes."""

import re

from click.testing import CliRunner

from service.api.errors import CODES
from service.api.openapi import spec
from service.api.settings import DEFAULTS
from service.cli import cli
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented():
    for name in DEFAULTS:
        assert f"`{name}`" in README, name


def test_every_error_code_is_documented():
    for code in CODES:
        assert f"`{code}`" in README, code


def test_every_endpoint_is_documented():
    for path in spec()["paths"]:
        assert f"`{path}`" in README or f" {path}`" in README, path


def test_every_command_is_documented():
    for name in cli.commands:
        assert re.search(rf"zonedigest {name}\b", README), name


def test_the_two_commands_exist_in_the_makefile():
    makefile = (ROOT / "Makefile").read_text()
    assert "make run" in README and "make test" in README
    assert re.search(r"^run:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_help_runs_for_every_command():
    runner = CliRunner()
    for name in cli.commands:
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output
