"""Shared fixtures: the seed bulletin, the shipped model, and data in ../shared."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.reliability.loadgen import free_port, start_server  # noqa: F401 - shared with the server tests
from tests.reliability.loadgen import wait_ready as server_ready

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_68e821133d7a1dfb.txt"
SHARED = ROOT.parent / "shared"
SHIPPED_VERSION = (ROOT / "models" / "CURRENT").read_text(encoding="utf-8").strip()

# The seed's eight articles as the label guide reads them: (title start, label, themes that must be listed).
SEED_LABELS = [
    ("产业引才", "talent", {"talent"}),
    ("临猗现代农业产业示范区", "investment", {"investment"}),
    ("云冈经济技术开发区", "investment", {"investment"}),
    ("和顺经济技术开发区", "investment", {"investment"}),
    ("朔州经济开发区", "investment", {"investment", "energy"}),
    ("岚县经济技术开发区", "investment", {"investment"}),
    ("盂县经济技术开发区", "other", set()),
    ("武乡现代农业产业示范区", "other", set()),
]


def shared_file(name: str) -> Path:
    """A file under ../shared: fails when CI is set and it is missing, skips elsewhere."""
    path = SHARED / name
    if not path.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing; CI must have ../shared beside the checkout")
        pytest.skip(f"{path} not found (../shared is not beside this checkout)")
    return path


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def shipped_model():
    from service.model.classifier import load_model

    return load_model()


def wait_ready(url: str, process, timeout: float = 60.0) -> float:
    """Seconds until ``url`` answers 200; fails the test if the process dies or time runs out."""
    try:
        return server_ready(url, process, timeout)
    except RuntimeError as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """A real gunicorn server on a free port of 127.0.0.1 (2 workers), stopped after the session.

    It serves a copy of the shipped models and its own examples store, with a token set:
    fuzzed write requests must never start a training or touch the repository's models/ or var/.
    """
    from tests.reliability.loadgen import LiveServer

    env = {"ZONEDIGEST_ECHO_ROUTE": "1", "ZONEDIGEST_TOKEN": "live-server-token"}  # write endpoints answer 401 to fuzzed requests; no training starts
    server = LiveServer(tmp_path_factory.mktemp("live"), workers=2, env=env)
    try:
        wait_ready(server.base + "/readyz", server.process)
        yield server.base
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser():
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        if os.environ.get("CI"):
            pytest.fail("chromium and chromium-driver must be installed in CI (.ci/run installs them)")
        pytest.skip("chromium / chromedriver not installed (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    profile = tempfile.mkdtemp(prefix="zd-chromium-")
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1200,1800",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


# Tests of a few seconds or more: real servers and browsers, load and fuzzing, killed and resumed
# runs, training, OCR. `pytest -m "not slow"` leaves them out while developing; `make test` runs all.
SLOW_MODULES = {
    "tests/reliability/test_mixed_load.py",
    "tests/reliability/test_fuzz_api.py",
    "tests/reliability/test_models.py",
    "tests/reliability/test_connections.py",
    "tests/reliability/test_training_files.py",
    "tests/service/api/test_web.py",
    "tests/service/api/test_server.py",
    "tests/service/api/test_client_socket.py",
    "tests/service/api/test_retraining_server.py",
    "tests/service/api/test_openapi.py",
    "tests/training/test_new_labels_e2e.py",
    "tests/training/test_retraining_e2e.py",
    "tests/training/test_unlabeled.py",
    "tests/service/examples/test_review.py",
}
SLOW_TESTS = ("test_sigkill", "test_dask_local_cluster", "test_examples_cli_all_or_none")


def pytest_collection_modifyitems(config, items):
    for item in items:
        module = item.nodeid.split("::", 1)[0]
        if module in SLOW_MODULES or item.name.startswith(SLOW_TESTS):
            item.add_marker(pytest.mark.slow)
