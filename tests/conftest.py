"""Shared fixtures: the seed bulletin, the shipped model, and data in ../shared."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_68e821133d7a1dfb.txt"
SHARED = ROOT.parent / "shared"

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
    from service.classifier import load_model

    return load_model()


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url: str, process, timeout: float = 60.0) -> float:
    """Seconds until ``url`` answers 200; fails if the process dies or time runs out."""
    import time
    import urllib.request

    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if process.poll() is not None:
            log = Path(getattr(process, "log_path", "")) if getattr(process, "log_path", None) else None
            detail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
            pytest.fail(f"server exited with {process.returncode}: {detail}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return time.perf_counter() - start
        except OSError:
            time.sleep(0.05)
    pytest.fail(f"server not ready at {url} after {timeout} s")


def start_server(args: list[str], env: dict, log_path: Path):
    """``zonedigest serve ARGS`` in a subprocess; its log goes to a file (a pipe nobody reads would
    fill up and block the server)."""
    import subprocess
    import sys

    log = open(log_path, "wb")
    process = subprocess.Popen([sys.executable, "-m", "service", "serve", *args], cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=log)
    process.log_path = str(log_path)
    log.close()
    return process


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """A real gunicorn server on a free port of 127.0.0.1 (2 workers), stopped after the session.

    It serves a copy of the shipped models and its own examples store, with a token set:
    fuzzed write requests must never start a training or touch the repository's models/ or var/.
    """
    import shutil

    from service.classifier import resolve_model_dir

    root = tmp_path_factory.mktemp("live")
    models = root / "models"
    models.mkdir()
    shutil.copytree(resolve_model_dir(ROOT / "models"), models / "v1")
    (models / "CURRENT").write_text("v1\n")
    env = {
        "ZONEDIGEST_ECHO_ROUTE": "1",
        "ZONEDIGEST_MODEL_DIR": str(models),
        "ZONEDIGEST_DB_PATH": str(root / "z.db"),
        "ZONEDIGEST_TOKEN": "live-server-token",
    }  # write endpoints answer 401 to fuzzed requests; no training starts
    port = free_port()
    process = start_server(["--port", str(port), "--workers", "2"], env, root / "server.log")
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base + "/readyz", process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=15)
