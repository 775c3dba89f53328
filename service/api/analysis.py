"""``/v1`` analysis endpoints: theme, summary, batch, split, the label set and the served model."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from service.api.context import current_analyzer, elapsed_ms, state
from service.api.errors import APIError
from service.api.schemas import Article, Batch, BatchItem, Bulletin
from service.api.validation import json_body, parse

analysis = Blueprint("analysis", __name__, url_prefix="/v1")

CLASSIFY_FIELDS = ("theme", "theme_zh", "confidence", "scores", "themes", "evidence", "warnings")
SUMMARY_FIELDS = ("summary", "over_budget", "sentences", "keywords", "dateline")


def _article() -> tuple[Article, dict]:
    article = parse(Article, json_body())
    return article, article.limits(current_app.config["DEFAULT_MAX_CHARS"])


def _respond(result: dict, fields: tuple[str, ...]) -> dict:
    state()["metrics"].count_predictions([result["theme"]])
    return {**{k: result[k] for k in fields}, "model_version": result["model_version"], "elapsed_ms": elapsed_ms()}


@analysis.post("/analyze")
def analyze():
    """Theme, scores, themes, evidence, summary, sentences and keywords of one article."""
    article, limits = _article()
    return _respond(current_analyzer().analyze(article.text, article.title, **limits), CLASSIFY_FIELDS + SUMMARY_FIELDS)


@analysis.post("/classify")
def classify():
    """Theme, scores, themes and evidence of one article."""
    article = parse(Article, json_body())
    return _respond(current_analyzer().classify_many([(article.title, article.text)])[0], CLASSIFY_FIELDS)


@analysis.post("/summarize")
def summarize():
    """Summary, sentences and keywords of one article (keyed on its predicted themes)."""
    article, limits = _article()
    result = current_analyzer().analyze(article.text, article.title, **limits)
    return _respond(result, ("theme", "themes", "warnings") + SUMMARY_FIELDS)


@analysis.post("/analyze/batch")
def analyze_batch():
    """:func:`analyze` for up to MAX_BATCH_ITEMS items; a bad item gets its own error."""
    batch = parse(Batch, json_body())
    results, analyzer = analyze_items(batch.items, "items", batch.limits(current_app.config["DEFAULT_MAX_CHARS"]))
    return {"results": results, "model_version": analyzer.model_version, "elapsed_ms": elapsed_ms()}


def analyze_items(items: list, prefix: str, limits: dict) -> tuple[list[dict], object]:
    """Each item validated as a :class:`BatchItem` (a bad one gets its own error, named
    ``prefix[i]``), the good ones analysed in one call; results in order, and the analyzer used."""
    results: list[dict] = [{} for _ in items]
    good: list[tuple[int, BatchItem]] = []
    for i, raw in enumerate(items):
        try:
            good.append((i, parse(BatchItem, raw, f"{prefix}[{i}].")))
        except APIError as error:
            item_id = raw.get("id", i) if isinstance(raw, dict) else i
            results[i] = {"id": item_id if isinstance(item_id, (str, int)) else i, **error.body()}
    analyzer = current_analyzer()
    analysed = analyzer.analyze_many([(item.title, item.text) for _, item in good], **limits)
    state()["metrics"].count_predictions([r["theme"] for r in analysed])
    for (i, item), result in zip(good, analysed):
        results[i] = {"id": i if item.id is None else item.id, **{k: result[k] for k in CLASSIFY_FIELDS + SUMMARY_FIELDS}}
    return results, analyzer


@analysis.post("/split")
def split():
    """Articles of a bulletin (title and text of each)."""
    from service.text.bulletin import split_bulletin

    bulletin = parse(Bulletin, json_body())
    return {"articles": [{"title": a.title, "text": a.text} for a in split_bulletin(bulletin.text)]}


@analysis.get("/themes")
def themes():
    """The served model's label set, and the examples store's (what the next training learns)."""
    import sqlite3

    from service.api.retraining import store

    served = current_analyzer().model.labels
    try:
        upcoming = store().label_set().to_json()
    except (OSError, sqlite3.Error):  # no usable examples store: the served labels still answer
        upcoming = None
    return {"themes": served.to_json(), "next": upcoming, "model_version": current_analyzer().model_version}


@analysis.get("/model")
def model():
    """Version, metrics and creation time of the served model, and the archive it learned from (``unlabeled``)."""
    meta = current_analyzer().model.metadata
    keys = ("version", "created", "parent", "data_hash", "n_examples", "label_counts", "theme_thresholds", "metrics", "lexicon", "unlabeled", "command")
    keys += ("libraries",)
    return {k: meta.get(k) for k in keys}


@analysis.post("/echo")
def echo():
    """A trivial JSON echo (only with ECHO_ROUTE): the HTTP stack's own limit, for benchmarks."""
    if not current_app.config["ECHO_ROUTE"]:
        raise APIError("not_found", "no such endpoint; see /openapi.json")
    return jsonify(json_body())
