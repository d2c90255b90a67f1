"""Which addresses a request may go to: public ones only, each host resolved once.

A host (the first and each redirect target) is resolved once, every address it resolves to
must be public (``is_public_address``), and the request then connects to that checked address,
so a DNS answer that changes between check and connect cannot send it elsewhere.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from verifier.errors import FetchError

if TYPE_CHECKING:
    from verifier.net.deadline import Deadline

Resolver = Callable[[str, int], Sequence[str]]
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# IPv4 blocks that are not public destinations (IANA special-purpose registry, RFC 6890 and
# successors), whatever the running Python's ``is_global`` thinks of them.
_V4_NOT_PUBLIC = tuple(
    ipaddress.IPv4Network(block)
    for block in (
        "0.0.0.0/8",  # this network
        "10.0.0.0/8",  # private
        "100.64.0.0/10",  # shared address space (carrier-grade NAT)
        "127.0.0.0/8",  # loopback
        "169.254.0.0/16",  # link-local (cloud metadata)
        "172.16.0.0/12",  # private
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation
        "192.88.99.0/24",  # deprecated 6to4 relay anycast
        "192.168.0.0/16",  # private
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # documentation
        "203.0.113.0/24",  # documentation
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, and the limited broadcast address
    )
)
_V6_GLOBAL_UNICAST = ipaddress.IPv6Network("2000::/3")
_V6_MAPPED = ipaddress.IPv6Network("::ffff:0:0/96")  # IPv4-mapped: the kernel connects over IPv4
_V6_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # NAT64 well-known prefix (RFC 6052)
_V6_6TO4 = ipaddress.IPv6Network("2002::/16")  # 6to4 (RFC 3056): 2002:AABB:CCDD::/48
# Inside 2000::/3 but no public destination (or, for Teredo, one that cannot be judged).
_V6_NOT_PUBLIC = tuple(
    ipaddress.IPv6Network(block)
    for block in (
        "2001::/23",  # IETF protocol assignments: Teredo 2001::/32, benchmarking, ORCHID ...
        "2001:db8::/32",  # documentation
        "3fff::/20",  # documentation (RFC 9637)
    )
)


def _is_public_v4(address: ipaddress.IPv4Address) -> bool:
    return address.is_global and not any(address in block for block in _V4_NOT_PUBLIC)


def is_public_address(address: Address) -> bool:
    """Whether a connection to ``address`` goes to the public internet and only there.

    IPv4: outside every special-purpose block. IPv6: an IPv4-mapped address
    (``::ffff:a.b.c.d``), the NAT64 well-known prefix (``64:ff9b::a.b.c.d``) and 6to4
    (``2002:AABB:CCDD::``) are judged by the IPv4 address they carry, since that is where the
    packets end up; otherwise only global unicast (2000::/3) outside the special-purpose
    blocks. That refuses IPv4-compatible (``::a.b.c.d``) and SIIT (``::ffff:0:a.b.c.d``)
    forms, local-use NAT64 (64:ff9b:1::/48, a private translator), Teredo (2001::/32: the
    client address is obfuscated and the relay is anyone's), site-local fec0::/10,
    unique-local, link-local, multicast, documentation and unallocated space.
    """
    if isinstance(address, ipaddress.IPv4Address):
        return _is_public_v4(address)
    if address.scope_id is not None:
        return False
    if address in _V6_MAPPED or address in _V6_NAT64:
        return _is_public_v4(ipaddress.IPv4Address(int(address) & 0xFFFF_FFFF))
    if address in _V6_6TO4:
        return _is_public_v4(ipaddress.IPv4Address((int(address) >> 80) & 0xFFFF_FFFF))
    return (
        address in _V6_GLOBAL_UNICAST
        and address.is_global
        and not address.is_multicast
        and not any(address in block for block in _V6_NOT_PUBLIC)
    )


def system_resolver(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to, by the system resolver."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise FetchError("fetch.cannot_resolve", host=host, reason=exc.strerror or str(exc)) from None
    return [str(info[4][0]) for info in infos]


def _resolve_by(resolve: Resolver, host: str, port: int, deadline: Deadline, url: str) -> list[str]:
    """``resolve(host, port)`` if it answers by ``deadline`` (the system resolver cannot be
    interrupted: a late answer is left to a daemon thread and dropped); else fetch.too_slow."""
    answer: list[Sequence[str]] = []
    failure: list[BaseException] = []
    done = threading.Event()

    def run() -> None:
        try:
            answer.append(resolve(host, port))
        except BaseException as exc:  # handed to the caller's thread
            failure.append(exc)
        finally:
            done.set()

    threading.Thread(target=run, name=f"resolve {host}", daemon=True).start()
    if not done.wait(max(deadline.remaining(), 0.0)):
        raise FetchError("fetch.too_slow", url=url)
    if failure:
        raise failure[0]
    return list(answer[0])


def public_address(
    host: str, port: int, resolve: Resolver, deadline: Deadline | None = None, url: str = ""
) -> str:
    """The address to connect to for ``host`` (a URL's host name, or an IP address without
    brackets); FetchError unless every address it resolves to is public (``is_public_address``).

    With a ``deadline``, a resolver that has not answered by then is fetch.too_slow (for ``url``).
    """
    try:
        literal: Address | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [str(literal)]
    elif deadline is None:
        addresses = list(resolve(host, port))
    else:
        addresses = _resolve_by(resolve, host, port, deadline, url or host)
    if not addresses:
        raise FetchError("fetch.no_address", host=host)
    for text in addresses:
        try:
            address = ipaddress.ip_address(text)
        except ValueError:
            address = None  # a scoped (``%eth0``) or malformed answer: never public
        if address is None or not is_public_address(address):
            raise FetchError("fetch.non_public", host=host, address=text)
    return addresses[0]
