"""Learning from an unlabeled archive: reading it, its errors, its topics, and a model that uses them."""

import gzip
import json

import numpy as np
import pytest
from click.testing import CliRunner

from service.cli import cli
from service.model.archive import ArchiveTopics
from service.model.artifact import sha256_file
from service.model.classifier import load_model
from service.model.features import PrepareDocuments, compose
from training.data import DATA_DIR, load_examples
from training.train import train_model
from training.unlabeled import ArchiveError, learn_archive, read_unlabeled


@pytest.fixture(scope="module")
def examples():
    return load_examples(DATA_DIR)


@pytest.fixture(scope="module")
def archive(tmp_path_factory, examples):
    """An archive of 400 articles as a user's batch input: gzipped JSONL with ids, titles and texts."""
    path = tmp_path_factory.mktemp("archive") / "news.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        for n, ex in enumerate(examples[::4][:400]):
            f.write(json.dumps({"id": f"a{n}", "title": ex.title or "", "text": ex.text}, ensure_ascii=False) + "\n")
    return path


def test_reads_an_archive_less_the_excluded_ids(tmp_path, archive):
    exclude = tmp_path / "exclude.txt"
    exclude.write_text("# held out\na0\na1\na2\n", encoding="utf-8")
    got = read_unlabeled([archive], exclude)
    assert len(got.docs) == 397
    (entry,) = got.corpus["files"]
    assert entry == {"file": "news.jsonl.gz", "sha256": sha256_file(archive), "records": 400, "used": 397, "excluded": 3, "unreadable": 0}
    assert got.corpus["exclude_ids"]["ids"] == 3 and got.corpus["articles_excluded"] == 3


def test_the_archive_is_cut_with_the_seed_terms_the_model_will_keep_whole(tmp_path):
    texts = [f"园区第{n}条碳化硅衬底片生产线投产，带动配套企业落户。" for n in range(120)]
    for n, text in enumerate(texts):
        (tmp_path / f"{n:03}.txt").write_text(text, encoding="utf-8")
    assert "碳化硅衬底片" in read_unlabeled([tmp_path], terms=("碳化硅衬底片",)).docs[0].body
    assert "碳化硅衬底片" not in read_unlabeled([tmp_path]).docs[0].body


def test_a_folder_of_text_files_is_an_archive_too(tmp_path, examples):
    for n, ex in enumerate(examples[:120]):
        (tmp_path / f"{n:03}.txt").write_text(ex.text, encoding="utf-8")
    got = read_unlabeled([tmp_path])
    assert len(got.docs) == 120 and got.corpus["files"][0]["used"] == 120


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("broken.jsonl.gz", b"\x1f\x8b\x08\x00garbage that is no gzip stream", "cannot be read"),
        ("empty.jsonl", b"", "holds no article"),
        ("utf16.jsonl", "\n".join(json.dumps({"id": str(n), "text": "开发区招商引资项目签约" * 5}) for n in range(200)).encode("utf-16"), "encoding"),
        ("few.jsonl", "\n".join(json.dumps({"id": str(n), "text": "开发区招商引资项目签约"}, ensure_ascii=False) for n in range(20)).encode(), "at least 100"),
    ],
)
def test_an_unusable_archive_is_refused_before_training(tmp_path, name, content, fragment):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ArchiveError, match=fragment):
        read_unlabeled([path])


def test_exclusions_that_leave_nothing_are_refused(tmp_path, archive):
    exclude = tmp_path / "all.txt"
    exclude.write_text("\n".join(f"a{n}" for n in range(400)), encoding="utf-8")
    with pytest.raises(ArchiveError, match="400 of 400 are excluded"):
        read_unlabeled([archive], exclude)


def test_a_missing_archive_is_refused(tmp_path):
    with pytest.raises(ArchiveError, match="no such file"):
        read_unlabeled([tmp_path / "nowhere.jsonl"])


def test_topics_bring_articles_on_one_subject_together(archive, examples):
    (words, topics), info = learn_archive(read_unlabeled([archive]).docs, n_topics=40, min_df=2)
    assert isinstance(topics, ArchiveTopics) and info["topics"] == 40 and info["vocabulary"] > 1000
    prepare = PrepareDocuments()
    by_label = {}
    for ex in examples[1::4]:  # articles the topics were not learned from
        by_label.setdefault(ex.label, []).append(prepare.transform([compose(ex.title, ex.text)])[0])
    rows = {label: topics.transform(docs[:30]).toarray() for label, docs in by_label.items()}
    assert all(np.allclose(np.linalg.norm(r, axis=1), 1.0) for r in rows.values())
    centroids = {label: r.mean(axis=0) for label, r in rows.items()}
    for label, r in rows.items():  # each article is nearer its own label's centroid than others', on the whole
        nearest = np.array([max(centroids, key=lambda c: row @ centroids[c]) for row in r])
        assert (nearest == label).mean() > 0.5, label


def test_a_model_that_learned_from_an_archive_records_it_and_scores_alike_both_ways(tmp_path, archive, examples):
    small = [ex for label in ("talent", "investment", "energy", "agriculture", "other") for ex in examples if ex.label == label][::6]
    result = train_model(small, tmp_path / "v-archive", folds=3, unlabeled=read_unlabeled([archive]), command="zonedigest train --unlabeled news.jsonl.gz")
    meta = result.metadata
    assert meta["format_version"] == 2 and meta["command"] == "zonedigest train --unlabeled news.jsonl.gz"
    assert meta["unlabeled"]["articles_used"] == 400 and meta["unlabeled"]["files"][0]["sha256"] == sha256_file(archive)
    model = load_model(tmp_path / "v-archive")
    views = dict(model.pipeline.named_steps["features"].transformer_list)
    assert isinstance(views["topics"], ArchiveTopics) and views["archive"].vocabulary is views["topics"].vocabulary
    docs = [compose(ex.title, ex.text) for ex in examples[2::50]]
    one_by_one = [model.predict([d])[0].scores for d in docs]  # the compiled scorer
    together = [p.scores for p in model.predict(docs * 2)[: len(docs)]]  # the Pipeline (more than 16 documents)
    for a, b in zip(one_by_one, together):
        assert a == pytest.approx(b, abs=2e-4)


def test_train_command_refuses_a_bad_archive_and_leaves_the_live_model(tmp_path):
    models = tmp_path / "models"
    models.mkdir()
    (models / "CURRENT").write_text("v1\n", encoding="utf-8")
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes("\n".join(["not json"] * 300).encode())
    result = CliRunner().invoke(cli, ["train", "--models", str(models), "--unlabeled", str(bad)])
    assert result.exit_code != 0 and "bad.jsonl" in result.output and "Traceback" not in result.output
    assert (models / "CURRENT").read_text(encoding="utf-8") == "v1\n" and sorted(p.name for p in models.iterdir()) == ["CURRENT"]


def test_salience_learned_from_editors_picks_is_stored_and_used(tmp_path, archive, examples):
    from service.analyzer import Analyzer
    from service.summary.salience import Salience
    from service.text.sentences import split_sentences

    texts = {f"a{n}": (ex.title, ex.text) for n, ex in enumerate(examples[::4][:400])}
    picks = tmp_path / "picks.jsonl"
    rows = []
    for article_id, (_, text) in list(texts.items())[:60]:  # editors who always take the sentence with the most digits
        sentences = [s.text for s in split_sentences(text, split_long=False) if not s.boilerplate]
        best = max(range(len(sentences)), key=lambda i: (sum(c.isdigit() for c in sentences[i]), -i))
        anchors = {str(best): sentences[best][:8]}
        rows.append({"id": article_id, "part": "learn", "sentences": len(sentences), "A": [best], "B": [best], "anchors": anchors})
    picks.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    small = [ex for label in ("talent", "investment", "energy", "agriculture", "other") for ex in examples if ex.label == label][::6]
    unlabeled = read_unlabeled([archive], keep_ids={r["id"] for r in rows})
    result = train_model(small, tmp_path / "v-salience", folds=3, unlabeled=unlabeled, editor_picks=picks)
    learned = result.metadata["salience"]
    assert learned["learned_from"]["articles"] == 60 and learned["learned_from"]["picked"] >= 60
    salience = Salience.from_json(learned)
    numbers = dict(zip(salience.features, salience.coef))
    assert numbers["facts"] > 0  # what these editors favour
    analyzer = Analyzer(load_model(tmp_path / "v-salience"))
    assert analyzer.summarizer.salience == salience
    text = "市里召开会议研究工作。会议强调要高度重视。全年新建项目36个，总投资128亿元，新增就业岗位5600个。与会人员进行了交流。"
    assert "128亿元" in analyzer.analyze(text, max_chars=40)["summary"]
    assert Salience.from_json({**learned, "features": ["another"]}) is None and Salience.from_json(None) is None
