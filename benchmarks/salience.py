"""Learned sentence salience against the hand-weighted summarizer, side by side.

Usage: python benchmarks/salience.py [--xwlb 500] [--rmrb 300] [--folds 5]

Issue 11 asked to learn salience from the repository's own examples: the overlap of each
sentence with its article's title is a training signal the project owns. This trains a
gradient-boosted regressor on the features a reader would name (position, length, numbers
with units, places and organisations, policy terms, verbs of decision and action, similarity
to the whole article and to the lead, slogans, back-references) with the title overlap
(ROUGE-L recall of the title by the sentence) as target, and prints ROUGE-L recall against
titles at 60/120/200 characters for: the shipped summarizer (hand weights), the learned
score alone, and the hand score plus the learned one; lead and the oracle beside them.
First on the repository's examples (cross-validated by article), then on the archives'
real headlines (trained on all repository examples). Nothing here is shipped: see the
README for what it showed.
"""

from __future__ import annotations

import argparse
import math
import random
import re
import statistics
from collections import Counter

from _common import ROOT  # noqa: F401 - puts the repository on the path
from summary import candidates, chars, classify_themes, fit, lcs, load_analyzer, rouge, sample, system_lead, system_oracle

from service.summary.summarizer import ScoredSentence, Summarizer, _bigrams, _similarity
from service.summary.units import is_filler, needs_antecedent
from service.text.patterns import FACT, SLOGAN
from training.data import load_examples

BUDGETS = (60, 120, 200)
DECISION = re.compile(
    "印发|部署|签约|签署|开工|投产|竣工|同比增长|增长|召开|举行|发布|出台|启动|通过|审议"
    "|会见|批准|宣布|达成|建成|落地|实施|开通|成立|揭牌|突破|实现|完成"
)
PLACE = re.compile("[\u4e00-\u9fff]{1,6}(?:省|市|县|区|镇|乡|村|园区|开发区|新区)")
ORG = re.compile("[\u4e00-\u9fff]{1,8}(?:公司|集团|委员会|部|局|厅|院|中心|协会|银行|大学|政府)")
BLEND = 2.0  # hand score + BLEND x learned score: the best of 1, 2, 4 on the repository's folds


def sentence_features(body, tokens, doc_tf, word_idf, term_value) -> list[list[float]]:
    """One row of reader-named features per sentence of an article."""
    centroid = {t: word_idf[t] * (1 + math.log(c)) for t, c in doc_tf.items()}
    norm = math.sqrt(sum(v * v for v in centroid.values())) or 1.0
    top = {t for t, _ in sorted(((t, v) for t, v in centroid.items() if len(t) >= 2), key=lambda x: -x[1])[:10]}
    grams = [_bigrams(s.text) for s in body]
    salience = []
    for words in tokens:
        dot = norm2 = 0.0
        for t, c in Counter(words).items():
            dot += centroid[t] * word_idf[t] * c
            norm2 += (word_idf[t] * c) ** 2
        salience.append(dot / ((math.sqrt(norm2) or 1.0) * norm))
    n, rows = len(body), []
    for i, (s, words) in enumerate(zip(body, tokens)):
        text = s.text
        rows.append([
            1 / (1 + i), float(i == 0), i / max(n - 1, 1), math.log(len(text) + 1), salience[i],
            math.log1p(sum(term_value.get(t, 0) for t in words)), min(len(FACT.findall(text)), 4),
            float(bool(SLOGAN.search(text))), float(is_filler(text, opening=i == 0)), float(needs_antecedent(text)),
            min(len(DECISION.findall(text)), 3), min(len(PLACE.findall(text)), 3), min(len(ORG.findall(text)), 3),
            _similarity(grams[i], grams[0]) if i else 1.0, len(top & set(words)) / max(len(top), 1),
        ])
    return rows


class Recording(Summarizer):
    """The shipped summarizer that also records each article's sentence features, and scores
    with ``learned`` (hand score + ``blend`` x learned, or the learned score alone when blend is None)."""

    learned = None
    blend: float | None = None

    def _score(self, body, tokens, doc_tf, lexicon, title, themes, *known):
        hand = super()._score(body, tokens, doc_tf, lexicon, title, themes, *known)
        word_idf = {t: self.idf.get(t, self.default_idf) for t in doc_tf}
        own = set(themes)
        term_value = {t: 2.0 if own & set(lexicon.terms[t]) else 1.0 for t in doc_tf.keys() & lexicon.terms.keys()}
        self.rows = sentence_features(body, tokens, doc_tf, word_idf, term_value)
        if self.learned is None:
            return hand
        learned = self.learned.predict(self.rows)
        scores = [float(q) + 0.01 if self.blend is None else s.score + self.blend * float(q) for s, q in zip(hand, learned)]
        return [ScoredSentence(s.text, s.start, s.end, v, s.terms) for s, v in zip(hand, scores)]


def training_rows(summarizer: Recording, articles: list[dict]) -> tuple[list, list, list]:
    """Features, title overlap and article index of every sentence of ``articles``."""
    X, y, group = [], [], []
    for k, a in enumerate(articles):
        summarizer.rows = []
        summarizer.summarize(a["text"], themes=a["themes"], max_chars=40)
        body = candidates(a["text"])
        ref = chars(a["title"])
        if len(body) < 3 or len(summarizer.rows) != len(body):
            continue
        for s, row in zip(body, summarizer.rows):
            X.append(row)
            y.append(lcs(chars(s.text), ref) / len(ref))
            group.append(k)
    return X, y, group


def recall(summarizer: Summarizer, articles: list[dict], budget: int) -> float:
    return statistics.mean(
        rouge(fit([s.text for s in summarizer.summarize(a["text"], themes=a["themes"], max_chars=budget).sentences], budget), a["title"])["RL"][0]
        for a in articles
    )


def table(name: str, articles: list[dict], systems: dict) -> None:
    print(f"\n{name}: {len(articles)} articles; ROUGE-L recall against the title, share of the lead-to-oracle gap closed")
    anchors = {b: (statistics.mean(rouge(fit(system_lead(a["text"], b), b), a["title"])["RL"][0] for a in articles),
                   statistics.mean(rouge(fit(system_oracle(a["title"])(a["text"], b), b), a["title"])["RL"][0] for a in articles)) for b in BUDGETS}
    print(f"{'system':<22}" + "".join(f"{b:>16}" for b in BUDGETS))
    print(f"{'lead / oracle':<22}" + "".join(f"{anchors[b][0]:>8.3f}{anchors[b][1]:>8.3f}" for b in BUDGETS))
    for label, values in systems.items():
        cells = "".join(f"{values[b]:>8.3f}{(values[b] - anchors[b][0]) / (anchors[b][1] - anchors[b][0]):>+8.0%}" for b in BUDGETS)
        print(f"{label:<22}{cells}")


def main() -> None:
    from sklearn.ensemble import HistGradientBoostingRegressor

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--xwlb", type=int, default=500)
    parser.add_argument("--rmrb", type=int, default=300)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    analyzer = load_analyzer()
    own = [{"id": e.id, "title": e.title, "text": e.text, "themes": list(e.themes)} for e in load_examples() if e.title and len(e.text) >= 300]
    summarizer = Recording(idf=analyzer.model.idf())
    X, y, group = training_rows(summarizer, own)

    def learner(rows, targets):
        return HistGradientBoostingRegressor(max_iter=150, learning_rate=0.05, max_leaf_nodes=15, min_samples_leaf=40, random_state=0).fit(rows, targets)

    order = list(range(len(own)))
    random.Random(1).shuffle(order)
    folds = [set(order[k :: args.folds]) for k in range(args.folds)]
    results = {label: {b: [] for b in BUDGETS} for label in ("hand weights (shipped)", "learned", "hand + learned")}
    for held in folds:
        model = learner([x for x, g in zip(X, group) if g not in held], [t for t, g in zip(y, group) if g not in held])
        test = [own[k] for k in sorted(held)]
        for label, blend, learned in (("hand weights (shipped)", None, None), ("learned", None, model), ("hand + learned", BLEND, model)):
            s = Recording(idf=analyzer.model.idf())
            s.learned, s.blend = learned, blend
            for b in BUDGETS:
                results[label][b] += [recall(s, [a], b) for a in test]
    table("the repository's examples (cross-validated by article)", own, {k: {b: statistics.mean(v[b]) for b in BUDGETS} for k, v in results.items()})

    model = learner(X, y)
    for name, n in (("archive_xwlb.jsonl.gz", args.xwlb), ("archive_rmrb.jsonl.gz", args.rmrb)):
        rows = sample(name, n)
        themes = classify_themes(analyzer, [r["text"] for r in rows])
        articles = [{"title": r["title"], "text": r["text"], "themes": themes[r["text"]]} for r in rows]
        systems = {}
        for label, blend, learned in (("hand weights (shipped)", None, None), ("learned", None, model), ("hand + learned", BLEND, model)):
            s = Recording(idf=analyzer.model.idf())
            s.learned, s.blend = learned, blend
            systems[label] = {b: recall(s, articles, b) for b in BUDGETS}
        table(f"{name}: real headlines (trained on every repository example)", articles, systems)


if __name__ == "__main__":
    main()
