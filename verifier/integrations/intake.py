"""Ticket intake: a help-desk ticket in, a risk, routing tags and a suggested first reply out.

``triage`` is what ``POST /v1/intake`` runs. It scans the subject and body together, checks the
requester's own address, and turns what it found into tags a help desk can route on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parseaddr
from types import MappingProxyType
from typing import Any

from verifier import ScanResult, ScanTooLarge, VerifierError, check, scan
from verifier.allowlist.model import Allowlist
from verifier.allowlist.store import default_allowlist
from verifier.channels.cleaning import MAX_INPUT_CHARS
from verifier.integrations.language import detect_lang
from verifier.messages import Lang, normalize_lang, text
from verifier.model import CheckResult, Verdict

# Bounds per field. A subject is a line; a body is an email thread or a pasted chat log
# (the scanner reads ~1 MB/s, so a full body costs well under a second); a requester is one
# address, and a longer string is never a channel.
MAX_SUBJECT_CHARS = 1_000
MAX_BODY_CHARS = 200_000
MAX_REQUESTER_CHARS = MAX_INPUT_CHARS

# The joint between subject and body in the scanned text: spans in ``IntakeResult.scan`` are
# offsets into ``subject + TICKET_SEPARATOR + body``. A blank line ends a sentence, so no
# pattern reaches across it.
TICKET_SEPARATOR = "\n\n"

# One tag per scam-pattern category (verifier/scan/rules/*.toml). A category missing here
# still gets ``scam:<category with hyphens>``; the unit tests keep this table complete.
CATEGORY_TAGS: Mapping[str, str] = MappingProxyType(
    {
        "secret_request": "scam:seed-phrase-request",
        "remote_access": "scam:remote-access",
        "fake_dapp": "scam:fake-dapp",
        "fee_request": "scam:fee-request",
        "recovery_offer": "scam:recovery-offer",
        "off_platform": "scam:off-platform",
        "urgency": "scam:urgency",
        "secrecy": "scam:secrecy",
        "content_farm_claim": "scam:false-support-claim",
    }
)

# A channel named in the ticket. ``official`` and ``unknown`` add no tag: neither is a signal.
VERDICT_TAGS: Mapping[Verdict, str] = MappingProxyType(
    {
        Verdict.LOOKALIKE: "channel:lookalike",
        Verdict.KNOWN_SCAM: "channel:known-scam",
        Verdict.NOT_OFFICIAL: "channel:not-official",
    }
)

# The requester's own address. A customer writes from their own gmail or phone, which is
# "not official" for any brand and says nothing; an address imitating a brand does.
REQUESTER_TAGS: Mapping[Verdict, str] = MappingProxyType(
    {
        Verdict.LOOKALIKE: "requester:lookalike",
        Verdict.KNOWN_SCAM: "requester:known-scam",
    }
)

ALLOWLIST_UNVERIFIED_TAG = "allowlist:unverified"
_RISK_ORDER = ("none", "low", "medium", "high")


class InvalidTicket(VerifierError, ValueError):
    """A ticket field is not text (an HTTP layer answers 422); ``field`` names it."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


class TicketTooLarge(ScanTooLarge):
    """A ticket field is longer than its bound (an HTTP layer answers 413).

    ``field`` names it: ``subject``, ``body`` or ``requester``.
    """

    def __init__(self, message: str, field: str, *, size: int, limit: int) -> None:
        super().__init__(message, size=size, limit=limit)
        self.field = field


@dataclass(frozen=True, slots=True)
class IntakeResult:
    """What ``triage`` decided; ``to_dict()`` is the JSON of ``POST /v1/intake``.

    ``requester`` is the check of the requester's address (None when none was given or it
    is not a channel); it shapes ``risk`` and ``tags`` but is not part of the JSON.
    """

    risk: str
    tags: tuple[str, ...]
    reply: str
    scan: ScanResult
    lang: Lang = "en"
    requester: CheckResult | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"risk": self.risk, "tags": list(self.tags), "reply": self.reply, "scan": self.scan.to_dict()}


def triage(
    subject: str,
    body: str,
    requester: str | None = None,
    lang: str | None = None,
    *,
    brand: str | None = None,
    allowlist: Allowlist | None = None,
) -> IntakeResult:
    """Triage one help-desk ticket.

    ``subject`` and ``body`` are scanned as one text (see ``TICKET_SEPARATOR``).
    ``requester`` is the sender's email address, phone number or handle
    (``"Ann <ann@example.com>"`` is read as ``ann@example.com``); one that imitates a
    brand or is a reported fake makes the ticket high risk. ``lang`` (``en``/``zh``)
    is the language of the reply and messages; without it, the ticket's own language.
    ``brand`` (id or alias) is the wallet the help desk serves; without it, the most
    mentioned one. Tags are sorted and unique: ``risk:<level>`` always, then
    ``scam:...`` per pattern category found, ``channel:...`` per channel verdict,
    ``requester:...``, ``brand:<id>`` per brand involved, ``allowlist:unverified``.

    Raises InvalidTicket when a field is not text, TicketTooLarge beyond
    ``MAX_SUBJECT_CHARS``, ``MAX_BODY_CHARS`` or ``MAX_REQUESTER_CHARS``, and
    UnknownBrand for a ``brand`` not in the allowlist.
    """
    _bound("subject", subject, MAX_SUBJECT_CHARS)
    _bound("body", body, MAX_BODY_CHARS)
    if requester is not None:
        _bound("requester", requester, MAX_REQUESTER_CHARS)
    ticket = subject + TICKET_SEPARATOR + body
    code = normalize_lang(lang) if lang else detect_lang(ticket, default="en")
    allowlist = allowlist if allowlist is not None else default_allowlist()

    found = scan(ticket, brand, code, allowlist=allowlist)
    sender = _check_requester(requester, brand, code, allowlist)
    sender_tag = REQUESTER_TAGS.get(sender.verdict) if sender is not None else None
    risk = max(found.risk, "high" if sender_tag else "none", key=_RISK_ORDER.index)

    # Most severe first: the risk, then the scam categories found (high before medium, seed
    # phrase, remote access and payment before urgency), then channels, brands, the sender.
    ranked = sorted(
        found.patterns, key=lambda p: (_SEVERITY_ORDER.index(p.severity), _category_rank(p.category))
    )
    tags = [f"risk:{risk}"]
    tags += [category_tag(p.category) for p in ranked]
    tags += sorted({VERDICT_TAGS[c.verdict] for c in found.channels if c.verdict in VERDICT_TAGS})
    tags += [f"brand:{brand_id}" for brand_id in found.brands]
    if sender_tag and sender is not None:
        tags.append(sender_tag)
        if sender.brand:
            tags.append(f"brand:{sender.brand}")
    if not allowlist.verified:
        tags.append(ALLOWLIST_UNVERIFIED_TAG)

    reply = text("intake.greeting", code) + found.reply
    return IntakeResult(risk, tuple(dict.fromkeys(tags)), reply, found, code, sender)


_SEVERITY_ORDER = ("high", "medium", "low")
_CATEGORY_ORDER = (
    "secret_request", "remote_access", "fee_request", "fake_dapp", "recovery_offer", "off_platform",
    "content_farm_claim", "secrecy", "urgency",
)  # fmt: skip


def _category_rank(category: str) -> int:
    return _CATEGORY_ORDER.index(category) if category in _CATEGORY_ORDER else len(_CATEGORY_ORDER)


def category_tag(category: str) -> str:
    """The tag for a scam-pattern category: ``CATEGORY_TAGS``, else ``scam:<category>``."""
    return CATEGORY_TAGS.get(category) or "scam:" + category.replace("_", "-")


def _bound(field: str, value: object, limit: int) -> None:
    if not isinstance(value, str):
        raise InvalidTicket(text("intake.not_text", "en", field=field), field)
    if len(value) > limit:
        size = len(value)
        message = text("intake.too_large", "en", field=field, size=size, limit=limit)
        raise TicketTooLarge(message, field, size=size, limit=limit)


def _check_requester(
    requester: str | None, brand: str | None, lang: Lang, allowlist: Allowlist
) -> CheckResult | None:
    """The requester's address checked against the allowlist; None if absent or unreadable."""
    if requester is None or not requester.strip():
        return None
    value = requester.strip()
    if value.endswith(">") and "<" in value:
        # A display name and an address, as an email From: line writes them.
        value = parseaddr(value)[1] or value
    result = check(value, brand=brand, lang=lang, allowlist=allowlist)
    return None if result.verdict is Verdict.INVALID else result
