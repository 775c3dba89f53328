"""A summary's budget: characters or sentences, never both; the one default every surface reads
(REST API, CLI, batch and the web page)."""

from __future__ import annotations

DEFAULT_MAX_CHARS = 120
ONE_BUDGET = "give max_chars or max_sentences, not both"


def summary_limits(max_chars: int | None, max_sentences: int | None, default_chars: int = DEFAULT_MAX_CHARS) -> dict:
    """The summarizer's keyword arguments for a budget as a user gave it; ``ValueError`` when both are given."""
    if max_chars is not None and max_sentences is not None:
        raise ValueError(ONE_BUDGET)
    if max_sentences is not None:
        return {"max_sentences": max_sentences}
    return {"max_chars": max_chars if max_chars is not None else default_chars}
