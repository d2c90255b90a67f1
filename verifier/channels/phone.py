"""Phone numbers: E.164 via phonenumbers, after undoing the tricks fake-hotline spam uses."""

from __future__ import annotations

import re
from functools import cache

from verifier.channels.cleaning import clean
from verifier.errors import InvalidChannel
from verifier.model import Channel, ChannelKind

MAX_PHONE_CHARS = 80

# Letter O between digits stands for zero in spam such as "+1-(2O9)-685-3526".
_LETTER_O = re.compile(r"(?<=[\d\s\-().*])[oO](?=[\d\s\-().*oO])|(?<=[\d\s\-().*oO])[oO](?=[\d\s\-().*])")
# Labels people put before a number: "Tel:", "电话：", "热线", a phone emoji.
_LABEL = re.compile(
    r"^(?:tel|phone|call|hotline|whatsapp|wa|电话|電話|热线|熱線|客服电话|客服電話|手机|手機)\s*[:：]?\s*",
    re.IGNORECASE,
)
# A trailing extension ("ext. 2", "x2", "#2", "转2", "分机 2") is set aside: it does not
# change which number is called, and the number is what the allowlist lists.
_EXTENSION = re.compile(
    r"\s*(?:,|;)?\s*(?:ext\.?|extension|x|#|转|轉|分机|分機)\s*[:：.]?\s*\d{1,6}\s*$", re.IGNORECASE
)
_KEEP = re.compile(r"[^\d+]")
_DIGITS_IN_TEXT = re.compile(r"\d")
# A dotted-quad IPv4 address (optionally with a port) has enough digits to pass for a number.
_IPV4 = re.compile(r"^[0-9]{1,3}(?:\.[0-9]{1,3}){3}(?::[0-9]{1,5})?$")

_TYPE_NAMES = (
    "fixed_line", "mobile", "fixed_line_or_mobile", "toll_free", "premium_rate", "shared_cost",
    "voip", "personal_number", "pager", "uan", "voicemail",
)  # fmt: skip


@cache
def _type_names() -> dict[int, str]:
    from phonenumbers import PhoneNumberType  # noqa: PLC0415 (imported on the first phone only)

    return {getattr(PhoneNumberType, name.upper()): name for name in _TYPE_NAMES}


@cache
def _regions() -> frozenset[str]:
    import phonenumbers  # noqa: PLC0415 (imported on the first phone or region only)

    return frozenset(phonenumbers.SUPPORTED_REGIONS)


def known_region(region: str) -> bool:
    """Whether ``region`` names a region phone numbers are parsed for: an ISO 3166 alpha-2 code
    (``CN``, ``us``) that phonenumbers knows. ``UK`` is not one (``GB`` is)."""
    return region.strip().upper() in _regions()


def region_problem(region: str | None) -> InvalidChannel | None:
    """The error an unknown ``region`` gives (None for a known one or none at all)."""
    if region is None or region == "" or known_region(region):
        return None
    return InvalidChannel(
        f"unknown region {region[:20]!r}: give a two-letter country code (ISO 3166) such as CN, US or GB",
        "invalid.phone_region",
    )


def looks_like_phone(text: str) -> bool:
    """Whether a cleaned string is mostly a phone number (used by kind detection)."""
    if _IPV4.match(text.strip()):
        return False
    body = _EXTENSION.sub("", _LABEL.sub("", text.strip()))
    body = _LETTER_O.sub("0", body)
    digits = len(_DIGITS_IN_TEXT.findall(body))
    if digits < 5 or digits > 17:
        return False
    letters = sum(ch.isalpha() for ch in body)
    return letters == 0 and not any(ch in body for ch in "@/")


def _digits_only(text: str) -> tuple[str, list[str]]:
    notes: list[str] = []
    body = _LABEL.sub("", text.strip())
    without_extension = _EXTENSION.sub("", body)
    if without_extension != body and any(ch.isdigit() for ch in without_extension):
        notes.append("phone.extension")
        body = without_extension
    fixed = _LETTER_O.sub("0", body)
    if fixed != body:
        notes.append("phone.letter_o")
    plus = "+" if re.match(r"^[^\d]*\+", fixed) else ""
    digits = _KEEP.sub("", fixed).lstrip("+")
    if any(ch.isalpha() for ch in fixed):
        raise InvalidChannel("a phone number cannot contain letters", "invalid.phone_letters")
    return plus + digits, notes


def _default_region(digits: str, region: str | None) -> str | None:
    # 400 + 7 digits is a mainland China service number whatever the default region: no
    # other plan uses 400 that way, and content farms print them without +86.
    if re.fullmatch(r"400\d{7}", digits):
        return "CN"
    if region:
        return region.strip().upper()
    # 800 + 7 digits without a region: China's toll-free range (in the US it would be 1-800).
    if re.fullmatch(r"800\d{7}", digits):
        return "CN"
    return None


def parse_phone(raw: object, region: str | None = None) -> Channel:
    """Parse a phone number into a Channel whose ``normalized`` value is E.164.

    ``region`` (ISO 3166 alpha-2, e.g. ``CN``) is used for numbers written without
    ``+``; without one, only China's 400/800 service numbers are understood. A region that
    is not a known code (``ZZZZ``) is an error whether or not the number needs it
    (``invalid.phone_region``): a caller who names a region means it to apply.
    Full-width and mathematical digits, letter O for zero, brackets, dots, dashes,
    asterisks and labels such as ``电话：`` are accepted. Raises InvalidChannel.
    """
    bad_region = region_problem(region)
    if bad_region is not None:
        raise bad_region
    text, notes_in = clean(raw)
    if len(text) > MAX_PHONE_CHARS:
        raise InvalidChannel("too long for a phone number", "invalid.phone_too_long")
    number_text, notes = _digits_only(text)
    digit_count = len(number_text.lstrip("+"))
    if digit_count < 5 or digit_count > 17:
        raise InvalidChannel("not a phone number (wrong number of digits)", "invalid.phone_digits")
    if number_text.startswith("00"):
        number_text = "+" + number_text[2:]
    if not number_text.startswith("+"):
        default = _default_region(number_text, region)
        if default is None:
            raise InvalidChannel(
                "the number has no country code: write it with + (e.g. +86 ...) or give a region",
                "invalid.phone_no_region",
            )
        region = default
    import phonenumbers  # noqa: PLC0415 (its metadata is large: load it for phone numbers only)

    try:
        number = phonenumbers.parse(number_text, None if number_text.startswith("+") else region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidChannel(f"not a phone number: {exc}", "invalid.phone_parse") from exc
    if not phonenumbers.is_possible_number(number):
        raise InvalidChannel("not a possible phone number for its country", "invalid.phone_impossible")
    if not phonenumbers.is_valid_number(number):
        notes.append("phone.not_assigned")
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    number_type = _type_names().get(phonenumbers.number_type(number))
    return Channel(
        ChannelKind.PHONE,
        str(raw),
        e164,
        region=phonenumbers.region_code_for_number(number),
        number_type=number_type,
        notes=tuple(notes_in) + tuple(notes),
    )
