"""Bounded HTTP GETs to public addresses: the one layer all of verifier's network reads use.

Every request made for a value a user gave (``verifier scan --online``, ``check --online``,
``verifier update``) goes through here: the URL read as a browser reads it, every host resolved
once and refused unless every address is public (``addresses``), the connection pinned to the
checked address, one total deadline over everything (``deadline``), a bounded body
(``body``) and, where redirects are followed, one loop that checks each hop like the first
(``redirects``). Nothing here imports the rest of verifier except URL parsing and the errors.
"""

from verifier.errors import FetchError
from verifier.net.addresses import Resolver, is_public_address, public_address, system_resolver
from verifier.net.body import ACCEPT_ENCODING, read_bounded
from verifier.net.deadline import Deadline, deadline_client
from verifier.net.redirects import (
    REDIRECT_STATUSES,
    RedirectWalk,
    next_target,
    open_get,
    pinned_request,
    web_target,
)

__all__ = [
    "ACCEPT_ENCODING",
    "REDIRECT_STATUSES",
    "Deadline",
    "FetchError",
    "RedirectWalk",
    "Resolver",
    "deadline_client",
    "is_public_address",
    "next_target",
    "open_get",
    "pinned_request",
    "public_address",
    "read_bounded",
    "system_resolver",
    "web_target",
]
