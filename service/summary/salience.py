"""Sentence salience learned from editors' picks.

Editors, given an article's sentences, pick the few that tell a busy analyst what it is about
and its key facts. A logistic regression learns from their picks how much each thing a reader
would name counts: position, length, numbers with units, money and shares, decisions and
outcomes, named organisations, overlap with the headline, back-references, slogans, speech
that only frames, list clauses and fragments, and the hand-weighted score. Training
(``training.salience``) stores the fitted coefficients in the model version's metadata as
plain numbers (no pickle); the summarizer reads them with :meth:`Salience.from_json`.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass

import numpy as np

from service.summary.units import Reading, read_units
from service.text.patterns import MONEY, NUMBER_WITH_UNIT, SHARE

DECISION = re.compile(
    r"签约|签署|开工|投产|竣工|建成|发布|印发|出台|通过|批准|启动|部署|召开|举行|宣布"
    r"|实现|完成|增长|下降|达到|突破|提升|落地|投用|开通|成立|任命|决定|审议"
)
ORGANISATION = re.compile(r"[\u4e00-\u9fff]{2,}(?:部|局|委|公司|集团|政府|大学|学院|研究院|中心|协会|银行|法院|组织)")
FRAMING_SPEECH = re.compile(r"^[\u4e00-\u9fff]{2,8}(?:表示|指出|强调|说|认为)[，,：:]")

FEATURES = (
    "position", "first", "relative_position", "log_length", "over_120", "under_20", "facts", "number_with_unit", "money", "share",
    "decision", "organisations", "slogan", "filler", "back_reference", "quote", "framing_speech", "list_clause", "ellipsis",
    "hand_score", "title_overlap",
)  # fmt: skip


def sentence_features(texts: list[str], hand_scores: list[float], title_overlap: list[float], reading: Reading | None = None) -> np.ndarray:
    """One row of :data:`FEATURES` per candidate sentence of an article, in text order (``reading``:
    :func:`service.summary.units.read_units` of ``texts``, when already read)."""
    n = len(texts)
    if not n:
        return np.zeros((0, len(FEATURES)))
    reading = reading or read_units(texts)
    last = max(n - 1, 1)
    lengths = [len(t) for t in texts]
    columns = (
        [1 / (1 + 0.6 * rank) for rank in range(n)],
        [1] + [0] * (n - 1),
        [rank / last for rank in range(n)],
        [math.log(max(size, 1)) for size in lengths],
        [size > 120 for size in lengths],
        [size < 20 for size in lengths],
        reading.facts,
        [NUMBER_WITH_UNIT.search(t) is not None for t in texts],
        [MONEY.search(t) is not None for t in texts],
        [SHARE.search(t) is not None for t in texts],
        [DECISION.search(t) is not None for t in texts],
        [min(len(ORGANISATION.findall(t)), 4) for t in texts],
        reading.slogan,
        reading.filler,
        reading.back_reference,
        [t.startswith(("“", "「")) for t in texts],
        [FRAMING_SPEECH.match(t) is not None for t in texts],
        [t.endswith(("；", ";")) for t in texts],
        ["……" in t for t in texts],
        hand_scores,
        title_overlap,
    )
    return np.array(columns, dtype=np.float64).T  # one conversion of plain lists: an article has few sentences


@dataclass(frozen=True)
class Salience:
    """A fitted logistic regression over :data:`FEATURES` (standardised), as plain numbers."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float

    @classmethod
    def from_json(cls, data: dict | None) -> Salience | None:
        """The salience a version's metadata holds (None for versions without one, or another feature set)."""
        if not data or tuple(data.get("features", ())) != FEATURES:
            return None
        return cls(tuple(data["features"]), tuple(data["mean"]), tuple(data["scale"]), tuple(data["coef"]), float(data["intercept"]))

    def to_json(self) -> dict:
        """JSON-ready dict (lists of numbers)."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    def probability(self, rows: np.ndarray) -> np.ndarray:
        """How likely an editor picks each sentence."""
        z = ((rows - np.asarray(self.mean)) / np.asarray(self.scale)) @ np.asarray(self.coef) + self.intercept
        return 1.0 / (1.0 + np.exp(-z))
