"""Links whose shown text names another site than the one they open.

``[tokenpocket.pro](https://evil.com)`` in Markdown, ``<a href="https://evil.com">tokenpocket.pro</a>``
in HTML (which ``html_to_text`` writes as ``tokenpocket.pro (https://evil.com)``). A browser opens
the target, never the text: the shown address is not a channel the reader reaches, and showing one
site while opening another is itself the deception.
"""

from __future__ import annotations

import re
from functools import cache

from verifier.model import ChannelKind, CheckResult
from verifier.scan.extract import Found

_LINK_KINDS = (ChannelKind.URL, ChannelKind.HANDLE)


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    return (
        re.compile(r"[^\[\]\n]{0,200}\]\(\s*\Z"),  # after the shown link, up to the target
        re.compile(r"\[[^\[\]\n]{0,200}\Z"),  # before it: the "[" that opens the shown text
        re.compile(r"[^\n()]{0,200} \(\Z"),  # HTML written as text: "shown (target"
    )


def disguised_pairs(text: str, found: list[Found], *, html: bool) -> list[tuple[int, int]]:
    """Indexes ``(shown, target)`` into ``found`` of links whose shown text is itself a link."""
    after, before, written = _patterns()
    pairs = []
    for i in range(len(found) - 1):
        shown, target = found[i], found[i + 1]
        if shown.kind not in _LINK_KINDS or target.kind not in _LINK_KINDS:
            continue
        between = text[shown.span[1] : target.span[0]]
        markdown = after.match(between) and before.search(text, max(0, shown.span[0] - 201), shown.span[0])
        anchor = html and written.match(between) and text.startswith(")", target.span[1])
        if markdown or anchor:
            pairs.append((i, i + 1))
    return pairs


def opens_elsewhere(shown: CheckResult, target: CheckResult) -> bool:
    """Whether the target is another site (or account) than the one the text shows."""
    shown_channel, target_channel = shown.channel, target.channel
    if shown_channel is None or target_channel is None:
        return False
    if shown_channel.kind is ChannelKind.URL and target_channel.kind is ChannelKind.URL:
        return (shown_channel.registrable_domain or shown_channel.host) != (
            target_channel.registrable_domain or target_channel.host
        )
    return shown_channel.normalized != target_channel.normalized
