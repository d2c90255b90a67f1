"""lint_sources: every rule reports the line a moderator edits, and clean sources pass."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from verifier.allowlist.lint import LintProblem, lint_sources

TODAY = dt.date(2026, 11, 23)
RELEASE = "version = 1\nexpires = 2027-06-01T00:00:00Z\n"

# Lines 1-8; cases append tables from line 9 on.
ACME = """\
id = "acme"
name = "Acme Wallet"

[[domains]]
value = "acmewallet.com"
subdomains = true
evidence = "https://acmewallet.com/support"
checked = 2026-11-01
"""

BOLT = """\
id = "bolt"
name = "Bolt Wallet"

[[domains]]
value = "boltwallet.com"
evidence = "https://boltwallet.com/contact"
checked = 2026-11-01
"""


def _table(kind: str, value: str, *, platform: str = "", checked: str = "2026-11-01") -> str:
    platform_line = f'platform = "{platform}"\n' if platform else ""
    return (
        f"\n[[{kind}]]\n{platform_line}value = {value!r}\n"
        f'evidence = "https://acmewallet.com/support"\nchecked = {checked}\n'
    )


def _deny(kind: str, value: str, *, checked: str = "2026-11-01") -> str:
    return (
        f'[[entries]]\nkind = "{kind}"\nvalue = "{value}"\nclaimed_brand = "acme"\n'
        f'evidence = "https://reports.example.org/1"\nchecked = {checked}\n'
    )


def _write(root: Path, files: dict[str, str]) -> Path:
    (root / "brands").mkdir(parents=True)
    (root / "release.toml").write_text(RELEASE, "utf-8")
    for name, text in files.items():
        (root / name).write_text(text, "utf-8")
    return root


CASES = [
    pytest.param({"brands/acme.toml": ACME, "brands/bolt.toml": BOLT}, [], id="clean"),
    pytest.param(
        {"brands/acme.toml": ACME.replace('"https://acmewallet.com/support"', '"http://acmewallet.com/s"')},
        ["brands/acme.toml:7: evidence must be an https:// URL, got 'http://acmewallet.com/s'"],
        id="source-problem-once",
    ),
    pytest.param(
        {"brands/acme.toml": ACME + "oops = \n"},
        ["brands/acme.toml:9: TOML syntax error: Invalid value (at line 9, column 8)"],
        id="toml-syntax",
    ),
    pytest.param(
        {
            "brands/acme.toml": ACME
            + _table("emails", "help@acmewallet.com")
            + _table("emails", "Help@AcmeWallet.com")
        },
        ["brands/acme.toml:16: duplicate email 'Help@AcmeWallet.com': already listed on line 11"],
        id="duplicate-email-case-insensitive",
    ),
    pytest.param(
        {"brands/acme.toml": ACME + _table("domains", "AcmeWallet.com.")},
        ["brands/acme.toml:11: duplicate domain 'AcmeWallet.com.': already listed on line 5"],
        id="duplicate-domain-as-written",
    ),
    pytest.param(
        {
            "brands/acme.toml": ACME
            + _table("handles", "acme_help", platform="telegram")
            + _table("handles", "acme_help", platform="x")
        },
        [],
        id="same-name-other-platform-is-fine",
    ),
    pytest.param(
        {"brands/acme.toml": ACME, "brands/bolt.toml": BOLT + _table("domains", "acmewallet.com")},
        [
            "brands/acme.toml:5: domain 'acmewallet.com' is also an official entry of bolt",
            "brands/bolt.toml:10: domain 'acmewallet.com' is also an official entry of acme",
        ],
        id="claimed-by-two-brands",
    ),
    pytest.param(
        {"brands/acme.toml": ACME, "brands/bolt.toml": BOLT + _table("domains", "help.acmewallet.com")},
        ["brands/bolt.toml:10: domain 'help.acmewallet.com' is also an official entry of acme"],
        id="inside-another-brands-zone",
    ),
    pytest.param(
        {
            "brands/acme.toml": ACME + _table("handles", "@acme_help", platform="telegram"),
            "brands/bolt.toml": BOLT + _table("handles", "ACME_HELP", platform="telegram"),
        },
        [
            "brands/acme.toml:12: handle 'telegram:@acme_help' is also an official entry of bolt",
            "brands/bolt.toml:11: handle 'telegram:@ACME_HELP' is also an official entry of acme",
        ],
        id="handle-claimed-by-two-brands",
    ),
    pytest.param(
        {"brands/acme.toml": ACME + _table("phones", "+15624733934", checked="2026-11-24")},
        ["brands/acme.toml:13: checked date 2026-11-24 is in the future (today is 2026-11-23)"],
        id="future-checked",
    ),
    pytest.param(
        {
            "brands/acme.toml": ACME.replace(
                'name = "Acme Wallet"\n',
                'name = "Acme Wallet"\nphones = "none"\n'
                'phones_evidence = "https://acmewallet.com/phone"\nphones_checked = 2027-01-01\n',
            )
        },
        ["brands/acme.toml:5: checked date 2027-01-01 is in the future (today is 2026-11-23)"],
        id="future-phones-checked",
    ),
    pytest.param(
        {"brands/acme.toml": ACME, "denylist.toml": _deny("phone", "+15624733934", checked="2026-12-01")},
        ["denylist.toml:6: checked date 2026-12-01 is in the future (today is 2026-11-23)"],
        id="future-denylist-checked",
    ),
    pytest.param(
        {
            "brands/acme.toml": ACME,
            "denylist.toml": _deny("phone", "+15624733934") + "\n" + _deny("url", "ACMEWALLET.com"),
        },
        ["denylist.toml:10: denied domain 'ACMEWALLET.com' is an official entry of acme"],
        id="denied-and-official",
    ),
    pytest.param(
        {"brands/acme.toml": ACME, "denylist.toml": _deny("url", "support.acmewallet.com")},
        ["denylist.toml:3: denied domain 'support.acmewallet.com' is an official entry of acme"],
        id="denied-inside-official-zone",
    ),
    pytest.param(
        {
            "brands/acme.toml": ACME,
            "brands/bolt.toml": 'id = "bolt"\nname = "Bolt Wallet"\n'
            + _table("emails", "help@boltwallet.com"),
        },
        [
            "brands/bolt.toml:1: brand has no domains: "
            "add its official website so lookalikes can be told apart"
        ],
        id="no-domains",
    ),
    pytest.param(
        {
            "brands/acme.toml": ACME.replace(
                'name = "Acme Wallet"\n',
                'name = "Acme Wallet"\nunrelated = [\n  "acmewallet.org",\n  "help.acmewallet.com",\n'
                '  "not a host",\n  "boltwallet.com",\n]\n',
            ),
            "brands/bolt.toml": BOLT,
        },
        [
            "brands/acme.toml:5: unrelated domain 'help.acmewallet.com' is an official domain of acme",
            "brands/acme.toml:6: unrelated domain 'not a host' is not a valid host: "
            "a link cannot contain spaces",
            "brands/acme.toml:7: unrelated domain 'boltwallet.com' is an official domain of bolt",
        ],
        id="unrelated",
    ),
]


@pytest.mark.parametrize(("files", "expected"), CASES)
def test_lint_rules_report_file_and_line(tmp_path: Path, files: dict[str, str], expected: list[str]) -> None:
    root = _write(tmp_path, files)
    assert [str(p) for p in lint_sources(root, today=TODAY)] == [f"{root}/{line}" for line in expected]


def test_problems_are_sorted_by_path_line_message(tmp_path: Path) -> None:
    acme = (
        ACME
        + _table("emails", "a@acmewallet.com", checked="2027-01-01")
        + _table("emails", "a@acmewallet.com")
    )
    root = _write(tmp_path, {"brands/acme.toml": acme, "denylist.toml": _deny("email", "a@acmewallet.com")})
    problems = lint_sources(root, today=TODAY)
    assert [(Path(p.path).name, p.line) for p in problems] == [
        ("acme.toml", 13),
        ("acme.toml", 16),
        ("denylist.toml", 3),
    ]
    assert problems == sorted(problems)


def test_lint_problem_reads_as_file_line_message() -> None:
    problem = LintProblem("allowlists/brands/acme.toml", 7, "duplicate domain 'a.com'")
    assert str(problem) == "allowlists/brands/acme.toml:7: duplicate domain 'a.com'"
    assert problem.to_dict() == {"path": "allowlists/brands/acme.toml", "line": 7, "message": problem.message}


def test_every_source_problem_is_kept(tmp_path: Path) -> None:
    bad = ACME.replace("2026-11-01", '"yesterday"').replace("[[domains]]", "colour = 1\n[[domains]]")
    root = _write(tmp_path, {"brands/acme.toml": bad})
    assert [(p.line, p.message) for p in lint_sources(root, today=TODAY)] == [
        (4, "unknown key 'colour'"),
        (6, "checked must be a date such as 2026-11-22"),
    ]


def test_repository_sources_are_clean() -> None:
    # the day the issue-16 brands were read (their newest ``checked``); expiry within 400 days of it
    assert lint_sources(Path("allowlists"), today=dt.date(2026, 12, 7)) == []
