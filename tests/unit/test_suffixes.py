"""Our set-based Public Suffix List lookup agrees with tldextract on the same bundled list."""

from __future__ import annotations

from pathlib import Path

import pytest
import tldextract

from verifier.channels.domain import registrable_domain

_ORACLE = tldextract.TLDExtract(
    cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True, include_psl_private_domains=True
)
_NEGATIVES = Path(__file__).parents[2] / "benchmarks" / "data" / "negatives.txt"

_TRICKY = [
    "a.b.c.d.example.co.uk",
    "x.y.ck",
    "www.ck",
    "foo.www.ck",
    "a.b.bd",
    "b.bd",
    "s3.amazonaws.com",
    "bucket.s3.amazonaws.com",
    "x.pages.dev",
    "y.x.pages.dev",
    "foo.blogspot.com",
    "xn--tokenpocet-cui.pro",
    "help.xn--tokenpocet-cui.pro",
    "xn--80ak6aa92e.com",
    "sub.xn--p1ai",
    "a.xn--p1ai",
    "xn--55qx5d.cn",
    "a.xn--55qx5d.cn",
    "b.a.xn--55qx5d.cn",
    "foo.kawasaki.jp",
    "city.kawasaki.jp",
    "x.city.kawasaki.jp",
    "tokenpocket.pro",
    "metamask.io",
    "a.b.github.io",
    "example.com.",
    "localhost.localdomain",
]


def _hosts() -> list[str]:
    hosts = list(_TRICKY)
    if _NEGATIVES.exists():
        lines = _NEGATIVES.read_text("utf-8").splitlines()
        hosts += [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    return [h.rstrip(".").lower() for h in hosts]


def _oracle(host: str) -> str | None:
    parts = _ORACLE(host)
    if parts.domain and parts.suffix:
        return f"{parts.domain}.{parts.suffix}"
    if parts.is_private and parts.suffix == host:
        return host
    labels = host.split(".")
    if not parts.suffix and len(labels) >= 2 and labels[-1] in {"example", "test", "invalid"}:
        return ".".join(labels[-2:])
    return None


def test_registrable_domain_matches_tldextract_on_thousands_of_hosts() -> None:
    hosts = _hosts()
    assert len(hosts) > 1000
    mismatches = [
        (h, registrable_domain(h), _oracle(h)) for h in hosts if registrable_domain(h) != _oracle(h)
    ]
    assert mismatches == []


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("www.ck", "www.ck"),
        ("foo.www.ck", "www.ck"),
        ("x.y.ck", "x.y.ck"),
        ("co.uk", None),
        ("github.io", "github.io"),
        ("b.a.xn--55qx5d.cn", "a.xn--55qx5d.cn"),
    ],
)
def test_psl_rules(host: str, expected: str | None) -> None:
    assert registrable_domain(host) == expected
