"""The watcher's matcher gives check's verdict: lookalikes and reported fakes alert, official
names and names that relate to no brand do not; its fast path agrees with check."""

from __future__ import annotations

import random
import string

import pytest

import verifier
from verifier.allowlist.model import Allowlist
from verifier.model import Verdict
from verifier.watch import Matcher
from verifier.watch.fetch import retry_after


@pytest.mark.parametrize(
    ("name", "technique"),
    [
        ("tokenpocket-support.com", "combosquat"),
        ("xn--tokenpocet-cui.pro", "homoglyph"),
        ("metamask-wallet-restore.com", "combosquat"),
        ("tokenpocket.pro.evil.com", "subdomain"),
    ],
)
def test_lookalikes_alert(name: str, technique: str) -> None:
    found = Matcher().match(name)
    assert found is not None and found.verdict is Verdict.LOOKALIKE and found.technique == technique


@pytest.mark.parametrize(
    "name", ["help.tokenpocket.pro", "tokenpocket.pro", "metamask.io", "support.metamask.io", "example.com"]
)
def test_official_and_unrelated_names_do_not_alert(name: str) -> None:
    assert Matcher().match(name) is None


def test_denylisted_name_is_known_scam(allowlist: Allowlist) -> None:
    found = Matcher(allowlist).match("acme-wallet-help.com")
    assert found is not None and found.verdict is Verdict.KNOWN_SCAM and found.brand == "acme"
    assert Matcher(allowlist).match("www.acmewallet.com") is None


WORDS = [
    "tokenpocket",
    "metamask",
    "trust",
    "wallet",
    "support",
    "help",
    "imtoken",
    "okx",
    "bit",
    "pay",
    "token",
    "pocket",
    "meta",
    "mask",
    "www",
    "mail",
    "cpanel",
    "kefu",
    "restore",
    "xn--tokenpocet-cui",
    "tokenpocket.pro",
    "metamask.io",
    "app",
    "get",
    "main",
    "hub",
    "secure",
    "login",
    "tp",
    "phantom",
]
SUFFIXES = [
    ".com",
    ".pro",
    ".io",
    ".net",
    ".xyz",
    ".top",
    ".co.uk",
    ".github.io",
    ".vercel.app",
    ".pages.dev",
]


def _names(seed: int, count: int) -> list[str]:
    rnd = random.Random(seed)
    names = []
    for _ in range(count):
        labels = []
        for _ in range(rnd.choice([1, 1, 2, 2, 3, 4])):
            if rnd.random() < 0.4:
                labels.append("".join(rnd.choice(string.ascii_lowercase) for _ in range(rnd.randint(2, 12))))
            else:
                labels.append(rnd.choice(["-", ""]).join(rnd.choice(WORDS) for _ in range(rnd.randint(1, 2))))
        names.append(".".join(labels) + rnd.choice(SUFFIXES))
    return names


@pytest.mark.parametrize("seed", [20, 21, 22])
def test_agrees_with_check_on_many_names(seed: int) -> None:
    """The fast paths (and the subdomain proof) never hide an alert check would give."""
    matcher = Matcher()
    names = _names(seed, 4000)
    alerts = 0
    for name in names:
        expected = verifier.check(name, kind="url").verdict in {Verdict.LOOKALIKE, Verdict.KNOWN_SCAM}
        assert (matcher.match(name) is not None) == expected, name
        alerts += expected
    assert 0 < alerts < len(names)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (None, None),
        ("", None),
        ("3", 3.0),
        (" 120 ", 120.0),
        ("soon", None),
        ("-1", None),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),
    ],
)
def test_retry_after(value: str | None, seconds: float | None) -> None:
    assert retry_after(value) == seconds


def test_retry_after_date_in_the_future() -> None:
    assert retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now=1445412480.0) == 30.0
