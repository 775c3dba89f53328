"""Which unlabeled articles to label next: uncertain ones, spread over the vocabulary."""

from __future__ import annotations

from typing import Protocol

import numpy as np

from service.model.classifier import ThemeClassifier
from service.model.features import compose


class Article(Protocol):
    """What a candidate needs: an id, a title and a text (a batch input record has them)."""

    id: str
    title: str | None
    text: str


POOL_FACTOR = 5  # the n most useful are chosen among the POOL_FACTOR * n least certain


def margins(predictions) -> np.ndarray:
    """Top score minus second score of each prediction (small: the model hesitates)."""
    out = []
    for p in predictions:
        top = sorted(p.scores.values(), reverse=True)
        out.append(top[0] - top[1])
    return np.array(out)


def suggest(records: list[Article], model: ThemeClassifier, n: int) -> list[dict]:
    """Up to ``n`` records to label, most useful first, each with the model's guess.

    Candidates are the least certain predictions (smallest margin between the two best
    labels); among them, each pick maximises uncertainty times distance (in the model's
    word TF-IDF space) to the articles already picked, so the suggestions are not many
    copies of one story.
    """
    if not records or n <= 0:
        return []
    docs = [compose(r.title, r.text) for r in records]
    predictions = model.predict(docs, evidence=0)
    margin = margins(predictions)
    pool = np.argsort(margin, kind="stable")[: POOL_FACTOR * n]
    pipeline = model.pipeline
    prepared = pipeline.named_steps["prepare"].transform([docs[i] for i in pool])
    words = dict(pipeline.named_steps["features"].transformer_list)["words"]
    vectors = words.transform(prepared)
    similarity = (vectors @ vectors.T).toarray()
    uncertainty = 1.0 - margin[pool]
    chosen: list[int] = []
    closest = np.zeros(len(pool))  # similarity to the nearest chosen article
    for _ in range(min(n, len(pool))):
        value = uncertainty * (1.0 - closest)
        value[chosen] = -np.inf
        pick = int(np.argmax(value))
        chosen.append(pick)
        closest = np.maximum(closest, similarity[pick])
    out = []
    for k in chosen:
        i = int(pool[k])
        r, p = records[i], predictions[i]
        out.append(
            {
                "id": r.id,
                "title": r.title or "",
                "text": r.text,
                "label": "",
                "themes": [],
                "predicted": p.theme,
                "scores": p.scores,
                "margin": round(float(margin[i]), 4),
            }
        )
    return out
