"""Model versions on disk: find one, verify its files, and load its Pipeline.

A model directory holds ``model.joblib`` and ``metadata.json``; the metadata records
the sha256 of every artifact file, and nothing is deserialised unless its hash
matches. ``models/CURRENT`` names the live version of a models directory.

Artifacts name their classes by module path. Versions written before the service was
grouped into rooms name the old flat paths; :data:`LEGACY_MODULES` maps each to its
home now, so those versions still load.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import sys
from pathlib import Path

MODELS_DIR = Path(__file__).resolve().parents[2] / "models"  # the shipped versions: read-only


def user_models_dir() -> Path:
    """Where versions a user trains go: ``$ZONEDIGEST_USER_MODELS_DIR``, else ``var/models`` beside ``models/``."""
    return Path(os.environ.get("ZONEDIGEST_USER_MODELS_DIR") or MODELS_DIR.parent / "var" / "models")
MODEL_FILE = "model.joblib"
FORMAT_VERSION = 2  # 2: a version may hold topics learned from an unlabeled archive
READABLE_FORMATS = (1, 2)


LEGACY_MODULES = {  # module path in older artifacts -> where the class lives now
    "service.features": "service.model.features",
    "service.estimator": "service.model.estimator",
}


class ModelError(RuntimeError):
    """A model directory that cannot be used; the message says what to do."""


def resolve_model_dir(path: Path | str | None = None) -> Path:
    """A model version directory: ``path`` itself, or the version named by its ``CURRENT``.

    With no ``path``: ``$ZONEDIGEST_MODEL_DIR`` when set, else the user's versions once one is
    live there (:func:`user_models_dir` holds a ``CURRENT``), else the shipped ``models/``.
    """
    if path is None:
        path = os.environ.get("ZONEDIGEST_MODEL_DIR") or (user_models_dir() if (user_models_dir() / "CURRENT").is_file() else MODELS_DIR)
    path = Path(path)
    if (path / "CURRENT").is_file():
        version = (path / "CURRENT").read_text(encoding="utf-8").strip()
        path = path / version
    if not (path / "metadata.json").is_file():
        raise ModelError(f"no model at {path}: expected metadata.json (train one with `zonedigest train`)")
    return path


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_metadata(model_dir: Path) -> dict:
    """The model's metadata, checked for format version and file hashes."""
    try:
        metadata = json.loads((model_dir / "metadata.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"unreadable metadata in {model_dir}: {exc}") from None
    if metadata.get("format_version") not in READABLE_FORMATS:
        raise ModelError(f"{model_dir}: model format {metadata.get('format_version')!r}, expected one of {READABLE_FORMATS}")
    files = metadata.get("files") or {}
    if MODEL_FILE not in files:
        raise ModelError(f"{model_dir}: metadata records no {MODEL_FILE}")
    for name, expected in files.items():
        path = model_dir / name
        if not path.is_file():
            raise ModelError(f"{model_dir}: missing artifact file {name}")
        if sha256_file(path) != expected:
            raise ModelError(f"{path}: sha256 mismatch, the file is corrupted or was changed; refusing to load it")
    return metadata


def install_legacy_modules() -> None:
    """Make the old module paths of :data:`LEGACY_MODULES` importable for unpickling."""
    for old, new in LEGACY_MODULES.items():
        if old not in sys.modules:
            sys.modules[old] = importlib.import_module(new)


# The types a zonedigest model is made of: nothing else is ever built from a model file.
ALLOWED_TYPES = frozenset(
    {
        ("joblib.numpy_pickle", "NumpyArrayWrapper"),
        ("numpy", "dtype"),
        ("numpy", "ndarray"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "scalar"),
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy.core.multiarray", "scalar"),
        ("sklearn.pipeline", "Pipeline"),
        ("sklearn.pipeline", "FeatureUnion"),
        ("sklearn.linear_model._logistic", "LogisticRegression"),
        ("service.model.features", "PrepareDocuments"),
        ("service.model.features", "ViewTfidf"),
        ("service.model.features", "CharTfidf"),
        ("service.model.features", "PolicyTermFeatures"),
        ("service.model.archive", "ArchiveWords"),
        ("service.model.archive", "ArchiveTopics"),
        ("service.model.estimator", "ThemeEstimator"),
    }
)


def _allowed(module: str, name: str) -> bool:
    return (LEGACY_MODULES.get(module, module), name) in ALLOWED_TYPES


def load_pipeline(model_dir: Path) -> object:
    """The verified version's fitted Pipeline (call :func:`read_metadata` first).

    The file is unpickled by joblib's unpickler with an allow-list (:data:`ALLOWED_TYPES`): a
    model file naming any other type or function (a file crafted to run code when loaded) is
    refused with a :class:`ModelError`, before anything of it is built.
    """
    from joblib.numpy_pickle import NumpyUnpickler

    path = model_dir / MODEL_FILE

    class AllowListUnpickler(NumpyUnpickler):
        def find_class(self, module: str, name: str):
            if not _allowed(module, name):
                raise ModelError(f"{path}: the model holds {module}.{name}, which no zonedigest model is made of; refusing to load it")
            return super().find_class(module, name)

    install_legacy_modules()
    try:
        with open(path, "rb") as f:
            return AllowListUnpickler(str(path), f, ensure_native_byte_order=True).load()
    except ModelError:
        raise
    except Exception as exc:  # a hash-verified file that still fails to load
        raise ModelError(f"{path}: cannot load model ({type(exc).__name__}: {exc})") from None
