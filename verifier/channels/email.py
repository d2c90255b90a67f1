"""Email addresses: the local part as written, the domain normalized as for a url."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from verifier.channels.cleaning import clean, refang
from verifier.channels.domain import normalize_host, registrable_domain
from verifier.errors import InvalidChannel
from verifier.model import Channel, ChannelKind

# RFC 5321 dot-atom local part (no quoted strings: support addresses never use them).
_LOCAL_RE = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
# "name at domain dot com", as scam pages write addresses to dodge scrapers.
_SPELLED_AT = re.compile(r"\s+(?:at|\(at\)|\[at\])\s+", re.IGNORECASE)
_SPELLED_DOT = re.compile(r"\s+(?:dot|\(dot\)|\[dot\])\s+", re.IGNORECASE)


@cache
def free_mail_domains() -> frozenset[str]:
    """The free-mail registrable domains listed in ``data/free_mail.txt``."""
    text = resources.files("verifier.data").joinpath("free_mail.txt").read_text("utf-8")
    lines = (line.split("#", 1)[0].strip().lower() for line in text.splitlines())
    return frozenset(line for line in lines if line)


def is_free_mail(domain: str) -> bool:
    """Whether a registrable domain is a public free-mail provider (gmail.com, qq.com ...)."""
    return domain in free_mail_domains()


def parse_email(raw: object) -> Channel:
    """Parse an email address (also ``mailto:``, ``name[at]domain[.]com``) into a Channel.

    Raises InvalidChannel when the shape is not ``local@domain.suffix``.
    """
    text, notes_in = clean(raw)
    notes = list(notes_in)
    if text.lower().startswith("mailto:"):
        text = text[len("mailto:") :].split("?", 1)[0]
    spelled = _SPELLED_DOT.sub(".", _SPELLED_AT.sub("@", text))
    refanged, _ = refang(spelled)
    if refanged != text:
        notes.append("email.obfuscated")
    text = refanged
    if text.count("@") != 1:
        raise InvalidChannel("an email address has exactly one @", "invalid.email_shape")
    local, _, domain = text.partition("@")
    if not local or len(local) > 64 or not _LOCAL_RE.match(local):
        raise InvalidChannel(f"{local!r} is not a valid email local part", "invalid.email_local")
    ascii_host, unicode_host = normalize_host(domain)
    registrable = registrable_domain(ascii_host)
    if "." not in ascii_host or registrable is None:
        raise InvalidChannel(f"{domain!r} is not a valid email domain", "invalid.email_domain")
    if is_free_mail(registrable):
        notes.append("email.free_mail")
    return Channel(
        ChannelKind.EMAIL,
        str(raw),
        f"{local}@{ascii_host}",
        host=ascii_host,
        host_unicode=unicode_host,
        registrable_domain=registrable,
        local_part=local,
        notes=tuple(notes),
    )
