"""The one JSON reader for everything trust depends on: bundles, roots and the rollback state.

Python's ``json`` accepts what a signed document must never hold: the same key twice (the last
one wins, so two readers can disagree about what was signed), ``NaN`` and ``Infinity``, lone
surrogates (``"\\ud800"``, which no UTF-8 encoder accepts, so canonical JSON and signature checks
fail later with a ValueError), integers of thousands of digits and nesting deep enough to
exhaust the stack. ``loads`` refuses each of them, before anything else reads the value, with a
BundleFormatError whose code names the problem.
"""

from __future__ import annotations

import json
import re
from typing import Any, NoReturn

from verifier.errors import BundleFormatError

MAX_DEPTH = 32  # a bundle nests 6 deep (signed, brands, brand, section, entry, field)
MAX_INT = 2**63 - 1  # versions and thresholds; the largest integer every JSON reader agrees on

# A \uD800-\uDFFF escape; only an escape can make a surrogate (UTF-8 decoding refuses them),
# and a valid pair is one too, so a match only says the strings must be looked at.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abcdefABCDEF]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _refuse_float(_text: str) -> NoReturn:
    # Nothing signed has a float (canonical_bytes refuses them): NaN and Infinity included.
    raise BundleFormatError("document.float")


def _integer(digits: str) -> int:
    value = int(digits)  # over 4,300 digits: Python's own ValueError, said as not_json
    if not -MAX_INT <= value <= MAX_INT:
        raise BundleFormatError("document.number_too_large", limit=MAX_INT)
    return value


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise BundleFormatError("document.duplicate_key", key=_shown(key))
            seen.add(key)
    return result


def _shown(value: str) -> str:
    """A string from the document as a message can quote it: escaped, at most 60 characters."""
    shown = ascii(value[:60])
    return shown if len(value) <= 60 else shown[:-1] + "...'"


def parse(text: str) -> Any:
    """Parse JSON text strictly; raise BundleFormatError for a strictness violation.

    Malformed JSON raises ``json.JSONDecodeError`` (and an integer too long to convert a plain
    ValueError), as ``json.loads`` does, so callers can say where it failed.
    """
    try:
        value = json.loads(
            text,
            object_pairs_hook=_object,
            parse_float=_refuse_float,
            parse_constant=_refuse_float,
            parse_int=_integer,
        )
    except RecursionError:
        raise BundleFormatError("document.too_deep", limit=MAX_DEPTH) from None
    _check_tree(value, check_strings=_SURROGATE_ESCAPE.search(text) is not None)
    return value


def loads(data: bytes) -> Any:
    """Parse UTF-8 JSON bytes strictly; every problem is a BundleFormatError.

    ``document.not_json`` for bytes that are not UTF-8 or not JSON, else the strictness codes:
    ``document.duplicate_key``, ``document.float``, ``document.surrogate``,
    ``document.too_deep``, ``document.number_too_large``.
    """
    try:
        return parse(data.decode("utf-8"))
    except ValueError as exc:  # bad UTF-8, bad JSON, an over-long integer
        raise BundleFormatError("document.not_json", reason=str(exc)) from exc


def _check_tree(value: Any, *, check_strings: bool) -> None:
    """Refuse nesting deeper than MAX_DEPTH and (when asked) strings with a lone surrogate.

    Iterative, so the depth of the value cannot matter to the stack.
    """
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            if depth > MAX_DEPTH:
                raise BundleFormatError("document.too_deep", limit=MAX_DEPTH)
            for key, child in item.items():
                if check_strings and _SURROGATE.search(key):
                    raise BundleFormatError("document.surrogate", value=_shown(key))
                stack.append((child, depth + 1))
        elif isinstance(item, list):
            if depth > MAX_DEPTH:
                raise BundleFormatError("document.too_deep", limit=MAX_DEPTH)
            stack.extend((child, depth + 1) for child in item)
        elif check_strings and isinstance(item, str) and _SURROGATE.search(item):
            raise BundleFormatError("document.surrogate", value=_shown(item))
