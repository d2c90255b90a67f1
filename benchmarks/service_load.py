"""Load on the HTTP API: requests per second and latency percentiles, plus memory over a long run.

Starts ``verifier serve`` on 127.0.0.1 (or uses ``--url``, loopback only), then for each
endpoint sends a fixed number of requests over ``--concurrency`` keep-alive connections
(opened before the clock starts; each sends its next request as soon as the last answer
arrived: a closed loop, so exactly ``--concurrency`` requests are in flight) and reports throughput, p50,
p90, p99 and max latency and any non-200 answers. Request bodies come from the
evaluation data: ``/v1/check`` cycles through distinct domains, phone numbers and handles
(dnstwist permutations, reported fakes, benign negatives), ``/v1/scan`` through the dev
messages. With ``--memory-requests N`` it also sends N check requests and samples the
server's resident memory (all its processes) as it goes.

The client is a minimal asyncio protocol speaking HTTP/1.1 (pre-encoded requests,
Content-Length framing) so that it costs the shared CPU as little as possible; it runs in
this process, the server in its own. Its own CPU time is printed: on 2 cores it competes
with the server.

    .venv/bin/python benchmarks/service_load.py [--requests 20000] [--concurrency 200]
        [--workers 1] [--memory-requests 100000] [--url http://127.0.0.1:8080]
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import cycle
from pathlib import Path
from typing import cast
from urllib.parse import urlsplit

from evaldata import DEV_DIR, NEGATIVES, load_negatives, load_perms, nproc

HERE = Path(__file__).resolve().parent
P99_TARGET_MS = 20.0


@dataclass
class Run:
    endpoint: str
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    seconds: float = 0.0
    client_cpu: float = 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000

    @property
    def errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status != 200)


def check_bodies() -> list[bytes]:
    """Distinct values in a realistic mix: mostly unrelated domains, some lookalikes and fakes."""
    values: list[dict[str, str]] = [{"value": n.domain} for n in load_negatives(NEGATIVES)]
    values += [{"value": p.domain} for p in load_perms(DEV_DIR)[::4]]
    with (DEV_DIR / "fake_channels.jsonl").open(encoding="utf-8") as f:
        for record in map(json.loads, f):
            item = {"value": record["value"]}
            if record.get("kind") == "handle" and record.get("platform"):
                item["platform"] = record["platform"]
            values.append(item)
    values.sort(key=lambda v: hash(v["value"]) % 9973)  # interleave the sources, deterministically
    return [json.dumps(v, ensure_ascii=False).encode() for v in values]


def scan_bodies() -> list[bytes]:
    with (DEV_DIR / "messages.jsonl").open(encoding="utf-8") as f:
        texts = [r["text"] for r in map(json.loads, f) if r.get("text")]
    return [json.dumps({"text": t}, ensure_ascii=False).encode() for t in texts]


def encode(host: str, port: int, path: str, body: bytes) -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


class _Connection(asyncio.Protocol):
    """One keep-alive connection: sends a request, reads the answer, sends the next."""

    def __init__(
        self, requests: Iterator[bytes], run: Run, left: list[int], done: asyncio.Future[None]
    ) -> None:
        self.requests, self.run, self.left, self.done = requests, run, left, done
        self.buffer = b""
        self.started = 0.0
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's transports are not subclasses

    def send_next(self) -> None:
        assert self.transport is not None
        if self.left[0] <= 0:
            self.transport.close()
            if not self.done.done():
                self.done.set_result(None)
            return
        self.left[0] -= 1
        self.started = time.perf_counter()
        self.transport.write(next(self.requests))

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return
        head = self.buffer[:end]
        length = 0
        for line in head.split(b"\r\n")[1:]:
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        if len(self.buffer) < end + 4 + length:
            return
        self.run.latencies.append(time.perf_counter() - self.started)
        status = int(head[9:12])
        self.run.statuses[status] = self.run.statuses.get(status, 0) + 1
        self.buffer = self.buffer[end + 4 + length :]
        self.send_next()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.left[0] > 0 and not self.done.done():
            self.done.set_exception(ConnectionError(f"the server closed a connection: {exc}"))


async def burst(
    host: str, port: int, path: str, bodies: Sequence[bytes], count: int, concurrency: int
) -> Run:
    """Send ``count`` requests to ``path`` over ``concurrency`` connections; time them."""
    loop = asyncio.get_running_loop()
    requests = cycle([encode(host, port, path, b) for b in bodies])
    run = Run(path)
    left = [count]
    finished: list[asyncio.Future[None]] = []
    connections: list[_Connection] = []

    def connection() -> _Connection:
        finished.append(loop.create_future())
        connections.append(_Connection(requests, run, left, finished[-1]))
        return connections[-1]

    for _ in range(concurrency):  # all connections open before the clock starts
        await loop.create_connection(connection, host, port)
    start = time.perf_counter()
    cpu = time.process_time()
    for each in connections:
        each.send_next()
    await asyncio.gather(*finished)
    run.seconds = time.perf_counter() - start
    run.client_cpu = time.process_time() - cpu
    return run


def rss_kib(pid: int) -> int:
    """Resident memory of a process and its children (uvicorn workers), from /proc."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "VERIFIER_STATE_DIR": tempfile.mkdtemp(prefix="verifier-load-")}
    command = [sys.executable, "-m", "verifier", "serve", "--port", str(port), "--workers", str(workers)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start within 60 s")


def loopback(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname or not ipaddress.ip_address(parts.hostname).is_loopback:
        raise SystemExit(f"--url must be http://127.0.0.1:PORT or another loopback address, not {url}")
    return parts.hostname, parts.port or 80


def report(run: Run, concurrency: int) -> None:
    n = len(run.latencies)
    print(
        f"{run.endpoint:<10} {n:>7,} requests  {n / run.seconds:>8,.0f} req/s  "
        f"p50 {run.percentile(50):6.1f} ms  p90 {run.percentile(90):6.1f} ms  "
        f"p99 {run.percentile(99):6.1f} ms  max {max(run.latencies) * 1000:6.1f} ms  "
        f"mean {statistics.fmean(run.latencies) * 1000:5.1f} ms  "
        f"non-200: {run.errors}  client CPU {run.client_cpu / run.seconds:.0%}  (concurrency {concurrency})"
    )


async def measure(args: argparse.Namespace, host: str, port: int, server_pid: int | None) -> int:
    checks, scans = check_bodies(), scan_bodies()
    await burst(host, port, "/v1/check", checks, 2000, 20)  # warm-up: connections, caches, JIT-free paths
    await burst(host, port, "/v1/scan", scans, 200, 20)
    failed = 0
    check_run = await burst(host, port, "/v1/check", checks, args.requests, args.concurrency)
    report(check_run, args.concurrency)
    scan_run = await burst(host, port, "/v1/scan", scans, max(1, args.requests // 10), args.concurrency)
    report(scan_run, args.concurrency)
    failed += check_run.errors + scan_run.errors
    p99 = check_run.percentile(99)
    print(
        f"target: /v1/check p99 < {P99_TARGET_MS:.0f} ms at concurrency {args.concurrency}: "
        f"{'met' if p99 < P99_TARGET_MS else 'NOT met'} ({p99:.1f} ms)"
    )
    if args.memory_requests and server_pid is not None:
        step = max(1, args.memory_requests // 10)
        samples = [rss_kib(server_pid)]
        for _ in range(0, args.memory_requests, step):
            run = await burst(host, port, "/v1/check", checks, step, args.concurrency)
            failed += run.errors
            samples.append(rss_kib(server_pid))
        growth = samples[-1] - samples[1]
        print(
            f"memory over {args.memory_requests:,} check requests (RSS MiB, every {step:,}): "
            + " ".join(f"{s / 1024:.1f}" for s in samples)
            + f"; growth after the first step {growth / 1024:+.1f} MiB"
        )
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=20_000, help="check requests (scan: a tenth)")
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--memory-requests", type=int, default=0, help="e.g. 100000")
    parser.add_argument("--url", help="an already running server on a loopback address")
    args = parser.parse_args(argv)
    try:
        import uvloop  # noqa: PLC0415 (optional, as uvicorn[standard] installs it)

        uvloop.install()
    except ImportError:
        pass
    print(
        f"# {time.strftime('%Y-%m-%d')} {platform.processor() or platform.machine()}, {nproc()} cores, "
        f"Python {platform.python_version()}; server workers {args.workers}"
    )
    server = None
    if args.url:
        host, port = loopback(args.url)
    else:
        host, port = "127.0.0.1", free_port()
        server = start_server(port, args.workers)
    try:
        return asyncio.run(measure(args, host, port, server.pid if server else None))
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    sys.exit(main())
