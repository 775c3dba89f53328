"""Summary quality side by side: character ROUGE-1/2/L against the journalists' headlines.

Usage: python benchmarks/summary.py [--budgets 60,120,200] [--xwlb 500] [--rmrb 300]

Fixed seeded samples of stories with text >= 300 characters. Every system gets the
text only (never the headline) and is held to the same budget in whole sentences:
its sentences are taken in its own order up to the first that would pass the budget;
when even the first does not fit, it is clipped to the budget. Lead is the text's first
sentences up to the budget. Ranked by ROUGE recall at the budget (F1 beside).
"""

from __future__ import annotations

import argparse
import random
import re
import time

from _common import archive

PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


def chars(text: str) -> str:
    return PUNCT.sub("", text)


def lcs(a: str, b: str) -> int:
    prev = [0] * (len(b) + 1)
    for ca in a:
        cur = [0]
        for j, cb in enumerate(b):
            cur.append(prev[j] + 1 if ca == cb else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def rouge(summary: str, reference: str) -> dict[str, tuple[float, float]]:
    s, r = chars(summary), chars(reference)
    out = {}
    for n in (1, 2):
        sg = [s[i : i + n] for i in range(len(s) - n + 1)]
        rg = [r[i : i + n] for i in range(len(r) - n + 1)]
        pool: dict[str, int] = {}
        for g in sg:
            pool[g] = pool.get(g, 0) + 1
        hit = 0
        for g in rg:
            if pool.get(g, 0) > 0:
                pool[g] -= 1
                hit += 1
        out[f"R{n}"] = (hit / len(rg) if rg else 0.0, hit / len(sg) if sg else 0.0)
    m = lcs(s, r)
    out["RL"] = (m / len(r) if r else 0.0, m / len(s) if s else 0.0)
    return out


def fit(sentences: list[str], budget: int) -> str:
    """A system's sentences, in its order, up to the first that would pass the budget.

    When even the first does not fit (a system may return one over-long sentence whole),
    it is clipped to the budget, so that no system gets more characters than another.
    """
    out, used = [], 0
    for sentence in sentences:
        if used + len(sentence) > budget:
            break
        out.append(sentence)
        used += len(sentence)
    if not out and sentences:
        return sentences[0][:budget]
    return "".join(out)


def system_ours(analyzer, texts: list[str]):
    """Our summarizer; each text's themes come from one batch classification done beforehand."""
    from service.model.features import compose

    predictions = analyzer.model.predict([compose(None, t) for t in texts], evidence=0)
    themes = {t: p.themes for t, p in zip(texts, predictions)}

    def run(text: str, budget: int) -> list[str]:
        summary = analyzer.summarizer.summarize(text, themes=themes[text], max_chars=budget)
        return [s.text for s in summary.sentences]

    return run


def system_lead(text: str, budget: int) -> list[str]:
    from service.text.sentences import split_sentences

    return [s.text for s in split_sentences(text)]


def system_snownlp(text: str, budget: int) -> list[str]:
    from snownlp import SnowNLP

    return SnowNLP(text).summary(12)


def system_textrank(text: str, budget: int) -> list[str]:
    from textrank4zh import TextRank4Sentence

    tr = TextRank4Sentence()
    tr.analyze(text, lower=True, source="all_filters")
    return [item.sentence + "。" for item in tr.get_key_sentences(num=12)]


def sample(name: str, n: int, seed: int = 20261125) -> list[dict]:
    rows = [r for r in archive(name) if len(r["text"]) >= 300 and r.get("title")]
    return random.Random(seed).sample(rows, min(n, len(rows)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budgets", default="60,120,200")
    parser.add_argument("--xwlb", type=int, default=500)
    parser.add_argument("--rmrb", type=int, default=300)
    parser.add_argument("--systems", default="ours,lead,snownlp,textrank")
    args = parser.parse_args()
    budgets = [int(b) for b in args.budgets.split(",")]

    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    from service.analyzer import Analyzer
    from service.model.classifier import load_model

    analyzer = Analyzer(load_model())
    for name, n in (("archive_xwlb.jsonl.gz", args.xwlb), ("archive_rmrb.jsonl.gz", args.rmrb)):
        rows = sample(name, n)
        systems = {
            "ours": system_ours(analyzer, [r["text"] for r in rows]),
            "lead": system_lead,
            "snownlp": system_snownlp,
            "textrank": system_textrank,
        }
        systems = {k: v for k, v in systems.items() if k in args.systems.split(",")}
        print(f"\n{name}: {len(rows)} stories, text >= 300 chars, reference = headline (seeded sample)")
        print("sum/s: summaries per second on one core (ours: themes classified beforehand in one batch)")
        print(f"{'system':<10}{'budget':>7}{'R1 rec':>8}{'R2 rec':>8}{'RL rec':>8}{'RL F1':>8}{'sum/s':>9}")
        for budget in budgets:
            for sys_name, run in systems.items():
                totals = {"R1": [0.0, 0.0], "R2": [0.0, 0.0], "RL": [0.0, 0.0]}
                started = time.perf_counter()
                outputs = [fit(run(r["text"], budget), budget) for r in rows]
                rate = len(rows) / (time.perf_counter() - started)
                for r, out in zip(rows, outputs):
                    for key, (rec, prec) in rouge(out, r["title"]).items():
                        totals[key][0] += rec
                        totals[key][1] += 2 * rec * prec / (rec + prec) if rec + prec else 0.0
                k = len(rows)
                print(
                    f"{sys_name:<10}{budget:>7}{totals['R1'][0] / k:>8.3f}{totals['R2'][0] / k:>8.3f}"
                    f"{totals['RL'][0] / k:>8.3f}{totals['RL'][1] / k:>8.3f}{rate:>9.0f}"
                )


if __name__ == "__main__":
    main()
