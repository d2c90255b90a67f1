"""URLs as a browser reads them: the WHATWG URL Standard, through ada (the parser Node.js uses).

Every place that turns a link into a host or a path (check, scan, handle links, page fetch,
updates) goes through ``parse_web_url``, so a backslash, a dot segment, a percent-encoded
dot or userinfo mean here what they mean in the browser that opens the link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import ada_url
from ada_url._ada_wrapper import ffi as _ffi  # ada's C API, as ada_url.URL uses it
from ada_url._ada_wrapper import lib as _lib

from verifier.channels.punycode import decode as decode_punycode

# The WHATWG "special" schemes that have a host (``file`` is left out: it names no site).
WEB_SCHEMES = frozenset({"http", "https", "ftp", "ws", "wss"})
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


class NotAWebURL(ValueError):
    """The text is not a web link a browser would open (no host, another scheme, malformed)."""


@dataclass(frozen=True, slots=True)
class WebURL:
    """The parts of a parsed URL that decide where a browser goes.

    ``host`` is the serialized host: an ASCII (punycode) domain, a dotted IPv4 address or a
    bracketed IPv6 address. ``path`` has dot segments resolved and is percent-encoded as
    the browser sends it; ``query`` keeps its leading ``?`` (empty when none).
    """

    href: str
    scheme: str
    host: str
    port: int | None
    path: str
    query: str
    username: str
    password: str

    @property
    def hostname(self) -> str:
        """The host without IPv6 brackets."""
        return self.host[1:-1] if self.host.startswith("[") else self.host

    @property
    def userinfo(self) -> str | None:
        """``user`` or ``user:password`` before the host, as serialized; None when absent."""
        if not self.username and not self.password:
            return None
        return self.username + (":" + self.password if self.password else "")

    @property
    def effective_port(self) -> int:
        """The port a connection goes to (the scheme's default when none is written)."""
        if self.port is not None:
            return self.port
        return {"http": 80, "ws": 80, "https": 443, "wss": 443, "ftp": 21}[self.scheme]


def punycode_ok(label: str) -> bool:
    """Whether an ``xn--`` label decodes to a valid label, as browsers require (ada in
    Node.js refuses ``xn--zz`` or a label that decodes to capitals; newer ada lets them pass)."""
    if not label.startswith("xn--"):
        return True
    try:
        decoded = decode_punycode(label[4:])
    except UnicodeError:
        return False
    if not decoded:
        return False
    if decoded.isascii():
        return True
    try:
        return bool(ada_url.idna_to_ascii(decoded) == label.encode())
    except UnicodeEncodeError:
        return False  # a lone surrogate: no code point a label may hold


def idn_host_ok(ascii_host: str, unicode_host: str) -> bool:
    """Whether ``unicode_host`` is the valid Unicode form of ``ascii_host`` under UTS #46 as
    browsers apply it: its ToASCII (ada's) gives back exactly ``ascii_host``. One call for the
    whole host, for a parser that has decoded the ``xn--`` labels already. The C host parser
    makes this check by calling the same ada function itself (``ada_idna_functions``);
    tests/unit/test_speedups.py compares the two."""
    try:
        data = unicode_host.encode("utf-8")
    except UnicodeEncodeError:
        return False  # a lone surrogate: no code point a label may hold
    result = _lib.ada_idna_to_ascii(data, len(data))
    try:
        return bool(result.length) and _ffi.unpack(result.data, result.length) == ascii_host.encode("ascii")
    finally:
        _lib.ada_free_owned_string(result)


def ada_idna_functions() -> tuple[int, int]:
    """The addresses of ``ada_idna_to_ascii`` and ``ada_free_owned_string`` in ada_url's compiled
    module: the C parser (verifier._speedups.HostParser) makes ``idn_host_ok``'s check with them."""
    return tuple(  # type: ignore[return-value]
        int(_ffi.cast("uintptr_t", _ffi.addressof(_lib, name)))
        for name in ("ada_idna_to_ascii", "ada_free_owned_string")
    )


def scheme_of(text: str) -> str | None:
    """The lowercased scheme ``text`` starts with (``https`` in ``https://x``), or None.

    ``host:8080`` has none: a port is not a scheme.
    """
    match = _SCHEME.match(text)
    if match is None:
        return None
    rest = text[match.end() :]
    if not rest.startswith("/") and not rest.startswith("\\") and rest.split("/")[0].isdigit():
        return None
    return match.group(1).lower()


def parse_web_url(text: str) -> WebURL:
    """Parse an absolute http(s)/ftp/ws(s) URL exactly as a browser does.

    Raises NotAWebURL when the text is not such a URL or the WHATWG parser refuses it.
    """
    data = text.encode("utf-8", "surrogatepass")
    url = _lib.ada_parse(data, len(data))
    try:
        if not _lib.ada_is_valid(url):
            raise NotAWebURL(text)
        protocol = _text(_lib.ada_get_protocol(url))
        host = _text(_lib.ada_get_hostname(url))
        scheme = protocol[:-1]
        if scheme not in WEB_SCHEMES or not host:
            raise NotAWebURL(text)
        if "xn--" in host and not all(map(punycode_ok, host.split("."))):
            raise NotAWebURL(text)
        port = _text(_lib.ada_get_port(url))
        return WebURL(
            href=_text(_lib.ada_get_href(url)),
            scheme=scheme,
            host=host,
            port=int(port) if port else None,
            path=_text(_lib.ada_get_pathname(url)),
            query=_text(_lib.ada_get_search(url)),
            username=_text(_lib.ada_get_username(url)),
            password=_text(_lib.ada_get_password(url)),
        )
    finally:
        _lib.ada_free(url)


def _text(part: Any) -> str:
    """One ``ada_string`` (a view into the parsed URL) as a Python string."""
    return _ffi.unpack(part.data, part.length).decode("utf-8") if part.length else ""


def absolute(text: str) -> str:
    """The absolute URL a link written without a scheme (``host/path``, ``//host``,
    ``\\\\host``) stands for: over http, as a browser's address bar reads it."""
    return text if scheme_of(text) is not None else "http://" + text


@lru_cache(maxsize=1024)
def parse_link(text: str) -> WebURL:
    """Parse what a user wrote as a link: ``https://…`` as it is, one without a scheme as
    ``absolute`` says. Raises NotAWebURL, also for other schemes (``javascript:``, ``mailto:``).
    """
    scheme = scheme_of(text)
    if scheme is not None and scheme not in WEB_SCHEMES:
        raise NotAWebURL(text)
    return parse_web_url(absolute(text))


def join_web_url(base: str, reference: str) -> str:
    """The absolute URL that ``reference`` (a link on a page, a redirect's ``Location``) names
    when read against ``base``, as a browser resolves it (``//host``, ``\\\\host``, ``../``,
    an empty reference). The result may be any scheme: parse it with ``parse_web_url``.

    Raises NotAWebURL when the WHATWG parser refuses the pair.
    """
    try:
        return str(ada_url.join_url(base, reference))
    except ValueError:
        raise NotAWebURL(reference) from None
