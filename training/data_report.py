"""Coverage of the labeled training data: counts by file, label, length and form.

Usage: python -m training.data_report [DATA...]   (default: training/data)
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from service.labels import LABELS
from training.data import load_examples

BUCKETS = ((0, 100, "≤100"), (101, 350, "101–350"), (351, 900, "351–900"), (901, 10**9, ">900"))


def bucket(n: int) -> str:
    """Length bucket of a text of ``n`` characters."""
    return next(name for low, high, name in BUCKETS if low <= n <= high)


def report(examples) -> str:
    """The coverage tables as text."""
    lines = [f"{len(examples)} examples"]
    by_label = Counter(ex.label for ex in examples)
    lines.append("by label:   " + "  ".join(f"{label} {by_label[label]}" for label in LABELS))
    by_file = Counter(Path(ex.source).name for ex in examples)
    lines.append("by file:    " + "  ".join(f"{name} {n}" for name, n in sorted(by_file.items())))
    lines.append(f"{'length':<10}" + "".join(f"{label:>13}" for label in LABELS))
    for _, _, name in BUCKETS:
        counts = Counter(ex.label for ex in examples if bucket(len(ex.text)) == name)
        lines.append(f"{name:<10}" + "".join(f"{counts[label]:>13}" for label in LABELS))
    titled = sum(bool(ex.title) for ex in examples)
    multi = Counter(len(ex.themes) for ex in examples)
    lines.append(f"with title {titled} ({titled / len(examples):.0%}); themes per example: {dict(sorted(multi.items()))}")
    forms = {
        "bulletin (本日讯/本报讯)": lambda t: t.startswith(("本日讯", "本报讯")),
        "dateline (本报…电)": lambda t: t.startswith("本报") and "电" in t[:20],
        "evening news (今天（…）)": lambda t: t.startswith("今天（") or "记者从" in t[:20],
        "feature (核心阅读)": lambda t: "核心阅读" in t[:10],
    }
    lines.append("forms:      " + "  ".join(f"{name} {sum(f(ex.text) for ex in examples)}" for name, f in forms.items()))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Print the coverage report."""
    print(report(load_examples(*(argv if argv is not None else sys.argv[1:]))))


if __name__ == "__main__":
    main()
