"""Find the contact channels (links, emails, phone numbers, handles) written in free text.

Matching runs on a same-length "shadow" of the text in which fullwidth forms, mathematical
digits and dash variants are folded to ASCII, so every offset found there indexes the
original. Each kind is found from a cheap anchor (``//``, a dot inside a word, ``@``, a digit,
a colon after a platform word), then read with an anchored, possessive pattern and never
rescanned: extraction is linear on any input and fast on ordinary text. Candidates are then
validated in order of appearance with the channel parsers, so only what ``verifier.check``
accepts is returned.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from verifier.channels import MAX_INPUT_CHARS, parse_email, parse_handle, parse_phone, parse_url
from verifier.channels.handle import parse_handle_link
from verifier.channels.suffixes import suffix_rules
from verifier.errors import InvalidChannel
from verifier.model import Channel, ChannelKind


@dataclass(frozen=True, slots=True)
class Found:
    """One channel in a text: its kind, the value to check, where it is, and a handle's platform.

    ``raw`` is ``text[span]``, except that a country code the text implies is written out
    (``+86`` before a 400/800 number or a mobile number after 电话, ``+`` before
    ``1-NXX-NXX-XXXX``) so that checking ``raw`` never depends on a brand's default region.
    """

    kind: ChannelKind
    raw: str
    span: tuple[int, int]
    platform: str | None = None


def _fold_table() -> dict[int, int]:
    table = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}  # fullwidth ASCII
    table.update({cp: ord("0") + (cp - 0x1D7CE) % 10 for cp in range(0x1D7CE, 0x1D800)})  # math digits
    table.update(dict.fromkeys([*range(0x2010, 0x2016), 0x2212, 0xFE58, 0xFE63], ord("-")))
    table.update(dict.fromkeys([0x00A0, 0x3000, *range(0x2000, 0x200B), 0x202F, 0x205F], ord(" ")))
    table.update({0x3002: ord("."), 0xFF61: ord("."), 0x3010: ord("["), 0x3011: ord("]")})
    return table


def _char_class(code_points: list[int]) -> str:
    """A regex class written as ranges (a class listing each character scans slowly)."""
    ranges: list[list[int]] = []
    for cp in sorted(code_points):
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    return (
        "[" + "".join(re.escape(chr(a)) + (f"-{re.escape(chr(b))}" if b > a else "") for a, b in ranges) + "]"
    )


_FOLD = _fold_table()
_FOLDABLE = re.compile(_char_class(list(_FOLD)) + "+")

# Characters that render as nothing; the parsers strip them, so they may sit inside a token.
_INV = "\u00ad\u200b-\u200d\u2060\ufeff"
_LABEL = rf"[0-9A-Za-z\u00c0-\u024f\u0370-\u04ff{_INV}-]"  # no CJK: Chinese text runs into domains
_DOT = r"(?:\.|\[(?:\.|dot)\]|\((?:\.|dot)\)|\{\.\})"
_PATH = r"(?:[^\s<>\"'`\[\]{}|\\^\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff]++|\[(?:\.|dot|:|/)\])*+"
_SCHEME_HIT = re.compile("//")  # after ":" or a defanged "[:]"
_SCHEME = re.compile(r"(?:h[tx]{2}ps?|f[tx]p)\Z", re.IGNORECASE)
_URL_REST = re.compile(_PATH)
# Hits are literal-led patterns, one pass each: the engine finds a literal far faster than
# it tests a character class (or an alternation) at every position.
_DOT_HITS = ((".", re.compile(rf"\.(?={_LABEL}|[\])}}])")), ("dot", re.compile(r"dot(?<=[\[(]dot)(?=[\])])")))
_LABEL_RUN = re.compile(rf"{_LABEL}{{0,253}}+", re.IGNORECASE)  # read backwards from a dot
_BARE_URL = re.compile(
    rf"(?P<host>{_LABEL}++(?:{_DOT}{_LABEL}++)++)(?::[0-9]{{1,5}}+)?+(?:[/?#]{_PATH})?+", re.IGNORECASE
)
_NOT_BEFORE_HOST = re.compile(rf"[0-9a-z\u00c0-\u04ff{_INV}_.@/\\-]", re.IGNORECASE)
_LAST_LABEL = re.compile(r"[.\])}]")
# File names look like host names under a real TLD (.zip, .py, .md): not links without a scheme.
_FILE_EXTENSIONS = frozenset(
    "txt png jpg jpeg gif svg pdf exe zip rar js ts py json html htm css md sh csv log xml yml yaml "  # noqa: SIM905
    "toml apk dmg msi doc docx xls xlsx mov mp3 mp4".split()
)
_TRAILING = ".,;:!?\"'*_>)]}"
_OPENERS = {")": "(", "]": "[", "}": "{"}

_LOCAL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-")
_EMAIL_HITS = (
    ("@", re.compile(rf"@(?<=[A-Za-z0-9._%+-]@)(?={_LABEL})")),
    ("[@]", re.compile(r"\[@\]")),
    ("at", re.compile(r"at(?<=[\[(]at)(?=[\])])")),  # "[at]", "(at)"
)
_SPELLED_DOT_HIT = re.compile(" dot ")
_EMAIL = re.compile(
    rf"[a-z0-9._%+-]++(?:@|\[(?:@|at)\]|\(at\)|[ \t]+(?:(?P<word>at)|\[at\]|\(at\))[ \t]+)"
    rf"{_LABEL}++(?:(?:{_DOT}|[ \t]+(?:dot|\[dot\]|\(dot\))[ \t]+){_LABEL}++)++",
    re.IGNORECASE,
)

_GROUP = r"[oO]*+[0-9][0-9oO]*+"  # letter O stands for zero in spam, next to real digits
_PHONE_SEP = rf"[)\]}}]{{0,3}}+[ \t{_INV}]?+[-.*~]?+[ \t]?+[(\[{{]{{0,3}}+"
# One leading class lets the engine skip ahead; the look-ahead drops short numbers early.
_PHONE = re.compile(
    rf"[(\[{{+0-9](?=[-(\[{{+0-9oO .*~)\]}}]{{6}})[(\[{{+]*+[0-9oO]*+"
    rf"(?:{_PHONE_SEP}{_GROUP})*+[)\]}}]{{0,3}}+"
)
_PHONE_OPENING = re.compile(r"[(\[{]*\+?[(\[{]*[0-9]")
_NON_DIGIT = re.compile(r"[^0-9oO]")
_CN_SERVICE = re.compile(r"[48]00[0-9]{7}")
_CN_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_NANP = re.compile(r"1[2-9][0-9]{2}[2-9][0-9]{6}")
# Labels after which an 11-digit number starting 1[3-9] is a mainland mobile number.
_CN_PHONE_LABELS = ("电话", "電話", "热线", "熱線", "手机", "手機", "客服", "联系", "聯繫", "聯系")

# Words that name a platform next to a handle; ASCII ones must stand alone as words.
PLATFORM_WORDS = {
    "telegram": "telegram", "tg": "telegram", "电报": "telegram", "電報": "telegram",
    "飞机": "telegram", "飛機": "telegram", "twitter": "x", "x": "x", "推特": "x",
    "discord": "discord", "whatsapp": "whatsapp", "wa": "whatsapp",
    "wechat": "wechat", "weixin": "wechat", "vx": "wechat", "wx": "wechat", "v信": "wechat",
    "微信": "wechat", "薇信": "wechat", "威信": "wechat", "qq": "qq", "扣扣": "qq",
    "instagram": "instagram", "ig": "instagram", "insta": "instagram", "tiktok": "tiktok",
    "抖音": "tiktok", "facebook": "facebook", "fb": "facebook", "脸书": "facebook",
    "youtube": "youtube", "油管": "youtube", "github": "github", "weibo": "weibo", "微博": "weibo",
}  # fmt: skip
_ID_WORDS = ["id", "号码", "号", "號", "账号", "帳號", "username", "handle", "account"]  # "微信号："
_ASCII_WORDS = sorted((w for w in PLATFORM_WORDS if w.isascii()), key=len, reverse=True)
_OTHER_WORDS = sorted((w for w in PLATFORM_WORDS if not w.isascii()), key=len, reverse=True)
# Tokens of a lowercased context window; Chinese words first so "v信" is not read as "v".
_WORD_TOKEN = re.compile("|".join([*_OTHER_WORDS, "[a-z0-9_]+"]))


def _backwards(words: list[str]) -> str:
    return "|".join(word[::-1] for word in words)


# A platform word (with "ID", "号") right before a position, matched on the reversed text
# before it ("Telegram: " reads " :margeleT"), so finding it costs one anchored match.
_WORD_BEFORE = re.compile(
    rf"[ \t]*:?[ \t]*(?:(?:{_backwards(_ID_WORDS)})[ \t]*)?"
    rf"(?P<word>(?:{_backwards(_ASCII_WORDS)})(?![a-z0-9_])|{_backwards(_OTHER_WORDS)})",
    re.IGNORECASE,
)
_WORD_ENDS = frozenset(c for w in [*PLATFORM_WORDS, *_ID_WORDS] for c in (w[-1], w[-1].upper()))
_COLON_NAME = re.compile(r"[ \t]*(?P<name>[a-z0-9_][a-z0-9_.-]*+)", re.IGNORECASE)
# Chinese platform words and QQ often label a name with no colon: "微信abc123", "QQ 12345".
_CJK_WORD_STARTS = {ord(w[0]) for w in _OTHER_WORDS if not w[0].isascii()} | {ord("信")}  # "V信" from 信
_CJK_WORD_HIT = re.compile(_char_class(sorted(_CJK_WORD_STARTS)))
_CJK_WORD = re.compile("|".join(_OTHER_WORDS), re.IGNORECASE)
_QQ_HITS = (("QQ", re.compile("QQ")), ("qq", re.compile("qq")))
_COLON_HITS = ((":", re.compile(":")),)
_BARE_LABEL = re.compile(
    rf"(?:[ \t]*(?:{'|'.join(_ID_WORDS)})(?![a-z]))?[ \t]*(?P<name>[a-z0-9_][a-z0-9_.-]*+)", re.IGNORECASE
)
_AT_NAME = re.compile(r"@(?<![a-z0-9_.@+-]@)[a-z0-9_][a-z0-9_.-]*+", re.IGNORECASE)
_NAME_PREFIX = re.compile(r"[a-z0-9_.-]*")
_LABEL_FOLLOWS = re.compile(r"[ \t]*:?[ \t]*@")
_CONTEXT = 40  # how far (within a line) a platform word may stand from an @name

_EMAIL_RANK, _URL_RANK, _PHONE_RANK, _HANDLE_RANK = range(4)


class _Candidate(NamedTuple):  # a tuple: thousands are made per megabyte
    start: int
    end: int
    rank: int
    kind: ChannelKind
    raw: str
    platform: str | None = None


def extract_channels(text: str, *, limit: int = 200) -> list[Found]:
    """Every contact channel in ``text``, in order of appearance, at most ``limit``.

    Items are de-duplicated by kind and normalized value (the first is kept) and each
    ``raw`` parses with ``parse_channel(raw, kind, platform=platform)``. Overlapping
    matches keep the earliest, then the longest (a t.me link, not the name inside it).
    Phone numbers need a country code, except China's 400/800 numbers, ``1-NXX-NXX-XXXX``
    and mobile numbers after a Chinese label such as 电话. Never raises on text.
    """
    shadow = text if text.isascii() else _FOLDABLE.sub(lambda m: m.group().translate(_FOLD), text)
    candidates = sorted(_candidates(text, shadow), key=lambda c: (c.start, -c.end, c.rank))
    found: list[Found] = []
    seen: set[tuple[ChannelKind, str]] = set()
    covered = 0
    for cand in candidates:
        if len(found) >= limit:
            break
        if cand.start < covered:
            continue
        valid = _parsed(cand.kind, cand.raw, cand.platform)
        if valid is None:
            continue
        covered = cand.end
        kind, normalized, platform = valid
        if (kind, normalized) not in seen:
            seen.add((kind, normalized))
            found.append(Found(kind, cand.raw, (cand.start, cand.end), platform))
    return found


@lru_cache(maxsize=4096)
def _parsed(kind: ChannelKind, raw: str, platform: str | None) -> tuple[ChannelKind, str, str | None] | None:
    """The kind, normalized value and platform the parsers give a candidate, or None.

    Cached: spam repeats one number or link many times, and phone parsing is the dearest step.
    """
    try:
        if kind is ChannelKind.URL:
            try:
                link = parse_handle_link(raw)
            except InvalidChannel:
                link = None  # a platform page that names no account (x.com/home) is a link
            if link is not None:
                return ChannelKind.HANDLE, link.normalized, link.platform
            channel: Channel = parse_url(raw)
        elif kind is ChannelKind.EMAIL:
            channel = parse_email(raw)
        elif kind is ChannelKind.PHONE:
            channel = parse_phone(raw)
        else:
            try:
                channel = parse_handle(raw, platform)
            except InvalidChannel:
                if platform is None or not raw.startswith("@"):
                    raise
                channel = parse_handle(raw)  # "@ab" near "Telegram" is too short for it
    except InvalidChannel:
        return None
    return channel.kind, channel.normalized, channel.platform


def _candidates(text: str, shadow: str) -> Iterator[_Candidate]:
    yield from _urls(text, shadow)
    yield from _emails(text, shadow)
    yield from _phones(text, shadow)
    yield from _labelled_handles(text, shadow)
    yield from _at_handles(text, shadow)


def _urls(text: str, shadow: str) -> Iterator[_Candidate]:
    """Links with a scheme, then host names found from a dot inside a word ("metamask.io/x")."""
    spans = list(_scheme_url_spans(shadow))
    for start, end in spans:
        yield from _url(text, shadow, start, end)
    spans.append((len(shadow), len(shadow)))
    pos = index = 0
    backwards = ""
    for dot in _hits(shadow, _DOT_HITS):
        if dot < pos:
            continue
        while spans[index][1] <= dot:
            index += 1
        if spans[index][0] <= dot:
            pos = spans[index][1]  # inside a link already found
            continue
        # The separator starts at the bracket of "[.]" or "(dot)".
        hit = dot if shadow[dot] == "." and shadow[dot + 1] not in "])}" else dot - 1
        backwards = backwards or shadow[::-1]
        label = _LABEL_RUN.match(backwards, len(shadow) - hit)
        start = hit - (label.end() - label.start() if label else 0)
        match = _BARE_URL.match(shadow, start)
        if match is None:
            continue
        pos = match.end()
        if start > 0 and _NOT_BEFORE_HOST.match(shadow, start - 1):
            continue  # inside a path, an email address or a longer word
        host = match.group("host")
        if host.lower().startswith("www.") or _plausible_bare_host(host):
            yield from _url(text, shadow, start, match.end())


def _hits(shadow: str, patterns: tuple[tuple[str, re.Pattern[str]], ...]) -> list[int]:
    """Where any of ``patterns`` matches, in order; a pattern whose literal is absent is not run."""
    return sorted(
        match.start()
        for literal, pattern in patterns
        if literal in shadow
        for match in pattern.finditer(shadow)
    )


def _scheme_url_spans(shadow: str) -> Iterator[tuple[int, int]]:
    if "//" not in shadow:
        return
    pos = 0
    while hit := _SCHEME_HIT.search(shadow, pos):
        rest = _URL_REST.match(shadow, hit.end())
        end = pos = rest.end() if rest else hit.end()
        colon = hit.start() - (3 if hit.start() >= 3 and shadow.startswith("[:]", hit.start() - 3) else 1)
        if colon < 0 or shadow[colon] not in ":[":
            continue
        scheme = _SCHEME.search(shadow, max(0, colon - 5), colon)
        if scheme is None:
            continue
        start = scheme.start()
        if start > 0 and shadow[start - 1].isascii() and shadow[start - 1].isalnum():
            continue  # "xhttp://"
        yield start, end


def _plausible_bare_host(host: str) -> bool:
    """Whether a dotted word without scheme or www. is a host, not "e.g", "v1.2" or "setup.py"."""
    tld = _LAST_LABEL.split(host)[-1]
    if not tld.isascii() or not (tld.islower() or tld.isupper()):
        return False  # "us.Support" is a missing space after a full stop
    tld = tld.lower()
    return tld not in _FILE_EXTENSIONS and suffix_rules().suffix_start([tld]) == 0


def _url(text: str, shadow: str, start: int, end: int) -> Iterator[_Candidate]:
    if end - start <= MAX_INPUT_CHARS:
        end = _trim_trailing(shadow, start, end)
        yield _Candidate(start, end, _URL_RANK, ChannelKind.URL, text[start:end])


def _trim_trailing(shadow: str, start: int, end: int) -> int:
    """End of a link without the punctuation after it; a ``)`` stays if the link opened one."""
    unclosed: dict[str, int] = {}
    while end > start and shadow[end - 1] in _TRAILING:
        closer = shadow[end - 1]
        opener = _OPENERS.get(closer)
        if opener is not None:
            if closer not in unclosed:
                unclosed[closer] = shadow.count(opener, start, end) - shadow.count(closer, start, end)
            if unclosed[closer] >= 0:
                break
            unclosed[closer] += 1
        end -= 1
    return end


def _emails(text: str, shadow: str) -> Iterator[_Candidate]:
    ats = _hits(shadow, _EMAIL_HITS)
    # "name at domain dot com": anchored on the rarer " dot ", then back to its " at ".
    for dot in _SPELLED_DOT_HIT.finditer(shadow):
        at = shadow.rfind(" at ", max(0, dot.start() - 100), dot.start())
        if at >= 0:
            ats.append(at)
    pos = 0
    for at in sorted(ats):
        if at < pos:
            continue
        start = at
        if shadow[at] != "@":
            start -= 1  # the bracket of "[at]"
        while start > 0 and shadow[start - 1] in " \t" and shadow[at] != "@":
            start -= 1
        floor = max(0, start - 64)  # the longest local part
        while start > floor and shadow[start - 1] in _LOCAL_CHARS:
            start -= 1
        if start > 0 and shadow[start - 1] in _LOCAL_CHARS:
            continue
        match = _EMAIL.match(shadow, start)
        if match is None:
            continue
        pos = match.end()
        if match.group("word") and "dot" not in match.group().lower():
            continue  # "we are at metamask.io" is a link; "name at domain dot com" an address
        end = _trim_trailing(shadow, start, match.end())
        if end - start <= MAX_INPUT_CHARS:
            yield _Candidate(start, end, _EMAIL_RANK, ChannelKind.EMAIL, text[start:end])


def _phones(text: str, shadow: str) -> Iterator[_Candidate]:
    for match in _PHONE.finditer(shadow):
        start, end = match.span()
        if end - start < 7 or end - start > 80:
            continue
        before = shadow[start - 1] if start else " "
        if before in "_+" or (before.isascii() and before.isalnum()):
            continue  # part of a longer token: "LIT12046", "v1.2"
        if end < len(shadow) and shadow[end].isascii() and shadow[end].isalnum():
            continue  # "3934abc"
        if not _PHONE_OPENING.match(shadow, start):
            continue  # "(+" must come before the first digit, and only once
        if shadow[start] in "([{" or shadow[end - 1] in ")]}":
            start, end = _balance(shadow, start, end)
        digits = _NON_DIGIT.sub("", shadow[start:end]).replace("o", "0").replace("O", "0")
        if not 7 <= len(digits) <= 17:
            continue
        if "+" in shadow[start:end] or digits.startswith("00"):
            prefix = ""
        elif _CN_SERVICE.fullmatch(digits) and shadow[start] != "(":
            prefix = "+86 "
        elif _NANP.fullmatch(digits) and shadow[start] == "1" and not shadow[start + 1].isdigit():
            prefix = "+"
        elif _CN_MOBILE.fullmatch(digits) and _after_cn_label(shadow, start):
            prefix = "+86 "
        else:
            continue  # dates, amounts, order numbers, numbers of an unknown country
        yield _Candidate(start, end, _PHONE_RANK, ChannelKind.PHONE, prefix + text[start:end])


def _balance(shadow: str, start: int, end: int) -> tuple[int, int]:
    """Drop brackets at either end of a number that have no partner inside it, or wrap it."""
    for closer, opener in _OPENERS.items():
        extra = shadow.count(opener, start, end) - shadow.count(closer, start, end)
        while extra > 0 and shadow[start] in "([{":
            extra -= shadow[start] == opener
            start += 1
        while extra < 0 and shadow[end - 1] in ")]}":
            extra += shadow[end - 1] == closer
            end -= 1
    while (
        end - start > 2
        and _OPENERS.get(shadow[end - 1]) == shadow[start]
        and _nests(shadow, start + 1, end - 1)
    ):
        start, end = start + 1, end - 1  # "(+1-601-601-3575)"
    return start, end


def _nests(shadow: str, start: int, end: int) -> bool:
    """Whether every bracket in ``shadow[start:end]`` closes one opened before it."""
    depth = 0
    for char in shadow[start:end]:
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _after_cn_label(shadow: str, start: int) -> bool:
    line = shadow[max(0, start - 12) : start].rpartition("\n")[2]
    return any(label in line for label in _CN_PHONE_LABELS)


def _labelled_handles(text: str, shadow: str) -> Iterator[_Candidate]:
    """Names after a platform label: "TG: name", "微信号：name", "QQ 12345", "微信abc123"."""
    for colon in _hits(shadow, _COLON_HITS):
        if colon == 0 or shadow[colon - 1].isdigit():
            continue  # "12:30"
        name = _COLON_NAME.match(shadow, colon + 1)
        platform = _platform_before(shadow, colon) if name else None
        if name and platform:
            yield _handle(text, shadow, *name.span("name"), platform)
    labels = [(hit, "qq") for hit in _hits(shadow, _QQ_HITS)]
    if not shadow.isascii():
        for hit in _CJK_WORD_HIT.finditer(shadow):
            start = hit.start()
            if start > 0 and shadow[start - 1 : start + 1] in ("v信", "V信"):
                start -= 1
            word = _CJK_WORD.match(shadow, start)
            if word:
                labels.append((start, word.group().lower()))
    for start, label in sorted(labels):
        before = shadow[start - 1] if start else " "
        if label == "qq" and before.isascii() and before.isalnum():
            continue
        name = _BARE_LABEL.match(shadow, start + len(label))
        if name and (label != "qq" or name.group("name").isdigit()):
            yield _handle(text, shadow, *name.span("name"), PLATFORM_WORDS[label])


def _at_handles(text: str, shadow: str) -> Iterator[_Candidate]:
    if "@" not in shadow:
        return
    for match in _AT_NAME.finditer(shadow):
        start, end = match.span()
        platform = _platform_before(shadow, start) or _platform_nearby(shadow, start, end)
        yield _handle(text, shadow, start, end, platform)


def _handle(text: str, shadow: str, start: int, end: int, platform: str | None) -> _Candidate:
    while end > start + 1 and shadow[end - 1] in ".-":
        end -= 1  # "@name." ends a sentence
    return _Candidate(start, end, _HANDLE_RANK, ChannelKind.HANDLE, text[start:end], platform)


def _platform_before(shadow: str, pos: int) -> str | None:
    """The platform named right before ``pos`` ("Telegram: ", "微信号", "TG ID:"), if any."""
    end = pos
    while end > pos - 3 and end > 0 and shadow[end - 1] in " \t:":
        end -= 1
    if end == 0 or shadow[end - 1] not in _WORD_ENDS:
        return None  # most colons: no need to read the words before them
    match = _WORD_BEFORE.match(shadow[max(0, pos - 24) : pos][::-1])
    return PLATFORM_WORDS[match.group("word")[::-1].lower()] if match else None


def _platform_nearby(shadow: str, start: int, end: int) -> str | None:
    """The platform named near an @name on its line: just after it, else before, else None.

    "DM @x on Telegram" and "Telegram admin @x" both give telegram; a platform word that
    labels the next handle ("@x and Discord: @y") or stands past another @name is theirs.
    """
    after = shadow[end : end + _CONTEXT].partition("\n")[0].partition("@")[0].lower()
    for word in _WORD_TOKEN.finditer(after):
        platform = PLATFORM_WORDS.get(word.group())
        if platform and not _LABEL_FOLLOWS.match(shadow, end + word.end()):
            return platform
    before = shadow[max(0, start - _CONTEXT) : start].rpartition("\n")[2].lower()
    if "@" in before:
        before = before.rpartition("@")[2]
        before = before[_NAME_PREFIX.match(before).end() :]  # type: ignore[union-attr]
    platforms = [PLATFORM_WORDS[w] for w in _WORD_TOKEN.findall(before) if w in PLATFORM_WORDS]
    return platforms[-1] if platforms else None
