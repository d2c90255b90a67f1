"""Batch speed: checks per second of 100,000 hosts through ``verifier check -`` and through
``POST /v1/check/batch`` (1,000 values a request) of a ``verifier serve`` on 127.0.0.1.

The hosts are benchmarks/data/negatives.txt (benign) and the hosts of
../shared/eval/dev/real_phish_domains.jsonl (phishing), repeated in order up to the count.

    .venv/bin/python benchmarks/batch_speed.py [--count 100000] [--skip-service] [--sequential]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
NEGATIVES = ROOT / "benchmarks" / "data" / "negatives.txt"
PHISH = ROOT.parent / "shared" / "eval" / "dev" / "real_phish_domains.jsonl"
VERIFIER = (
    [sys.executable, "-m", "verifier"]
    if not (ROOT / ".venv/bin/verifier").exists()
    else [str(ROOT / ".venv/bin/verifier")]
)


def hosts(count: int) -> list[str]:
    """``count`` hosts: the benign list and the phishing hosts, repeated in order."""
    found = [line.strip() for line in NEGATIVES.read_text("utf-8").splitlines()]
    found = [line for line in found if line and not line.startswith("#")]
    if PHISH.exists():
        for line in PHISH.read_text("utf-8").splitlines():
            if line.strip():
                found.append(json.loads(line)["domain"])
    return [found[i % len(found)] for i in range(count)]


def cli_rate(values: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Seconds and checks/s of ``verifier check -`` (JSON Lines) over ``values``."""
    data = ("\n".join(values) + "\n").encode("utf-8")
    start = time.perf_counter()
    done = subprocess.run(
        [*VERIFIER, "check", "-", "--json"], input=data, capture_output=True, check=False, env=env
    )
    elapsed = time.perf_counter() - start
    lines = done.stdout.count(b"\n")
    if lines != len(values):
        raise SystemExit(f"expected {len(values)} lines, got {lines}: {done.stderr.decode()[-500:]}")
    return elapsed, len(values) / elapsed


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def service_rate(values: list[str], workers: int) -> tuple[float, float]:
    """Seconds and checks/s of ``POST /v1/check/batch`` (1,000 values a request, ``workers``
    requests in flight) against a fresh ``verifier serve --workers N``."""
    port = _free_port()
    server = subprocess.Popen(
        [*VERIFIER, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        batches = [values[i : i + 1000] for i in range(0, len(values), 1000)]
        import concurrent.futures  # noqa: PLC0415

        def post(batch: list[str]) -> int:
            with httpx.Client(base_url=base, timeout=60) as client:
                answer = client.post("/v1/check/batch", json={"values": batch})
                answer.raise_for_status()
                return len(answer.json()["results"])

        start = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(max(2, workers)) as pool:
            total = sum(pool.map(post, batches))
        elapsed = time.perf_counter() - start
        assert total == len(values)
        return elapsed, total / elapsed
    finally:
        server.terminate()
        server.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2, help="service workers")
    parser.add_argument("--skip-service", action="store_true")
    parser.add_argument("--sequential", action="store_true", help="also time the CLI without a pool")
    args = parser.parse_args()
    values = hosts(args.count)
    env = dict(os.environ)
    seconds, rate = cli_rate(values, env)
    print(f"verifier check - --json: {len(values):,} hosts in {seconds:.2f} s = {rate:,.0f} checks/s")
    if args.sequential:
        env["VERIFIER_BATCH_PROCESSES"] = "1"
        seconds, rate = cli_rate(values, env)
        print(f"  same, one process:      {len(values):,} hosts in {seconds:.2f} s = {rate:,.0f} checks/s")
    if not args.skip_service:
        seconds, rate = service_rate(values, args.workers)
        print(
            f"POST /v1/check/batch ({args.workers} workers, 1,000 a request): {len(values):,} hosts in "
            f"{seconds:.2f} s = {rate:,.0f} checks/s"
        )


if __name__ == "__main__":
    main()
