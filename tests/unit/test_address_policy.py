"""Which addresses ``scan --online`` and ``update`` may connect to: the address policy, table-tested.

The policy is an allow-list: IPv4 outside every special-purpose block, IPv6 in global unicast
(2000::/3) outside the special-purpose blocks. IPv6 forms that carry an IPv4 address are judged
by that IPv4 address when the translation is a real path to it (IPv4-mapped ``::ffff:a.b.c.d``,
NAT64's well-known prefix ``64:ff9b::/96``, 6to4 ``2002:AABB:CCDD::/48``), and refused outright
when they have no legitimate public use (IPv4-compatible ``::/96``, SIIT ``::ffff:0:0:0/96``,
local-use NAT64 ``64:ff9b:1::/48``, Teredo ``2001::/32`` whose client address is obfuscated).
Python's own ``is_global`` is not enough (3.11 calls ``::127.0.0.1`` and ``fec0::1`` global), so
each line below is checked against the product's policy, as a literal and as a DNS answer.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

import pytest

from verifier.net import FetchError, Resolver, is_public_address, public_address

REFUSED = [
    # The list (finding 7).
    "::127.0.0.1",  # IPv4-compatible loopback
    "::ffff:0:7f00:1",  # SIIT (IPv4-translated) loopback
    "2002:7f00:1::1",  # 6to4 of 127.0.0.1
    "2002:a00:1::1",  # 6to4 of 10.0.0.1
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254 (cloud metadata)
    "64:ff9b:1::a00:1",  # local-use NAT64 of 10.0.0.1
    "fec0::1",  # site-local
    # IPv4-mapped: judged by the IPv4 address.
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "::ffff:100.64.0.1",
    "::ffff:0.0.0.0",
    "::ffff:224.0.0.1",
    # IPv4-compatible and SIIT: refused whatever they carry.
    "::",
    "::1",
    "::8.8.8.8",
    "::ffff:0:808:808",
    "::ffff:0:a00:1",
    # 6to4 of other non-public IPv4.
    "2002:c0a8:101::1",  # 192.168.1.1
    "2002:a9fe:a9fe::1",  # 169.254.169.254
    "2002:6440:1::1",  # 100.64.0.1
    "2002::1",  # 0.0.0.0
    "2002:e000:1::1",  # 224.0.0.1
    # NAT64 well-known prefix with non-public IPv4; local-use NAT64 with any.
    "64:ff9b::a00:1",
    "64:ff9b::c0a8:101",
    "64:ff9b::6440:1",
    "64:ff9b::e000:1",
    "64:ff9b::",
    "64:ff9b:1::808:808",
    "64:ff9b:1:ffff::1",
    # Teredo: the client address is obfuscated; refused even when it decodes to a public one.
    "2001::1",
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",
    "2001:0:53aa:64c:0:7f00:1:1",
    # Site-local, unique-local, link-local, multicast (every scope).
    "fec0::",
    "feff:ffff::1",
    "fc00::1",
    "fd12:3456::1",
    "fe80::1",
    "fe80::1%eth0",
    "ff02::1",
    "ff05::2",
    "ff0e::1",
    # Special-purpose and unallocated IPv6.
    "100::1",  # discard-only
    "2001:2::1",  # benchmarking
    "2001:10::1",  # ORCHID
    "2001:20::1",  # ORCHIDv2
    "2001:db8::1",  # documentation
    "3fff::1",  # documentation (RFC 9637)
    "5f00::1",  # SRv6 SIDs
    "4000::1",  # outside global unicast
    "e000::1",
    "1::1",
    # IPv4 special-purpose blocks.
    "0.0.0.0",
    "0.1.2.3",
    "10.0.0.1",
    "10.255.255.255",
    "100.64.0.1",
    "100.127.255.254",
    "127.0.0.1",
    "127.255.255.254",
    "169.254.169.254",
    "172.16.0.1",
    "172.31.255.254",
    "192.0.0.1",
    "192.0.0.9",
    "192.0.2.1",
    "192.88.99.1",
    "192.168.1.1",
    "198.18.0.1",
    "198.19.255.254",
    "198.51.100.1",
    "203.0.113.1",
    "224.0.0.1",
    "239.255.255.250",
    "240.0.0.1",
    "255.255.255.255",
]

ALLOWED = [
    "8.8.8.8",
    "1.1.1.1",
    "93.184.216.34",
    "100.63.255.255",  # just below the shared address space
    "100.128.0.1",  # just above it
    "172.15.255.255",
    "172.32.0.1",
    "169.253.255.255",
    "223.255.255.254",
    "2606:4700::1111",
    "2001:4860:4860::8888",
    "2a00:1450:4001::1",
    "2c0f:fb50::1",
    "::ffff:8.8.8.8",  # IPv4-mapped: the connection goes to 8.8.8.8
    "64:ff9b::808:808",  # NAT64 (DNS64 networks answer this for every IPv4-only site)
    "64:ff9b::5db8:d822",  # NAT64 of 93.184.216.34
    "2002:808:808::1",  # 6to4 of 8.8.8.8
]


def _literal(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    return ipaddress.ip_address(text.split("%", 1)[0])


@pytest.mark.parametrize("address", REFUSED)
def test_non_public_addresses_are_refused(address: str) -> None:
    assert not is_public_address(_literal(address))


@pytest.mark.parametrize("address", ALLOWED)
def test_public_addresses_are_allowed(address: str) -> None:
    assert is_public_address(_literal(address))


def _answers(*addresses: str) -> Resolver:
    def resolve(host: str, port: int) -> Sequence[str]:
        return list(addresses)

    return resolve


@pytest.mark.parametrize("address", REFUSED)
def test_a_refused_address_is_refused_as_a_dns_answer_and_among_public_ones(address: str) -> None:
    for answers in ((address,), ("8.8.8.8", address), (address, "2606:4700::1111")):
        with pytest.raises(FetchError) as raised:
            public_address("name.test", 443, _answers(*answers))
        assert raised.value.code == "fetch.non_public"


@pytest.mark.parametrize("address", [a for a in REFUSED if "%" not in a])
def test_a_refused_address_is_refused_as_a_literal_host(address: str) -> None:
    with pytest.raises(FetchError) as raised:
        public_address(address, 443, _answers("8.8.8.8"))
    assert raised.value.code == "fetch.non_public"


@pytest.mark.parametrize("address", ALLOWED)
def test_a_public_address_is_the_one_connected_to(address: str) -> None:
    assert public_address("name.test", 443, _answers(address)) == address
    assert _literal(public_address(address, 443, _answers())) == _literal(address)
