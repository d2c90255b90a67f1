"""The ``--online`` redirect follower over real TLS on 127.0.0.1, with the throwaway CA and
HTTPS servers of test_pinned_tls: the name, not the address, is verified (SNI and certificate),
each hop gets its own handshake, and the one SSL context the follower shares is the machine's
trust (here the test CA, as ``httpx.create_ssl_context`` gives it). The resolver answers a public
address and only the TCP connect is routed to loopback, so the address rule stays in force."""

from __future__ import annotations

import ssl

import httpx
import pytest

from tests.integration.test_pinned_tls import PUBLIC, Pki, ServeAs, connects, pki, serve_as  # noqa: F401
from verifier.net import Deadline
from verifier.online import OnlineConfig
from verifier.online import redirects as redirects_module
from verifier.online.redirects import follow


@pytest.fixture
def follower_trusts_test_ca(pki: Pki, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    monkeypatch.setattr(
        httpx, "create_ssl_context", lambda **_: ssl.create_default_context(cafile=str(pki.ca))
    )
    monkeypatch.setattr(redirects_module, "_ssl_contexts", [])  # built anew with that trust


def test_https_page_is_verified_for_its_name(
    serve_as: ServeAs,  # noqa: F811
    follower_trusts_test_ca: None,
    connects: list[tuple[str, int]],  # noqa: F811
) -> None:
    server = serve_as("scam.test")
    out = follow(
        f"https://scam.test:{server.port}/kefu", OnlineConfig(), Deadline(5), resolve=lambda h, p: [PUBLIC]
    )
    assert out.error is None, out.error
    assert out.status == 200 and out.text is not None and "seed phrase" in out.text
    assert server.sni_names == ["scam.test"] and server.host_headers == [f"scam.test:{server.port}"]
    assert connects == [(PUBLIC, server.port)]


def test_a_redirect_to_another_name_gets_its_own_handshake(
    serve_as: ServeAs,  # noqa: F811
    follower_trusts_test_ca: None,
    connects: list[tuple[str, int]],  # noqa: F811
) -> None:
    server = serve_as("scam.test")
    url = f"https://scam.test:{server.port}/go-to/other.test:{server.port}/kefu"
    out = follow(url, OnlineConfig(), Deadline(5), resolve=lambda h, p: [PUBLIC])
    assert out.error_code == "fetch.failed" and "Hostname mismatch" in (out.error or "")
    assert [hop["url"] for hop in out.chain] == [url, f"https://other.test:{server.port}/kefu"]
    assert server.sni_names == ["scam.test", "other.test"]
    assert server.host_headers == [f"scam.test:{server.port}"]  # nothing sent to the wrong certificate
