"""Public Suffix List lookups with set probes, on the list shipped in the package.

The list is the package's own data, ``verifier/data/public_suffix_list.dat``: a verbatim copy of
https://publicsuffix.org/list/public_suffix_list.dat (MPL 2.0) whose ``// VERSION:`` and
``// COMMIT:`` lines say which snapshot it is. It is read once and never fetched at run time;
``verifier suffixes refresh`` replaces it (network only when asked). IDN rules are encoded to
ASCII once, and a lookup is a few set probes on ASCII labels.
Tests compare the answers with tldextract's, given the same file.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
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


PSL_FILE = "public_suffix_list.dat"
PSL_SOURCE = "https://publicsuffix.org/list/public_suffix_list.dat"
_ICANN_BEGIN = "// ===BEGIN ICANN DOMAINS==="
_PRIVATE_BEGIN = "// ===BEGIN PRIVATE DOMAINS==="


def psl_path() -> Path:
    """Where the shipped Public Suffix List lives in the installed package."""
    return Path(str(resources.files("verifier.data").joinpath(PSL_FILE)))


def split_sections(text: str) -> tuple[list[str], list[str]]:
    """The ICANN and the private rules of a Public Suffix List file, as written.

    Raises ValueError when the text is not a Public Suffix List (no section markers, no rules)."""
    lines = [line.strip() for line in text.splitlines()]
    if _ICANN_BEGIN not in lines or _PRIVATE_BEGIN not in lines:
        raise ValueError("not a Public Suffix List: the ICANN and PRIVATE section markers are missing")
    private_start = lines.index(_PRIVATE_BEGIN)
    icann = [line.split()[0] for line in lines[:private_start] if line and not line.startswith("//")]
    private = [line.split()[0] for line in lines[private_start:] if line and not line.startswith("//")]
    if "com" not in icann or len(icann) < 1000:
        raise ValueError(f"not a Public Suffix List: only {len(icann)} ICANN rules, or no 'com'")
    return icann, private


def snapshot_of(text: str) -> dict[str, str]:
    """The ``// VERSION:`` and ``// COMMIT:`` header values of a Public Suffix List file."""
    found: dict[str, str] = {}
    for line in text.splitlines()[:40]:
        for key in ("VERSION", "COMMIT"):
            if line.startswith(f"// {key}:"):
                found[key.lower()] = line.split(":", 1)[1].strip()
    return found


@cache
def _snapshot_rules() -> tuple[list[str], list[str]]:
    """The ICANN and the private rules of the shipped Public Suffix List, as written."""
    return split_sections(psl_path().read_text("utf-8"))


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
    """The shipped Public Suffix List, ICANN and private sections, compiled once."""
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


MAX_PSL_BYTES = 2_000_000  # today's list is about 320 kB


def refresh(source: str = PSL_SOURCE, target: Path | None = None) -> dict[str, str]:
    """Replace the shipped list with ``source`` (an https URL, fetched with the update fetcher:
    public addresses only, bounded, one deadline; or a local file). The new text must parse as a
    Public Suffix List before it is written (atomically). Returns its VERSION and COMMIT."""
    from verifier.allowlist.store import atomic_write  # noqa: PLC0415 - maintainers' command only

    if source.startswith(("https://", "http://")):
        from verifier.allowlist.update import fetch  # noqa: PLC0415

        data = fetch(source, max_bytes=MAX_PSL_BYTES, timeout=60.0)
    else:
        path = Path(source)
        if path.stat().st_size > MAX_PSL_BYTES:
            raise ValueError(f"{source} is larger than {MAX_PSL_BYTES} bytes")
        data = path.read_bytes()
    text = data.decode("utf-8")
    split_sections(text)
    atomic_write(target or psl_path(), text.encode("utf-8"))
    return snapshot_of(text)
