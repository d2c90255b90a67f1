"""The parts of ``--online`` that need no server: configuration, the cache, RDAP and bootstrap
parsing, hosting platforms, and the address rule for what a value names."""

from __future__ import annotations

import datetime as dt
import threading
import time
import tomllib
from importlib import resources

import pytest

from verifier.net import Deadline
from verifier.online import ConfigError, OnlineConfig, parse_nameserver, parse_nameservers
from verifier.online.cache import TTLCache
from verifier.online.dns import hosting_platform
from verifier.online.rdap import parse_bootstrap, parse_domain
from verifier.online.redirects import follow, start_url


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("127.0.0.1", ("127.0.0.1", 53)),
        ("127.0.0.1:5353", ("127.0.0.1", 5353)),
        (" 10.0.0.53 ", ("10.0.0.53", 53)),
        ("::1", ("::1", 53)),
        ("[::1]:5300", ("::1", 5300)),
        ("[2001:db8::1]", ("2001:db8::1", 53)),
    ],
)
def test_nameserver_specs(spec: str, expected: tuple[str, int]) -> None:
    assert parse_nameserver(spec) == expected


@pytest.mark.parametrize(
    "spec", ["dns.example.com", "1.2.3.4:0", "1.2.3.4:99999", "1.2.3.4:x", "[::1", "[::1]x"]
)
def test_bad_nameservers(spec: str) -> None:
    with pytest.raises(ConfigError):
        parse_nameserver(spec)


def test_config_from_environment() -> None:
    env = {
        "VERIFIER_NAMESERVERS": "127.0.0.1:5353, 10.0.0.53",
        "VERIFIER_RDAP_URL": "http://127.0.0.1:8/rdap/",
    }
    config = OnlineConfig.from_env(env)
    assert config.nameservers == (("127.0.0.1", 5353), ("10.0.0.53", 53))
    assert config.rdap_url == "http://127.0.0.1:8/rdap"
    # --nameserver replaces the variable's list
    assert OnlineConfig.from_env(env, nameservers=["::1"]).nameservers == (("::1", 53),)
    assert OnlineConfig.from_env({}).nameservers == () and OnlineConfig.from_env({}).rdap_url is None
    assert parse_nameservers("") == ()
    with pytest.raises(ConfigError):
        OnlineConfig.from_env({"VERIFIER_RDAP_URL": "ftp://rdap.example"})
    with pytest.raises(ConfigError):
        OnlineConfig(deadline=0)


def test_cache_expires_and_bounds() -> None:
    now = [0.0]
    cache = TTLCache(ttl=10, size=2, clock=lambda: now[0])
    cache.put("a", 1)
    assert cache.get("a") == (True, 1)
    now[0] = 11
    assert cache.get("a") == (False, None)
    for key in "xyz":
        cache.put(key, key)
    assert cache.get("x") == (False, None) and cache.get("z") == (True, "z")


def test_cache_asks_once_for_concurrent_askers() -> None:
    cache = TTLCache(ttl=60)
    calls = []

    def slow() -> dict[str, int]:
        calls.append(1)
        time.sleep(0.2)
        return {"n": 1}

    threads = [threading.Thread(target=cache.get_or_compute, args=("k", slow)) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1 and cache.hits == 4


def test_errors_are_not_cached() -> None:
    cache = TTLCache(ttl=60)
    calls = []

    def failing() -> dict[str, str]:
        calls.append(1)
        return {"error": "timeout"}

    cache.get_or_compute("k", failing, cacheable=lambda v: "error" not in v)
    cache.get_or_compute("k", failing, cacheable=lambda v: "error" not in v)
    assert len(calls) == 2


def test_rdap_domain_object() -> None:
    body = {
        "ldhName": "EXAMPLE.TEST",
        "events": [
            {"eventAction": "registration", "eventDate": "2026-11-30T10:00:00Z"},
            {"eventAction": "expiration", "eventDate": "2027-11-30T10:00:00.000+00:00"},
        ],
        "status": ["client transfer prohibited"],
        "entities": [
            {"roles": ["registrant"], "vcardArray": ["vcard", [["fn", {}, "text", "Someone"]]]},
            {"roles": ["registrar"], "vcardArray": ["vcard", [["fn", {}, "text", "Quick Names Ltd"]]]},
        ],
    }
    out = parse_domain("example.test", body, dt.date(2026, 12, 7), "http://rdap/domain/example.test")
    assert out["registered"] == "2026-11-30" and out["age_days"] == 7
    assert out["expires"] == "2027-11-30" and out["registrar"] == "Quick Names Ltd"
    # No registration event, and a registrar known only by its IANA id.
    bare = parse_domain(
        "x.test",
        {"entities": [{"roles": ["registrar"], "publicIds": [{"identifier": "1068"}]}]},
        dt.date(2026, 12, 7),
        "",
    )
    assert bare["registered"] is None and bare["age_days"] is None and bare["registrar"] == "IANA 1068"


def test_bootstrap_picks_https_and_every_tld() -> None:
    table = parse_bootstrap(
        {
            "services": [
                [["com", "net"], ["http://rdap.verisign.test/", "https://rdap.verisign.test/"]],
                [["uk"], ["https://rdap.nominet.test/"]],
                ["malformed"],
            ]
        }
    )
    assert table == {
        "com": "https://rdap.verisign.test",
        "net": "https://rdap.verisign.test",
        "uk": "https://rdap.nominet.test",
    }


@pytest.mark.parametrize(
    ("name", "platform"),
    [
        ("someone.github.io", "GitHub Pages"),
        ("tp-help.netlify.app.", "Netlify"),
        ("x.pages.dev", "Cloudflare Pages"),
        ("d111111abcdef8.cloudfront.net", "Amazon CloudFront"),
        ("github.io.example.com", None),
        ("notgithub.io", None),
    ],
)
def test_hosting_platforms(name: str, platform: str | None) -> None:
    assert hosting_platform(name) == platform


def test_start_url() -> None:
    assert start_url("bit.ly/3abc") == "https://bit.ly/3abc"
    assert start_url("HTTP://x.test/a") == "HTTP://x.test/a"
    assert start_url("ftp://x.test/") == "ftp://x.test/"


def _no_dns(host: str, port: int) -> list[str]:
    raise AssertionError("a literal address needs no resolver")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://[::1]:8080/",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.5/",
        "http://0x7f000001/",
        "http://[::ffff:127.0.0.1]/",
    ],
)
def test_private_addresses_from_the_value_are_refused(url: str) -> None:
    out = follow(url, OnlineConfig(), Deadline(5), resolve=_no_dns)
    assert out.error_code == "fetch.non_public" and out.chain == [{"url": out.final_url, "status": None}]


def test_names_resolving_to_private_addresses_are_refused() -> None:
    for address in ("127.0.0.1", "192.168.1.1", "fd00::1", "100.64.0.1"):
        out = follow(
            "http://intranet.test/", OnlineConfig(), Deadline(5), resolve=lambda h, p, a=address: [a]
        )
        assert out.error_code == "fetch.non_public", address
    # One private address among public ones is enough to refuse.
    mixed = follow(
        "http://mixed.test/", OnlineConfig(), Deadline(5), resolve=lambda h, p: ["203.0.113.5", "10.1.1.1"]
    )
    assert mixed.error_code == "fetch.non_public"


def test_pinned_hosts_are_configuration_only() -> None:
    # A pinned name gets its configured address; the same address typed in the value does not.
    config = OnlineConfig(pinned_hosts={"Short.Test.": "127.0.0.1"})
    assert config.pinned_hosts == {"short.test": "127.0.0.1"}
    out = follow("http://127.0.0.1:9/x", config, Deadline(2), resolve=_no_dns)
    assert out.error_code == "fetch.non_public"
    with pytest.raises(ValueError):
        OnlineConfig(pinned_hosts={"x.test": "not an address"})


def test_every_online_message_is_in_both_languages() -> None:
    text = resources.files("verifier.data").joinpath("messages.toml").read_text("utf-8")
    catalogue = tomllib.loads(text)
    online = {code: entry for code, entry in catalogue.items() if code.startswith("online.")}
    assert len(online) > 20
    for code, entry in online.items():
        assert entry.get("en") and entry.get("zh"), code


@pytest.mark.parametrize(
    ("page", "target"),
    [
        ('<meta http-equiv="refresh" content="0; url=https://evil.test/x">', "https://evil.test/x"),
        ("<META HTTP-EQUIV='Refresh' CONTENT='0;URL=/next'>", "/next"),
        ('<meta content="1;url=http://a.test/" http-equiv="refresh"/>', "http://a.test/"),
        ('<meta http-equiv="refresh" content="0; url=&quot;https://q.test/&quot;">', "https://q.test/"),
        ('<meta http-equiv="refresh" content="30; url=https://later.test/">', None),  # a page, not a hop
        ('<meta http-equiv="refresh" content="5">', None),  # reloads itself
        ('<meta name="description" content="0; url=https://no.test/">', None),
    ],
)
def test_meta_refresh(page: str, target: str | None) -> None:
    from verifier.online.redirects import meta_refresh

    assert meta_refresh(page) == target
