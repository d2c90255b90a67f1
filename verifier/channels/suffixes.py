"""Public Suffix List lookups with set probes, on the list bundled with tldextract.

tldextract decodes every ``xn--`` label with the ``idna`` package on each call, which
costs more than the rest of a check for the punycode hosts phishing uses. Here its rule
list is read once (never fetched), IDN rules are encoded to ASCII once, and a lookup is a
few set probes on ASCII labels. Tests compare the answers with tldextract's.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import tldextract


@dataclass(frozen=True)
class SuffixRules:
    """PSL rules in ASCII form: plain suffixes, wildcard parents (``*.ck`` -> ``ck``), exceptions."""

    rules: frozenset[str]
    wildcards: frozenset[str]
    exceptions: frozenset[str]

    def suffix_start(self, labels: list[str]) -> int | None:
        """Index of the first label of the public suffix of ``labels``; None if unknown."""
        n = len(labels)
        for i in range(n):
            candidate = ".".join(labels[i:])
            if candidate in self.exceptions:
                return i + 1
            if candidate in self.rules:
                return i
            if i + 1 < n and ".".join(labels[i + 1 :]) in self.wildcards:
                return i
        return None


def _ascii(rule: str) -> str:
    if rule.isascii():
        return rule.lower()
    labels = rule.split(".")
    return ".".join(label if label.isascii() else label.encode("idna").decode("ascii") for label in labels)


def _extractor(include_private: bool) -> tldextract.TLDExtract:
    # The bundled snapshot only: no fetch, no cache writes.
    return tldextract.TLDExtract(
        cache_dir=None,
        suffix_list_urls=(),
        fallback_to_snapshot=True,
        include_psl_private_domains=include_private,
    )


def _compile(raw_rules: list[str]) -> SuffixRules:
    rules: set[str] = set()
    wildcards: set[str] = set()
    exceptions: set[str] = set()
    for raw in raw_rules:
        try:
            if raw.startswith("!"):
                exceptions.add(_ascii(raw[1:]))
            elif raw.startswith("*."):
                wildcards.add(_ascii(raw[2:]))
            else:
                rules.add(_ascii(raw))
        except UnicodeError:
            continue  # a rule the IDNA 2003 codec cannot encode cannot match an encoded host either
    return SuffixRules(frozenset(rules), frozenset(wildcards), frozenset(exceptions))


@cache
def suffix_rules() -> SuffixRules:
    """The bundled Public Suffix List, ICANN and private sections, compiled once."""
    return _compile(_extractor(include_private=True).tlds)


@cache
def public_suffix_rules() -> SuffixRules:
    """The ICANN section alone: a host that is itself one of these suffixes has no owner."""
    return _compile(_extractor(include_private=False).tlds)
