"""Punycode (RFC 3492) decoding of one ``xn--`` label body, faster than the stdlib codec.

The stdlib ``punycode`` codec is pure Python written for clarity (a function call per digit,
a new string per inserted character); most lookalike traffic is punycode, so decoding was a
large share of a check. This is the same algorithm with the helpers inlined, and it returns
exactly what ``body.encode("ascii").decode("punycode")`` returns, raising UnicodeError where
that raises (tests compare the two on generated labels).
"""

from __future__ import annotations

_BASE = 36
_TMIN = 1
_TMAX = 26
_SKEW = 38
_DAMP = 700
_INITIAL_BIAS = 72
_INITIAL_N = 0x80
_MAX_CODE_POINT = 0x10FFFF

# Digit values, both cases as the stdlib codec accepts them (it upper-cases first).
_DIGITS: dict[str, int] = {
    **{chr(ord("a") + i): i for i in range(26)},
    **{chr(ord("A") + i): i for i in range(26)},
    **{chr(ord("0") + i): 26 + i for i in range(10)},
}


def decode(body: str) -> str:
    """Decode the punycode ``body`` of a label (the part after ``xn--``).

    Basic code points are everything before the last ``-``; the rest encodes the insertions.
    Raises UnicodeError for a truncated or invalid encoding or a code point beyond U+10FFFF.
    """
    cut = body.rfind("-")
    if cut == -1:
        out: list[str] = []
        extended = body
    else:
        out = list(body[:cut])
        extended = body[cut + 1 :]
    if not body.isascii():
        raise UnicodeError("punycode is ASCII")
    digits = _DIGITS
    end = len(extended)
    code_point = _INITIAL_N
    index = -1  # as in the stdlib codec: insertion index plus one per code point passed
    bias = _INITIAL_BIAS
    k = 0
    first = True
    while k < end:
        # A generalized variable-length integer (RFC 3492, 3.3).
        delta = 0
        weight = 1
        threshold_base = _BASE - bias
        while True:
            if k == end:
                raise UnicodeError("incomplete punycode string")
            digit = digits.get(extended[k])
            if digit is None:
                raise UnicodeError(f"invalid extended code point {extended[k]!r}")
            k += 1
            if threshold_base <= _TMIN:
                threshold = _TMIN
            else:
                threshold = _TMAX if threshold_base >= _TMAX else threshold_base
            delta += digit * weight
            if digit < threshold:
                break
            weight *= _BASE - threshold
            threshold_base += _BASE
        index += delta + 1
        size = len(out) + 1
        code_point += index // size
        if code_point > _MAX_CODE_POINT:
            raise UnicodeError(f"invalid character U+{code_point:x}")
        index %= size
        out.insert(index, chr(code_point))
        # Bias adaptation (RFC 3492, 3.4).
        scaled = delta // _DAMP if first else delta // 2
        first = False
        scaled += scaled // (size)
        divisions = 0
        while scaled > ((_BASE - _TMIN) * _TMAX) // 2:
            scaled //= _BASE - _TMIN
            divisions += _BASE
        bias = divisions + (_BASE * scaled // (scaled + _SKEW))
    return "".join(out)
