"""docs/deploy/verifier.service: systemd accepts it, and its ExecStart= with its Environment=
serves (issue 18). No systemd runs as PID 1 here, so the unit is verified offline with
``systemd-analyze verify`` and its command run directly; DynamicUser= (never root) and the
sandboxing are checked as written, not enforced."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.integration.test_serve_subprocess import free_port

UNIT = Path(__file__).resolve().parents[2] / "docs" / "deploy" / "verifier.service"
INSTALLED = "/opt/verifier/venv/bin/verifier"
BIN = Path(sys.executable).parent / "verifier"


def service_section() -> list[tuple[str, str]]:
    """The [Service] keys in order, repeated ones kept (as systemd reads Environment=)."""
    found, section = [], ""
    for raw in UNIT.read_text("utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line
        elif section == "[Service]":
            key, _, value = line.partition("=")
            found.append((key, value))
    return found


def test_systemd_accepts_the_unit(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    unit = tmp_path / "verifier.service"
    unit.write_text(UNIT.read_text("utf-8").replace(INSTALLED, str(BIN)), encoding="utf-8")
    done = subprocess.run(
        [analyze, "verify", str(unit)], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == "", done.stderr  # an unknown key or a bad value is only a warning there


def test_it_never_runs_as_root_and_is_sandboxed() -> None:
    keys = dict(service_section())
    assert keys["DynamicUser"] == "yes"
    assert "User" not in keys or keys["User"] not in ("root", "0")
    for key, wanted in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "CapabilityBoundingSet": "",
        "StateDirectory": "verifier",
    }.items():
        assert keys.get(key) == wanted, key
    assert "--host 127.0.0.1" in keys["ExecStart"]  # behind a reverse proxy by default


def test_exec_start_with_its_environment_serves_and_stops_on_sigterm(tmp_path: Path) -> None:
    section = service_section()
    state = tmp_path / "state"
    env = {**os.environ}
    for key, value in section:
        if key == "Environment":
            name, _, setting = value.partition("=")
            env[name] = setting.replace("%S", str(state))
    assert env["VERIFIER_STATE_DIR"] == str(state / "verifier")
    state.joinpath("verifier").mkdir(parents=True)  # StateDirectory= makes it
    command = shlex.split(dict(section)["ExecStart"])
    assert command[0] == INSTALLED
    port = free_port()
    command = [str(BIN), *command[1:]]
    command[command.index("--port") + 1] = str(port)
    log = (tmp_path / "journal.log").open("w+")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).json()["status"] == "ok":
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None and time.monotonic() < deadline, "ExecStart did not serve"
            time.sleep(0.2)
        assert (
            httpx.post(f"{base}/v1/check", json={"value": "tokenpocket.pro"}).json()["verdict"] == "official"
        )
    finally:
        process.send_signal(signal.SIGTERM)  # what systemctl stop sends
        stop = float(dict(section)["TimeoutStopSec"])
        status = process.wait(stop)
    assert status == 0  # a clean stop: Restart=on-failure does not restart it
    log.seek(0)
    lines = [json.loads(line) for line in log.read().splitlines() if line.startswith('{"time"')]
    assert any(line["path"] == "/v1/check" and line["verdict"] == "official" for line in lines)
    assert any(state.joinpath("verifier").iterdir())  # rollback state written where the unit says
