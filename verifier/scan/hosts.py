"""What a message's channels offer as contact, for the message rules: a phone number, a link on
a free hosting or form service (``verifier/data/free_hosting.txt``), an address on a free-mail
domain (``verifier/data/free_mail.txt``), any channel that is not official."""

from __future__ import annotations

import fnmatch
import re
import tomllib
from collections.abc import Iterable
from functools import cache
from importlib import resources

from verifier.channels.suffixes import suffix_rules
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
    return _link_table("link_words")


def recovery_link_words() -> tuple[str, ...]:
    """Words in a link that sell recovery (``scan/rules/links.toml``)."""
    return _link_table("recovery_words")


def link_text_words() -> tuple[str, ...]:
    """Words in a markdown link's text that present it as a support desk (``links.toml``)."""
    return _link_table("link_text_words")


@cache
def _markdown_link() -> re.Pattern[str]:
    return re.compile(r"\[([^\[\]\n]{1,100})\]\(\s*<?([^()\s<>]{1,500})")


def markdown_support_link(text: str, channels: Iterable[CheckResult]) -> bool:
    """Whether a markdown link's text says support, wallet, live chat ... while its target is a
    channel of the text that is not official ("[SUPPORT](https://x.web.app)")."""
    if "](" not in text:
        return False
    unofficial = [
        (c.input or "").lower()
        for c in channels
        if c.verdict is not Verdict.OFFICIAL and c.kind is ChannelKind.URL
    ]
    if not unofficial:
        return False
    words = link_text_words()
    for match in _markdown_link().finditer(text):
        shown, target = match.group(1).lower(), match.group(2).lower()
        if any(word in shown for word in words) and any(
            u and (u in target or target in u) for u in unofficial
        ):
            return True
    return False


@cache
def _link_table(name: str, key: str = "words") -> tuple[str, ...]:
    data = tomllib.loads(resources.files("verifier.scan").joinpath("rules", "links.toml").read_text("utf-8"))
    return tuple(str(w).lower() for w in data[name][key])


def link_path_words() -> tuple[str, ...]:
    """Words a path segment of a support-desk link starts with (``links.toml``)."""
    return _link_table("link_words", "path_words")


def is_support_link(link: str) -> bool:
    """Whether a link's registrable name ("dappswebsupport" of dappswebsupport.com) holds one
    of ``link_words()``, or a path segment starts with a path word ("/form.php"). A subdomain
    is left out: support.<company>.com is how real companies name their help desks; scam sites
    buy names that say it."""
    link = link.lower().split("://", 1)[-1]
    host, slash, path = link.partition("/")
    host = host.rsplit("@", 1)[-1].split(":", 1)[0].rstrip(".")
    labels = host.split(".")
    start = suffix_rules().suffix_start(labels) if len(labels) > 1 else None
    name = labels[start - 1] if start else host
    if any(word in name for word in link_words()):
        return True
    if not path or name in _link_table("link_words", "code_hosts"):
        return False
    path = slash + path
    return any(word in path for word in link_path_words())


# Besides link_words: what a free-mail address named as a desk says ("suppportdesk.walletline@
# gmail.com", "customercare.exodusassist@outlook.com").
_DESK_MAIL_WORDS = ("desk", "care", "service", "helpline", "help-team", "helpteam")


@cache
def _free_mail() -> frozenset[str]:
    return frozenset(_lines("free_mail.txt"))


# Handles on these platforms are private messaging: a "support agent" there is one person.
MESSENGERS = frozenset({"telegram", "whatsapp", "wechat", "qq", "signal"})


def contact_tags(channels: Iterable[CheckResult]) -> frozenset[str]:
    """ "phone", "free_host", "free_mail", "messenger" (a Telegram, WhatsApp, WeChat ... handle
    or link), "own_channel" (an official channel, or an address on the brand's own domain),
    "link" (a link that is not official), "unofficial_link" (a link that is not on the list of
    the brand the text is about), "support_link" (one whose registrable name or path says
    support, ticket, rectify, dapp ...: ``scan/rules/links.toml``), "recovery_link" (any
    channel whose name sells recovery: "...recoveryspecialist.expert", "walletrecover@...") and
    "contact" (any) as the channels hold them (official channels hold only "own_channel")."""
    tags: set[str] = set()
    for channel in channels:
        if channel.verdict is Verdict.OFFICIAL:
            tags.add("own_channel")  # the brand's own: a text that sends you there is honest
            continue
        if any(r.code == "email.brand_domain_unlisted" for r in channel.reasons):
            tags.add("own_channel")  # an address on the brand's own domain, not listed
        tags.add("contact")
        value = (channel.normalized or "").lower()
        if channel.kind is ChannelKind.HANDLE and value.partition(":")[0] in MESSENGERS:
            tags.add("messenger")
        if channel.kind is ChannelKind.URL:
            tags.add("link")
            if channel.verdict is Verdict.NOT_OFFICIAL:
                tags.add("unofficial_link")  # a brand is named and this link is not on its list
            if is_support_link(value) or is_support_link(channel.input or ""):
                tags.add("support_link")
        if any(word in value for word in recovery_link_words()):
            tags.add("recovery_link")
        if channel.kind is ChannelKind.PHONE:
            tags.add("phone")
        elif channel.kind is ChannelKind.EMAIL:
            domain = value.rpartition("@")[2]
            if domain in _free_mail() or any(domain.endswith("." + d) for d in _free_mail()):
                tags.add("free_mail")
                local = value.rpartition("@")[0]
                if any(word in local for word in (*link_words(), *_DESK_MAIL_WORDS)):
                    tags.add("desk_mail")  # a free-mail address named as a desk
        elif channel.kind is ChannelKind.URL and (is_free_host(value) or is_free_host(channel.input or "")):
            tags.add("free_host")
    return frozenset(tags)
