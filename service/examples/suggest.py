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


def _diverse(pool: np.ndarray, value: np.ndarray, vectors, n: int) -> list[int]:
    """Indices into ``pool``: each pick maximises ``value`` times distance to the picks so far."""
    similarity = (vectors @ vectors.T).toarray()
    chosen: list[int] = []
    closest = np.zeros(len(pool))  # similarity to the nearest chosen article
    for _ in range(min(n, len(pool))):
        score = value * (1.0 - closest)
        score[chosen] = -np.inf
        pick = int(np.argmax(score))
        chosen.append(pick)
        closest = np.maximum(closest, similarity[pick])
    return chosen


def _word_vectors(model: ThemeClassifier, docs: list[str]):
    """Unit-length TF-IDF rows of the articles' words: to spread picks over the vocabulary."""
    pipeline = model.pipeline
    words = dict(pipeline.named_steps["features"].transformer_list)["words"]
    return words.transform(pipeline.named_steps["prepare"].transform(docs))


def _subject_vectors(model: ThemeClassifier, docs: list[str]):
    """Unit-length rows to compare articles' subjects by: the archive's topics when the model learned
    them (articles on one subject are near even when they share few words), else the words' TF-IDF.
    Topics are dense and every two articles share some, so they judge likeness, not spread."""
    pipeline = model.pipeline
    views = dict(pipeline.named_steps["features"].transformer_list)
    return views.get("topics", views["words"]).transform(pipeline.named_steps["prepare"].transform(docs))


def _ranks(values: np.ndarray) -> np.ndarray:
    """Ranks scaled to [0, 1] (ties share the lower rank)."""
    order = np.argsort(values, kind="stable")
    ranks = np.empty(len(values))
    ranks[order] = np.arange(len(values))
    return ranks / max(len(values) - 1, 1)


def relevance(records: list[Article], model: ThemeClassifier, label: str, terms: tuple[str, ...] = (), examples: list[Article] = ()) -> np.ndarray:
    """How likely each record is of ``label``, from what is known of it: the model's probability
    when it has the label, the density of its seed terms, and the similarity to its labeled
    examples (the mean of each signal's rank, so no one signal's scale dominates)."""
    docs = [compose(r.title, r.text) for r in records]
    signals = []
    if label in model.labels:
        signals.append(np.array([p.scores[label] for p in model.predict(docs, evidence=0)]))
    if terms:
        hits = [2 * sum((r.title or "").count(t) for t in terms) + sum(r.text.count(t) for t in terms) for r in records]
        signals.append(np.log1p(np.array(hits, dtype=float)) / np.log1p(np.array([len(r.text) for r in records], dtype=float) / 100 + 1))
    if examples:
        centroid = np.asarray(_subject_vectors(model, [compose(e.title, e.text) for e in examples]).mean(axis=0)).ravel()
        signals.append(_subject_vectors(model, docs) @ centroid)
    if not signals:
        raise ValueError(f"nothing is known of {label!r} yet: give it seed terms (zonedigest themes add {label} --terms ...) or a few examples")
    return np.mean([_ranks(np.asarray(x, dtype=float)) for x in signals], axis=0) if len(signals) > 1 else signals[0]


def suggest_for_label(
    records: list[Article], model: ThemeClassifier, n: int, label: str, terms: tuple[str, ...] = (), examples: list[Article] = (), likely_share: float = 0.7
) -> list[dict]:
    """Up to ``n`` records to label for ``label`` (a theme of the user's own, even one the model does not
    know yet): the most likely of that label, spread over the vocabulary, then the least certain
    of the rest (:func:`suggest`), so the user labels real candidates and the boundary cases."""
    if not records or n <= 0:
        return []
    score = relevance(records, model, label, terms, examples)
    n_likely = max(1, round(n * likely_share)) if n > 1 else 1
    pool = np.argsort(-score, kind="stable")[: POOL_FACTOR * n_likely]
    chosen = [int(pool[k]) for k in _diverse(pool, score[pool], _word_vectors(model, [compose(records[i].title, records[i].text) for i in pool]), n_likely)]
    picked = set(chosen)
    rest = [r for i, r in enumerate(records) if i not in picked]
    predictions = model.predict([compose(records[i].title, records[i].text) for i in chosen], evidence=0)
    out = [
        {**_row(records[i], p), "suggested_for": label, "reason": "likely", "relevance": round(float(score[i]), 4)}
        for i, p in zip(chosen, predictions)
    ]
    out += [{**row, "suggested_for": label, "reason": "uncertain"} for row in suggest(rest, model, n - len(out))]
    return out


def review_for_label(
    examples: list,
    model: ThemeClassifier,
    n: int,
    label: str,
    terms: tuple[str, ...] = (),
    seeds: list[Article] = (),
    from_labels: tuple[str, ...] = ("other",),
) -> list[dict]:
    """Up to ``n`` ``examples`` labeled one of ``from_labels`` that most likely belong to ``label``, most likely first.

    Examples labeled before a theme of the user's own existed say ``other`` (a new theme is
    usually carved out of it; ``from_labels`` may name others) where the new label now fits;
    left as they are, they teach the model that the new label's articles are not of it. Each
    row is the example as it stands (``label`` and ``themes`` to correct), so that the
    corrected file can be added back with ``examples add --replace``.
    """
    candidates = [e for e in examples if e.label in from_labels and e.label != label]
    if not candidates or n <= 0:
        return []
    score = relevance(candidates, model, label, terms, seeds)
    order = np.argsort(-score, kind="stable")[:n]
    return [
        {
            "id": candidates[i].id,
            "title": candidates[i].title or "",
            "text": candidates[i].text,
            "label": candidates[i].label,
            "themes": list(candidates[i].themes),
            "review_for": label,
            "relevance": round(float(score[i]), 4),
        }
        for i in map(int, order)
    ]


def _row(record: Article, prediction, margin: float | None = None) -> dict:
    top = sorted(prediction.scores.values(), reverse=True)
    return {
        "id": record.id,
        "title": record.title or "",
        "text": record.text,
        "label": "",
        "themes": [],
        "predicted": prediction.theme,
        "scores": prediction.scores,
        "margin": round(float(top[0] - top[1] if margin is None else margin), 4),
    }


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
    vectors = _word_vectors(model, [docs[i] for i in pool])
    chosen = _diverse(pool, 1.0 - margin[pool], vectors, n)
    return [_row(records[int(pool[k])], predictions[int(pool[k])], margin[int(pool[k])]) for k in chosen]
