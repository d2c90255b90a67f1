"""Text pasted where ``verifier check`` wants one value: which channel in it to check.

``verifier check "TP钱包客服电话 400-123-4567"`` is a message, not a value. When exactly one
channel is written in it (found by the scan extractor) that one is checked, for the brand the
message names if it names exactly one; otherwise the user is pointed at ``verifier scan -``.
The CLI says which, in the user's language; this module only decides.
"""

from __future__ import annotations

from dataclasses import dataclass

from verifier.allowlist.model import Allowlist, Brand
from verifier.cli_usage import shown
from verifier.scan.extract import Found, extract_channels
from verifier.scan.mentions import brand_mentions
from verifier.scan.normalize import normalize

MAX_LISTED = 5  # channels named in the message that says there are several


@dataclass(frozen=True, slots=True)
class MessageChannels:
    """The channels written in a message (of ``kind`` when one was asked for) and the one brand
    it names, if exactly one."""

    found: tuple[Found, ...]
    brand: Brand | None

    @property
    def listed(self) -> str:
        """The first channels found, as written, for the message that says there are several."""
        return ", ".join(item.raw for item in self.found[:MAX_LISTED])


def is_message(value: str) -> bool:
    """Whether ``value`` reads as pasted text: words with spaces, no control characters (a value
    with those is shown escaped as invalid, never searched for a channel to print in its place)."""
    words = value.strip()
    return any(c.isspace() for c in words) and shown(words) == words


def read_message(message: str, allowlist: Allowlist, *, kind: str | None = None) -> MessageChannels:
    """The channels in ``message`` (at most 20, of ``kind`` if given) and the brand it names."""
    found = tuple(item for item in extract_channels(message, limit=20) if kind is None or item.kind == kind)
    named = brand_mentions(allowlist).find(normalize(message).text)
    brand = allowlist.brands[next(iter(named))] if len(named) == 1 else None
    return MessageChannels(found, brand)
