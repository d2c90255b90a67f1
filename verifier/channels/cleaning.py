"""Pre-cleaning shared by every channel parser: bounds, invisible characters, defanging."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from verifier.errors import InvalidChannel

MAX_INPUT_CHARS = 2048

# Characters that render as nothing but change what a string is: zero-width
# spaces and joiners, BOM, word joiner, soft hyphen, and bidi controls such as the
# RTL override U+202E that scammers use to reverse how a link reads.
_INVISIBLE: dict[int, None] = dict.fromkeys(
    [
        0x200B,
        0x200C,
        0x200D,
        0x2060,
        0xFEFF,
        0x00AD,
        0x180E,
        0x034F,
        *range(0x202A, 0x202F),
        *range(0x2066, 0x206A),
        0x200E,
        0x200F,
        0x061C,
    ]
)

# Dots that IDNA (UTS #46) treats as label separators, plus the fullwidth forms.
_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})

_DEFANG = [
    (re.compile(r"^hxxp(s?)", re.IGNORECASE), r"http\1"),
    (re.compile(r"^fxp", re.IGNORECASE), "ftp"),
    (
        re.compile(
            r"\s*(?:\[\s*(?:\.|dot)\s*\]|\(\s*(?:\.|dot)\s*\)|\{\s*(?:\.|dot)\s*\})\s*", re.IGNORECASE
        ),
        ".",
    ),
    (re.compile(r"\[\s*:\s*\]"), ":"),
    (re.compile(r"\[\s*@\s*\]|\[\s*at\s*\]|\(\s*at\s*\)", re.IGNORECASE), "@"),
    (re.compile(r"\[\s*/\s*\]"), "/"),
]


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


_DEFANG_HINT = re.compile(r"[\[({]|^hxxp|^fxp", re.IGNORECASE)


def bounded(raw: object) -> str:
    """Return ``raw`` as a string or raise InvalidChannel when it is not one or too long."""
    if not isinstance(raw, str):
        raise InvalidChannel("expected text to check", "invalid.not_text")
    if len(raw) > MAX_INPUT_CHARS:
        raise InvalidChannel(
            f"input is too long ({len(raw)} characters; at most {MAX_INPUT_CHARS})",
            "invalid.too_long",
        )
    return raw


def strip_invisible(text: str) -> tuple[str, bool]:
    """Remove invisible and bidi-control characters; say whether any were present."""
    cleaned = text.translate(_INVISIBLE)
    return cleaned, cleaned != text


def clean(raw: object) -> tuple[str, tuple[str, ...]]:
    """Bound, NFKC-normalize and strip a raw value; return it and parsing notes.

    NFKC folds fullwidth letters and digits, mathematical alphanumerics and
    compatibility forms to their plain equivalents, as browsers and phone dialers do.
    """
    return _clean(bounded(raw))


@lru_cache(maxsize=4096)
def _clean(text: str) -> tuple[str, tuple[str, ...]]:
    # Kind detection and the parser both clean the same input: remember recent answers.
    notes: list[str] = []
    if text.isascii():
        text = text.strip()  # ASCII has no invisible characters, other dots or NFKC variants
    else:
        text, had_invisible = strip_invisible(text)
        if had_invisible:
            notes.append("input.invisible_characters")
        text = unicodedata.normalize("NFKC", text).translate(_DOTS).strip()
    if _CONTROL.search(text):
        raise InvalidChannel("input contains control characters", "invalid.control_characters")
    if not text:
        raise InvalidChannel("input is empty", "invalid.empty")
    return text, tuple(notes)


def clean_link(raw: object) -> tuple[str, tuple[str, ...]]:
    """Bound and strip a raw value that is read as a link; return it and parsing notes.

    Unlike ``clean`` this leaves compatibility characters alone: a browser splits a URL on the
    ASCII delimiters as written (a fullwidth "＃" or "＠" is not one) and maps only the host,
    which the URL parser does (UTS #46). Invisible characters are still removed.
    """
    return _clean_link(bounded(raw))


@lru_cache(maxsize=4096)
def _clean_link(text: str) -> tuple[str, tuple[str, ...]]:
    notes: tuple[str, ...] = ()
    if not text.isascii():
        text, had_invisible = strip_invisible(text)
        if had_invisible:
            notes = ("input.invisible_characters",)
    text = text.strip()
    if _CONTROL.search(text):
        raise InvalidChannel("input contains control characters", "invalid.control_characters")
    if not text:
        raise InvalidChannel("input is empty", "invalid.empty")
    return text, notes


def refang(text: str) -> tuple[str, bool]:
    """Undo defanging (``hxxps://``, ``example[.]com``); say whether anything changed."""
    if not _DEFANG_HINT.search(text):
        return text, False  # nearly every input: nothing defanged, skip the substitutions
    out = text
    for pattern, replacement in _DEFANG:
        out = pattern.sub(replacement, out)
    return out, out != text
