"""Social handles per platform: from ``@name``, a bare name with a platform, or a profile link."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from urllib.parse import parse_qs

from verifier.channels.cleaning import clean, clean_link, refang
from verifier.channels.domain import normalize_host
from verifier.channels.weburl import NotAWebURL, parse_link
from verifier.errors import InvalidChannel
from verifier.model import Channel, ChannelKind

# Short names people use for platforms on the command line and in texts.
PLATFORM_ALIASES = {
    "tg": "telegram",
    "twitter": "x",
    "wa": "whatsapp",
    "weixin": "wechat",
    "vx": "wechat",
    "微信": "wechat",
    "yt": "youtube",
    "gh": "github",
    "ig": "instagram",
    "fb": "facebook",
}
# Path segments that are site pages, not profiles.
_RESERVED = frozenset(
    {
        "home",
        "share",
        "intent",
        "i",
        "search",
        "explore",
        "login",
        "signup",
        "settings",
        "hashtag",
        "watch",
        "results",
        "about",
        "help",
        "privacy",
        "terms",
        "orgs",
        "sponsors",
        "features",
    }
)


# Markers _name_from_link puts before an opaque, case-sensitive link id (never in a name).
INVITE = "\x00"  # Telegram t.me/+CODE and t.me/joinchat/CODE: kept as telegram:+CODE
CHANNEL_ID = "\x01"  # YouTube youtube.com/channel/UC...: kept as written
_OPAQUE_ID = re.compile(r"^[A-Za-z0-9_-]{6,64}$")


@dataclass(frozen=True, slots=True)
class Platform:
    """The handle rules of one platform, loaded from ``platforms.toml``."""

    id: str
    hosts: frozenset[str]
    pattern: re.Pattern[str]
    case_insensitive: bool

    def key(self, name: str) -> str:
        """The form of ``name`` used for comparison on this platform."""
        return name.casefold() if self.case_insensitive else name


@cache
def platforms() -> dict[str, Platform]:
    """Every supported platform by id."""
    raw = tomllib.loads(resources.files("verifier.channels").joinpath("platforms.toml").read_text("utf-8"))
    return {
        pid: Platform(pid, frozenset(spec["hosts"]), re.compile(spec["pattern"]), spec["case_insensitive"])
        for pid, spec in raw.items()
    }


@cache
def _host_platforms() -> dict[str, str]:
    return {host: p.id for p in platforms().values() for host in p.hosts}


def platform_id(name: str) -> str:
    """Resolve a platform name or alias (``tg``, ``twitter``) to its id, or raise InvalidChannel."""
    key = name.strip().casefold()
    key = PLATFORM_ALIASES.get(key, key)
    if key not in platforms():
        known = ", ".join(sorted(platforms()))
        raise InvalidChannel(f"unknown platform {name!r} (known: {known})", "invalid.platform")
    return key


def platform_for_host(host: str) -> str | None:
    """The platform whose profile links live on ``host`` (``www.`` ignored), if any."""
    return _host_platforms().get(host.removeprefix("www."))


def _name_from_link(platform: str, path: str, query: str) -> str:
    segments = [seg for seg in path.split("/") if seg]
    if platform == "whatsapp":
        if segments and segments[0] != "send":
            phone = segments[0]
        else:
            phone = (parse_qs(query).get("phone") or [""])[0]
        return "+" + re.sub(r"\D", "", phone) if phone else ""
    if platform == "discord":
        if segments[:1] == ["invite"] and len(segments) > 1:
            return segments[1]
        return segments[0] if segments and segments[0] not in ("channels", "users") else ""
    if platform == "telegram" and segments:
        if segments[0] == "joinchat" and len(segments) > 1:
            return INVITE + segments[1]
        if segments[0].startswith("+") and len(segments[0]) > 1 and not segments[0][1:].isdigit():
            return INVITE + segments[0][1:]
        if segments[0] == "s" and len(segments) > 1:
            return segments[1]
    if platform == "youtube" and segments:
        if segments[0] == "channel" and len(segments) > 1:
            return CHANNEL_ID + segments[1]
        if segments[0] in ("c", "user") and len(segments) > 1:
            return segments[1]
        return segments[0]
    if platform == "weibo" and segments[:1] in (["u"], ["n"]) and len(segments) > 1:
        return segments[1]
    return segments[0] if segments else ""


def _channel(platform: Platform, name: str, raw: str, notes: list[str]) -> Channel:
    marker = name[:1] if name[:1] in (INVITE, CHANNEL_ID) else ""
    if marker:
        # Telegram invite codes and YouTube channel ids are case-sensitive opaque ids, not names.
        name = name[1:]
        if not _OPAQUE_ID.match(name):
            raise InvalidChannel(f"{name!r} is not a valid {platform.id} link id", "invalid.handle_shape")
        key = ("+" if marker == INVITE else "") + name
        name = key
    elif not platform.pattern.match(name):
        raise InvalidChannel(f"{name!r} is not a valid {platform.id} name", "invalid.handle_shape")
    else:
        key = platform.key(name)
    return Channel(
        ChannelKind.HANDLE,
        raw,
        f"{platform.id}:{key}",
        platform=platform.id,
        name=key,
        written=name,
        notes=tuple(notes),
    )


def parse_handle_link(raw: object) -> Channel | None:
    """Parse a profile link (``t.me/x``, ``https://x.com/x``, ``wa.me/123``) or return None.

    The link is read as a browser reads it (``verifier.channels.weburl``): the account is
    named by the path the browser opens, after dot segments (``/a/../b``, ``/%2e%2e/``) and
    backslashes are resolved, so ``t.me/brand/../evil`` is the account ``evil``.
    None means the text is not a link to a known social platform; a link to one that
    does not hold a valid name raises InvalidChannel.
    """
    text, notes_in = clean_link(raw)
    text, _ = refang(text)
    if "/" not in text and "\\" not in text and platform_for_host(text.lower()) is None:
        return None  # a profile link has a path (t.me/name); only a bare platform host is still checked
    try:
        url = parse_link(text)
    except NotAWebURL:
        return None
    if url.userinfo is not None:
        return None  # checked as the url it is, with its userinfo trick
    try:
        ascii_host, _ = normalize_host(url.hostname)
    except InvalidChannel:
        return None
    pid = platform_for_host(ascii_host)
    if pid is None:
        return None
    name = _name_from_link(pid, url.path, url.query.removeprefix("?"))
    name = name.lstrip("@+" if pid != "whatsapp" else "@")
    if not name or name.casefold() in _RESERVED:
        raise InvalidChannel(f"the {pid} link does not name an account", "invalid.handle_link")
    return _channel(platforms()[pid], name, str(raw), list(notes_in))


def parse_handle(raw: object, platform: str | None = None) -> Channel:
    """Parse a handle: ``@name``, ``name`` with ``platform``, or a profile link.

    Without a platform, ``@name`` yields a Channel with ``platform=None`` that is
    compared with every platform's handles. Raises InvalidChannel.
    """
    link = parse_handle_link(raw)
    if link is not None:
        if platform is not None and link.platform != platform_id(platform):
            raise InvalidChannel(
                f"the link is a {link.platform} link, not {platform}", "invalid.platform_mismatch"
            )
        return link
    text, notes_in = clean(raw)
    name = text[1:] if text.startswith("@") else text
    if platform is None:
        if not text.startswith("@"):
            raise InvalidChannel(
                "give the platform of a bare name (for example --platform telegram)",
                "invalid.handle_no_platform",
            )
        if not re.fullmatch(r"[\w.-]{1,64}", name):
            raise InvalidChannel(f"{text!r} is not a valid handle", "invalid.handle_shape")
        return Channel(
            ChannelKind.HANDLE,
            str(raw),
            f"@{name.casefold()}",
            name=name.casefold(),
            written=name,
            notes=tuple(notes_in),
        )
    pid = platform_id(platform)
    if pid == "whatsapp":
        name = "+" + re.sub(r"\D", "", name)
    return _channel(platforms()[pid], name, str(raw), list(notes_in))
