"""Access log and ``GET /metrics`` after real requests to a real server on 127.0.0.1 (issue 18)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.integration.live_server import serving
from tests.integration.test_serve_subprocess import BIN, free_port
from verifier.allowlist.store import default_allowlist
from verifier.service import ServiceSettings, create_service
from verifier.service.observe import access_line, endpoint_of, risk_of

SEED = "TokenPocket support here: send me your 12-word seed phrase and install AnyDesk."


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a Prometheus text page, by name and sorted labels."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(page: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str) -> float:
    return page.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.fixture
def api() -> Iterator[httpx.Client]:
    with (
        serving(create_service(ServiceSettings())) as base,
        httpx.Client(base_url=base, timeout=30) as client,
    ):
        yield client


def test_metrics_count_what_was_answered(api: httpx.Client, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="verifier.access")
    for value_ in ("tokenpocket.pro", "metamask-support.com", "tokenpocket-support.com", "@@@"):
        assert api.post("/v1/check", json={"value": value_}).status_code == 200  # the hot path
    assert (
        api.post("/v1/check", content=b"{", headers={"content-type": "application/json"}).status_code == 422
    )
    assert api.post("/v1/check/batch", json={"values": ["tokenpocket.pro", "a.example"]}).status_code == 200
    assert api.post("/v1/scan", json={"text": SEED}).json()["risk"] == "high"
    assert api.get("/healthz").status_code == 200
    assert api.get("/no/such/path").status_code == 404
    response = api.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    page = samples(response.text)

    requests = "verifier_http_requests_total"
    assert value(page, requests, endpoint="/v1/check", method="POST", status="200") == 4
    assert value(page, requests, endpoint="/v1/check", method="POST", status="422") == 1
    assert value(page, requests, endpoint="/v1/check/batch", method="POST", status="200") == 1
    assert value(page, requests, endpoint="/v1/scan", method="POST", status="200") == 1
    assert value(page, requests, endpoint="/healthz", method="GET", status="200") == 1
    assert value(page, requests, endpoint="other", method="GET", status="404") == 1
    latency = "verifier_http_request_duration_seconds_count"
    assert value(page, latency, endpoint="/v1/check", method="POST") == 5
    assert value(page, latency, endpoint="/v1/scan", method="POST") == 1
    assert (
        value(
            page,
            "verifier_http_request_duration_seconds_bucket",
            endpoint="/v1/check",
            method="POST",
            le="+Inf",
        )
        == 5
    )
    verdicts = "verifier_verdicts_total"
    assert value(page, verdicts, verdict="official") == 2  # one check, one in the batch
    assert value(page, verdicts, verdict="lookalike") == 2
    assert value(page, verdicts, verdict="invalid") == 1
    assert value(page, verdicts, verdict="unknown") == 1
    assert value(page, "verifier_risks_total", endpoint="/v1/scan", risk="high") == 1

    state = default_allowlist().state
    assert value(page, "verifier_allowlist_version") == state.version
    assert value(page, "verifier_allowlist_verified") == 1
    assert state.expires is not None
    expires = dt.datetime.strptime(state.expires, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    assert abs(value(page, "verifier_allowlist_expiry_seconds") - (expires.timestamp() - time.time())) < 60

    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "verifier.access"]
    assert [(line["method"], line["path"], line["status"]) for line in lines] == [
        *[("POST", "/v1/check", 200)] * 4,
        ("POST", "/v1/check", 422),
        ("POST", "/v1/check/batch", 200),
        ("POST", "/v1/scan", 200),
        ("GET", "/healthz", 200),
        ("GET", "/no/such/path", 404),
        ("GET", "/metrics", 200),
    ]
    assert [line.get("verdict") for line in lines[:4]] == ["official", "lookalike", "lookalike", "invalid"]
    assert lines[5]["verdicts"] == {"official": 1, "unknown": 1}
    assert lines[6]["risk"] == "high"
    for line in lines:
        assert line["time"].endswith("Z") and dt.datetime.fromisoformat(line["time"])
        assert 0 <= line["duration_ms"] < 10_000


def test_access_lines_are_json_whatever_the_path() -> None:
    line = json.loads(access_line("GET", '/static/a"\n\x1b', 404, 0.0012, {"verdict": None, "risk": "none"}))
    assert line["path"] == '/static/a"\n\x1b'
    assert line["duration_ms"] == 1.2 and "verdict" not in line and line["risk"] == "none"
    assert endpoint_of("/static/x.js") == "/static/{name}"
    assert endpoint_of("/v1/check/batch") == "/v1/check/batch"
    assert endpoint_of("/random/path/1") == "other"
    assert risk_of(b'{"risk":"medium","channels":[]}') == "medium"
    assert risk_of(b'{"error":{}}') is None


def test_verifier_serve_writes_an_access_line_per_request(tmp_path: Path) -> None:
    port = free_port()
    log = (tmp_path / "serve.log").open("w+")
    env = {**os.environ, "VERIFIER_ACCESS_LOG": "1"}
    process = subprocess.Popen(
        [str(BIN), "serve", "--port", str(port)], stdout=log, stderr=subprocess.STDOUT, env=env
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/healthz", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline and process.poll() is None, "verifier serve did not start"
                time.sleep(0.2)
        httpx.post(f"{base}/v1/check", json={"value": "metamask-support.com"})
        text = httpx.get(f"{base}/metrics").text
        assert 'verifier_verdicts_total{verdict="lookalike"} 1.0' in text
    finally:
        process.terminate()
        process.wait(20)
    log.seek(0)
    lines = [json.loads(line) for line in log.read().splitlines() if line.startswith('{"time"')]
    assert [line["path"] for line in lines[-2:]] == ["/v1/check", "/metrics"]
    assert lines[-2]["verdict"] == "lookalike"


def test_with_several_workers_every_scrape_counts_all_of_them() -> None:
    port = free_port()
    process = subprocess.Popen(
        [str(BIN), "serve", "--port", str(port), "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/v1/allowlist", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline and process.poll() is None, "verifier serve did not start"
                time.sleep(0.2)
        for _ in range(30):  # a new connection each: the kernel spreads them over the workers
            httpx.post(f"{base}/v1/check", json={"value": "metamask-support.com"})
        for _ in range(8):
            page = samples(httpx.get(f"{base}/metrics").text)
            assert value(page, "verifier_verdicts_total", verdict="lookalike") == 30
            assert (
                value(page, "verifier_http_requests_total", endpoint="/v1/check", method="POST", status="200")
                == 30
            )
            assert value(page, "verifier_allowlist_verified") == 1
    finally:
        process.terminate()
        process.wait(40)
