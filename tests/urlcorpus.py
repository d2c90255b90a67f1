"""Generated and mutated URLs for the differential test against a browser's URL parser.

Shared by tests/integration/test_url_differential.py (a bounded sample on every run) and
benchmarks/url_differential.py (the full campaign, 100,000 URLs or more). Each URL comes from
a seeded generator, so a failing one can be reproduced from its seed and index.

The mutations are the tricks that separate what a text says from what a browser opens:
backslashes, userinfo, dot segments (plain and percent-encoded), percent-encoded hosts,
IPv4 number forms, IPv6 with embedded IPv4, ports, missing or extra slashes, fullwidth and
Unicode letters, trailing dots, fragments and queries holding "@" or "/".
"""

from __future__ import annotations

import json
import random
import subprocess
import unicodedata
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from verifier import check
from verifier.allowlist.store import default_allowlist
from verifier.channels.handle import platform_for_host
from verifier.channels.weburl import WEB_SCHEMES, NotAWebURL, absolute, parse_web_url
from verifier.model import ChannelKind, Verdict

SCHEMES = [
    "https://",
    "http://",
    "HTTPS://",
    "hTTp://",
    "https:",
    "http:/",
    "https:\\\\",
    "https:/\\",
    "//",
    "",
]
HOSTS = [
    "tokenpocket.pro",
    "web3.bitget.com",
    "metamask.io",
    "coinbase.com",
    "help.tokenpocket.pro",
    "evil.com",
    "evil.example",
    "tokenpocket-support.com",
    "xn--tokenpocet-cui.pro",
    "tokenpocкet.pro",
    "ＴＯＫＥＮＰＯＣＫＥＴ.pro",
    "tokenpocket。pro",
    "münchen.de",
    "x.pages.dev",
    "a.b.co.uk",
    "8.8.8.8",
    "0x7f.1",
    "2130706433",
    "0177.0.0.1",
    "[::1]",
    "[::ffff:127.0.0.1]",
    "[2001:db8::1]",
    "tokenpocket.pro.",
    "TokenPocket.PRO",
    "tokenpocket%2epro",
    "%74okenpocket.pro",
    "token_pocket.pro",
    "tokenpocket..pro",
]
PLATFORM_HOSTS = ["t.me", "x.com", "twitter.com", "github.com", "facebook.com", "wa.me", "discord.gg"]
NAMES = [
    "tokenpocket_en",
    "TokenPocket_TP",
    "TP-Lab",
    "tokenpocket",
    "evil_support",
    "evilaccount",
    "metamask",
]
DOTS = ["..", ".", "%2e%2e", "%2E%2e", ".%2e", "%2e.", "%2e", "..%2f", "...", ".. ", "%2e%2E"]
SEPARATORS = ["/", "\\", "//", "\\\\", "/\\", "%2f", "%5c"]
USERINFO = ["evil.com@", "tokenpocket.pro@", "user:pass@", "a@b@", "tokenpocket.pro:443@", ":@", "%40@"]
PORTS = ["", ":443", ":80", ":8080", ":", ":0443", ":65535", ":65536", ":abc"]
TAILS = ["", "?", "?a=@evil.com", "#", "#@evil.com", "?x#y", "/", "/@tokenpocket.pro", "\\@tokenpocket.pro"]
NOISE = ["@", "\\", "/", "%", "#", "?", ":", ".", "%2e", "%00", "%ff", "[", "]", "＃", "＠", "／", "é", "к"]


def _path(rng: random.Random) -> str:
    parts: list[str] = []
    for _ in range(rng.randint(0, 4)):
        roll = rng.random()
        if roll < 0.4:
            parts.append(rng.choice(NAMES))
        elif roll < 0.8:
            parts.append(rng.choice(DOTS))
        else:
            parts.append(rng.choice(["a", "b%20c", "index.html", "@evil.com", "~x", "", "%41"]))
    path = ""
    for part in parts:
        path += rng.choice(SEPARATORS) + part
    return path


def _handle_link(rng: random.Random) -> str:
    path = rng.choice(SEPARATORS) + rng.choice(NAMES) + _path(rng)
    return rng.choice([*SCHEMES[:6], ""]) + rng.choice(PLATFORM_HOSTS) + path + rng.choice(TAILS)


def _web_link(rng: random.Random) -> str:
    userinfo = rng.choice(USERINFO) if rng.random() < 0.3 else ""
    host = rng.choice(HOSTS)
    if rng.random() < 0.3:
        host = rng.choice(HOSTS) + rng.choice(["\\@", "\\\\@", "/@", "@", "#@", "?@", "%40", "%2f"]) + host
    return rng.choice(SCHEMES) + userinfo + host + rng.choice(PORTS) + _path(rng) + rng.choice(TAILS)


def _mutate(rng: random.Random, url: str) -> str:
    for _ in range(rng.randint(1, 3)):
        pos = rng.randint(0, len(url))
        roll = rng.random()
        if roll < 0.5:
            url = url[:pos] + rng.choice(NOISE) + url[pos:]
        elif roll < 0.75 and url:
            url = url[:pos] + url[pos + 1 :]
        else:
            url = url[:pos] + url[pos:].upper() if rng.random() < 0.5 else url[:pos] + url[pos:][::-1]
    return url


def urls(count: int, seed: int = 0) -> Iterator[str]:
    """``count`` URLs: a third handle links, a third web links, a third mutated."""
    rng = random.Random(seed)
    for index in range(count):
        kind = index % 3
        if kind == 0:
            yield _handle_link(rng)
        elif kind == 1:
            yield _web_link(rng)
        else:
            yield _mutate(rng, rng.choice([_handle_link, _web_link])(rng))


NODE_SCRIPT = Path(__file__).parent / "data" / "whatwg_url.js"
# Platforms whose profile links name the account in the first path segment.
_FIRST_SEGMENT = {"telegram", "x", "github", "facebook"}


def node_parse(texts: list[str], node: str = "node") -> list[list[str] | None]:
    """Node's ``new URL()`` of each text, in one run: [protocol, hostname, pathname, search,
    username, password], or None where it refuses."""
    done = subprocess.run(
        [node, str(NODE_SCRIPT)],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    result: list[list[str] | None] = json.loads(done.stdout)
    return result


def _host(hostname: str) -> str:
    """A WHATWG hostname as verifier writes a host: no brackets, no trailing dot."""
    return hostname.strip("[]").rstrip(".")


def _node_keeps_a_final_dot(ours: list[str] | None, seen: list[str] | None) -> bool:
    """Node 20's ada (2.9) keeps a final "." segment in a path that starts with "//."
    ("https://a.com//.a//." gives "//.a//."); the URL Standard drops it ("//.a//"), as
    ada 4 does. The two differ only there, which changes neither the host nor any account.
    """
    if ours is None or seen is None or ours[:2] != seen[:2] or ours[3:] != seen[3:]:
        return False
    return ours[2].startswith("//.") and seen[2] == ours[2] + "." and ours[2].endswith("/")


def differences(texts: list[str], node: str = "node") -> tuple[list[tuple[str, str]], Counter[str]]:
    """Where verifier's reading of each text differs from Node's ``new URL()``.

    Compared: (1) the URL parser itself on the absolute URL the text stands for: protocol,
    host, path, query and userinfo; (2) the host of every url Channel verifier accepts;
    (3) the account of every profile link verifier accepts (the first segment of the path
    Node opens); (4) no ``official`` where Node refuses the URL or opens another host or
    account. Returns the differences (text, what differs) and counts of what happened.
    """
    absolutes = [absolute(text) for text in texts]
    browser = node_parse(absolutes, node)
    allowlist = default_allowlist()
    found: list[tuple[str, str]] = []
    folded: list[tuple[str, str]] = []
    counts: Counter[str] = Counter()
    for text, absolute_url, node_says in zip(texts, absolutes, browser, strict=True):
        # A scheme with no host a browser opens (file:, data:): verifier refuses those too.
        seen = node_says if node_says is None or node_says[0][:-1] in WEB_SCHEMES else None
        try:
            mine = parse_web_url(absolute_url)
            ours: list[str] | None = [
                mine.scheme + ":",
                mine.host,
                mine.path,
                mine.query,
                mine.username,
                mine.password,
            ]
        except NotAWebURL:
            ours = None
        if ours != seen and _node_keeps_a_final_dot(ours, seen):
            counts["node's final-dot deviation"] += 1
        elif ours != seen:
            found.append((text, f"parser: verifier {ours} node {seen}"))
            continue
        counts["node refused" if seen is None else "node parsed"] += 1
        result = check(text, allowlist=allowlist)
        channel = result.channel
        if result.verdict is Verdict.INVALID or channel is None:
            counts["verifier invalid"] += 1
            continue
        bare_name = channel.kind is ChannelKind.HANDLE and channel.platform is None
        if channel.kind not in (ChannelKind.URL, ChannelKind.HANDLE) or bare_name:
            counts[f"verifier {channel.kind.value}"] += 1  # read as an email, a phone or a bare @name
            continue
        if "url.folded" in channel.notes:
            folded.append((text, channel.host or ""))  # no browser opens it: judged as retyped
            continue
        if seen is None:
            found.append((text, f"verifier accepted {channel.normalized}, node refused"))
            continue
        if channel.kind is ChannelKind.URL:
            counts["url"] += 1
            expected = _host(seen[1])
            if channel.host != expected:
                found.append((text, f"host: verifier {channel.host} node {expected}"))
        elif channel.kind is ChannelKind.HANDLE and channel.platform in _FIRST_SEGMENT:
            counts["handle"] += 1
            host = _host(seen[1]).removeprefix("www.")
            segments = [segment for segment in seen[2].split("/") if segment]
            name = segments[0].lstrip("@") if segments else ""
            if channel.platform == "telegram" and name in ("s", "joinchat"):
                name = segments[1] if len(segments) > 1 else ""
            if platform_for_host(host) != channel.platform or (channel.written or "") != name:
                found.append((text, f"account: verifier {channel.normalized} node {host} {seen[2]}"))
        if result.verdict is Verdict.OFFICIAL:
            counts["official"] += 1
    # A link read as a person retypes it (NFKC) must be the host Node opens for that retyping.
    retyped = node_parse([absolute(unicodedata.normalize("NFKC", text)) for text, _ in folded], node)
    for (text, host), seen_folded in zip(folded, retyped, strict=True):
        counts["retyped"] += 1
        if seen_folded is None or _host(seen_folded[1]) != host:
            found.append((text, f"retyped: verifier {host} node {seen_folded}"))
    return found, counts
