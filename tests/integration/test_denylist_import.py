"""``verifier denylist import`` against a real HTTP server on 127.0.0.1 serving feed documents
in their upstream formats (fixtures cut from real snapshots), and from files."""

from __future__ import annotations

import http.server
import io
import json
import tarfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from verifier.allowlist.feeds import read_source
from verifier.cli import app

FIXTURES = Path(__file__).parent.parent / "data" / "feeds"


@pytest.fixture
def www(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    root = tmp_path / "www"
    root.mkdir()

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    def handler(*args: object) -> Handler:
        return Handler(*args, directory=str(root))  # type: ignore[arg-type]

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", root
    finally:
        httpd.shutdown()
        httpd.server_close()


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["denylist", "import", *args])
    return result.exit_code, result.output


def test_polkadot_over_http_then_a_refresh_keeps_first_snapshots(
    www: tuple[str, Path], tmp_path: Path
) -> None:
    base, root = www
    document = json.loads((FIXTURES / "polkadot-js-all.json").read_text())
    (root / "all.json").write_text(json.dumps(document))
    out = tmp_path / "feeds"
    code, output = _run("polkadot-js", "--url", f"{base}/all.json", "--out", str(out), "--snapshot", "s1")
    assert code == 0, output
    header, hosts = read_source(out / "polkadot-js.txt")
    assert header["feed"] == "polkadot-js" and header["licence"] == "Apache-2.0"
    assert "evil-support.pages.dev" in hosts and "bitget.com" not in hosts and "pages.dev" not in hosts
    assert "31 hosts (31 added, 0 removed)" in output and "1 official" in output
    # The next snapshot drops one host and adds one; hosts seen before keep "s1".
    gone = document["deny"].pop(0)
    document["deny"].append("new-phish.example.com")
    (root / "all.json").write_text(json.dumps(document))
    code, output = _run("polkadot-js", "--url", f"{base}/all.json", "--out", str(out), "--snapshot", "s2")
    assert code == 0 and "(1 added, 1 removed)" in output, output
    _, hosts = read_source(out / "polkadot-js.txt")
    assert hosts["new-phish.example.com"] == "s2" and hosts["evil-support.pages.dev"] == "s1"
    assert gone not in hosts


def test_eth_phishing_detect_through_npm_metadata_and_tarball(www: tuple[str, Path], tmp_path: Path) -> None:
    base, root = www
    data = (FIXTURES / "eth-phishing-detect-config.json").read_bytes()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        info = tarfile.TarInfo("package/src/config.json")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    (root / "pkg.tgz").write_bytes(buffer.getvalue())
    (root / "latest").write_text(
        json.dumps({"name": "eth-phishing-detect", "dist": {"tarball": f"{base}/pkg.tgz"}})
    )
    out = tmp_path / "feeds"
    code, output = _run("eth-phishing-detect", "--url", f"{base}/latest", "--out", str(out))
    assert code == 0, output
    _, hosts = read_source(out / "eth-phishing-detect.txt")
    assert len(hosts) == len(json.loads(data)["blacklist"]) - 6
    assert "tokenpocket.pro" not in hosts


def test_a_feed_we_may_not_redistribute_stays_out_of_the_project_sources(tmp_path: Path) -> None:
    code, output = _run("scamsniffer", "--file", str(FIXTURES / "scamsniffer-domains.json"))
    assert code == 2 and "GPL-3.0" in output
    code, output = _run(
        "scamsniffer", "--file", str(FIXTURES / "scamsniffer-domains.json"), "--out", str(tmp_path / "mine")
    )
    assert code == 0 and (tmp_path / "mine" / "scamsniffer.txt").exists(), output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("phishtank",), "unknown feed"),
        (("polkadot-js", "--url", "http://example.com/all.json"), "cannot fetch"),  # plain http, not loopback
        (("polkadot-js", "--url", "https://10.0.0.1/all.json"), "cannot fetch"),  # a private address
        (("polkadot-js", "--file", "/nonexistent/all.json"), "cannot read"),
    ],
)
def test_bad_feeds_and_sources_are_clear_errors(args: tuple[str, ...], message: str, tmp_path: Path) -> None:
    code, output = _run(*args, "--out", str(tmp_path / "feeds"))
    assert code in (1, 2) and message in output, output
    assert "Traceback" not in output


def test_a_document_in_another_format_is_refused_and_nothing_written(
    www: tuple[str, Path], tmp_path: Path
) -> None:
    base, root = www
    (root / "all.json").write_text('{"allow": []}')
    code, output = _run("polkadot-js", "--url", f"{base}/all.json", "--out", str(tmp_path / "feeds"))
    assert code == 1 and "'deny'" in output
    assert not (tmp_path / "feeds").exists()
