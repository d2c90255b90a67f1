"""Parse and normalize one raw string into a Channel: url, email, phone or handle."""

from __future__ import annotations

import re

from verifier.channels.cleaning import MAX_INPUT_CHARS, clean
from verifier.channels.domain import (
    native_host_parser,
    normalize_host,
    parse_url,
    registrable_domain,
)
from verifier.channels.email import free_mail_domains, is_free_mail, parse_email
from verifier.channels.handle import parse_handle, parse_handle_link, platform_id, platforms
from verifier.channels.phone import looks_like_phone, parse_phone
from verifier.errors import InvalidChannel
from verifier.model import Channel, ChannelKind

__all__ = [
    "MAX_INPUT_CHARS",
    "detect_kind",
    "free_mail_domains",
    "is_free_mail",
    "native_host",
    "normalize_host",
    "parse_channel",
    "parse_email",
    "parse_handle",
    "parse_phone",
    "parse_url",
    "platform_id",
    "platforms",
    "registrable_domain",
]

_EMAIL_SHAPE = re.compile(
    r"^(?:mailto:)?[^@\s/\\]+(?:@|\s*[\[(]\s*(?:at|@)\s*[\])]\s*)[^@\s/\\]+$", re.IGNORECASE
)

# A host name: dotted labels ending in a label that starts with a letter (a phone never does).
_BARE_NAME = re.compile(r"^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z][A-Za-z0-9-]*\.?$")
_SPELLED_EMAIL = re.compile(
    r"^[^\s@/]+\s+(?:at|\(at\)|\[at\])\s+[^\s@/]+(?:\s+(?:dot|\(dot\)|\[dot\])\s+[^\s@/]+)+$",
    re.IGNORECASE,
)


# parse_channel(raw) for a bare ASCII host name, in C; None for other input. None without the
# extension (verifier.speedups).
native_host = native_host_parser()


def detect_kind(raw: str, platform: str | None = None) -> ChannelKind:
    """Guess which kind of channel a raw string is; raise InvalidChannel if none fits.

    Order: ``@name`` or a social-profile link is a handle; ``local@domain`` an email;
    with ``platform`` a handle (QQ and WhatsApp names are digits); mostly digits a
    phone; else a url, including a platform's own pages such as ``x.com/home``.
    """
    text, _ = clean(raw)
    return _detect(text, platform)


def _detect(text: str, platform: str | None) -> ChannelKind:
    """``detect_kind`` on text that ``clean`` returned."""
    if text.startswith("@"):
        return ChannelKind.HANDLE
    if platform is None and _BARE_NAME.match(text):
        return ChannelKind.URL  # the common case, decided without the other parsers
    try:
        if parse_handle_link(text) is not None:
            return ChannelKind.HANDLE
    except InvalidChannel as exc:
        # A profile link whose name is malformed stays a handle so the error says why;
        # a link to a page that names no account is checked as the url it is.
        if exc.code != "invalid.handle_link":
            return ChannelKind.HANDLE
    if (_EMAIL_SHAPE.match(text) or _SPELLED_EMAIL.match(text)) and "://" not in text:
        return ChannelKind.EMAIL
    if platform is not None:
        return ChannelKind.HANDLE
    if looks_like_phone(text):
        return ChannelKind.PHONE
    return ChannelKind.URL


def parse_channel(
    raw: object,
    kind: ChannelKind | str | None = None,
    *,
    platform: str | None = None,
    region: str | None = None,
) -> Channel:
    """Parse ``raw`` as ``kind`` (or the detected kind) and return its Channel.

    ``platform`` applies to handles, ``region`` to phone numbers written without ``+``.
    Raises InvalidChannel with a message a user understands; never anything else.
    """
    if not isinstance(raw, str):
        raise InvalidChannel("expected text to check", "invalid.not_text")
    if kind is None and platform is None and native_host is not None:
        channel = native_host(raw)  # a bare ASCII host name (most input): parsed in C
        if channel is not None:
            return channel
    if kind is None:
        text, _ = clean(raw)
        kind = _detect(text, platform)
    else:
        try:
            kind = ChannelKind(kind)
        except ValueError:
            raise InvalidChannel(
                f"unknown kind {kind!r} (url, email, phone, handle)", "invalid.kind"
            ) from None
    if kind is ChannelKind.URL:
        return parse_url(raw)
    if kind is ChannelKind.EMAIL:
        return parse_email(raw)
    if kind is ChannelKind.PHONE:
        return parse_phone(raw, region)
    return parse_handle(raw, platform)
