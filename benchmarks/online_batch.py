"""``verifier check - --online`` over 1,000 hosts against local DNS and RDAP servers: throughput.

The servers (tests/online_servers.py: a dnspython UDP DNS server and an http.server RDAP server)
run in their own process, so they do not share the client's interpreter lock. The hosts are
``site-N.test``: 90% exist (A, MX, NS, TXT records at documentation addresses, which the
redirect follower refuses to fetch: nothing leaves the machine), 10% are NXDOMAIN; 60% are known
to RDAP. Every host is a distinct registrable domain, so nothing is answered from the cache
except within one host. Each host costs 4 DNS queries for the evidence, 2 more when the link is
resolved for following (refused: documentation address) and 1 RDAP request.

    .venv/bin/python benchmarks/online_batch.py [--count 1000] [--concurrency 1 8 32 64]
        [--latency DNS_MS RDAP_MS ...] [--redirects 200]

With no delay (loopback answers at once) the run is bound by the client's CPU (about 6-10 ms a
value: dnspython, httpx, threads); with delays like the network's (``--latency 20 150``: 20 ms a
DNS answer, 150 ms an RDAP answer) it is bound by waiting, which the concurrency hides.

Also measured in-process: ``verifier.check(url, online=config)`` over short links whose
redirect chain (2 hops) ends on a loopback web server (names pinned by configuration), with the
final page read by the scan rules.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NXDOMAIN_EVERY = 10  # every 10th host does not exist
RDAP_KNOWN = 0.6


def zone(count: int) -> dict[tuple[str, str], list[str]]:
    records: dict[tuple[str, str], list[str]] = {}
    for i in range(count):
        if i % NXDOMAIN_EVERY == NXDOMAIN_EVERY - 1:
            continue
        name = f"site-{i}.test"
        records[(name, "A")] = [f"198.51.100.{i % 250 + 1}"]
        records[(name, "MX")] = [f"10 mx.{name}"]
        records[(name, "NS")] = ["ns1.bench-dns.test", "ns2.bench-dns.test"]
        records[(name, "TXT")] = ['"v=spf1 mx -all"']
    return records


def rdap_domains(count: int) -> dict[str, tuple[dt.date, str]]:
    today = dt.datetime.now(dt.UTC).date()
    return {
        f"site-{i}.test": (today - dt.timedelta(days=(i * 37) % 4000), "Bench Registrar")
        for i in range(int(count * RDAP_KNOWN))
    }


def serve(count: int, dns_ms: float, rdap_ms: float) -> None:
    """Run the servers until stdin closes; print their addresses as one JSON line."""
    from tests.online_servers import DnsServer, RdapServer  # noqa: PLC0415 (after sys.path is set)

    with (
        DnsServer(zone(count), delay=dns_ms / 1000) as dns,
        RdapServer(rdap_domains(count), delay=rdap_ms / 1000) as rdap,
    ):
        print(json.dumps({"dns": dns.address, "rdap": rdap.url}), flush=True)
        sys.stdin.read()
        print(json.dumps({"dns_queries": dns.queries, "rdap_requests": len(rdap.requests)}), flush=True)


def run_cli(count: int, concurrency: int, dns_ms: float = 0, rdap_ms: float = 0) -> dict[str, object]:
    servers = subprocess.Popen(
        [
            sys.executable,
            __file__,
            "--serve",
            "--count",
            str(count),
            "--dns-ms",
            str(dns_ms),
            "--rdap-ms",
            str(rdap_ms),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert servers.stdin is not None and servers.stdout is not None
    where = json.loads(servers.stdout.readline())
    env = {**os.environ, "VERIFIER_NAMESERVERS": where["dns"], "VERIFIER_RDAP_URL": where["rdap"]}
    hosts = "\n".join(f"site-{i}.test" for i in range(count)) + "\n"
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "verifier",
            "check",
            "-",
            "--online",
            "--json",
            "--parallel",
            str(concurrency),
        ],
        input=hosts,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the CLI's: the servers are still running
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    servers.stdin.close()
    served = json.loads(servers.stdout.readline())
    servers.wait(10)
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    timeouts = sum(1 for line in lines if any(r["code"] == "online.timeout" for r in line["reasons"]))
    nx = sum(1 for line in lines if line["evidence"].get("dns", {}).get("nxdomain"))
    registered = sum(1 for line in lines if line["evidence"].get("rdap", {}).get("registered"))
    said = [line for line in done.stderr.splitlines() if line.startswith("Online:")]
    return {
        "count": len(lines),
        "concurrency": concurrency,
        "dns_ms": dns_ms,
        "rdap_ms": rdap_ms,
        "wall_s": round(wall, 2),
        "values_per_s_wall": round(len(lines) / wall, 1),
        "cli_says": said[0] if said else done.stderr[-300:],
        "cli_cpu_s": round(cpu, 2),
        "cli_cpu_ms_per_value": round(cpu / max(len(lines), 1) * 1000, 2),
        "nxdomain": nx,
        "rdap_registered": registered,
        "timeouts": timeouts,
        **served,
    }


def run_redirects(count: int, concurrency: int) -> dict[str, object]:
    """In-process: ``count`` short links, each 2 redirects to a phishing page on loopback."""
    import verifier  # noqa: PLC0415 (after sys.path is set)
    from tests.online_servers import DnsServer, RdapServer, WebServer  # noqa: PLC0415
    from verifier.online import OnlineConfig  # noqa: PLC0415

    page = b"<title>TokenPocket Support</title><p>Enter your 12 words recovery phrase to sync your wallet</p>"
    routes = {}
    for i in range(count):
        routes[("sho.test", f"/{i}")] = (302, {"Location": f"http://hop.test:{{port}}/{i}"}, b"")
        routes[("hop.test", f"/{i}")] = (301, {"Location": f"http://land.test:{{port}}/{i}"}, b"")
        routes[("land.test", f"/{i}")] = (200, {"Content-Type": "text/html"}, page)
    pinned = {"sho.test": "127.0.0.1", "hop.test": "127.0.0.1", "land.test": "127.0.0.1"}
    with (
        DnsServer({("sho.test", "A"): ["203.0.113.1"]}) as dns,
        RdapServer({}) as rdap,
        WebServer(routes) as web,
    ):
        config = OnlineConfig(
            nameservers=(("127.0.0.1", dns.port),),
            rdap_url=rdap.url,
            pinned_hosts=pinned,
            concurrency=concurrency,
        )
        urls = [f"http://sho.test:{web.port}/{i}" for i in range(count)]
        started = time.perf_counter()
        with ThreadPoolExecutor(concurrency) as pool:
            results = list(pool.map(lambda u: verifier.check(u, online=config), urls))
        wall = time.perf_counter() - started
    ok = sum(1 for r in results if r.evidence and len(r.evidence["redirects"].get("chain", [])) == 3)
    secrets = sum(1 for r in results if r.evidence and r.evidence.get("page", {}).get("asks_for_secrets"))
    return {
        "links": count,
        "concurrency": concurrency,
        "wall_s": round(wall, 2),
        "links_per_s": round(count / wall, 1),
        "chains_followed": ok,
        "pages_asking_for_secrets": secrets,
        "http_requests": len(web.requests),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32, 64])
    parser.add_argument(
        "--redirects", type=int, default=200, help="short links measured in-process (0: skip)"
    )
    parser.add_argument(
        "--latency",
        nargs=2,
        type=float,
        action="append",
        metavar=("DNS_MS", "RDAP_MS"),
        help="answer delays of the servers, as resolvers and registries on the network take (repeatable; "
        "default: 0 0 and 20 150)",
    )
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--dns-ms", type=float, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--rdap-ms", type=float, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.count, args.dns_ms, args.rdap_ms)
        return
    for dns_ms, rdap_ms in args.latency or [(0, 0), (20, 150)]:
        for width in args.concurrency:
            print(json.dumps(run_cli(args.count, width, dns_ms, rdap_ms), ensure_ascii=False), flush=True)
    if args.redirects:
        print(json.dumps(run_redirects(args.redirects, 32)), flush=True)


if __name__ == "__main__":
    main()
