"""Every logged name through ``verifier.check``'s detection: an alert for a lookalike of an
official domain or a reported fake (denylist); official names and names that relate to no
brand are not alerts.

Most names relate to nothing, and most have subdomains (``www.``, ``mail.``, random labels),
which the C host finder hands to Python. The matcher proves "nothing" more cheaply, with the
lookalike index's own tables and nothing of its own (``_clean_subdomains``); everything it
cannot prove goes through ``check`` itself, so an alert's verdict is always ``check``'s.
"""

from __future__ import annotations

from dataclasses import dataclass

from verifier.allowlist.model import Allowlist
from verifier.allowlist.store import default_allowlist
from verifier.channels import native_host
from verifier.checker import check
from verifier.lookalike import HOST_FINDER, HostFinder, host_finder, index_for
from verifier.lookalike.skeleton import skeleton
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
        domains = index_for(self.allowlist).domains
        self._by_registrable = domains.by_registrable
        self._tokens = domains.tokens
        self._by_label = domains.by_label
        self._official_hosts = domains.official_hosts
        self._gate = domains.embedded.gate
        self._cache: dict[str, Match | None] = {}
        self._labels: dict[str, bool] = {}
        self._registrables: dict[str, bool] = {}
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

    def _clean_label(self, sub: str) -> bool:
        """A subdomain label that is no brand token and holds nothing the embedded gate reads."""
        clean = self._labels.get(sub)
        if clean is None:
            gate = self._gate
            clean = not (
                sub.startswith("xn--")
                or sub in self._tokens
                or (gate is not None and gate.search(skeleton(sub)))
            )
            if len(self._labels) >= _CACHE_LIMIT:
                self._labels.clear()
            self._labels[sub] = clean
        return clean

    def _clean_registrable(self, registrable: str) -> bool:
        """The finder relates ``registrable`` alone to no brand, and its label holds nothing the
        embedded gate reads (else subdomains could give a brand name there its context)."""
        clean = self._registrables.get(registrable)
        if clean is None:
            gate = self._gate
            label = registrable.split(".", 1)[0]
            clean = not registrable.startswith("xn--") and not (
                gate is not None and gate.search(skeleton(label))
            )
            # An official registrable domain is skipped by the finder's first line, not by the
            # techniques a subdomain of it would meet: such hosts take the long way.
            clean = (
                clean
                and registrable not in self._official_hosts
                and registrable not in self._by_registrable
                and self._finder(registrable, registrable, registrable) is None
            )
            if len(self._registrables) >= _CACHE_LIMIT:
                self._registrables.clear()
            self._registrables[registrable] = clean
        return clean

    def _clean_subdomains(self, host: str, registrable: str) -> bool:
        """Whether ``host`` (with subdomains) is related to no brand, proven without the Python
        path. The finder's techniques on the registrable label do not read the subdomains;
        those that do are ``subdomain`` (an official registrable domain across subdomain labels,
        a brand token as a label, the labels glued into an official label) and ``embedded`` (a
        brand name in any label, with context words from the others), which reads no host none
        of whose labels passes its gate. False sends the name through ``check``."""
        if not self._clean_registrable(registrable):
            return False
        if host.startswith("xn--") or not host.endswith("." + registrable):
            return False
        subs = host[: -len(registrable) - 1].split(".")
        for sub in subs:
            if not self._clean_label(sub):
                return False
        if len(subs) > 1:
            for i in range(len(subs) - 1):
                for end in range(i + 2, len(subs) + 1):
                    if ".".join(subs[i:end]) in self._by_registrable:
                        return False
        return "".join(subs) + registrable.split(".", 1)[0] not in self._by_label

    def _judge(self, name: str) -> Match | None:
        allowlist = self.allowlist
        channel = native_host(name) if native_host is not None else None
        # checker._judge_host's first steps: a verified list that names nothing about the host,
        # and a finder that relates it to no brand, mean `unknown`: no alert.
        if channel is not None and allowlist.verified and not channel.userinfo:
            host = channel.normalized
            registrable = channel.registrable_domain or ""
            if not allowlist.lists_host(host):
                if host != registrable and registrable and self._clean_subdomains(host, registrable):
                    return None
                if self._finder(host, registrable, channel.host_unicode or host) is None:
                    return None
        result = check(name, allowlist=allowlist, kind="url")
        return Match.of(name, result) if result.verdict in ALERT_VERDICTS else None
