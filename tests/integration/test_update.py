"""``verifier update`` against a real HTTP server on 127.0.0.1 serving signed bundles."""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import respx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from typer.testing import CliRunner

from tests.conftest import NOW, SignFn
from verifier.allowlist.bundleformat import canonical_bytes
from verifier.allowlist.store import highest_seen, load_allowlist
from verifier.allowlist.trust import Root, key_id, root_document, sign_document
from verifier.allowlist.update import UpdateError, check_url, fetch, update
from verifier.cli import app
from verifier.errors import ExpiredBundleError, RollbackError, UnsignedBundleError

SHIPPED = Path("verifier/data/allowlist.json")


def _publish_shipped(www: Path) -> None:
    """The shipped bundle and the target files it names, as a release location serves them."""
    (www / "allowlist.json").write_bytes(SHIPPED.read_bytes())
    for name in json.loads(SHIPPED.read_bytes())["signed"].get("targets", {}):
        (www / name).write_bytes((SHIPPED.parent / name).read_bytes())


class _Handler(http.server.SimpleHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/v6.json")
            self.end_headers()
            return
        super().do_GET()

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the client hanging up on an oversize body is expected in these tests


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A real HTTP server on 127.0.0.1 serving files from a temporary directory."""
    root = tmp_path / "www"
    root.mkdir()

    def handler(*args: object) -> _Handler:
        return _Handler(*args, directory=str(root))  # type: ignore[arg-type]

    httpd = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", root
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_update_installs_newer_bundle_and_checks_use_it(
    server: tuple[str, Path], sign_bundle: SignFn, test_root: Root, isolated_state: Path
) -> None:
    base, www = server
    (www / "v6.json").write_bytes(sign_bundle(0, 1, version=6))
    result = update(f"{base}/v6.json", directory=isolated_state, root=test_root, now=NOW)
    assert result.version == 6
    assert highest_seen(isolated_state) == 6
    loaded = load_allowlist(root=test_root, directory=isolated_state, now=NOW)
    assert (loaded.verified, loaded.version) == (True, 6)


@pytest.mark.parametrize(
    ("signers", "overrides", "error"),
    [
        ((0,), {"version": 7}, UnsignedBundleError),
        ((0, 1), {"version": 7, "expires": "2026-01-01T00:00:00Z"}, ExpiredBundleError),
        ((0, 1), {"version": 4}, RollbackError),
    ],
)
def test_update_refuses_bad_bundles_and_installs_nothing(
    server: tuple[str, Path],
    sign_bundle: SignFn,
    test_root: Root,
    isolated_state: Path,
    signers: tuple[int, ...],
    overrides: dict[str, object],
    error: type[Exception],
) -> None:
    base, www = server
    (www / "v6.json").write_bytes(sign_bundle(0, 1, version=6))
    update(f"{base}/v6.json", directory=isolated_state, root=test_root, now=NOW)
    installed = (isolated_state / "allowlist.json").read_bytes()
    (www / "bad.json").write_bytes(sign_bundle(*signers, **overrides))
    with pytest.raises(error):
        update(f"{base}/bad.json", directory=isolated_state, root=test_root, now=NOW)
    assert (isolated_state / "allowlist.json").read_bytes() == installed
    assert highest_seen(isolated_state) == 6


def test_update_refuses_redirects_missing_files_and_oversize(
    server: tuple[str, Path], sign_bundle: SignFn, test_root: Root, isolated_state: Path
) -> None:
    base, www = server
    (www / "v6.json").write_bytes(sign_bundle(0, 1, version=6))
    with pytest.raises(UpdateError, match="HTTP 302"):
        update(f"{base}/redirect", directory=isolated_state, root=test_root, now=NOW)
    with pytest.raises(UpdateError, match="HTTP 404"):
        update(f"{base}/missing.json", directory=isolated_state, root=test_root, now=NOW)
    (www / "big.json").write_bytes(b" " * (9 * 1024 * 1024))
    with pytest.raises(UpdateError, match="larger than"):
        update(f"{base}/big.json", directory=isolated_state, root=test_root, now=NOW)
    assert not (isolated_state / "allowlist.json").exists()


def _publish_rotation(www: Path, moderator_keys: list[Ed25519PrivateKey], sign_bundle: SignFn) -> None:
    """Root 2 (moderator 0 and a newcomer, signed by the old threshold and the new keys) and a
    bundle v6 signed under it, as files a server publishes."""
    newcomer = Ed25519PrivateKey.generate()
    document = root_document([moderator_keys[0].public_key(), newcomer.public_key()], threshold=2, version=2)
    for key in (moderator_keys[0], moderator_keys[1], newcomer):
        document = sign_document(document, key)
    (www / "2.root.json").write_bytes(canonical_bytes(document))
    bundle = sign_document(sign_document(json.loads(sign_bundle()), moderator_keys[0]), newcomer)
    (www / "v6.json").write_bytes(canonical_bytes(bundle))


def test_update_with_rotated_root(
    server: tuple[str, Path],
    moderator_keys: list[Ed25519PrivateKey],
    sign_bundle: SignFn,
    test_root: Root,
    isolated_state: Path,
) -> None:
    base, www = server
    _publish_rotation(www, moderator_keys, sign_bundle)
    result = update(
        f"{base}/v6.json",
        directory=isolated_state,
        root=test_root,
        root_urls=(f"{base}/2.root.json",),
        now=NOW,
    )
    assert result.root_version == 2
    assert (isolated_state / "roots" / "2.root.json").exists()


class _SlowHandler(_Handler):
    def do_GET(self) -> None:
        time.sleep(0.6)  # each answer well within the limit; two of them are not
        super().do_GET()


def test_a_rotated_root_and_the_bundle_share_one_time_limit(
    tmp_path: Path,
    moderator_keys: list[Ed25519PrivateKey],
    sign_bundle: SignFn,
    test_root: Root,
    isolated_state: Path,
) -> None:
    www = tmp_path / "www"
    www.mkdir()
    _publish_rotation(www, moderator_keys, sign_bundle)

    def handler(*args: object) -> _SlowHandler:
        return _SlowHandler(*args, directory=str(www))  # type: ignore[arg-type]

    httpd = _Server(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        started = time.monotonic()
        with pytest.raises(UpdateError) as raised:
            update(
                f"{base}/v6.json",
                directory=isolated_state,
                root=test_root,
                root_urls=(f"{base}/2.root.json",),
                now=NOW,
                timeout=1.0,
            )
        elapsed = time.monotonic() - started
        assert raised.value.code == "fetch.too_slow"
        assert 0.95 <= elapsed <= 1.6, elapsed
        assert not (isolated_state / "roots" / "2.root.json").exists()  # nothing installed
        # With time enough for both, the same update goes through.
        result = update(
            f"{base}/v6.json",
            directory=isolated_state,
            root=test_root,
            root_urls=(f"{base}/2.root.json",),
            now=NOW,
        )
        assert result.root_version == 2
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/a.json",
        "ftp://127.0.0.1/a.json",
        "https://10.0.0.1/a.json",
        "https://127.0.0.1/a.json",
        "https://[::1]/a.json",
        "https://192.168.1.1/a.json",
        "not a url",
    ],
)
def test_update_urls_are_https_and_public(url: str) -> None:
    with pytest.raises(UpdateError):
        check_url(url)


def test_cli_update_installs_the_real_signed_bundle(server: tuple[str, Path], isolated_state: Path) -> None:
    base, www = server
    _publish_shipped(www)
    runner = CliRunner()
    result = runner.invoke(app, ["update", "--url", f"{base}/allowlist.json"])
    assert result.exit_code == 0, result.stderr
    assert "installed allowlist version" in result.stdout
    assert (isolated_state / "allowlist.json").read_bytes() == SHIPPED.read_bytes()
    checked = runner.invoke(app, ["check", "tokenpocket.pro"])
    assert checked.exit_code == 0


def test_cli_update_refuses_bundle_signed_by_untrusted_keys(
    server: tuple[str, Path], sign_bundle: SignFn, isolated_state: Path
) -> None:
    base, www = server
    (www / "v6.json").write_bytes(sign_bundle(0, 1, version=6))
    result = CliRunner().invoke(app, ["update", "--url", f"{base}/v6.json"])
    assert result.exit_code == 3
    assert "keys the root does not trust" in result.stderr
    assert not (isolated_state / "allowlist.json").exists()


def test_cli_update_refuses_plain_http_to_a_remote_host() -> None:
    result = CliRunner().invoke(app, ["update", "--url", "http://example.com/allowlist.json"])
    assert result.exit_code == 1
    assert "https" in result.stderr


@respx.mock
def test_an_https_update_connects_to_the_address_it_checked() -> None:
    """A mirror cannot be served over real TLS here: respx stands in for it."""
    route = respx.get("https://93.184.216.34/allowlist.json").respond(200, content=b"bundle bytes")
    data = fetch("https://mirror.test/allowlist.json", resolve=lambda host, port: ["93.184.216.34"])
    assert data == b"bundle bytes"
    sent = route.calls.last.request
    assert (sent.headers["host"], sent.extensions["sni_hostname"]) == ("mirror.test", "mirror.test")
    with pytest.raises(UpdateError, match="non-public"):
        fetch("https://mirror.test/allowlist.json", resolve=lambda host, port: ["93.184.216.34", "10.1.2.3"])


# `verifier update --lang en|zh`: every line it prints, in both languages, against the real
# server above; the English is what it printed before it had --lang.

ROOT_VERSION = json.loads(Path("verifier/data/root.json").read_bytes())["signed"]["version"]


def _update(url: str, lang: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["update", "--url", url, "--lang", lang])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_cli_update_says_what_it_installed_in_the_asked_language(
    server: tuple[str, Path], isolated_state: Path, lang: str
) -> None:
    base, www = server
    _publish_shipped(www)
    shipped = json.loads(SHIPPED.read_bytes())["signed"]
    version, expires, path = shipped["version"], shipped["expires"], isolated_state / "allowlist.json"
    expected = {
        "en": f"installed allowlist version {version} (expires {expires}) at {path}; "
        f"root version {ROOT_VERSION}",
        "zh": f"已安装官方名单版本 {version}（有效期至 {expires}），位置：{path}；信任根版本 {ROOT_VERSION}",
    }[lang]
    assert _update(f"{base}/allowlist.json", lang) == (0, expected + "\n", "")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_cli_update_says_why_a_bundle_by_untrusted_keys_was_refused(
    server: tuple[str, Path],
    sign_bundle: SignFn,
    moderator_keys: list[Ed25519PrivateKey],
    isolated_state: Path,
    lang: str,
) -> None:
    base, www = server
    (www / "v6.json").write_bytes(sign_bundle(0, 1, version=6))
    ids = ", ".join(sorted(key_id(k.public_key())[:12] for k in moderator_keys[:2]))
    expected = {
        "en": "Error: the downloaded allowlist was refused: bundle: 0 valid signature(s) from trusted keys, "
        f"2 required; signatures by keys the root does not trust: {ids}",
        "zh": "错误：下载的名单未被接受：名单：受信任密钥的有效签名有 0 个，至少需要 2 个；"
        f"以下签名所用的密钥不受信任根信任：{ids}",
    }[lang]
    assert _update(f"{base}/v6.json", lang) == (3, "", expected + "\n")
    assert not (isolated_state / "allowlist.json").exists()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_cli_update_says_why_an_older_real_bundle_was_refused(
    server: tuple[str, Path], isolated_state: Path, lang: str
) -> None:
    base, www = server
    _publish_shipped(www)
    version = json.loads(SHIPPED.read_bytes())["signed"]["version"]
    (isolated_state / "state.json").write_text(json.dumps({"highest_version": version + 1}), "utf-8")
    expected = {
        "en": "Error: the downloaded allowlist was refused: "
        f"bundle version {version} is older than version {version + 1} accepted before",
        "zh": f"错误：下载的名单未被接受：名单版本 {version} 比此前已接受的版本 {version + 1} 更旧",
    }[lang]
    assert _update(f"{base}/allowlist.json", lang) == (3, "", expected + "\n")
    assert not (isolated_state / "allowlist.json").exists()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_cli_update_says_why_it_could_not_fetch_in_the_asked_language(
    server: tuple[str, Path], lang: str
) -> None:
    base, _ = server
    missing = {
        "en": f"Error: {base}/missing.json answered HTTP 404",
        "zh": f"错误：{base}/missing.json 返回了 HTTP 404",
    }[lang]
    assert _update(f"{base}/missing.json", lang) == (1, "", missing + "\n")
    plain_http = {
        "en": "Error: update URLs must be https:// (plain http only for a loopback test server)",
        "zh": "错误：更新地址必须以 https:// 开头（只有本机回环地址上的测试服务器可以用 http）",
    }[lang]
    assert _update("http://example.com/allowlist.json", lang) == (1, "", plain_http + "\n")
    invalid = {
        "en": "Error: not a valid URL: 'https://[::1'",
        "zh": "错误：不是有效的网址：'https://[::1'",
    }[lang]
    assert _update("https://[::1", lang) == (1, "", invalid + "\n")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_cli_update_says_when_it_cannot_store_the_bundle(
    server: tuple[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    base, www = server
    _publish_shipped(www)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", "utf-8")
    monkeypatch.setenv("VERIFIER_STATE_DIR", str(blocker / "state"))
    expected = {
        "en": f"Error: cannot write to {blocker / 'state'}: Not a directory",
        "zh": f"错误：无法写入 {blocker / 'state'}：路径中有一部分不是目录",
    }[lang]
    assert _update(f"{base}/allowlist.json", lang) == (1, "", expected + "\n")


# The update URL is read as a browser reads it (WHATWG): the host checked is the one connected to.


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.test\\@mirror.test/allowlist.json",
        "https://evil.test:443\\@mirror.test/allowlist.json",
        "https:\\\\evil.test\\allowlist.json",
        "https:evil.test/allowlist.json",
    ],
)
def test_an_update_url_is_checked_for_the_host_a_browser_opens(url: str) -> None:
    asked: list[str] = []

    def resolve(host: str, port: int) -> list[str]:
        asked.append(host)
        return {"evil.test": ["10.1.2.3"], "mirror.test": ["93.184.216.34"]}[host]

    with pytest.raises(UpdateError, match="non-public"):
        check_url(url, resolve=resolve)
    assert asked == ["evil.test"]


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("https://user:pw@mirror.test/allowlist.json", "fetch.userinfo"),
        ("https://mirror.test:99999/allowlist.json", "fetch.invalid_url"),
        ("ftp://mirror.test/allowlist.json", "update.not_https"),
        ("http://127.0.0.1.nip.io/allowlist.json", "update.not_https"),
        ("http://0x7f.1/allowlist.json", None),  # loopback as a browser spells it: plain http allowed
    ],
)
def test_update_urls_refused_or_allowed_by_their_browser_reading(url: str, code: str | None) -> None:
    def resolve(host: str, port: int) -> list[str]:
        return ["93.184.216.34"]

    if code is None:
        assert check_url(url, resolve=resolve) == url
        return
    with pytest.raises(UpdateError) as raised:
        check_url(url, resolve=resolve)
    assert raised.value.code == code
