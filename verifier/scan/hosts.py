"""What a message's channels offer as contact, for the message rules: a phone number, a link on
a free hosting or form service (``verifier/data/free_hosting.txt``), an address on a free-mail
domain (``verifier/data/free_mail.txt``), any channel that is not official."""

from __future__ import annotations

import fnmatch
import tomllib
from collections.abc import Iterable
from functools import cache
from importlib import resources

from verifier.model import ChannelKind, CheckResult, Verdict


@cache
def _lines(name: str) -> tuple[str, ...]:
    text = resources.files("verifier.data").joinpath(name).read_text("utf-8")
    return tuple(
        line.strip().lower()
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    )


def free_hosting() -> tuple[str, ...]:
    """The free hosting and form services, as listed (hosts, host/path, patterns with ``*``)."""
    return _lines("free_hosting.txt")


def is_free_host(link: str) -> bool:
    """Whether a link (host, or host and path, without scheme) is on a free hosting service."""
    link = link.lower().split("://", 1)[-1]
    host, _, path = link.partition("/")
    host = host.rsplit("@", 1)[-1].split(":", 1)[0].rstrip(".")
    for entry in free_hosting():
        entry_host, _, entry_path = entry.partition("/")
        if "*" in entry_host:
            matched = fnmatch.fnmatchcase(host, entry_host)
        else:
            matched = host == entry_host or host.endswith("." + entry_host)
        if matched and (not entry_path or path.startswith(entry_path)):
            return True
    return False


@cache
def link_words() -> tuple[str, ...]:
    """Words that dress a link up as a support or repair desk (``scan/rules/links.toml``)."""
    data = tomllib.loads(resources.files("verifier.scan").joinpath("rules", "links.toml").read_text("utf-8"))
    return tuple(str(w).lower() for w in data["link_words"]["words"])


def is_support_link(link: str) -> bool:
    """Whether a link's host or path holds one of ``link_words()``."""
    link = link.lower().split("://", 1)[-1]
    return any(word in link for word in link_words())


@cache
def _free_mail() -> frozenset[str]:
    return frozenset(_lines("free_mail.txt"))


# Handles on these platforms are private messaging: a "support agent" there is one person.
MESSENGERS = frozenset({"telegram", "whatsapp", "wechat", "qq", "signal"})


def contact_tags(channels: Iterable[CheckResult]) -> frozenset[str]:
    """ "phone", "free_host", "free_mail", "messenger" (a Telegram, WhatsApp, WeChat ... handle
    or link), "link" (a link that is not official), "support_link" (one whose host or path says
    support, ticket, rectify, dapp ...: ``scan/rules/links.toml``) and "contact" (any) as the channels hold
    them (official channels hold none)."""
    tags: set[str] = set()
    for channel in channels:
        if channel.verdict is Verdict.OFFICIAL:
            continue
        tags.add("contact")
        value = (channel.normalized or "").lower()
        if channel.kind is ChannelKind.HANDLE and value.partition(":")[0] in MESSENGERS:
            tags.add("messenger")
        if channel.kind is ChannelKind.URL:
            tags.add("link")
            if is_support_link(value) or is_support_link(channel.input or ""):
                tags.add("support_link")
        if channel.kind is ChannelKind.PHONE:
            tags.add("phone")
        elif channel.kind is ChannelKind.EMAIL:
            domain = value.rpartition("@")[2]
            if domain in _free_mail() or any(domain.endswith("." + d) for d in _free_mail()):
                tags.add("free_mail")
        elif channel.kind is ChannelKind.URL and (is_free_host(value) or is_free_host(channel.input or "")):
            tags.add("free_host")
    return frozenset(tags)
