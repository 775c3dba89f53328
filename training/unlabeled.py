"""Learning from an unlabeled archive: read it (less excluded ids), prepare it, learn its topics.

The archive is read by the batch scorer's reader, so any input ``zonedigest score`` takes
works here (JSONL, JSONL.gz, CSV, folders of documents). Nothing of its labels is known or
used: it gives the model the vocabulary of real news, the IDF of its words, and latent topics
(LSA: a truncated SVD of its TF-IDF matrix, :class:`service.model.archive.ArchiveTopics`).

Everything that can be wrong with an archive is found here, before any training starts.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from service.batch.inputs import InputError, check_inputs, read_records
from service.model.archive import ArchiveTopics, ArchiveViews, ArchiveWords
from service.model.artifact import sha256_file
from service.model.features import ModelView, PrepareDocuments, compose, count_matrix, smooth_idf, tfidf_rows
from training.data import DataError

MIN_ARTICLES = 100  # fewer give no topics worth learning
MAX_BAD_SHARE = 0.5  # more unreadable records than this: the file is not an archive (wrong encoding, not JSON)
TOPICS = 256
MAX_WORDS = 30000
MIN_DF = 5
PSEUDO_THRESHOLD = 0.95  # self-training takes only articles the first model is this sure of
PSEUDO_PER_SOURCE = 100  # at most this many of each theme from each archive file


class ArchiveError(DataError):
    """An archive that cannot be learned from; the message names the file and what to do."""

    def __init__(self, message: str) -> None:
        ValueError.__init__(self, message)
        self.path, self.lineno, self.message = None, 0, message


@dataclass
class Unlabeled:
    """The usable articles of an archive, prepared once, and where they came from."""

    docs: list[ModelView]
    corpus: dict = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)  # the file each of ``docs`` came from
    texts: dict[str, tuple[str | None, str]] = field(default_factory=dict)  # id → (title, text) of the ids asked to keep


@dataclass
class PseudoLabeled:
    """Archive articles labeled by a first model (self-training): added to every training fit."""

    docs: list[ModelView]
    labels: list[str]
    themes: list[tuple[str, ...]]

    def counts(self) -> dict[str, int]:
        """Articles per label."""
        return dict(sorted(Counter(self.labels).items()))


def read_exclude_ids(path: Path | str) -> set[str]:
    """Ids to keep out of training, one a line (blank lines and ``#`` comments ignored)."""
    try:
        lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ArchiveError(f"cannot read the exclude-ids file {path}: {exc}") from None
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def _undecodable(text: str) -> bool:
    """Text decoded in the wrong encoding: replacement characters in more than 1% of it."""
    return text.count("\ufffd") > max(2, len(text) // 100)


def read_unlabeled(
    paths: list[Path | str],
    exclude_ids: Path | str | None = None,
    progress: Callable[[str], None] | None = None,
    keep_ids: set[str] = frozenset(),
    terms: tuple[str, ...] = (),
) -> Unlabeled:
    """Read and prepare every usable article of ``paths``, less the ids of ``exclude_ids``;
    the title and text of ``keep_ids`` (articles editors picked sentences of) are kept too.
    ``terms``: the seed terms of the label set, kept whole as the trained model will keep them.

    Raises :class:`ArchiveError` for a missing, corrupt, empty or undecodable archive, and
    when the exclusions leave fewer than :data:`MIN_ARTICLES` articles.
    """
    from tqdm import tqdm

    paths = [str(p) for p in paths]
    try:
        check_inputs(paths)
    except InputError as exc:
        raise ArchiveError(f"unlabeled archive: {exc}") from None
    excluded = read_exclude_ids(exclude_ids) if exclude_ids else set()
    prepare = PrepareDocuments(terms=terms)
    files: dict[str, Counter] = {}
    docs: list[ModelView] = []
    sources: list[str] = []
    texts: dict[str, tuple[str | None, str]] = {}
    bar = tqdm(desc="reading the archive", unit=" articles", disable=None, mininterval=1.0)
    for record in read_records(paths):
        counts = files.setdefault(record.source, Counter())
        counts["records"] += 1
        bar.update()
        if record.error and record.error.startswith("unreadable_input"):
            raise ArchiveError(f"unlabeled archive {record.source} cannot be read: {record.error.split(': ', 1)[-1]}")
        if record.error or _undecodable(record.text + (record.title or "")):
            counts["unreadable"] += 1
            continue
        if record.id in excluded:
            counts["excluded"] += 1
            continue
        counts["used"] += 1
        docs.append(prepare.transform([compose(record.title, record.text)])[0])
        sources.append(record.source)
        if record.id in keep_ids:
            texts[record.id] = (record.title, record.text)
        if progress and len(docs) % 5000 == 0:
            progress(f"read {len(docs)} archive articles")
    bar.close()
    for source, counts in files.items():
        if counts["unreadable"] > MAX_BAD_SHARE * counts["records"]:
            raise ArchiveError(
                f"unlabeled archive {source}: {counts['unreadable']} of {counts['records']} records are not readable articles "
                "(expected UTF-8 or GB18030 JSONL/CSV with a text field); check its format and encoding"
            )
    if not files or not sum(c["records"] for c in files.values()):
        raise ArchiveError(f"unlabeled archive {', '.join(paths)} holds no article")
    if len(docs) < MIN_ARTICLES:
        total = sum(c["records"] for c in files.values())
        gone = sum(c["excluded"] for c in files.values())
        why = f"{gone} of {total} are excluded by {exclude_ids}" if gone else f"it holds {total}"
        raise ArchiveError(f"unlabeled archive: {len(docs)} usable articles ({why}); learning from an archive needs at least {MIN_ARTICLES}")
    corpus = {
        "files": [_file_entry(p, files) for p in paths],
        "articles_used": len(docs),
        "articles_excluded": sum(c["excluded"] for c in files.values()),
        "articles_unreadable": sum(c["unreadable"] for c in files.values()),
    }
    if exclude_ids:
        corpus["exclude_ids"] = {"file": Path(exclude_ids).name, "sha256": sha256_file(Path(exclude_ids)), "ids": len(excluded)}
    return Unlabeled(docs, corpus, sources, texts)


def _file_entry(path: str, files: dict[str, Counter]) -> dict:
    p = Path(path)
    if p.is_dir():
        counts = sum((c for s, c in files.items() if (p / s).is_file()), Counter())
        return {"file": p.name + "/", **{k: counts[k] for k in ("records", "used", "excluded", "unreadable")}}
    counts = files.get(p.name, Counter())
    return {"file": p.name, "sha256": sha256_file(p), **{k: counts[k] for k in ("records", "used", "excluded", "unreadable")}}


def learn_archive(docs: list[ModelView], n_topics: int = TOPICS, max_words: int = MAX_WORDS, min_df: int = MIN_DF, seed: int = 0) -> tuple[ArchiveViews, dict]:
    """The archive's vocabulary, IDF and latent topics (a truncated SVD of its TF-IDF rows)."""
    from sklearn.decomposition import TruncatedSVD

    began = time.perf_counter()
    df: Counter = Counter()
    for doc in docs:
        df.update(set(doc.body))
    kept = sorted(((n, t) for t, n in df.items() if n >= min_df), key=lambda nt: (-nt[0], nt[1]))[:max_words]
    words = sorted(t for _, t in kept)
    vocabulary = {t: i for i, t in enumerate(words)}
    idf = smooth_idf(np.array([df[t] for t in words], dtype=np.float64), len(docs))
    matrix = count_matrix([doc.body for doc in docs], vocabulary)
    n_topics = min(n_topics, len(docs) - 1, len(words) - 1)
    svd = TruncatedSVD(n_components=n_topics, n_iter=5, random_state=seed).fit(tfidf_rows(matrix, idf))
    idf = idf.astype(np.float32)
    views = ArchiveViews(ArchiveWords(vocabulary, idf), ArchiveTopics(vocabulary, idf, svd.components_.astype(np.float16)))
    info = {
        "vocabulary": len(words),
        "topics": n_topics,
        "explained_variance": round(float(svd.explained_variance_ratio_.sum()), 4),
        "seconds": round(time.perf_counter() - began, 1),
    }
    return views, info


def pseudo_label(model, archive: Unlabeled, threshold: float = PSEUDO_THRESHOLD, per_source: int = PSEUDO_PER_SOURCE, seed: int = 0) -> PseudoLabeled:
    """Self-training: up to ``per_source`` archive articles of each theme per archive file, drawn at
    random among those the fitted Pipeline ``model`` gives that theme with probability at least
    ``threshold``; their themes are the primary one and every theme present with probability 0.5.

    Only themes, never ``other``: the labeled examples hold plenty of ``other``, and real news read
    as ``other`` taught the model to miss themes diluted in long articles (measured on the regional
    development set). Drawn per file so that a small archive of long regional articles is not
    drowned by a large national one.
    """
    features = model[:-1].transform(archive.docs)
    estimator = model[-1]
    proba, presence = estimator.predict_proba(features), estimator.presence_proba(features)
    classes, themes = list(estimator.classes_), list(estimator.themes_)
    rng = np.random.default_rng(seed)
    top, confidence = proba.argmax(axis=1), proba.max(axis=1)
    sources = np.array(archive.sources)
    picked: list[int] = []
    for k, label in enumerate(classes):
        if label == "other":
            continue
        for source in dict.fromkeys(archive.sources):
            sure = np.flatnonzero((top == k) & (confidence >= threshold) & (sources == source))
            picked += sorted(rng.permutation(sure)[:per_source].tolist())
    return PseudoLabeled(
        [archive.docs[i] for i in picked],
        [classes[top[i]] for i in picked],
        [tuple([classes[top[i]]] + [t for j, t in enumerate(themes) if t != classes[top[i]] and presence[i, j] >= 0.5]) for i in picked],
    )
