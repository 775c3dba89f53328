"""Learn sentence salience from editors' picks (a logistic regression, stored as plain numbers).

The picks file holds, per article, its archive ``id``, the ``part`` it belongs to (``learn`` or
``measure``: only ``learn`` is trained on), the number of ``sentences`` the editors saw, and each
editor's picks (``A``, and ``B`` where a second editor read it: indices into the article's sentences as
``split_sentences(text, split_long=False)`` gives them, boilerplate left out), with ``anchors``
(the first characters of each picked sentence) to check the indices still apply. The texts come
from the unlabeled archive the model learns from: the file holds no article text.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from service.model.artifact import sha256_file
from service.summary.salience import FEATURES, Salience
from service.summary.summarizer import Summarizer
from service.text.article import Article
from training.data import DataError

PART = "learn"


def read_picks(path: Path | str) -> list[dict]:
    """The rows of an editors' picks file that training learns from (part ``learn``)."""
    try:
        rows = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    except (OSError, ValueError) as exc:
        raise DataError(path, 0, f"cannot read the editors' picks: {exc}") from None
    rows = [r for r in rows if r.get("part") == PART]
    if not rows:
        raise DataError(path, 0, f"no article of the {PART!r} part to learn salience from")
    return rows


def _picked(row: dict, article: Article) -> tuple[set[str], set[str]] | None:
    """Texts of the sentences picked by either editor and by both (None when the indices no longer apply)."""
    sentences = [article.shown(i) for i in range(len(article.sentences))]  # as the editors saw them
    if len(sentences) != row["sentences"] or any(not sentences[int(i)].startswith(a) for i, a in row.get("anchors", {}).items()):
        return None
    second = set(row.get("B") or ())  # articles of one editor: nothing counts double
    return {sentences[i] for i in set(row["A"]) | second}, {sentences[i] for i in set(row["A"]) & second}


def learn_salience(path: Path | str, rows: list[dict], texts: dict[str, tuple[str | None, str]], summarizer: Summarizer, themes: dict[str, list[str]]):
    """Fit the salience on ``rows`` (articles found in ``texts``: id → (title, text)); returns it and what it learned from.

    Each candidate sentence is an example, picked by either editor or not, weighted double when
    both picked it. ``themes`` (id → themes) key the hand-weighted score, as when summarizing.
    """
    from sklearn.linear_model import LogisticRegression

    blocks, labels, weights, used, stale = [], [], [], 0, 0
    for row in rows:
        if row["id"] not in texts:
            continue
        title, text = texts[row["id"]]
        article = Article(text, title, tokenizer=summarizer.tokenizer)  # prepared once, for the picks and the scores
        picked = _picked(row, article)
        if picked is None:
            stale += 1
            continue
        scored = summarizer.hand_scored(article, title=title, themes=themes.get(row["id"], ()))
        blocks.append(summarizer.salience_features(scored, title or ""))
        labels += [s.text in picked[0] for s in scored]
        weights += [1.0 + (s.text in picked[1]) for s in scored]
        used += 1
    if used < 20:
        raise DataError(path, 0, f"only {used} of its {len(rows)} articles are in the unlabeled archives ({stale} no longer split as the editors saw them)")
    features = np.vstack(blocks)
    mean, scale = features.mean(axis=0), features.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=1.0, max_iter=2000).fit((features - mean) / scale, labels, sample_weight=weights)
    salience = Salience(FEATURES, tuple(mean.round(6)), tuple(scale.round(6)), tuple(model.coef_[0].round(6)), round(float(model.intercept_[0]), 6))
    info = {"file": Path(path).name, "sha256": sha256_file(Path(path)), "part": PART, "articles": used, "sentences": len(labels), "picked": int(sum(labels))}
    return salience, info
