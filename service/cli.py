"""The ``zonedigest`` command: classify, score, split, train, evaluate."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from service.model.artifact import ModelError
from service.model.classifier import load_model
from service.summary.budget import DEFAULT_MAX_CHARS, summary_limits

model_option = click.option(
    "--model",
    "model_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Model version directory, or a models directory with CURRENT (default: the shipped model).",
)


def budget_options(command):
    """``--max-chars`` and ``--max-sentences``: a summary's budget (:mod:`service.summary.budget`)."""
    command = click.option("--max-sentences", type=click.IntRange(min=1), default=None, help="Summary budget in sentences.")(command)
    help_chars = f"Summary budget in characters (default {DEFAULT_MAX_CHARS})."
    return click.option("--max-chars", type=click.IntRange(min=1), default=None, help=help_chars)(command)


def _check_budget(max_chars: int | None, max_sentences: int | None) -> None:
    try:
        summary_limits(max_chars, max_sentences)
    except ValueError:
        raise click.UsageError("give --max-chars or --max-sentences, not both") from None


def _load(model_dir: Path | None):
    try:
        return load_model(model_dir)
    except ModelError as exc:
        raise click.ClickException(str(exc)) from None


def _read_document(source: str):
    """The file (or standard input) as a document: PDF, Word, HTML or text, known from its content."""
    from service.documents import DocumentError, read_document

    try:
        data = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
        return read_document(data, "" if source == "-" else Path(source).name)
    except OSError as exc:
        raise click.ClickException(f"cannot read {source}: {exc.strerror}") from None
    except DocumentError as exc:
        code = "empty_text" if exc.code == "empty_document" else exc.code  # the code an empty article has everywhere
        raise click.ClickException(f"{code}: {source}: {exc.message}") from None


def _articles(source: str) -> list:
    """The articles of a bulletin file (headlines marked by the format where it has them)."""
    from service.documents import articles

    return articles(_read_document(source))


def _warn_if_bulletin(document, source: str, how: str) -> None:
    """Warn on standard error when a file given as one article holds several (it is treated as one)."""
    from service.documents import articles

    found = articles(document)
    if len(found) > 1:
        click.echo(f"warning: {source} holds {len(found)} articles and is read as one; `zonedigest {how} {source}` gives each its own", err=True)


@click.group()
@click.version_option(package_name="zonedigest")
def cli() -> None:
    """zonedigest: themes of Chinese regional-development news."""


@cli.command()
@click.argument("source", default="-", type=click.Path(allow_dash=True, dir_okay=False))
@click.option("--title", default=None, help="Title of the article.")
@click.option("--split", is_flag=True, help="Split a bulletin into its articles and classify each.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@model_option
def classify(source: str, title: str | None, split: bool, as_json: bool, model_dir: Path | None) -> None:
    """Classify one article (or a bulletin with --split) from SOURCE: a text, PDF, Word or HTML file, or - for stdin."""
    from service.analyzer import Analyzer
    from service.documents import articles as articles_of

    document = _read_document(source)
    analyzer = Analyzer(_load(model_dir))
    if split:
        items = [(a.title, a.text) for a in articles_of(document)] or [(title or document.title, document.text)]
    else:
        _warn_if_bulletin(document, source, "classify --split")
        items = [(title or document.title, document.text)]
    for n, ((item_title, item_text), p) in enumerate(zip(items, analyzer.classify_many(items)), 1):
        if as_json:
            click.echo(json.dumps({"n": n, "title": item_title or "", **p}, ensure_ascii=False))
        else:
            terms = "、".join(e["term"] for e in p["evidence"])
            click.echo(f"{n}. [{p['theme']} {p['theme_zh']} {p['confidence']:.2f}] {(item_title or item_text[:30])}")
            click.echo(f"   themes: {', '.join(p['themes']) or '-'}   evidence: {terms or '-'}")
            for warning in p["warnings"]:
                click.echo(f"   warning: {warning}")


@cli.command()
@click.argument("source", default="-", type=click.Path(allow_dash=True, dir_okay=False))
@click.option("--title", default=None, help="Title of the article (it helps pick sentences and is not copied into the summary).")
@budget_options
@click.option("--json", "as_json", is_flag=True, help="Print the summary with sentences, offsets and keywords as JSON.")
@model_option
def summarize(source: str, title: str | None, max_chars: int | None, max_sentences: int | None, as_json: bool, model_dir: Path | None) -> None:
    """Print an extractive summary of one article from SOURCE: a text, PDF, Word or HTML file, or - for stdin."""
    from service.analyzer import Analyzer

    _check_budget(max_chars, max_sentences)
    document = _read_document(source)
    _warn_if_bulletin(document, source, "split")
    result = Analyzer(_load(model_dir)).analyze(document.text, title or document.title, max_chars=max_chars, max_sentences=max_sentences)
    if as_json:
        keys = ("theme", "themes", "summary", "over_budget", "sentences", "keywords", "dateline", "model_version")
        click.echo(json.dumps({k: result[k] for k in keys}, ensure_ascii=False, indent=2))
    else:
        click.echo(result["summary"])


@cli.command()
@click.argument("source", default="-", type=click.Path(allow_dash=True, dir_okay=False))
def split(source: str) -> None:
    """Split a bulletin (text, PDF, Word or HTML) into articles; print one JSON object (title, text) per article."""
    for n, article in enumerate(_articles(source), 1):
        click.echo(json.dumps({"id": f"{Path(source).name}#{n}", "title": article.title, "text": article.text}, ensure_ascii=False))


@cli.command()
@click.argument("inputs", metavar="INPUT...", nargs=-1, required=True)
@click.option("-o", "--output", default="-", show_default=True, help="Output file (- for standard output).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv", "sqlite"]),
    default=None,
    help="Output format (default from the -o name: sqlite for *.db/*.sqlite, csv for *.csv, else jsonl; *.gz is gzip-compressed).",
)
@click.option("--fields", default=None, help="Output fields, comma-separated (default: /v1/analyze's, plus id, date, error; title, text, source on request).")
@click.option("--split", is_flag=True, help="Split each text file into the articles of its bulletin (ids file#1, file#2 ...).")
@click.option("--id-col", default="id", show_default=True, help="CSV column with the id.")
@click.option("--title-col", default="title", show_default=True, help="CSV column with the title.")
@click.option("--text-col", default="text", show_default=True, help="CSV column with the text.")
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Worker processes (default: all cores).")
@click.option("--chunk-size", type=click.IntRange(min=1), default=200, show_default=True, help="Records per committed chunk.")
@click.option("--resume", is_flag=True, help="Continue an interrupted run into the same output file.")
@click.option("--progress/--no-progress", default=None, help="Progress bar on stderr (default: when stderr is a terminal).")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True, help="Local processes or a Dask cluster.")
@click.option("--scheduler", default=None, help="Address of an existing Dask scheduler, e.g. tcp://10.0.0.5:8786 (with --engine dask).")
@budget_options
@model_option
def score(
    inputs,
    output,
    fmt,
    fields,
    split,
    id_col,
    title_col,
    text_col,
    workers,
    chunk_size,
    resume,
    progress,
    engine,
    scheduler,
    max_chars,
    max_sentences,
    model_dir,
) -> None:
    """Score archives: JSONL(.gz), CSV, directories of .txt/.md files, or bulletins (--split).

    Each output record has the fields of /v1/analyze, or id and error for a record that
    could not be scored; the run goes on past bad records and ends with one line of counts.
    """
    import os

    from service.batch.inputs import Columns, InputError, check_inputs
    from service.batch.options import format_for
    from service.batch.runner import BatchError, BatchOptions, run_batch, summarize_stats

    _check_budget(max_chars, max_sentences)
    if scheduler and engine != "dask":
        raise click.UsageError("--scheduler needs --engine dask")
    try:
        check_inputs(list(inputs))
        from service.model.artifact import ModelError, read_metadata, resolve_model_dir

        try:  # a missing or tampered model stops the run before it starts (workers load it)
            read_metadata(resolve_model_dir(model_dir))
        except ModelError as exc:
            raise click.ClickException(str(exc)) from None
        options = BatchOptions(
            output=output,
            fmt=fmt or format_for(output),
            fields=tuple(f.strip() for f in fields.split(",") if f.strip()) if fields else None,
            workers=workers or (os.cpu_count() or 1),
            chunk_size=chunk_size,
            resume=resume,
            progress=sys.stderr.isatty() if progress is None else progress,
            engine=engine,
            scheduler=scheduler,
            max_chars=max_chars,
            max_sentences=max_sentences,
            model_dir=str(model_dir) if model_dir else None,
            split=split,
            columns=Columns(id_col, title_col, text_col),
        )
        stats = run_batch(list(inputs), options)
    except (InputError, BatchError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(summarize_stats(stats), err=True)


@cli.command()
@click.argument("scored", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", "target", required=True, type=click.Path(dir_okay=False, path_type=Path), help="HTML file to write.")
def report(scored: Path, target: Path) -> None:
    """Write an HTML report of an output of `zonedigest score` (JSONL, JSONL.gz, CSV or SQLite)."""
    from service.batch.options import BatchError
    from service.batch.report import write_report

    try:
        records, skipped = write_report(scored, target)
    except BatchError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"wrote {target}: {records} records, {skipped} skipped", err=True)


@cli.command()
@click.argument("data", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path), default=None, help="New version directory (default: the next vN in --models).")
@click.option(
    "--models",
    "models_path",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Models directory (default: var/models, or $ZONEDIGEST_USER_MODELS_DIR; the shipped models/ are never written).",
)
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Also train on the examples stored in this SQLite file.")
@click.option("--eval", "eval_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None, help="Labeled file for the quality gate.")
@click.option("--tolerance", default=0.01, show_default=True, help="Largest macro-F1 drop the gate accepts.")
@click.option("--force", is_flag=True, help="Promote even when the gate says no.")
@click.option("--no-promote", is_flag=True, help="Write the version, do not make it live.")
@click.option("--folds", default=5, show_default=True, help="Cross-validation folds.")
@click.option(
    "--unlabeled",
    "unlabeled",
    multiple=True,
    type=click.Path(path_type=Path),
    help="An unlabeled archive to learn the vocabulary and topics of real news from (any input score reads; repeat for more).",
)
@click.option("--exclude-ids", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Ids (one a line) of archive articles never to learn from.")
@click.option(
    "--editor-picks",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Editors' picks of summary sentences (benchmarks/data/editor_picks.jsonl) to learn sentence salience from; their articles come from --unlabeled.",
)
@click.option("--job-id", default=None, hidden=True, help="Record the outcome as this training job in --db.")
def train(data, out_dir, models_path, db, eval_path, tolerance, force, no_promote, folds, unlabeled, exclude_ids, editor_picks, job_id) -> None:
    """Train a model on labeled DATA (default training/data) plus stored examples, gate it, promote it.

    With --unlabeled, the model also learns from an archive without labels: its vocabulary,
    IDF and latent topics (articles whose id --exclude-ids lists are left out).
    A new version is promoted only when its macro-F1 (cross-validated, and on --eval when
    given) is not worse than the live model's by more than --tolerance, unless --force.
    """
    from service.examples.store import ExamplesStore
    from service.model.versions import models_dir
    from training.data import DataError
    from training.retrain import format_report, retrain

    models = out_dir.parent if out_dir else models_dir(models_path)
    store = ExamplesStore(db) if job_id and db else None
    if store:
        store.update_job(job_id, "running", {"models": str(models)})

    def progress(stage: str) -> None:
        click.echo(stage, err=True)
        if store:
            store.update_job(job_id, "running", {"models": str(models), "stage": stage})

    try:
        result = retrain(
            models,
            data=list(data) or None,
            db=db,
            eval_path=eval_path,
            tolerance=tolerance,
            force=force,
            auto_promote=not no_promote,
            out_dir=out_dir,
            folds=folds,
            unlabeled=list(unlabeled) or None,
            exclude_ids=exclude_ids,
            editor_picks=editor_picks,
            command=" ".join(["zonedigest", *sys.argv[1:]]) if not job_id else None,
            progress=progress,
        )
    except (DataError, FileExistsError, ValueError) as exc:
        if store:
            store.update_job(job_id, "failed", {"error": str(exc)})
        raise click.ClickException(str(exc)) from None
    except BaseException as exc:
        if store:
            store.update_job(job_id, "failed", {"error": f"{type(exc).__name__}: {exc}"})
        raise
    if store:
        store.update_job(job_id, "done", {"version": result.version, "promoted": result.promoted, "report": result.report})
    click.echo(format_report(result.report))
    click.echo(f"wrote {result.model_dir} (report.html beside it){'; now live' if result.promoted else ''}")


@cli.group()
def models() -> None:
    """List model versions, promote one, or roll back."""


@models.command("list")
@click.option("--models", "models_path", type=click.Path(file_okay=False, path_type=Path), default=None, help="Models directory.")
def models_list(models_path) -> None:
    """Every version (the shipped ones, then yours), the one served marked *, with quality like against like.

    Cross-validated macro-F1 is shown over the labels every listed version shares, so that a version
    with a new label does not read as a regression; a label only some versions have is shown on its own.
    """
    from service.model.artifact import MODELS_DIR, resolve_model_dir
    from service.model.versions import list_versions, models_dir

    folders = [models_dir(models_path)] if models_path else list(dict.fromkeys([MODELS_DIR, models_dir()]))
    rows = [(folder, v) for folder in folders for v in list_versions(folder)]
    try:
        served = resolve_model_dir(models_path)
    except ModelError:
        served = None
    shared = set.intersection(*(set(v["per_class_f1"]) for _, v in rows if v["per_class_f1"])) if any(v["per_class_f1"] for _, v in rows) else set()
    shared_names = ", ".join(sorted(shared))
    click.echo(f"cv macro-F1 over the labels every version has ({shared_names}); other labels' F1 after them")
    for folder, v in rows:
        scores = v["per_class_f1"]
        f1 = f"{sum(scores[x] for x in shared) / len(shared):.4f}" if shared and scores else "-"
        extra = "  ".join(f"{label} F1 {scores[label]:.3f}" for label in sorted(set(scores) - shared))
        mark = "*" if served == folder / v["version"] else " "
        where = "shipped" if folder == MODELS_DIR else str(folder)
        parts = [f"{mark} {v['version']:<8} {where:<12} created {v['created']}", f"examples {v['n_examples']}", f"macro-F1 {f1}"]
        parts += [extra, f"parent {v['parent']}"]
        click.echo("  ".join(p for p in parts if p))


@models.command("promote")
@click.argument("version")
@click.option("--models", "models_path", type=click.Path(file_okay=False, path_type=Path), default=None, help="Models directory.")
def models_promote(version, models_path) -> None:
    """Make VERSION live (running servers switch to it within seconds)."""
    from service.model.versions import models_dir, promote

    try:
        promote(models_dir(models_path), version)
    except ModelError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{version} is live")


@models.command("rollback")
@click.option("--models", "models_path", type=click.Path(file_okay=False, path_type=Path), default=None, help="Models directory.")
def models_rollback(models_path) -> None:
    """Make the version that was live before the current one live again."""
    from service.model.versions import models_dir, rollback

    try:
        click.echo(f"{rollback(models_dir(models_path))} is live")
    except ModelError as exc:
        raise click.ClickException(str(exc)) from None


@cli.group()
def examples() -> None:
    """Labeled examples users add: add, list, export, remove, suggest what to label next, review old labels."""


db_option = click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Examples store (default var/zonedigest.db).")


@examples.command("add")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--by", "added_by", default="cli", show_default=True, help="Who adds them.")
@click.option("--replace", is_flag=True, help="Corrections: a row whose text is already stored replaces that row.")
@db_option
def examples_add(files, added_by, replace, db) -> None:
    """Validate labeled JSONL/CSV FILES and store them: all rows, or none when any row is bad.

    A stored example replaces a repository example with the same id or text when the model
    is trained: that is how a label is corrected.
    """
    from service.examples.store import ExamplesStore
    from training.data import DataError, load_examples

    store = ExamplesStore(db)
    try:
        rows = load_examples(*files, labels=store.label_set())
        ids = store.add(rows, source="file", added_by=added_by, replace=replace)
    except (DataError, ValueError) as exc:
        raise click.ClickException(f"{exc}; nothing was stored") from None
    click.echo(f"stored {len(ids)} examples")


@cli.group()
def themes() -> None:
    """The label set: list it, add a theme of your own (with seed policy terms), rename or remove one.

    The next `zonedigest train --db ...` trains a model that predicts every label of the set;
    the served model keeps its own set until a new version is promoted.
    """


def _print_labels(labels, counts: dict[str, int], served: tuple[str, ...] | None) -> None:
    for label in labels.labels:
        mark = "" if served is None or label.id in served else "  (not in the served model yet: retrain)"
        terms = f"  terms: {'、'.join(label.terms)}" if label.terms else ""
        click.echo(f"{label.id:<14}{label.name_zh:<8}{counts.get(label.id, 0):>6} stored  {label.description}{terms}{mark}")


@themes.command("list")
@db_option
@model_option
def themes_list(db, model_dir) -> None:
    """Every label of the store's set, its stored examples, and whether the served model knows it."""
    from service.examples.store import ExamplesStore
    from service.model.artifact import ModelError, read_metadata, resolve_model_dir

    store = ExamplesStore(db)
    counts: dict[str, int] = {}
    for ex in store.examples():
        counts[ex.label] = counts.get(ex.label, 0) + 1
    try:
        from service.labels import LabelSet

        served = LabelSet.from_json(read_metadata(resolve_model_dir(model_dir)).get("labels")).ids
    except ModelError:
        served = None
    _print_labels(store.label_set(), counts, served)


def _lexicon_terms(path: Path, label_id: str) -> list[str]:
    """Terms for ``label_id`` from a TERM<TAB>LABEL file (or one term a line)."""
    terms = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        term, _, tags = line.partition("\t")
        if tags and label_id not in [t.strip() for t in tags.split(",")]:
            continue
        if not term.strip():
            raise click.ClickException(f"{path}:{lineno}: expected TERM or TERM<TAB>LABELS")
        terms.append(term.strip())
    return terms


@themes.command("add")
@click.argument("label_id", metavar="ID")
@click.option("--name-zh", required=True, help="Chinese name, e.g. 科技创新.")
@click.option("--description", default="", help="What a story of this theme is mainly about.")
@click.option("--terms", default="", help="Seed policy terms, comma-separated, e.g. 研发,专利,成果转化.")
@click.option(
    "--lexicon", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None, help="File of seed terms: TERM<TAB>LABELS, or a term a line."
)
@db_option
def themes_add(label_id, name_zh, description, terms, lexicon, db) -> None:
    """Add theme ID (or update its name, description and terms) in the examples store's label set."""
    from service.examples.store import ExamplesStore

    seed = [t for t in terms.replace("，", ",").split(",") if t.strip()] + (_lexicon_terms(lexicon, label_id) if lexicon else [])
    try:
        labels = ExamplesStore(db).add_label(label_id, name_zh, description, seed)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"label set: {', '.join(labels.ids)}; {len(labels[label_id].terms)} seed terms for {label_id}. Add examples, then retrain.")


@themes.command("rename")
@click.argument("old")
@click.argument("new")
@db_option
def themes_rename(old, new, db) -> None:
    """Rename label OLD to NEW, in the label set and in every stored example."""
    from service.examples.store import ExamplesStore

    try:
        ExamplesStore(db).rename_label(old, new)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"renamed {old} to {new}")


@themes.command("remove")
@click.argument("label_id", metavar="ID")
@db_option
def themes_remove(label_id, db) -> None:
    """Remove theme ID from the label set (refused while stored examples use it)."""
    from service.examples.store import ExamplesStore

    try:
        labels = ExamplesStore(db).remove_label(label_id)
    except (ValueError, KeyError) as exc:
        raise click.ClickException(exc.args[0] if isinstance(exc, ValueError) else f"no label {label_id!r}") from None
    click.echo(f"label set: {', '.join(labels.ids)}")


@examples.command("list")
@click.option("--label", default=None, help="Only this label.")
@db_option
def examples_list(label, db) -> None:
    """One line per stored example."""
    from service.examples.store import ExamplesStore

    for ex in ExamplesStore(db).examples(label=label):
        click.echo(f"{ex.id}\t{ex.label}\t{','.join(ex.themes)}\t{(ex.title or ex.text)[:40]}")


@examples.command("export")
@click.option("-o", "--output", default="-", help="JSONL file (default: standard output).")
@db_option
def examples_export(output, db) -> None:
    """Stored examples as JSONL (the training-data format, with source, author and time)."""
    from service.examples.store import ExamplesStore

    lines = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in ExamplesStore(db).rows())
    if output == "-":
        click.echo(lines, nl=False)
    else:
        Path(output).write_text(lines, encoding="utf-8")


@examples.command("remove")
@click.argument("ids", nargs=-1, required=True)
@db_option
def examples_remove(ids, db) -> None:
    """Delete stored examples by id."""
    from service.examples.store import ExamplesStore

    click.echo(f"removed {ExamplesStore(db).remove(ids)} examples")


def _write_jsonl(rows: list[dict], output: str) -> None:
    """Rows as JSON lines to the file ``output``, or standard output for ``-``."""
    lines = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    if output == "-":
        click.echo(lines, nl=False)
    else:
        Path(output).write_text(lines, encoding="utf-8")


@examples.command("suggest")
@click.argument("inputs", nargs=-1, required=True)
@click.option("-n", "count", default=50, show_default=True, type=click.IntRange(min=1), help="How many articles to suggest.")
@click.option("-o", "--output", default="-", help="JSONL file to write (default: standard output).")
@click.option("--label", default=None, help="Find candidates of this label (a theme of your own, even one the model lacks), plus the least certain.")
@db_option
@model_option
def examples_suggest(inputs, count, output, label, db, model_dir) -> None:
    """Pick the articles of unlabeled INPUTS whose labels would teach the model most.

    With --label, most picks are the articles most likely of that label, judged from the
    model (when it knows the label), the label's seed terms and its stored examples.
    """
    from service.batch.inputs import InputError, check_inputs, read_records
    from service.examples.store import ExamplesStore
    from service.examples.suggest import suggest, suggest_for_label

    try:
        check_inputs(list(inputs))
    except InputError as exc:
        raise click.ClickException(str(exc)) from None
    records = [r for r in read_records(list(inputs)) if r.error is None]
    model = _load(model_dir)
    if label is None:
        picked = suggest(records, model, count)
    else:
        store = ExamplesStore(db)
        labels = store.label_set()
        if label not in labels and label not in model.labels:
            raise click.ClickException(f"unknown label {label!r}; add it first: zonedigest themes add {label} --name-zh ... --terms ...")
        terms = labels[label].terms if label in labels else ()
        try:
            picked = suggest_for_label(records, model, count, label, terms, store.examples(label=label))
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
    _write_jsonl(picked, output)
    click.echo(f"suggested {len(picked)} articles to label", err=True)


@examples.command("review")
@click.option("--label", required=True, help="A label of the store's set, usually one just added (zonedigest themes add).")
@click.option("-n", "count", default=30, show_default=True, type=click.IntRange(min=1), help="How many examples to review.")
@click.option("-o", "--output", default="-", help="JSONL file to write (default: standard output).")
@click.option("--from", "from_labels", multiple=True, default=("other",), show_default=True, help="Review examples with this label (repeat for more).")
@click.option("--data", "data", multiple=True, type=click.Path(exists=True, path_type=Path), help="Training data (default: the repository's training/data).")
@db_option
@model_option
def examples_review(label, count, from_labels, output, data, db, model_dir) -> None:
    """Examples labeled before LABEL existed that most likely belong to it, to correct.

    Training uses the repository's examples and the stored ones; those labeled ``other`` (or
    another theme) before a theme of your own was added may now be of it. Correct ``label`` and
    ``themes`` in the file where they are, then ``zonedigest examples add FILE --replace``: a
    stored example replaces the repository's when the model is trained.
    """
    from service.examples.store import ExamplesStore
    from service.examples.suggest import review_for_label
    from training.data import DataError
    from training.retrain import gather_examples

    store = ExamplesStore(db)
    labels = store.label_set()
    for name in (label, *from_labels):
        if name not in labels:
            raise click.ClickException(f"unknown label {name!r}; the store's labels are {', '.join(labels.ids)} (zonedigest themes add ...)")
    try:
        examples_now, _, _ = gather_examples(list(data) or None, store.path)
        seeds = [e for e in examples_now if e.label == label]
        rows = review_for_label(examples_now, _load(model_dir), count, label, labels[label].terms, seeds, tuple(from_labels))
    except (DataError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    _write_jsonl(rows, output)
    click.echo(f"{len(rows)} examples to review for {label}: correct label and themes, then zonedigest examples add FILE --replace", err=True)


@cli.command()
@click.argument("data", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--html", "html_path", type=click.Path(path_type=Path), default=None, help="Also write an HTML report.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@model_option
def evaluate(data: tuple[Path, ...], html_path: Path | None, as_json: bool, model_dir: Path | None) -> None:
    """Evaluate a model on labeled DATA (JSONL/CSV with id, title?, text, label, themes)."""
    from training.data import DataError, load_examples
    from training.evaluate import evaluate as run_evaluation
    from training.evaluate import format_text, write_html

    model = _load(model_dir)
    try:
        examples = load_examples(*data, labels=model.labels)
    except DataError as exc:
        raise click.ClickException(str(exc)) from None
    report = run_evaluation(model, examples)
    name = ", ".join(p.name for p in data)
    click.echo(json.dumps(report, ensure_ascii=False, indent=2) if as_json else format_text(report, name))
    if html_path:
        write_html(report, html_path, name)
        click.echo(f"wrote {html_path}", err=True)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--workers", default=None, type=click.IntRange(min=1), help="Worker processes (default: one per core).")
@click.option("--get", "get_path", default=None, help="Build the app, answer one GET for this path, print it and exit (1 unless 200).")
@model_option
def serve(host: str, port: int, workers: int | None, get_path: str | None, model_dir: Path | None) -> None:
    """Serve the REST API and web page under gunicorn (model loaded before workers fork)."""
    from service.api.settings import SettingsError
    from service.model.artifact import ModelError

    config = {"MODEL_DIR": str(model_dir)} if model_dir else {}
    try:
        if get_path:
            from service.api.app import create_app

            response = create_app(config).test_client().get(get_path)
            click.echo(response.get_data(as_text=True))
            sys.exit(0 if response.status_code == 200 else 1)
        import os
        import tempfile

        # prometheus_client's multiprocess mode: every worker's metrics in one folder, chosen before it is imported
        os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="zonedigest-metrics-"))
        from service.api.server import serve as run_server

        run_server(host, port, workers, config)
    except (ModelError, SettingsError) as exc:
        raise click.ClickException(f"{exc} — start aborted") from None


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="zonedigest")
