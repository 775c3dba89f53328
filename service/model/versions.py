"""Model versions in a models directory: list them, promote one, roll back.

``CURRENT`` names the live version and is replaced atomically; ``HISTORY`` lists every
promotion (time, version), so a rollback returns to the version before.
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

from service.model.artifact import MODELS_DIR, ModelError, read_metadata, user_models_dir


def models_dir(path: Path | str | None = None) -> Path:
    """The models directory training writes to and promote/rollback act on: ``path``, else
    ``$ZONEDIGEST_MODEL_DIR`` when it holds CURRENT, else the user's (:func:`user_models_dir`,
    ``var/models``): the shipped ``models/`` are never written."""
    if path is not None:
        return Path(path)
    env = os.environ.get("ZONEDIGEST_MODEL_DIR")
    return Path(env) if env and (Path(env) / "CURRENT").exists() else user_models_dir()


def current_version(directory: Path) -> str | None:
    """The version CURRENT names (None without CURRENT)."""
    try:
        return (directory / "CURRENT").read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def list_versions(directory: Path) -> list[dict]:
    """Every version with its creation time, parent, size of data and quality."""
    current = current_version(directory)
    out = []
    for meta_path in sorted(directory.glob("*/metadata.json"), key=lambda p: _order(p.parent.name)):
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        cv = meta.get("metrics", {}).get("cv", {})
        out.append(
            {
                "version": meta_path.parent.name,
                "current": meta_path.parent.name == current,
                "created": meta.get("created"),
                "parent": meta.get("parent"),
                "n_examples": meta.get("n_examples"),
                "cv_macro_f1": cv.get("macro_f1"),
                "per_class_f1": {label: row["f1"] for label, row in (cv.get("per_class") or {}).items()},
                "eval_macro_f1": meta.get("metrics", {}).get("eval", {}).get("macro_f1"),
            }
        )
    return out


def _order(name: str) -> tuple:
    match = re.fullmatch(r"v(\d+)", name)
    return (0, int(match.group(1)), name) if match else (1, 0, name)


def next_version(directory: Path) -> str:
    """``v<N+1>`` after the highest ``v<N>`` in the directory (and, for the user's, among the shipped ones)."""
    folders = [directory, MODELS_DIR] if Path(directory).resolve() == user_models_dir().resolve() else [directory]
    numbers = [int(m.group(1)) for d in folders if d.exists() for p in d.iterdir() if (m := re.fullmatch(r"v(\d+)", p.name))]
    return f"v{max(numbers, default=0) + 1}"


def promote(directory: Path, version: str) -> None:
    """Make ``version`` live: its files are verified first, then CURRENT is replaced atomically."""
    target = directory / version
    if not (target / "metadata.json").is_file():
        raise ModelError(f"no version {version!r} in {directory}")
    read_metadata(target)  # refuses a tampered or incomplete version
    tmp = directory / f".CURRENT.{os.getpid()}.tmp"
    tmp.write_text(version + "\n", encoding="utf-8")
    os.replace(tmp, directory / "CURRENT")
    with open(directory / "HISTORY", "a", encoding="utf-8") as history:
        history.write(f"{time.strftime('%Y-%m-%dT%H:%M:%S')}\t{version}\n")


def rollback(directory: Path) -> str:
    """Promote the version that was live before the current one; returns it."""
    current = current_version(directory)
    try:
        promoted = [line.split("\t")[1].strip() for line in (directory / "HISTORY").read_text(encoding="utf-8").splitlines() if "\t" in line]
    except OSError:
        promoted = []
    earlier = [v for v in promoted if v != current]
    if not earlier:
        back = f"; remove {directory / 'CURRENT'} to serve the shipped model again" if Path(directory).resolve() == user_models_dir().resolve() else ""
        raise ModelError(f"nothing to roll back to in {directory}: HISTORY has no version before {current}{back}")
    previous = earlier[-1]
    promote(directory, previous)
    return previous
