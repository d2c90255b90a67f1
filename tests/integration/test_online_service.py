"""``{"online": true}`` on ``POST /v1/check``: 422 ``online_not_allowed`` unless the server allows it; with
``ServiceSettings(allow_online=True)`` (``verifier serve --allow-online``) the answer carries
``evidence`` from real DNS and RDAP servers on 127.0.0.1, and it validates against the schema."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.integration.live_server import serving
from tests.online_servers import DnsServer, RdapServer
from verifier.service import ServiceSettings, create_service, schemas

TODAY = dt.datetime.now(dt.UTC).date()
ZONE = {("fresh-wallet.test", "A"): ["203.0.113.7"], ("fresh-wallet.test", "MX"): ["10 mx.fresh-wallet.test"]}
RDAP = {"fresh-wallet.test": (TODAY - dt.timedelta(days=2), "Quick Names Ltd")}


@pytest.fixture(scope="module")
def lookups() -> Iterator[dict[str, Any]]:
    with DnsServer(ZONE) as dns, RdapServer(RDAP) as rdap:
        yield {"dns": dns, "rdap": rdap}


def test_online_refused_unless_allowed(lookups: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VERIFIER_SERVE_ONLINE", raising=False)
    before = lookups["dns"].queries
    with serving(create_service(ServiceSettings())) as base, httpx.Client(base_url=base) as client:
        answer = client.post("/v1/check", json={"value": "fresh-wallet.test", "online": True})
        assert answer.status_code == 422
        assert answer.json()["error"]["code"] == "online_not_allowed"
        zh = client.post("/v1/check", json={"value": "fresh-wallet.test", "online": True, "lang": "zh"})
        assert "在线查询" in zh.json()["error"]["message"]
        plain = client.post("/v1/check", json={"value": "fresh-wallet.test", "online": False})
        assert plain.status_code == 200 and "evidence" not in plain.json()
        bad = client.post("/v1/check", json={"value": "fresh-wallet.test", "online": "yes please"})
        assert bad.status_code == 422
    assert lookups["dns"].queries == before


def test_online_allowed(lookups: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VERIFIER_NAMESERVERS", lookups["dns"].address)
    monkeypatch.setenv("VERIFIER_RDAP_URL", lookups["rdap"].url)
    settings = ServiceSettings(allow_online=True)
    with serving(create_service(settings)) as base, httpx.Client(base_url=base, timeout=30) as client:
        answer = client.post("/v1/check", json={"value": "fresh-wallet.test", "online": True})
        assert answer.status_code == 200, answer.text
        body = answer.json()
        schemas.CheckResponse.model_validate(body)
        assert body["evidence"]["dns"]["a"] == ["203.0.113.7"]
        assert body["evidence"]["rdap"]["age_days"] == 2
        assert "online.rdap.recent" in [r["code"] for r in body["reasons"]]
        # Without "online", the same server answers offline, with no evidence key.
        plain = client.post("/v1/check", json={"value": "fresh-wallet.test"})
        assert plain.status_code == 200 and "evidence" not in plain.json()
        # A chunked body (no Content-Length) reaches the route, which answers online too.
        chunked = client.post(
            "/v1/check",
            content=iter([b'{"value": "fresh-wallet.test",', b' "online": true}']),
            headers={"Content-Type": "application/json"},
        )
        assert chunked.status_code == 200 and chunked.json()["evidence"]["rdap"]["age_days"] == 2
        loop = client.post("/v1/check", json={"value": "http://127.0.0.1:9/x", "online": True})
        assert loop.json()["evidence"]["redirects"]["error_code"] == "fetch.non_public"


def test_openapi_documents_online_and_evidence() -> None:
    with serving(create_service(ServiceSettings())) as base, httpx.Client(base_url=base) as client:
        document = client.get("/openapi.json").json()
    schemas_ = document["components"]["schemas"]
    assert "evidence" in schemas_["CheckResponse"]["properties"]
    assert {"DnsEvidence", "RdapEvidence", "RedirectsEvidence", "PageEvidence"} <= set(schemas_)
    request = document["paths"]["/v1/check"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert "online" in request["properties"]


def test_verifier_serve_allow_online(lookups: dict[str, Any], tmp_path: Any) -> None:
    import os
    import socket
    import subprocess
    import sys
    import time

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "VERIFIER_RDAP_URL": lookups["rdap"].url, "VERIFIER_ACCESS_LOG": "0"}
    command = [sys.executable, "-m", "verifier", "serve", "--port", str(port), "--allow-online"]
    server = subprocess.Popen(
        [*command, "--nameserver", lookups["dns"].address],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(base + "/healthz", timeout=1)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline and server.poll() is None, "verifier serve did not start"
                time.sleep(0.1)
        answer = httpx.post(
            base + "/v1/check", json={"value": "fresh-wallet.test", "online": True}, timeout=30
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["evidence"]["dns"]["mx"] == ["mx.fresh-wallet.test"]
    finally:
        server.terminate()
        server.wait(10)


def test_online_answers_are_counted_and_browsers_get_cors(
    lookups: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VERIFIER_NAMESERVERS", lookups["dns"].address)
    monkeypatch.setenv("VERIFIER_RDAP_URL", lookups["rdap"].url)
    origin = "https://help.example"
    settings = ServiceSettings(allow_online=True, cors_origins=(origin,))
    with serving(create_service(settings)) as base, httpx.Client(base_url=base, timeout=30) as client:
        asked = {"value": "tokenpocket-help.test", "online": True}
        for headers in ({}, {"Origin": origin}):
            answer = client.post("/v1/check", json=asked, headers=headers)
            assert answer.status_code == 200 and answer.json()["verdict"] == "lookalike"
            assert "evidence" in answer.json()
        assert answer.headers["access-control-allow-origin"] == origin
        metrics = client.get("/metrics").text
    counted = [
        line
        for line in metrics.splitlines()
        if line.startswith('verifier_verdicts_total{verdict="lookalike"}')
    ]
    assert counted and float(counted[0].split()[-1]) == 2.0
