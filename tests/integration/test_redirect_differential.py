"""Redirects are followed where a browser follows them: ``join_web_url`` against Node's
``new URL(location, base)`` on generated and mutated pairs (Node runs once for the batch).

The fetchers (``scan --online``; ``verifier update`` follows none) resolve every ``Location``
with ``join_web_url`` and then check the host with ``parse_web_url``; here both are compared
with Node: the scheme, host, port, path and query of the URL a browser would request next,
or that a browser refuses it. A difference prints the pair, so it can join a table test.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess

import pytest

from tests.urlcorpus import NOISE, urls
from verifier.channels.weburl import NotAWebURL, join_web_url, parse_web_url

PAIRS = 20_000
NODE_JOIN = """
let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const out = JSON.parse(input).map(([base, ref]) => {
    try {
      const url = new URL(ref, base);
      return [url.protocol, url.hostname, url.port, url.pathname, url.search];
    } catch (e) {
      return null;
    }
  });
  process.stdout.write(JSON.stringify(out));
});
"""
REFERENCES = [
    "",
    "/",
    "//evil.com",
    "//evil.com/x",
    "\\\\evil.com\\x",
    "/\\evil.com/x",
    "\\/evil.com",
    "///evil.com",
    "https:evil.com",
    "https:/evil.com",
    "https:\\\\evil.com",
    "http:evil.com/x",
    "HTTP://EVIL.COM",
    " //evil.com ",
    "\t//evil.com",
    "//ev\til.com",
    "\n/\n/evil.com",
    "../../x",
    "./%2e%2e/x",
    "..\\..\\x",
    "?q=1",
    "#frag",
    "x?//evil.com",
    "//evil.com@tokenpocket.pro",
    "//tokenpocket.pro\\@evil.com",
    "//user:pw@evil.com",
    "//evil.com:443",
    "//evil.com:99999",
    "//0x7f.1",
    "//[::ffff:127.0.0.1]",
    "//2130706433/",
    "//ＥＶＩＬ.com",
    "//evil。com",
    "javascript:alert(1)",
    "data:text/html,x",
    "file:///etc/passwd",
    "ftp://evil.com/",
    "wss://evil.com/",
]


def _pairs(count: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    bases: list[str] = []
    for text in urls(count, seed=seed):
        try:
            bases.append(parse_web_url(text).href)
        except NotAWebURL:
            continue
    pairs: list[tuple[str, str]] = []
    corpus = list(urls(count, seed=seed + 1))
    for index in range(count):
        base = rng.choice(bases)
        roll = rng.random()
        if roll < 0.4:
            ref = rng.choice(REFERENCES)
        elif roll < 0.7:
            ref = corpus[index]
        else:
            ref = rng.choice(REFERENCES)
            pos = rng.randint(0, len(ref))
            ref = ref[:pos] + rng.choice(NOISE) + ref[pos:]
        pairs.append((base, ref))
    return pairs


def _ours(base: str, ref: str) -> list[str] | None:
    try:
        url = parse_web_url(join_web_url(base, ref))
    except NotAWebURL:
        return None
    port = "" if url.port is None else str(url.port)
    return [url.scheme + ":", url.host, port, url.path, url.query]


def _node_keeps_a_final_dot(ours: list[str] | None, web: list[str] | None) -> bool:
    """Node 20's ada 2.9 keeps a final "." after a path starting "//." (see tests/urlcorpus.py)."""
    if ours is None or web is None or ours[:3] != web[:3] or ours[4] != web[4]:
        return False
    return ours[3].startswith("//.") and web[3] == ours[3] + "."


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_redirects_are_resolved_as_node_resolves_them() -> None:
    pairs = _pairs(PAIRS, seed=5)
    done = subprocess.run(
        ["node", "-e", NODE_JOIN],
        input=json.dumps(pairs),
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    browser: list[list[str] | None] = json.loads(done.stdout)
    found = []
    compared = refused = 0
    for (base, ref), seen in zip(pairs, browser, strict=True):
        web = seen if seen is None or seen[0][:-1] in ("http", "https", "ftp", "ws", "wss") else None
        ours = _ours(base, ref)
        if ours != web and not _node_keeps_a_final_dot(ours, web):
            found.append((base, ref, ours, web))
        compared += web is not None
        refused += web is None
    assert not found, f"{len(found)} of {len(pairs)} differ, first: {found[:5]}"
    assert compared > PAIRS // 2, compared
    assert refused > 500, refused
