"""Names from certificates and pre-certificates; the key one alert is given for."""

from __future__ import annotations

import pytest

from tests.watchlog import Issuer, make_cert, make_pair, precert_entry, x509_entry
from verifier.watch.names import LoggedCertificate, certificate_of_tbs, clean_name
from verifier.watch.rfc6962 import parse_leaf

ISSUER = Issuer.make()


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("Example.COM", "example.com"),
        ("*.tokenpocket-support.com", "tokenpocket-support.com"),
        ("*.*.a.example", "a.example"),
        ("a.example.", "a.example"),
        ("xn--tokenpocet-cui.pro", "xn--tokenpocet-cui.pro"),
        ("localhost", None),
        ("*", None),
        ("a*.example", None),
        ("has space.example", None),
        ("a" * 250 + ".com", None),
    ],
)
def test_clean_name(raw: str, name: str | None) -> None:
    assert clean_name(raw) == name


def _logged(entry) -> LoggedCertificate:  # type: ignore[no-untyped-def]
    return LoggedCertificate.parse(parse_leaf(entry.leaf(), entry.extra_data, 0))


def test_names_from_san_and_cn_in_order_once() -> None:
    cert = make_cert(ISSUER, ["*.b.example", "a.example", "b.example"], 7, cn="c.example")
    assert _logged(x509_entry(cert, ISSUER)).names == ("b.example", "a.example", "c.example")


def test_hundred_names() -> None:
    names = [f"host{i}.example.net" for i in range(100)]
    assert _logged(x509_entry(make_cert(ISSUER, names, 8), ISSUER)).names == tuple(names)


def test_no_san_only_cn() -> None:
    assert _logged(x509_entry(make_cert(ISSUER, [], 9, cn="only.example"), ISSUER)).names == ("only.example",)


def test_precert_and_final_share_the_key_not_the_hash() -> None:
    pair = make_pair(ISSUER, ["tokenpocket-support.com"], 1234567890123456789)
    pre = _logged(precert_entry(pair, ISSUER))
    final = _logged(x509_entry(pair.final, ISSUER))
    other = _logged(x509_entry(make_cert(ISSUER, ["tokenpocket-support.com"], 5), ISSUER))
    assert pre.entry.precert and not final.entry.precert
    assert pre.names == final.names == ("tokenpocket-support.com",)
    assert pre.key == final.key != other.key
    assert pre.sha256 != final.sha256
    assert pre.not_before == "2026-12-01T00:00:00Z" and pre.issuer == "CN=Stub CA"


def test_tbs_wrapping_reads_the_tbs_fields() -> None:
    pair = make_pair(ISSUER, ["w.example"], 42)
    cert = LoggedCertificate.parse(parse_leaf(precert_entry(pair, ISSUER).leaf(), b"", 0)).certificate
    assert cert.serial_number == 42 and cert.tbs_certificate_bytes == pair.leaf_tbs
    assert certificate_of_tbs(pair.leaf_tbs).startswith(b"\x30")
