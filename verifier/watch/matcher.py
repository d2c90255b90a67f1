"""Every logged name through ``verifier.check``'s detection: an alert for a lookalike of an
official domain or a reported fake (denylist); official names and names that relate to no
brand are not alerts.

Most names relate to nothing. For those the matcher asks the same host finder ``check`` asks
(one C call when the extension is built) and stops there; anything else, and anything the fast
path cannot parse, goes through ``check`` itself, so the verdict is always ``check``'s.
"""

from __future__ import annotations

from dataclasses import dataclass

from verifier.allowlist.model import Allowlist
from verifier.allowlist.store import default_allowlist
from verifier.channels import native_host
from verifier.checker import check
from verifier.lookalike import HOST_FINDER, HostFinder, host_finder
from verifier.model import CheckResult, Verdict

ALERT_VERDICTS = frozenset({Verdict.LOOKALIKE, Verdict.KNOWN_SCAM})
_CACHE_LIMIT = 200_000


@dataclass(frozen=True, slots=True)
class Match:
    """Why a name is an alert: ``check``'s verdict, brand, matched entry and technique."""

    name: str
    verdict: Verdict
    brand: str | None
    matched: str | None
    technique: str | None

    @classmethod
    def of(cls, name: str, result: CheckResult) -> Match:
        return cls(name, result.verdict, result.brand, result.matched, result.technique)


class Matcher:
    """``match(name)``: the Match for an alerting name, else None. Keeps the answers for the
    names seen last (the same names come back in pre-certificates, final certificates and
    several logs)."""

    def __init__(self, allowlist: Allowlist | None = None) -> None:
        self.allowlist = allowlist if allowlist is not None else default_allowlist()
        finder: HostFinder | None = self.allowlist.derived.get(HOST_FINDER)  # type: ignore[assignment]
        self._finder = finder or host_finder(self.allowlist)
        self._cache: dict[str, Match | None] = {}
        self.checked = 0

    def match(self, name: str) -> Match | None:
        cache = self._cache
        if name in cache:
            return cache[name]
        self.checked += 1
        found = self._judge(name)
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        cache[name] = found
        return found

    def _judge(self, name: str) -> Match | None:
        allowlist = self.allowlist
        channel = native_host(name) if native_host is not None else None
        # The fast path is checker._judge_host's first steps: a verified list that names
        # nothing about the host, and a finder that relates it to no brand, mean `unknown`.
        if channel is not None and allowlist.verified and not channel.userinfo:
            host = channel.normalized
            if not allowlist.lists_host(host) and (
                self._finder(host, channel.registrable_domain or "", channel.host_unicode or host) is None
            ):
                return None
        result = check(name, allowlist=allowlist, kind="url")
        return Match.of(name, result) if result.verdict in ALERT_VERDICTS else None
