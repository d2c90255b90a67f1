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
import pytest

from verifier.service.server.workers import START_GRACE

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
        _stop(process)


def _stop(process: subprocess.Popen[str]) -> None:
    """Ctrl-C, as a user stops it; killed if it does not stop in 20 s."""
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


def _socket_inodes(pid: int) -> set[int]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(int(target[8:-1]))
    return inodes


def _tcp_sockets(port: int) -> list[tuple[str, int]]:
    """(state, inode) of every IPv4 TCP socket whose local port is ``port``, from /proc/net/tcp."""
    rows = []
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == port:
            rows.append((fields[3], int(fields[9])))
    return rows


LISTEN, ESTABLISHED = "0A", "01"


def _workers_of(process: subprocess.Popen[str]) -> list[int]:
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
    workers = []
    for child in map(int, children):
        command = Path(f"/proc/{child}/cmdline").read_bytes()
        if b"multiprocessing" in command and b"resource_tracker" not in command:
            workers.append(child)
    return workers


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SO_REUSEPORT spreading is Linux's")
def test_each_worker_listens_on_its_own_socket_and_gets_connections() -> None:
    with serve("--workers", "2") as (base, process):
        port = int(base.rsplit(":", 1)[1])
        workers = _workers_of(process)
        assert len(workers) == 2
        deadline = time.monotonic() + 30  # /healthz answered: one worker listens, maybe not both yet
        while len(listening := {inode for state, inode in _tcp_sockets(port) if state == LISTEN}) < 2:
            assert time.monotonic() < deadline, f"{len(listening)} listening socket(s)"
            time.sleep(0.1)
        assert len(listening) == 2  # the supervisor's reserving socket never listens
        owned = [_socket_inodes(pid) & listening for pid in workers]
        assert all(len(mine) == 1 for mine in owned) and owned[0] != owned[1]
        clients = [httpx.Client(base_url=base) for _ in range(40)]
        try:
            for client in clients:
                assert client.post("/v1/check", json={"value": "tokenpocket.pro"}).status_code == 200
            open_here = {inode for state, inode in _tcp_sockets(port) if state == ESTABLISHED}
            per_worker = [len(_socket_inodes(pid) & open_here) for pid in workers]
        finally:
            for client in clients:
                client.close()
        # 40 connections hashed over two sockets: each worker holds some (all on one: p = 2^-39).
        assert sum(per_worker) == 40 and min(per_worker) > 0, per_worker


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SO_REUSEPORT spreading is Linux's")
def test_a_dead_worker_is_replaced_and_ctrl_c_stops_them_all() -> None:
    with serve("--workers", "2") as (base, process):
        first = _workers_of(process)
        time.sleep(START_GRACE + 0.5)  # past its start: a later death is a crash to recover from
        os.kill(first[0], signal.SIGKILL)
        deadline = time.monotonic() + 60
        while True:
            now = _workers_of(process)
            if len(now) == 2 and first[0] not in now:
                break
            assert time.monotonic() < deadline, f"no replacement worker: {now}"
            time.sleep(0.2)
        for _ in range(10):
            with httpx.Client(base_url=base) as client:
                assert (
                    client.post("/v1/check", json={"value": "tokenpocket.pro"}).json()["verdict"]
                    == "official"
                )
        process.send_signal(signal.SIGINT)
        assert process.wait(30) == 0
        assert not any(Path(f"/proc/{pid}").exists() for pid in now)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_port_in_use_is_said_plainly(workers: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [str(BIN), "serve", "--port", str(port), "--workers", workers],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert done.returncode != 0
    assert "address already in use" in (done.stdout + done.stderr).lower()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_workers_stop_when_the_supervisor_is_killed() -> None:
    with serve("--workers", "2") as (_, process):
        workers = _workers_of(process)
        assert len(workers) == 2
        process.kill()  # SIGKILL: the supervisor cannot stop them itself
        process.wait(10)
        deadline = time.monotonic() + 30
        while any(_running(pid) for pid in workers):
            assert time.monotonic() < deadline, "workers outlived their supervisor"
            time.sleep(0.2)


def _running(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie waiting for its reaper counts as gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[0] != "Z"


SUPERVISOR = """
import sys
from verifier.service.server.workers import Workers
options = {"log_level": "info", "access_log": False}
sys.exit(Workers("127.0.0.1", 0, 1, options, start_grace=0.5, max_restarts=2).run())
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the supervisor is Linux's")
def test_the_supervisor_gives_up_when_restarts_come_too_often() -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", SUPERVISOR], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        killed: list[int] = []
        deadline = time.monotonic() + 60
        while process.poll() is None and len(killed) < 3:
            assert time.monotonic() < deadline, f"killed {len(killed)} workers"
            workers = [pid for pid in _workers_of(process) if pid not in killed and _running(pid)]
            if workers:
                time.sleep(1.0)  # past its start grace: its death counts as a crash
                os.kill(workers[0], signal.SIGKILL)
                killed.append(workers[0])
            time.sleep(0.1)
        assert process.wait(30) == 1
        output = process.stdout.read() if process.stdout else ""
        assert output.count("starting another") == 2
        assert "2 restarts within 60 s: giving up" in output
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the supervisor is Linux's")
def test_the_start_line_comes_when_every_worker_listens() -> None:
    # A script waiting for "serving on" must be able to send its first request at once.
    port = free_port()
    process = subprocess.Popen(
        [str(BIN), "serve", "--port", str(port), "--workers", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        seen = []
        for line in process.stdout:
            seen.append(line)
            if "serving on" in line:
                break
        assert "serving on" in seen[-1], "".join(seen)
        # Each new connection may land on either worker: all must answer, with no retry.
        for _ in range(8):
            with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
                assert client.get("/healthz", timeout=5).status_code == 200
    finally:
        _stop(process)
