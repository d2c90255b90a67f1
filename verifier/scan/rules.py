"""Scam-pattern rules: the phrases of fake-support scripts, loaded from ``rules/*.toml``.

A rule fires when terms of each set it names occur close together in one clause: a request
verb near a secret noun, a redirect near WhatsApp, a fee near "unlock"; negated requests and
warnings do not count (see ``verifier.scan.clauses``). Terms are literals, found with
trie-shaped regular expressions that have no unbounded repetition (and, for those that start
with a Chinese character, one Aho-Corasick pass), so matching is linear in the length of the
text.
"""

from __future__ import annotations

from verifier.scan.clauses import PatternMatch, RuleScan
from verifier.scan.matcher import compiled_rules
from verifier.scan.normalize import Normalized, normalize
from verifier.scan.placement import EXCERPT_CHARS
from verifier.scan.ruleset import CATEGORIES, MAX_CLAUSE_CHARS, SEVERITIES, Rule, RuleDataError

__all__ = [
    "CATEGORIES",
    "EXCERPT_CHARS",
    "MAX_CLAUSE_CHARS",
    "SEVERITIES",
    "PatternMatch",
    "Rule",
    "RuleDataError",
    "match_normalized",
    "match_patterns",
    "rule_scan",
    "rules",
]


def rules() -> tuple[Rule, ...]:
    """Every rule of ``verifier/scan/rules/*.toml``, loaded once; raises RuleDataError."""
    return tuple(spec.rule for spec in compiled_rules().specs)


def match_patterns(text: str) -> list[PatternMatch]:
    """All rule matches in text that are not negated / warnings, sorted by span start; at most
    one match per (rule, sentence). The rules read the text normalized
    (``verifier.scan.normalize``: invisible characters, look-alike letters, spaced letters and
    leet undone); spans and excerpts are those of ``text``."""
    return match_normalized(normalize(text))


def match_normalized(normalized: Normalized) -> list[PatternMatch]:
    """``match_patterns`` of a text already normalized."""
    return rule_scan(normalized).matches()


def rule_scan(normalized: Normalized) -> RuleScan:
    """The rule terms of a normalized text, found once: ``.matches()`` gives the sentence rules,
    ``verifier.scan.structure.message_matches`` the message rules."""
    return RuleScan(normalized.text, compiled_rules(), normalized)
