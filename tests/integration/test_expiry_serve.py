"""Issue 12, finding 3, through real servers: a running service stops answering ``official``
at the instant its bundle expires and ``/healthz`` says "degraded" with the reason.

Bundles are signed by the session's throwaway Ed25519 keys. The in-process test serves the
application with uvicorn on 127.0.0.1; the other runs ``verifier serve`` as a process from a
copy of the package whose shipped root of trust is the throwaway one (nothing else in the
package can trust a test key), and gives it the short-lived bundle by live reload.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

import verifier
from tests.conftest import SignFn
from tests.integration.live_server import serving
from verifier.allowlist.bundleformat import canonical_bytes
from verifier.allowlist.store import load_allowlist
from verifier.allowlist.trust import Root, root_document, sign_document
from verifier.service import ServiceSettings, create_service
from verifier.service.allowlist_reload import LiveAllowlist

STAMP = "%Y-%m-%dT%H:%M:%SZ"


def expiring(sign_bundle: SignFn, seconds: float, version: int) -> tuple[bytes, float]:
    at = math.ceil(time.time() + seconds)
    return sign_bundle(
        0, 1, version=version, expires=dt.datetime.fromtimestamp(at, dt.UTC).strftime(STAMP)
    ), at


def sleep_until(instant: float) -> None:
    while (left := instant - time.time()) > 0:
        time.sleep(min(left, 0.5) + 0.01)


def verdict(client: httpx.Client, value: str = "acmewallet.com") -> str:
    answer = client.post("/v1/check", json={"value": value})
    assert answer.status_code == 200, answer.text
    result: str = answer.json()["verdict"]
    return result


def assert_degraded_by_expiry(client: httpx.Client, version: int) -> None:
    health = client.get("/healthz")
    assert health.status_code == 200
    body = health.json()
    assert body["status"] == "degraded"
    assert body["allowlist"]["verified"] is False
    expires = body["allowlist"]["expires"]
    assert body["problem"] == f"bundle version {version} expired at {expires}"
    assert body["problem_messages"] == {
        "en": f"bundle version {version} expired at {expires}",
        "zh": f"名单版本 {version} 已于 {expires} 过期",
    }
    listed = client.get("/v1/allowlist").json()
    assert (listed["verified"], listed["problem"]) == (False, body["problem"])


def test_a_running_service_stops_answering_official_when_its_bundle_expires(
    sign_bundle: SignFn, test_root: Root, isolated_state: Path, tmp_path: Path
) -> None:
    path = tmp_path / "allowlist.json"
    data, at = expiring(sign_bundle, 2, version=5)
    path.write_bytes(data)
    live = LiveAllowlist(path, loader=lambda p: load_allowlist(p, root=test_root, directory=isolated_state))
    with (
        serving(create_service(ServiceSettings(allowlist_file=path), live)) as base,
        httpx.Client(base_url=base) as client,
    ):
        assert verdict(client) == "official"
        assert client.get("/healthz").json() == {
            "status": "ok",
            "allowlist": {"version": 5, "expires": live.current().expires, "verified": True},
            "days_left": 0,  # expires within seconds
            "denylist_hosts": 0,
        }
        assert client.get("/v1/allowlist").json()["verified"] is True
        sleep_until(at)
        assert verdict(client) == "unknown"
        batch = client.post("/v1/check/batch", json={"values": ["acmewallet.com", "help@acmewallet.com"]})
        if batch.status_code == 200:  # the batch endpoint, where the service has it
            assert all(r["verdict"] != "official" for r in batch.json()["results"])
        scan = client.post("/v1/scan", json={"text": "Support: acmewallet.com"}).json()
        assert all(c["verdict"] != "official" for c in scan["channels"])
        assert_degraded_by_expiry(client, 5)


def test_under_load_no_answer_begun_after_the_instant_is_official(
    sign_bundle: SignFn, test_root: Root, isolated_state: Path, tmp_path: Path
) -> None:
    """Four clients ask without pause across the expiry: every request sent after the instant
    of ``expires`` is answered not official (those sent before may be either)."""
    path = tmp_path / "allowlist.json"
    data, at = expiring(sign_bundle, 2, version=5)
    path.write_bytes(data)
    live = LiveAllowlist(path, loader=lambda p: load_allowlist(p, root=test_root, directory=isolated_state))
    answers: list[tuple[float, str]] = []

    def ask(base: str) -> None:
        with httpx.Client(base_url=base) as client:
            while time.time() < at + 1:
                sent = time.time()
                answers.append((sent, verdict(client)))

    with serving(create_service(ServiceSettings(allowlist_file=path), live)) as base:
        threads = [threading.Thread(target=ask, args=(base,)) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    after = [v for sent, v in answers if sent >= at]
    before = [v for sent, v in answers if sent < at - 0.5]
    assert after and before
    assert set(after) == {"unknown"}
    assert set(before) == {"official"}


# `verifier serve` as a process.


@pytest.fixture
def package_trusting(tmp_path: Path, moderator_keys: list[Ed25519PrivateKey], sign_bundle: SignFn) -> Path:
    """A copy of the package whose shipped root is the throwaway moderators' (2 of 3) and whose
    shipped bundle is signed by them (long-lived, version 5)."""
    copy = tmp_path / "pkg" / "verifier"
    shutil.copytree(Path(verifier.__file__).parent, copy, ignore=shutil.ignore_patterns("__pycache__"))
    root = root_document([k.public_key() for k in moderator_keys], threshold=2, version=1)
    for key in moderator_keys:
        root = sign_document(root, key)
    (copy / "data" / "root.json").write_bytes(canonical_bytes(root) + b"\n")
    (copy / "data" / "allowlist.json").write_bytes(expiring(sign_bundle, 30 * 86400, version=5)[0])
    return copy.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(package_trusting: Path, tmp_path: Path) -> Iterator[tuple[httpx.Client, Path]]:
    bundle = tmp_path / "watched.json"
    bundle.write_bytes((package_trusting / "verifier" / "data" / "allowlist.json").read_bytes())
    port = _free_port()
    site = [p for p in sys.path if p.endswith("site-packages")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(package_trusting), *site])}
    code = "import sys; from verifier.cli import main; sys.argv[0] = 'verifier'; main()"
    process = subprocess.Popen(
        [sys.executable, "-S", "-c", code, "serve", "--port", str(port), "--allowlist", str(bundle)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=package_trusting,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        with httpx.Client(base_url=base, timeout=10) as client:
            while True:
                try:
                    if client.get("/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    output = process.stdout.read() if process.stdout else ""
                    raise AssertionError(f"verifier serve did not start: {output}")
                time.sleep(0.2)
            yield client, bundle
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        output = process.stdout.read() if process.stdout else ""
        assert "Traceback" not in output, output


def test_verifier_serve_stops_answering_official_when_its_bundle_expires(
    served: tuple[httpx.Client, Path], sign_bundle: SignFn
) -> None:
    client, bundle = served
    assert client.get("/healthz").json()["allowlist"]["version"] == 5  # trusts the test root
    assert verdict(client) == "official"
    data, at = expiring(sign_bundle, 8, version=6)
    bundle.write_bytes(data)  # taken by live reload (looked at every 2 s)
    while client.get("/healthz").json()["allowlist"]["version"] != 6:
        assert time.time() < at - 2, "the new bundle was not loaded in time"
        time.sleep(0.1)
    loaded = time.time()
    assert verdict(client) == "official"
    assert client.get("/healthz").json()["status"] == "ok"
    assert at - loaded >= 1  # it was official for a while after loading
    sleep_until(at)
    assert verdict(client) == "unknown"
    assert_degraded_by_expiry(client, 6)
