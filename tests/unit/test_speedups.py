"""The C hot path (verifier/_speedups.c) answers exactly as the pure Python it stands in for.

Both paths run in this process: the native one as verifier loads it, the pure one with every
reference to the C host parser and the index's C matcher set to None (``_pure_python``), which
a ``VERIFIER_PURE_PYTHON=1`` subprocess confirms is the same as turning the extension off.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import importlib.util
import json
import os
import random
import shutil
import string
import subprocess
import sys
import sysconfig
import weakref
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import OSA

import verifier
import verifier.channels
from tests.conftest import TEST_SOURCES
from verifier import speedups
from verifier.allowlist.bundle import build_bundle
from verifier.allowlist.model import Allowlist
from verifier.allowlist.store import shipped_bundle_bytes
from verifier.allowlist.trust import parse_bundle
from verifier.errors import InvalidChannel
from verifier.lookalike import index_for
from verifier.lookalike.domains import SCAN_LIMIT
from verifier.model import AllowlistState, Channel, ChannelKind, CheckResult, Reason, Verdict

ROOT = Path(__file__).resolve().parents[2]
BENCHMARKS = ROOT / "benchmarks"

needs_native = pytest.mark.skipif(
    speedups.native is None, reason=f"the C extension is not in use: {speedups.native_problem}"
)

# ------------------------------------------------------------------------------------------------
# The allowlists compared on: the shipped one and variants that reach the C matcher's other branches.


def _shipped_signed() -> dict[str, Any]:
    signed: dict[str, Any] = parse_bundle(shipped_bundle_bytes())["signed"]
    return signed


# Domains a brand declares as not its own: a finder that names the brand must give way to the next
# (in the "unrelated" and "crowded" allowlists).
UNRELATED = {
    "tokenpocket": ["tokenpocket.com", "tokenpocket-support.com", "tokenpockett.pro", "evil.com"],
    "metamask": ["metamask.com", "metamsk.io", "rnetamask.io", "metamask-help.xyz"],
    "trustwallet": ["trust-wallet.com", "trustwalet.com"],
    "okxwallet": ["okx-support.com"],
}
_WORDS = ("coin", "chain", "block", "ether", "vault", "satoshi", "nonce", "hash", "defi", "bridge")
_ENDINGS = ("wallet", "safe", "keep", "pay", "swap", "hub", "box", "port", "mint", "dock")


def _made_up_brand(label: str) -> dict[str, Any]:
    """A brand whose one official domain is ``label``.io."""
    domain = {"value": f"{label}.io", "evidence": "https://example.com", "checked": "2026-01-01"}
    return {
        "name": label.title(),
        "aliases": [],
        "custody": "self",
        "default_region": "US",
        "domains": [domain],
        "emails": [],
        "phones": [],
        "handles": [],
        "no_phone_support": None,
        "unrelated": [],
    }


def _crowded_signed() -> dict[str, Any]:
    """The shipped brands plus a hundred more: past SCAN_LIMIT names, where fuzzy search goes
    through the deletion index instead of comparing with every name."""
    signed = _shipped_signed()
    # "zorix": a five-letter name, the shortest a misspelt brand beside keywords may be.
    for label in [*(word + ending for word in _WORDS for ending in _ENDINGS), "zorix"]:
        signed["brands"][label] = _made_up_brand(label)
    return signed


def _lookalike_speed() -> ModuleType:
    """benchmarks/lookalike_speed.py, whose synthetic brands the scaling benchmark adds."""
    _evaluation_data()  # registers evaldata, which lookalike_speed imports
    spec = importlib.util.spec_from_file_location("lookalike_speed", BENCHMARKS / "lookalike_speed.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["lookalike_speed"] = module
    spec.loader.exec_module(module)
    return module


def _synthetic_signed() -> dict[str, Any]:
    """The shipped brands plus the 1,000 synthetic ones of the scaling benchmark (the same seed):
    a deletion index of some 80,000 variants, behind the C matcher's Bloom filter."""
    speed = _lookalike_speed()
    signed: dict[str, Any] = speed.with_synthetic(_shipped_signed(), 1000, speed.SEED)
    return signed


# Names sharing deletion variants: "quorvexa" and two letters, so that one query near them meets
# more officials than the C matcher keeps (MAX_NEAR, 512) and Python decides; and long names, whose
# two-deletion variants reach the ends of the text.
DENSE_STEM = "quorvexa"
DENSE_LABELS = (
    *(f"{DENSE_STEM}{a}{b}" for a in "abcdefghijklmnopqrstuvwxy" for b in "abcdefghijklmnopqrstuvwxy"),
    DENSE_STEM * 3,
    DENSE_STEM * 5,
    "z" + DENSE_STEM * 7 + "abcdef",  # 63 letters
    "wallet-" + DENSE_STEM,
)


def _dense_signed() -> dict[str, Any]:
    signed = _shipped_signed()
    for label in DENSE_LABELS:
        signed["brands"][label.replace("-", "")] = _made_up_brand(label)
    return signed


@cache
def _allowlist(name: str) -> Allowlist:
    """An allowlist by name; each is built once, and so is its lookalike index."""
    if name == "acme":  # the test bundle's: a reported url, an official subdomain, zones
        return Allowlist.from_signed(build_bundle(TEST_SOURCES)["signed"], verified=True)
    made = {"crowded": _crowded_signed, "synthetic": _synthetic_signed, "dense": _dense_signed}
    signed = made.get(name, _shipped_signed)()
    if name in ("unrelated", "crowded"):
        for brand, domains in UNRELATED.items():
            signed["brands"][brand]["unrelated"] = domains
    verified = name != "unverified"
    allowlist = Allowlist.from_signed(
        signed, verified=verified, problem=None if verified else "test: unsigned"
    )
    if name in ("crowded", "synthetic", "dense"):
        assert len(index_for(allowlist).domains.forms) > SCAN_LIMIT
    return allowlist


ALLOWLISTS = ("shipped", "unrelated", "crowded", "unverified")
EVERY_ALLOWLIST = (*ALLOWLISTS, "acme")
# Large deletion indexes (built in a second or two each): compared on their own cases below.
LARGE_ALLOWLISTS = ("synthetic", "dense")

# ------------------------------------------------------------------------------------------------
# Running one value both ways.


def _host_hook() -> object:
    """verifier.channels' C host parser, or None without the extension."""
    for name in ("native_host", "_native_host"):  # it was private when first added
        if hasattr(verifier.channels, name):
            return getattr(verifier.channels, name)
    raise AssertionError("verifier.channels holds no C host parser any more: update this test")


def _hook_holders() -> list[tuple[ModuleType, str]]:
    """Every verifier module global that refers to the C host parser (checker imports it too)."""
    hook = _host_hook()
    return [
        (module, name)
        for module_name, module in list(sys.modules.items())
        if module_name == "verifier" or module_name.startswith("verifier.")
        for name, value in list(vars(module).items())
        if value is hook
    ]


def _matcher_holders(allowlist: Allowlist) -> list[str]:
    """The attributes of the allowlist's DomainIndex that hold its C matcher or one of its methods."""
    domains = index_for(allowlist).domains
    matcher = domains._native
    assert matcher is not None
    return [
        name
        for name, value in vars(domains).items()
        if value is matcher or getattr(value, "__self__", None) is matcher
    ]


@contextmanager
def _pure_python(allowlist: Allowlist) -> Iterator[None]:
    """verifier with its C paths off in this process: no C host parser, no C domain matcher."""
    with pytest.MonkeyPatch.context() as patch:
        for module, name in _hook_holders():
            patch.setattr(module, name, None)
        domains = index_for(allowlist).domains
        for name in _matcher_holders(allowlist):
            patch.setattr(domains, name, None)
        yield


Outcome = tuple[Any, ...]


def _outcome(raw: Any, allowlist: Allowlist, langs: tuple[str, ...] = ("en",)) -> Outcome:
    """What verifier says about ``raw``: the parsed channel (or the refusal's code), each
    language's ``check().to_dict()`` and the checked channel's repr, in JSON types."""
    try:
        parsed: Any = repr(verifier.parse_channel(raw))
    except InvalidChannel as exc:
        parsed = ["invalid", exc.code]
    answers: list[Any] = [parsed]
    for lang in langs:
        result = verifier.check(raw, allowlist=allowlist, lang=lang)
        answers += [result.to_dict(), repr(result.channel)]
    return tuple(answers)


def _lookalikes(raw: Any, allowlist: Allowlist) -> tuple[object, object] | None:
    """``DomainIndex.find`` and ``find_python`` on the host ``raw`` parses to (None if no host)."""
    try:
        channel = verifier.parse_channel(raw)
    except InvalidChannel:
        return None
    if channel.kind is not ChannelKind.URL or channel.host is None or channel.registrable_domain is None:
        return None
    index = index_for(allowlist).domains
    args = (channel.host, channel.registrable_domain, channel.host_unicode)
    return index.find(*args), index.find_python(*args)


def _assert_same(raw: Any, allowlist: Allowlist, langs: tuple[str, ...] = ("en",)) -> None:
    """``raw`` gets the same answers with the C paths and without, and the same lookalike."""
    assert index_for(allowlist).domains._native is not None  # the native side really is native
    native = _outcome(raw, allowlist, langs)
    with _pure_python(allowlist):
        pure = _outcome(raw, allowlist, langs)
    assert native == pure, raw
    found = _lookalikes(raw, allowlist)
    if found is not None:
        assert found[0] == found[1], raw


# ------------------------------------------------------------------------------------------------
# 1. CI builds the extension, so the comparisons below are never skipped there.


def _compiler() -> str | None:
    """The C compiler setuptools would use here, if it is installed."""
    command = (os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc").split()
    return shutil.which(command[0]) if command else None


@pytest.mark.skipif(
    os.environ.get("CI") != "true" and _compiler() is None, reason="no C compiler here and not CI"
)
def test_the_c_extension_is_built_where_it_can_be() -> None:
    # CI promises a compiler; anywhere with one, a build that failed (pip install -e . only warns,
    # the extension being optional) or went stale would otherwise make every comparison a skip.
    assert speedups.native is not None, speedups.native_problem


# ------------------------------------------------------------------------------------------------
# 2a. The evaluation data.


def _evaluation_data() -> ModuleType:
    """benchmarks/evaldata.py (benchmarks is not a package)."""
    spec = importlib.util.spec_from_file_location("evaldata", BENCHMARKS / "evaldata.py")
    assert spec is not None and spec.loader is not None
    evaldata = importlib.util.module_from_spec(spec)
    sys.modules["evaldata"] = evaldata  # its slotted dataclasses look their module up while built
    spec.loader.exec_module(evaldata)
    return evaldata


@cache
def _evaluation_hosts() -> tuple[str, ...] | None:
    """The hosts of benchmarks/lookalike_eval.py, dnstwist permutations and benign domains; None
    when the data is not here."""
    evaldata = _evaluation_data()
    if not (evaldata.DEV_DIR / "dnstwist_perms.jsonl").is_file() or not evaldata.NEGATIVES.is_file():
        return None
    perms = [perm.domain for perm in evaldata.load_perms(evaldata.DEV_DIR)]
    return (*perms, *(negative.domain for negative in evaldata.load_negatives(evaldata.NEGATIVES)))


def _evaluation_hosts_or_skip() -> tuple[str, ...]:
    hosts = _evaluation_hosts()
    if hosts is None:
        pytest.skip("no evaluation data (../shared/eval/dev, benchmarks/data/negatives.txt)")
    return hosts


@needs_native
def test_check_answers_the_same_in_c_and_python_on_the_evaluation_data() -> None:
    hosts = _evaluation_hosts_or_skip()
    allowlist = _allowlist("shipped")
    native = [_outcome(host, allowlist) for host in hosts]
    with _pure_python(allowlist):
        pure = [_outcome(host, allowlist) for host in hosts]
    differ = [(host, n, p) for host, n, p in zip(hosts, native, pure, strict=True) if n != p]
    assert not differ, f"{len(differ)} of {len(hosts)} differ, first: {differ[:3]}"
    # The comparison means something only if C took most of them.
    hook = _host_hook()
    assert callable(hook)
    in_c = sum(hook(host) is not None for host in hosts)
    assert in_c > 0.9 * len(hosts)
    flagged = sum(answer[1]["verdict"] == "lookalike" for answer in native)
    assert flagged > 0.3 * len(hosts)


@cache
def _real_hosts() -> tuple[str, ...] | None:
    """The real phishing and legitimate hosts of benchmarks/real_eval.py; None without the data."""
    evaldata = _evaluation_data()
    paths = [evaldata.DEV_DIR / f"real_{kind}_domains.jsonl" for kind in ("phish", "benign")]
    if not all(path.is_file() for path in paths):
        return None
    return tuple(
        json.loads(line)["domain"] for path in paths for line in path.read_text("utf-8").splitlines()
    )


@needs_native
def test_check_answers_the_same_in_c_and_python_on_real_phishing_hosts() -> None:
    """The real hosts reach every technique of the embedded finder (a brand glued, split,
    misspelt, on a hosting platform, short names with context), through the C gate and back."""
    hosts = _real_hosts()
    if hosts is None:
        pytest.skip("no real evaluation data (../shared/eval/dev/real_*_domains.jsonl)")
    allowlist = _allowlist("shipped")
    native = [_outcome(host, allowlist) for host in hosts]
    with _pure_python(allowlist):
        pure = [_outcome(host, allowlist) for host in hosts]
    differ = [(host, n, p) for host, n, p in zip(hosts, native, pure, strict=True) if n != p]
    assert not differ, f"{len(differ)} of {len(hosts)} differ, first: {differ[:3]}"
    techniques = Counter(answer[1]["technique"] for answer in native)
    assert techniques["hosting"] > 100 and techniques["embedded"] > 50
    # Registrable-only hosts the embedded finder named: judged in C up to its gate, then Python.
    hook = _host_hook()
    assert callable(hook)
    embedded_in_c = [
        host
        for host, answer in zip(hosts, native, strict=True)
        if answer[1]["technique"] in ("hosting", "combosquat")
        and (channel := hook(host)) is not None
        and channel.host == channel.registrable_domain
        and "inside" in answer[1]["reasons"][0]["message"]
    ]
    assert len(embedded_in_c) > 300


@needs_native
@pytest.mark.parametrize("name", ["unrelated", "crowded", *LARGE_ALLOWLISTS])
def test_domain_index_finds_the_same_in_c_and_python_on_the_evaluation_data(name: str) -> None:
    allowlist = _allowlist(name)
    hosts = _evaluation_hosts_or_skip()[::4]
    differ = [
        (host, found) for host in hosts if (found := _lookalikes(host, allowlist)) and found[0] != found[1]
    ]
    assert not differ, f"{len(differ)} of {len(hosts)} differ, first: {differ[:3]}"


# ------------------------------------------------------------------------------------------------
# 2b. Generated host names.

BRANDS = (
    "tokenpocket",
    "metamask",
    "trustwallet",
    "binance",
    "coinbase",
    "phantom",
    "safepal",
    "trezor",
    "ledger",
    "okx",
    "imtoken",
    "bitget",
    "tpwallet",
    "token",
    "trust",
    "web3",
    "coinwallet",
)
KEYWORDS = (
    "",
    "",
    "-support",
    "-kefu",
    "_help",
    "help",
    "-login",
    "official",
    "-app",
    "24",
    "-verify",
    "pro",
)
# Known suffixes several times over: most generated names should be hosts.
SUFFIXES = (
    *("com", "pro", "io", "xyz", "net", "app") * 3,
    "co.uk",
    "github.io",
    "pages.dev",
    "blogspot.com",
    "example",
    "test",
    "invalid",
    "ck",
    "jp",
    "kawasaki.jp",
    "city.kawasaki.jp",
    "xn--p1ai",
    "zz",
    "notasuffix",
    "c0m",
)
# Latin letters and look-alikes for them.
CONFUSABLES = {
    "a": "аα",
    "c": "сϲ",
    "e": "еé",
    "i": "іι",
    "k": "кκ",
    "l": "ӏ1",
    "m": "м",
    "n": "η",
    "o": "оο0ö",
    "p": "рρ",
    "s": "ѕ",
    "t": "т",
    "w": "ѡ",
    "x": "х",
    "y": "у",
}
# What a label may not hold or IDNA maps away: upper case, combining marks that NFC composes,
# symbols, a joiner, a ligature, compatibility digits.
ODD_CHARACTERS = "КÉ\u0301\u0308ß€!_ǅİ²½ﬁ\u200d例"
_LABEL_CHARACTERS = string.ascii_lowercase + string.digits + "-"


def _ace(label: str) -> str:
    """``label`` in ``xn--`` form: by the IDNA 2003 codec when it takes it, else bare punycode."""
    try:
        return label.encode("idna").decode("ascii")
    except UnicodeError:
        return "xn--" + label.encode("punycode").decode("ascii")


@st.composite
def brand_labels(draw: st.DrawFn) -> str:
    """A brand name with up to two typos and maybe a scam keyword: ``tokenpockct-kefu``."""
    word = list(draw(st.sampled_from(BRANDS)))
    for _ in range(draw(st.integers(0, 2))):
        at = draw(st.integers(0, len(word) - 1))
        char = draw(st.sampled_from(_LABEL_CHARACTERS))
        edit = draw(st.sampled_from(["insert", "delete", "replace", "swap"]))
        if edit == "insert":
            word.insert(at, char)
        elif edit == "delete" and len(word) > 1:
            del word[at]
        elif edit == "replace":
            word[at] = char
        elif at + 1 < len(word):
            word[at], word[at + 1] = word[at + 1], word[at]
    keyword = draw(st.sampled_from(KEYWORDS))
    return (
        keyword.lstrip("-_") + "-" + "".join(word)
        if draw(st.booleans()) and keyword
        else "".join(word) + keyword
    )


@st.composite
def idn_labels(draw: st.DrawFn) -> str:
    """A brand name with letters swapped for look-alikes or odd characters, as ``xn--``: by the
    IDNA codec (which folds case and normalizes) or as bare punycode (which keeps what it refuses)."""
    word = list(draw(st.sampled_from(BRANDS)) + draw(st.sampled_from(KEYWORDS)))
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(word) - 1))
        pool = CONFUSABLES.get(word[at], "") + ODD_CHARACTERS
        word[at] = draw(st.sampled_from(pool))
    label = "".join(word)
    return _ace(label) if draw(st.booleans()) else "xn--" + label.encode("punycode").decode("ascii")


# Whole labels in other scripts: punycode with many insertions.
foreign_labels = st.text(
    st.sampled_from("аеорсткмнпгдлѕіїйъ例子中文钱包αβγδεω"), min_size=1, max_size=14
).map(_ace)


punycode_ish = st.text(_LABEL_CHARACTERS, max_size=16).map(lambda body: "xn--" + body)
plain_labels = st.text(string.ascii_letters + string.digits + "-", min_size=1, max_size=20)
long_labels = st.integers(60, 66).map(lambda n: "a" * n)


@st.composite
def host_names(draw: st.DrawFn) -> str:
    """Host-like strings: subdomains, a name like a brand's or not, a known or unknown suffix."""
    labels = draw(st.lists(st.one_of(plain_labels, st.sampled_from(BRANDS), punycode_ish), max_size=2))
    if draw(st.integers(0, 9)) == 0:
        labels.append(draw(long_labels))
    labels.append(
        draw(
            st.one_of(
                brand_labels(), brand_labels(), idn_labels(), foreign_labels, punycode_ish, plain_labels
            )
        )
    )
    labels.append(draw(st.sampled_from(SUFFIXES)))
    host = ".".join(labels)
    case = draw(st.sampled_from(["lower", "lower", "upper", "mixed"]))
    if case == "upper":
        host = host.upper()
    elif case == "mixed":
        host = "".join(c.upper() if i % 3 == 0 else c for i, c in enumerate(host))
    return host + draw(st.sampled_from(["", "", "", "."]))


loose_text = st.text(string.ascii_letters + string.digits + ".-_", max_size=30)


@needs_native
@pytest.mark.parametrize("name", ALLOWLISTS)
@settings(max_examples=250, deadline=None)
@given(raw=st.one_of(host_names(), host_names(), host_names(), loose_text))
@example(raw="tokenpocket-support.com")
@example(raw="xn--tokenpocet-cui.pro")
def test_generated_hosts_answer_the_same_in_c_and_python(name: str, raw: str) -> None:
    _assert_same(raw, _allowlist(name))


# Look-alike letters and their skeletons' sources, for edits of made-up names.
_LOOKALIKE_LETTERS = dict(zip("oaecip", "\u043e\u0430\u0435\u0441\u0456\u0440", strict=True))


def _edited(label: str, rng: random.Random) -> str:
    """``label`` with one to three edits: deletions, insertions, substitutions, transpositions,
    look-alike letters and ASCII look-alikes (rn for m, 0 for o), sometimes a keyword beside it."""
    chars = list(label)
    for _ in range(rng.choice([1, 1, 2, 2, 3])):
        if not chars:
            break
        i = rng.randrange(len(chars))
        kind = rng.randrange(7)
        if kind == 0 and len(chars) > 1:
            del chars[i]
        elif kind == 1:
            chars.insert(i, rng.choice(string.ascii_lowercase + "0-"))
        elif kind == 2:
            chars[i] = rng.choice(string.ascii_lowercase + "01")
        elif kind == 3 and i + 1 < len(chars):
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
        elif kind == 4 and chars[i] in _LOOKALIKE_LETTERS:
            chars[i] = _LOOKALIKE_LETTERS[chars[i]]
        elif kind == 5:
            chars[i] = {"m": "rn", "o": "0", "l": "1", "w": "vv"}.get(chars[i], chars[i])
    name = "".join(chars).strip("-") or label
    return name + rng.choice(["", "", "", "-wallet", "-support", "-app-login", "wallet", "official"])


def _near_miss_hosts(allowlist: Allowlist, count: int, seed: int) -> list[str]:
    """``count`` hosts one to three edits from the allowlist's official names, on varied endings,
    some under a subdomain: most meet officials in the deletion index, many are within tolerance."""
    rng = random.Random(seed)
    labels = sorted({o.label for o in index_for(allowlist).domains.officials})
    endings = ["com", "io", "app", "xyz", "co.uk", "pages.dev", "net"]
    hosts = []
    for _ in range(count):
        host = f"{_edited(rng.choice(labels), rng)}.{rng.choice(endings)}"
        hosts.append(host if rng.random() < 0.8 else f"{rng.choice(['www', 'help', 'login'])}.{host}")
    return hosts


@needs_native
@pytest.mark.parametrize("name", LARGE_ALLOWLISTS)
def test_names_near_many_officials_answer_the_same_in_c_and_python(name: str) -> None:
    """The deletion index of a large allowlist (its Bloom filter, the variant hashes made from the
    text's prefix hashes, one and two deletions up to the ends of 63-letter names, look-alike
    letters): every check and lookalike the same as in Python."""
    allowlist = _allowlist(name)
    hosts = _near_miss_hosts(allowlist, 1500, seed=16)
    for raw in hosts:
        _assert_same(raw, allowlist)
    flagged = sum(verifier.check(raw, allowlist=allowlist).verdict is Verdict.LOOKALIKE for raw in hosts)
    assert flagged > len(hosts) // 4  # the comparison reaches found lookalikes, not only misses


@needs_native
@pytest.mark.parametrize(
    "raw",
    [
        f"{DENSE_STEM}zz.com",  # two deletions meet every quorvexa??: more than MAX_NEAR
        f"{DENSE_STEM}z.com",  # one deletion meets them all too
        f"{DENSE_STEM}zz-wallet.com",  # the misspelt brand beside keywords (_combo_typo)
        f"{DENSE_STEM}ab.xyz",  # an official name on another ending
        f"{DENSE_STEM}.com",
        f"x{DENSE_STEM * 3}.com",
        DENSE_STEM * 5 + "x.com",
        "z" + DENSE_STEM * 7 + "abcdxf.com",
        "z" + DENSE_STEM * 7 + "abcd.com",
        "q\u0443orvexaab.com",
    ],
)
def test_more_officials_met_than_the_c_matcher_keeps_answer_the_same(raw: str) -> None:
    _assert_same(raw, _allowlist("dense"))


@needs_native
def test_python_decides_when_more_than_max_near_officials_are_met(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past MAX_NEAR officials met, the C matcher asks DomainIndex._fuzzy_of, and gets its answer."""
    allowlist = _allowlist("dense")
    domains = index_for(allowlist).domains
    asked: list[str] = []
    fuzzy_of = domains._fuzzy_of

    def spy(label: str, *args: Any) -> Any:
        asked.append(label)
        return fuzzy_of(label, *args)

    monkeypatch.setattr(domains, "_fuzzy_of", spy)
    found = _lookalikes(f"{DENSE_STEM}zz.com", allowlist)  # find_python calls _fuzzy, not _fuzzy_of
    assert found is not None and found[0] == found[1]
    assert asked == [f"{DENSE_STEM}zz"]
    asked.clear()
    found = _lookalikes("metamsk.com", allowlist)  # a few officials met: C decides alone
    assert found is not None and found[0] == found[1] and found[0] is not None
    assert asked == []


# ------------------------------------------------------------------------------------------------
# 2c. Edge cases.


def _host_of_length(length: int, suffix: str = ".com") -> str:
    """A host of exactly ``length`` characters: 63-letter labels, then a shorter one, then ``suffix``."""
    labels: list[str] = []
    room = length - len(suffix)
    while room > 0:
        size = min(63, room)
        if room - size == 1:
            size -= 1  # never leave room for only a dot
        labels.append("b" * size)
        room -= size + 1
    host = ".".join(labels) + suffix
    assert len(host) == length
    return host


# Too long to read as test ids: named.
LONG_EDGE_CASES = {
    "label-63": "a" * 63 + ".com",
    "label-64": "a" * 64 + ".com",
    "xn-label-63": "xn--" + "a" * 59 + ".com",
    "host-253": _host_of_length(253),
    "host-254": _host_of_length(254),
    "host-253-dot": _host_of_length(253) + ".",
    "host-254-dot": _host_of_length(254) + ".",
    "host-253-idn": _host_of_length(253, ".xn--p1ai"),
}
# Issue 13: real phishing shapes (brand glued, split, misspelt, on hosting platforms, in other
# sites' subdomains, short brand names with crypto context) and the legitimate names beside them.
ISSUE_13_HOSTS = [
    "metamask-extn.gitbook.io",
    "phantm-wallit.godaddysites.com",
    "phantom-rpc.pages.dev",
    "meta-mask-reward.web.app",
    "metamask-support.ddnss.eu",
    "coinbase-com.tintcrete.com",
    "binance-airdrop.hol.es",
    "ledger-application.com",
    "okxlabs.co",
    "phantomsol.com",
    "onchain-phantom-restore.com",
    "community-metamesk.com",
    "air-binanze.sbs",
    "colnbase-supports.com",
    "web3ledgerconnectvault.com",
    "meta-mask-official.com",
    "token-pocket-support.com",
    "im-token.com",
    "imtokem.bond",
    "nl-ledger.com",
    "news-okxcn.com",
    "leddger-coin.com",
    "metamskiwallat.gitbook.io",
    "1911trust.com",
    "gettrust.com",
    "trusthub.com",
    "enledger.com",
    "ledgerx.com",
    "metacask.io",
    "metatask.io",
    "bitnet.io",
    "token.ro",
    "bookx.com",
    "ledger-accounting.org",
    "cryptofinance.ai",
    "gravityledger.com",
    "m\u00e9tamask-support.com",
    "tokenpoc\u043aet-kefu.com",
    "m\u0435tamsk-support.com",
]

EDGE_CASES = [
    *ISSUE_13_HOSTS,
    "",
    " ",
    ".",
    "..",
    "a",
    "com",
    "a.",
    ".com",
    "a..com",
    "a.com.",
    "a.com..",
    "-a.com",
    "a-.com",
    "a.-com",
    "a.com-",
    "a.1com",
    "1.2.3.4",
    "1.2.3.com",
    "123.com",
    "hxxp.com",
    "hxxps.com",
    "hxxpexample.com",
    "HXXPSexample.com",
    "hxx.com",
    "fxp.com",
    "fxpexample.com",
    "FXP.io",
    "fx.com",
    "xn--",
    "xn--.com",
    "xn--a.com",
    "xn--a-.com",
    "xn---.com",
    "xn--ab.com",
    "xn--zzzzzzz.com",
    "xn--99999999.com",
    "xn--zz-zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz9.com",
    "XN--MTAMASK-6YA.IO",
    "Xn--mtamask-6ya.io",
    "xn--mtamask-6ya.io",
    "xn--metamsk-6fg.io",
    "xn--tokenpocet-cui.pro",
    "XN--TOKENPOCET-CUI.PRO",
    "xn--tokenpocet-cui.com",
    "xn--tokenpocet-cui.pro.evil.com",
    "help.xn--tokenpocet-cui.pro",
    "xn--80ak6aa92e.com",
    "xn--e1afmkfd.xn--p1ai",
    "xn--fsqu00a.com",
    "xn--tokenpocet-9ji.pro",  # "tokenpocКet": an upper-case letter, which IDNA refuses
    "xn--tokenpocket-ckg.pro",  # "tokenpocke\u0301t": not in NFC
    "xn--metamask-gm3d.io",  # "metamask\u200d": a joiner, not a letter
    "xn--tokenpoet-11h.pro",
    "xn--tokenpocket-zlj.pro",
    "xn--mnchen-3ya.de",
    "xn--mnchen-3ya.xn--mnchen-3ya.de",
    "abxn--cd.com",
    "tokenpocкet.pro",
    "tokenpocket.pro.evil.com",
    "tokenpocket.evil.xyz",
    "token.pocket.evil.xyz",
    "help.tokenpocket.pro",
    "tokenpocket.pro",
    "TOKENPOCKET.PRO",
    "tokenpocket.pro.",
    "tokenpocket.pro..",
    " tokenpocket.pro",
    "https://tokenpocket-support.com/",
    "tokenpocket[.]pro",
    "www.ck",
    "a.www.ck",
    "a.b.ck",
    "b.ck",
    "ck",
    "city.kawasaki.jp",
    "a.city.kawasaki.jp",
    "kawasaki.jp",
    "x.kawasaki.jp",
    "y.x.kawasaki.jp",
    "co.uk",
    "github.io",
    "pages.dev",
    "x.pages.dev",
    "tokenpocket.pages.dev",
    "tokenpocket.github.io",
    "blogspot.com",
    "a.b.c.co.uk",
    "metamsk-support.com",
    "metamask_help.com",
    "tokenpockct_kefu.com",
    "tokenpockct-kefu.com",
    "support-tokenpocket.net",
    "tokenpocketpro.com",
    "tokenpocket-pro.com",
    "trust.org",
    "trust-support.org",
    "token.org",
    "token-kefu.org",
    "okx.org",
    "okx-support.com",
    "web3.bitget.com",
    "web3-bitget.com",
    "rnetamask.io",
    "rnetarnask.io",
    "metamsk.io",
    "metamasc.io",
    "tokenpockeu.pro",
    "ledgar.io",
    "ledgar.com",
    "ledgar-support.com",
    "metamsk-support-help.com",
    "support-metamsk.com",
    "tokenpocket-metamsk.com",
    "trustwalet-kefu.com",
    "trustwalet-kefu-metamsk.com",
    "ttokenpockett.pro",
    "bitgat.io",  # as near to bitget.com as to web3.bitget.com: the first listed is named
    "bitgeet.xyz",
    "zori-support.io",
    "zorx.io",
    "rnetarnask-support.com",  # a piece whose skeleton is a brand's exactly: zero edits
    "support-rnetarnask.io",
    "t0kenpocket-kefu.com",
    "okx-kefu.com",
    "okxx-kefu.com",
    "tokenpoket.pro",
    "tokenpockte.pro",
    "tokenpocket.pr0",
    "metamask.example",
    "metamask.test",
    "metamask.invalid",
    "example",
    "notes.txt",
    "e.g",
    "trustwallet.com",
    "trust-wallet.com",
    "tokenpocket.com",
    "evil.com",
    "acme-wallet-help.com",
    "help.acmewallet.com",
    "app.acme-shared.net",
    "x.app.acme-shared.net",
    "acme-shared.net",
    "acmewalet.com",
    "zeta.exchange",
    "www.zeta.exchange",
    # From the evaluation data, so that these paths are compared without it: two edits apart,
    # a length two apart, four letters changed, look-alike letters with deletions, several
    # insertions in one punycode label.
    "t0kenpoclcet.pro",
    "trusestwallet.com",
    "tokerpoeket.pro",
    "tokcnpocket.pro",
    "xn--okenpoket-94b38a.pro",
    "xn--ctamask-vid.io",
    "xn--etaask-205bd.io",
    "xn--eamask-9r7b7o.io",
    "xn--etamak-2s7bv897i.io",
    # The embedded finder and _subdomain in C: hosts with subdomains (of unrelated sites, of
    # hosting platforms, with punycode or empty labels), brand names on their brand's own ending,
    # short names with and without crypto context or another trade, misspellings that are ordinary
    # words or near misses, and the legitimate names around them.
    "www.example.com",
    "a.b.c.example.co.uk",
    "mail.google.com",
    "firebase.google.com",
    "gateway.example.org",
    "metamask.evil.com",
    "metamask.io.evil.com",
    "x.metamask.io.merge.evil.com",
    "trust.example.com",
    "trust.wallet-sync.com",
    "t.okenpocket.pro",
    "token.pocket.pro",
    "meta.mask.io",
    "portfolio.metamask.20-187-120-219.cprapid.com",
    "metamask-support.ddnss.eu",
    "support.metamask-help.ddnss.eu",
    "phantomwaulet-us.godaddysites.com",
    "phantom-wallet.godaddysites.com",
    "mywebsite.godaddysites.com",
    "mint-living.phantomnetwork.com",
    "novastakingwallet.ledgerstaxledgerflex.live",
    "ledgerl.ive-start.com",
    "go.ledyer-go-connect.com",
    "newsletter.bnancepartnership.eu",
    "blog.trusntvvallet.secres.us",
    "xn--mtamask-6ya.evil.com",
    "a.xn--mtamask-6ya.io",
    "a..example.com",
    "a.b.c.d.e.f.g.h.i.j.k.l.metamask.io.evil.com",
    "tokena.im",
    "app-token.im",
    "en-token.im",
    "token-app.im",
    "powrrledger.com",
    "backupassetledger.com",
    "ledgerx.com",
    "enledger.com",
    "okxmint.com",
    "bookx.com",
    "ledger-accounting.org",
    "phantomlighting.com",
    "phantombuster.com",
    "blackphantom.de",
    "knowledgemd.com",
    "mydigitalhealthwallet.com",
    "database-solutions.com",
    "platinumgatesecurity.co.uk",
    "tokenoftrust.com",
    "trust-btc.ml",
    "wallet.ethereum.org",
    "bitcoin-casino-no-deposit-bonus.com",
    "metamaskk-wallet-sync.com",
    "binanze.web.app",
    "coinbese-login.vercel.app",
    "trezzor-suite.pages.dev",
    "2-metamask-2.com",
    "meta_mask_help.net",
]


@needs_native
@pytest.mark.parametrize("name", EVERY_ALLOWLIST)
@pytest.mark.parametrize(
    "raw", [*EDGE_CASES, *(pytest.param(value, id=name) for name, value in LONG_EDGE_CASES.items())]
)
def test_edge_cases_answer_the_same_in_c_and_python(raw: str, name: str) -> None:
    _assert_same(raw, _allowlist(name), langs=("en", "zh"))


@st.composite
def embedded_hosts(draw: st.DrawFn) -> str:
    """Hosts made of what the embedded finder reads (the shipped allowlist's brand tokens, halves
    of names, crypto context, other trades, ordinary words, hosting platforms), misspelt, glued or
    split, in subdomains or not: the inputs of the C version of ``EmbeddedIndex.find`` and
    ``_subdomain``."""
    index = index_for(_allowlist("shipped")).domains
    embedded = index.embedded
    pools = [
        sorted(index.tokens),
        sorted(embedded.halves),
        sorted(embedded.rules.context),
        sorted(embedded.other_settings),
        sorted(embedded.ordinary) or ["x"],
        ["data", "fire", "way", "my", "the", "get", "hub", "labs", "s", "1", "24", "x"],
    ]

    def piece() -> str:
        word = list(draw(st.sampled_from(draw(st.sampled_from(pools)))))
        for _ in range(draw(st.integers(0, 2))):
            at = draw(st.integers(0, max(0, len(word) - 1)))
            char = draw(st.sampled_from(_LABEL_CHARACTERS))
            edit = draw(st.sampled_from(["insert", "delete", "replace", "swap", "none"]))
            if edit == "insert":
                word.insert(at, char)
            elif edit == "delete" and len(word) > 1:
                del word[at]
            elif edit == "replace" and word:
                word[at] = char
            elif edit == "swap" and at + 1 < len(word):
                word[at], word[at + 1] = word[at + 1], word[at]
        return "".join(word)

    def label() -> str:
        separator = draw(st.sampled_from(["", "", "-", "_", "0", "--"]))
        text = separator.join(piece() for _ in range(draw(st.integers(1, 3))))
        return text[:63].strip("-_") or "a"

    labels = [label() for _ in range(draw(st.integers(0, 3)))] + [label()]
    suffix = draw(
        st.one_of(
            st.sampled_from(["com", "io", "co.uk", "org", "im", "pro", "app", "live", "xyz"]),
            st.sampled_from(sorted(embedded.platforms)),
        )
    )
    return ".".join(labels) + "." + suffix


@needs_native
@pytest.mark.parametrize("name", ALLOWLISTS)
@settings(max_examples=300, deadline=None)
@given(raw=embedded_hosts())
@example(raw="support.metamask-help.ddnss.eu")
@example(raw="mint-living.phantomnetwork.com")
def test_embedded_names_answer_the_same_in_c_and_python(name: str, raw: str) -> None:
    _assert_same(raw, _allowlist(name))


class _Text(str):
    """A str subclass: not the exact str the C parser takes."""


@needs_native
@pytest.mark.parametrize(
    "raw", [None, 123, b"tokenpocket.pro", _Text("tokenpocket-support.com"), _Text("a.b.ck")]
)
def test_values_that_are_not_plain_strings_answer_the_same_in_c_and_python(raw: Any) -> None:
    _assert_same(raw, _allowlist("shipped"))


def _listed_domains(allowlist: Allowlist) -> list[str]:
    """Official, denied and unrelated domains of ``allowlist``, and names one step from them."""
    values = [e.value for b in allowlist.brands.values() for e in b.entries if e.kind is ChannelKind.URL]
    values += [e.value for e in allowlist.denylist if e.kind is ChannelKind.URL]
    values += [domain for brand in allowlist.brands.values() for domain in brand.unrelated]
    around = [f"{prefix}{v}" for v in values for prefix in ("www.", "help.", "xn--e1a.")]
    around += [v.replace(".", "-", 1) + ".com" for v in values]
    around += [v.rsplit(".", 1)[0] + ".xyz" for v in values]
    return values + around


@needs_native
@pytest.mark.parametrize("name", ["shipped", "unrelated", "acme"])
def test_listed_domains_answer_the_same_in_c_and_python(name: str) -> None:
    allowlist = _allowlist(name)
    for raw in _listed_domains(allowlist):
        _assert_same(raw, allowlist)


@needs_native
@pytest.mark.parametrize(
    "raw", ["tokenpocket-support.com", "xn--tokenpocet-cui.pro", "help.tokenpocket.pro", "example.com"]
)
def test_plain_host_names_are_parsed_in_c(raw: str) -> None:
    hook = _host_hook()
    assert callable(hook)
    channel = hook(raw)
    assert isinstance(channel, Channel)
    with _pure_python(_allowlist("shipped")):
        assert verifier.parse_channel(raw) == channel


@needs_native
@pytest.mark.parametrize(
    "raw", ["tokenpocкet.pro", " tokenpocket.pro", "hxxps.tokenpocket.pro", "tokenpocket.pro/x", "a.com.."]
)
def test_other_input_is_left_to_python(raw: str) -> None:
    hook = _host_hook()
    assert callable(hook)
    assert hook(raw) is None


_PURE_REFERENCE = """
import json, sys
from verifier import speedups
from tests.unit.test_speedups import _allowlist, _outcome
assert speedups.native is None, "VERIFIER_PURE_PYTHON=1 left the extension on"
json.dump([_outcome(raw, _allowlist("shipped"), ("en", "zh")) for raw in json.load(sys.stdin)], sys.stdout)
"""


def _python(*args: str, env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    """``python args`` from the repository root, as a separate process."""
    return subprocess.run(
        [sys.executable, *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )


@needs_native
def test_turning_c_off_in_process_is_what_verifier_pure_python_does(tmp_path: Path) -> None:
    """The in-process switch of the tests above against a process where the extension is off."""
    values = [*EDGE_CASES, *LONG_EDGE_CASES.values()]
    values += (_evaluation_hosts() or ())[::25]  # without them the edge cases still tell
    env = {**os.environ, "VERIFIER_PURE_PYTHON": "1", "VERIFIER_STATE_DIR": str(tmp_path)}
    done = _python("-c", _PURE_REFERENCE, env=env, stdin=json.dumps(values))
    assert done.returncode == 0, done.stderr
    reference = json.loads(done.stdout)
    native = [json.loads(json.dumps(_outcome(raw, _allowlist("shipped"), ("en", "zh")))) for raw in values]
    differ = [(raw, n, r) for raw, n, r in zip(values, native, reference, strict=True) if n != r]
    assert not differ, f"{len(differ)} of {len(values)} differ, first: {differ[:3]}"


# ------------------------------------------------------------------------------------------------
# 3. The OSA distance.

odd_text = st.text(st.sampled_from("abcé€𝔸а\u0301"), max_size=255)


@needs_native
@settings(max_examples=400, deadline=None)
@given(a=st.one_of(odd_text, st.text(max_size=255)), b=st.one_of(odd_text, st.text(max_size=255)))
@example(a="", b="")
@example(a="", b="abc")
@example(a="é" * 64, b="é" * 63 + "a")
@example(a="ab" * 32 + "c", b="ba" * 32 + "c")
@example(a="x" * 255, b="")
@example(a="x" * 64 + "ab", b="x" * 64 + "ba")  # past 64 characters: the table, not the bits
@example(a="é" * 70 + "ab" + "é" * 70, b="é" * 70 + "ba" + "é" * 70)
def test_osa_is_rapidfuzz_osa(a: str, b: str) -> None:
    assert speedups.native is not None
    assert speedups.native.osa(a, b) == OSA.distance(a, b)
    assert speedups.native.osa(b, a) == OSA.distance(b, a)


@needs_native
@settings(max_examples=300, deadline=None)
@given(
    a=st.one_of(odd_text, st.text(st.sampled_from("abcé𝔸"), min_size=60, max_size=255)),
    edits=st.lists(st.tuples(st.integers(0, 254), st.sampled_from(["swap", "a", "é", "𝔸", ""])), max_size=4),
)
def test_osa_is_rapidfuzz_osa_on_near_strings(a: str, edits: list[tuple[int, str]]) -> None:
    """Near strings (substitutions, deletions, transpositions) are where the bit-parallel tricks show."""
    b = list(a)
    for place, edit in edits:
        if not b:
            break
        at = place % len(b)
        if edit == "swap" and at + 1 < len(b):
            b[at], b[at + 1] = b[at + 1], b[at]
        elif edit:
            b[at] = edit
        else:
            del b[at]
    assert speedups.native is not None
    assert speedups.native.osa(a, "".join(b)) == OSA.distance(a, "".join(b))


# ------------------------------------------------------------------------------------------------
# 4. Maker.

STATE = AllowlistState(1, "2027-01-01T00:00:00Z", verified=True)


def _channel_fields() -> tuple[ChannelKind, str, str, str, str, str]:
    """The first six fields of a url Channel."""
    return (ChannelKind.URL, "Example.com", "example.com", "example.com", "example.com", "example.com")


# Every field of a url Channel, in order, and their names.
CHANNEL_VALUES = (*_channel_fields(), None, None, None, None, None, "u", None, ("url.idn",))
CHANNEL_NAMES = tuple(field.name for field in dataclasses.fields(Channel))


@needs_native
def test_maker_builds_what_the_channel_dataclass_builds() -> None:
    make = speedups.maker(Channel)
    assert speedups.native is not None
    assert isinstance(make, speedups.native.Maker)
    built = make(*CHANNEL_VALUES)
    expected = Channel(*CHANNEL_VALUES)
    assert type(built) is Channel
    assert (built, repr(built), hash(built)) == (expected, repr(expected), hash(expected))
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.raw = "other"  # type: ignore[misc]


@needs_native
def test_maker_builds_what_the_check_result_dataclass_builds() -> None:
    channel = Channel(*CHANNEL_VALUES)
    reasons = (Reason("unknown.no_brand", "nothing known"),)
    values = ("example.com", ChannelKind.URL, "example.com", Verdict.UNKNOWN, None, None, None)
    built = speedups.maker(CheckResult)(*values, reasons, STATE, channel)
    expected = CheckResult(*values, reasons, STATE, channel)
    assert type(built) is CheckResult
    assert (built, built.to_dict(), repr(built)) == (expected, expected.to_dict(), repr(expected))
    assert built.channel is channel


@needs_native
def test_maker_fills_the_named_slots_of_a_reason() -> None:
    make = speedups.maker(Reason, ("code", "_message", "_message_code", "_lang", "_params"))
    assert make("x.y", "said", None, "en", None) == Reason("x.y", "said")


@needs_native
def test_maker_keeps_no_reference_it_does_not_own() -> None:
    raw = "".join(["unique-", "value.example"])  # a fresh object whose count only this test moves
    before = sys.getrefcount(raw)
    built = speedups.maker(Channel)(ChannelKind.URL, raw, raw, *CHANNEL_VALUES[3:])
    assert sys.getrefcount(raw) == before + 2
    del built
    assert sys.getrefcount(raw) == before


@needs_native
@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ((), {}),
        (CHANNEL_VALUES[:6], {}),
        (CHANNEL_VALUES[:-1], {}),
        ((*CHANNEL_VALUES, ()), {}),
        (CHANNEL_VALUES[:-1], {"notes": ()}),
        (CHANNEL_VALUES, {"notes": ()}),  # every field, and one again by name
        ((), dict(zip(CHANNEL_NAMES, CHANNEL_VALUES, strict=True))),
    ],
)
def test_maker_takes_every_field_by_position_only(
    args: tuple[object, ...], kwargs: dict[str, object]
) -> None:
    with pytest.raises(TypeError):
        speedups.maker(Channel)(*args, **kwargs)


class _Plain:
    def __init__(self, value: object) -> None:
        self.value = value


@dataclasses.dataclass(frozen=True)
class _NotSlotted:
    value: object


class _SlotsAndDict:
    __slots__ = ("__dict__", "value")


class _OwnNew:
    __slots__ = ("value",)

    def __new__(cls) -> _OwnNew:
        return super().__new__(cls)


@needs_native
@pytest.mark.parametrize(
    ("cls", "names"),
    [
        (_Plain, ("value",)),
        (_NotSlotted, ("value",)),
        (_SlotsAndDict, ("value",)),
        (_OwnNew, ("value",)),
        (Channel, ("raw", "no_such_slot")),
        (Channel, ("raw", 1)),
        (Channel, ["raw"]),
        ("Channel", ("raw",)),
    ],
)
def test_maker_refuses_what_it_cannot_build(cls: object, names: object) -> None:
    assert speedups.native is not None
    with pytest.raises(TypeError):
        speedups.native.Maker(cls, names)


@dataclass(frozen=True, slots=True)
class _Base:
    first: str


@dataclass(frozen=True, slots=True)
class _Derived(_Base):
    second: str


@needs_native
def test_maker_fills_inherited_slots() -> None:
    build = speedups.maker(_Derived)
    assert build("a", "b") == _Derived("a", "b")
    assert (build("a", "b").first, build("a", "b").second) == ("a", "b")


@needs_native
def test_an_uninitialised_maker_refuses_to_build() -> None:
    assert speedups.native is not None
    with pytest.raises(TypeError):
        speedups.native.Maker.__new__(speedups.native.Maker)()


@needs_native
def test_an_uninitialised_host_parser_refuses_to_parse() -> None:
    assert speedups.native is not None
    with pytest.raises(TypeError):
        speedups.native.HostParser.__new__(speedups.native.HostParser).parse("example.com")


@needs_native
def test_an_uninitialised_domain_matcher_refuses_to_find(tmp_path: Path) -> None:
    code = (
        "from verifier.speedups import native\n"
        "matcher = native.DomainMatcher.__new__(native.DomainMatcher)\n"
        "try:\n"
        "    matcher.find('example.com', 'example.com', 'example.com')\n"
        "except TypeError:\n"
        "    print('refused')\n"
    )
    done = _python("-c", code, env={**os.environ, "VERIFIER_STATE_DIR": str(tmp_path)})
    assert (done.returncode, done.stdout.strip()) == (0, "refused"), done.stderr


@needs_native
@pytest.mark.parametrize("cls", ["Maker", "HostParser", "DomainMatcher"])
def test_a_second_init_is_refused(cls: str) -> None:
    # __init__ again would swap tables under a find that is using them (from a Python callback).
    allowlist = verifier.load_allowlist()
    index = index_for(allowlist).domains
    objects = {
        "Maker": speedups.maker(Channel),
        "HostParser": verifier.channels.native_host.__self__,  # type: ignore[union-attr]
        "DomainMatcher": index._native,
    }
    with pytest.raises(TypeError, match="already initialised"):
        objects[cls].__init__(Channel, ("raw",))


def test_an_allowlist_and_its_indexes_are_freed() -> None:
    # The C matcher refers back to its DomainIndex, which holds it: a cycle the collector must see,
    # or every allowlist the service reloads stays in memory.
    refs = []
    for _ in range(3):
        allowlist = verifier.load_allowlist()
        verifier.check("metamsk.io", allowlist=allowlist)
        refs.append(weakref.ref(index_for(allowlist).domains))
        del allowlist
    gc.collect()
    assert [r() for r in refs] == [None, None, None]


def test_a_reason_whose_parameters_lead_back_to_it_is_collected() -> None:
    class Holder:
        reason: Reason

    params: dict[str, object] = {}
    reason = Reason.deferred("x", "unknown.no_brand", "en", params)
    holder = Holder()
    params["holder"] = holder  # changes the caller's dict only: deferred keeps a copy
    holder.reason = reason
    seen = weakref.ref(holder)
    del params, reason, holder
    gc.collect()
    assert seen() is None


@needs_native
def test_host_results_are_left_out_of_the_garbage_collectors_work() -> None:
    # Frozen values holding only strings, enum members and each other: no cycle can go through them.
    result = verifier.check("xn--tokenpocet-cui.pro")
    assert result.verdict is Verdict.LOOKALIKE
    parts = [result, result.channel, result.reasons, *result.reasons, result.allowlist]
    assert not [p for p in parts if gc.is_tracked(p)]
    # A field that could lead back keeps the value tracked.
    build = speedups.maker(Reason, ("code", "_message_code", "_lang", "_params", "_message"), acyclic=True)
    assert gc.is_tracked(build("c", "unknown.no_brand", "en", {"v": []}, ""))
    assert not gc.is_tracked(build("c", "unknown.no_brand", "en", {"v": "x"}, ""))


def _matcher_arguments(monkeypatch: pytest.MonkeyPatch) -> tuple[dict[str, Any], Any]:
    """The keyword arguments DomainIndex gives the C matcher for the shipped allowlist, and the index."""
    from verifier.lookalike import domains

    captured: dict[str, Any] = {}

    class Capture:
        def __init__(self, **tables: Any) -> None:
            captured.update(tables)

        find = None

    native = speedups.native
    monkeypatch.setattr(domains, "native", type("Stub", (), {"DomainMatcher": Capture}))
    index = domains.DomainIndex(verifier.load_allowlist())
    monkeypatch.setattr(domains, "native", native)
    return captured, index


_HOSTS = (
    "rnetarnask-help.com",
    "metamsk.io",
    "tokenpocket-support.com",
    "example.com",
    "t0kenpocketkefu.com",
)


@needs_native
def test_the_matcher_keeps_its_own_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    # What was checked when it was built cannot change under a find: a table changed afterwards
    # (an official number out of range) used to be read as it was.
    tables, index = _matcher_arguments(monkeypatch)
    assert speedups.native is not None
    matcher = speedups.native.DomainMatcher(**tables)
    tables["by_label"]["zzzzz"] = (10**6,)
    tables["tokens"].clear()
    assert matcher.find("zzzzz.org", "zzzzz.org", "zzzzz.org") is None
    for host in _HOSTS:
        assert matcher.find(host, host, host) == index.find_python(host, host, host), host


@needs_native
def test_a_matcher_whose_first_init_failed_can_be_initialised(monkeypatch: pytest.MonkeyPatch) -> None:
    tables, index = _matcher_arguments(monkeypatch)
    assert speedups.native is not None
    matcher = speedups.native.DomainMatcher.__new__(speedups.native.DomainMatcher)
    with pytest.raises(ValueError):
        matcher.__init__(**{**tables, "forms": (("abc", 10**6),)})
    with pytest.raises(TypeError, match="not initialised"):
        matcher.find(*_HOSTS[:1] * 3)
    matcher.__init__(**tables)
    gc.collect()  # the released tables of the failed init are not walked again
    for host in _HOSTS:
        assert matcher.find(host, host, host) == index.find_python(host, host, host), host


@needs_native
@pytest.mark.parametrize(
    "change",
    [
        {"skeleton_token_heads": {"rne": ("rnetarnaskzz",)}},  # a skeleton that names no tokens
        {"token_heads": {"zzz": ("zzzzz",)}},  # a token with no officials
        {"token_heads": {"abc": ("metamask",)}},  # a head its token does not begin with
        {"seed_heads": {"abc": ("metamask",)}},  # a seed its head does not begin
        {"seed_heads": {"ab": ("ab",)}},  # a head that is not three letters
    ],
)
def test_inconsistent_tables_are_refused(monkeypatch: pytest.MonkeyPatch, change: dict[str, Any]) -> None:
    tables, _ = _matcher_arguments(monkeypatch)
    assert speedups.native is not None
    with pytest.raises(ValueError):
        speedups.native.DomainMatcher(**{**tables, **change})


@needs_native
def test_any_number_of_classes_can_be_built_acyclic() -> None:
    classes = [
        dataclasses.make_dataclass(f"Frozen{i}", ["value"], frozen=True, slots=True) for i in range(40)
    ]
    for cls in classes:
        built = speedups.maker(cls, acyclic=True)("x")
        assert built == cls("x") and not gc.is_tracked(built)


# ------------------------------------------------------------------------------------------------
# 5. The loader: a build from another source, no build, turned off.


@needs_native
def test_a_build_from_another_source_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    source = Path(speedups.__file__).with_name("_speedups.c")
    if not source.is_file():
        pytest.skip("no _speedups.c beside the build: nothing to compare its digest with")
    assert speedups.native is not None
    # The digest of the source as it is now, so an edit made while the tests run changes nothing.
    monkeypatch.setattr(speedups.native, "SOURCE_SHA256", hashlib.sha256(source.read_bytes()).hexdigest())
    assert speedups._load() == (speedups.native, "")
    monkeypatch.setattr(speedups.native, "SOURCE_SHA256", "0" * 64)
    module, problem = speedups._load()
    assert module is None
    assert "pip install" in problem


def test_without_a_build_python_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VERIFIER_PURE_PYTHON", raising=False)
    monkeypatch.setitem(sys.modules, "verifier._speedups", None)  # what import finds for no build
    monkeypatch.delattr(verifier, "_speedups", raising=False)
    module, problem = speedups._load()
    assert module is None
    assert problem.startswith("not built")


@pytest.mark.parametrize(("value", "off"), [("1", True), ("yes", True), ("0", False), ("", False)])
def test_verifier_pure_python_turns_the_extension_off(
    value: str, off: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VERIFIER_PURE_PYTHON", raising=False)
    unset = speedups._load()
    monkeypatch.setenv("VERIFIER_PURE_PYTHON", value)
    assert speedups._load() == ((None, "turned off by VERIFIER_PURE_PYTHON") if off else unset)


# ------------------------------------------------------------------------------------------------
# 6. VERIFIER_PURE_PYTHON=1 end to end.


def test_the_cli_without_the_extension(tmp_path: Path) -> None:
    env = {**os.environ, "VERIFIER_PURE_PYTHON": "1", "VERIFIER_STATE_DIR": str(tmp_path)}
    loaded = _python(
        "-c",
        "from verifier import speedups; print(speedups.native is None, speedups.native_problem)",
        env=env,
    )
    assert loaded.stdout.strip() == "True turned off by VERIFIER_PURE_PYTHON", loaded.stderr
    done = _python("-m", "verifier", "check", "tokenpocket-support.com", "--json", env=env)
    answer = json.loads(done.stdout)
    assert done.returncode == 1, done.stderr
    assert (answer["verdict"], answer["technique"], answer["matched"]) == (
        "lookalike",
        "combosquat",
        "tokenpocket.pro",
    )


@needs_native
def test_the_host_parser_checks_idn_hosts_with_ada_as_idn_host_ok_does() -> None:
    from verifier.channels.domain import _NOT_IN_LABELS, _suffix_tables
    from verifier.channels.weburl import ada_idna_functions, idn_host_ok

    assert speedups.native is not None
    made = {
        "suffixes": _suffix_tables,
        "not_in_labels": _NOT_IN_LABELS,
        "is_normalized": __import__("unicodedata").is_normalized,
        "maker": speedups.maker(Channel, acyclic=True, constants=tuple(ChannelKind)),
        "kind_url": ChannelKind.URL,
    }
    checked = speedups.native.HostParser(**made, idna=ada_idna_functions())
    unchecked = speedups.native.HostParser(**made)
    # decodes to capitals (ada refuses), a mapped fullwidth letter, a valid IDN, plain ASCII
    hosts = ["xn--Mtamask-6ya.io", "xn--mtamsk-8of.io", "xn--mtamask-6ya.io", "example.com"]
    hosts += ["xn--" + "ｍ".encode("punycode").decode() + ".com", "xn--tokenpocet-cui.pro"]
    for host in hosts:
        expected = bare = unchecked.parse(host)
        if bare is not None and bare.notes and not idn_host_ok(bare.normalized, bare.host_unicode or ""):
            expected = None
        assert checked.parse(host) == expected, host
    for bad in ("x", (0, 0), (1,), (1, 2, 3), ("1", "2")):
        with pytest.raises((TypeError, ValueError)):
            speedups.native.HostParser(**made, idna=bad)
    with pytest.raises(TypeError):
        speedups.native.HostParser(suffixes=_suffix_tables)
