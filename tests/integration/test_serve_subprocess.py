"""``verifier serve`` as a user starts it: a real process, settings reaching every worker."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent / "verifier"
SHIPPED = Path(__file__).resolve().parents[2] / "verifier" / "data" / "allowlist.json"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(*args: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    port = free_port()
    process = subprocess.Popen(
        [str(BIN), "serve", "--port", str(port), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=os.environ.copy(),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read() if process.stdout else ""
                raise AssertionError(f"verifier serve did not start: {output}")
            time.sleep(0.2)
        yield base, process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_serve_answers_and_stops_cleanly_on_ctrl_c() -> None:
    with serve("--allowlist", str(SHIPPED)) as (base, process):
        answer = httpx.post(f"{base}/v1/check", json={"value": "tokenpocket-support.com"}).json()
        assert (answer["verdict"], answer["technique"], answer["matched"]) == (
            "lookalike",
            "combosquat",
            "tokenpocket.pro",
        )
        assert httpx.get(f"{base}/healthz").json()["status"] == "ok"
        process.send_signal(signal.SIGINT)
        assert process.wait(20) == 0


def test_settings_reach_every_worker_process() -> None:
    with serve("--workers", "2", "--cors-origin", "https://help.example", "--max-body", "2048") as (base, _):
        for _ in range(6):  # several connections, so both workers answer
            with httpx.Client(base_url=base) as client:
                allowed = client.post(
                    "/v1/check", json={"value": "tokenpocket.pro"}, headers={"Origin": "https://help.example"}
                )
                assert allowed.headers["access-control-allow-origin"] == "https://help.example"
                assert allowed.json()["verdict"] == "official"
                too_big = client.post("/v1/scan", json={"text": "x" * 3000})
                assert too_big.status_code == 413


def test_a_bad_port_is_a_usage_error() -> None:
    done = subprocess.run(
        [str(BIN), "serve", "--port", "70000"], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 2
    assert "65535" in done.stderr


def test_a_port_in_use_is_said_plainly() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [str(BIN), "serve", "--port", str(port)], capture_output=True, text=True, timeout=60, check=False
        )
    assert done.returncode != 0
    assert "address already in use" in (done.stdout + done.stderr).lower()
