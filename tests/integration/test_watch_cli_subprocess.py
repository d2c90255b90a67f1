"""The script contract in a real process: ``verifier watch --log-list FILE --once --start
beginning --json`` with VERIFIER_STATE_DIR set prints one JSON object per alert on stdout and
nothing else, and exits 0 when every log was read to its end. Run as ``python -m verifier``,
the installed command's entry point."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.integration.test_watch_rfc6962 import LOOKALIKES, mixed_entries
from tests.watchlog import StubLog, log_list, serve


def _watch(state: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VERIFIER_STATE_DIR": str(state)}
    return subprocess.run(
        [sys.executable, "-m", "verifier", "watch", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_contract_in_a_process(tmp_path: Path) -> None:
    tiled = StubLog("tiled-cli")
    classic = StubLog("classic-cli")
    classic.add(*mixed_entries())
    tiled.add(*mixed_entries())
    list_file = tmp_path / "log_list.json"
    state = tmp_path / "state"
    with serve(classic, tiled):
        list_file.write_bytes(log_list([classic], [tiled]))
        args = ("--log-list", str(list_file), "--once", "--start", "beginning", "--json")
        first = _watch(state, *args)
        second = _watch(state, *args)
    assert first.returncode == 0, first.stderr
    alerts = [json.loads(line) for line in first.stdout.splitlines()]
    assert {a["name"] for a in alerts} == LOOKALIKES and len(alerts) == len(LOOKALIKES)
    assert all(a["cert_sha256"] and a["not_before"] and a["issuer"] for a in alerts)
    assert "log classic-cli" in first.stderr and "log tiled-cli" in first.stderr
    assert second.returncode == 0 and second.stdout == ""
    assert (state / "watch" / "positions.json").exists()


def test_a_running_watch_serves_its_backlog_on_metrics(tmp_path: Path) -> None:
    classic = StubLog("classic-metrics")
    classic.add(*mixed_entries())
    list_file = tmp_path / "log_list.json"
    env = {**os.environ, "VERIFIER_STATE_DIR": str(tmp_path / "state")}
    with serve(classic):
        list_file.write_bytes(log_list([classic]))
        args = ["--log-list", str(list_file), "--start", "beginning", "--json", "--metrics-port", "0"]
        process = subprocess.Popen(
            [sys.executable, "-m", "verifier", "watch", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        try:
            assert process.stderr is not None
            line = process.stderr.readline()
            while line and not line.startswith("metrics on "):
                line = process.stderr.readline()  # skipped logs or an unverified allowlist first
            url = line.strip().removeprefix("metrics on ")
            assert url.startswith("http://127.0.0.1:") and url.endswith("/metrics"), line
            deadline = time.monotonic() + 60
            text = ""
            while time.monotonic() < deadline:
                text = httpx.get(url, timeout=5).text
                if 'verifier_watch_backlog_entries{log="classic-metrics"} 0' in text:
                    break
                time.sleep(0.2)
            assert 'verifier_watch_backlog_entries{log="classic-metrics"} 0' in text, text
            assert httpx.get(url.removesuffix("metrics") + "other", timeout=5).status_code == 404
        finally:
            process.send_signal(signal.SIGTERM)
            out, _ = process.communicate(timeout=60)
    alerts = [json.loads(line) for line in out.splitlines()]
    assert {a["name"] for a in alerts} == LOOKALIKES
