"""Retrain on the repository's data plus the stored examples, gate on quality, promote.

A new version is promoted only when its macro-F1 (cross-validated, and on an evaluation
file when given) is not worse than the live model's by more than ``tolerance``, unless
forced. The report (JSON, text and HTML, in the version's folder) says why.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from service.examples.store import ExamplesStore, text_key
from service.labels import DEFAULT, LabelSet
from service.model.artifact import MODELS_DIR, resolve_model_dir, user_models_dir
from service.model.classifier import load_model
from service.model.versions import current_version, next_version, promote
from training.data import DATA_DIR, Example, load_examples
from training.evaluate import evaluate
from training.salience import read_picks
from training.train import train_model
from training.unlabeled import read_unlabeled

DEFAULT_TOLERANCE = 0.01


@dataclass
class RetrainResult:
    """A trained version and the gate's decision."""

    version: str
    model_dir: Path
    promoted: bool
    reason: str
    report: dict


def gather_examples(data: list[Path | str] | None, db: Path | str | None) -> tuple[list[Example], int, LabelSet]:
    """Repository examples plus stored ones, and the store's label set; a stored example replaces
    a repository example with the same text (it is a user's correction). Returns the examples, how
    many came from the store, and the label set to train."""
    store = ExamplesStore(db) if db else None
    labels = store.label_set() if store else DEFAULT
    base = load_examples(*(data or [DATA_DIR]), labels=labels)
    stored = store.examples() if store else []
    keys = {text_key(ex.text) for ex in stored}
    ids = {ex.id for ex in stored}
    kept = [ex for ex in base if text_key(ex.text) not in keys and ex.id not in ids]
    return kept + stored, len(stored), labels


def _per_class(report: dict | None) -> dict[str, float]:
    return {label: row["f1"] for label, row in (report or {}).get("per_class", {}).items()}


def _ece(metrics: dict) -> float | None:
    """Expected calibration error of ``confidence``: cross-validated (after calibration) or on an evaluation file."""
    figures = metrics.get("calibration") or {}
    return (figures.get("cross_fitted") or figures.get("after") or figures).get("ece")


def shared_macro_f1(metrics: dict, labels: list[str]) -> float:
    """Mean F1 over ``labels`` (the macro-F1 restricted to the labels two models share)."""
    return round(sum(metrics["per_class"][label]["f1"] for label in labels) / len(labels), 4)


def decide(new: dict, current: dict | None, tolerance: float, force: bool) -> tuple[bool, str]:
    """Promote or not, and why (``new``/``current``: {"cv": metrics, "eval": metrics?}).

    Models with the same labels are compared on macro-F1. A candidate with a label the live model
    lacks is compared on the live model's labels only (the old labels must not get worse beyond
    the tolerance); each new label's F1 on held-out folds is reported beside, not gated.
    """
    if current is None:
        return True, "no live model to compare with: the first version is promoted"
    reasons, passed = [], True
    for split in ("cv", "eval"):
        if split not in new or split not in current:
            continue
        old_labels, new_labels = list(current[split].get("per_class", {})), list(new[split].get("per_class", {}))
        same = new_labels == old_labels
        shared = [label for label in old_labels if label in new_labels]
        before = current[split]["macro_f1"] if same else shared_macro_f1(current[split], shared)
        after = new[split]["macro_f1"] if same else shared_macro_f1(new[split], shared)
        delta = after - before
        ok = delta >= -tolerance
        passed &= ok
        name = ("cross-validated" if split == "cv" else "evaluation-file") + (" macro-F1" if same else f" macro-F1 of the live labels ({', '.join(shared)})")
        verdict = "within" if ok else "beyond"
        reasons.append(f"{name} {after:.4f} vs {before:.4f} ({delta:+.4f}, {verdict} tolerance {tolerance})")
        if split == "cv":
            added = [label for label in new_labels if label not in old_labels]
            reasons += [f"new label {label}: F1 {new[split]['per_class'][label]['f1']:.4f} on held-out folds" for label in added]
    if passed:
        return True, "promoted: " + "; ".join(reasons)
    if force:
        return True, "promoted by --force although " + "; ".join(reasons)
    return False, "not promoted: " + "; ".join(reasons)


def live_model_dir(models: Path) -> Path | None:
    """The version a new one in ``models`` is compared with: the one its CURRENT names, else, for the
    user's first version, the shipped live one (what was served before)."""
    if current_version(models):
        return resolve_model_dir(models)
    return resolve_model_dir(MODELS_DIR) if Path(models).resolve() == user_models_dir().resolve() and current_version(MODELS_DIR) else None


def retrain(
    models: Path,
    *,
    data: list[Path | str] | None = None,
    db: Path | str | None = None,
    eval_path: Path | str | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    force: bool = False,
    auto_promote: bool = True,
    out_dir: Path | None = None,
    folds: int = 5,
    unlabeled: list[Path | str] | None = None,
    exclude_ids: Path | str | None = None,
    command: str | None = None,
    progress: Callable[[str], None] | None = None,
    editor_picks: Path | str | None = None,
) -> RetrainResult:
    """Train a new version in ``models``, compare it with the live one, promote when it passes.

    ``unlabeled`` archives (less the ids of ``exclude_ids``) are read and checked before
    anything is trained: a bad archive stops here and the live model is untouched.
    """
    examples, from_store, labels = gather_examples(data, db)
    keep = {row["id"] for row in read_picks(editor_picks)} if editor_picks else frozenset()
    archive = read_unlabeled(unlabeled, exclude_ids, progress, keep, tuple(labels.extra_terms())) if unlabeled else None
    baseline = live_model_dir(models)
    live = baseline.name if baseline else None
    out_dir = out_dir or models / next_version(models)
    result = train_model(
        examples, out_dir, folds=folds, parent=live, labels=labels, unlabeled=archive, command=command, progress=progress, editor_picks=editor_picks
    )
    new_model = load_model(out_dir)
    new_metrics = {"cv": result.metadata["metrics"]["cv"]}
    current_metrics = None
    if live:
        current_model = load_model(baseline)
        current_metrics = {"cv": current_model.metadata["metrics"]["cv"]}
    if eval_path:
        eval_examples = load_examples(eval_path, labels=labels)
        new_metrics["eval"] = evaluate(new_model, eval_examples)
        if live:
            current_metrics["eval"] = evaluate(current_model, eval_examples)
    promoted, reason = decide(new_metrics, current_metrics, tolerance, force)
    report = {
        "version": out_dir.name,
        "parent": live,
        "examples": len(examples),
        "from_store": from_store,
        "promoted": promoted and auto_promote,
        "reason": reason if auto_promote or not promoted else reason + " (not applied: --no-promote)",
        "new": {k: {"macro_f1": v["macro_f1"], "accuracy": v["accuracy"], "per_class_f1": _per_class(v), "ece": _ece(v)} for k, v in new_metrics.items()},
        "current": {
            k: {"macro_f1": v["macro_f1"], "accuracy": v["accuracy"], "per_class_f1": _per_class(v), "ece": _ece(v)} for k, v in (current_metrics or {}).items()
        },
        "tolerance": tolerance,
        "names_zh": {**(current_model.labels.name_zh_map() if live else {}), **new_model.labels.name_zh_map()},
    }
    write_reports(out_dir, report)
    if promoted and auto_promote:
        promote(models, out_dir.name)
    return RetrainResult(out_dir.name, out_dir, promoted and auto_promote, report["reason"], report)


def report_labels(new: dict, current: dict | None) -> list[str]:
    """Every label of either model, the candidate's order first."""
    return list(dict.fromkeys([*new["per_class_f1"], *((current or {}).get("per_class_f1") or {})]))


def format_report(report: dict) -> str:
    """The gate's report as text, with per-class deltas."""
    head = f"version {report['version']} (parent {report['parent']}), {report['examples']} examples ({report['from_store']} from the store)"
    lines = [head, report["reason"]]
    for split, new in report["new"].items():
        current = report["current"].get(split)
        lines.append(f"{split}: macro-F1 {new['macro_f1']:.4f}" + (f" (live {current['macro_f1']:.4f})" if current else ""))
        if new.get("ece") is not None:
            live = current.get("ece") if current else None
            lines.append(f"  confidence ECE {new['ece']:.4f}" + (f" (live {live:.4f})" if live is not None else ""))
        for label in report_labels(new, current):
            now = new["per_class_f1"].get(label, 0.0)
            delta = f" {now - current['per_class_f1'][label]:+.4f}" if current and label in current["per_class_f1"] else (" (new)" if current else "")
            lines.append(f"  {label:<12} F1 {now:.4f}{delta}")
    return "\n".join(lines)


def write_reports(out_dir: Path, report: dict) -> None:
    """report.json, report.txt and report.html in the version's folder."""
    (out_dir / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    (out_dir / "report.txt").write_text(format_report(report) + "\n", encoding="utf-8")
    from service.templates import render

    rows = []
    for split, new in report["new"].items():
        current = report["current"].get(split, {})
        for label in report_labels(new, current):
            before = current.get("per_class_f1", {}).get(label)
            name = report.get("names_zh", {}).get(label, "")
            rows.append({"split": split, "label": label, "name": name, "now": new["per_class_f1"].get(label, 0.0), "before": before})
    eces = "; ".join(
        f"{split}: {new['ece']:.4f}" + (f" (live {report['current'][split]['ece']:.4f})" if report["current"].get(split, {}).get("ece") is not None else "")
        for split, new in report["new"].items()
        if new.get("ece") is not None
    )
    page = render("training_report.html", report=report, rows=rows, eces=eces)
    (out_dir / "report.html").write_text(page, encoding="utf-8")
