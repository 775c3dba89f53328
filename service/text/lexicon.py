"""The policy-term lexicon: one file that serves the tokenizer, summarizer and reports.

Format (``service/text/resources/policy_terms.tsv``): one term a line, ``TERM<TAB>THEMES``
where THEMES is a comma-separated list of ``talent``, ``investment``, ``energy``,
``agriculture`` or ``general`` (a policy word that signals no single theme).
Lines starting with ``#`` and blank lines are ignored.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from service.labels import LABELS, THEMES

__all__ = ["LABELS", "THEMES", "Lexicon", "LexiconError", "default_lexicon", "load_lexicon"]

LEXICON_TAGS = THEMES + ("general",)
DEFAULT_LEXICON = Path(__file__).parent / "resources" / "policy_terms.tsv"


class LexiconError(ValueError):
    """A lexicon file that cannot be used, with the file and line at fault."""

    def __init__(self, path: Path | str, lineno: int, message: str) -> None:
        super().__init__(f"{path}:{lineno}: {message}")
        self.path, self.lineno = str(path), lineno


@dataclass(frozen=True)
class Lexicon:
    """Policy terms and the themes each one signals."""

    terms: dict[str, tuple[str, ...]]
    sha256: str
    path: str = ""
    by_theme: dict[str, frozenset[str]] = field(default_factory=dict)

    def themes_of(self, term: str) -> tuple[str, ...]:
        """Themes a term signals (empty for a word outside the lexicon)."""
        return self.terms.get(term, ())

    def __contains__(self, term: object) -> bool:
        return term in self.terms

    def __len__(self) -> int:
        return len(self.terms)

    def extended(self, extra: dict[str, tuple[str, ...]]) -> Lexicon:
        """This lexicon plus a label set's seed terms (term → label ids); itself when there are none."""
        if not extra:
            return self
        terms = dict(self.terms)
        for term, tags in extra.items():
            terms[term] = tuple(dict.fromkeys((*terms.get(term, ()), *tags)))
        digest = hashlib.sha256((self.sha256 + repr(sorted(extra.items()))).encode()).hexdigest()
        tags_all = {t for tags in terms.values() for t in tags}
        by_theme = {t: frozenset(w for w, tags in terms.items() if t in tags) for t in tags_all}
        return Lexicon(terms, digest, self.path, by_theme)


def load_lexicon(path: Path | str | None = None) -> Lexicon:
    """Read and validate a lexicon file; raise :class:`LexiconError` naming the bad line."""
    path = Path(path) if path is not None else DEFAULT_LEXICON
    if not path.is_file():
        raise LexiconError(path, 0, "lexicon file not found")
    raw = path.read_bytes()
    try:
        lines = raw.decode("utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise LexiconError(path, 0, f"not UTF-8 ({exc.reason})") from None
    terms: dict[str, tuple[str, ...]] = {}
    for lineno, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.rstrip("\n").split("\t")
        if len(parts) != 2 or not parts[0].strip():
            raise LexiconError(path, lineno, "expected TERM<TAB>THEMES")
        term = parts[0].strip()
        tags = tuple(t.strip() for t in parts[1].split(",") if t.strip())
        unknown = [t for t in tags if t not in LEXICON_TAGS]
        if not tags or unknown:
            raise LexiconError(path, lineno, f"unknown theme {unknown or parts[1]!r} for {term!r}")
        if term in terms:
            raise LexiconError(path, lineno, f"duplicate term {term!r}")
        terms[term] = tags
    by_theme = {t: frozenset(w for w, tags in terms.items() if t in tags) for t in LEXICON_TAGS}
    return Lexicon(terms, hashlib.sha256(raw).hexdigest(), str(path), by_theme)


@lru_cache(maxsize=4)
def default_lexicon() -> Lexicon:
    """The lexicon shipped with the service (read once, on first use)."""
    return load_lexicon(DEFAULT_LEXICON)
