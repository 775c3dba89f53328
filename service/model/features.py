"""Feature views of a document, used inside the trained Pipeline.

A *document* is an :class:`service.text.article.Article` (prepared once, for the summary
too), or the string ``compose(title, text)``: the title on the first line (empty when there
is none), then the article. :class:`PrepareDocuments` takes each to the article's
:class:`ModelView` (its words cut once); the vectorizers and :class:`PolicyTermFeatures` then
read that view. Classes here are stored by reference in model artifacts:
keep their names.
"""

from __future__ import annotations

from collections import Counter
from itertools import chain, repeat

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.preprocessing import normalize as l2_normalize
from sklearn.utils.validation import check_is_fitted

from service.labels import THEMES
from service.text.article import Article, ModelView
from service.text.lexicon import load_lexicon
from service.text.tokenizer import Tokenizer, tokenizer_for


def compose(title: str | None, text: str) -> str:
    """The one-string document the model reads: title line, then text."""
    return f"{(title or '').strip()}\n{text}"


def prepare_document(doc: str | Article | ModelView, tokenizer: Tokenizer | None = None) -> ModelView:
    """What the model reads of a document: an :class:`Article`'s view, or a composed string's (title
    line, then text) prepared as an Article is."""
    if isinstance(doc, ModelView):
        return doc
    if isinstance(doc, Article):
        return doc.model_view
    title, _, text = doc.partition("\n")
    return Article(text, title, tokenizer=tokenizer).model_view


class PrepareDocuments(BaseEstimator, TransformerMixin):
    """Documents (composed strings or :class:`Article` objects) → :class:`ModelView` tuples (stateless).

    Parameters
    ----------
    terms : tuple of str
        Seed terms of the user's themes: the model's own tokenizer keeps them whole, when training
        as when serving (:func:`service.text.tokenizer.tokenizer_for`); no other model sees them.
    """

    def __init__(self, terms: tuple[str, ...] = ()) -> None:
        self.terms = terms

    def __setstate__(self, state: dict) -> None:
        super().__setstate__({"terms": (), **state})  # versions saved before seed terms

    @property
    def tokenizer(self) -> Tokenizer:
        """The tokenizer this model's documents are cut with."""
        return tokenizer_for(self.terms)

    def fit(self, docs, y=None):  # noqa: D102 - scikit-learn contract
        return self

    def transform(self, docs):  # noqa: D102 - scikit-learn contract
        tokenizer = self.tokenizer
        return [prepare_document(d, tokenizer) for d in docs]

    def __sklearn_is_fitted__(self) -> bool:
        return True


CODE_BITS = 21  # every Unicode code point fits in 21 bits; three fit in an int64


def char_codes(text: str, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Character ``n``-grams of ``text`` as integers, and the offset where each starts.

    No n-gram spans a line break, so documents joined with ``"\\n"`` keep apart.
    """
    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    size = len(points) - n + 1
    if size <= 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    codes = points[:size].copy()
    breaks = codes == 10
    for k in range(1, n):
        part = points[k : size + k]
        codes = (codes << CODE_BITS) | part
        breaks |= part == 10
    keep = np.flatnonzero(~breaks)
    return codes[keep], keep


def decode_char_code(code: int, n: int) -> str:
    """The n-gram string of an integer from :func:`char_codes`."""
    mask = (1 << CODE_BITS) - 1
    return "".join(chr((int(code) >> (CODE_BITS * (n - 1 - k))) & mask) for k in range(n))


def smooth_idf(df: np.ndarray, n_docs: int) -> np.ndarray:
    """Smoothed inverse document frequency, as scikit-learn's ``TfidfTransformer`` computes it."""
    return np.log((1 + n_docs) / (1 + df)) + 1


def count_matrix(token_lists, vocabulary: dict[str, int], dtype=np.float64) -> sp.csr_matrix:
    """How often each word of ``vocabulary`` occurs in each token list (one row a list); other words are left out."""
    token_lists = list(token_lists)
    lengths = np.fromiter(map(len, token_lists), dtype=np.int64, count=len(token_lists))
    columns = np.fromiter(map(vocabulary.get, chain.from_iterable(token_lists), repeat(-1)), dtype=np.int64, count=int(lengths.sum()))
    rows = np.repeat(np.arange(len(token_lists)), lengths)
    known = columns >= 0
    counts = sp.csr_matrix((np.ones(int(known.sum()), dtype=dtype), (rows[known], columns[known])), shape=(len(token_lists), len(vocabulary)))
    counts.sum_duplicates()
    return counts


def tfidf_rows(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """Sublinear TF (1 + log count) times IDF, each row L2-normalised."""
    counts = counts.tocsr()
    counts.data = (1.0 + np.log(counts.data)) * idf[counts.indices]
    return l2_normalize(counts)


class ViewTfidf(BaseEstimator, TransformerMixin):
    """TF-IDF over the words of one view of :class:`ModelView` documents.

    Parameters
    ----------
    view : {"head", "body"}
        Words of title and lead, or words of the whole document.
    min_df : int
        Ignore features found in fewer documents.
    max_features : int or None
        Keep the most frequent features (by document frequency).

    Attributes
    ----------
    vocabulary_ : dict[str, int]
    idf_ : ndarray
        Smoothed inverse document frequency, as in scikit-learn's ``TfidfTransformer``.
    """

    def __init__(self, view: str = "body", min_df: int = 1, max_features: int | None = None):
        self.view = view
        self.min_df = min_df
        self.max_features = max_features

    def _features(self, doc: ModelView) -> list[str]:
        if self.view == "head":
            return doc.head
        if self.view == "body":
            return doc.body
        raise ValueError(f"unknown view {self.view!r}; expected head or body")

    def fit(self, docs, y=None):  # noqa: D102 - scikit-learn contract
        df: Counter = Counter()
        for doc in docs:
            df.update(set(self._features(doc)))
        kept = [(n, t) for t, n in df.items() if n >= self.min_df]
        if self.max_features is not None and len(kept) > self.max_features:
            kept = sorted(kept, key=lambda nt: (-nt[0], nt[1]))[: self.max_features]
        terms = sorted(t for _, t in kept)
        self.vocabulary_ = {t: i for i, t in enumerate(terms)}
        self.idf_ = smooth_idf(np.array([df[t] for t in terms], dtype=np.float64), len(docs))
        return self

    def transform(self, docs):  # noqa: D102 - scikit-learn contract
        check_is_fitted(self, "vocabulary_")
        return self.rows_of_counts(count_matrix([self._features(doc) for doc in docs], self.vocabulary_))

    def rows_of_counts(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        """:meth:`transform`'s rows from each document's counts of the vocabulary's words."""
        return tfidf_rows(counts, self.idf_)

    def get_feature_names_out(self, input_features=None):  # noqa: D102
        names = np.empty(len(self.vocabulary_), dtype=object)
        for term, i in self.vocabulary_.items():
            names[i] = term
        return names


class CharTfidf(BaseEstimator, TransformerMixin):
    """TF-IDF over character n-grams of the cleaned text, computed with integer codes.

    Parameters
    ----------
    ngram_range : tuple[int, int]
        N-gram lengths, 1 to 3.
    min_df : int
        Ignore n-grams found in fewer documents.
    max_features : int or None
        Keep the most frequent n-grams (by document frequency).

    Attributes
    ----------
    codes_ : list of ndarray
        Sorted n-gram codes kept, one array per length in ``ngram_range``.
    idf_ : ndarray
        Smoothed inverse document frequency of every kept n-gram, in column order.
    """

    def __init__(self, ngram_range: tuple[int, int] = (2, 2), min_df: int = 2, max_features: int | None = None):
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_features = max_features

    def _lengths(self) -> range:
        low, high = self.ngram_range
        if not 1 <= low <= high <= 3:
            raise ValueError(f"ngram_range {self.ngram_range!r} must lie within 1..3")
        return range(low, high + 1)

    def fit(self, docs, y=None):  # noqa: D102 - scikit-learn contract
        kept = []
        for n in self._lengths():
            per_doc = [np.unique(char_codes(doc.text, n)[0]) for doc in docs]
            codes, df = np.unique(np.concatenate(per_doc) if per_doc else np.empty(0, np.int64), return_counts=True)
            keep = df >= self.min_df
            kept += [(int(d), n, int(c)) for c, d in zip(codes[keep], df[keep])]
        if self.max_features is not None and len(kept) > self.max_features:
            kept = sorted(kept, key=lambda t: (-t[0], t[1], t[2]))[: self.max_features]
        self.codes_ = [np.array(sorted(c for _, m, c in kept if m == n), dtype=np.int64) for n in self._lengths()]
        df_of = {(n, c): d for d, n, c in kept}
        df = [df_of[(n, int(c))] for n, codes in zip(self._lengths(), self.codes_) for c in codes]
        self.idf_ = smooth_idf(np.array(df, dtype=np.float64), len(docs))
        return self

    def transform(self, docs):  # noqa: D102 - scikit-learn contract
        check_is_fitted(self, "codes_")
        texts = [doc.text for doc in docs]
        starts = np.cumsum([0] + [len(t) + 1 for t in texts[:-1]])
        joined = "\n".join(texts)
        rows, cols = [], []
        offset = 0
        for n, vocab in zip(self._lengths(), self.codes_):
            codes, where = char_codes(joined, n)
            if len(vocab):
                pos = np.minimum(np.searchsorted(vocab, codes), len(vocab) - 1)
                found = vocab[pos] == codes
                cols.append(pos[found] + offset)
                rows.append(np.searchsorted(starts, where[found], side="right") - 1)
            offset += len(vocab)
        data_rows = np.concatenate(rows) if rows else np.empty(0, np.int64)
        data_cols = np.concatenate(cols) if cols else np.empty(0, np.int64)
        counts = sp.coo_matrix((np.ones(len(data_rows)), (data_rows, data_cols)), shape=(len(docs), offset)).tocsr()
        counts.sum_duplicates()
        return tfidf_rows(counts, self.idf_)

    def get_feature_names_out(self, input_features=None):  # noqa: D102
        return np.array([decode_char_code(c, n) for n, codes in zip(self._lengths(), self.codes_) for c in codes], dtype=object)


class PolicyTermFeatures(BaseEstimator, TransformerMixin):
    """Per-theme counts of lexicon terms in the head and in the body of a document.

    Parameters
    ----------
    lexicon_path : str or None
        Lexicon file; the shipped lexicon when None.
    themes : tuple of str or None
        The model's theme ids, in order (the shipped four when None).
    extra_terms : dict or None
        Seed terms of the label set (term → label ids), counted as the lexicon's terms are
        kept whole by the model's tokenizer (:class:`PrepareDocuments` holds them too).

    Attributes
    ----------
    terms_ : dict[str, tuple[int, ...]]
        Term → indices of the themes it signals, read from the lexicon in ``fit``.
    """

    def __init__(self, lexicon_path: str | None = None, themes: tuple[str, ...] | None = None, extra_terms: dict | None = None) -> None:
        self.lexicon_path = lexicon_path
        self.themes = themes
        self.extra_terms = extra_terms

    def __setstate__(self, state: dict) -> None:
        super().__setstate__({"themes": None, "extra_terms": None, **state})  # versions saved before label sets

    def theme_ids(self) -> tuple[str, ...]:
        """The themes counted, in column order."""
        return tuple(self.themes or THEMES)

    def fit(self, docs, y=None):  # noqa: D102 - scikit-learn contract
        lexicon = load_lexicon(self.lexicon_path).extended(dict(self.extra_terms or {}))
        themes = self.theme_ids()
        terms = {t: tuple(themes.index(x) for x in tags if x in themes) for t, tags in lexicon.terms.items()}
        self.terms_ = {t: idx for t, idx in terms.items() if idx}
        return self

    def _counts(self, tokens: list[str]) -> np.ndarray:
        counts = np.zeros(len(self.theme_ids()))
        get = self.terms_.get
        for idx in filter(None, map(get, tokens)):
            for j in idx:
                counts[j] += 1
        return counts

    def row(self, doc: ModelView) -> np.ndarray:
        """The features of one prepared document."""
        head, body = self._counts(doc.head), self._counts(doc.body)
        return np.concatenate([np.log1p(head), np.log1p(body), np.log1p(body / max(len(doc.body), 1) * 100)])

    def transform(self, docs):  # noqa: D102 - scikit-learn contract
        check_is_fitted(self, "terms_")
        rows = np.zeros((len(docs), 3 * len(self.theme_ids())))
        for i, doc in enumerate(docs):
            rows[i] = self.row(doc)
        return sp.csr_matrix(rows)

    def get_feature_names_out(self, input_features=None):  # noqa: D102
        return np.array([f"{part}_{t}" for part in ("head", "body", "density") for t in self.theme_ids()], dtype=object)
