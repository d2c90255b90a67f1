"""Links that show one site and open another (issue 12: what the browser opens is what counts)."""

from __future__ import annotations

import pytest

from verifier import scan
from verifier.model import Verdict


@pytest.mark.parametrize(
    ("body", "html", "opens"),
    [
        ("[tokenpocket.pro](https://evil.com/support)", False, "evil.com"),
        ("See [https://tokenpocket.pro](https://tokenpocket-support.com)", False, "tokenpocket-support.com"),
        ("[ t.me/tokenpocket_en ](https://t.me/evil_support_bot)", False, "telegram:evil_support_bot"),
        ('<p>Visit <a href="https://evil.com/x">https://tokenpocket.pro</a> now</p>', True, "evil.com"),
        ('<a href="https://metamask-restore.app">metamask.io</a>', True, "metamask-restore.app"),
    ],
)
def test_a_link_showing_an_official_site_and_opening_another_is_high(
    body: str, html: bool, opens: str
) -> None:
    for lang, words in (("en", "but opens"), ("zh", "实际打开的却是")):
        result = scan(body, html=html, lang=lang)
        assert result.risk == "high"
        finding = next(p for p in result.patterns if p.code == "link.shows_other_site")
        assert finding.severity == "high" and opens in finding.message and words in finding.message
        # The shown text is no channel anyone reaches: it is never reported official.
        assert all(c.verdict is not Verdict.OFFICIAL for c in result.channels)
        assert any(c.normalized == opens for c in result.channels)


@pytest.mark.parametrize(
    ("body", "html"),
    [
        ("[tokenpocket.pro](https://tokenpocket.pro/download)", False),
        ("[tokenpocket.pro](https://www.tokenpocket.pro/x)", False),  # the same site
        ("[Download TokenPocket](https://tokenpocket.pro)", False),  # shown text that is no link
        ("See tokenpocket.pro (the official site) and (https://evil.com)", False),  # no anchor
        ('<a href="https://tokenpocket.pro/faq">tokenpocket.pro</a>', True),
        ("tokenpocket.pro (https://evil.com)", False),  # plain text: not an anchor written out
    ],
)
def test_links_that_open_what_they_show_are_not_flagged(body: str, html: bool) -> None:
    result = scan(body, html=html)
    assert not [p for p in result.patterns if p.code == "link.shows_other_site"]


def test_a_shown_site_of_no_brand_opening_another_is_medium() -> None:
    result = scan("[example.org](https://other-site.net/page)")
    finding = next(p for p in result.patterns if p.code == "link.shows_other_site")
    assert finding.severity == "medium"
    assert finding.excerpt.startswith("example.org](https://other-site.net/page")
