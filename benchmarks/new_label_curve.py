"""A theme of the user's own on real news: how many labeled articles it takes, suggested or random,
with and without learning from the unlabeled archive.

Usage: python benchmarks/new_label_curve.py [--steps 25,50,100] [--seeds 3]

A user adds the label ``technology`` (科技创新) with seed terms and 10 written examples
(tests/data/technology_written.jsonl, tech-001..010) and corrects the 40 repository examples that
``examples review --label technology`` lists (benchmarks/data/technology_review.jsonl: ids and
labels given by a reader as the user). Then the user labels real articles in rounds, picked by
``examples suggest --label technology`` (with the model of the previous round, as the user would
run it) or at random, from a pool of 700 archive articles that are not held out
(benchmarks/data/technology_pool.jsonl: ids and labels given by readers as a user would; 400
drawn at random, 300 at random among articles that name a science or technology word).

Measured on 300 held-out archive articles (benchmarks/data/technology_labels.jsonl, ids in
../shared/data/heldout_ids.txt: measured on, never trained on); a second reader labeled them again
(benchmarks/data/technology_second_reader.jsonl): their agreement is the ceiling.

Printed side by side: the curve without the archive, and with what ``zonedigest train --unlabeled``
learns from both archives less every held-out id (training.unlabeled): their words and topics, and
self-training on them.
At each step: F1 of technology on the held-out articles, and macro-F1 of the five shipped labels
on both development sets (a technology answer counts as an error there). Each model is one fit
of the Pipeline with the shipped model's parameters (no cross-validation), so the steps differ
only in their examples.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time

from _common import ROOT, SHARED, archive_articles
from sklearn.metrics import f1_score

from service.batch.inputs import Record
from service.examples.record import validate_record
from service.examples.suggest import suggest_for_label
from service.labels import DEFAULT, LABELS, Label
from service.model.classifier import ThemeClassifier, load_model
from service.model.features import compose
from training.data import Example, load_examples
from training.train import build_pipeline, fit, model_params
from training.unlabeled import learn_archive, pseudo_label, read_unlabeled

TERMS = ("科技创新", "研发", "专利", "科技成果转化", "成果转化", "高新技术企业", "重点实验室", "关键核心技术", "技术攻关", "创新平台", "孵化器", "新型研发机构")
LABELSET = DEFAULT.with_label(Label("technology", "科技创新", "Science-and-technology innovation: R&D, patents, research results put to use.", TERMS))
LABELS_FILE = ROOT / "benchmarks" / "data" / "technology_labels.jsonl"  # the held-out test articles
POOL_FILE = ROOT / "benchmarks" / "data" / "technology_pool.jsonl"  # articles a user labels; none held out
REVIEW_FILE = ROOT / "benchmarks" / "data" / "technology_review.jsonl"
SECOND_READER_FILE = ROOT / "benchmarks" / "data" / "technology_second_reader.jsonl"  # the held-out 300, read again
REVIEWED = 40


def labeled(rows: list[dict], articles: dict[str, dict]) -> list[Example]:
    out = []
    for r in rows:
        article = articles[r["id"]]
        record = {"id": r["id"], "title": article.get("title", ""), "text": article["text"], "label": r["label"], "themes": r["themes"]}
        out.append(validate_record(record, "labels", 0, LABELSET))
    return out


def model_of(examples: list[Example], params: dict, archive=None, unlabeled=None) -> ThemeClassifier:
    """One fit, as ``zonedigest train`` fits: with the archive's views and self-training on it when given."""
    pipeline = fit(build_pipeline(**model_params(params), labels=LABELSET, archive=archive), examples)
    if unlabeled is not None and params.get("pseudo_per_source"):
        extra = pseudo_label(pipeline, unlabeled, per_source=params["pseudo_per_source"])
        pipeline = fit(build_pipeline(**model_params(params), labels=LABELSET, archive=archive), examples, extra=extra)
    return ThemeClassifier(pipeline, {"version": "curve", "labels": LABELSET.to_json(), "params": params})


def technology_f1(model: ThemeClassifier, test: list[Example]) -> float:
    predicted = [p.theme for p in model.predict([compose(e.title, e.text) for e in test], evidence=0)]
    return f1_score([e.label == "technology" for e in test], [p == "technology" for p in predicted], zero_division=0)


def old_macro_f1(model: ThemeClassifier, dev: list[Example]) -> float:
    predicted = [p.theme for p in model.predict([compose(e.title, e.text) for e in dev], evidence=0)]
    return f1_score([e.label for e in dev], predicted, labels=list(LABELS), average="macro", zero_division=0)


def reviewed(start: list[Example]) -> list[Example]:
    """``start`` with the user's corrections of the 40 examples ``examples review`` listed first."""
    from dataclasses import replace

    corrections = {r["id"]: r for r in map(json.loads, REVIEW_FILE.read_text(encoding="utf-8").splitlines())}
    return [replace(e, label=corrections[e.id]["label"], themes=tuple(corrections[e.id]["themes"])) if e.id in corrections else e for e in start]


def curve(start: list[Example], pool: list[Example], test: list[Example], devs: dict, params: dict, steps: list[int], seeds: int, archive=None, unlabeled=None):
    """Lines of the table: technology F1 and old-five macro-F1 at each step, suggested and random picks."""
    base = model_of(start, params, archive, unlabeled)
    report = {0: {"suggest": base, "random": [base] * seeds}}
    by_id = {e.id: e for e in pool}
    chosen: list[Example] = []
    model = base
    for k in steps:  # suggested: each round with the model of the previous round
        records = [Record(e.id, e.text, e.title or None) for e in pool if e not in chosen]
        examples = [e for e in start + chosen if e.label == "technology"]
        picked = suggest_for_label(records, model, k - len(chosen), "technology", TERMS, examples)
        chosen += [by_id[row["id"]] for row in picked]
        model = model_of(start + chosen, params, archive, unlabeled)
        report[k] = {"suggest": model}
    for seed in range(seeds):
        order = random.Random(seed).sample(pool, len(pool))
        for k in steps:
            report[k].setdefault("random", []).append(model_of(start + order[:k], params, archive, unlabeled))
    lines = []
    share_random = sum(e.label == "technology" for e in pool) / len(pool)
    for k in [0, *steps]:
        for strategy in ("suggest", "random"):
            models = report[k][strategy] if strategy == "random" else [report[k][strategy]]
            tf1 = statistics.mean(technology_f1(m, test) for m in models)
            olds = [statistics.mean(old_macro_f1(m, d) for m in models) for d in devs.values()]
            share = f"{sum(e.label == 'technology' for e in chosen[:k])}/{k}" if strategy == "suggest" else f"~{round(k * share_random)}/{k}"
            lines.append(f"{k:>8} {strategy:>8} {share:>14} {tf1:>14.3f}" + "".join(f" {o:>22.3f}" for o in olds))
            if k == 0:
                break
    return lines


def main() -> None:

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", default="25,50,100")
    parser.add_argument("--seeds", type=int, default=3, help="random orders averaged for the random picks")
    args = parser.parse_args()
    steps = [int(k) for k in args.steps.split(",")]
    test_rows = [json.loads(line) for line in LABELS_FILE.read_text(encoding="utf-8").splitlines()]
    pool_rows = [json.loads(line) for line in POOL_FILE.read_text(encoding="utf-8").splitlines()]
    held = set((SHARED / "heldout_ids.txt").read_text(encoding="utf-8").split())
    if any(r["id"] in held for r in pool_rows) or not all(r["id"] in held for r in test_rows):
        raise SystemExit("the pool must hold no held-out id, and the test only held-out ids")
    articles = archive_articles({r["id"] for r in test_rows + pool_rows})
    pool, test = labeled(pool_rows, articles), labeled(test_rows, articles)
    written_file = ROOT / "tests" / "data" / "technology_written.jsonl"
    written = [validate_record(json.loads(line), "written", 0, LABELSET) for line in written_file.open(encoding="utf-8")]
    start = reviewed(load_examples() + [e for e in written if e.id <= "tech-010"])
    devs = {name: load_examples(SHARED / f"{name}.jsonl") for name in ("dev_labeled", "dev_regional")}
    shipped = load_model()
    params = {k: v for k, v in shipped.metadata["params"].items() if k != "temperature"}
    tech = sum(e.label == "technology" for e in pool), sum(e.label == "technology" for e in test)
    print(f"pool {len(pool)} articles ({tech[0]} technology), held out {len(test)} ({tech[1]} technology)")
    print(f"start: {len(start)} examples = the repository's training data (40 reviewed) + 10 written technology examples; seed terms: {'、'.join(TERMS)}")
    second = {r["id"]: r["label"] for r in map(json.loads, SECOND_READER_FILE.read_text(encoding="utf-8").splitlines())}
    agree = f1_score([e.label == "technology" for e in test], [second[e.id] == "technology" for e in test])
    print(f"a second reader, blind to the first, on the held-out articles: technology F1 {agree:.3f} against the first (the ceiling)")
    print(f"shipped model {shipped.version}: " + ", ".join(f"{n} old-five macro-F1 {old_macro_f1(shipped, d):.3f}" for n, d in devs.items()))

    began = time.perf_counter()
    unlabeled = read_unlabeled([SHARED / "archive_xwlb.jsonl.gz", SHARED / "archive_rmrb.jsonl.gz"], SHARED / "heldout_ids.txt")
    archive, info = learn_archive(unlabeled.docs)
    used, gone = unlabeled.corpus["articles_used"], unlabeled.corpus["articles_excluded"]
    print(f"archive: {used} articles ({gone} held out left out), {info['topics']} topics in {time.perf_counter() - began:.0f} s")
    began = time.perf_counter()
    tables = {"without the archive": curve(start, pool, test, devs, params, steps, args.seeds)}
    tables["with the archive"] = curve(start, pool, test, devs, params, steps, args.seeds, archive, unlabeled)
    print(f"({2 * (len(steps) * (1 + args.seeds) + 1)} models in {time.perf_counter() - began:.0f} s)")
    head = f"{'labeled':>8} {'picks':>8} {'tech in picks':>14} {'technology F1':>14}" + "".join(f" {n + ' old-5 F1':>22}" for n in devs)
    for name, lines in tables.items():
        print(f"\n{name}\n{head}")
        print("\n".join(lines))


if __name__ == "__main__":
    main()
