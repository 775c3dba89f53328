"""The label set: theme ids, Chinese names, what each covers, and a theme's own policy terms.

The label set is data: a model version carries the one it was trained with (its metadata's
``labels``) and the examples store carries the one users edit (``zonedigest themes``).
``other`` is always present, always last. :data:`DEFAULT` is the shipped five; the module
constants below are its ids and names, for versions that predate stored label sets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

OTHER = "other"
LABEL_ID = re.compile(r"^[a-z][a-z0-9_]{1,31}$")


@dataclass(frozen=True)
class Label:
    """One label: its id, Chinese name, description, and policy terms of its own (seed terms)."""

    id: str
    name_zh: str
    description: str = ""
    terms: tuple[str, ...] = ()

    def to_json(self) -> dict:
        """JSON-ready dict (``terms`` only when there are some)."""
        out = {"id": self.id, "name_zh": self.name_zh, "description": self.description}
        if self.terms:
            out["terms"] = list(self.terms)
        return out


@dataclass(frozen=True)
class LabelSet:
    """Labels in a fixed order, ``other`` last."""

    labels: tuple[Label, ...]
    _by_id: dict[str, Label] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        ids = [label.id for label in self.labels]
        if len(set(ids)) != len(ids):
            raise ValueError(f"duplicate label ids in {ids}")
        if not ids or ids[-1] != OTHER:
            raise ValueError("the label set must end with 'other'")
        self._by_id.update({label.id: label for label in self.labels})

    @property
    def ids(self) -> tuple[str, ...]:
        """Every label id, ``other`` last (a model's primary classes, in order)."""
        return tuple(label.id for label in self.labels)

    @property
    def themes(self) -> tuple[str, ...]:
        """The label ids that are themes (every label but ``other``)."""
        return self.ids[:-1]

    def __contains__(self, label_id: object) -> bool:
        return label_id in self._by_id

    def __getitem__(self, label_id: str) -> Label:
        return self._by_id[label_id]

    def name_zh(self, label_id: str) -> str:
        """The Chinese name of a label (its id when unknown)."""
        label = self._by_id.get(label_id)
        return label.name_zh if label else label_id

    def name_zh_map(self) -> dict[str, str]:
        """Label id → Chinese name."""
        return {label.id: label.name_zh for label in self.labels}

    def extra_terms(self) -> dict[str, tuple[str, ...]]:
        """Seed terms of the labels: term → the label ids it signals."""
        out: dict[str, tuple[str, ...]] = {}
        for label in self.labels:
            for term in label.terms:
                out[term] = (*out.get(term, ()), label.id)
        return out

    def to_json(self) -> list[dict]:
        """The set as a JSON list (model metadata, the examples store, the API)."""
        return [label.to_json() for label in self.labels]

    @classmethod
    def from_json(cls, rows: list[dict] | None) -> LabelSet:
        """A set from :meth:`to_json`; :data:`DEFAULT` for ``None`` (versions from before label sets)."""
        if not rows:
            return DEFAULT
        labels = [Label(r["id"], r.get("name_zh") or r["id"], _description(r), tuple(r.get("terms") or ())) for r in rows]
        return cls(tuple(sorted(labels, key=lambda label: label.id == OTHER)))

    def with_label(self, label: Label) -> LabelSet:
        """This set with ``label`` added (before ``other``) or replaced (same id)."""
        check_label_id(label.id)
        kept = [x for x in self.labels[:-1] if x.id != label.id]
        if label.id == OTHER:
            return LabelSet((*kept, label))
        position = next((i for i, x in enumerate(self.labels[:-1]) if x.id == label.id), len(kept))
        kept.insert(position, label)
        return LabelSet((*kept, self.labels[-1]))

    def without(self, label_id: str) -> LabelSet:
        """This set without ``label_id`` (``other`` cannot be removed)."""
        if label_id == OTHER:
            raise ValueError("'other' is always part of the label set")
        if label_id not in self:
            raise KeyError(label_id)
        return LabelSet(tuple(x for x in self.labels if x.id != label_id))


OTHER_DESCRIPTION = "None of the themes is the main subject."
_OLD_OTHER_DESCRIPTION = "None of the four themes is the main subject."  # stored by sets saved before: wrong once a theme is added


def _description(row: dict) -> str:
    description = row.get("description") or ""
    return OTHER_DESCRIPTION if row["id"] == OTHER and description == _OLD_OTHER_DESCRIPTION else description


def check_label_id(label_id: str) -> str:
    """A label id: lower-case ASCII letters, digits and ``_``, 2 to 32 characters, starting with a letter."""
    if not isinstance(label_id, str) or not LABEL_ID.match(label_id):
        raise ValueError(f"label id {label_id!r} must be 2-32 lower-case letters, digits or _, starting with a letter (e.g. technology)")
    return label_id


DEFAULT = LabelSet(
    (
        Label("talent", "人才", "Attracting, training, housing and retaining talent and skilled workers; employment and job fairs."),
        Label("investment", "招商引资", "Attracting investment, companies and projects; signings, docking meetings, business environment."),
        Label("energy", "能源", "Electricity and the grid, coal, oil, gas, new energy and storage, energy supply and transition."),
        Label("agriculture", "农业", "Grain and food production, crops, livestock, farmland, farm products and the rural economy."),
        Label(OTHER, "其他", OTHER_DESCRIPTION),
    )
)

THEMES = DEFAULT.themes
LABELS = DEFAULT.ids
NAMES_ZH = {label.id: label.name_zh for label in DEFAULT.labels}
DESCRIPTIONS = {label.id: label.description for label in DEFAULT.labels}
