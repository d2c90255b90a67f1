"""``--online``: evidence beside the verdict, from DNS, RDAP, redirects and the page itself.

Off unless asked for (``verifier.check(..., online=True)``, ``verifier check --online``,
``{"online": true}`` on a server started with ``--allow-online``). Bounded: one total deadline
per check, a bounded pool of lookups, a cache with a TTL, and never a request to a private or
loopback address taken from the value checked. Resolvers and the RDAP server are configuration
(``OnlineConfig``; ``VERIFIER_NAMESERVERS``, ``VERIFIER_RDAP_URL`` in the CLI and the service).
"""

from verifier.online.config import ConfigError, OnlineConfig, parse_nameserver, parse_nameservers
from verifier.online.evidence import clear_cache, with_evidence

__all__ = [
    "ConfigError",
    "OnlineConfig",
    "clear_cache",
    "parse_nameserver",
    "parse_nameservers",
    "with_evidence",
]
