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
