"""CT structures: log list, get-sth and checkpoint signatures, leaves, data tiles, tile paths."""

from __future__ import annotations

import base64
import json

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from tests.watchlog import Issuer, StubLog, log_list, make_cert, make_pair, precert_entry, x509_entry
from verifier.watch import (
    BadTreeHeadSignature,
    LogFormatError,
    LogKind,
    LogListError,
    LogState,
    parse_log_list,
)
from verifier.watch.rfc6962 import parse_entries, parse_leaf, parse_sth
from verifier.watch.tiled import data_tile_url, parse_checkpoint, parse_data_tile, tile_index_path

ISSUER = Issuer.make()


def _spec(log: StubLog, tiled: bool = False):  # type: ignore[no-untyped-def]
    listed = parse_log_list(log_list(rfc6962=[] if tiled else [log], tiled=[log] if tiled else []))
    return listed.logs[0]


@pytest.mark.parametrize(
    ("n", "path"),
    [(0, "000"), (7, "007"), (999, "999"), (1000, "x001/000"), (1234067, "x001/x234/067"), (256, "256")],
)
def test_tile_index_path(n: int, path: str) -> None:
    assert tile_index_path(n) == path


def test_log_list_both_kinds_and_states() -> None:
    a, b, c = StubLog("a"), StubLog("b"), StubLog("c")
    listed = parse_log_list(log_list([a, b], [c], b="retired"))
    kinds = {log.name: (log.kind, log.state, log.followed) for log in listed.logs}
    assert kinds == {
        "a": (LogKind.RFC6962, LogState.USABLE, True),
        "b": (LogKind.RFC6962, LogState.RETIRED, False),
        "c": (LogKind.TILED, LogState.USABLE, True),
    }
    assert listed.logs[2].origin == c.origin
    assert all(log.url.endswith("/") for log in listed.logs)


def test_log_list_readonly_final_size_and_bad_entries_skipped() -> None:
    good, bad_id, bad_url = StubLog("good"), StubLog("bad_id"), StubLog("bad_url")
    document = json.loads(log_list([good, bad_id, bad_url]))
    logs = document["operators"][0]["logs"]
    logs[0]["state"] = {
        "readonly": {"timestamp": "x", "final_tree_head": {"tree_size": 42, "sha256_root_hash": ""}}
    }
    logs[1]["log_id"] = base64.b64encode(b"\x00" * 32).decode()
    logs[2]["url"] = "file:///etc/passwd"
    listed = parse_log_list(json.dumps(document).encode())
    assert [log.name for log in listed.logs] == ["good"]
    assert listed.logs[0].final_size == 42 and listed.logs[0].followed
    assert len(listed.skipped) == 2
    assert "log_id" in listed.skipped[0] and "http" in listed.skipped[1]


@pytest.mark.parametrize("data", [b"", b"[]", b'{"logs": []}', b"\xff", b'{"operators": 3}'])
def test_not_a_log_list(data: bytes) -> None:
    with pytest.raises(LogListError):
        parse_log_list(data)


@pytest.mark.parametrize(
    "key",
    [ec.generate_private_key(ec.SECP256R1()), rsa.generate_private_key(public_exponent=65537, key_size=2048)],
    ids=["ecdsa-p256", "rsa-2048"],
)
def test_sth_verifies_with_the_log_key_only(key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey) -> None:
    log = StubLog("k", key=key)
    log.add(x509_entry(make_cert(ISSUER, ["a.example"], 2), ISSUER))
    spec = _spec(log)
    head = parse_sth(log.sth(), spec)
    assert head.tree_size == 1
    log.signing_key = ec.generate_private_key(ec.SECP256R1())
    with pytest.raises(BadTreeHeadSignature):
        parse_sth(log.sth(), spec)


def test_sth_tampered_size_refused() -> None:
    log = StubLog("t")
    spec = _spec(log)
    sth = json.loads(log.sth())
    sth["tree_size"] += 1
    with pytest.raises(BadTreeHeadSignature):
        parse_sth(json.dumps(sth).encode(), spec)


@pytest.mark.parametrize("body", [b"", b"[]", b'{"tree_size": -1}', b'{"tree_size": 1, "timestamp": 1}'])
def test_sth_malformed(body: bytes) -> None:
    with pytest.raises(LogFormatError):
        parse_sth(body, _spec(StubLog("m")))


def test_checkpoint_verifies_and_ignores_other_signers() -> None:
    log = StubLog("cp")
    log.add(*[x509_entry(make_cert(ISSUER, [f"n{i}.example"], 10 + i), ISSUER) for i in range(3)])
    spec = _spec(log, tiled=True)
    assert parse_checkpoint(log.checkpoint(), spec).tree_size == 3
    log.signing_key = ec.generate_private_key(ec.SECP256R1())
    with pytest.raises(BadTreeHeadSignature):
        parse_checkpoint(log.checkpoint(), spec)


@pytest.mark.parametrize(
    "mutate",
    [
        lambda t: t.replace("\n3\n", "\n4\n", 1),  # size changed under the signature
        lambda t: t.replace("\n\n", "\nextension line\n\n", 1),
        lambda t: t.split("\n", 1)[1],  # origin line missing
        lambda t: t.rstrip("\n"),
        lambda t: "other.example/log" + t[t.index("\n") :],
    ],
)
def test_checkpoint_tampered(mutate) -> None:  # type: ignore[no-untyped-def]
    log = StubLog("cq")
    log.add(*[x509_entry(make_cert(ISSUER, [f"n{i}.example"], 10 + i), ISSUER) for i in range(3)])
    spec = _spec(log, tiled=True)
    with pytest.raises((BadTreeHeadSignature, LogFormatError)):
        parse_checkpoint(mutate(log.checkpoint().decode()).encode(), spec)


def test_leaves_x509_and_precert() -> None:
    cert = make_cert(ISSUER, ["a.example"], 3)
    pair = make_pair(ISSUER, ["b.example"], 4)
    plain, pre = x509_entry(cert, ISSUER), precert_entry(pair, ISSUER)
    entry = parse_leaf(plain.leaf(), plain.extra_data, 5)
    assert (entry.index, entry.precert, entry.pre_certificate) == (5, False, None)
    entry = parse_leaf(pre.leaf(), pre.extra_data, 6)
    assert (
        entry.precert and entry.certificate == pair.leaf_tbs and entry.pre_certificate == pre.pre_certificate
    )


@pytest.mark.parametrize("cut", [1, 2, 10, 12, 40])
def test_truncated_leaf_is_a_format_error(cut: int) -> None:
    leaf = x509_entry(make_cert(ISSUER, ["a.example"], 3), ISSUER).leaf()
    with pytest.raises(LogFormatError):
        parse_leaf(leaf[:cut], b"", 0)


def test_get_entries_never_more_than_asked() -> None:
    log = StubLog("g")
    log.add(*[x509_entry(make_cert(ISSUER, [f"n{i}.example"], 10 + i), ISSUER) for i in range(5)])
    body = log.get_entries({"start": ["0"], "end": ["4"]})
    assert [e.index for e in parse_entries(body, 0, 3)] == [0, 1, 2]


def test_data_tile_round_trip_and_wrong_width() -> None:
    log = StubLog("d")
    pair = make_pair(ISSUER, ["p.example"], 99)
    log.add(x509_entry(make_cert(ISSUER, ["x.example"], 98), ISSUER), precert_entry(pair, ISSUER))
    body = log.data_tile("000.p/2")
    assert body is not None
    entries = parse_data_tile(body, 0, 2)
    assert [(e.index, e.precert) for e in entries] == [(0, False), (1, True)]
    assert entries[1].pre_certificate is not None
    for width in (1, 3):
        with pytest.raises(LogFormatError):
            parse_data_tile(body, 0, width)
    spec = _spec(log, tiled=True)
    assert data_tile_url(spec, 1000, 5).endswith("/tile/data/x001/000.p/5")
    assert data_tile_url(spec, 3).endswith("/tile/data/003")
