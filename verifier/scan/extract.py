"""Find the contact channels (links, emails, phone numbers, handles) written in free text.

Matching runs on the same-length shadow of the text (``verifier.scan.shadow``), in which
fullwidth forms, mathematical digits and dash variants are folded to ASCII, so every offset
found there indexes the original. Each kind is found from a cheap anchor (``//``, a dot inside
a word, ``@``, a digit, a colon after a platform word), then read with an anchored, possessive
pattern and never rescanned: extraction is linear on any input and fast on ordinary text.
Candidates are then validated in order of appearance with the channel parsers, so only what
``verifier.check`` accepts is returned.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from verifier.channels import parse_email, parse_handle, parse_phone, parse_url
from verifier.channels.handle import parse_handle_link
from verifier.errors import InvalidChannel
from verifier.model import Channel, ChannelKind
from verifier.scan.candidates import Candidate
from verifier.scan.emails import email_candidates
from verifier.scan.handles import at_handles, labelled_handles
from verifier.scan.phones import phone_candidates
from verifier.scan.shadow import shadow as shadow_of
from verifier.scan.urls import url_candidates

__all__ = ["Found", "extract_channels"]


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


def extract_channels(text: str, *, limit: int = 200) -> list[Found]:
    """Every contact channel in ``text``, in order of appearance, at most ``limit``.

    Items are de-duplicated by kind and normalized value (the first is kept) and each
    ``raw`` parses with ``parse_channel(raw, kind, platform=platform)``. Overlapping
    matches keep the earliest, then the longest (a t.me link, not the name inside it).
    Phone numbers need a country code, except China's 400/800 numbers, ``1-NXX-NXX-XXXX``
    and mobile numbers after a Chinese label such as 电话. Never raises on text.
    """
    shadow = shadow_of(text)
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


def _candidates(text: str, shadow: str) -> Iterator[Candidate]:
    yield from url_candidates(text, shadow)
    yield from email_candidates(text, shadow)
    yield from phone_candidates(text, shadow)
    yield from labelled_handles(text, shadow)
    yield from at_handles(text, shadow)
