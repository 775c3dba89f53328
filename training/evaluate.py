"""Evaluate a model on labeled examples: figures, errors, text and HTML reports."""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np

from service.labels import Label, LabelSet
from service.model.classifier import ThemeClassifier
from service.model.features import compose
from training.calibration import reliability, reliability_text
from training.data import Example
from training.metrics import classification_metrics


def evaluate(model: ThemeClassifier, examples: list[Example], *, worst: int = 10) -> dict:
    """Metrics of ``model`` on ``examples`` and its most confident errors."""
    predictions = model.predict([compose(ex.title, ex.text) for ex in examples], evidence=3)
    labels = evaluation_labels(model.labels, examples)
    proba = np.array([[p.scores.get(label, 0.0) for label in labels.ids] for p in predictions])
    presence = np.array([[1.0 if t in p.themes else 0.0 for t in labels.themes] for p in predictions])
    report = classification_metrics(examples, proba, presence, {t: 0.5 for t in labels.themes}, labels)
    report["names_zh"] = {label: labels.name_zh(label) for label in labels.ids}
    errors = [
        {
            "id": ex.id,
            "title": ex.title or ex.text[:40],
            "label": ex.label,
            "predicted": p.theme,
            "confidence": p.confidence,
            "evidence": [e["term"] for e in p.evidence],
        }
        for ex, p in zip(examples, predictions, strict=False)
        if p.theme != ex.label
    ]
    errors.sort(key=lambda e: -e["confidence"])
    report["errors"] = len(errors)
    report["worst_errors"] = errors[:worst]
    report["model_version"] = model.version
    # Reliability of ``confidence``: ECE (10 equal-width bins) and the table per bin.
    report["calibration"] = reliability(proba, np.array([labels.ids.index(ex.label) for ex in examples]))
    report["calibration"]["temperature"] = getattr(model, "temperature", None)
    return report


def evaluation_labels(served: LabelSet, examples: list[Example]) -> LabelSet:
    """The model's labels plus any label the examples use that it lacks (never predicted: F1 0)."""
    missing = sorted({ex.label for ex in examples} - set(served.ids))
    return LabelSet((*served.labels[:-1], *(Label(x, x) for x in missing), served.labels[-1])) if missing else served


def confusion_text(confusion: list[list[int]], LABELS: list[str]) -> str:  # noqa: N803
    """The confusion matrix as an aligned table (rows: truth, columns: predicted)."""
    width = max(11, max(len(label) for label in LABELS) + 1)
    lines = ["truth \\ pred".ljust(width) + "".join(label[:10].rjust(width) for label in LABELS)]
    for label, row in zip(LABELS, confusion, strict=False):
        lines.append(label.ljust(width) + "".join(str(n).rjust(width) for n in row))
    return "\n".join(lines)


def format_text(report: dict, name: str = "") -> str:
    """A plain-text report: headline figures, per-class table, confusion matrix, worst errors."""
    out = [
        f"evaluation {name} (model {report['model_version']}, {report['n']} examples)".replace("  ", " "),
        f"accuracy {report['accuracy']:.3f}  macro-F1 {report['macro_f1']:.3f}  themes micro-F1 {report['themes_micro_f1']:.3f}",
        "",
        f"{'label':<12}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>9}",
    ]
    for label, row in report["per_class"].items():
        out.append(f"{label:<12}{row['precision']:>10.3f}{row['recall']:>10.3f}{row['f1']:>10.3f}{row['support']:>9}")
    out += ["", confusion_text(report["confusion"], list(report["per_class"]))]
    if "calibration" in report:
        out += [
            "",
            "reliability of confidence" + ("" if report["calibration"].get("temperature") else " (uncalibrated model)"),
            reliability_text(report["calibration"]),
        ]
    out += ["", f"errors: {report['errors']}; most confident:"]
    for e in report["worst_errors"]:
        out.append(f"  {e['id']}: {e['label']} -> {e['predicted']} ({e['confidence']:.2f}) {e['title'][:40]}")
    return "\n".join(out)


def confusion_svg(confusion: list[list[int]], names: dict[str, str], cell: int = 64) -> str:
    """The confusion matrix as an inline SVG heat map (``names``: label id → Chinese name, in order)."""
    LABELS = list(names)  # noqa: N806
    n = len(LABELS)
    pad = 140  # room for the row names at the left and the slanted column names above
    size = pad + n * cell
    top = max(max(row) for row in confusion) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{size + 90}" height="{size}" font-family="sans-serif" font-size="12">']
    for i, label in enumerate(LABELS):
        name = html.escape(f"{label} {names[label]}")
        parts.append(f'<text x="{pad - 6}" y="{pad + i * cell + cell / 2 + 4}" text-anchor="end">{name}</text>')
        parts.append(
            f'<text x="{pad + i * cell + cell / 2}" y="{pad - 8}" text-anchor="start" '
            f'transform="rotate(-40 {pad + i * cell + cell / 2} {pad - 8})">{name}</text>'
        )
        for j, count in enumerate(confusion[i]):
            shade = int(255 - 200 * count / top)
            colour = f"rgb({shade},{shade},255)" if i == j else f"rgb(255,{shade},{shade})"
            x, y = pad + j * cell, pad + i * cell
            parts.append(f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" fill="{colour}" stroke="#888"/>')
            parts.append(f'<text x="{x + cell / 2}" y="{y + cell / 2 + 4}" text-anchor="middle">{count}</text>')
    parts.append("</svg>")
    return "".join(parts)


def write_html(report: dict, path: Path | str, name: str = "") -> Path:
    """An HTML report with the figures, a confusion-matrix picture and the worst errors (``service/templates/evaluation.html``)."""
    from service.templates import render

    names = report.get("names_zh") or {label: label for label in report["per_class"]}
    confusion = confusion_svg(report["confusion"], names)
    page = render("evaluation.html", report=report, name=name, names=names, confusion=confusion, calibration=report.get("calibration"))
    path = Path(path)
    path.write_text(page, encoding="utf-8")
    return path
