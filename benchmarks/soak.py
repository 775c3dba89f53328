"""Soak: the long versions of tests/reliability, against a real server and real batch runs.

fuzz   N hostile requests (default 10,000) from 16 clients: failures (5xx or no answer),
       p50/p99, status counts, server RSS at start, after warm-up and at the end.
load   16 clients of analyze / batch / feedback for --load-seconds (default 60) with a
       training started 20 s in and promoted: failures, p99 per kind, feedback rows
       acknowledged and stored, training and switch time.
kills  --kills scoring runs of 3,000 regional articles, each SIGKILLed at a seeded random
       moment and resumed: is every output identical to an uninterrupted run's?

python benchmarks/soak.py [--only fuzz,load,kills] [--requests 10000] [--load-seconds 60] [--kills 10]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from _common import ROOT, SHARED, archive

from tests.reliability.loadgen import Client, LiveServer, fuzz_load, fuzz_requests, process_tree_rss, retrain_under_load

TOKEN = "soak-token"
MAX_BODY = 1 << 20


def mib(n: float) -> str:
    return f"{n / 2**20:.0f} MiB"


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=1000)[int(q * 1000) - 1] if len(values) > 1 else (values or [float("nan")])[0]


def story_texts(n: int) -> list[str]:
    return [r["text"] for r in archive("archive_xwlb.jsonl.gz", 4000) if 300 <= len(r["text"]) <= 3000][:n]


def soak_fuzz(count: int, clients: int, root: Path) -> None:
    texts = story_texts(200)
    env = {"ZONEDIGEST_TOKEN": TOKEN, "ZONEDIGEST_MAX_BODY_BYTES": str(MAX_BODY), "ZONEDIGEST_LOG_LEVEL": "WARNING"}
    with LiveServer(root / "fuzz", workers=2, env=env) as server:
        time.sleep(2.0)  # both workers up, not only the first that answered
        rss = {"start": sum(process_tree_rss(server.process.pid).values())}
        samples: list[tuple[int, int]] = []

        def sample(done: int) -> None:
            if done % 1000 == 0:
                samples.append((done, sum(process_tree_rss(server.process.pid).values())))

        start = time.perf_counter()
        answers = fuzz_load(server.base, fuzz_requests(7, count, texts, TOKEN, MAX_BODY), clients=clients, max_body_bytes=MAX_BODY, on_answer=sample)
        wall = time.perf_counter() - start
        alive = server.process.poll() is None and Client(server.base).request("GET", "/readyz")[0] == 200
        rss["end"] = sum(process_tree_rss(server.process.pid).values())
        log = server.log.read_text(errors="replace")
        tracebacks = log.count("Traceback")
        if tracebacks:
            print(log[log.index("Traceback") - 300 :][:3000])
    statuses = Counter(a.status for a in answers)
    failures = [a for a in answers if a.status == 0 or a.status >= 500]
    latencies = [a.seconds * 1000 for a in answers]
    warm = samples[0][1] if samples else rss["start"]
    print(f"fuzz: {len(answers)} requests from {clients} clients in {wall:.1f} s ({len(answers) / wall:.0f} req/s), 2 workers")
    print(f"  failures (5xx or no answer): {len(failures)}   server alive and ready after: {alive}   tracebacks in its log: {tracebacks}")
    for a in failures[:5]:
        print(f"    {a.status} {a.kind} {a.error}")
    print(f"  latency p50 {percentile(latencies, 0.5):.1f} ms   p99 {percentile(latencies, 0.99):.1f} ms")
    print("  statuses: " + ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items())))
    print(f"  server RSS (master + workers): start {mib(rss['start'])}, after 1,000 requests {mib(warm)}, end {mib(rss['end'])}")
    print("  RSS every 1,000 requests: " + " ".join(mib(r) for _, r in samples))
    print(f"  growth from after 1,000 requests to the end: {(rss['end'] - warm) / warm * 100:+.1f}%")


def soak_load(seconds: float, clients: int, root: Path) -> None:
    texts = story_texts(300)
    with LiveServer(root / "load", workers=2, env={"ZONEDIGEST_TOKEN": TOKEN, "ZONEDIGEST_LOG_LEVEL": "WARNING"}) as server:
        rss_start = sum(process_tree_rss(server.process.pid).values())
        run = retrain_under_load(server, texts, TOKEN, clients=clients, seconds=seconds, train_after=20.0)
        rss_end = sum(p for pid, p in process_tree_rss(server.process.pid).items())
        alive = server.process.poll() is None
        tracebacks = server.log.read_text(errors="replace").count("Traceback")
        with sqlite3.connect(server.db) as conn:
            stored = {row[0] for row in conn.execute("SELECT id FROM examples WHERE source = 'feedback'")}
    answers = run.load.flat()
    failures = run.load.failures()
    print(f"load: {clients} clients, {len(answers)} requests in {run.load.seconds:.1f} s ({len(answers) / run.load.seconds:.0f} req/s), 2 workers")
    print(f"  training job: {run.job.get('status')}, promoted {run.job.get('promoted')} as {run.job.get('version')}: {run.train_seconds:.1f} s under load;")
    print(f"    /readyz named it {run.switch_seconds:.2f} s after the job ended")
    print(f"  failures: {len(failures)}   server alive: {alive}   tracebacks in its log: {tracebacks}")
    for a in failures[:5]:
        print(f"    {a.kind} {a.status} {a.error or a.body}")
    for kind in ("analyze", "batch", "feedback"):
        ms = [a.seconds * 1000 for a in answers if a.kind == kind]
        print(f"  {kind:8} {len(ms):6} requests   p50 {percentile(ms, 0.5):6.1f} ms   p99 {percentile(ms, 0.99):7.1f} ms")
    acknowledged = set(run.load.feedback_ids)
    print(f"  feedback rows acknowledged {len(acknowledged)}, stored {len(stored)}, missing {len(acknowledged - stored)}")
    switches = []
    for client in run.load.answers:
        seen = [a.body["model_version"] for a in client if a.kind != "feedback" and a.body]
        switches.append(sum(1 for a, b in zip(seen, seen[1:]) if a != b))
    print(f"  model switches per client: {Counter(switches)}   server RSS start {mib(rss_start)}, end {mib(rss_end)}")


def soak_kills(kills: int, root: Path) -> None:
    folder = root / "kills"
    folder.mkdir()
    source = folder / "in.jsonl.gz"
    with gzip.open(source, "wt", encoding="utf-8") as f:
        for record in archive("archive_rmrb.jsonl.gz", 3000):
            f.write(json.dumps({"id": record["id"], "title": record["title"], "text": record["text"]}, ensure_ascii=False) + "\n")
    score = [sys.executable, "-m", "service", "score", str(source), "--workers", "2", "--chunk-size", "100"]
    reference = folder / "reference.jsonl"
    start = time.perf_counter()
    subprocess.run([*score, "-o", str(reference)], cwd=ROOT, check=True, capture_output=True)
    wall = time.perf_counter() - start
    rng = random.Random(11)
    identical = 0
    print(f"kills: 3,000 regional articles; an uninterrupted run takes {wall:.1f} s")
    for k in range(kills):
        out = folder / f"out{k}.jsonl"
        delay = rng.uniform(0.05, 0.95) * wall
        process = subprocess.Popen([*score, "-o", str(out)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(delay)
        finished_first = process.poll() is not None
        if not finished_first:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        progress = Path(f"{out}.progress.json")
        done = json.loads(progress.read_text())["records"] if progress.exists() else "none"
        if finished_first:
            same = out.read_bytes() == reference.read_bytes()
            print(f"  run {k + 1}: finished before the kill; output identical: {same}")
        else:
            resumed = subprocess.run([*score, "-o", str(out), "--resume"], cwd=ROOT, capture_output=True, text=True)
            same = resumed.returncode == 0 and out.read_bytes() == reference.read_bytes()
            print(f"  run {k + 1}: killed at {delay:.2f} s, {done} records checkpointed; resumed: exit {resumed.returncode}, output identical: {same}")
        identical += same
    print(f"  identical after resume: {identical} of {kills}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="fuzz,load,kills", help="comma-separated: fuzz, load, kills")
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--load-seconds", type=float, default=60.0)
    parser.add_argument("--kills", type=int, default=10)
    args = parser.parse_args()
    if not SHARED.is_dir():
        sys.exit(f"{SHARED} not found: the soak reads ../shared beside the checkout")
    with tempfile.TemporaryDirectory(prefix="zonedigest-soak-") as tmp:
        root = Path(tmp)
        parts = set(args.only.split(","))
        if "fuzz" in parts:
            soak_fuzz(args.requests, args.clients, root)
        if "load" in parts:
            soak_load(args.load_seconds, args.clients, root)
        if "kills" in parts:
            soak_kills(args.kills, root)


if __name__ == "__main__":
    main()
