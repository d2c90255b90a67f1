"""URLs and bare hosts: IDNA-normalized host and registrable domain from the bundled PSL."""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

from verifier.channels.cleaning import clean_link, refang
from verifier.channels.punycode import decode as decode_punycode
from verifier.channels.suffixes import public_suffix_rules, suffix_rules
from verifier.channels.weburl import (
    WEB_SCHEMES,
    NotAWebURL,
    WebURL,
    ada_idna_functions,
    parse_link,
    scheme_of,
)
from verifier.errors import InvalidChannel
from verifier.model import Channel, ChannelKind
from verifier.speedups import maker, native

_SPACE = re.compile(r"\s")
# Names reserved for documentation and testing (RFC 2606, RFC 6761): not in the PSL but
# used in examples and tests; any other unknown ending ("notes.txt", "e.g") is not a host.
_RESERVED_SUFFIXES = frozenset({"example", "test", "invalid"})
_IPV4_SHAPE = re.compile(r"^[0-9.]+$")
_LABEL_RE = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
# A whole host of _LABEL_RE labels in one match ("\n?" because "$" there allows one at a label's end).
_ASCII_HOST = re.compile(r"(?:(?!-)[a-z0-9-]{1,63}(?<!-)\n?\.)*(?!-)[a-z0-9-]{1,63}(?<!-)\n?\Z")
# Characters remembered by _CharactersNotInLabels; past this, rare ones are decided each time.
_MAX_REMEMBERED = 20_000


class _CharactersNotInLabels(dict[int, int | None]):
    """A ``str.translate`` table deleting what a label may hold (letters, marks, digits, "-").

    What is left after translating is what IDNA would refuse; each code point's category
    is looked up once, so the test is a single C-level pass.
    """

    def __missing__(self, code_point: int) -> int | None:
        char = chr(code_point)
        kept = None if char == "-" or unicodedata.category(char)[0] in "LMN" else code_point
        if len(self) < _MAX_REMEMBERED:
            self[code_point] = kept
        return kept


_NOT_IN_LABELS = _CharactersNotInLabels()


@lru_cache(maxsize=4096)
def registrable_domain(host: str) -> str | None:
    """Return the registrable domain (eTLD+1) of an ASCII host, or None if it has none.

    ``help.tokenpocket.pro`` -> ``tokenpocket.pro``; ``x.pages.dev`` -> ``x.pages.dev``
    (private PSL suffixes count: each pages.dev site has its own owner).
    """
    found = suffix_rules().suffix_at(host)
    if found is None:
        # A suffix the PSL does not know: only the reserved example names count.
        labels = host.split(".")
        if len(labels) >= 2 and labels[-1] in _RESERVED_SUFFIXES:
            return ".".join(labels[-2:])
        return None
    start, offset = found
    if start > 0:
        return host[host.rfind(".", 0, offset - 1) + 1 :]  # from the label before the suffix
    public = public_suffix_rules().suffix_at(host)
    if public is not None and public[0] == 0:
        return None  # a public suffix itself (co.uk, b.bd) has no owner
    return host  # a private suffix visited itself (github.io, blogspot.com) belongs to its operator


@lru_cache(maxsize=4096)
def normalize_host(host: str) -> tuple[str, str]:
    """Return ``(ascii_host, unicode_host)`` for a host, or raise InvalidChannel.

    Lowercases, strips one trailing dot, and applies IDNA 2008 with UTS #46 mapping;
    ``xn--`` labels are decoded for the Unicode form.
    """
    host = host.strip().rstrip(".").lower()
    if not host:
        raise InvalidChannel("no host name found", "invalid.no_host")
    if len(host) > 253:
        raise InvalidChannel("host name is longer than 253 characters", "invalid.host_too_long")
    if host.isascii() and _ASCII_HOST.match(host):
        if "xn--" not in host:
            return host, host  # plain ASCII: IDNA processing would change nothing
        return host, ".".join([_decode_label(label, host) for label in host.split(".")])
    import idna  # noqa: PLC0415 (only hosts written in Unicode need it)

    try:
        ascii_host = idna.encode(host, uts46=True, transitional=False).decode("ascii")
        unicode_host = idna.decode(ascii_host)
    except (idna.IDNAError, UnicodeError, ValueError) as exc:
        raise InvalidChannel(f"{host!r} is not a valid host name", "invalid.bad_host") from exc
    labels = ascii_host.split(".")
    if any(not _LABEL_RE.match(label) for label in labels):
        raise InvalidChannel(f"{host!r} is not a valid host name", "invalid.bad_host")
    return ascii_host, unicode_host


def _suffix_tables() -> tuple[frozenset[str], ...]:
    every, public = suffix_rules(), public_suffix_rules()
    return (
        every.rules,
        every.wildcards,
        every.exceptions,
        public.rules,
        public.wildcards,
        public.exceptions,
        _RESERVED_SUFFIXES,
    )


def native_host_parser() -> Callable[[str], Channel | None] | None:
    """``parse_channel(raw)`` in C for a bare ASCII host name, returning None for any other
    input; None without the extension. Same Channel as the Python parser (tests compare). The
    Public Suffix List is loaded on its first call. A host with ``xn--`` labels passes
    ``idn_host_ok`` (punycode a browser accepts) or gives None: the C parser calls ada's
    ``ada_idna_to_ascii`` itself, as ``idn_host_ok`` does through cffi."""
    if native is None:
        return None
    parser = native.HostParser(
        suffixes=_suffix_tables,
        not_in_labels=_NOT_IN_LABELS,
        is_normalized=unicodedata.is_normalized,
        maker=maker(Channel, acyclic=True, constants=tuple(ChannelKind)),
        kind_url=ChannelKind.URL,
        idna=ada_idna_functions(),
    )
    parse: Callable[[str], Channel | None] = parser.parse  # parser.parse.__self__ is the C object
    return parse


def _decode_label(label: str, host: str) -> str:
    """Decode one ``xn--`` label (others pass through), refusing what IDNA would refuse.

    The punycode must decode to something non-ASCII, lowercase, in NFC, holding only
    letters, marks, digits and hyphens: the substance of IDNA 2008's rules at a fraction
    of the ``idna`` package's cost, since most lookalike traffic is punycode.
    """
    if not label.startswith("xn--"):
        return label
    try:
        decoded = decode_punycode(label[4:])
    except UnicodeError:
        raise InvalidChannel(f"{host!r} is not a valid host name", "invalid.bad_host") from None
    if (
        decoded.isascii()
        or not unicodedata.is_normalized("NFC", decoded)
        or decoded.lower() != decoded
        or decoded.translate(_NOT_IN_LABELS)
    ):
        raise InvalidChannel(f"{host!r} is not a valid host name", "invalid.bad_host")
    return decoded


def _ip_host(host: str) -> str | None:
    address = host.strip("[]")
    if ":" in address:
        # An IPv6 zone ("%eth0") names an interface of the local machine, not a site: drop it.
        address = address.partition("%")[0]
    elif not _IPV4_SHAPE.match(address):
        return None  # cheap test first: ip_address() raising costs more than the rest of parsing
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def parse_url(raw: object) -> Channel:
    """Parse a URL or bare host name into a url Channel: the host a browser opens.

    The text is read by the WHATWG URL Standard (``verifier.channels.weburl``), so a backslash
    ends the host (``https://evil.com\\@brand.com`` opens evil.com), ``user@`` before the host
    is ignored by the browser (``https://brand.com@evil.com`` is evil.com, noted as
    ``url.userinfo``), percent-encoded and IPv4 number forms are decoded. Also accepts bare
    hosts, defanged forms (``hxxps://``, ``example[.]com``), IDN in Unicode or ``xn--`` form,
    fullwidth dots and ports.

    A link written with compatibility characters ("ｈｔｔｐｓ：／／", "＃", "＠") is also read as
    a person retypes it (NFKC): when only that reading is a link it is the one judged; when the
    two readings name different hosts the link is refused (``invalid.ambiguous``), since
    neither can be trusted. Raises InvalidChannel.
    """
    text, notes_in = clean_link(raw)
    notes = list(notes_in)
    text, defanged = refang(text)
    if defanged:
        notes.append("url.defanged")
    try:
        url = _read_link(text)
    except InvalidChannel:
        folded = None if text.isascii() else _folded_link(text)
        if folded is None:
            raise
        url, notes = folded, [*notes, "url.folded"]
    else:
        folded = None if text.isascii() else _folded_link(text)
        if folded is not None and folded.hostname != url.hostname:
            raise InvalidChannel(
                f"the link opens {url.hostname} in a browser but reads as {folded.hostname}",
                "invalid.ambiguous",
            )
    userinfo = url.userinfo
    if userinfo is not None:
        notes.append("url.userinfo")
        userinfo = userinfo[:253]
    return _host_channel(str(raw), url.hostname, notes, userinfo)


def _folded_link(text: str) -> WebURL | None:
    """The link ``text`` is when retyped in plain characters (NFKC), if that differs and is one."""
    folded = unicodedata.normalize("NFKC", text)
    if folded == text:
        return None
    try:
        return _read_link(folded)
    except InvalidChannel:
        return None


def _read_link(text: str) -> WebURL:
    """``text`` (cleaned and refanged) as the browser reads it; InvalidChannel if it is no link."""
    if _SPACE.search(text):
        raise InvalidChannel("a link cannot contain spaces", "invalid.spaces")
    if ":" in text and not text.startswith("[") and _ip_host(text) is not None:
        text = f"[{text}]"  # a bare IPv6 address ("::1", "fe80::1")
    scheme = scheme_of(text)
    if scheme is not None and scheme not in WEB_SCHEMES:
        if text[len(scheme) + 1 :].startswith("//"):
            raise InvalidChannel(f"links with the scheme {scheme!r} are not checked", "invalid.scheme")
        raise InvalidChannel("not a web link or host name", "invalid.scheme")  # javascript:, mailto:
    try:
        return parse_link(text)
    except NotAWebURL:
        rest = text[len(scheme) + 1 :] if scheme else text
        if not rest.lstrip("/\\") or rest.lstrip("/\\")[0] in "?#":
            raise InvalidChannel("no host name found in the link", "invalid.no_host") from None
        raise InvalidChannel("not a valid link", "invalid.bad_url") from None


def _host_channel(raw: str, hostname: str, notes: list[str], userinfo: str | None) -> Channel:
    ip = _ip_host(hostname)
    if ip is not None:
        notes.append("url.ip_address")
        return Channel(
            ChannelKind.URL, raw, ip, host=ip, host_unicode=ip, userinfo=userinfo, notes=tuple(notes)
        )
    ascii_host, unicode_host = normalize_host(hostname)
    if "." not in ascii_host:
        raise InvalidChannel(f"{unicode_host!r} is not a full host name", "invalid.no_suffix")
    domain = registrable_domain(ascii_host)
    if domain is None:
        raise InvalidChannel(
            f"{unicode_host!r} has no registrable domain under a public suffix", "invalid.no_suffix"
        )
    if ascii_host != unicode_host or "xn--" in ascii_host:
        notes.append("url.idn")
    return Channel(
        ChannelKind.URL,
        raw,
        ascii_host,
        host=ascii_host,
        host_unicode=unicode_host,
        registrable_domain=domain,
        userinfo=userinfo,
        notes=tuple(notes),
    )
