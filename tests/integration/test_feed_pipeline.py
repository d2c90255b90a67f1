"""Issue 15 end to end with real parts: a real HTTP server on 127.0.0.1 serves feed documents in
their upstream formats (fixtures cut from real snapshots); they are imported, built into a bundle
and its signed denylist file, signed with throwaway keys, verified, published on the same server,
installed by an update and used by checks (known_scam). A tampered or cut denylist file is
refused (exit 3). ``verifier serve`` offers its bundle and denylist file to replicas."""

from __future__ import annotations

import datetime as dt
import http.server
import io
import json
import shutil
import tarfile
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from typer.testing import CliRunner

from tests.conftest import TEST_SOURCES
from tests.integration.live_server import serving
from verifier import check
from verifier.allowlist.bundleformat import DENYLIST_TARGET
from verifier.allowlist.store import highest_seen, load_allowlist, state_dir
from verifier.allowlist.trust import Root
from verifier.allowlist.update import update
from verifier.cli import app
from verifier.errors import BundleFormatError
from verifier.service.app import ServiceSettings, create_app

FIXTURES = Path(__file__).parent.parent / "data" / "feeds"
SHIPPED = Path("verifier/data/allowlist.json")
runner = CliRunner()


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


def _npm_tarball(config: bytes) -> bytes:
    """eth-phishing-detect as npm publishes it: package/src/config.json in a gzipped tar."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        info = tarfile.TarInfo("package/src/config.json")
        info.size = len(config)
        archive.addfile(info, io.BytesIO(config))
    return buffer.getvalue()


def _keys(directory: Path) -> tuple[list[Path], Path]:
    """Three throwaway moderator keys and a root (threshold 2) written by the CLI."""
    privates, publics = [], []
    for index in range(3):
        key = Ed25519PrivateKey.generate()
        private, public = directory / f"mod-{index}.pem", directory / f"mod-{index}.pub.pem"
        private.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        public.write_bytes(
            key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
        privates.append(private)
        publics.append(public)
    root = directory / "root.json"
    init = ["allowlist", "init-root", *[a for p in publics for a in ("--key", str(p))], "--out", str(root)]
    assert runner.invoke(app, init).exit_code == 0
    for private in privates:
        assert runner.invoke(app, ["allowlist", "sign", "--key", str(private), str(root)]).exit_code == 0
    return privates, root


def _cli(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def test_import_build_sign_verify_update_and_check(
    www: tuple[str, Path], tmp_path: Path, isolated_state: Path
) -> None:
    base, served = www
    (served / "eth-phishing-detect-1.2.0.tgz").write_bytes(
        _npm_tarball((FIXTURES / "eth-phishing-detect-config.json").read_bytes())
    )
    shutil.copy(FIXTURES / "polkadot-js-all.json", served / "all.json")
    sources = tmp_path / "allowlists"
    shutil.copytree(TEST_SOURCES, sources)
    feeds = sources / "feeds"
    for feed, path in (("eth-phishing-detect", "eth-phishing-detect-1.2.0.tgz"), ("polkadot-js", "all.json")):
        code, out, err = _cli("denylist", "import", feed, "--url", f"{base}/{path}", "--out", feeds)
        assert code == 0, out + err
    listed = {
        line.split()[0]
        for name in ("eth-phishing-detect", "polkadot-js")
        for line in (feeds / f"{name}.txt").read_text().splitlines()
        if not line.startswith("#")
    }
    assert len(listed) > 10
    host = sorted(listed)[len(listed) // 2]

    keys, root_file = _keys(tmp_path)
    release = tmp_path / "release"
    bundle = release / "allowlist.json"
    code, out, err = _cli("allowlist", "build", "--sources", sources, "--out", bundle)
    assert code == 0 and DENYLIST_TARGET in out, out + err
    for key in keys[:2]:
        assert _cli("allowlist", "sign", "--key", key, bundle)[0] == 0
    code, out, err = _cli("allowlist", "verify", "--release", "--root", root_file, bundle)
    assert code == 0 and f"{DENYLIST_TARGET}: OK" in out, out + err

    # publish beside each other on the server; a client updates and checks with the feed
    for name in ("allowlist.json", DENYLIST_TARGET):
        shutil.copy(release / name, served / name)
    root = Root.from_json(root_file.read_bytes())
    installed = update(f"{base}/allowlist.json", directory=isolated_state, root=root)
    assert installed.version == highest_seen(isolated_state) == 5
    allowlist = load_allowlist(root=root, directory=isolated_state)
    assert allowlist.verified and allowlist.feed_hosts is not None
    result = check(f"https://secure.{host}/connect", allowlist=allowlist)
    assert result.verdict.value == "known_scam", result.reasons
    assert any(feed in result.reasons[0].message for feed in ("eth-phishing-detect", "polkadot-js"))
    assert check(host, allowlist=allowlist, use_denylist=False).verdict.value != "known_scam"

    # a changed or cut denylist file: the update refuses it, and the CLI's verify exits 3
    good = (release / DENYLIST_TARGET).read_bytes()
    for bad in (good.replace(host.encode(), b"x" * len(host)), good + b"more.example 00\n", good[:-40]):
        (served / DENYLIST_TARGET).write_bytes(bad)
        with pytest.raises(BundleFormatError) as refused:
            update(f"{base}/allowlist.json", directory=tmp_path / "other-state", root=root)
        assert refused.value.code == "target.mismatch"
        (release / DENYLIST_TARGET).write_bytes(bad)
        code, _, err = _cli("allowlist", "verify", "--root", root_file, bundle)
        assert code == 3 and DENYLIST_TARGET in err
    assert not (tmp_path / "other-state" / "allowlist.json").exists()

    # the installed file changed on disk after the update: the client fails closed
    stored = next((isolated_state / "targets").iterdir())
    stored.write_bytes(stored.read_bytes().replace(host.encode(), b"y" * len(host)))
    tampered = load_allowlist(root=root, directory=isolated_state)
    assert not tampered.verified and DENYLIST_TARGET in (tampered.problem or "")


def _publish_shipped(www: Path, target: bytes | None = None) -> None:
    (www / "allowlist.json").write_bytes(SHIPPED.read_bytes())
    (www / DENYLIST_TARGET).write_bytes(target or (SHIPPED.parent / DENYLIST_TARGET).read_bytes())


def test_cli_update_uses_the_default_location_and_refuses_a_tampered_denylist_with_exit_3(
    www: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    base, served = www
    good = (SHIPPED.parent / DENYLIST_TARGET).read_bytes()
    monkeypatch.setenv("VERIFIER_UPDATE_URL", f"{base}/allowlist.json")
    for bad in (good.replace(b"\n0", b"\n1", 1), good + b"x"):
        _publish_shipped(served, bad)
        code, _, err = _cli("update")
        assert code == 3 and DENYLIST_TARGET in err, err
        assert not (state_dir() / "allowlist.json").exists()
    _publish_shipped(served)
    code, out, err = _cli("update")  # no --url: $VERIFIER_UPDATE_URL
    assert code == 0, err
    assert (state_dir() / "allowlist.json").read_bytes() == SHIPPED.read_bytes()
    assert [p.read_bytes() for p in (state_dir() / "targets").iterdir()] == [good]
    listed = good.splitlines()[-1].split()[0].decode()
    code, out, _ = _cli("check", f"login.{listed}", "--json")
    assert code == 1 and json.loads(out)["verdict"] == "known_scam"


def test_serve_offers_its_bundle_and_denylist_so_a_replica_updates_from_it(tmp_path: Path) -> None:
    with serving(create_app(ServiceSettings())) as base:
        bundle = httpx.get(f"{base}/v1/allowlist/bundle")
        assert bundle.status_code == 200 and bundle.content == SHIPPED.read_bytes()
        hosts = httpx.get(f"{base}/v1/allowlist/{DENYLIST_TARGET}")
        assert hosts.content == (SHIPPED.parent / DENYLIST_TARGET).read_bytes()
        assert httpx.get(f"{base}/v1/allowlist/other.txt").status_code == 404
        health = httpx.get(f"{base}/healthz").json()
        expires = dt.datetime.fromisoformat(health["allowlist"]["expires"].replace("Z", "+00:00"))
        assert health["days_left"] == (expires - dt.datetime.now(dt.UTC)).days
        assert health["denylist_hosts"] > 10_000
        metrics = httpx.get(f"{base}/metrics").text
        assert f"verifier_allowlist_expiry_days {float(health['days_left'])}" in metrics
        assert f"verifier_denylist_hosts {float(health['denylist_hosts'])}" in metrics
        replica = tmp_path / "replica"
        installed = update(f"{base}/v1/allowlist/bundle", directory=replica)
        assert installed.version == json.loads(SHIPPED.read_bytes())["signed"]["version"]
        assert load_allowlist(directory=replica).feed_hosts is not None


def test_the_cli_warns_on_stderr_when_fewer_than_30_days_remain(monkeypatch: pytest.MonkeyPatch) -> None:
    from verifier.allowlist.model import Allowlist

    monkeypatch.setattr(Allowlist, "days_left", lambda self, now=None: 12)
    code, out, err = _cli("check", "tokenpocket.pro")
    assert code == 0 and "OFFICIAL" in out
    assert "expires in 12 days" in err and "verifier update" in err
    code, _, err = _cli("check", "tokenpocket.pro", "--lang", "zh")
    assert code == 0 and "12 天后过期" in err
    monkeypatch.setattr(Allowlist, "days_left", lambda self, now=None: 45)
    assert _cli("check", "tokenpocket.pro")[2] == ""
