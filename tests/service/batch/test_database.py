"""Batch output into a SQLite database: rows, the Chinese full-text index, resume after
SIGKILL, and datasette serving it."""

import asyncio
import json
import random
import sqlite3
import subprocess

import pytest

from service.batch.runner import BatchError, BatchOptions, run_batch
from tests.conftest import ROOT, SEED
from tests.service.batch.test_batch import ARTICLES, run, score_command, start_then_kill, write_jsonl

COLUMNS = ("seq", "id", "date", "title", "theme", "confidence", "themes", "summary", "keywords", "source", "model_version", "error")


def mixed_inputs(tmp_path, n_records=40):
    """A folder of every kind (the seed bulletin as text, PDF, Word and a GBK web page, articles as
    text, a scanned PDF), and a JSONL file with one bad line."""
    from tests.service.documents import make_files

    make_files.require_font()
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "bulletin.txt").write_bytes(SEED.read_bytes())
    seed = make_files.seed()
    (folder / "bulletin.pdf").write_bytes(make_files.bulletin_pdf(make_files.seed_paragraphs(seed)))
    (folder / "bulletin.docx").write_bytes(make_files.bulletin_docx(make_files.seed_sections(seed)))
    headline, body = make_files.seed_sections(seed)[4]
    (folder / "page.html").write_bytes(make_files.article_html(" ".join(headline), body, charset="gbk"))
    (folder / "scan.pdf").write_bytes(make_files.image_pdf())
    for i, (_, title, text) in enumerate(ARTICLES):
        (folder / "sub" / f"{i}.txt").write_text(f"{title}\n\n{text}" if title else text, encoding="utf-8")
    records = [
        {"id": f"r{n}", "title": ARTICLES[n % 4][1], "text": ARTICLES[n % 4][2] + f"编号{n}。", "date": f"2024-03-{1 + n % 28:02d}"} for n in range(n_records)
    ]
    jsonl = write_jsonl(tmp_path / "archive.jsonl", records[:3] + ["{not json"] + records[3:])
    return [folder, jsonl]


def table(path) -> list[tuple]:
    with sqlite3.connect(path) as db:
        return db.execute(f"SELECT {', '.join(COLUMNS)} FROM results ORDER BY seq").fetchall()


def test_database_rows_match_the_jsonl_output_in_order_and_search_finds_chinese_words(tmp_path, seed_text):
    inputs = mixed_inputs(tmp_path)
    _, jsonl = run(inputs, tmp_path, "scored.jsonl", workers=1, split=True)
    _, db_path = run(inputs, tmp_path, "scored.db", workers=2, chunk_size=7, split=True, fmt="sqlite")
    expected = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    rows = table(db_path)
    assert [r[1] for r in rows] == [e["id"] for e in expected]
    assert [r[0] for r in rows] == list(range(1, len(expected) + 1))
    for row, want in zip(rows, expected):
        record = dict(zip(COLUMNS, row))
        assert record["theme"] == want.get("theme") and record["error"] == want.get("error")
        assert record["summary"] == want.get("summary") and record["date"] == want.get("date")
        if record["error"] is None:
            assert json.loads(record["themes"]) == want["themes"] and record["confidence"] == pytest.approx(want["confidence"])
            assert json.loads(record["keywords"]) == [k["term"] for k in want["keywords"]]
    sources = {r[1]: r[9] for r in rows}
    assert sources["bulletin.txt#5"] == "bulletin.txt" and sources["sub/0.txt#1"] == "sub/0.txt" and sources["r0"] == "archive.jsonl"
    by_id = {r[1]: dict(zip(COLUMNS, r)) for r in rows}
    for kind in ("pdf", "docx"):  # the same bulletin in every format: the same articles, themes and summaries
        for n in range(1, 9):
            a, b = by_id[f"bulletin.txt#{n}"], by_id[f"bulletin.{kind}#{n}"]
            assert (a["title"], a["theme"], a["summary"]) == (b["title"], b["theme"], b["summary"]), (kind, n)
    assert by_id["page.html#1"]["theme"] == by_id["bulletin.txt#5"]["theme"] and by_id["page.html#1"]["summary"] == by_id["bulletin.txt#5"]["summary"]
    assert by_id["scan.pdf"]["error"].startswith("no_text_layer") and by_id["scan.pdf"]["theme"] is None

    with sqlite3.connect(db_path) as db:
        query = "SELECT id, theme FROM results WHERE seq IN (SELECT rowid FROM results_fts WHERE results_fts MATCH ?) ORDER BY seq"
        found = db.execute(query, ["源网荷储"]).fetchall()
        ids = ["bulletin.txt#5", "bulletin.pdf#5", "bulletin.docx#5", "page.html#1"]  # the seed's Shuozhou new-energy docking meeting
        assert sorted(found) == sorted((i, "investment") for i in ids)
        farmland = db.execute("SELECT count(*) FROM results_fts WHERE results_fts MATCH ?", ["高标准农田"]).fetchone()[0]
        assert farmland == sum("高标准农田" in ARTICLES[n % 4][2] for n in range(40)) + 1 + 4 * ("高标准农田" in seed_text)  # JSONL rows, sub/1.txt
        assert db.execute("SELECT count(*) FROM results_fts WHERE results_fts MATCH ?", ["火星基地"]).fetchone()[0] == 0
        assert not db.execute("SELECT name FROM sqlite_master WHERE name = '_progress'").fetchall()
    assert not (tmp_path / "scored.db.partial").exists()


def test_database_output_needs_a_file():
    with pytest.raises(BatchError, match="needs an output file"):
        run_batch([str(SEED)], BatchOptions(output="-", fmt="sqlite"))


def test_cli_picks_sqlite_from_the_file_name(tmp_path):
    out = tmp_path / "seed.db"
    done = subprocess.run(score_command(SEED, "--split", "-o", out, "--workers", "1"), cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert len(table(out)) == 8


def committed_records(partial) -> int:
    try:
        with sqlite3.connect(f"file:{partial}?mode=ro", uri=True, timeout=0.1) as db:
            return int(db.execute("SELECT value FROM _progress WHERE key = 'records'").fetchone()[0])
    except (sqlite3.Error, TypeError):
        return 0


def test_sigkill_then_resume_into_the_database_gives_the_uninterrupted_rows(tmp_path):
    rng = random.Random(7)
    inputs = mixed_inputs(tmp_path, n_records=1500)
    kill_after, extra_delay = rng.randint(100, 1200), rng.uniform(0.0, 0.08)
    reference = tmp_path / "reference.db"
    subprocess.run(score_command(*inputs, "--split", "-o", reference, "--workers", "1", "--chunk-size", "50"), cwd=ROOT, check=True, capture_output=True)

    out = tmp_path / "scored.db"
    partial = tmp_path / "scored.db.partial"
    command = score_command(*inputs, "--split", "-o", out, "--workers", "2", "--chunk-size", "50")
    start_then_kill(command, lambda: committed_records(partial), kill_after, extra_delay)
    assert not out.exists() and partial.exists()

    again = subprocess.run(score_command(*inputs, "--split", "-o", out), cwd=ROOT, capture_output=True, text=True)
    assert again.returncode != 0 and "--resume" in again.stderr
    resumed = subprocess.run(score_command(*inputs, "--split", "-o", out, "--resume", "--chunk-size", "50"), cwd=ROOT, capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    assert "resumed after" in resumed.stderr
    assert table(out) == table(reference)
    with sqlite3.connect(out) as db:
        assert db.execute("SELECT count(*) FROM results_fts WHERE results_fts MATCH '源网荷储'").fetchone()[0] == 4  # each file's copy once, not twice
    assert not partial.exists()


def test_datasette_serves_the_table_with_search_and_a_theme_facet(tmp_path):
    datasette = pytest.importorskip("datasette.app")
    _, db_path = run(mixed_inputs(tmp_path), tmp_path, "scored.db", workers=1, split=True, fmt="sqlite")

    async def get(path):
        response = await datasette.Datasette([str(db_path)]).client.get(path)
        assert response.status_code == 200, response.text
        return response.json()

    found = asyncio.run(get("/scored/results.json?_search=源网荷储&_shape=objects"))
    assert sorted(row["id"] for row in found["rows"]) == ["bulletin.docx#5", "bulletin.pdf#5", "bulletin.txt#5", "page.html#1"]
    faceted = asyncio.run(get("/scored/results.json?_facet=theme&_facet=date&_shape=objects&_size=0"))
    counts = {item["value"]: item["count"] for item in faceted["facet_results"]["theme"]["results"]}
    with sqlite3.connect(db_path) as db:
        assert counts == dict(db.execute("SELECT theme, count(*) FROM results WHERE theme IS NOT NULL GROUP BY theme").fetchall())
    assert faceted["facet_results"]["date"]["results"]
