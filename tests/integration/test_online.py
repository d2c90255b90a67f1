"""``verifier.check(..., online=True)`` against real servers on 127.0.0.1: a DNS server (UDP,
dnspython), an RDAP server and web sites that redirect (http.server). Nothing leaves the machine:
the zone's public-looking addresses are documentation ranges, which the fetcher refuses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

import verifier
from tests.online_servers import DnsServer, RdapServer, WebServer
from verifier.online import OnlineConfig, clear_cache

TODAY = dt.datetime.now(dt.UTC).date()
ZONE = {
    ("fresh-wallet.test", "A"): ["203.0.113.7"],
    ("fresh-wallet.test", "AAAA"): ["2001:db8::7"],
    ("fresh-wallet.test", "NS"): ["ns1.cheap-dns.test", "ns2.cheap-dns.test"],
    ("fresh-wallet.test", "MX"): ["20 mx2.fresh-wallet.test", "10 mx1.fresh-wallet.test"],
    ("fresh-wallet.test", "TXT"): ['"v=spf1 mx -all"'],
    ("_dmarc.fresh-wallet.test", "TXT"): ['"v=DMARC1; p=reject"'],
    ("old-shop.test", "A"): ["198.51.100.20"],
    ("nomail.test", "A"): ["198.51.100.21"],
    ("nomail.test", "MX"): ["0 ."],
    ("www.pages-site.test", "CNAME"): ["someone.github.io"],
    ("someone.github.io", "A"): ["203.0.113.99"],
    ("loopback-name.test", "A"): ["127.0.0.1"],
}
RDAP = {
    "fresh-wallet.test": (TODAY - dt.timedelta(days=6), "Quick Names Ltd"),
    "short.test": (dt.date(2012, 5, 1), "Old Registrar Inc"),
    "phish.test": (TODAY - dt.timedelta(days=2), "Quick Names Ltd"),
    "old-shop.test": (dt.date(2015, 3, 1), "Old Registrar Inc"),
}
PHISH = (
    b"<html><head><title>TokenPocket Support Center</title></head><body>"
    b"<p>Enter your 12 words recovery phrase to validate your wallet.</p></body></html>"
)
PINNED = {
    "short.test": "127.0.0.1",
    "hop.test": "127.0.0.1",
    "phish.test": "127.0.0.1",
    "to-official.test": "127.0.0.1",
}


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, Any]]:
    routes = {
        ("short.test", "/abc"): (302, {"Location": "http://hop.test:{port}/next"}, b""),
        ("hop.test", "/next"): (301, {"Location": "http://phish.test:{port}/sync"}, b""),
        ("phish.test", "/sync"): (200, {"Content-Type": "text/html; charset=utf-8"}, PHISH),
        ("short.test", "/home"): (302, {"Location": "https://tokenpocket.pro/"}, b""),
        ("short.test", "/inside"): (302, {"Location": "http://127.0.0.1:{port}/admin"}, b""),
        ("short.test", "/loopname"): (302, {"Location": "http://loopback-name.test:{port}/"}, b""),
        ("short.test", "/loop"): (302, {"Location": "http://short.test:{port}/loop"}, b""),
        ("phish.test", "/plain"): (200, {"Content-Type": "text/html"}, b"<title>Cooking</title>soup"),
    }
    with DnsServer(ZONE) as dns, RdapServer(RDAP) as rdap, WebServer(routes) as web:
        config = OnlineConfig(
            nameservers=(("127.0.0.1", dns.port),), rdap_url=rdap.url, pinned_hosts=PINNED, deadline=5.0
        )
        clear_cache()
        yield {"dns": dns, "rdap": rdap, "web": web, "config": config, "port": web.port}
        clear_cache()


def _codes(result: verifier.CheckResult) -> list[str]:
    return [r.code for r in result.reasons]


def test_dns_and_rdap_for_a_fresh_domain(servers: dict[str, Any]) -> None:
    result = verifier.check("fresh-wallet.test", online=servers["config"])
    evidence = result.to_dict()["evidence"]
    dns = evidence["dns"]
    assert dns["resolves"] is True and dns["nxdomain"] is False
    assert dns["a"] == ["203.0.113.7"] and dns["aaaa"] == ["2001:db8::7"]
    assert dns["ns"] == ["ns1.cheap-dns.test", "ns2.cheap-dns.test"]
    assert dns["mx"] == ["mx1.fresh-wallet.test", "mx2.fresh-wallet.test"]  # by preference
    rdap = evidence["rdap"]
    assert rdap["registered"] == (TODAY - dt.timedelta(days=6)).isoformat()
    assert rdap["age_days"] == 6 and rdap["registrar"] == "Quick Names Ltd"
    assert "online.rdap.recent" in _codes(result)
    assert "online.dns.resolves" in _codes(result)
    # The site's address is a documentation address: never fetched.
    assert evidence["redirects"]["error_code"] == "fetch.non_public"
    assert result.verdict is verifier.Verdict.UNKNOWN


def test_email_domain_mail_evidence(servers: dict[str, Any]) -> None:
    result = verifier.check("help@fresh-wallet.test", online=servers["config"])
    dns = result.to_dict()["evidence"]["dns"]
    assert dns["receives_mail"] is True and dns["spf"] is True and dns["dmarc"] is True
    assert "redirects" not in result.to_dict()["evidence"]
    assert "online.mail.receives" in _codes(result)
    assert "online.mail.no_auth" not in _codes(result)

    nomail = verifier.check("support@nomail.test", online=servers["config"])
    dns = nomail.to_dict()["evidence"]["dns"]
    assert dns["receives_mail"] is False and dns["spf"] is False and dns["dmarc"] is False
    assert {"online.mail.cannot_receive", "online.mail.no_auth"} <= set(_codes(nomail))
    assert nomail.to_dict()["evidence"]["rdap"]["found"] is False
    assert "online.rdap.not_found" in _codes(nomail)


def test_nxdomain(servers: dict[str, Any]) -> None:
    result = verifier.check("never-registered.test", online=servers["config"])
    dns = result.to_dict()["evidence"]["dns"]
    assert dns["resolves"] is False and dns["nxdomain"] is True and dns["a"] == [] and dns["mx"] == []
    assert "online.dns.nxdomain" in _codes(result)
    assert "online.redirect.error" not in _codes(result)  # said once, by DNS


def test_cname_to_hosting_platform(servers: dict[str, Any]) -> None:
    result = verifier.check("www.pages-site.test", online=servers["config"])
    dns = result.to_dict()["evidence"]["dns"]
    assert dns["cname"] == ["someone.github.io"] and dns["hosting"] == "GitHub Pages"
    assert dns["a"] == ["203.0.113.99"]
    assert "online.dns.hosting" in _codes(result)


def test_old_registration_is_evidence_not_a_warning(servers: dict[str, Any]) -> None:
    result = verifier.check("old-shop.test", online=servers["config"])
    assert result.to_dict()["evidence"]["rdap"]["registered"] == "2015-03-01"
    assert "online.rdap.registered" in _codes(result) and "online.rdap.recent" not in _codes(result)


def test_redirect_chain_to_a_phishing_page(servers: dict[str, Any]) -> None:
    port = servers["port"]
    result = verifier.check(f"http://short.test:{port}/abc", online=servers["config"])
    out = result.to_dict()
    redirects = out["evidence"]["redirects"]
    assert redirects["chain"] == [
        f"http://short.test:{port}/abc",
        f"http://hop.test:{port}/next",
        f"http://phish.test:{port}/sync",
    ]
    assert redirects["statuses"] == [302, 301, 200]
    assert redirects["final_host"] == "phish.test"
    # The destination is checked like any host: a 2-day-old domain behind an old shortener.
    assert redirects["final_rdap"]["age_days"] == 2 and redirects["final_rdap"]["name"] == "phish.test"
    assert out["evidence"]["rdap"]["registered"] == "2012-05-01"
    recent = [r.message for r in result.reasons if r.code == "online.rdap.recent"]
    assert len(recent) == 1 and recent[0].startswith("phish.test was registered 2 days ago")
    page = out["evidence"]["page"]
    assert page["title"] == "TokenPocket Support Center"
    assert page["brands"] == ["tokenpocket"] and page["asks_for_secrets"] is True
    assert any(f["code"] == "secret.seed_entry" for f in page["findings"])
    codes = _codes(result)
    assert codes[0] == "online.redirect.chain"
    assert {"online.page.names_brand", "online.page.asks_secrets"} <= set(codes)
    # An unknown host presenting itself as TokenPocket: not an official channel of it.
    assert result.verdict is verifier.Verdict.NOT_OFFICIAL and result.brand == "tokenpocket"


def test_the_verdict_is_the_final_destinations(servers: dict[str, Any]) -> None:
    # No request is made to tokenpocket.pro: official destinations are judged, not fetched.
    result = verifier.check(f"http://short.test:{servers['port']}/home", online=servers["config"])
    assert result.verdict is verifier.Verdict.OFFICIAL and result.matched == "tokenpocket.pro"
    assert _codes(result)[0] == "online.redirect.chain"
    assert "online.redirect.can_change" in _codes(result)
    assert result.to_dict()["evidence"]["redirects"]["final_verdict"] == "official"


def test_a_lookalike_keeps_its_verdict(servers: dict[str, Any]) -> None:
    config = OnlineConfig(
        nameservers=servers["config"].nameservers,
        rdap_url=servers["rdap"].url,
        pinned_hosts={**PINNED, "tokenpocket-support.test": "127.0.0.1"},
    )
    servers["web"].routes[("tokenpocket-support.test", "/")] = (
        302,
        {"Location": "https://tokenpocket.pro/"},
        b"",
    )
    result = verifier.check(f"http://tokenpocket-support.test:{servers['port']}/", online=config)
    assert result.verdict is verifier.Verdict.LOOKALIKE
    assert _codes(result)[0] == "online.redirect.kept"


def test_redirect_to_loopback_is_refused(servers: dict[str, Any]) -> None:
    web = servers["web"]
    port = servers["port"]
    before = len(web.requests)
    result = verifier.check(f"http://short.test:{port}/inside", online=servers["config"])
    redirects = result.to_dict()["evidence"]["redirects"]
    assert redirects["error_code"] == "fetch.non_public"
    assert len(web.requests) == before + 1  # the shortener only, never /admin
    # A name that the (configured) resolver maps to loopback is user input too: refused.
    result = verifier.check(f"http://short.test:{port}/loopname", online=servers["config"])
    assert result.to_dict()["evidence"]["redirects"]["error_code"] == "fetch.non_public"
    assert ("loopback-name.test:" + str(port), "/") not in web.requests


def test_loopback_from_user_input_is_refused(servers: dict[str, Any]) -> None:
    web = servers["web"]
    before = len(web.requests)
    for value in (f"http://127.0.0.1:{servers['port']}/abc", f"http://loopback-name.test:{servers['port']}/"):
        result = verifier.check(value, online=servers["config"])
        assert result.to_dict()["evidence"]["redirects"]["error_code"] == "fetch.non_public"
    assert len(web.requests) == before


def test_redirect_loop_is_bounded(servers: dict[str, Any]) -> None:
    result = verifier.check(f"http://short.test:{servers['port']}/loop", online=servers["config"])
    assert result.to_dict()["evidence"]["redirects"]["error_code"] == "fetch.too_many_redirects"


def test_a_harmless_page_adds_nothing(servers: dict[str, Any]) -> None:
    result = verifier.check(f"http://phish.test:{servers['port']}/plain", online=servers["config"])
    page = result.to_dict()["evidence"]["page"]
    assert page["title"] == "Cooking" and page["brands"] == [] and page["findings"] == []
    assert result.verdict is verifier.Verdict.UNKNOWN


def test_reasons_in_chinese(servers: dict[str, Any]) -> None:
    result = verifier.check(f"http://short.test:{servers['port']}/abc", online=servers["config"], lang="zh")
    messages = {r.code: r.message for r in result.reasons}
    assert "跳转" in messages["online.redirect.chain"]
    assert "助记词" in messages["online.page.asks_secrets"]
    fresh = verifier.check("fresh-wallet.test", online=servers["config"], lang="zh")
    assert "天前" in {r.code: r.message for r in fresh.reasons}["online.rdap.recent"]


def test_answers_are_cached(servers: dict[str, Any]) -> None:
    dns = servers["dns"]
    verifier.check("old-shop.test", online=servers["config"])
    before = dns.queries
    verifier.check("old-shop.test", online=servers["config"])
    assert dns.queries == before


def test_offline_check_has_no_evidence_key(servers: dict[str, Any]) -> None:
    dns = servers["dns"]
    before = dns.queries
    result = verifier.check("fresh-wallet.test")
    assert "evidence" not in result.to_dict() and result.evidence is None
    assert dns.queries == before


def test_phone_and_handle_get_empty_evidence(servers: dict[str, Any]) -> None:
    for value in ("+86 400 123 4567", "@tokenpocket_support"):
        result = verifier.check(value, online=servers["config"])
        assert result.to_dict()["evidence"] == {}


def test_rdap_by_iana_style_bootstrap(servers: dict[str, Any]) -> None:
    config = OnlineConfig(
        nameservers=servers["config"].nameservers,
        rdap_bootstrap_url=servers["rdap"].url + "/bootstrap.json",
    )
    result = verifier.check("old-shop.test", online=config)
    rdap = result.to_dict()["evidence"]["rdap"]
    assert rdap["registered"] == "2015-03-01"
    assert rdap["source"].endswith("/rdap/domain/old-shop.test")


def test_defanged_and_userinfo_links_are_followed_where_a_browser_goes(servers: dict[str, Any]) -> None:
    # hxxp://host[.]test and https://tokenpocket.pro@host: the verdict is about host, and so is the visit.
    web = servers["web"]
    web.routes[("phish.test", "/")] = (200, {"Content-Type": "text/html"}, PHISH)
    config = OnlineConfig(
        nameservers=servers["config"].nameservers,
        rdap_url=servers["rdap"].url,
        pinned_hosts=PINNED,
        deadline=5.0,
    )
    # The pinned test server listens on a random port: a defanged link names none, so the
    # follower's https://phish.test/ is refused by the test network (nothing on 443) or
    # followed; either way it is phish.test that is visited, never the text as written.
    for value in ("hxxp://phish[.]test/sync", "https://tokenpocket.pro@phish.test/sync"):
        result = verifier.check(value, online=config)
        redirects = result.to_dict()["evidence"]["redirects"]
        assert redirects["chain"][0] == "https://phish.test/", (value, redirects)


def test_a_refused_link_is_explained_in_chinese(servers: dict[str, Any]) -> None:
    result = verifier.check(f"http://127.0.0.1:{servers['port']}/x", online=servers["config"], lang="zh")
    message = {r.code: r.message for r in result.reasons}["online.redirect.error"]
    assert "非公网地址" in message and "refusing" not in message
    assert "said" not in result.to_dict()["evidence"]["redirects"]


def test_an_unforeseen_failure_is_the_lookups_error(
    servers: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from verifier.online import evidence, rdap

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise OSError("network is unreachable")

    monkeypatch.setattr(rdap, "domain_evidence", broken)
    monkeypatch.setattr(evidence, "follow", broken)
    result = verifier.check("broken-lookups.test", online=servers["config"])
    out = result.to_dict()["evidence"]
    assert out["rdap"] == {"error": "OSError: network is unreachable"}
    assert out["redirects"] == {"error": "OSError: network is unreachable"}
    assert out["dns"]["nxdomain"] is True


def test_a_meta_refresh_is_followed_as_a_redirect(servers: dict[str, Any]) -> None:
    web, port = servers["web"], servers["port"]
    refresh = b'<html><head><meta http-equiv="refresh" content="0; url=/sync-now"></head></html>'
    web.routes[("short.test", "/meta")] = (302, {"Location": "http://hop.test:{port}/meta"}, b"")
    web.routes[("hop.test", "/meta")] = (200, {"Content-Type": "text/html"}, refresh)
    web.routes[("hop.test", "/sync-now")] = (302, {"Location": "http://phish.test:{port}/sync"}, b"")
    result = verifier.check(f"http://short.test:{port}/meta", online=servers["config"])
    redirects = result.to_dict()["evidence"]["redirects"]
    assert redirects["chain"] == [
        f"http://short.test:{port}/meta",
        f"http://hop.test:{port}/meta",
        f"http://hop.test:{port}/sync-now",
        f"http://phish.test:{port}/sync",
    ]
    assert redirects["statuses"] == [302, 200, 302, 200]
    assert result.to_dict()["evidence"]["page"]["asks_for_secrets"] is True
