"""Our set-based Public Suffix List lookup agrees with tldextract given the same shipped list file
(read from disk through a file: URL; nothing is fetched), and the list's refresh command."""

from __future__ import annotations

from pathlib import Path

import pytest
import tldextract

from verifier.channels.domain import registrable_domain
from verifier.channels.suffixes import psl_path, refresh, snapshot_of, split_sections

_ORACLE = tldextract.TLDExtract(
    cache_dir=None,
    suffix_list_urls=(psl_path().as_uri(),),
    fallback_to_snapshot=False,
    include_psl_private_domains=True,
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


def test_the_shipped_list_names_its_snapshot() -> None:
    info = snapshot_of(psl_path().read_text("utf-8"))
    assert len(info["version"]) >= 10 and len(info["commit"]) == 40


def test_refresh_writes_a_valid_list_and_refuses_anything_else(tmp_path: Path) -> None:
    shipped = psl_path().read_text("utf-8")
    target = tmp_path / "psl.dat"
    target.write_text("old", "utf-8")
    not_a_list = tmp_path / "page.html"
    not_a_list.write_text("<html>Service unavailable</html>", "utf-8")
    with pytest.raises(ValueError, match="not a Public Suffix List"):
        refresh(str(not_a_list), target)
    assert target.read_text("utf-8") == "old"
    newer = tmp_path / "newer.dat"
    newer.write_text(shipped.replace("// VERSION: ", "// VERSION: 2099-"), "utf-8")
    info = refresh(str(newer), target)
    assert info["version"].startswith("2099-")
    assert split_sections(target.read_text("utf-8")) == split_sections(shipped)


def test_a_truncated_list_is_refused() -> None:
    shipped = psl_path().read_text("utf-8")
    with pytest.raises(ValueError):
        split_sections(shipped[: len(shipped) // 50])


def test_the_cli_shows_the_snapshot_and_changes_nothing_on_a_bad_source(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from verifier.cli import app

    runner = CliRunner()
    before = psl_path().read_bytes()
    shown = runner.invoke(app, ["suffixes", "show"])
    assert shown.exit_code == 0
    assert snapshot_of(before.decode("utf-8"))["commit"] in shown.output
    bad = tmp_path / "empty.dat"
    bad.write_text("", "utf-8")
    refused = runner.invoke(app, ["suffixes", "refresh", str(bad)])
    assert refused.exit_code == 1
    assert "not changed" in refused.output
    assert psl_path().read_bytes() == before
