"""``verifier scan --online``: only public addresses, bounded, and the page really scanned.

Refusals are tested against a real HTTP server on 127.0.0.1, which must never see a request.
A public web page cannot be served here, so respx stands in for it (the request goes to the
checked address, with the name in the Host header and TLS SNI).
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import ClassVar

import httpx
import pytest
import respx
from typer.testing import CliRunner

from verifier import scan
from verifier.cli import app
from verifier.net.page import FetchError, fetch_page

PUBLIC = "93.184.216.34"
SCAM_PAGE = (
    "<html><body><h1>TokenPocket 官方客服</h1><p>Please send your 12-word seed phrase to our agent "
    "to unlock your wallet.</p><script>var x = 'ignored';</script></body></html>"
)


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Recorder.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"private")

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def private_server() -> Iterator[int]:
    """A real server on loopback: the thing a fetched URL must never reach."""
    _Recorder.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield int(server.server_address[1])
    server.shutdown()
    server.server_close()
    assert _Recorder.hits == [], "a refused URL reached the private server"


def resolver(table: dict[str, Sequence[str]]) -> Callable[[str, int], Sequence[str]]:
    def resolve(host: str, port: int) -> Sequence[str]:
        return table[host]

    return resolve


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/page",
        "http://localhost:{port}/page",
        "http://[::1]:{port}/page",
        "http://0.0.0.0:{port}/page",
        "http://10.0.0.1:{port}/page",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:127.0.0.1]:{port}/",
        # Spellings a browser reads as loopback (WHATWG host parsing), and IPv6 forms of it.
        "http://127.1:{port}/",
        "http://0x7f.0.0.1:{port}/",
        "http://2130706433:{port}/",
        "http://017700000001:{port}/",
        "http://127.0.0.1.:{port}/",
        "http://ＬＯＣＡＬＨＯＳＴ:{port}/",
        "http://[::127.0.0.1]:{port}/",
        "http://[::ffff:0:7f00:1]:{port}/",
        "http://[64:ff9b::7f00:1]:{port}/",
        "http://[2002:7f00:1::1]:{port}/",
        "http://[fec0::1]:{port}/",
    ],
)
def test_private_and_loopback_addresses_are_refused(private_server: int, url: str) -> None:
    with pytest.raises(FetchError, match="non-public"):
        fetch_page(url.format(port=private_server), timeout=2)


def test_a_name_resolving_to_loopback_is_refused(private_server: int) -> None:
    resolve = resolver({"rebind.test": ["127.0.0.1"], "mixed.test": [PUBLIC, "127.0.0.1"]})
    for host in ("rebind.test", "mixed.test"):
        with pytest.raises(FetchError, match="non-public"):
            fetch_page(f"http://{host}:{private_server}/", resolve=resolve, timeout=2)


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("ftp://scam.test/", "only http"),
        ("file:///etc/passwd", "only http"),
        ("https://user:pw@scam.test/", "user:password"),
        ("https://", "not a valid URL"),
        ("https://scam.test:99999/", "not a valid URL"),
        ("javascript:alert(1)", "only http"),
        ("https://scam.test/" + "a" * 3000, "too long"),
    ],
)
def test_urls_that_are_not_plain_web_pages_are_refused(url: str, says: str) -> None:
    with pytest.raises(FetchError, match=says):
        fetch_page(url, resolve=resolver({"scam.test": [PUBLIC]}))


@respx.mock
def test_a_public_page_is_fetched_from_the_checked_address_and_scanned() -> None:
    route = respx.get(f"https://{PUBLIC}/kefu").respond(
        200, headers={"content-type": "text/html; charset=utf-8"}, text=SCAM_PAGE
    )
    page = fetch_page("https://scam.test/kefu", resolve=resolver({"scam.test": [PUBLIC]}))
    sent = route.calls.last.request
    assert sent.headers["host"] == "scam.test"
    assert sent.extensions["sni_hostname"] == "scam.test"  # the certificate is checked for the name
    assert page.is_html and page.final_url == "https://scam.test/kefu"
    result = scan(page.text, html=page.is_html)
    assert result.risk == "high"
    assert "ignored" not in " ".join(p.excerpt for p in result.patterns)


@respx.mock
def test_each_redirect_target_is_checked_again(private_server: int) -> None:
    respx.get(f"http://{PUBLIC}/go").respond(302, headers={"location": f"http://127.0.0.1:{private_server}/"})
    with pytest.raises(FetchError, match="non-public"):
        fetch_page("http://scam.test/go", resolve=resolver({"scam.test": [PUBLIC]}))


@respx.mock
def test_redirects_are_followed_a_few_times_only() -> None:
    respx.get(f"http://{PUBLIC}/a").respond(302, headers={"location": "/b"})
    respx.get(f"http://{PUBLIC}/b").respond(302, headers={"location": "/a"})
    with pytest.raises(FetchError, match="redirects"):
        fetch_page("http://scam.test/a", resolve=resolver({"scam.test": [PUBLIC]}))
    respx.get(f"http://{PUBLIC}/c").respond(301, headers={"location": "/d"})
    respx.get(f"http://{PUBLIC}/d").respond(200, text="hello")
    page = fetch_page("http://scam.test/c", resolve=resolver({"scam.test": [PUBLIC]}))
    assert (page.text, page.final_url) == ("hello", "http://scam.test/d")


@respx.mock
def test_size_and_status_are_bounded() -> None:
    respx.get(f"http://{PUBLIC}/big").respond(200, content=b"x" * 5000)
    respx.get(f"http://{PUBLIC}/gone").respond(404)
    respx.get(f"http://{PUBLIC}/slow").mock(side_effect=httpx.ConnectTimeout("timed out"))
    resolve = resolver({"scam.test": [PUBLIC]})
    with pytest.raises(FetchError, match="larger than"):
        fetch_page("http://scam.test/big", resolve=resolve, max_bytes=1000)
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch_page("http://scam.test/gone", resolve=resolve)
    with pytest.raises(FetchError, match="longer than the time limit"):
        fetch_page("http://scam.test/slow", resolve=resolve)


def test_the_cli_needs_online_for_a_url_and_refuses_private_ones(private_server: int) -> None:
    runner = CliRunner()
    offline = runner.invoke(app, ["scan", "https://scam.test/page"])
    assert offline.exit_code == 2
    assert "--online" in offline.output
    refused = runner.invoke(app, ["scan", f"http://127.0.0.1:{private_server}/", "--online"])
    assert refused.exit_code == 2
    assert "non-public" in refused.output


# URLs and redirects are read as a browser reads them (WHATWG): the host checked and fetched
# is the one the browser would open, not the one another parser sees.


class AskedResolver:
    """Answers from a table and remembers which names it was asked for."""

    def __init__(self, table: dict[str, Sequence[str]]) -> None:
        self.table = table
        self.asked: list[str] = []

    def __call__(self, host: str, port: int) -> Sequence[str]:
        self.asked.append(host)
        return self.table[host]


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.test\\@scam.test/kefu",
        "https://evil.test\\\\@scam.test/kefu",
        "https://evil.test:443\\@scam.test/kefu",
        "https:\\\\evil.test\\kefu",
        "https:evil.test/kefu",
        "HTTPS://EVIL.TEST./kefu",
    ],
)
def test_the_host_checked_is_the_one_a_browser_opens(url: str) -> None:
    resolve = AskedResolver({"evil.test": ["10.9.9.9"], "evil.test.": ["10.9.9.9"], "scam.test": [PUBLIC]})
    with pytest.raises(FetchError, match="non-public"):
        fetch_page(url, resolve=resolve)
    assert resolve.asked[0] in ("evil.test", "evil.test.")


@respx.mock
@pytest.mark.parametrize(
    "location",
    [
        "\\\\evil.test\\x",  # a browser reads \\ as // here: another host
        "/\\evil.test/x",
        "//evil.test/x",
        "https:\\\\evil.test/x",
        "http://evil.test\\@scam.test/x",
    ],
)
def test_a_redirect_is_resolved_as_a_browser_resolves_it(location: str) -> None:
    respx.get(f"http://{PUBLIC}/go").respond(302, headers={"location": location})
    resolve = AskedResolver({"evil.test": ["10.9.9.9"], "scam.test": [PUBLIC]})
    with pytest.raises(FetchError, match="non-public"):
        fetch_page("http://scam.test/go", resolve=resolve)
    assert resolve.asked == ["scam.test", "evil.test"]


@respx.mock
def test_the_request_carries_the_path_a_browser_sends() -> None:
    route = respx.get(f"http://{PUBLIC}/b/c").respond(200, text="hello")
    page = fetch_page("http://scam.test/a/%2e%2E/b/./c#frag", resolve=resolver({"scam.test": [PUBLIC]}))
    assert page.final_url == "http://scam.test/b/c#frag"
    assert route.calls.last.request.headers["host"] == "scam.test"
