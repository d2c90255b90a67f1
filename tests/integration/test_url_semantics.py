"""What verifier judges is what the browser opens (issue 12, findings 1 and 2).

Each link below was reported ``official`` while a browser opens an attacker's host or
account. They are checked through the library, ``scan``, the CLI and a real HTTP server,
with the shipped signed allowlist, and each expected host or account is also asked of
Node's ``new URL()`` so the table cannot drift from what a browser does.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from tests.integration.live_server import serving
from tests.urlcorpus import node_parse
from verifier import check, scan
from verifier.channels.weburl import absolute
from verifier.model import Verdict
from verifier.service import ServiceSettings, create_service

needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")

# (link, host the browser opens): a backslash ends the host in http(s) URLs.
BACKSLASH = [
    ("https://evil.com\\@tokenpocket.pro", "evil.com"),
    ("https://evil.com\\@tokenpocket.pro:443", "evil.com"),
    ("https://evil.com\\\\@tokenpocket.pro", "evil.com"),
    ("https://evil.com\\@coinbase.com", "evil.com"),
    ("https://evil.com\\@metamask.io", "evil.com"),
    ("https://evil.com\\@web3.bitget.com", "evil.com"),
    ("evil.com\\@tokenpocket.pro", "evil.com"),
    ("https:\\\\evil.com\\@tokenpocket.pro", "evil.com"),
    ("https://evil.com/\\@tokenpocket.pro", "evil.com"),
    ("https://tokenpocket.pro%2eevil.com", "tokenpocket.pro.evil.com"),
    ("https://tokenpocket.pro%23@evil.com", "evil.com"),
]
# The reverse: the browser opens the official host, whatever the path says.
OPENS_OFFICIAL = [
    ("https://tokenpocket.pro\\@evil.com", "tokenpocket.pro"),
    ("https://tokenpocket.pro/\\@evil.com", "tokenpocket.pro"),
    ("https://tokenpocket.pro#@evil.com", "tokenpocket.pro"),
    ("https://tokenpocket.pro?@evil.com", "tokenpocket.pro"),
]
# (link, account the browser opens): dot segments resolved, "%2e" is a dot.
DOT_SEGMENTS = [
    ("https://t.me/tokenpocket_en/../evil_support", "evil_support"),
    ("https://t.me/tokenpocket_en/%2e%2e/evil_support", "evil_support"),
    ("https://t.me/tokenpocket_en/.%2e/evil_support", "evil_support"),
    ("https://t.me/tokenpocket_en/%2E%2E/evil_support", "evil_support"),
    ("https://t.me/tokenpocket_en/./../evil_support", "evil_support"),
    ("https://t.me/tokenpocket_en\\..\\evil_support", "evil_support"),
    ("t.me/tokenpocket_en/../evil_support", "evil_support"),
    ("x.com/TokenPocket_TP/../../evil", "evil"),
    ("github.com/TP-Lab/../evil", "evil"),
    ("facebook.com/tokenpocket/../evilpage", "evilpage"),
]
ATTACKER_LINKS = [link for link, _ in BACKSLASH + DOT_SEGMENTS] + ["https://tokenpocket.pro＃@evil.com"]


@pytest.mark.parametrize(("link", "host"), BACKSLASH)
def test_a_backslash_or_encoded_delimiter_never_makes_an_attacker_host_official(link: str, host: str) -> None:
    result = check(link)
    assert result.verdict is not Verdict.OFFICIAL
    assert result.channel is not None and result.channel.host == host


# Links a browser opens one way and a person retyping them reads another: neither is trusted.
AMBIGUOUS = [
    "https://tokenpocket.pro＃@evil.com",  # browser: evil.com ("＃" is no delimiter); typed: tokenpocket.pro
    "ｈｔｔｐｓ：／／evil.com＃@tokenpocket.pro",  # the address bar: tokenpocket.pro; retyped: evil.com
    "https://tokenpocket.pro／@evil.com",
]


@pytest.mark.parametrize("link", AMBIGUOUS)
def test_a_link_that_reads_two_ways_is_refused(link: str) -> None:
    result = check(link)
    assert result.verdict is Verdict.INVALID
    assert result.reasons[0].code == "invalid.ambiguous"
    assert "不可信" in check(link, lang="zh").reasons[0].message


def test_a_link_only_a_person_can_retype_is_judged_as_retyped() -> None:
    result = check("ｈｔｔｐｓ：／／tokenpocket.pro")  # no browser opens it; retyped it is the official site
    assert result.verdict is Verdict.OFFICIAL
    assert [r.code for r in result.reasons][-1] == "url.folded"


@pytest.mark.parametrize(("link", "host"), OPENS_OFFICIAL)
def test_what_follows_the_host_does_not_change_it(link: str, host: str) -> None:
    result = check(link)
    assert result.verdict is Verdict.OFFICIAL
    assert result.channel is not None and result.channel.host == host


@pytest.mark.parametrize(("link", "account"), DOT_SEGMENTS)
def test_a_profile_link_names_the_account_the_browser_opens(link: str, account: str) -> None:
    result = check(link)
    assert result.verdict is not Verdict.OFFICIAL
    if result.channel is not None:  # too short a name for the platform is invalid, also fine
        assert (result.channel.written or "").casefold() == account.casefold()


def test_a_dot_segment_back_to_the_official_account_is_that_account() -> None:
    result = check("https://t.me/evil_support/../tokenpocket_en")
    assert result.verdict is Verdict.OFFICIAL
    assert result.channel is not None and result.channel.normalized == "telegram:tokenpocket_en"


@needs_node
def test_the_expected_hosts_and_accounts_are_what_node_opens() -> None:
    rows = BACKSLASH + OPENS_OFFICIAL + DOT_SEGMENTS
    seen = node_parse([absolute(link) for link, _ in rows])
    for (link, expected), parsed in zip(rows, seen, strict=True):
        assert parsed is not None, link
        hostname, path = parsed[1], parsed[2]
        first = next((segment for segment in path.split("/") if segment), "")
        assert expected in (hostname, first), (link, parsed)


@pytest.mark.parametrize("link", ATTACKER_LINKS)
def test_scan_reports_no_official_channel_for_an_attacker_link(link: str) -> None:
    report = scan(f"Official support: {link} (reply within 24h)")
    assert all(channel.verdict is not Verdict.OFFICIAL for channel in report.channels), [
        (channel.input, channel.verdict) for channel in report.channels
    ]


def test_the_cli_says_the_host_the_browser_opens() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "verifier", "check", "https://evil.com\\@tokenpocket.pro", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    answer = json.loads(done.stdout)
    assert (answer["verdict"], answer["normalized"], done.returncode) == ("unknown", "evil.com", 1)


@pytest.fixture(scope="module")
def api() -> Iterator[httpx.Client]:
    with (
        serving(create_service(ServiceSettings())) as base,
        httpx.Client(base_url=base, timeout=30) as client,
    ):
        yield client


@pytest.mark.parametrize("link", ATTACKER_LINKS)
def test_the_api_reports_no_official_for_an_attacker_link(api: httpx.Client, link: str) -> None:
    response = api.post("/v1/check", json={"value": link})
    assert response.status_code == 200
    assert response.json()["verdict"] != "official"


@pytest.mark.parametrize("host", ["xn--xn--00-00a.com", "xn--tokenpcet-cui.pro", "xn--zz.com"])
def test_punycode_a_browser_refuses_is_invalid_on_every_path(host: str) -> None:
    # check() of a bare host goes through the C parser when it is built; both paths refuse.
    assert check(host).verdict is Verdict.INVALID
    assert check(f"https://{host}/").verdict is Verdict.INVALID
