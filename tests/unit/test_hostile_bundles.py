"""Issue 12, finding 4 and two Low items: hostile bundles and roots.

Lone surrogates, 200k-deep nesting, duplicate keys (a bundle with "signed" twice verified:
the last one won), NaN and Infinity, huge integers and an ``expires`` beyond the release policy
(year 9999) must each end as a named problem: exit 3 or a lint error, never a traceback, in
every command (check, scan, serve start and live reload, update, allowlist
verify/sign/diff/build/lint) and in the service; and no invalid bundle ever makes anything
``official``. The bundles are real: the shipped one with the shipped root, and test bundles
signed by the session's throwaway Ed25519 keys. A property-based test mutates both.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.server
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import verifier
from tests.conftest import NOW, TEST_SOURCES, SignFn
from tests.integration.live_server import serving
from verifier.allowlist import strictjson
from verifier.allowlist.bundle import build_bundle, write_bundle
from verifier.allowlist.bundleformat import canonical_bytes
from verifier.allowlist.diff import diff_bundles, load_bundle_file
from verifier.allowlist.model import Allowlist
from verifier.allowlist.store import load_allowlist, shipped_root, trusted_root
from verifier.allowlist.trust import Root, root_document, sign_document, verify_bundle, verify_root_update
from verifier.allowlist.update import update
from verifier.cli import app
from verifier.errors import AllowlistError, BundleFormatError, ExpiredBundleError
from verifier.messages import Message
from verifier.model import Verdict
from verifier.service import ServiceSettings, create_service
from verifier.service.allowlist_reload import LiveAllowlist

PACKAGE = Path(verifier.__file__).parent
SHIPPED = PACKAGE / "data" / "allowlist.json"
BIN = Path(sys.executable).parent / "verifier"
runner = CliRunner()

# Values the test allowlist (acme) and the shipped one (tokenpocket) list as official.
OFFICIAL: list[tuple[str, dict[str, Any]]] = [
    ("acmewallet.com", {}),
    ("help@acmewallet.com", {"brand": "acme"}),
    ("@AcmeWallet_Official", {"platform": "telegram"}),
    ("tokenpocket.pro", {}),
]


# Hostile documents, each made from a real signed bundle.


def _signed_twice(sign: SignFn) -> bytes:
    """The attack: the first "signed" is what a strict reader would see; the last one, validly
    signed, is what json.loads kept. Either way two readers disagree about what was signed."""
    good = json.loads(sign(0, 1, version=6))
    evil = {**good["signed"], "brands": {}}
    body = canonical_bytes(good["signed"]).decode()
    return (
        '{"signed":'
        + json.dumps(evil)
        + ',"signed":'
        + body
        + ',"signatures":'
        + json.dumps(good["signatures"])
        + "}"
    ).encode()


def _insert(data: bytes, after: bytes, text: bytes) -> bytes:
    at = data.index(after) + len(after)
    return data[:at] + text + data[at:]


def _nested(sign: SignFn, depth: int) -> bytes:
    return _insert(sign(0, 1), b'"brands":{', b'"deep":' + b"[" * depth + b"]" * depth + b",")


HOSTILE: dict[str, Callable[[SignFn], bytes]] = {
    "surrogate-in-value": lambda s: s(0, 1).replace(b'"acmewallet.com"', b'"acmewallet.com\\ud800"', 1),
    "surrogate-in-key": lambda s: _insert(s(0, 1), b'"brands":{', b'"\\udfff":{"name":"x"},'),
    "surrogate-in-type": lambda s: s(0, 1).replace(b'"verifier-allowlist"', b'"verifier-allowlist\\ud800"'),
    "surrogate-in-signature": lambda s: s(0, 1).replace(b'"keyid":"', b'"keyid":"\\udc00', 1),
    "nesting-200k": lambda s: _nested(s, 200_000),
    "nesting-40": lambda s: _nested(s, 40),
    "signed-twice": _signed_twice,
    "duplicate-deep-key": lambda s: s(0, 1).replace(
        b'"value":"acmewallet.com"', b'"value":"evil.example","value":"acmewallet.com"', 1
    ),
    "nan": lambda s: _insert(s(0, 1), b'"signed":{', b'"weight":NaN,'),
    "infinity": lambda s: _insert(s(0, 1), b'"signed":{', b'"weight":-Infinity,'),
    "huge-version-signed": lambda s: s(0, 1, version=10**30),
    "huge-integer-4000-digits": lambda s: _insert(s(0, 1), b'"signed":{', b'"n":' + b"9" * 4000 + b","),
    "expires-year-9999-signed": lambda s: s(0, 1, expires="9999-12-31T23:59:59Z"),
    "expires-500-days-signed": lambda s: s(
        0, 1, expires=(dt.datetime.now(dt.UTC) + dt.timedelta(days=500)).strftime("%Y-%m-%dT%H:%M:%SZ")
    ),
}
CODES = {
    "surrogate-in-value": "document.surrogate",
    "surrogate-in-key": "document.surrogate",
    "surrogate-in-type": "document.surrogate",
    "surrogate-in-signature": "document.surrogate",
    "nesting-200k": "document.too_deep",
    "nesting-40": "document.too_deep",
    "signed-twice": "document.duplicate_key",
    "duplicate-deep-key": "document.duplicate_key",
    "nan": "document.float",
    "infinity": "document.float",
    "huge-version-signed": "document.number_too_large",
    "huge-integer-4000-digits": "document.number_too_large",
    "expires-year-9999-signed": "bundle.expires_beyond_policy",
    "expires-500-days-signed": "bundle.expires_beyond_policy",
}
NAMES = sorted(HOSTILE)


@pytest.fixture(params=NAMES)
def hostile(request: pytest.FixtureRequest, sign_bundle: SignFn, tmp_path: Path) -> tuple[str, Path]:
    path = tmp_path / "hostile.json"
    path.write_bytes(HOSTILE[request.param](sign_bundle))
    return request.param, path


def inner_codes(allowlist: Allowlist) -> list[str]:
    """The codes of the problems an allowlist names per bundle ("{file}: {problem}")."""
    codes = []
    for problem in allowlist.problems:
        inner = problem.params.get("problem")
        assert isinstance(inner, Message)
        codes.append(inner.code)
    return codes


def no_official(allowlist: Allowlist) -> None:
    for value, kwargs in OFFICIAL:
        try:
            result = verifier.check(value, allowlist=allowlist, **kwargs)
        except verifier.UnknownBrand:
            continue
        assert result.verdict is not Verdict.OFFICIAL, value


def test_each_hostile_bundle_is_refused_with_its_named_problem(
    hostile: tuple[str, Path], test_root: Root, isolated_state: Path
) -> None:
    name, path = hostile
    with pytest.raises(AllowlistError) as caught:
        verify_bundle(path.read_bytes(), test_root)
    assert caught.value.code == CODES[name]
    allowlist = load_allowlist(path, root=test_root, directory=isolated_state)
    assert not allowlist.verified
    assert inner_codes(allowlist) == [CODES[name]]
    no_official(allowlist)
    verifier.scan("Support: acmewallet.com, help@acmewallet.com, tokenpocket.pro", allowlist=allowlist)
    assert (isolated_state / "state.json").exists() is False  # nothing remembered


def test_the_unambiguous_bundle_these_are_made_from_verifies(sign_bundle: SignFn, test_root: Root) -> None:
    assert verify_bundle(sign_bundle(0, 1, version=6), test_root).version == 6


def test_a_bundle_with_signed_twice_does_not_verify(sign_bundle: SignFn, test_root: Root) -> None:
    data = _signed_twice(sign_bundle)
    assert json.loads(data)["signed"]["brands"] != {}  # what the old reader saw: the signed one
    with pytest.raises(BundleFormatError, match="the key 'signed' appears twice in one object"):
        verify_bundle(data, test_root)


def test_an_expiry_beyond_the_release_policy_does_not_verify(sign_bundle: SignFn, test_root: Root) -> None:
    with pytest.raises(ExpiredBundleError) as caught:
        verify_bundle(sign_bundle(0, 1, expires="9999-12-31T23:59:59Z"), test_root, now=NOW)
    assert str(caught.value) == (
        "bundle version 5 expires at 9999-12-31T23:59:59Z, more than 400 days from now "
        "(a bundle expires at most 400 days after signing)"
    )
    assert caught.value.text("zh") == (
        "名单版本 5 的有效期至 9999-12-31T23:59:59Z，距今超过 400 天（名单的有效期最长为签名后 400 天）"
    )
    at_limit = (NOW + dt.timedelta(days=400)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert verify_bundle(sign_bundle(0, 1, expires=at_limit), test_root, now=NOW).expires == at_limit


# The strict reader itself.


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ('{"a": 1, "a": 1}', "document.duplicate_key"),
        ('[{"x": {"b": [], "b": []}}]', "document.duplicate_key"),
        ('["\\ud800"]', "document.surrogate"),
        ('["ok \\udfff"]', "document.surrogate"),
        ('{"\\ud83d": 1}', "document.surrogate"),
        ("[" * 33 + "]" * 33, "document.too_deep"),
        ("[" * 200_000 + "]" * 200_000, "document.too_deep"),
        ('{"a":' * 100_000 + "1" + "}" * 100_000, "document.too_deep"),
        ("[NaN]", "document.float"),
        ("[Infinity]", "document.float"),
        ("[1.0]", "document.float"),
        ("[1e400]", "document.float"),
        ("[9223372036854775808]", "document.number_too_large"),
        ("[-9223372036854775808]", "document.number_too_large"),
        ("[" + "9" * 5000 + "]", "document.not_json"),
        ('["\\ud800', "document.not_json"),
    ],
)
def test_the_strict_reader_names_each_problem(text: str, code: str) -> None:
    with pytest.raises(BundleFormatError) as caught:
        strictjson.loads(text.encode())
    assert caught.value.code == code
    said = caught.value.text("zh")
    assert said and said.encode("utf-8")  # a message that can be printed


@pytest.mark.parametrize(
    "text",
    ['["\\ud83d\\ude00"]', '["\\\\ud800"]', "[" * 32 + "]" * 32, "[9223372036854775807]", '{"a": {"a": 1}}'],
)
def test_the_strict_reader_accepts_what_is_fine(text: str) -> None:
    assert strictjson.loads(text.encode()) == json.loads(text)


# Every command, in process (CliRunner) ...


def _no_traceback(result: Any) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output


def test_check_and_scan_exit_3_without_a_traceback(hostile: tuple[str, Path], tmp_path: Path) -> None:
    name, path = hostile
    for argv in (
        ["check", "tokenpocket.pro", "--allowlist", str(path), "--json"],
        ["check", "acmewallet.com", "--allowlist", str(path), "--lang", "zh"],
    ):
        result = runner.invoke(app, argv)
        _no_traceback(result)
        assert result.exit_code == 3, (name, result.output)
    text = tmp_path / "message.txt"
    text.write_text("Call tokenpocket.pro support or acmewallet.com", "utf-8")
    scanned = runner.invoke(app, ["scan", str(text), "--allowlist", str(path), "--json"])
    _no_traceback(scanned)
    assert scanned.exit_code == 3
    assert all(c["verdict"] != "official" for c in json.loads(scanned.stdout)["channels"])


def test_an_installed_hostile_bundle_falls_back_to_the_shipped_one(
    hostile: tuple[str, Path], isolated_state: Path
) -> None:
    _, path = hostile
    shutil.copy(path, isolated_state / "allowlist.json")
    allowlist = load_allowlist()  # the shipped root: the shipped bundle verifies
    assert allowlist.verified and allowlist.version == json.loads(SHIPPED.read_bytes())["signed"]["version"]


def test_allowlist_verify_exits_3_naming_the_problem(hostile: tuple[str, Path], tmp_path: Path) -> None:
    name, path = hostile
    root = tmp_path / "root.json"
    root.write_bytes(canonical_bytes(_root_document()))
    for argv in (["allowlist", "verify", str(path)], ["allowlist", "verify", str(path), "--root", str(root)]):
        result = runner.invoke(app, argv)
        _no_traceback(result)
        assert result.exit_code == 3, result.output
    assert CODES[name] in {"bundle.expires_beyond_policy"} or _english(CODES[name]) in result.stderr


def _english(code: str) -> str:
    """A fixed part of the code's English message, to find it in output."""
    return {
        "document.surrogate": "lone surrogate",
        "document.too_deep": "nested more than",
        "document.duplicate_key": "appears twice",
        "document.float": "floats are not allowed",
        "document.number_too_large": "an integer is beyond",
        "bundle.expires_beyond_policy": "days from now",
    }[code]


_MODERATORS = [Ed25519PrivateKey.generate() for _ in range(3)]


def _root_document() -> dict[str, Any]:
    document = root_document([k.public_key() for k in _MODERATORS], threshold=2, version=1)
    for key in _MODERATORS:
        document = sign_document(document, key)
    return document


def _pem(tmp_path: Path) -> Path:
    key = tmp_path / "mod.pem"
    key.write_bytes(
        _MODERATORS[0].private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return key


def test_allowlist_sign_refuses_without_a_traceback(hostile: tuple[str, Path], tmp_path: Path) -> None:
    name, path = hostile
    before = path.read_bytes()
    result = runner.invoke(app, ["allowlist", "sign", "--key", str(_pem(tmp_path)), str(path)])
    _no_traceback(result)
    assert result.exit_code == 3, result.output
    assert f"[{CODES[name]}]" in result.stderr
    assert path.read_bytes() == before  # nothing written


def test_allowlist_diff_refuses_without_a_traceback(hostile: tuple[str, Path]) -> None:
    name, path = hostile
    for argv in (
        ["allowlist", "diff", str(SHIPPED), str(path)],
        ["allowlist", "diff", str(path), str(SHIPPED)],
    ):
        result = runner.invoke(app, argv)
        _no_traceback(result)
        if CODES[name] == "bundle.expires_beyond_policy":  # well-formed: diff shows the change
            assert result.exit_code == 0
        else:
            assert result.exit_code == 3, result.output
            assert _english(CODES[name]) in result.stderr


def test_allowlist_build_replaces_a_hostile_existing_bundle(
    hostile: tuple[str, Path], tmp_path: Path
) -> None:
    _, path = hostile
    sources = tmp_path / "allowlists"
    shutil.copytree(TEST_SOURCES, sources)
    result = runner.invoke(app, ["allowlist", "build", "--sources", str(sources), "--out", str(path)])
    _no_traceback(result)
    assert result.exit_code == 0, result.output
    assert strictjson.loads(path.read_bytes())["signatures"] == []
    check = runner.invoke(
        app, ["allowlist", "build", "--sources", str(sources), "--out", str(path), "--check"]
    )
    assert check.exit_code == 0


@pytest.mark.parametrize(
    ("release", "expected"),
    [
        ("version = 5\nexpires = 9999-12-31T23:59:59Z\n", "release policy: expires 9999-12-31T23:59:59Z"),
        ("version = 5\nexpires = 2020-01-01T00:00:00Z\n", "release policy: expires 2020-01-01T00:00:00Z"),
        ("version = 5\nexpires = 2099-01-01T00:00:00Z\n", "must be 180 to 400 days after today"),
        ("version = 5\nexpires = 2027-03-01T00:00:00Z\n", "must be 180 to 400 days after today"),
        ("version = 5\nexpires = " + "[" * 100_000 + "\n", "TOML"),
    ],
)
def test_allowlist_lint_names_a_release_beyond_the_policy(
    release: str, expected: str, tmp_path: Path
) -> None:
    sources = tmp_path / "allowlists"
    shutil.copytree(TEST_SOURCES, sources)
    (sources / "release.toml").write_text(release, "utf-8")
    result = runner.invoke(app, ["allowlist", "lint", "--sources", str(sources)])
    _no_traceback(result)
    assert result.exit_code == 1
    assert f"{sources / 'release.toml'}:" in result.stdout and expected in result.stdout
    built = runner.invoke(
        app, ["allowlist", "build", "--sources", str(sources), "--out", str(tmp_path / "b.json")]
    )
    _no_traceback(result)
    if "TOML" in expected:
        assert built.exit_code == 1


def test_allowlist_sign_refuses_an_expiry_outside_the_policy(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle.json"
    sources = tmp_path / "allowlists"
    shutil.copytree(TEST_SOURCES, sources)
    (sources / "release.toml").write_text("version = 5\nexpires = 9999-12-31T23:59:59Z\n", "utf-8")
    built = runner.invoke(app, ["allowlist", "build", "--sources", str(sources), "--out", str(bundle)])
    assert built.exit_code == 3 and "[bundle.expires_beyond_policy]" in built.stderr
    assert not bundle.exists()
    write_bundle(build_bundle(sources), bundle)  # built some other way: signing refuses it too
    result = runner.invoke(app, ["allowlist", "sign", "--key", str(_pem(tmp_path)), str(bundle)])
    assert result.exit_code == 3
    assert "[bundle.expires_beyond_policy]" in result.stderr
    assert strictjson.loads(bundle.read_bytes())["signatures"] == []


# ... update against a real server on 127.0.0.1 ...


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def www(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    folder = tmp_path / "www"
    folder.mkdir()

    def handler(*args: object) -> _Quiet:
        return _Quiet(*args, directory=str(folder))  # type: ignore[arg-type]

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", folder
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_update_refuses_a_hostile_bundle_and_root(
    hostile: tuple[str, Path], www: tuple[str, Path], test_root: Root, isolated_state: Path
) -> None:
    name, path = hostile
    base, folder = www
    shutil.copy(path, folder / "b.json")
    with pytest.raises(AllowlistError) as caught:
        update(f"{base}/b.json", directory=isolated_state, root=test_root)
    assert caught.value.code == CODES[name]
    result = runner.invoke(app, ["update", "--url", f"{base}/b.json"])
    _no_traceback(result)
    assert result.exit_code == 3, result.output
    # The same hostility in a rotated root.
    (folder / "root.json").write_bytes(_hostile_root(name))
    rotated = runner.invoke(app, ["update", "--url", f"{base}/b.json", "--root-url", f"{base}/root.json"])
    _no_traceback(rotated)
    assert rotated.exit_code == 3, rotated.output
    assert not (isolated_state / "allowlist.json").exists()
    assert not (isolated_state / "roots").exists()


def _hostile_root(name: str) -> bytes:
    """A next-version root with the same kind of hostility as bundle ``name``."""
    document = root_document([k.public_key() for k in _MODERATORS], threshold=2, version=2)
    data = canonical_bytes(document)
    edits: dict[str, Callable[[bytes], bytes]] = {
        "surrogate": lambda d: d.replace(b'"ed25519"', b'"ed25519\\ud800"', 1),
        "nesting": lambda d: _insert(d, b'"signed":{', b'"deep":' + b"[" * 200_000 + b"]" * 200_000 + b","),
        "signed-twice": lambda d: d.replace(
            b'{"signatures":[],"signed":', b'{"signed":{},"signatures":[],"signed":'
        ),
        "duplicate": lambda d: d.replace(b'"threshold":2', b'"threshold":2,"threshold":1'),
        "nan": lambda d: d.replace(b'"threshold":2', b'"threshold":NaN'),
        "infinity": lambda d: d.replace(b'"threshold":2', b'"threshold":Infinity'),
        "huge": lambda d: d.replace(b'"threshold":2', b'"threshold":' + b"9" * 40),
        "expires": lambda d: _insert(d, b'"signed":{', b'"expires":"9999-12-31T23:59:59Z",'),
    }
    key = next(k for k in edits if k in name) if any(k in name for k in edits) else "expires"
    return edits[key](data)


def test_a_hostile_rotated_root_in_the_state_stops_the_chain_without_a_traceback(
    hostile: tuple[str, Path], isolated_state: Path
) -> None:
    name, _ = hostile
    roots = isolated_state / "roots"
    roots.mkdir()
    (roots / f"{shipped_root().version + 1}.root.json").write_bytes(_hostile_root(name))
    assert trusted_root(isolated_state).version == shipped_root().version
    result = runner.invoke(app, ["check", "tokenpocket.pro", "--allowlist", str(SHIPPED)])
    _no_traceback(result)
    assert result.exit_code == 0  # the shipped root still verifies the shipped bundle
    with serving(create_service(ServiceSettings())) as base, httpx.Client(base_url=base) as client:
        assert client.get("/healthz").json()["status"] == "ok"  # the service starts as usual


# ... and the service: start and live reload, through a real server on 127.0.0.1.


@pytest.mark.parametrize("name", NAMES)
def test_the_service_starts_and_reloads_without_a_500(
    name: str, sign_bundle: SignFn, test_root: Root, isolated_state: Path, tmp_path: Path
) -> None:
    watched = tmp_path / "watched.json"
    watched.write_bytes(HOSTILE[name](sign_bundle))

    def loader(path: Path | None) -> Allowlist:
        return load_allowlist(path, root=test_root, directory=isolated_state)

    live = LiveAllowlist(watched, interval=3600, loader=loader)
    with (
        serving(create_service(ServiceSettings(allowlist_file=watched), live)) as base,
        httpx.Client(base_url=base) as client,
    ):
        health = client.get("/healthz")
        assert health.status_code == 200 and health.json()["status"] == "degraded"
        assert inner_codes(live.current()) == [CODES[name]]
        assert health.json()["problem_messages"]["zh"]
        assert client.post("/v1/check", json={"value": "acmewallet.com"}).json()["verdict"] != "official"
        assert client.get("/v1/allowlist").status_code == 200
        watched.write_bytes(sign_bundle(0, 1, version=6))  # a good bundle replaces it ...
        assert live.refresh() and client.get("/healthz").json()["status"] == "ok"
        assert client.post("/v1/check", json={"value": "acmewallet.com"}).json()["verdict"] == "official"
        watched.write_bytes(HOSTILE[name](sign_bundle))  # ... and a hostile one never does
        assert not live.refresh()
        health = client.get("/healthz")
        assert health.status_code == 200 and health.json()["status"] == "ok"
        assert client.post("/v1/check", json={"value": "acmewallet.com"}).json()["verdict"] == "official"


def test_verifier_check_as_a_process_exits_3_without_a_traceback(sign_bundle: SignFn, tmp_path: Path) -> None:
    path = tmp_path / "surrogate.json"
    path.write_bytes(HOSTILE["surrogate-in-value"](sign_bundle))
    done = subprocess.run(
        [str(BIN), "check", "tokenpocket.pro", "--allowlist", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr
    assert "lone surrogate" in done.stderr


# The property: mutations of real bundles never give a traceback, and never ``official``
# from a bundle that does not verify.

TOKENS = [
    b"\\ud800",
    b"\\udfff",
    b'"\\ud800"',
    b"NaN",
    b"-Infinity",
    b"1e999",
    b"9" * 30,
    b"[" * 50,
    b"{" * 50,
    b'"signed":{},',
    b'"value":"evil.example",',
    b",",
    b'"',
    b"\\",
    b"\x00",
    b"\xff",
    b"\xed\xa0\x80",  # a surrogate encoded in (invalid) UTF-8
    b"null",
    b"[]",
    b"{}",
    b"true",
    b'"brands":[]',
    b'"version":0',
    b'"expires":"9999-12-31T23:59:59Z"',
]


@st.composite
def mutated(draw: st.DrawFn, base: bytes) -> bytes:
    data = bytearray(base)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        how = draw(st.sampled_from(["insert", "replace", "delete", "duplicate", "flip"]))
        if how == "insert":
            data[at:at] = draw(st.sampled_from(TOKENS))
        elif how == "replace":
            token = draw(st.sampled_from(TOKENS))
            data[at : at + len(token)] = token
        elif how == "delete":
            del data[at : at + draw(st.integers(1, 40))]
        elif how == "duplicate":  # a "key":value pair copied after itself
            match = re.compile(rb'"[a-z_]+":("[^"]*"|\d+|true|false)').search(bytes(data), at)
            if match:
                data[match.end() : match.end()] = b"," + match.group(0)
        elif data:
            index = min(at, len(data) - 1)
            data[index] ^= 1 << draw(st.integers(0, 7))
    return bytes(data)


@st.composite
def structural(draw: st.DrawFn, base: bytes) -> bytes:
    """Parse, replace one value anywhere by a hostile one, serialize again (keeping signatures)."""
    document = json.loads(base)
    nodes: list[tuple[Any, Any]] = []
    stack: list[Any] = [document]
    while stack:
        item = stack.pop()
        keys = list(item) if isinstance(item, dict) else range(len(item)) if isinstance(item, list) else []
        for key in keys:
            nodes.append((item, key))
            stack.append(item[key])
    parent, key = draw(st.sampled_from(nodes))
    parent[key] = draw(
        st.one_of(
            st.sampled_from(
                ["\ud800", "x\udfff", float("nan"), float("inf"), 10**40, -1, 0, True, None, 1.5]
            ),
            st.recursive(
                st.integers() | st.text(max_size=8), lambda c: st.lists(c, max_size=3), max_leaves=6
            ),
            st.text(max_size=30),
        )
    )
    return json.dumps(document, ensure_ascii=draw(st.booleans()), allow_nan=True).encode(
        "utf-8", "surrogatepass"
    )


@pytest.fixture(scope="module")
def bases(sign_bundle: SignFn, test_root: Root) -> list[tuple[bytes, Root, bytes]]:
    """(bundle, the root that verifies it, its canonical signed content)."""
    shipped = SHIPPED.read_bytes()
    test = sign_bundle(0, 1)
    return [
        (shipped, shipped_root(), canonical_bytes(json.loads(shipped)["signed"])),
        (test, test_root, canonical_bytes(json.loads(test)["signed"])),
    ]


PROPERTY = settings(
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@PROPERTY
@given(data=st.data())
def test_mutated_bundles_never_crash_and_never_make_official(
    data: st.DataObject, bases: list[tuple[bytes, Root, bytes]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    base, root, signed = data.draw(st.sampled_from(bases))
    blob = data.draw(st.one_of(mutated(base), structural(base)))
    directory = tmp_path_factory.mktemp("state")
    path = directory / "bundle.json"
    path.write_bytes(blob)
    shipped_target = SHIPPED.parent / "denylist-hosts.txt"  # the target file the shipped bundle names
    if shipped_target.exists():
        (directory / shipped_target.name).write_bytes(shipped_target.read_bytes())
    try:
        verified = verify_bundle(blob, root)
    except AllowlistError:
        verified = None
    if verified is not None:  # only the same signed content verifies (whitespace, order ...)
        assert canonical_bytes(verified.signed) == signed
    allowlist = load_allowlist(path, root=root, directory=directory)
    assert allowlist.verified is (verified is not None)
    if not allowlist.verified:
        assert allowlist.problem
        no_official(allowlist)
    for value in ("acmewallet-support.com", "tokenpocket-kefu.com", "+86 400 123 4567", "@acme_help"):
        verifier.check(value, allowlist=allowlist)
    verifier.scan("TP钱包客服 tokenpocket.pro acmewallet.com help@acmewallet.com", allowlist=allowlist)
    with contextlib.suppress(BundleFormatError):  # the diff of anything: said, never a crash
        diff_bundles(load_bundle_file(SHIPPED), load_bundle_file(path))


def test_allowlist_verify_with_a_hostile_root_exits_3(hostile: tuple[str, Path], tmp_path: Path) -> None:
    name, _ = hostile
    root = tmp_path / "root.json"
    root.write_bytes(_hostile_root(name).replace(b'"version":2', b'"version":1'))
    result = runner.invoke(app, ["allowlist", "verify", str(SHIPPED), "--root", str(root)])
    _no_traceback(result)
    assert result.exit_code == 3, result.output


def test_a_file_name_that_is_not_utf8_is_said_not_crashed_on(tmp_path: Path) -> None:
    name = tmp_path / os.fsdecode(b"bundle-\xff.json")  # held by Python as a lone surrogate
    name.write_bytes(b'{"signed": NaN}')
    allowlist = load_allowlist(name)
    assert allowlist.problem is not None and "\\udcff" in allowlist.problem
    assert allowlist.problem.encode("utf-8")
    result = runner.invoke(app, ["check", "tokenpocket.pro", "--allowlist", str(name), "--json"])
    _no_traceback(result)
    assert result.exit_code == 3


def test_lint_refuses_a_release_version_no_reader_accepts(tmp_path: Path) -> None:
    sources = tmp_path / "allowlists"
    shutil.copytree(TEST_SOURCES, sources)
    (sources / "release.toml").write_text("version = 9223372036854775808\nexpires = 2027-06-01T00:00:00Z\n")
    result = runner.invoke(app, ["allowlist", "lint", "--sources", str(sources)])
    assert result.exit_code == 1
    assert "version must be a positive integer below 2^63" in result.stdout


@pytest.mark.parametrize("name", ["surrogate-in-value", "nesting-200k", "signed-twice"])
def test_verifier_serve_starts_degraded_on_a_hostile_bundle(
    name: str, sign_bundle: SignFn, tmp_path: Path
) -> None:
    path = tmp_path / "hostile.json"
    path.write_bytes(HOSTILE[name](sign_bundle))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [str(BIN), "serve", "--port", str(port), "--allowlist", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except httpx.TransportError:
                assert process.poll() is None and time.monotonic() < deadline, "serve did not start"
                time.sleep(0.2)
        assert health.status_code == 200
        assert health.json()["status"] == "degraded"
        assert _english(CODES[name]) in health.json()["problem"]
        answer = httpx.post(
            f"http://127.0.0.1:{port}/v1/check", json={"value": "tokenpocket.pro"}, timeout=10
        )
        assert answer.status_code == 200 and answer.json()["verdict"] != "official"
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    output = process.stdout.read() if process.stdout else ""
    assert "Traceback" not in output, output


def test_build_refuses_sources_whose_bundle_clients_would_refuse(tmp_path: Path) -> None:
    sources = tmp_path / "allowlists"
    shutil.copytree(TEST_SOURCES, sources)
    brand = sources / "brands" / "acme.toml"
    long = "https://acmewallet.com/" + "a" * 3000
    brand.write_text(
        brand.read_text("utf-8").replace('"https://acmewallet.com/official"', f'"{long}"', 1), "utf-8"
    )
    result = runner.invoke(
        app, ["allowlist", "build", "--sources", str(sources), "--out", str(tmp_path / "b.json")]
    )
    _no_traceback(result)
    assert result.exit_code == 1
    assert "the compiled bundle would be refused by clients" in result.stderr
    assert runner.invoke(app, ["allowlist", "lint", "--sources", str(sources)]).exit_code == 1


SHIPPED_ROOT = PACKAGE / "data" / "root.json"


@settings(max_examples=200, deadline=None, database=None)
@given(data=st.data())
def test_mutated_roots_never_crash_and_never_rotate(data: st.DataObject) -> None:
    base = SHIPPED_ROOT.read_bytes()
    blob = data.draw(st.one_of(mutated(base), structural(base)))
    try:
        root = Root.from_json(blob)
    except AllowlistError:
        root = None
    if root is not None:  # only the same signed content parses to the same keys
        assert canonical_bytes(root.document["signed"]) == canonical_bytes(json.loads(base)["signed"]) or (
            root.keys.keys() <= shipped_root().keys.keys()
        )
    with pytest.raises(AllowlistError):
        verify_root_update(shipped_root(), blob)  # the next root must be version 2, signed by both


def test_diff_refuses_a_file_larger_than_any_bundle(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_bytes(SHIPPED.read_bytes().rstrip() + b" " * (9 * 1024 * 1024))
    result = runner.invoke(app, ["allowlist", "diff", str(SHIPPED), str(big)])
    _no_traceback(result)
    assert result.exit_code == 3
    assert f"{big}: file is larger than 8388608 bytes" in result.stderr


def test_a_loader_that_breaks_never_takes_the_service_down(
    sign_bundle: SignFn, test_root: Root, isolated_state: Path, tmp_path: Path
) -> None:
    """Defence in depth: whatever escapes loading (here a loader that raises) is logged; at
    start the service serves degraded (bundle.unusable), on reload it keeps what it has."""
    watched = tmp_path / "watched.json"
    watched.write_bytes(b"{}")
    calls: list[int] = []

    def loader(path: Path | None) -> Allowlist:
        calls.append(1)
        if len(calls) != 2:
            raise RecursionError("maximum recursion depth exceeded")
        return load_allowlist(path, root=test_root, directory=isolated_state)

    live = LiveAllowlist(watched, interval=3600, loader=loader)
    assert not live.current().verified
    assert [p.code for p in live.current().problems] == ["bundle.unusable"]
    assert (
        live.current().problem_text("zh") == "无法载入名单：RecursionError: maximum recursion depth exceeded"
    )
    watched.write_bytes(sign_bundle(0, 1, version=6))
    assert live.refresh() and live.current().verified
    watched.write_bytes(sign_bundle(0, 1, version=7))
    assert not live.refresh()  # the third load raises: version 6 stays
    assert (live.current().version, live.current().verified) == (6, True)
