"""Result types shared by every part of verifier: frozen values with ``to_dict()``."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, dataclass, field
from enum import StrEnum
from typing import Any

from verifier.catalogue import normalize_lang, say
from verifier.speedups import maker


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


class Reason:
    """Why a verdict was given: a stable dotted code and a message in one language.

    A frozen value like the dataclasses here: compared, hashed and shown by code and
    message. A deferred Reason (``Reason.deferred``, ``verifier.messages.reason``) holds a
    catalogue message as ``Message`` does (its code and params, kept in slots of its own so
    that a result has fewer objects) and the language to say it in. It is said once
    (``catalogue.say``, as ``Message.text`` says one), on first access, because most callers
    of ``check`` read only the verdict and rendering every message was a large share of a check.
    """

    __slots__ = ("_lang", "_message", "_message_code", "_params", "code")
    __match_args__ = ("code", "message")

    code: str
    _message: str
    _message_code: str | None
    _lang: str
    _params: dict[str, object] | None

    def __init__(self, code: str, message: str) -> None:
        _set = object.__setattr__  # the class refuses assignment, as a frozen dataclass does
        _set(self, "code", code)
        _set(self, "_message", message)
        _set(self, "_message_code", None)

    @classmethod
    def deferred(cls, code: str, message_code: str, lang: str, params: dict[str, object]) -> Reason:
        """A Reason whose message is the catalogue's ``message_code`` in ``lang`` with ``params``,
        said once, when it is first read (``catalogue.say``). ``params`` is copied."""
        return new_deferred_reason(code, message_code, lang, dict(params), "")

    @property
    def message(self) -> str:
        if self._message_code is not None:
            said = say(self._message_code, normalize_lang(self._lang), self._params or {})
            object.__setattr__(self, "_message", said)
            object.__setattr__(self, "_message_code", None)
            object.__setattr__(self, "_params", None)
        return self._message

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            assert isinstance(other, Reason)
            return (self.code, self.message) == (other.code, other.message)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.code, self.message))

    def __repr__(self) -> str:
        return f"{type(self).__qualname__}(code={self.code!r}, message={self.message!r})"

    def __reduce__(self) -> tuple[type[Reason], tuple[str, str]]:
        return type(self), (self.code, self.message)

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


# Reason.deferred(code, message_code, lang, params) as new_deferred_reason(..., ""), one call
# fewer for verifier.messages.reason, which hands over a params dict of its own. Reasons are
# frozen and their parameters are the strings of one message: acyclic (speedups.maker).
new_deferred_reason = maker(Reason, ("code", "_message_code", "_lang", "_params", "_message"), acyclic=True)


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

    @property
    def evidence(self) -> dict[str, Any] | None:
        """What ``--online`` lookups found (``OnlineCheckResult``); None for an offline check."""
        return None

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


@dataclass(frozen=True, slots=True)
class OnlineCheckResult(CheckResult):
    """A ``CheckResult`` of ``check(..., online=True)``: the same fields and ``evidence``, the
    online lookups' findings (``dns``, ``rdap``, ``redirects``, ``page``: each key present only
    when looked up). ``to_dict()`` adds it as ``"evidence"``."""

    evidence: dict[str, Any] = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict[str, Any]:
        out = CheckResult.to_dict(self)
        out["evidence"] = self.evidence
        return out
