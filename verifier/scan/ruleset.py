"""The scam-pattern rules as data: ``rules/*.toml`` read and checked into rules and term sets.

See the header of ``rules/common.toml`` for how the files are written.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from verifier.errors import VerifierError
from verifier.scan.lexicon import expand_term

CATEGORIES = frozenset({
    "secret_request", "remote_access", "fake_dapp", "fee_request", "recovery_offer",
    "off_platform", "urgency", "secrecy", "content_farm_claim",
})  # fmt: skip
SEVERITIES = ("high", "medium", "low")
MAX_CLAUSE_CHARS = 500  # longer sentences are cut: one clause never costs more than this
DEFAULT_WINDOW = 80  # how far apart (in characters) the terms of one rule may start
LONGEST_TERM = 60  # no term is longer (checked when loading)

# The cue sets of cues.toml, as the matcher names them.
NEG, NEG_AFTER, EXEMPT = "~negation", "~negation_after", "~negation_exempt"
BREAK, CLAUSE_BREAK, FRAME, QUOTE = "~scope_break", "~clause_break", "~warning_frame", "~quote"
CUES = (NEG, NEG_AFTER, EXEMPT, BREAK, CLAUSE_BREAK, FRAME, QUOTE)

_TERM_KEYS = ("en", "zh_hans", "zh_hant", "ar", "symbols")  # ar: Arabic (spam on TON and wallet issues)
_RULE_KEYS = {
    "code", "category", "severity", "when", "unless", "window", "negatable", "framed",
    "message_en", "message_zh", "source",
}  # fmt: skip


class RuleDataError(VerifierError, ValueError):
    """A file of ``verifier/scan/rules/`` is malformed; the message names the file and entry."""


@dataclass(frozen=True, slots=True)
class Rule:
    """One scam pattern, as data: its stable code, what it is and where it is documented."""

    code: str
    category: str
    severity: str
    message_en: str
    message_zh: str
    source: str


@dataclass(frozen=True, slots=True)
class Spec:
    """A rule with what makes it match; see the header of rules/common.toml."""

    rule: Rule
    when: tuple[tuple[str, ...], ...]
    unless: frozenset[str]
    window: int
    negatable: bool
    framed: bool


def load_rules() -> tuple[list[Spec], dict[str, list[str]]]:
    """The rules of ``rules/*.toml`` in file order, and every term set (cue sets named with a
    leading ``~``) as its expanded terms; raises RuleDataError."""
    terms: dict[str, list[str]] = {}
    specs: list[Spec] = []
    folder = resources.files("verifier.scan").joinpath("rules")
    for path in sorted((p for p in folder.iterdir() if p.name.endswith(".toml")), key=lambda p: p.name):
        try:
            data = tomllib.loads(path.read_text("utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise RuleDataError(f"{path.name}: {exc}") from exc
        for table, prefix in (("terms", ""), ("cues", "~")):
            for name, entry in data.get(table, {}).items():
                _add_terms(path.name, prefix + name, entry, terms)
        specs.extend(spec_from_entry(path.name, entry) for entry in data.get("rule", []))
    _check(specs, terms)
    return specs, terms


def _add_terms(file: str, name: str, entry: Any, terms: dict[str, list[str]]) -> None:
    if name in terms:
        raise RuleDataError(f"{file}: term set {name!r} is defined twice")
    if not isinstance(entry, dict) or not entry or not set(entry) <= set(_TERM_KEYS):
        raise RuleDataError(f"{file}: term set {name!r} must have lists among {', '.join(_TERM_KEYS)}")
    for key, values in entry.items():
        if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
            raise RuleDataError(f"{file}: {name}.{key} must be a list of non-empty strings")
    terms[name] = [
        term if key != "ar" else _as_text_reads(term)
        for key, values in entry.items()
        for value in values
        for term in expand_term(value)
    ]


def _as_text_reads(term: str) -> str:
    """An Arabic term as the rules read text: normalization folds look-alike letters (the alef
    "ا" reads as "l"), so the term is folded the same way."""
    from verifier.scan.normalize import normalize  # noqa: PLC0415 (only for the few Arabic terms)

    folded = normalize(term)
    return folded.text.lower() if folded.text.strip() else term


def spec_from_entry(file: str, entry: Any) -> Spec:
    """One ``[[rule]]`` table of ``file`` as a Spec; raises RuleDataError naming what is wrong."""
    if not isinstance(entry, dict):
        raise RuleDataError(f"{file}: [[rule]] must be a table")
    where = f"{file}: rule {entry.get('code', '?')!r}"
    if unknown := set(entry) - _RULE_KEYS:
        raise RuleDataError(f"{where}: unknown keys {sorted(unknown)}")
    fields = ("code", "category", "severity", "message_en", "message_zh", "source")
    if not all(isinstance(entry.get(f), str) and entry[f].strip() for f in fields):
        raise RuleDataError(f"{where}: needs non-empty strings {', '.join(fields)}")
    if entry["category"] not in CATEGORIES or entry["severity"] not in SEVERITIES:
        raise RuleDataError(f"{where}: unknown category or severity")
    when, unless = entry.get("when"), entry.get("unless", [])
    if not isinstance(when, list) or not when or not all(isinstance(a, list) and a for a in when):
        raise RuleDataError(f"{where}: `when` must be a non-empty list of non-empty lists")
    if not isinstance(unless, list):
        raise RuleDataError(f"{where}: `unless` must be a list")
    window = entry.get("window", DEFAULT_WINDOW)
    if not isinstance(window, int) or not 0 < window <= MAX_CLAUSE_CHARS:
        raise RuleDataError(f"{where}: `window` must be 1..{MAX_CLAUSE_CHARS}")
    return Spec(
        Rule(*(entry[f] for f in fields)),
        tuple(tuple(alternative) for alternative in when),
        frozenset(unless),
        window,
        bool(entry.get("negatable", True)),
        bool(entry.get("framed", True)),
    )


def _check(specs: list[Spec], terms: dict[str, list[str]]) -> None:
    codes = [spec.rule.code for spec in specs]
    if len(set(codes)) != len(codes):
        raise RuleDataError(f"duplicate rule codes: {sorted({c for c in codes if codes.count(c) > 1})}")
    if missing := set(CUES) - set(terms):
        raise RuleDataError(f"cues.toml lacks {sorted(missing)}")
    if long := [t for values in terms.values() for t in values if len(t) > LONGEST_TERM]:
        raise RuleDataError(f"terms longer than {LONGEST_TERM} characters: {long[:3]}")
    for spec in specs:
        names = {name for alternative in spec.when for name in alternative} | spec.unless
        if unknown := {name for name in names if name not in terms or name.startswith("~")}:
            raise RuleDataError(f"rule {spec.rule.code!r} names unknown term sets {sorted(unknown)}")
