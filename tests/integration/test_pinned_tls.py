"""Address pinning over real TLS on 127.0.0.1: the name, not the IP, is what gets verified.

A throwaway CA issues leaf certificates for ``scam.test`` and ``other.test``; a real HTTPS
server (http.server + ssl) records the SNI name and the Host header it was sent. First the
pieces: the request ``pinned_request`` builds, sent by a client configured like
``fetch_page``'s. Then ``fetch_page`` and ``update.fetch`` end to end. They refuse
loopback, and that refusal stays as it is: the resolver answers a public address, and only
the TCP connect in httpcore is routed from that address to the loopback server, as a network
would route it. Everything above the socket (the address check, the pinned URL, Host, SNI,
certificate verification) is the product's and httpx's own code.
"""

from __future__ import annotations

import datetime as dt
import http.server
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpcore
import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from verifier.allowlist.update import UpdateError
from verifier.allowlist.update import fetch as fetch_update
from verifier.net import pinned_request
from verifier.net.page import FetchError, fetch_page

PUBLIC = "93.184.216.34"
PAGE = b"<html><body><h1>TokenPocket support</h1><p>send your seed phrase</p></body></html>"


@dataclass(frozen=True)
class Pki:
    ca: Path
    leaves: dict[str, tuple[Path, Path]]  # name -> (certificate, key)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _write_pem(path: Path, certificate: x509.Certificate) -> Path:
    path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return path


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    """A CA and leaves for scam.test and other.test, with the extensions strict verifiers want."""
    directory = tmp_path_factory.mktemp("pki")
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("verifier test CA"))
        .issuer_name(_name("verifier test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ca_ski, critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    leaves = {}
    for host in ("scam.test", "other.test"):
        key = ec.generate_private_key(ec.SECP256R1())
        leaf = (
            x509.CertificateBuilder()
            .subject_name(_name(host))
            .issuer_name(ca.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(hours=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False
            )
            .sign(ca_key, hashes.SHA256())
        )
        key_path = directory / f"{host}.key"
        key_path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        leaves[host] = (_write_pem(directory / f"{host}.pem", leaf), key_path)
    return Pki(_write_pem(directory / "ca.pem", ca), leaves)


@dataclass
class TlsServer:
    """What a running HTTPS server on 127.0.0.1 was sent."""

    port: int
    sni_names: list[str | None] = field(default_factory=list)
    host_headers: list[str | None] = field(default_factory=list)


class _PageHandler(http.server.BaseHTTPRequestHandler):
    server: _RecordingServer
    protocol_version = "HTTP/1.1"  # keeps connections open, so a client could reuse one

    def do_GET(self) -> None:
        self.server.record.host_headers.append(self.headers.get("Host"))
        if self.path == "/drip":  # the status line, then headers one byte every 0.2 s
            try:
                self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Padding: ")
                for _ in range(150):
                    time.sleep(0.2)
                    self.wfile.write(b"a")
            except OSError:
                pass  # the client gave up: its deadline
            self.close_connection = True
            return
        if self.path.startswith("/go-to/"):  # /go-to/<host:port/path> redirects to https://<...>
            self.send_response(302)
            self.send_header("Location", "https://" + self.path.removeprefix("/go-to/"))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _RecordingServer(http.server.ThreadingHTTPServer):
    record: TlsServer


ServeAs = Callable[[str], TlsServer]


@pytest.fixture
def serve_as(pki: Pki) -> Iterator[ServeAs]:
    """Start an HTTPS server on a free loopback port presenting the leaf for a name."""
    servers: list[_RecordingServer] = []

    def start(presented: str) -> TlsServer:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*pki.leaves[presented])
        server = _RecordingServer(("127.0.0.1", 0), _PageHandler)
        server.record = record = TlsServer(int(server.server_address[1]))

        def remember_sni(
            _sock: ssl.SSLSocket | ssl.SSLObject, name: str | None, _context: ssl.SSLContext
        ) -> None:
            record.sni_names.append(name)

        context.sni_callback = remember_sni
        # The handshake runs in accept(); a failed one is an OSError that socketserver drops.
        server.socket = context.wrap_socket(server.socket, server_side=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return record

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def trusts_test_ca(pki: Pki) -> ssl.SSLContext:
    """A client context that trusts the throwaway CA and nothing else, checking host names."""
    context = ssl.create_default_context(cafile=str(pki.ca))
    assert context.check_hostname
    return context


def _client(verify: ssl.SSLContext) -> httpx.Client:
    """Configured like fetch_page's own client, except for whom it trusts."""
    return httpx.Client(timeout=5, follow_redirects=False, trust_env=False, verify=verify)


def _send_pinned(client: httpx.Client, url: str, address: str) -> httpx.Response:
    target, headers, extensions = pinned_request(url, address)
    return client.send(client.build_request("GET", target, headers=headers, extensions=extensions))


# The pieces: pinned_request over real TLS.


def test_the_pinned_request_sends_the_name_in_sni_and_host(
    serve_as: ServeAs, trusts_test_ca: ssl.SSLContext
) -> None:
    server = serve_as("scam.test")
    with _client(trusts_test_ca) as client:
        response = _send_pinned(client, f"https://scam.test:{server.port}/kefu", "127.0.0.1")
    assert response.status_code == 200
    assert response.content == PAGE
    assert server.sni_names == ["scam.test"]
    assert server.host_headers == [f"scam.test:{server.port}"]


def test_the_pinned_request_verifies_the_certificate_for_the_name(
    serve_as: ServeAs, trusts_test_ca: ssl.SSLContext
) -> None:
    server = serve_as("other.test")
    with _client(trusts_test_ca) as client, pytest.raises(httpx.ConnectError, match="Hostname mismatch"):
        _send_pinned(client, f"https://scam.test:{server.port}/kefu", "127.0.0.1")
    assert server.sni_names == ["scam.test"]
    assert server.host_headers == [], "the request went through despite the wrong certificate"


def test_an_unpinned_request_to_the_ip_is_not_valid_for_the_name_certificate(
    serve_as: ServeAs, trusts_test_ca: ssl.SSLContext
) -> None:
    server = serve_as("scam.test")
    with _client(trusts_test_ca) as client, pytest.raises(httpx.ConnectError, match="IP address mismatch"):
        client.get(f"https://127.0.0.1:{server.port}/")
    assert server.host_headers == []


# End to end: fetch_page and update.fetch, with only the TCP connect routed to loopback.


@pytest.fixture
def connects(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Route httpcore's TCP connects to PUBLIC onto 127.0.0.1 and record every connect.

    Any other address is refused, so these tests never leave the machine.
    """
    seen: list[tuple[str, int]] = []
    connect_tcp = httpcore.SyncBackend.connect_tcp

    def routed(
        backend: httpcore.SyncBackend,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        seen.append((host, port))
        if host != PUBLIC:
            raise httpcore.ConnectError(f"test network: no route to {host}")
        return connect_tcp(backend, "127.0.0.1", port, timeout, local_address, socket_options)

    monkeypatch.setattr(httpcore.SyncBackend, "connect_tcp", routed)
    return seen


@dataclass
class CountingResolver:
    """Answers PUBLIC for scam.test the first time and loopback afterwards (a rebinding DNS)."""

    asked: list[str] = field(default_factory=list)

    def __call__(self, host: str, port: int) -> Sequence[str]:
        self.asked.append(host)
        return [PUBLIC] if len(self.asked) == 1 else ["127.0.0.1"]


def test_fetch_page_connects_to_the_checked_address_and_verifies_the_name(
    serve_as: ServeAs, trusts_test_ca: ssl.SSLContext, connects: list[tuple[str, int]]
) -> None:
    server = serve_as("scam.test")
    resolve = CountingResolver()
    url = f"https://scam.test:{server.port}/kefu"
    with _client(trusts_test_ca) as client:
        page = fetch_page(url, client=client, resolve=resolve, timeout=5)
    assert page.final_url == url
    assert page.is_html
    assert page.text == PAGE.decode()
    assert resolve.asked == ["scam.test"], "the name was resolved again after the check"
    assert connects == [(PUBLIC, server.port)]
    assert server.sni_names == ["scam.test"]
    assert server.host_headers == [f"scam.test:{server.port}"]


def test_fetch_page_refuses_a_certificate_for_another_name(
    serve_as: ServeAs, trusts_test_ca: ssl.SSLContext, connects: list[tuple[str, int]]
) -> None:
    server = serve_as("other.test")
    with _client(trusts_test_ca) as client, pytest.raises(FetchError) as raised:
        fetch_page(f"https://scam.test:{server.port}/kefu", client=client, resolve=CountingResolver())
    assert raised.value.code == "fetch.failed"
    assert "Hostname mismatch" in str(raised.value)
    assert connects == [(PUBLIC, server.port)]
    assert server.host_headers == []


def test_fetch_page_still_refuses_a_name_that_resolves_to_loopback(
    serve_as: ServeAs, trusts_test_ca: ssl.SSLContext, connects: list[tuple[str, int]]
) -> None:
    server = serve_as("scam.test")
    with _client(trusts_test_ca) as client, pytest.raises(FetchError, match="non-public"):
        fetch_page(f"https://scam.test:{server.port}/kefu", client=client, resolve=lambda h, p: ["127.0.0.1"])
    assert connects == []
    assert server.sni_names == []


def test_update_fetch_connects_to_the_checked_address_and_verifies_the_name(
    serve_as: ServeAs, trusts_test_ca: ssl.SSLContext, connects: list[tuple[str, int]]
) -> None:
    server = serve_as("scam.test")
    resolve = CountingResolver()
    with _client(trusts_test_ca) as client:
        body = fetch_update(f"https://scam.test:{server.port}/v6.json", client=client, resolve=resolve)
    assert body == PAGE
    assert resolve.asked == ["scam.test"]
    assert connects == [(PUBLIC, server.port)]
    assert server.sni_names == ["scam.test"]
    assert server.host_headers == [f"scam.test:{server.port}"]


def test_update_fetch_refuses_a_certificate_for_another_name(
    serve_as: ServeAs, trusts_test_ca: ssl.SSLContext, connects: list[tuple[str, int]]
) -> None:
    server = serve_as("other.test")
    with _client(trusts_test_ca) as client, pytest.raises(UpdateError, match="Hostname mismatch"):
        fetch_update(f"https://scam.test:{server.port}/v6.json", client=client, resolve=CountingResolver())
    assert connects == [(PUBLIC, server.port)]
    assert server.host_headers == []


@pytest.fixture
def machine_trusts_test_ca(pki: Pki, monkeypatch: pytest.MonkeyPatch) -> None:
    """The clients fetch_page and update.fetch build trust the test CA (instead of certifi's)."""
    monkeypatch.setattr(
        httpx, "create_ssl_context", lambda **_: ssl.create_default_context(cafile=str(pki.ca))
    )


def test_a_redirect_to_another_name_on_the_same_address_is_verified_for_that_name(
    serve_as: ServeAs, machine_trusts_test_ca: None, connects: list[tuple[str, int]]
) -> None:
    """fetch_page's own client, trusting the test CA as a machine trusts its CAs: a redirect to
    other.test, which resolves to the same address, must not ride on the connection verified
    for scam.test (connection pools are keyed by address; the client keeps none alive); it
    gets its own handshake, with other.test in SNI, and the scam.test certificate is refused."""
    server = serve_as("scam.test")
    url = f"https://scam.test:{server.port}/go-to/other.test:{server.port}/kefu"
    with pytest.raises(FetchError) as raised:
        fetch_page(url, resolve=lambda host, port: [PUBLIC], timeout=5)
    assert raised.value.code == "fetch.failed"
    assert "Hostname mismatch" in str(raised.value)
    assert server.sni_names == ["scam.test", "other.test"]
    assert server.host_headers == [f"scam.test:{server.port}"], "the request for other.test was sent"
    assert connects == [(PUBLIC, server.port), (PUBLIC, server.port)]


def test_fetch_page_own_client_verifies_the_name(
    serve_as: ServeAs, machine_trusts_test_ca: None, connects: list[tuple[str, int]]
) -> None:
    server = serve_as("scam.test")
    page = fetch_page(f"https://scam.test:{server.port}/kefu", resolve=lambda host, port: [PUBLIC], timeout=5)
    assert page.text == PAGE.decode()
    assert server.sni_names == ["scam.test"]
    assert server.host_headers == [f"scam.test:{server.port}"]


@pytest.mark.parametrize("which", ["page", "update"])
def test_headers_dripped_over_tls_end_at_the_deadline(
    serve_as: ServeAs, machine_trusts_test_ca: None, connects: list[tuple[str, int]], which: str
) -> None:
    """The deadline also holds on the TLS stream (tests/integration/test_deadlines.py has the
    plain-TCP cases): the handshake succeeds, then the headers come one byte every 0.2 s."""
    server = serve_as("scam.test")
    url = f"https://scam.test:{server.port}/drip"
    start = time.monotonic()
    with pytest.raises((FetchError, UpdateError)) as raised:
        if which == "page":
            fetch_page(url, resolve=lambda host, port: [PUBLIC], timeout=1.5)
        else:
            fetch_update(url, resolve=lambda host, port: [PUBLIC], timeout=1.5)
    elapsed = time.monotonic() - start
    assert raised.value.code == "fetch.too_slow"
    assert 1.45 <= elapsed <= 2.0, elapsed
    assert server.sni_names == ["scam.test"]
