"""HTTP throughput and latency of POST /v1/analyze against a trivial JSON echo on the same server.

Usage: python benchmarks/http.py [--seconds 20] [--connections 16] [--workers N]

Starts `zonedigest serve` (gunicorn, same settings for both routes, ECHO_ROUTE on),
measures start-to-ready time, then drives each route with wrk (Debian package `wrk`)
using real 500-1,500-character stories from archive_xwlb, alternating the routes for
several rounds, and prints the median run's req/s, p50, p99 and the analyze/echo ratio.
"""

from __future__ import annotations

import os
import sys

# This file is named like the standard library's http package: import that first,
# with this folder off the path, then put the folder back for _common.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _HERE]
import urllib.request  # noqa: E402

sys.path.insert(0, _HERE)

import argparse  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from _common import ROOT, archive  # noqa: E402

LUA = """
local bodies = {%s}
local i = 0
request = function()
  i = i %% #bodies + 1
  return wrk.format("POST", "%s", {["Content-Type"] = "application/json"}, bodies[i])
end
"""


def lua_string(text: str) -> str:
    return "[==[" + text + "]==]"


def start_server(port: int, workers: int) -> tuple[subprocess.Popen, float]:
    env = {**os.environ, "ZONEDIGEST_ECHO_ROUTE": "1", "ZONEDIGEST_LOG_LEVEL": "WARNING"}
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "service", "serve", "--port", str(port), "--workers", str(workers)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1):
                return process, time.perf_counter() - started
        except OSError:
            if process.poll() is not None or time.perf_counter() - started > 60:
                sys.exit("server did not start")
            time.sleep(0.02)


def wrk(url: str, path: str, bodies: list[str], seconds: int, connections: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False, encoding="utf-8") as f:
        f.write(LUA % (",".join(lua_string(b) for b in bodies), path))
        script = f.name
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    Path(script).unlink()

    def ms(label: str) -> float:
        value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": ms("50%"),
        "p99": ms("99%"),
        "errors": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "none",
    }


def median_run(runs: list[dict]) -> dict:
    """The run with the median throughput."""
    return sorted(runs, key=lambda r: r["rps"])[len(runs) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--port", type=int, default=8799)
    parser.add_argument("--rounds", type=int, default=3, help="Runs of each route, alternating; the median is shown.")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk not found: apt-get install wrk")
    stories = [r for r in archive("archive_xwlb.jsonl.gz", 20000) if 500 <= len(r["text"]) <= 1500][:300]
    bodies = [json.dumps({"title": r.get("title", ""), "text": r["text"]}, ensure_ascii=False) for r in stories]
    process, ready = start_server(args.port, args.workers)
    try:
        url = f"http://127.0.0.1:{args.port}"
        wrk(url, "/v1/analyze", bodies[:20], 2, args.connections)  # warm-up
        runs: dict[str, list[dict]] = {"analyze": [], "echo": []}
        for _ in range(args.rounds):  # alternate, so that a noisy stretch of the shared machine hits both
            runs["analyze"].append(wrk(url, "/v1/analyze", bodies, args.seconds, args.connections))
            runs["echo"].append(wrk(url, "/v1/echo", bodies, args.seconds, args.connections))
        analyze, echo = (median_run(runs[name]) for name in ("analyze", "echo"))
    finally:
        process.terminate()
        process.wait(timeout=20)
    chars = sum(len(r["text"]) for r in stories) / len(stories)
    print(
        f"server: gunicorn, {args.workers} workers x 4 threads (gthread); client: wrk -t2 -c{args.connections} -d{args.seconds}s, "
        f"{args.rounds} alternating runs per route, the median shown"
    )
    print(f"bodies: {len(stories)} real stories of 500-1,500 characters (mean {chars:.0f})")
    print(f"start to ready: {ready:.2f} s")
    for name, r in (("POST /v1/analyze", analyze), ("POST /v1/echo", echo)):
        print(
            f"  {name:<17} {r['rps']:8.1f} req/s   p50 {r['p50']:7.2f} ms   p99 {r['p99']:7.2f} ms   non-2xx {r['errors']}   socket errors {r['socket_errors']}"
        )
    print(f"  analyze / echo throughput: {analyze['rps'] / echo['rps']:.2f}")


if __name__ == "__main__":
    main()
