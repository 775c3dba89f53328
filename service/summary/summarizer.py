"""Extractive summaries keyed on policy terms, and keywords.

Units are whole sentences as readers accept them (:mod:`service.summary.units`): headings,
labels, list lines and sub-headings run into a paragraph are never selected; a long sentence
is never cut at ， or 、 (it is kept whole, over budget only when it is the best single unit,
or left out); a sentence that opens by pointing back (他们, 这, 为此 ...) enters only after
the sentence before it (the article's first sentence has nothing before it: its 他 points to the
headline); a slogan or set phrase with no number, or a short saying or mood line after the
opening, never fills space (a long opening sentence that holds a set phrase is the lead).

Sentences are scored on lexicon terms (weighted toward the article's own themes),
TF-IDF salience against the whole article, position (news puts its point first),
concrete facts (numbers with units), overlap with the title, and penalties for
boilerplate, slogans and very short or very long sentences. Selection is greedy
with redundancy control (MMR) under a character or sentence budget, and the summary
keeps the article's order. The dateline (新华社北京2月1日电) is returned parsed, as data.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from service.summary.budget import DEFAULT_MAX_CHARS
from service.summary.salience import Salience, sentence_features
from service.summary.units import Reading, glued_heading, is_heading, read_units
from service.text.article import Article
from service.text.lexicon import Lexicon, default_lexicon
from service.text.tokenizer import Tokenizer

MAX_CANDIDATES = 400  # sentences scored in a very long text (the rest rarely lead a summary)
WORD_INFO_LIMIT = 100_000  # distinct words remembered for keywords (about 20 MB) before the memo starts over
WEIGHTS = {
    "position": 3.0,  # lead sentence; decays with rank
    "decay": 0.6,
    "salience": 1.2,  # TF-IDF cosine with the whole article
    "lexicon": 0.35,
    "facts": 0.15,  # each number with a unit or date, up to 4
    "title": 1.5,  # character-bigram overlap with the title
    "slogan": 0.6,
    "short": 1.5,
    "long": 0.3,
    "quote": 0.3,
    "redundancy": 0.7,  # MMR trade-off
}


@dataclass
class ScoredSentence:
    """A sentence with its score and the policy terms it matched."""

    text: str
    start: int
    end: int
    score: float
    terms: list[str] = field(default_factory=list)


@dataclass
class Summary:
    """An extractive summary: the text, its sentences, and the article's keywords."""

    summary: str
    sentences: list[ScoredSentence]
    keywords: list[dict]
    over_budget: bool = False
    dateline: dict | None = None  # {"source", "place", "date"} as written (simplified characters), or None (service.text.dateline)

    def to_dict(self) -> dict:
        """JSON-ready dict (fresh containers: the caller may change them)."""
        return {
            "summary": self.summary,
            "sentences": [{"text": s.text, "start": s.start, "end": s.end, "score": s.score, "terms": list(s.terms)} for s in self.sentences],
            "keywords": [{**k, "themes": list(k["themes"])} for k in self.keywords],
            "over_budget": self.over_budget,
            "dateline": dict(self.dateline) if self.dateline is not None else None,
        }


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _similarity(a: set[str], b: set[str]) -> float:
    return len(a & b) / math.sqrt(len(a) * len(b)) if a and b else 0.0


def title_overlap(title: str, texts: list[str], grams: list[set[str]] | None = None) -> list[float]:
    """How much each sentence shares with the headline: cosine of their character-bigram sets
    (``grams``: the sentences' sets, when already made)."""
    title_grams = _bigrams(title)
    if not title_grams:
        return [0.0] * len(texts)
    return [_similarity(title_grams, g) for g in (grams if grams is not None else map(_bigrams, texts))]


def candidate_units(text: str, candidates: list | None = None) -> list:
    """The sentences a summary may take, in order: no boilerplate, no headings, never cut at ，/、
    (a text of nothing but headings falls back to them). ``candidates``: the text's sentences
    without boilerplate (an :class:`Article`'s), when already split."""
    if candidates is None:
        candidates = Article(text).sentences
    return ([s for s in candidates if not is_heading(s) and not glued_heading(s, text)] or candidates)[:MAX_CANDIDATES]


class Summarizer:
    """Scores and selects sentences; one instance serves many articles.

    Parameters
    ----------
    lexicon : Lexicon or None
        Policy terms (the shipped lexicon when None).
    idf : dict[str, float] or None
        Inverse document frequency of words, e.g. from the theme model's vocabulary;
        words not in it get ``default_idf``.
    tokenizer : Tokenizer or None
        Word segmenter (the shipped default when None).
    salience : Salience or None
        Sentence salience learned from editors' picks (a model version's metadata): when given,
        a sentence's score is ten times the probability that an editor picks it, the
        hand-weighted score one of its features.
    """

    def __init__(
        self,
        lexicon: Lexicon | None = None,
        idf: dict[str, float] | None = None,
        tokenizer: Tokenizer | None = None,
        default_idf: float | None = None,
        weights: dict[str, float] | None = None,
        salience: Salience | None = None,
    ) -> None:
        self.weights = {**WEIGHTS, **(weights or {})}
        self.salience = salience
        self.lexicon = lexicon
        self.idf = idf or {}
        self.tokenizer = tokenizer
        self.default_idf = default_idf if default_idf is not None else (max(self.idf.values()) if self.idf else 1.0)
        self._word_info: dict[str, tuple] = {}
        self._word_info_lexicon: Lexicon | None = None

    def summarize(
        self,
        text: str | Article,
        *,
        title: str | None = None,
        themes: list[str] | tuple[str, ...] = (),
        max_chars: int | None = None,
        max_sentences: int | None = None,
        n_keywords: int = 10,
    ) -> Summary:
        """Summary of ``text`` (an :class:`Article`, or a string prepared here) within ``max_chars``
        (default 120) or ``max_sentences``.

        A text within budget comes back whole; when the single best sentence is
        longer than ``max_chars`` it is returned whole with ``over_budget=True``.
        """
        if max_chars is None and max_sentences is None:
            max_chars = DEFAULT_MAX_CHARS
        article = text if isinstance(text, Article) else Article(text, title, tokenizer=self.tokenizer)
        title = article.title if title is None else title
        lexicon = self.lexicon or default_lexicon()
        body, tokens, doc_tf, shown = self._units(article)
        if not body:
            return Summary("", [], [], dateline=article.dateline)
        units = {id(s) for s in body}  # keywords read the whole article, headings and list lines too
        others = (words for s, words in zip(article.sentences[:MAX_CANDIDATES], article.sentence_words) if id(s) not in units)
        whole_tf = doc_tf.copy()
        whole_tf.update(t for words in others for t in words)
        keywords = self._keywords(whole_tf, lexicon, n_keywords)
        texts = [s.text for s in body]
        grams = [_bigrams(t) for t in texts]  # for the headline's overlap and the redundancy between sentences
        overlap, reading = title_overlap(title or "", texts, grams), read_units(texts)
        scored = self._score(body, tokens, doc_tf, lexicon, title or "", themes, shown, overlap, reading)
        if self.salience is not None:
            scored = self._learned(scored, texts, overlap, reading)

        total = sum(len(s.text) for s in body)
        if (max_chars is None or total <= max_chars) and (max_sentences is None or len(body) <= max_sentences):
            return Summary("".join(s.text for s in scored), scored, keywords, dateline=article.dateline)
        # A back-reference may follow only its antecedent (the sentence before it, with nothing between).
        antecedent = {id(s): scored[i - 1] for i, s in enumerate(scored) if reading.back_reference[i]}
        filler = {id(s) for i, s in enumerate(scored) if reading.filler[i]}
        known = {id(s): g for s, g in zip(scored, grams)}
        chosen, over = self._select(scored, max_chars, max_sentences, self.weights["redundancy"], antecedent, filler, known)
        chosen.sort(key=lambda s: s.start)
        return Summary("".join(s.text for s in chosen), chosen, keywords, over, article.dateline)

    def _score(self, body, tokens, doc_tf, lexicon: Lexicon, title: str, themes, shown=None, overlap=None, reading=None) -> list[ScoredSentence]:
        """Hand-weighted scores of the units ``body`` (``shown``: their text as the user wrote it;
        ``overlap`` and ``reading``: :func:`title_overlap` and :func:`read_units` of them, when already known)."""
        idf, default, log = self.idf, self.default_idf, math.log
        word_idf, toward, centroid_norm2 = {}, {}, 0.0
        for t, c in doc_tf.items():
            word_idf[t] = weight = idf.get(t, default)
            centroid = weight * (1 + log(c))  # the article's TF-IDF centroid
            centroid_norm2 += centroid * centroid
            toward[t] = centroid * weight  # a sentence's dot product with the centroid, per count
        centroid_norm = math.sqrt(centroid_norm2) or 1.0
        own = set(themes)
        term_value = {}  # every occurrence counts; the article's own themes count double
        for term in doc_tf.keys() & lexicon.terms.keys():
            tags = set(lexicon.terms[term])
            term_value[term] = 2.0 if own & tags else (1.0 if tags - {"general"} else 0.5)
        if overlap is None:
            overlap = title_overlap(title, [s.text for s in body])
        if reading is None:
            reading = read_units([s.text for s in body])
        w = self.weights
        out = []
        for rank, (sentence, words) in enumerate(zip(body, tokens)):
            matched = [t for t in words if t in term_value]
            terms = list(dict.fromkeys(matched))
            lex = sum(map(term_value.__getitem__, matched))
            dot = norm2 = 0.0
            for t, c in Counter(words).items():
                dot += toward[t] * c
                norm2 += (word_idf[t] * c) ** 2
            salience = dot / ((math.sqrt(norm2) or 1.0) * centroid_norm)
            n = len(sentence.text)
            score = (
                w["position"] / (1 + w["decay"] * rank)
                + w["salience"] * salience
                + w["lexicon"] * math.log1p(lex)
                + w["facts"] * reading.facts[rank]
                + w["title"] * overlap[rank]
            )
            if reading.slogan[rank]:
                score -= w["slogan"]
            if n < 10:
                score -= w["short"]
            elif n > 150:
                score -= w["long"]
            if not reading.facts[rank] and sentence.text.startswith(("“", "「")):
                score -= w["quote"]
            out.append(ScoredSentence(shown[rank] if shown else sentence.text, sentence.start, sentence.end, round(score, 4), terms))
        return out

    def _units(self, article: Article):
        """The units a summary may take (:func:`candidate_units`), their words, the words' counts, and their text as shown."""
        sentences = article.sentences
        body = candidate_units(article.text, sentences)
        where = {id(s): i for i, s in enumerate(sentences)}
        tokens = [article.sentence_words[where[id(s)]] for s in body]
        shown = [article.shown(where[id(s)]) for s in body]
        return body, tokens, Counter(t for sent in tokens for t in sent), shown

    def hand_scored(self, text: str | Article, *, title: str | None = None, themes: list[str] | tuple[str, ...] = ()) -> list[ScoredSentence]:
        """The sentences a summary of ``text`` (an :class:`Article`, or a string prepared here) may take, with their
        hand-weighted scores (what salience is learned on)."""
        body, tokens, doc_tf, shown = self._units(text if isinstance(text, Article) else Article(text, title, tokenizer=self.tokenizer))
        return self._score(body, tokens, doc_tf, self.lexicon or default_lexicon(), title or "", themes, shown)

    @staticmethod
    def salience_features(scored: list[ScoredSentence], title: str) -> np.ndarray:
        """The learned salience's features of hand-scored sentences (:func:`service.summary.salience.sentence_features`)."""
        texts = [s.text for s in scored]
        return sentence_features(texts, [s.score for s in scored], title_overlap(title, texts))

    def _learned(self, scored: list[ScoredSentence], texts: list[str], overlap: list[float], reading: Reading) -> list[ScoredSentence]:
        """``scored`` rescored by the learned salience: ten times the probability an editor picks each."""
        probability = self.salience.probability(sentence_features(texts, [s.score for s in scored], overlap, reading))
        return [ScoredSentence(s.text, s.start, s.end, round(10 * float(p), 4), s.terms) for s, p in zip(scored, probability)]

    @staticmethod
    def _select(
        scored: list[ScoredSentence],
        max_chars: int | None,
        max_sentences: int | None,
        lam: float,
        antecedent: dict[int, ScoredSentence | None] | None = None,
        filler: set[int] | None = None,
        grams: dict[int, set[str]] | None = None,
    ):
        """Greedy MMR under the budget (``grams``: the sentences' character bigrams by ``id``, when already made).

        When the best sentence (or one scoring as high) does not fit the budget, it is
        returned whole and flagged, rather than lesser sentences that fit. A sentence in
        ``antecedent`` is eligible only once the sentence it points back to is chosen (never
        when that is ``None``); one in ``filler`` (by ``id``) never is.
        """
        antecedent, filler = antecedent or {}, filler or set()
        eligible = [s for s in scored if id(s) not in filler and antecedent.get(id(s), s) is not None]
        scored = eligible or scored
        pool = sorted(scored, key=lambda s: -s.score)
        best = pool[0]
        fits = [s for s in pool if max_chars is None or len(s.text) <= max_chars]
        if not any(s.score >= best.score for s in fits):
            return [best], True
        grams = dict(grams or {})  # character bigrams (id → set), made when a sentence is first compared

        def bigrams_of(sentence: ScoredSentence) -> set[str]:
            if id(sentence) not in grams:
                grams[id(sentence)] = _bigrams(sentence.text)
            return grams[id(sentence)]

        redundancy = {id(s): 0.0 for s in fits}  # highest similarity to a chosen sentence so far
        chosen: list[ScoredSentence] = []
        used = 0
        while fits and (max_sentences is None or len(chosen) < max_sentences):
            # Over budget now means over budget for good, and after the first pick a sentence
            # without gain (a slogan, a fragment) never fills space: drop both for good.
            fits = [s for s in fits if (max_chars is None or used + len(s.text) <= max_chars) and not (chosen and s.score <= 0)]
            picked = {id(s) for s in chosen}
            ready = [s for s in fits if id(s) not in antecedent or id(antecedent[id(s)]) in picked]
            if not chosen and not ready:  # a text of nothing but back-references: take the best of them
                ready = fits
            if chosen:
                last = bigrams_of(chosen[-1])
                for s in fits:
                    redundancy[id(s)] = max(redundancy[id(s)], _similarity(bigrams_of(s), last))
            pick, pick_value = None, -math.inf
            for s in ready:
                value = s.score - lam * redundancy[id(s)] * abs(s.score)
                if value > pick_value:
                    pick, pick_value = s, value
            if pick is None:
                break
            chosen.append(pick)
            used += len(pick.text)
            fits.remove(pick)
        return chosen, False

    def _keywords(self, doc_tf: Counter, lexicon: Lexicon, n: int) -> list[dict]:
        """Policy terms by frequency in the article, then other words by TF-IDF."""
        if self._word_info_lexicon is not lexicon or len(self._word_info) > WORD_INFO_LIMIT:
            self._word_info, self._word_info_lexicon = {}, lexicon
        info, idf, default = self._word_info, self.idf, self.default_idf
        ranked = []
        for word, count in doc_tf.items():
            known = info.get(word)
            if known is None:  # once per distinct word: (idf, is a policy term), or () when never a keyword
                eligible = not (len(word) < 2 or word == "<num>" or word.isascii() and not word.isalpha())
                known = info[word] = (idf.get(word, default), word in lexicon.terms) if eligible else ()
            if not known:
                continue
            weight = (1 + math.log(count)) * known[0] if count > 1 else known[0]
            ranked.append((not known[1], -count if known[1] else 0, -weight, word))
        return [{"term": w, "weight": round(-weight, 3), "themes": list(lexicon.themes_of(w))} for _, _, weight, w in heapq.nsmallest(n, ranked)]


_default: Summarizer | None = None


def summarize(text: str, *, title: str | None = None, max_chars: int | None = None, max_sentences: int | None = None) -> Summary:
    """Summary with the default summarizer (shipped lexicon, no model vocabulary)."""
    global _default
    if _default is None:
        _default = Summarizer()
    return _default.summarize(text, title=title, max_chars=max_chars, max_sentences=max_sentences)
