"""``verifier check VALUE --online`` and ``verifier check - --online`` as a user runs them (a
subprocess), with resolvers and RDAP server given by configuration (--nameserver,
VERIFIER_NAMESERVERS, VERIFIER_RDAP_URL) and real servers on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from tests.online_servers import DnsServer, RdapServer, WebServer

TODAY = dt.datetime.now(dt.UTC).date()
ZONE = {
    ("fresh-wallet.test", "A"): ["203.0.113.7"],
    ("fresh-wallet.test", "MX"): ["10 mx1.fresh-wallet.test"],
    ("*.bulk.test", "A"): ["198.51.100.1"],
    ("*.bulk.test", "MX"): ["10 mail.bulk.test"],
    ("loopback-name.test", "A"): ["127.0.0.1"],
}
RDAP = {"fresh-wallet.test": (TODAY - dt.timedelta(days=3), "Quick Names Ltd")}


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, Any]]:
    routes = {
        ("loopback-name.test", "/"): (200, {"Content-Type": "text/html"}, b"<title>TokenPocket</title>")
    }
    with DnsServer(ZONE) as dns, RdapServer(RDAP) as rdap, WebServer(routes) as web:
        yield {"dns": dns, "rdap": rdap, "web": web}


def _run(args: list[str], env: dict[str, str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "PYTHONIOENCODING": "utf-8", **env}
    return subprocess.run(
        [sys.executable, "-m", "verifier", "check", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=full,
        timeout=120,
        check=False,
    )


def test_one_value_json(servers: dict[str, Any]) -> None:
    env = {"VERIFIER_RDAP_URL": servers["rdap"].url}
    done = _run(["fresh-wallet.test", "--online", "--json", "--nameserver", servers["dns"].address], env)
    assert done.returncode == 1, done.stderr
    out = json.loads(done.stdout)
    assert out["evidence"]["dns"]["resolves"] is True and out["evidence"]["dns"]["a"] == ["203.0.113.7"]
    assert out["evidence"]["dns"]["mx"] == ["mx1.fresh-wallet.test"]
    assert out["evidence"]["rdap"]["age_days"] == 3
    assert "online.rdap.recent" in [r["code"] for r in out["reasons"]]


def test_human_output_in_chinese_with_env_nameservers(servers: dict[str, Any]) -> None:
    env = {"VERIFIER_RDAP_URL": servers["rdap"].url, "VERIFIER_NAMESERVERS": servers["dns"].address}
    done = _run(["fresh-wallet.test", "--online", "--lang", "zh"], env)
    assert "注册于 3 天前" in done.stdout, done.stdout + done.stderr


def test_without_online_no_lookup(servers: dict[str, Any]) -> None:
    before = servers["dns"].queries
    env = {"VERIFIER_RDAP_URL": servers["rdap"].url, "VERIFIER_NAMESERVERS": servers["dns"].address}
    done = _run(["fresh-wallet.test", "--json"], env)
    assert "evidence" not in json.loads(done.stdout)
    assert servers["dns"].queries == before


def test_loopback_is_never_fetched_from_user_input(servers: dict[str, Any]) -> None:
    web = servers["web"]
    env = {"VERIFIER_RDAP_URL": servers["rdap"].url, "VERIFIER_NAMESERVERS": servers["dns"].address}
    for value in (f"http://127.0.0.1:{web.port}/", f"http://loopback-name.test:{web.port}/"):
        done = _run([value, "--online", "--json"], env)
        out = json.loads(done.stdout)
        assert out["evidence"]["redirects"]["error_code"] == "fetch.non_public", out
    assert web.requests == []


def test_bad_nameserver_is_a_usage_error(servers: dict[str, Any]) -> None:
    done = _run(["fresh-wallet.test", "--online", "--nameserver", "dns.example.com"], {})
    assert done.returncode == 2 and "not an IP address" in done.stderr


def test_batch_is_concurrent_and_reports_throughput(servers: dict[str, Any]) -> None:
    hosts = [f"h{i}.bulk.test" for i in range(200)]
    env = {"VERIFIER_RDAP_URL": servers["rdap"].url, "VERIFIER_NAMESERVERS": servers["dns"].address}
    done = _run(["-", "--online", "--json", "--parallel", "16"], env, stdin="\n".join(hosts) + "\n")
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["input"] for line in lines] == hosts  # in input order
    assert all(line["evidence"]["dns"]["a"] == ["198.51.100.1"] for line in lines)
    assert all(line["evidence"]["rdap"]["found"] is False for line in lines)
    assert "Online: 200 values in" in done.stderr and "16 at a time" in done.stderr


def test_bounds_must_be_positive() -> None:
    for args in (["--timeout", "0"], ["--parallel", "0"]):
        done = _run(["fresh-wallet.test", "--online", *args], {})
        assert done.returncode == 2 and "--timeout must be more than 0" in done.stderr
