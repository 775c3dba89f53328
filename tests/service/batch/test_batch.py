"""The batch scorer: input shapes, encodings, output formats, resume after SIGKILL, Dask."""

import csv
import gzip
import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest

from service.batch.inputs import Columns, read_records
from service.batch.runner import BatchOptions, run_batch
from tests.conftest import ROOT, SEED

ARTICLES = [
    ("a1", "某市举办招商推介会", "某市在深圳举办招商推介会，现场签约项目12个，总投资86亿元。"),
    ("a2", "", "今年以来，全省新建高标准农田300万亩，粮食播种面积稳定在1.2亿亩以上。"),
    ("a3", "光伏电站并网", "西部某省首个百万千瓦级光伏基地全容量并网发电，年发电量可达20亿千瓦时。"),
    ("a4", "高校毕业生招聘会", "某市举办高校毕业生专场招聘会，500家企业提供岗位1.2万个。"),
]


def write_jsonl(path, rows, opener=open):
    with opener(path, "wt", encoding="utf-8") as f:
        for row in rows:
            f.write((row if isinstance(row, str) else json.dumps(row, ensure_ascii=False)) + "\n")
    return path


def run(inputs, tmp_path, name="out.jsonl", **kwargs):
    out = tmp_path / name
    stats = run_batch([str(p) for p in inputs], BatchOptions(output=str(out), **kwargs))
    return stats, out


def rows_of(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_jsonl_gz_csv_and_text_directory_give_the_same_themes(tmp_path):
    records = [{"id": i, "title": t, "text": x} for i, t, x in ARTICLES]
    jsonl = write_jsonl(tmp_path / "in.jsonl.gz", records, gzip.open)
    with open(tmp_path / "in.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["key", "headline", "body"])
        writer.writerows(ARTICLES)
    folder = tmp_path / "docs"
    (folder / "sub").mkdir(parents=True)
    for i, _, text in ARTICLES:
        (folder / ("sub" if i == "a4" else "") / f"{i}.txt").write_text(text, encoding="utf-8")
    _, from_jsonl = run([jsonl], tmp_path, "j.jsonl")
    _, from_csv = run([tmp_path / "in.csv"], tmp_path, "c.jsonl", columns=Columns("key", "headline", "body"))
    _, from_dir = run([folder], tmp_path, "d.jsonl")
    themes = [r["theme"] for r in rows_of(from_jsonl)]
    assert themes == ["investment", "agriculture", "energy", "talent"]
    assert [r["theme"] for r in rows_of(from_csv)] == themes
    by_id = {r["id"]: r["theme"] for r in rows_of(from_dir)}
    assert by_id == {"a1.txt": "investment", "a2.txt": "agriculture", "a3.txt": "energy", "sub/a4.txt": "talent"}


def test_gbk_and_bom_files_score_like_their_utf8_twin(tmp_path):
    text = SEED.read_text(encoding="utf-8")
    (tmp_path / "utf8").mkdir()
    (tmp_path / "gbk").mkdir()
    (tmp_path / "utf8" / "b.txt").write_text(text, encoding="utf-8")
    (tmp_path / "gbk" / "b.txt").write_bytes(text.encode("gb18030"))
    (tmp_path / "gbk" / "bom.txt").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    _, utf8 = run([tmp_path / "utf8"], tmp_path, "u.jsonl", split=True)
    _, gbk = run([tmp_path / "gbk"], tmp_path, "g.jsonl", split=True)
    utf8_rows = rows_of(utf8)
    gbk_rows = [r for r in rows_of(gbk) if r["id"].startswith("b.txt")]
    bom_rows = [r for r in rows_of(gbk) if r["id"].startswith("bom.txt")]
    assert len(utf8_rows) == 8 and utf8_rows[4]["id"] == "b.txt#5"
    strip = lambda rows: [{k: v for k, v in r.items() if k != "id"} for r in rows]  # noqa: E731
    assert strip(gbk_rows) == strip(utf8_rows) == strip(bom_rows)


def test_bad_records_are_reported_and_the_run_goes_on(tmp_path):
    lines = [json.dumps({"id": "ok", "text": ARTICLES[0][2]}, ensure_ascii=False), "{broken", json.dumps({"id": "e"}), json.dumps({"id": "n", "text": 5})]
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "bad.txt").write_bytes(b"\xff\xfe\x00\x81\xff")
    (tmp_path / "docs" / "empty.txt").write_text("  ", encoding="utf-8")
    stats, out = run([write_jsonl(tmp_path / "in.jsonl", lines), tmp_path / "docs"], tmp_path)
    rows = rows_of(out)
    assert [r["id"] for r in rows] == ["ok", "in.jsonl:2", "e", "n", "bad.txt", "empty.txt"]
    assert [r.get("error", "").split(":")[0] for r in rows] == ["", "invalid_json", "missing_field", "wrong_type", "undecodable_text", "empty_text"]
    assert (stats.scored, stats.errors) == (1, 5)


def test_csv_output_with_chosen_fields(tmp_path):
    jsonl = write_jsonl(tmp_path / "in.jsonl", [{"id": i, "text": x, "date": "20240101"} for i, _, x in ARTICLES])
    _, out = run([jsonl], tmp_path, "out.csv", fmt="csv", fields=("theme", "themes", "confidence", "date"))
    table = list(csv.DictReader(open(out, encoding="utf-8")))
    assert list(table[0]) == ["id", "theme", "themes", "confidence", "date", "error"]
    assert table[0]["theme"] == "investment" and table[0]["date"] == "20240101" and float(table[0]["confidence"]) > 0.5


def test_asking_for_themes_only_skips_the_summaries(tmp_path, monkeypatch):
    from service.summary.summarizer import Summarizer

    def refuse(*args, **kwargs):
        raise AssertionError("a summary was made")

    monkeypatch.setattr(Summarizer, "summarize", refuse)
    jsonl = write_jsonl(tmp_path / "in.jsonl", [{"id": i, "text": x} for i, _, x in ARTICLES])
    _, out = run([jsonl], tmp_path, "themes.jsonl", fields=("theme", "themes", "evidence"), workers=1)
    assert [r["theme"] for r in rows_of(out)] == ["investment", "agriculture", "energy", "talent"]
    with pytest.raises(AssertionError, match="a summary was made"):
        run([jsonl], tmp_path, "summaries.jsonl", fields=("theme", "keywords"), workers=1)


def test_workers_keep_input_order(tmp_path):
    records = [{"id": f"r{n}", "text": ARTICLES[n % 4][2] + f"第{n}条。"} for n in range(60)]
    jsonl = write_jsonl(tmp_path / "in.jsonl", records)
    _, one = run([jsonl], tmp_path, "one.jsonl", workers=1, chunk_size=7)
    _, two = run([jsonl], tmp_path, "two.jsonl", workers=2, chunk_size=7)
    assert one.read_bytes() == two.read_bytes()
    assert [r["id"] for r in rows_of(two)] == [f"r{n}" for n in range(60)]


def score_command(*args):
    return [sys.executable, "-m", "service", "score", *map(str, args)]


def start_then_kill(command: list, committed, kill_after: int, extra_delay: float) -> None:
    """Run ``command``; SIGKILL it once ``committed()`` reaches ``kill_after`` records, plus ``extra_delay`` s."""
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline and committed() < kill_after:
        assert process.poll() is None, "the run ended before it could be killed"
        time.sleep(0.01)
    time.sleep(extra_delay)
    assert process.poll() is None, "the run ended before it could be killed"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


@pytest.mark.parametrize("third", [0, 1, 2])
def test_sigkill_at_a_random_point_then_resume_gives_the_uninterrupted_output(tmp_path, third):
    """Killed once a seeded random number of records is done (one run in each third of the
    input), plus a random fraction of a chunk's time, so the kill lands anywhere: mid-chunk,
    mid-write, mid-checkpoint. benchmarks/soak.py kills ten more runs at random moments."""
    rng = random.Random(third + 1)
    kill_after_records, extra_delay = rng.randint(1 + 566 * third, 566 * (third + 1)), rng.uniform(0.0, 0.08)
    records = [{"id": f"r{n}", "title": ARTICLES[n % 4][1], "text": ARTICLES[n % 4][2] + f"编号{n}。"} for n in range(2000)]
    jsonl = write_jsonl(tmp_path / "in.jsonl", records)
    reference = tmp_path / "reference.jsonl"
    subprocess.run(score_command(jsonl, "-o", reference, "--workers", "1", "--chunk-size", "50"), cwd=ROOT, check=True, capture_output=True)

    out = tmp_path / "out.jsonl"
    progress = tmp_path / "out.jsonl.progress.json"

    def committed() -> int:
        try:
            return json.loads(progress.read_text())["records"]
        except (OSError, ValueError):
            return 0

    start_then_kill(score_command(jsonl, "-o", out, "--workers", "2", "--chunk-size", "50"), committed, kill_after_records, extra_delay)
    assert not out.exists() and progress.exists()

    again = subprocess.run(score_command(jsonl, "-o", out), cwd=ROOT, capture_output=True, text=True)
    assert again.returncode != 0 and "--resume" in again.stderr  # no silent restart over an interrupted run
    resumed = subprocess.run(score_command(jsonl, "-o", out, "--resume", "--workers", "2", "--chunk-size", "50"), cwd=ROOT, capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    assert "resumed after" in resumed.stderr and "scored 2000, errors 0" in resumed.stderr
    assert out.read_bytes() == reference.read_bytes()
    assert not progress.exists() and not (tmp_path / "out.jsonl.partial").exists()


def test_dask_local_cluster_gives_the_same_bytes(tmp_path):
    pytest.importorskip("dask.distributed")
    records = [{"id": f"r{n}", "text": ARTICLES[n % 4][2] + f"第{n}条。", "date": "20240102"} for n in range(120)]
    jsonl = write_jsonl(tmp_path / "in.jsonl", records)
    _, local = run([jsonl], tmp_path, "local.jsonl", workers=2, chunk_size=25)
    _, dask = run([jsonl], tmp_path, "dask.jsonl", workers=2, chunk_size=25, engine="dask")
    assert dask.read_bytes() == local.read_bytes()


def test_read_records_orders_directory_entries(tmp_path):
    for name in ("b.txt", "a.md", "c.bin"):
        (tmp_path / name).write_text("内容。", encoding="utf-8")
    assert [r.id for r in read_records([str(tmp_path)])] == ["a.md", "b.txt"]


def test_unusable_arguments_fail_with_a_message(tmp_path):
    missing = subprocess.run(score_command(tmp_path / "nope.jsonl", "-o", tmp_path / "o.jsonl"), cwd=ROOT, capture_output=True, text=True)
    assert missing.returncode != 0 and "cannot open input" in missing.stderr and "Traceback" not in missing.stderr
    odd = tmp_path / "data.bin"
    odd.write_bytes(b"x")
    unknown = subprocess.run(score_command(odd), cwd=ROOT, capture_output=True, text=True)
    assert unknown.returncode != 0 and "expected .jsonl" in unknown.stderr


def test_large_jsonl_encodings_are_detected_per_file(tmp_path):
    # Long enough that the first 64 KB end inside a character; one UTF-8 gz file, one GBK file.
    records = [{"id": f"r{n}", "text": ARTICLES[n % 4][2] * 3} for n in range(800)]
    utf8 = write_jsonl(tmp_path / "u.jsonl.gz", records, gzip.open)
    gbk = tmp_path / "g.jsonl"
    gbk.write_bytes("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("gb18030"))
    texts_utf8 = [r.text for r in read_records([str(utf8)])]
    texts_gbk = [r.text for r in read_records([str(gbk)])]
    assert texts_utf8 == texts_gbk == [r["text"] for r in records]


def test_a_damaged_gzip_input_is_one_unreadable_record_not_a_crash(tmp_path):
    from service.batch.inputs import read_records

    path = tmp_path / "damaged.jsonl.gz"
    path.write_bytes(b"\x1f\x8b\x08\x00" + bytes(range(256)))
    (record,) = list(read_records([str(path)]))
    assert record.error.startswith("unreadable_input") and record.source == "damaged.jsonl.gz"
