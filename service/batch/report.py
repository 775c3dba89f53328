"""An HTML report of a batch output: theme counts and shares, share over time, top
keywords per theme, and the lowest-confidence records to review."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

from service.batch.results import read_results
from service.labels import LABELS, NAMES_ZH, OTHER

COLORS = {"talent": "#2e7d32", "investment": "#c62828", "energy": "#ef6c00", "agriculture": "#558b2f", "other": "#607d8b"}
PALETTE = ("#6a1b9a", "#00838f", "#ad1457", "#4e342e", "#283593", "#9e9d24", "#d84315", "#00695c")  # themes of the user's own


def labels_of(rows: list[dict]) -> tuple[list[str], dict[str, str], dict[str, str]]:
    """The labels the rows use (shipped ones in their order, the user's own next, ``other`` last),
    their Chinese names (from the rows' ``theme_zh``) and colours."""
    seen = {row["theme"]: row.get("theme_zh") or NAMES_ZH.get(row["theme"], row["theme"]) for row in rows}
    own = sorted(label for label in seen if label not in LABELS)
    order = [label for label in LABELS if label != OTHER] + own + [OTHER]
    names = {label: seen.get(label) or NAMES_ZH.get(label, label) for label in order}
    colors = {**{label: PALETTE[i % len(PALETTE)] for i, label in enumerate(own)}, **COLORS}
    return order, names, colors


def _clip(text: str, size: int = 80) -> str:
    return text if len(text) <= size else text[:size] + "…"


def _period(date: object) -> str | None:
    text = str(date or "").replace("-", "").replace("/", "")
    return f"{text[:4]}-{text[4:6]}" if len(text) >= 6 and text[:6].isdigit() else None


def share_over_time_svg(rows: list[dict], width: int = 860, height: int = 300) -> str:
    """Stacked bars of theme shares per month, as inline SVG ('' when no record has a date)."""
    order, names, colors = labels_of(rows)
    by_month: dict[str, Counter] = defaultdict(Counter)
    for row in rows:
        month = _period(row.get("date"))
        if month:
            by_month[month][row["theme"]] += 1
    if not by_month:
        return ""
    months = sorted(by_month)
    pad_left, pad_bottom, pad_top = 40, 60, 10
    plot_w, plot_h = width - pad_left - 10, height - pad_bottom - pad_top
    bar_w = plot_w / len(months)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-size="11" font-family="sans-serif" role="img">']
    for tick in (0, 25, 50, 75, 100):
        y = pad_top + plot_h * (1 - tick / 100)
        parts.append(f'<line x1="{pad_left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/><text x="4" y="{y + 4:.1f}">{tick}%</text>')
    step = max(1, len(months) // 24)
    for i, month in enumerate(months):
        total = sum(by_month[month].values())
        y = pad_top + plot_h
        for label in order:
            h = plot_h * by_month[month][label] / total
            if h > 0:
                y -= h
                title = f"{month} {names[label]} {by_month[month][label]}/{total}"
                parts.append(
                    f'<rect x="{pad_left + i * bar_w:.1f}" y="{y:.1f}" width="{max(bar_w - 1, 1):.1f}" height="{h:.1f}" '
                    f'fill="{colors[label]}"><title>{title}</title></rect>'
                )
        if i % step == 0:
            x = pad_left + i * bar_w + bar_w / 2
            parts.append(f'<text x="{x:.1f}" y="{height - pad_bottom + 14}" transform="rotate(60 {x:.1f} {height - pad_bottom + 14})">{month}</text>')
    parts.append("</svg>")
    return "".join(parts)


def build_report(rows: list[dict], skipped: int, source: str) -> str:
    """The report page (``service/templates/batch_report.html``)."""
    from service.templates import render

    order, names, colors = labels_of(rows)
    counts = Counter(row["theme"] for row in rows)
    themes = []
    for label in order:
        words: Counter = Counter()
        for row in rows:
            if row["theme"] == label:
                words.update(k["term"] for k in row.get("keywords", [])[:5])
        share = counts[label] / (len(rows) or 1)
        themes.append({"label": label, "name": names[label], "color": colors[label], "count": counts[label], "share": share, "keywords": words.most_common(12)})
    lowest = [
        {"id": str(r["id"]), "theme": r["theme"], "name": names[r["theme"]], "confidence": r.get("confidence", 0), "summary": _clip(r.get("summary", ""))}
        for r in sorted(rows, key=lambda r: r.get("confidence", 0))[:20]
    ]
    return render("batch_report.html", source=source, rows=rows, skipped=skipped, themes=themes, chart=share_over_time_svg(rows), lowest=lowest)


def write_report(source: Path | str, target: Path | str) -> tuple[int, int]:
    """Write the report of ``source`` to ``target``; returns (records, skipped)."""
    rows, skipped = read_results(source)
    Path(target).write_text(build_report(rows, skipped, Path(source).name), encoding="utf-8")
    return len(rows), skipped
