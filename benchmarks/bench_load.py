"""HTTP load on POST /search: concurrent clients on loopback for a fixed time; requests/s, p50/p95 latency, errors.

    python benchmarks/bench_load.py [--seconds 60] [--clients 8] [--workers 1] [--index DIR | --url http://127.0.0.1:PORT]

Without --url it starts ``python -m matcher.api`` (the same server as
``matcher serve``) as a subprocess on 127.0.0.1 and a free port, with the
rate limiter off, over --index (if it holds no index yet, the 6,787-trial
shared corpus is built there, or into a temporary directory without --index), and stops it
with SIGTERM at the end. Each client is a thread with one keep-alive
connection that posts the 50 TREC 2022 patient topics in turn until the time
is up. Only loopback addresses are accepted.
"""
from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from common import TREC, corpus_index, interpreter, percentile

from matcher.evaluation import read_topics

TOPICS = TREC / "topics.jsonl"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(host: str, port: int, timeout: float, proc: subprocess.Popen | None = None) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise SystemExit(f"the server exited with code {proc.returncode}")
        try:
            conn = http.client.HTTPConnection(host, port, timeout=5)
            conn.request("GET", "/health")
            response = conn.getresponse()
            body = response.read()
            conn.close()
            if response.status == 200:
                return json.loads(body)
        except OSError:
            pass
        time.sleep(0.25)
    raise SystemExit(f"no healthy server on {host}:{port} after {timeout:.0f} s")


def tree_rss_mb(pid: int) -> tuple[float, int]:
    """Resident memory (MB) of process ``pid`` and all its descendants, and how many they are (Linux /proc)."""
    total, count, todo = 0.0, 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")) / 1024
            count += 1
            for task in Path(f"/proc/{current}/task").iterdir():
                todo.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, StopIteration, ValueError):
            continue
    return total, count


class Client(threading.Thread):
    """One keep-alive connection posting topics until ``deadline`` (a bounded loop)."""

    def __init__(self, n: int, host: str, port: int, bodies: list[bytes], deadline: float):
        super().__init__(name=f"client-{n}", daemon=True)
        self.host, self.port, self.bodies, self.deadline = host, port, bodies, deadline
        self.offset = n * 7  # clients start at different topics
        self.latencies: list[float] = []
        self.errors: dict[str, int] = {}

    def run(self) -> None:
        conn = None
        i = self.offset
        while time.monotonic() < self.deadline:
            body = self.bodies[i % len(self.bodies)]
            i += 1
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
                started = time.perf_counter()
                conn.request("POST", "/search", body, {"Content-Type": "application/json"})
                response = conn.getresponse()
                response.read()
                elapsed = (time.perf_counter() - started) * 1000
                if response.status == 200:
                    self.latencies.append(elapsed)
                else:
                    self.errors[str(response.status)] = self.errors.get(str(response.status), 0) + 1
            except (OSError, http.client.HTTPException) as exc:
                self.errors[type(exc).__name__] = self.errors.get(type(exc).__name__, 0) + 1
                if conn is not None:
                    conn.close()
                conn = None
        if conn is not None:
            conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long the clients run")
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads")
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--index", type=Path, default=None, help="index for the server this script starts")
    parser.add_argument("--url", default=None, help="use a running server on loopback instead of starting one")
    parser.add_argument("--topics", type=Path, default=TOPICS)
    parser.add_argument("--workers", type=int, default=1, help="server processes (matcher serve --workers)")
    args = parser.parse_args()
    if not 0 < args.seconds <= 3600 or not 1 <= args.clients <= 256:
        parser.error("--seconds must be in (0, 3600] and --clients in [1, 256]")

    bodies = [json.dumps({"text": text, "top": args.top}).encode() for _, text in read_topics(args.topics)]
    proc = None
    server_rss = None
    stack = contextlib.ExitStack()
    if args.url:
        parts = urlsplit(args.url)
        if parts.hostname not in LOOPBACK:
            parser.error("--url must be a loopback address (127.0.0.1, localhost, ::1)")
        host, port = parts.hostname, parts.port or 80
    else:
        path = stack.enter_context(corpus_index(args.index))
        host, port = "127.0.0.1", free_port()
        proc = subprocess.Popen(
            [sys.executable, "-m", "matcher.api", "--host", host, "--port", str(port), "--index", str(path),
             "--rate-limit", "0", "--log-level", "warning", "--workers", str(args.workers)],
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    try:
        health = wait_healthy(host, port, timeout=300, proc=proc)
        # one request first so that caches are warm before the clock starts
        warm = Client(0, host, port, bodies[:1], time.monotonic() + 0.001)
        warm.run()

        print(f"server:   http://{host}:{port} ({health['trials']} trials, {health['generation']})"
              f"{' started by this script' if proc else ''}; rate limit off")
        print(f"python:   {interpreter()}")
        print(f"load:     {args.clients} clients x {args.seconds:.0f} s, {len(bodies)} TREC 2022 topics, top {args.top}"
              f"; {os.cpu_count()} CPUs shared by clients and server", flush=True)
        started = time.monotonic()
        deadline = started + args.seconds
        clients = [Client(n, host, port, bodies, deadline) for n in range(args.clients)]
        for c in clients:
            c.start()
        for c in clients:
            c.join(args.seconds + 120)
        elapsed = time.monotonic() - started
        server_rss = tree_rss_mb(proc.pid) if proc is not None else None
    finally:
        if proc is not None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        stack.close()

    latencies = [ms for c in clients for ms in c.latencies]
    errors: dict[str, int] = {}
    for c in clients:
        for kind, n in c.errors.items():
            errors[kind] = errors.get(kind, 0) + n
    n_errors = sum(errors.values())
    print(f"requests: {len(latencies) + n_errors} in {elapsed:.1f} s ({len(latencies)} ok)")
    print(f"rate:     {len(latencies) / elapsed:.1f} requests/s")
    if latencies:
        print(f"latency:  p50 {percentile(latencies, 0.5):.0f} ms, p95 {percentile(latencies, 0.95):.0f} ms, "
              f"p99 {percentile(latencies, 0.99):.0f} ms, mean {statistics.fmean(latencies):.0f} ms, "
              f"max {max(latencies):.0f} ms")
    if server_rss:
        print(f"server RSS: {server_rss[0]:.0f} MB in {server_rss[1]} processes (after the load)")
    print(f"errors:   {n_errors}" + (f" ({', '.join(f'{k}: {v}' for k, v in sorted(errors.items()))})" if errors else ""))
    if proc is not None:  # uvicorn re-raises SIGTERM after its graceful shutdown, hence -15
        how = "stopped by SIGTERM after a graceful shutdown" if proc.returncode in (0, -signal.SIGTERM) else f"exit code {proc.returncode}"
        print(f"server:   {how}")
    return 1 if n_errors else 0


if __name__ == "__main__":
    sys.exit(main())
