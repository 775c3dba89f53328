"""Broken model files: refused with a clear error; a running service keeps its last good model."""

import shutil
import subprocess
import sys
import time

from service.model.artifact import resolve_model_dir
from tests.conftest import ROOT, free_port, start_server, wait_ready
from tests.reliability.loadgen import copy_shipped_model
from tests.service.api.test_server import call


def test_start_without_a_valid_model_exits_with_what_to_do(tmp_path):
    empty = subprocess.run([sys.executable, "-m", "service", "serve", "--model", str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert empty.returncode != 0 and "zonedigest train" in empty.stderr and "Traceback" not in empty.stderr
    broken = tmp_path / "v1"
    shutil.copytree(resolve_model_dir(), broken)
    with open(broken / "model.joblib", "r+b") as f:
        f.truncate(1000)
    truncated = subprocess.run([sys.executable, "-m", "service", "serve", "--model", str(broken)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert truncated.returncode != 0 and "sha256 mismatch" in truncated.stderr


def test_a_tampered_version_made_current_is_refused_and_the_last_good_model_serves(tmp_path):
    models = tmp_path / "models"
    models.mkdir()
    copy_shipped_model(models / "v1")
    copy_shipped_model(models / "v2")
    with open(models / "v2" / "model.joblib", "ab") as f:
        f.write(b"tampered")
    (models / "CURRENT").write_text("v1\n")
    port = free_port()
    process = start_server(
        ["--port", str(port), "--workers", "1"], {"ZONEDIGEST_MODEL_DIR": str(models), "ZONEDIGEST_MODEL_POLL_SECONDS": "0.2"}, tmp_path / "server.log"
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_ready(base + "/readyz", process)
        (models / "CURRENT").write_text("v2\n")  # written by hand, bypassing `zonedigest models promote`
        for _ in range(20):
            status, _, body = call(base + "/v1/analyze", {"text": "某市签约项目12个，总投资86亿元。"})
            assert status == 200 and body["model_version"] == "v1"
            time.sleep(0.1)
        assert "sha256 mismatch" in (tmp_path / "server.log").read_text()
    finally:
        process.terminate()
        process.wait(timeout=15)
