"""Phone numbers in the shadow of a text: international numbers, China's 400/800 numbers,
``1-NXX-NXX-XXXX``, and mainland mobile numbers after a label such as 电话."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from verifier.model import ChannelKind
from verifier.scan.candidates import INV, OPENERS, PHONE_RANK, Candidate

_GROUP = r"[oO]*+[0-9][0-9oO]*+"  # letter O stands for zero in spam, next to real digits
_SEPARATOR = rf"[)\]}}]{{0,3}}+[ \t{INV}]?+[-.*~]?+[ \t]?+[(\[{{]{{0,3}}+"
# Labels after which an 11-digit number starting 1[3-9] is a mainland mobile number.
_CN_PHONE_LABELS = ("电话", "電話", "热线", "熱線", "手机", "手機", "客服", "联系", "聯繫", "聯系")


class _Patterns:
    """The compiled patterns, built on first use (none at import)."""

    def __init__(self) -> None:
        # One leading class lets the engine skip ahead; the look-ahead drops short numbers early.
        self.phone = re.compile(
            rf"[(\[{{+0-9](?=[-(\[{{+0-9oO .*~)\]}}]{{6}})[(\[{{+]*+[0-9oO]*+"
            rf"(?:{_SEPARATOR}{_GROUP})*+[)\]}}]{{0,3}}+"
        )
        self.opening = re.compile(r"[(\[{]*\+?[(\[{]*[0-9]")
        self.non_digit = re.compile(r"[^0-9oO]")
        self.cn_service = re.compile(r"[48]00[0-9]{7}")
        self.cn_mobile = re.compile(r"1[3-9][0-9]{9}")
        self.nanp = re.compile(r"1[2-9][0-9]{2}[2-9][0-9]{6}")


@cache
def _patterns() -> _Patterns:
    return _Patterns()


def phone_candidates(text: str, shadow: str) -> Iterator[Candidate]:
    """Numbers with a country code, or whose country the number or its label implies; the
    implied code is written out in ``raw`` (``+86 `` before a 400 number, ``+`` before
    ``1-NXX-NXX-XXXX``)."""
    patterns = _patterns()
    for match in patterns.phone.finditer(shadow):
        start, end = match.span()
        if end - start < 7 or end - start > 80:
            continue
        before = shadow[start - 1] if start else " "
        if before in "_+" or (before.isascii() and before.isalnum()):
            continue  # part of a longer token: "LIT12046", "v1.2"
        if end < len(shadow) and ((shadow[end].isascii() and shadow[end].isalnum()) or shadow[end] == "@"):
            continue  # "3934abc"; "+8613812345678@qq.com" is an address
        if not patterns.opening.match(shadow, start):
            continue  # "(+" must come before the first digit, and only once
        if shadow[start] in "([{" or shadow[end - 1] in ")]}":
            start, end = _balance(shadow, start, end)
        digits = patterns.non_digit.sub("", shadow[start:end]).replace("o", "0").replace("O", "0")
        if not 7 <= len(digits) <= 17:
            continue
        if "+" in shadow[start:end] or digits.startswith("00"):
            prefix = ""
        elif patterns.cn_service.fullmatch(digits) and shadow[start] != "(":
            prefix = "+86 "
        elif patterns.nanp.fullmatch(digits) and shadow[start] == "1" and not shadow[start + 1].isdigit():
            prefix = "+"
        elif patterns.cn_mobile.fullmatch(digits) and _after_cn_label(shadow, start):
            prefix = "+86 "
        else:
            continue  # dates, amounts, order numbers, numbers of an unknown country
        yield Candidate(start, end, PHONE_RANK, ChannelKind.PHONE, prefix + text[start:end])


def _balance(shadow: str, start: int, end: int) -> tuple[int, int]:
    """Drop brackets at either end of a number that have no partner inside it, or wrap it."""
    for closer, opener in OPENERS.items():
        extra = shadow.count(opener, start, end) - shadow.count(closer, start, end)
        while extra > 0 and shadow[start] in "([{":
            extra -= shadow[start] == opener
            start += 1
        while extra < 0 and shadow[end - 1] in ")]}":
            extra += shadow[end - 1] == closer
            end -= 1
    while (
        end - start > 2
        and OPENERS.get(shadow[end - 1]) == shadow[start]
        and _nests(shadow, start + 1, end - 1)
    ):
        start, end = start + 1, end - 1  # "(+1-601-601-3575)"
    return start, end


def _nests(shadow: str, start: int, end: int) -> bool:
    """Whether every bracket in ``shadow[start:end]`` closes one opened before it."""
    depth = 0
    for char in shadow[start:end]:
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _after_cn_label(shadow: str, start: int) -> bool:
    line = shadow[max(0, start - 12) : start].rpartition("\n")[2]
    return any(label in line for label in _CN_PHONE_LABELS)
