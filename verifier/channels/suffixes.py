"""Public Suffix List lookups with set probes, on the list bundled with tldextract.

tldextract decodes every ``xn--`` label with the ``idna`` package on each call, which
costs more than the rest of a check for the punycode hosts phishing uses, and importing it
loads ``requests``. Here the PSL snapshot file that tldextract ships is read once (never
fetched), IDN rules are encoded to ASCII once, and a lookup is a few set probes on ASCII
labels. Tests compare the answers with tldextract's own.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import cache
from pathlib import Path


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

    def suffix_at(self, host: str) -> tuple[int, int] | None:
        """Where the public suffix of ``host`` begins: ``(label index, character offset)``.

        None if the list knows no suffix of it. The offset is ``len(host) + 1`` when an
        exception rule leaves no label for the suffix. Walks the string rather than joining
        labels: the longest candidate that a rule, an exception or a wildcard covers wins.
        """
        at = index = 0
        while True:
            dot = host.find(".", at)
            candidate = host[at:]
            if candidate in self.exceptions:
                return index + 1, (len(host) + 1 if dot == -1 else dot + 1)
            if candidate in self.rules:
                return index, at
            if dot == -1:
                return None
            if host[dot + 1 :] in self.wildcards:
                return index, at
            at = dot + 1
            index += 1


def _ascii(rule: str) -> str:
    if rule.isascii():
        return rule.lower()
    labels = rule.split(".")
    return ".".join(label if label.isascii() else label.encode("idna").decode("ascii") for label in labels)


@cache
def _snapshot_rules() -> tuple[list[str], list[str]]:
    """The ICANN and the private rules of tldextract's bundled PSL snapshot, as written."""
    # find_spec locates the package without importing it (its import loads requests).
    spec = importlib.util.find_spec("tldextract")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("tldextract is not installed: it provides the bundled Public Suffix List")
    snapshot = Path(next(iter(spec.submodule_search_locations))) / ".tld_set_snapshot"
    lines = [line.strip() for line in snapshot.read_text("utf-8").splitlines()]
    private_start = next(
        (i for i, line in enumerate(lines) if line.startswith("// ===BEGIN PRIVATE DOMAINS===")), len(lines)
    )
    icann = [line.split()[0] for line in lines[:private_start] if line and not line.startswith("//")]
    private = [line.split()[0] for line in lines[private_start:] if line and not line.startswith("//")]
    return icann, private


def _compile(raw_rules: list[str]) -> SuffixRules:
    # Most rules are ASCII and only need lowercasing: sets built in one pass each. The rest go
    # through the IDNA codec one by one.
    written = [raw.lower() for raw in raw_rules if raw.isascii()]
    rules = {raw for raw in written if not raw.startswith(("!", "*."))}
    wildcards = {raw[2:] for raw in written if raw.startswith("*.")}
    exceptions = {raw[1:] for raw in written if raw.startswith("!")}
    for raw in raw_rules:
        if raw.isascii():
            continue
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
def _private_rules() -> SuffixRules:
    return _compile(_snapshot_rules()[1])


@cache
def suffix_rules() -> SuffixRules:
    """The bundled Public Suffix List, ICANN and private sections, compiled once."""
    icann, private = public_suffix_rules(), _private_rules()
    return SuffixRules(
        icann.rules | private.rules,
        icann.wildcards | private.wildcards,
        icann.exceptions | private.exceptions,
    )


@cache
def public_suffix_rules() -> SuffixRules:
    """The ICANN section alone: a host that is itself one of these suffixes has no owner."""
    return _compile(_snapshot_rules()[0])
