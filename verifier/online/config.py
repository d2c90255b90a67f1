"""Where ``--online`` lookups go and how long they may take: configuration, never user input.

Resolvers (``--nameserver``, ``VERIFIER_NAMESERVERS``) and the RDAP base (``VERIFIER_RDAP_URL``)
are chosen by whoever runs verifier, so they may be loopback or private addresses (an air-gapped
deployment's own resolver, the tests' servers). What a checked value names (its host, the hosts
it redirects to) is user input and is only ever fetched at public addresses
(``verifier.net.public_address``). ``pinned_hosts`` is the one exception, and it too is
configuration: names whose address the operator fixes (as /etc/hosts does), used by the tests to
send a redirect chain to their loopback servers. No environment variable sets it.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

NAMESERVERS_ENV = "VERIFIER_NAMESERVERS"
RDAP_URL_ENV = "VERIFIER_RDAP_URL"
DEFAULT_DEADLINE = 10.0  # seconds for all the lookups of one check
DEFAULT_CONCURRENCY = 32  # lookups (DNS queries, HTTP requests) in flight at once, per process
DEFAULT_CACHE_TTL = 300.0  # seconds an answer is reused
IANA_RDAP_BOOTSTRAP = "https://data.iana.org/rdap/dns.json"


class ConfigError(ValueError):
    """A nameserver or RDAP base that cannot be used; the message says which and why."""


def parse_nameserver(text: str) -> tuple[str, int]:
    """``HOST[:PORT]`` (``[v6]:PORT`` for IPv6 with a port) as (address, port); port 53 by default.

    The host must be an IP address: a resolver named by a name would need a resolver first."""
    spec = text.strip()
    host, port = spec, 53
    if spec.startswith("["):
        end = spec.find("]")
        if end < 0:
            raise ConfigError(f"nameserver {spec!r}: missing ']'")
        host, rest = spec[1:end], spec[end + 1 :]
        if rest:
            if not rest.startswith(":") or not rest[1:].isdigit():
                raise ConfigError(f"nameserver {spec!r}: bad port")
            port = int(rest[1:])
    elif spec.count(":") == 1:
        host, _, port_text = spec.partition(":")
        if not port_text.isdigit():
            raise ConfigError(f"nameserver {spec!r}: bad port")
        port = int(port_text)
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise ConfigError(f"nameserver {spec!r}: not an IP address") from None
    if not 0 < port < 65536:
        raise ConfigError(f"nameserver {spec!r}: bad port")
    return str(address), port


def parse_nameservers(specs: str | list[str] | tuple[str, ...]) -> tuple[tuple[str, int], ...]:
    """Several ``HOST[:PORT]``, comma- or space-separated in one string or one per item."""
    items = specs.replace(",", " ").split() if isinstance(specs, str) else [s for s in specs if s.strip()]
    return tuple(parse_nameserver(item) for item in items)


def _rdap_base(url: str | None) -> str | None:
    if not url or not url.strip():
        return None
    base = url.strip().rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise ConfigError(f"RDAP base {base!r}: must be an http(s) URL")
    return base


@dataclass(frozen=True)
class OnlineConfig:
    """How ``--online`` looks things up.

    ``nameservers``: (address, port) pairs; empty means the system's resolvers
    (/etc/resolv.conf). ``rdap_url``: a base URL queried as ``{base}/domain/{name}``; None means
    the IANA bootstrap file picks the registry's server per TLD. ``deadline``: seconds for all
    the lookups of one check. ``pinned_hosts``: name -> address fixed by configuration (tests,
    split-horizon deployments); these names are fetched at that address even when it is not
    public. ``rdap_bootstrap_url``: where the IANA bootstrap file is read.
    """

    nameservers: tuple[tuple[str, int], ...] = ()
    rdap_url: str | None = None
    deadline: float = DEFAULT_DEADLINE
    concurrency: int = DEFAULT_CONCURRENCY
    cache_ttl: float = DEFAULT_CACHE_TTL
    pinned_hosts: Mapping[str, str] = field(default_factory=dict)
    rdap_bootstrap_url: str = IANA_RDAP_BOOTSTRAP
    follow_redirects: bool = True
    read_pages: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "rdap_url", _rdap_base(self.rdap_url))
        pinned = {
            name.lower().rstrip("."): str(ipaddress.ip_address(a)) for name, a in self.pinned_hosts.items()
        }
        object.__setattr__(self, "pinned_hosts", pinned)
        if self.deadline <= 0 or self.concurrency < 1:
            raise ConfigError("deadline and concurrency must be positive")

    def key(self) -> tuple[object, ...]:
        """What answers depend on: two configs with the same key share cached answers."""
        return (self.nameservers, self.rdap_url, tuple(sorted(self.pinned_hosts.items())))

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        nameservers: list[str] | tuple[str, ...] | None = None,
        **overrides: object,
    ) -> OnlineConfig:
        """The configuration from ``VERIFIER_NAMESERVERS`` and ``VERIFIER_RDAP_URL`` (``environ``,
        default ``os.environ``); ``nameservers`` given here (``--nameserver``) replace the
        variable's. Raises ConfigError for a malformed value."""
        env = os.environ if environ is None else environ
        servers = parse_nameservers(list(nameservers) if nameservers else env.get(NAMESERVERS_ENV, ""))
        rdap = overrides.pop("rdap_url", None) or env.get(RDAP_URL_ENV) or None
        return cls(nameservers=servers, rdap_url=rdap, **overrides)  # type: ignore[arg-type]
