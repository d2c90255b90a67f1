"""Handles in the shadow of a text, with the platform the text names for them: after a label
("Telegram: @x", "TG: x", "微信号：x", "QQ 12345", "微信abc123") or near an @name ("DM @x on
Telegram")."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from verifier.model import ChannelKind
from verifier.scan.candidates import HANDLE_RANK, Candidate, hits

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
_WORD_ENDS = frozenset(c for w in [*PLATFORM_WORDS, *_ID_WORDS] for c in (w[-1], w[-1].upper()))
# Chinese platform words and QQ often label a name with no colon: "微信abc123", "QQ 12345".
_CJK_WORD_STARTS = {w[0] for w in _OTHER_WORDS if not w[0].isascii()} | {"信"}  # "V信" from 信
_CONTEXT = 40  # how far (within a line) a platform word may stand from an @name
_OPENER_CONTEXT = 14  # the same after an @name that opens its line ("@x on Telegram")
_GREETINGS = ("hi", "hello", "hey", "dear", "greetings", "hola", "您好", "你好")


def _backwards(words: list[str]) -> str:
    return "|".join(word[::-1] for word in words)


class _Patterns:
    """The compiled patterns, built on first use (none at import)."""

    def __init__(self) -> None:
        # Tokens of a lowercased context window; Chinese words first so "v信" is not read as "v".
        self.word_token = re.compile("|".join([*_OTHER_WORDS, "[a-z0-9_]+"]))
        # A platform word (with "ID", "号") right before a position, matched on the reversed
        # text before it ("Telegram: " reads " :margeleT"), so finding it costs one anchored match.
        self.word_before = re.compile(
            rf"[ \t]*:?[ \t]*(?:(?:{_backwards(_ID_WORDS)})[ \t]*)?"
            rf"(?P<word>(?:{_backwards(_ASCII_WORDS)})(?![a-z0-9_])|{_backwards(_OTHER_WORDS)})",
            re.IGNORECASE,
        )
        self.colon_name = re.compile(r"[ \t]*(?P<name>[a-z0-9_][a-z0-9_.-]*+)", re.IGNORECASE)
        self.cjk_word_hit = re.compile("[" + "".join(sorted(_CJK_WORD_STARTS)) + "]")
        self.cjk_word = re.compile("|".join(_OTHER_WORDS), re.IGNORECASE)
        self.qq_hits = (("QQ", re.compile("QQ")), ("qq", re.compile("qq")))
        self.colon_hits = ((":", re.compile(":")),)
        self.bare_label = re.compile(
            rf"(?:[ \t]*(?:{'|'.join(_ID_WORDS)})(?![a-z]))?[ \t]*(?P<name>[a-z0-9_][a-z0-9_.-]*+)",
            re.IGNORECASE,
        )
        self.at_name = re.compile(r"@(?<![a-z0-9_.@+-]@)[a-z0-9_][a-z0-9_.-]*+", re.IGNORECASE)
        self.name_prefix = re.compile(r"[a-z0-9_.-]*")
        self.label_follows = re.compile(r"[ \t]*:?[ \t]*@")
        # "message me on telegram Blackhathacker111": a messenger word, then a bare name that
        # holds a digit or an underscore (a plain word after it is text: "telegram group").
        # Matched only where str.find met the word (no pass of a regular expression over the text).
        self.messenger_name = re.compile(
            r"(?P<word>telegram|whatsapp)[ \t]+(?:(?:id|username|handle)[ \t]+)?"
            # Not a version ("v10_2") or a setting ("bot_token", "chat_id", "api_key").
            r"(?P<name>(?=[a-z0-9_]*[0-9_])(?!v[0-9])(?![a-z0-9_]*(?:token|_id|_key|api))"
            r"[a-z][a-z0-9_]{3,31})(?![a-z0-9_@/-]|\.[a-z])",
            re.IGNORECASE,
        )


@cache
def _patterns() -> _Patterns:
    return _Patterns()


def labelled_handles(text: str, shadow: str) -> Iterator[Candidate]:
    """Names after a platform label: "TG: name", "微信号：name", "QQ 12345", "微信abc123"."""
    patterns = _patterns()
    for colon in hits(shadow, patterns.colon_hits):
        if colon == 0 or shadow[colon - 1].isdigit():
            continue  # "12:30"
        name = patterns.colon_name.match(shadow, colon + 1)
        platform = _platform_before(shadow, colon) if name else None
        if name and platform:
            yield _handle(text, shadow, *name.span("name"), platform)
    yield from _messenger_names(text, shadow, patterns)
    labels = [(hit, "qq") for hit in hits(shadow, patterns.qq_hits)]
    if not shadow.isascii():
        for hit in patterns.cjk_word_hit.finditer(shadow):
            start = hit.start()
            if start > 0 and shadow[start - 1 : start + 1] in ("v信", "V信"):
                start -= 1
            word = patterns.cjk_word.match(shadow, start)
            if word:
                labels.append((start, word.group().lower()))
    for start, label in sorted(labels):
        before = shadow[start - 1] if start else " "
        if label == "qq" and before.isascii() and before.isalnum():
            continue
        name = patterns.bare_label.match(shadow, start + len(label))
        if name and (label != "qq" or name.group("name").isdigit()):
            yield _handle(text, shadow, *name.span("name"), PLATFORM_WORDS[label])


# The tails of "telegram" / "whatsapp" as written ("Telegram", "TELEGRAM", "WhatsApp" ...).
_MESSENGER_TAILS = ("elegram", "ELEGRAM", "hatsapp", "hatsApp", "HATSAPP")
_MESSENGER_NAMES = 32
_MESSENGER_TRIES = 2000  # messenger words read per text: "telegram x_1 " x 70,000 costs no more


def _messenger_names(text: str, shadow: str, patterns: _Patterns) -> Iterator[Candidate]:
    """A bare name after a messenger word ("message me on telegram Name111"): each name once,
    at most _MESSENGER_NAMES of them, from the first _MESSENGER_TRIES messenger words (a text
    that repeats the pattern gives nothing more)."""
    seen: set[str] = set()
    tries = 0
    for tail in _MESSENGER_TAILS:
        found = shadow.find(tail, 1)
        while found > 0 and len(seen) < _MESSENGER_NAMES and tries < _MESSENGER_TRIES:
            tries += 1
            start = found - 1
            before = shadow[start - 1] if start else " "
            if shadow[start] in "tTwW" and not (before.isascii() and (before.isalnum() or before == "_")):
                match = patterns.messenger_name.match(shadow, start)
                if match and (name := match.group("name").lower()) not in seen:
                    seen.add(name)
                    word = match.group("word").lower()
                    yield _handle(text, shadow, *match.span("name"), PLATFORM_WORDS.get(word, word))
            found = shadow.find(tail, found + 1)


def at_handles(text: str, shadow: str) -> Iterator[Candidate]:
    """Every @name, with the platform named before it or near it on its line, if any."""
    if "@" not in shadow:
        return
    for match in _patterns().at_name.finditer(shadow):
        start, end = match.span()
        platform = _platform_before(shadow, start) or _platform_nearby(shadow, start, end)
        yield _handle(text, shadow, start, end, platform)


def _handle(text: str, shadow: str, start: int, end: int, platform: str | None) -> Candidate:
    while end > start + 1 and shadow[end - 1] in ".-":
        end -= 1  # "@name." ends a sentence
    return Candidate(start, end, HANDLE_RANK, ChannelKind.HANDLE, text[start:end], platform)


def _platform_before(shadow: str, pos: int) -> str | None:
    """The platform named right before ``pos`` ("Telegram: ", "微信号", "TG ID:"), if any."""
    end = pos
    while end > pos - 3 and end > 0 and shadow[end - 1] in " \t:":
        end -= 1
    if end == 0 or shadow[end - 1] not in _WORD_ENDS:
        return None  # most colons: no need to read the words before them
    match = _patterns().word_before.match(shadow[max(0, pos - 24) : pos][::-1])
    return PLATFORM_WORDS[match.group("word")[::-1].lower()] if match else None


def _platform_nearby(shadow: str, start: int, end: int) -> str | None:
    """The platform named near an @name on its line: just after it, else before, else None.

    "DM @x on Telegram" and "Telegram admin @x" both give telegram; a platform word that
    labels the next handle ("@x and Discord: @y") or stands past another @name is theirs.
    """
    patterns = _patterns()
    # An @name that opens its line is most often the person a reply answers ("@x you will get
    # better support on telegram ..."): a platform word labels it only right after it ("@x on
    # Telegram").
    reach = _OPENER_CONTEXT if _opens_line(shadow, start) else _CONTEXT
    after = shadow[end : end + reach].partition("\n")[0].partition("@")[0].lower()
    for word in patterns.word_token.finditer(after):
        platform = PLATFORM_WORDS.get(word.group())
        if platform and not patterns.label_follows.match(shadow, end + word.end()):
            return platform
    before = shadow[max(0, start - _CONTEXT) : start].rpartition("\n")[2].lower()
    if "@" in before:
        before = before.rpartition("@")[2]
        before = before[patterns.name_prefix.match(before).end() :]  # type: ignore[union-attr]
    platforms = [PLATFORM_WORDS[w] for w in patterns.word_token.findall(before) if w in PLATFORM_WORDS]
    return platforms[-1] if platforms else None


def _opens_line(shadow: str, start: int) -> bool:
    """Whether only blanks, punctuation or a greeting stand before ``start`` on its line."""
    line = shadow[max(0, start - 24) : start].rpartition("\n")[2].strip(" \t,:!-").lower()
    return not line or line in _GREETINGS
