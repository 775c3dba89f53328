"""Load and fuzz generators for a live server, shared by tests/reliability and benchmarks/soak.py.

``LiveServer`` serves a copy of the shipped model from a folder of its own; ``mixed_load`` runs N
clients of analyze / batch / feedback requests and records every answer; ``retrain_under_load``
starts a training in the middle of one; ``fuzz_requests`` yields seeded hostile requests.
None of them decides what passes: callers assert (tests) or print (benchmarks).
"""

from __future__ import annotations

import http.client
import json
import os
import random
import shutil
import socket
import string
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

LABELS = ("talent", "investment", "energy", "agriculture", "other")
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A TCP port of 127.0.0.1 nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(args: list[str], env: dict, log_path: Path) -> subprocess.Popen:
    """``zonedigest serve ARGS`` in a subprocess; its log goes to a file (a pipe nobody reads would
    fill up and block the server)."""
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "service", "serve", *args], cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=log
        )
    process.log_path = str(log_path)
    return process


def wait_ready(url: str, process: subprocess.Popen, timeout: float = 60.0) -> float:
    """Seconds until ``url`` answers 200; RuntimeError, with the log's end, if the process exits
    or time runs out."""
    import urllib.request

    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if process.poll() is not None:
            log = Path(getattr(process, "log_path", "") or "")
            detail = log.read_text(errors="replace")[-2000:] if log.is_file() else ""
            raise RuntimeError(f"server exited with {process.returncode}: {detail}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return time.perf_counter() - start
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"server not ready at {url} after {timeout} s")


def copy_shipped_model(target: Path) -> Path:
    """A copy of the shipped model version at ``target``, its metadata naming it ``target.name``
    (so that a copy served as v1 answers ``model_version`` v1 and a version trained beside it v2)."""
    from service.model.artifact import resolve_model_dir

    shutil.copytree(resolve_model_dir(ROOT / "models"), target)
    meta = json.loads((target / "metadata.json").read_text(encoding="utf-8"))
    meta["version"] = target.name
    (target / "metadata.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return target


class LiveServer:
    """``zonedigest serve`` on a free port of 127.0.0.1, serving a copy of the shipped model (as
    ``v1``) with its own examples store and log under ``root``; never the repository's models/."""

    def __init__(self, root: Path, workers: int = 2, env: dict | None = None) -> None:
        self.root, self.models, self.db, self.log = root, root / "models", root / "z.db", root / "server.log"
        self.models.mkdir(parents=True)
        copy_shipped_model(self.models / "v1")
        (self.models / "CURRENT").write_text("v1\n")
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {"ZONEDIGEST_MODEL_DIR": str(self.models), "ZONEDIGEST_DB_PATH": str(self.db), **(env or {})}
        self.process = start_server(["--port", str(self.port), "--workers", str(workers)], env, self.log)

    def wait_ready(self, timeout: float = 60.0) -> float:
        """Seconds until /readyz answers 200; RuntimeError if the server exits or never answers."""
        return wait_ready(self.base + "/readyz", self.process, timeout)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=15)

    def __enter__(self) -> LiveServer:
        try:
            self.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


@dataclass
class Answer:
    """One request as the client saw it."""

    kind: str
    status: int  # 0: no HTTP answer (connection error)
    seconds: float
    body: dict | None = None
    error: str = ""


@dataclass
class LoadResult:
    """Every answer of a mixed load, per client, and the feedback rows acknowledged."""

    answers: list[list[Answer]]
    feedback_ids: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def flat(self) -> list[Answer]:
        return [a for client in self.answers for a in client]

    def failures(self) -> list[Answer]:
        """Answers that are not 2xx."""
        return [a for a in self.flat() if not 200 <= a.status < 300]


class Client:
    """A keep-alive HTTP/1.1 connection that reopens after the server closes it."""

    def __init__(self, base: str, timeout: float = 60.0) -> None:
        parts = urlsplit(base)
        self.host, self.port, self.timeout = parts.hostname, parts.port, timeout
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> tuple[int, bytes]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            self.conn.request(method, path, body=body, headers=headers or {})
            response = self.conn.getresponse()
            data = response.read()
            if response.will_close:
                self.close()
            return response.status, data
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def post_json(client: Client, path: str, payload, headers: dict | None = None) -> tuple[int, dict | None]:
    status, data = client.request("POST", path, json.dumps(payload, ensure_ascii=False).encode(), {"Content-Type": "application/json", **(headers or {})})
    try:
        return status, json.loads(data)
    except ValueError:
        return status, None


def mixed_load(
    base: str,
    texts: list[str],
    *,
    clients: int = 16,
    seconds: float = 60.0,
    token: str = "",
    seed: int = 0,
    keep_going: Callable[[], bool] | None = None,
    mix: tuple[float, float, float] = (0.6, 0.2, 0.2),
) -> LoadResult:
    """``clients`` threads sending analyze / batch (2-20 items) / feedback requests in proportions
    ``mix`` for ``seconds``, and for as long after as ``keep_going()`` is true.

    Every feedback text is unique (its id is ``load-<client>-<n>``), so each acknowledged one must
    be a row of its own in the store.
    """
    result = LoadResult([[] for _ in range(clients)])
    lock = threading.Lock()
    start = time.perf_counter()
    auth = {"Authorization": f"Bearer {token}"} if token else {}

    def run(k: int) -> None:
        rng, client, answers = random.Random(seed * 1000 + k), Client(base), result.answers[k]
        n = 0
        while time.perf_counter() - start < seconds or (keep_going is not None and keep_going()):
            n += 1
            pick = rng.random()
            t = time.perf_counter()
            try:
                if pick < mix[0]:
                    kind, (status, body) = "analyze", post_json(client, "/v1/analyze", {"text": rng.choice(texts)})
                elif pick < mix[0] + mix[1]:
                    items = [{"id": i, "text": rng.choice(texts)} for i in range(rng.randint(2, 20))]
                    kind, (status, body) = "batch", post_json(client, "/v1/analyze/batch", {"items": items})
                else:
                    example_id = f"load-{k}-{n}"
                    text = f"{rng.choice(texts)}（读者反馈{example_id}）"
                    kind, (status, body) = "feedback", post_json(client, "/v1/feedback", {"id": example_id, "text": text, "label": rng.choice(LABELS)}, auth)
                    if status == 201:
                        with lock:
                            result.feedback_ids.append(example_id)
                answers.append(Answer(kind, status, time.perf_counter() - t, body))
            except Exception as exc:  # noqa: BLE001 - every failure is recorded, none ends the client
                answers.append(Answer("error", 0, time.perf_counter() - t, None, f"{type(exc).__name__}: {exc}"))
        client.close()

    threads = [threading.Thread(target=run, args=(k,), daemon=True) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.seconds = time.perf_counter() - start
    return result


@dataclass
class RetrainRun:
    """A mixed load with a training started in its middle."""

    load: LoadResult
    job: dict
    train_seconds: float  # from POST /v1/train to the job's end
    switch_seconds: float  # from the job's end to /readyz naming the new version


def retrain_under_load(server: LiveServer, texts: list[str], token: str, *, clients: int = 16, seconds: float = 60.0, train_after: float = 3.0) -> RetrainRun:
    """Run ``mixed_load`` and, ``train_after`` seconds in, a forced training through the API; the
    load goes on for ``seconds``, and at least until the new model has answered for 2 s."""
    promoted_at: list[float] = []
    load: dict = {}

    def keep_going() -> bool:
        return not promoted_at or time.perf_counter() - promoted_at[0] < 2.0

    def run_load() -> None:
        load["result"] = mixed_load(server.base, texts, clients=clients, seconds=seconds, token=token, keep_going=keep_going)

    runner = threading.Thread(target=run_load)
    runner.start()
    client = Client(server.base)
    job: dict = {}
    train_seconds = switch_seconds = float("nan")
    try:
        time.sleep(train_after)
        started = time.perf_counter()
        status, job = post_json(client, "/v1/train", {"force": True}, {"Authorization": f"Bearer {token}"})
        if status != 202:
            raise RuntimeError(f"POST /v1/train answered {status}: {job}")
        status_url = job["status_url"]
        while (job := json.loads(client.request("GET", status_url)[1]))["status"] in ("queued", "running") and time.perf_counter() - started < 300:
            time.sleep(0.5)
        ended = time.perf_counter()
        train_seconds = ended - started
        while job.get("promoted") and json.loads(client.request("GET", "/readyz")[1])["model_version"] != job["version"] and time.perf_counter() - ended < 30:
            time.sleep(0.05)
        switch_seconds = time.perf_counter() - ended
    finally:
        promoted_at.append(time.perf_counter())
        runner.join()
        client.close()
    return RetrainRun(load["result"], job, train_seconds, switch_seconds)


def _random_json(rng: random.Random, depth: int = 0):
    roll = rng.random()
    if depth > 3 or roll < 0.4:
        return rng.choice([None, True, False, rng.randint(-(2**70), 2**70), rng.uniform(-1e308, 1e308), _random_text(rng, 40)])
    if roll < 0.7:
        return [_random_json(rng, depth + 1) for _ in range(rng.randint(0, 5))]
    keys = ["text", "title", "items", "label", "themes", "id", "max_chars", "max_sentences", "examples", "force", _random_text(rng, 8)]
    return {rng.choice(keys): _random_json(rng, depth + 1) for _ in range(rng.randint(0, 5))}


NASTY = [
    "\x00\x01\x02\x1b[31m",
    "<script>alert(1)</script><p>招商引资签约12亿元</p>",
    "😀🚀🔥" * 50,
    "國務院辦公廳印發關於優化營商環境的意見，推動人才公寓建設。",
    "only english text, no chinese at all.",
    "1234567890 " * 100,
    "\u200b\ufeff\u202e\ud800",
    "。" * 500,
    "\n\n\n",
]


def _random_text(rng: random.Random, size: int) -> str:
    roll = rng.random()
    if roll < 0.3:
        return rng.choice(NASTY)
    if roll < 0.6:
        return "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(rng.randint(0, size)))
    if roll < 0.8:
        return "".join(chr(rng.randint(0, 0x2FFFF)) for _ in range(rng.randint(0, size)))
    return "".join(rng.choice(string.printable) for _ in range(rng.randint(0, size)))


POSTS = ("/v1/analyze", "/v1/classify", "/v1/summarize", "/v1/analyze/batch", "/v1/split", "/v1/examples", "/v1/feedback")
GETS = ("/v1/themes", "/v1/model", "/healthz", "/readyz", "/metrics", "/openapi.json", "/", "/v1/train/nope", "/v1/%00", "/../../etc/passwd")


def fuzz_requests(seed: int, count: int, texts: list[str], token: str = "", max_body_bytes: int = 1 << 20) -> Iterator[tuple[str, str, bytes | None, dict]]:
    """``count`` seeded hostile requests (method, path, body, headers): arbitrary JSON, wrong
    types, huge and deeply nested bodies, invalid UTF-8, control characters, HTML, emoji,
    traditional Chinese, no Chinese, wrong media types and methods, oversized bodies.

    With ``token``, write requests sometimes carry it, so bodies reach the examples store;
    /v1/train and /v1/model/reload never get it (fuzzing must not start trainings).
    """
    rng = random.Random(seed)
    json_type = {"Content-Type": "application/json"}
    for _ in range(count):
        roll = rng.random()
        path = rng.choice(POSTS)
        headers = dict(json_type)
        if token and path in ("/v1/examples", "/v1/feedback") and rng.random() < 0.5:
            headers["Authorization"] = f"Bearer {token}"
        if roll < 0.30:
            body = json.dumps(_random_json(rng)).encode()
        elif roll < 0.55:  # well-formed shapes with hostile values
            text = rng.choice(texts) if rng.random() < 0.3 else _random_text(rng, 3000)
            payload = rng.choice(
                [
                    {"text": text, "title": _random_json(rng)},
                    {"text": text, "max_chars": rng.choice([0, -1, 10**12, "120", None, 1.5])},
                    {"items": [{"text": text}, _random_json(rng), {"id": [1], "text": text}]},
                    {"text": text, "label": rng.choice(LABELS + ("sport", "", None))},
                    {"examples": [{"id": _random_text(rng, 10), "text": text, "label": rng.choice(LABELS)}]},
                    {"text": _random_json(rng)},
                ]
            )
            body = json.dumps(payload, ensure_ascii=rng.random() < 0.5).encode("utf-8", "surrogatepass")  # lone surrogates: invalid UTF-8
        elif roll < 0.65:  # invalid UTF-8 and raw bytes
            body = b'{"text": "' + os.urandom(rng.randint(1, 200)) + b'"}' if rng.random() < 0.5 else os.urandom(rng.randint(0, 500))
        elif roll < 0.72:  # deep nesting
            depth = rng.choice([100, 1000, 100_000])
            leaf = b'"\\ud800"' if depth == 1000 else b'"x"'  # a lone surrogate 1,000 levels down
            body = (b"[" * depth + leaf + b"]" * depth) if rng.random() < 0.5 else (b'{"text":' * depth + leaf + b"}" * depth)
        elif roll < 0.77:  # huge strings: near and over the body limit
            size = rng.choice([max_body_bytes // 2, max_body_bytes + 1000])
            body = json.dumps({"text": "招商引资" * (size // 12)}, ensure_ascii=False).encode()
        elif roll < 0.85:  # wrong media type, empty body
            headers = {"Content-Type": rng.choice(["text/plain", "application/x-www-form-urlencoded", "multipart/form-data", ""])}
            body = rng.choice([b"", b"text=abc", json.dumps({"text": rng.choice(texts)}).encode()])
        elif roll < 0.93:  # GETs, odd paths
            yield "GET", rng.choice(GETS), None, {}
            continue
        else:  # wrong methods
            yield rng.choice(["PUT", "DELETE", "PATCH", "GET"]), rng.choice(POSTS), b"{}", json_type
            continue
        yield "POST", path, body, headers


def send_oversized(base: str, path: str, body: bytes, headers: dict) -> int:
    """POST a body over the limit the way a careful client does: the server answers 413 from the
    announced length and closes, maybe before the body is sent, so read its answer even when
    sending fails (http.client gives up on the broken pipe and never reads it)."""
    port = int(base.rsplit(":", 1)[1])
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        try:
            sock.sendall(f"POST {path} HTTP/1.1\r\nHost: x\r\n{head}Content-Length: {len(body)}\r\n\r\n".encode() + body)
        except (BrokenPipeError, ConnectionResetError):
            pass
        answer = b""
        try:
            while b"\r\n" not in answer and (chunk := sock.recv(4096)):
                answer += chunk
        except ConnectionResetError:
            pass
    return int(answer.split()[1]) if answer.startswith(b"HTTP/1.1 ") else 0


def fuzz_load(
    base: str,
    requests: Iterator[tuple[str, str, bytes | None, dict]],
    *,
    clients: int = 16,
    max_body_bytes: int = 1 << 20,
    on_answer: Callable[[int], None] | None = None,
) -> list[Answer]:
    """Send ``requests`` from ``clients`` keep-alive connections; every answer, in the order they came.
    ``on_answer(n)`` is called (under a lock) after the n-th answer."""
    lock = threading.Lock()
    answers: list[Answer] = []

    def run() -> None:
        client = Client(base, timeout=60)
        while True:
            with lock:
                request = next(requests, None)
            if request is None:
                break
            method, path, body, headers = request
            t = time.perf_counter()
            try:
                if len(body or b"") > max_body_bytes:
                    status, error = send_oversized(base, path, body, headers), ""
                else:
                    status, error = client.request(method, path, body, headers)[0], ""
            except Exception as exc:  # noqa: BLE001 - recorded as a failure
                status, error = 0, f"{type(exc).__name__} ({len(body or b'')} bytes)"
            with lock:
                answers.append(Answer(f"{method} {path}", status, time.perf_counter() - t, None, error))
                if on_answer is not None:
                    on_answer(len(answers))
        client.close()

    threads = [threading.Thread(target=run) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def process_tree_rss(pid: int) -> dict[int, int]:
    """Resident memory in bytes of ``pid`` and its children (Linux /proc)."""
    found = {}
    queue = [pid]
    while queue:
        current = queue.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        rss = next((int(line.split()[1]) * 1024 for line in status.splitlines() if line.startswith("VmRSS:")), 0)
        found[current] = rss
        queue.extend(int(c) for c in children)
    return found
