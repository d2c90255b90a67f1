"""What a message's channels offer as contact, for the message rules: a phone number, a link on
a free hosting or form service (``verifier/data/free_hosting.txt``), an address on a free-mail
domain (``verifier/data/free_mail.txt``), any channel that is not official."""

from __future__ import annotations

import fnmatch
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
def _free_mail() -> frozenset[str]:
    return frozenset(_lines("free_mail.txt"))


def contact_tags(channels: Iterable[CheckResult]) -> frozenset[str]:
    """ "phone", "free_host", "free_mail" and "contact" as the channels hold them (official
    channels hold none)."""
    tags: set[str] = set()
    for channel in channels:
        if channel.verdict is Verdict.OFFICIAL:
            continue
        tags.add("contact")
        value = (channel.normalized or "").lower()
        if channel.kind is ChannelKind.PHONE:
            tags.add("phone")
        elif channel.kind is ChannelKind.EMAIL:
            domain = value.rpartition("@")[2]
            if domain in _free_mail() or any(domain.endswith("." + d) for d in _free_mail()):
                tags.add("free_mail")
        elif channel.kind is ChannelKind.URL and (is_free_host(value) or is_free_host(channel.input or "")):
            tags.add("free_host")
    return frozenset(tags)
