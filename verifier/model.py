"""Result types shared by every part of verifier: frozen values with ``to_dict()``."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Verdict(StrEnum):
    """What a checked channel is (DESIGN.md, contract)."""

    OFFICIAL = "official"
    LOOKALIKE = "lookalike"
    KNOWN_SCAM = "known_scam"
    NOT_OFFICIAL = "not_official"
    UNKNOWN = "unknown"
    INVALID = "invalid"

    @property
    def exit_code(self) -> int:
        """The CLI exit status for this verdict."""
        if self is Verdict.OFFICIAL:
            return 0
        if self is Verdict.INVALID:
            return 2
        return 1


class ChannelKind(StrEnum):
    """The four kinds of contact channel verifier understands."""

    URL = "url"
    EMAIL = "email"
    PHONE = "phone"
    HANDLE = "handle"


@dataclass(frozen=True, slots=True)
class Channel:
    """One raw string parsed and normalized into a comparable contact channel.

    ``normalized`` is the canonical text used for matching: the ASCII host for a
    url, ``local@domain`` for an email, E.164 for a phone, ``platform:name`` for a
    handle. ``userinfo`` is the text before ``@`` in a link's authority (ignored by
    browsers, used to deceive); ``written`` is a handle's name as typed, before case
    folding, for look-alike checks. ``notes`` are reason codes found while parsing (a userinfo trick,
    invisible characters) that belong in any result about this channel.
    """

    kind: ChannelKind
    raw: str
    normalized: str
    host: str | None = None
    host_unicode: str | None = None
    registrable_domain: str | None = None
    local_part: str | None = None
    platform: str | None = None
    name: str | None = None
    region: str | None = None
    number_type: str | None = None
    userinfo: str | None = None
    written: str | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a verdict was given: a stable dotted code and a message in one language."""

    code: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True, slots=True)
class AllowlistState:
    """Which allowlist a result was judged against and whether it was verified."""

    version: int | None
    expires: str | None
    verified: bool

    def to_dict(self) -> dict[str, Any]:
        return {"version": self.version, "expires": self.expires, "verified": self.verified}


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The answer for one checked value; ``to_dict()`` is the JSON contract."""

    input: str
    kind: ChannelKind | None
    normalized: str | None
    verdict: Verdict
    brand: str | None
    matched: str | None
    technique: str | None
    reasons: tuple[Reason, ...]
    allowlist: AllowlistState
    channel: Channel | None = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "input": self.input,
            "kind": None if self.kind is None else self.kind.value,
            "normalized": self.normalized,
            "verdict": self.verdict.value,
            "brand": self.brand,
            "matched": self.matched,
            "technique": self.technique,
            "reasons": [reason.to_dict() for reason in self.reasons],
            "allowlist": self.allowlist.to_dict(),
        }
