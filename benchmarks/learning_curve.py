"""What a user's labels buy: macro-F1 on held-out regional articles as labeled articles are added.

Usage: python benchmarks/learning_curve.py

On ../shared/data/dev_regional.jsonl, in 5 seeded stratified folds: add k = 0, 25, 50, 100
labeled articles from the training folds to the shipped training data, retrain (one fit
of the Pipeline), and measure macro-F1 on the held-out fold. The k articles are chosen
once by `examples suggest` (uncertain and mutually distant, judged by the shipped
model) and once at random. This benchmark trains on development data to measure the
loop; the shipped model never does.
"""

from __future__ import annotations

import random
import statistics

import numpy as np
from _common import SHARED
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold

from service.batch.inputs import Record
from service.examples.suggest import suggest
from service.labels import LABELS
from service.model.classifier import load_model
from training.data import load_examples
from training.train import build_pipeline, documents, fit

KS = (0, 25, 50, 100)


def macro_f1(model, examples) -> float:
    predicted = model.predict(documents(examples))
    return f1_score([e.label for e in examples], predicted, labels=list(LABELS), average="macro", zero_division=0)


def main() -> None:
    base = load_examples()
    dev = load_examples(SHARED / "dev_regional.jsonl")
    shipped = load_model()
    labels = [e.label for e in dev]
    curves: dict[str, dict[int, list[float]]] = {"suggest": {k: [] for k in KS}, "random": {k: [] for k in KS}}
    splitter = StratifiedKFold(n_splits=5, shuffle=True, random_state=20261125)
    for fold, (pool_idx, test_idx) in enumerate(splitter.split(np.zeros(len(dev)), labels)):
        pool = [dev[i] for i in pool_idx]
        test = [dev[i] for i in test_idx]
        by_id = {e.id: e for e in pool}
        ranked = [by_id[row["id"]] for row in suggest([Record(e.id, e.text, e.title or None) for e in pool], shipped, max(KS))]
        shuffled = random.Random(fold).sample(pool, len(pool))
        baseline = macro_f1(fit(build_pipeline(), base), test)
        for strategy, order in (("suggest", ranked), ("random", shuffled)):
            curves[strategy][0].append(baseline)
            for k in KS[1:]:
                curves[strategy][k].append(macro_f1(fit(build_pipeline(), base + order[:k]), test))
        print(f"fold {fold + 1}: k=0 {baseline:.3f}; " + "; ".join(f"{s} k={k} {curves[s][k][-1]:.3f}" for s in curves for k in KS[1:]))
    print("\nmacro-F1 on held-out dev_regional folds (mean of 5 folds)")
    print(f"{'k':>5}{'suggested':>12}{'random':>10}{'suggested - random':>20}")
    for k in KS:
        s, r = statistics.mean(curves["suggest"][k]), statistics.mean(curves["random"][k])
        print(f"{k:>5}{s:>12.3f}{r:>10.3f}{s - r:>20.3f}")
    lift = statistics.mean(curves["suggest"][50]) - statistics.mean(curves["suggest"][0])
    print(f"lift of 50 suggested articles over k=0: {lift:+.3f}")


if __name__ == "__main__":
    main()
