"""Train the theme model: the scikit-learn Pipeline, cross-validation and the artifact."""

from __future__ import annotations

import json
import os
import platform
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion, Pipeline

from service.labels import DEFAULT, LabelSet
from service.model.archive import ArchiveViews
from service.model.artifact import FORMAT_VERSION, MODEL_FILE, sha256_file
from service.model.estimator import ThemeEstimator, reweight_other
from service.model.features import CharTfidf, PolicyTermFeatures, PrepareDocuments, ViewTfidf, compose
from service.text.lexicon import default_lexicon
from training.calibration import calibrate_out_of_fold
from training.data import Example, data_hash
from training.metrics import classification_metrics
from training.salience import learn_salience, read_picks
from training.unlabeled import PSEUDO_PER_SOURCE, PseudoLabeled, Unlabeled, learn_archive, pseudo_label

# other_weight None: chosen on held-out folds at each training (choose_other_weight).
DEFAULT_PARAMS = {
    "C": 10.0,
    "char_max_features": 80000,
    "class_weight": "balanced",
    "char_ngrams": [2, 2],
    "terms_weight": 0.1,
    "other_weight": None,
    "archive_weight": 1.0,  # the archive's words and topics, when training learns from one (training.unlabeled)
    "topics_weight": 0.5,
    "pseudo_per_source": PSEUDO_PER_SOURCE,  # self-training on the archive (0: none)
}
MODEL_PARAMS = ("C", "char_max_features", "class_weight", "char_ngrams", "terms_weight", "other_weight", "archive_weight", "topics_weight")


def model_params(params: dict) -> dict:
    """The parameters of ``params`` that :func:`build_pipeline` takes (a version's metadata holds more)."""
    return {k: params[k] for k in MODEL_PARAMS if k in params}


def build_pipeline(
    C: float = 10.0,
    char_max_features: int = 80000,
    class_weight: str | None = "balanced",
    char_ngrams: tuple[int, int] = (2, 2),
    terms_weight: float = 0.1,
    other_weight: float = 1.0,
    archive_weight: float = 1.0,
    topics_weight: float = 0.5,
    *,
    labels: LabelSet = DEFAULT,
    archive: ArchiveViews | None = None,
) -> Pipeline:
    """The whole model: document preparation, four feature views (six with what training
    learned from an ``archive``), a logistic-regression classifier.

    The lexicon counts (log scale, up to about 3) are weighted down to the size of one
    L2-normalised TF-IDF view; at full weight they dominate and hurt both development sets.
    The archive's words (TF-IDF with the archive's IDF) help the five themes on real news;
    its topics let a new theme learn from few labels what its articles have in common, and
    are weighted down because at full weight they cost the five themes (benchmarks/new_label_curve.py).
    """
    views = [
        ("words", ViewTfidf(view="body")),
        ("head", ViewTfidf(view="head")),
        ("chars", CharTfidf(ngram_range=tuple(char_ngrams), min_df=2, max_features=char_max_features)),
        ("terms", PolicyTermFeatures(themes=labels.themes, extra_terms=labels.extra_terms() or None)),
    ]
    weights = {"terms": terms_weight}
    if archive is not None:
        views += [("archive", archive.words), ("topics", archive.topics)]
        weights.update(archive=archive_weight, topics=topics_weight)
    features = FeatureUnion(views, transformer_weights=weights)
    classifier = ThemeEstimator(C=C, class_weight=class_weight, other_weight=other_weight, themes=labels.themes)
    return Pipeline([("prepare", PrepareDocuments(terms=tuple(labels.extra_terms()))), ("features", features), ("clf", classifier)])


def documents(examples: list[Example]) -> list[str]:
    """Model inputs for examples."""
    return [compose(ex.title, ex.text) for ex in examples]


def fit(model: Pipeline, examples: list[Example], docs=None, extra: PseudoLabeled | None = None) -> Pipeline:
    """Fit the Pipeline on examples (labels and themes), and on ``extra`` pseudo-labeled archive articles."""
    docs = list(documents(examples) if docs is None else docs)
    labels, themes = [ex.label for ex in examples], [ex.themes for ex in examples]
    if extra is not None:
        docs, labels, themes = docs + extra.docs, labels + extra.labels, themes + extra.themes
    return model.fit(docs, labels, clf__themes=themes)


def _fold(params: dict, labels: LabelSet, archive, extra, examples: list[Example], docs: list, train_idx: np.ndarray, test_idx: np.ndarray):
    model = fit(build_pipeline(**model_params(params), labels=labels, archive=archive), [examples[i] for i in train_idx], [docs[i] for i in train_idx], extra)
    order = [list(model.classes_).index(label) for label in labels.ids]
    features = model[:-1].transform([docs[i] for i in test_idx])
    return test_idx, model[-1].predict_proba(features)[:, order], model[-1].presence_proba(features)


def out_of_fold_proba(
    examples: list[Example],
    params: dict,
    folds: int = 5,
    seed: int = 0,
    n_jobs: int | None = None,
    labels: LabelSet = DEFAULT,
    archive: ArchiveViews | None = None,
    extra: PseudoLabeled | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Primary-label probabilities (columns in ``labels.ids`` order) and theme-presence probabilities
    (columns in ``labels.themes`` order), each predicted by a model that did not see the example.

    ``extra`` pseudo-labeled articles join every fold's training part and are never predicted.
    Folds are fitted in parallel on ``n_jobs`` processes (default: one per core, at most
    ``folds``); the result does not depend on how many.
    """
    from joblib import Parallel, delayed

    docs = PrepareDocuments(terms=tuple(labels.extra_terms())).transform(documents(examples))  # prepared once for all folds, seed terms whole
    truth = np.array([ex.label for ex in examples])
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    n_jobs = n_jobs or min(folds, os.cpu_count() or 1)
    splits = splitter.split(np.zeros(len(truth)), truth)
    results = Parallel(n_jobs=n_jobs)(delayed(_fold)(params, labels, archive, extra, examples, docs, tr, te) for tr, te in splits)
    proba = np.zeros((len(examples), len(labels.ids)))
    presence = np.zeros((len(examples), len(labels.themes)))
    for test_idx, fold_proba, fold_presence in results:
        proba[test_idx], presence[test_idx] = fold_proba, fold_presence
    return proba, presence


def choose_other_weight(proba: np.ndarray, examples: list[Example], labels: LabelSet = DEFAULT) -> float:
    """The factor on P(other) (see ThemeEstimator) that maximises macro-F1 on held-out folds;
    ties go to the weight nearest 1."""
    truth = [ex.label for ex in examples]
    best = (-1.0, 0.0, 1.0)
    for weight in np.round(np.arange(0.30, 1.001, 0.05), 2):
        predicted = [labels.ids[i] for i in reweight_other(proba, list(labels.ids), float(np.log(weight))).argmax(axis=1)]
        best = max(best, (round(f1_score(truth, predicted, average="macro"), 6), -abs(1.0 - weight), float(weight)))
    return best[2]


def choose_thresholds(presence: np.ndarray, examples: list[Example], primary: np.ndarray | None = None, labels: LabelSet = DEFAULT) -> dict[str, float]:
    """Per-theme presence threshold for ``themes`` that maximises F1 on held-out folds.

    The primary theme is always listed; ``primary`` (held-out label probabilities) lets the
    search count that.
    """
    thresholds = {}
    top = primary.argmax(axis=1) if primary is not None else np.full(len(examples), -1)
    for j, theme in enumerate(labels.themes):
        truth = np.array([theme in ex.themes for ex in examples])
        best = (0.0, -0.5)
        for thr in np.arange(0.10, 0.91, 0.02):
            predicted = (presence[:, j] >= thr) | (top == j)
            best = max(best, (f1_score(truth, predicted, zero_division=0), -round(float(thr), 2)))
        thresholds[theme] = -best[1]
    return thresholds


def _salience(path: Path | str, unlabeled: Unlabeled | None, model: Pipeline, params: dict, labels: LabelSet) -> dict:
    """The salience learned from the editors' picks of ``path``, keyed on themes the fitted ``model`` gives."""
    from service.model.classifier import ThemeClassifier
    from service.summary.summarizer import Summarizer

    rows = read_picks(path)
    if unlabeled is None or not unlabeled.texts:
        raise ValueError("--editor-picks needs the archive its articles come from (--unlabeled)")
    classifier = ThemeClassifier(model, {"labels": labels.to_json(), "params": params})
    ids = sorted(unlabeled.texts)
    themes = {i: p.themes for i, p in zip(ids, classifier.predict([compose(*unlabeled.texts[i]) for i in ids], evidence=0))}
    extra = labels.extra_terms()
    summarizer = Summarizer(idf=classifier.idf(), lexicon=default_lexicon().extended(extra) if extra else None, tokenizer=classifier.tokenizer)
    salience, info = learn_salience(path, rows, unlabeled.texts, summarizer, themes)
    return {**salience.to_json(), "learned_from": info}


@dataclass
class TrainResult:
    """A written model version."""

    model_dir: Path
    metadata: dict


def library_versions() -> dict[str, str]:
    """Versions of the libraries that shape a model."""
    from importlib.metadata import version

    out = {"python": platform.python_version()}
    for name in ("scikit-learn", "numpy", "scipy", "joblib", "rjieba", "jieba"):
        try:
            out[name] = version(name)
        except Exception:  # noqa: BLE001 - a missing optional library is recorded as absent
            out[name] = "absent"
    return out


def train_model(
    examples: list[Example],
    out_dir: Path | str,
    *,
    params: dict | None = None,
    folds: int = 5,
    parent: str | None = None,
    labels: LabelSet = DEFAULT,
    unlabeled: Unlabeled | None = None,
    command: str | None = None,
    progress: Callable[[str], None] | None = None,
    editor_picks: Path | str | None = None,
) -> TrainResult:
    """Cross-validate, fit on all examples, and write ``out_dir`` (model + metadata) atomically.

    The model predicts every label of ``labels`` that has examples (a label with none is left
    out and named in the metadata's ``labels_without_examples``). With ``unlabeled`` (an
    archive read by :func:`training.unlabeled.read_unlabeled`) it learns the archive's words and topics
    first and records the corpus in the metadata's ``unlabeled``; with ``editor_picks`` (their
    articles in that archive) it learns sentence salience too (``training.salience``, the
    metadata's ``salience``). ``command`` is recorded as the command that rebuilds the version.
    """
    say = progress or (lambda message: None)
    import joblib

    params = {**DEFAULT_PARAMS, **(params or {})}
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()):
        raise FileExistsError(f"{out_dir} exists and is not empty; choose a new version directory")
    unknown = sorted({ex.label for ex in examples} - set(labels.ids))
    if unknown:
        raise ValueError(f"examples are labeled {', '.join(unknown)}, which the label set lacks; add them with zonedigest themes add")
    counts = Counter(ex.label for ex in examples)
    few = sorted(label for label, n in counts.items() if n < max(folds, 2))
    if few:
        listed = ", ".join(f"{x} has {counts[x]} example(s)" for x in few)
        raise ValueError(f"{listed}; each label needs at least {max(folds, 2)} to be learned and cross-validated")
    if "other" not in counts:
        raise ValueError("no example is labeled other; the model needs examples of articles none of the themes fits")
    present = set(counts)
    empty = [x for x in labels.themes if x not in present]
    labels = LabelSet(tuple(x for x in labels.labels if x.id in present or x.id == "other"))
    archive, extra, learned = None, None, None
    if unlabeled is not None:
        say(f"learning the vocabulary and topics of {len(unlabeled.docs)} archive articles")
        archive, info = learn_archive(unlabeled.docs)
        say("self-training: labeling the archive articles a first model is surest of")
        first = fit(build_pipeline(**model_params({**params, "other_weight": 1.0}), labels=labels, archive=archive), examples)
        extra = pseudo_label(first, unlabeled, per_source=params["pseudo_per_source"])
        learned = {**unlabeled.corpus, **info, "pseudo_labels": extra.counts()}
    say(f"cross-validating on {len(examples)} examples ({folds} folds)")
    proba, presence = out_of_fold_proba(examples, {**params, "other_weight": 1.0}, folds=folds, labels=labels, archive=archive, extra=extra)
    if params.get("other_weight") is None:
        params["other_weight"] = choose_other_weight(proba, examples, labels)
    proba = reweight_other(proba, list(labels.ids), float(np.log(params["other_weight"])))
    thresholds = choose_thresholds(presence, examples, proba, labels)
    cv = classification_metrics(examples, proba, presence, thresholds, labels)
    say("fitting the model on every example")
    model = fit(build_pipeline(**model_params(params), labels=labels, archive=archive), examples, extra=extra)
    # Calibrated confidence: temperatures fitted on the out-of-fold probabilities (training/calibration.py).
    params["temperature"], cv["calibration"] = calibrate_out_of_fold(proba, [ex.label for ex in examples], folds=folds, labels=labels.ids)
    salience = None
    if editor_picks is not None:
        say("learning sentence salience from the editors' picks")
        salience = _salience(editor_picks, unlabeled, model, params, labels)

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    tmp.chmod(0o755)
    joblib.dump(model, tmp / MODEL_FILE)
    lexicon = default_lexicon()
    extra_terms = labels.extra_terms()
    metadata = {
        "format_version": FORMAT_VERSION,
        "version": out_dir.name,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "parent": parent,
        "params": params,
        "data_hash": data_hash(examples),
        "n_examples": len(examples),
        "label_counts": dict(sorted(Counter(ex.label for ex in examples).items())),
        "theme_thresholds": thresholds,
        "cv_folds": folds,
        "metrics": {"cv": cv},
        "labels": labels.to_json(),
        "labels_without_examples": empty,
        "lexicon": {"terms": len(lexicon), "sha256": lexicon.sha256, "seed_terms": len(extra_terms)},
        "unlabeled": learned,
        "salience": salience,
        "command": command,
        "libraries": library_versions(),
        "files": {MODEL_FILE: sha256_file(tmp / MODEL_FILE)},
    }
    (tmp / "metadata.json").write_text(json.dumps(metadata, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    try:
        if out_dir.exists():
            out_dir.rmdir()
        tmp.rename(out_dir)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        raise FileExistsError(f"{out_dir} was written meanwhile by another training; nothing was overwritten") from None
    return TrainResult(out_dir, metadata)
