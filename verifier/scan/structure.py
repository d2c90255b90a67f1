"""Message-level rules: evidence spread over a whole message, with its channels.

A sentence rule sees one clause; a scam-bot reply says "support" in one sentence and gives a
forms.gle link in the next, and a recovery testimonial tells the loss early and names the
rescuer late. A ``[[message_rule]]`` of ``rules/*.toml`` fires when every term set of one of
its alternatives occurs anywhere in the message, the message's channels include what its
``contact`` names (a phone that is not official, a free hosting link, a free-mail address, any
unofficial channel), and (unless ``framed = false``) the message is not framed as a warning.
See the header of ``rules/support.toml``.
"""

from __future__ import annotations

import bisect
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from verifier.scan.clauses import PatternMatch, RuleScan
from verifier.scan.lexicon import Lexicon
from verifier.scan.matcher import compiled_rules
from verifier.scan.placement import excerpt
from verifier.scan.ruleset import FRAME, Rule, RuleDataError, load_rules, spec_from_entry

_FRAME_REACH = 2000  # characters around a message rule's anchor read for warning cues
CONTACTS = frozenset({
    "phone", "phone_like", "free_host", "free_mail", "messenger", "link", "unofficial_link", "support_link",
    "recovery_link",
    "recovery_name",
    "desk_mail",
    "contact",
})  # fmt: skip
# A run of digits written to slip past phone-number readers: "+1 ⇄ 855 ⇄ 442 ⇄ 7794", "+1 ➤ 844",
# ".(650).239.5384", "1 8 8 8 7 3 1 6 3 3 4", "8OO" (letter O for zero). Searched only when a
# message rule needs it.
_PHONE_LIKE = r"[0-9+(][0-9oO \t\-.()*~⇄⇆↔→➤►▶➔➜⟶–—•·∙|/+_]{8,48}[0-9oO]"
_NANP = r"1?[2-9][0-9]{2}[2-9][0-9]{6}"


@cache
def _phone_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """Compiled on first use (none at import)."""
    return re.compile(_PHONE_LIKE), re.compile(_NANP), re.compile(r"[^0-9oO]+")


@dataclass(frozen=True, slots=True)
class MessageRule:
    """A rule over the whole message; see the module docstring."""

    rule: Rule
    when: tuple[tuple[str, ...], ...]
    unless: frozenset[str]
    contact: frozenset[str]
    framed: bool
    first_person: bool = False
    frame_reach: int = _FRAME_REACH  # how far from the anchor a warning cue frames the message
    impersonal: bool = False  # voice = "not_first_person": a bot or desk, not a victim telling
    # Term sets (refusals: "never", "won't", 不提供) that drop the match only in a clause that
    # also holds what the rule rests on: its channel (a link, number, address or a word for
    # one: "form", "number") when it needs one, else a term of its `when` alternative. A scam
    # bot's footer ("support will never ask for your seed phrase") leaves the claim standing.
    unless_near: frozenset[str] = frozenset()
    # Term sets that drop the match like `unless` but not when the message's contacts include
    # one of `unless_lifted_by`: a testimonial that says "so many recovery scams out there" and
    # then gives the outfit's gmail or WhatsApp is one more testimonial, not an article.
    unless_liftable: frozenset[str] = frozenset()
    unless_lifted_by: frozenset[str] = frozenset()


@cache
def message_rules() -> tuple[MessageRule, ...]:
    """Every ``[[message_rule]]`` of ``rules/*.toml``, in file order; raises RuleDataError."""
    known = {name for names in compiled_rules().terms.classes.values() for name in names}
    found: list[MessageRule] = []
    folder = resources.files("verifier.scan").joinpath("rules")
    for path in sorted((p for p in folder.iterdir() if p.name.endswith(".toml")), key=lambda p: p.name):
        data = tomllib.loads(path.read_text("utf-8"))
        for entry in data.get("message_rule", []):
            found.append(_message_rule(path.name, entry, known))
    return tuple(found)


def _message_rule(file: str, entry: Any, known: set[str]) -> MessageRule:
    if not isinstance(entry, dict):
        raise RuleDataError(f"{file}: [[message_rule]] must be a table")
    entry = dict(entry)
    contact = entry.pop("contact", [])
    framed = entry.pop("framed", True)
    frame_reach = entry.pop("frame_reach", _FRAME_REACH)
    voice = entry.pop("voice", None)
    unless_near = entry.pop("unless_near", [])
    liftable = entry.pop("unless_liftable", [])
    lifted = entry.pop("unless_lifted_by", [])
    where = f"{file}: message rule {entry.get('code', '?')!r}"
    if not isinstance(contact, list) or not set(contact) <= CONTACTS:
        raise RuleDataError(f"{where}: `contact` must list some of {sorted(CONTACTS)}")
    if not isinstance(framed, bool):
        raise RuleDataError(f"{where}: `framed` must be true or false")
    if (
        not isinstance(frame_reach, int)
        or isinstance(frame_reach, bool)
        or not 0 < frame_reach <= _FRAME_REACH
    ):
        raise RuleDataError(f"{where}: `frame_reach` must be 1..{_FRAME_REACH}")
    if voice not in (None, "first_person", "not_first_person"):
        raise RuleDataError(f'{where}: `voice` can only be "first_person" or "not_first_person"')
    if not isinstance(unless_near, list) or not set(unless_near) <= known:
        raise RuleDataError(f"{where}: `unless_near` must list known term sets")
    if not isinstance(lifted, list) or not set(lifted) <= CONTACTS:
        raise RuleDataError(f"{where}: `unless_lifted_by` must list some of {sorted(CONTACTS)}")
    if not isinstance(liftable, list) or not set(liftable) <= known:
        raise RuleDataError(f"{where}: `unless_liftable` must list known term sets")
    spec = spec_from_entry(file, entry)
    if unknown := {n for a in spec.when for n in a if not n.startswith("rule:")} - known:
        raise RuleDataError(f"{where}: unknown term sets {sorted(unknown)}")
    return MessageRule(
        spec.rule,
        spec.when,
        spec.unless,
        frozenset(contact),
        framed,
        voice == "first_person",
        frame_reach,
        voice == "not_first_person",
        frozenset(unless_near),
        frozenset(liftable),
        frozenset(lifted),
    )


def message_matches(
    scan: RuleScan, contacts: frozenset[str], sentence_matches: list[PatternMatch] | None = None
) -> list[PatternMatch]:
    """The message rules the scanned text, its channels' ``contacts`` and its sentence rule
    matches satisfy (a ``when`` set named ``rule:CODE`` is a sentence rule that matched)."""
    rules = message_rules()
    if not rules or not scan.hits:
        return []
    first: dict[str, tuple[int, int]] = {}
    seen: set[frozenset[str]] = set()
    text = scan.text
    for start, end, names in scan.hits:
        if names in seen:  # most hits repeat a set of names already placed
            continue
        if _inside_link(text, start, end):
            continue  # "support" of acmewallet-support.com or support@... is the channel, not a claim
        seen.add(names)
        for name in names:
            if name not in first:
                first[name] = (start, end)
    origin = scan.origin
    mapped = origin is not None and origin.changed
    placed: dict[str, tuple[int, int]] = {}  # spans already in the original text
    for match in sentence_matches or ():
        placed.setdefault("rule:" + match.rule.code, match.span)
    present = frozenset(first) | frozenset(placed)
    found: list[PatternMatch] = []
    refusals: _Refusals | None = None  # read on first need
    derived: dict[str, bool] = {}  # what the text itself shows, read once and only if needed

    def shows(name: str) -> bool:
        if name not in derived:
            reader = {
                "phone_like": lambda: _phone_like(_original(scan)),
                "recovery_name": lambda: _recovery_name(scan),
            }
            derived[name] = reader[name]() if name in reader else False
        return derived[name]

    for rule in rules:
        if rule.unless & contacts or rule.unless & present:
            continue
        if rule.unless_liftable & present and not (
            rule.unless_lifted_by & contacts or any(shows(n) for n in rule.unless_lifted_by & _DERIVED)
        ):
            continue
        alternative = next((a for a in rule.when if present.issuperset(a)), None)
        if alternative is None:
            continue
        if (
            rule.contact
            and not rule.contact & contacts
            and not any(shows(n) for n in rule.contact & _DERIVED)
        ):
            continue
        if rule.first_person and not _first_person(_original(scan)):
            continue
        if rule.impersonal and _first_person(_original(scan)):
            continue
        if rule.unless_near & present:
            if refusals is None:
                refusals = _Refusals(scan, frozenset().union(*(r.unless_near for r in rules)))
            if refusals.refuse(rule, alternative, placed):
                continue
        anchor = alternative[0]
        near = first.get(anchor) or _inner_start(scan, placed[anchor])
        if rule.framed and _framed(scan, near, rule.frame_reach):
            continue
        if anchor in placed:
            found.append(_match(scan, rule.rule, placed[anchor], original=True))
        else:
            found.append(_match(scan, rule.rule, first[anchor], original=not mapped))
    return found


REFUSAL_OBJECT = "refusal_object"  # words for a channel ("form", "link", "number", 电话)
_CLAUSE_REACH = 300  # characters either side of a refusal read for its clause


@cache
def _clause_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A clause boundary (a sentence end, a semicolon, a line break, a contrast: "but", 但, or
    a new request: "kindly", "please", 请), and what marks a channel written in a clause (a
    link, an address, a number; not an @name, which on GitHub greets the person answered: "Hi
    @omar, never share your phrase")."""
    boundary = re.compile(
        r"[.!?](?=\s|$)|[。！？；;\n]"
        r"|(?<![a-z])(?:but|however|instead|though|although|yet|please|pls|kindly)(?![a-z])"
        r"|但是|但|不过|不過|然而|可是|而是|请(?!勿)|請(?!勿)"
    )
    channel = re.compile(
        r"https?://|www\.|[a-z0-9-]\.(?:app|dev|com|io|org|net|me|xyz|site|online|link|page|gle|ly|co)\b"
        r"|[a-z0-9._+-]@[a-z0-9-]+\.|\+?[0-9][0-9 ().-]{6,}[0-9]"
    )
    return boundary, channel


class _Refusals:
    """The refusals of a message and their clauses, read once for all message rules: clause
    boundaries are searched only around refusals (windows merged, one pass each), then a clause
    per refusal and whether it writes a channel."""

    def __init__(self, scan: RuleScan, names: frozenset[str]) -> None:
        boundary, channel = _clause_patterns()
        padded = scan.padded  # the lower-cased text after one space: offset n of the text is n + 1
        refusals = [(p + 1, n) for p, _, n in scan.hits if n & names]
        found: list[tuple[int, int]] = []
        window_end = -1
        for at, _ in refusals:
            low, high = max(0, at - 2 * _CLAUSE_REACH), min(len(padded), at + _CLAUSE_REACH)
            low = max(low, window_end)  # windows overlap: go on where the last one ended
            if low < high:
                found += [(m.start(), m.end()) for m in boundary.finditer(padded, low, high)]
                window_end = high
        starts = [b for b, _ in found]
        self.scan = scan
        # (refusal term sets, clause start, clause end in the text, whether it writes a channel)
        self.clauses: list[tuple[frozenset[str], int, int, bool]] = []
        clauses: dict[tuple[int, int], frozenset[str]] = {}  # refusals of one clause read once
        for at, hit_names in refusals:
            i = bisect.bisect_left(starts, at)  # boundaries before the refusal: found[:i]
            low = found[i - 1][1] if i else 0
            if i and padded[found[i - 1][0]] in "?？":
                # An answer governs the question it answers: "如何联系客服？imToken 不提供电话客服".
                low = found[i - 2][1] if i > 1 else 0
            high = found[i][0] if i < len(found) else len(padded)
            key = max(low, at - _CLAUSE_REACH), min(high, at + _CLAUSE_REACH)
            clauses[key] = clauses.get(key, frozenset()) | hit_names
        for (low, high), hit_names in clauses.items():
            writes = channel.search(padded, low, high) is not None
            self.clauses.append((hit_names, low - 1, high - 1, writes))

    def refuse(
        self, rule: MessageRule, alternative: tuple[str, ...], placed: dict[str, tuple[int, int]]
    ) -> bool:
        """Whether a refusal of ``rule.unless_near`` governs what the rule rests on: a clause that
        holds the refusal also holds a channel (for a rule that needs one; a written link, address
        or number, or a refusal_object word: "we will never ask you to fill a form") or a term of
        the rule's ``alternative`` ("we will never ask you to call a number")."""
        wanted = frozenset(alternative)
        objects = frozenset({REFUSAL_OBJECT}) if rule.contact else wanted
        spans = sorted(_inner_start(self.scan, span)[0] for name, span in placed.items() if name in wanted)
        hits, positions = self.scan.hits, self.scan.positions
        for names, low, high, writes in self.clauses:
            if not names & rule.unless_near:
                continue
            if rule.contact and writes:
                return True
            i = bisect.bisect_left(spans, low)
            if i < len(spans) and spans[i] < high:
                return True
            i = bisect.bisect_left(positions, low)
            while i < len(hits) and hits[i][0] < high:
                if hits[i][2] & objects:
                    return True
                i += 1
        return False


_LINK_JOINERS = frozenset("-./_@:")


def _inside_link(text: str, start: int, end: int) -> bool:
    """Whether a term is part of a host name, path or address ("acmewallet-support.com",
    "support@x.io"): joined to a word character by a hyphen, dot, slash, underscore or "@"."""
    before = text[start - 2 : start] if start >= 2 else ""
    after = text[end : end + 2]
    return (len(before) == 2 and before[1] in _LINK_JOINERS and before[0].isalnum()) or (
        len(after) == 2 and after[0] in _LINK_JOINERS and after[1].isalnum()
    )


def _phone_like(text: str) -> bool:
    """Whether the text holds a North American or international number however it is spaced."""
    phone_like, nanp, separators = _phone_patterns()
    for match in phone_like.finditer(text):
        written = match.group()
        groups = [g.replace("o", "0").replace("O", "0") for g in separators.split(written) if g]
        for first in range(len(groups)):
            digits = ""
            for group in groups[first:]:
                digits += group
                if len(digits) > 15:
                    break
                if digits.count("0") <= len(digits) // 2 and (
                    nanp.fullmatch(digits) or ("+" in written and 11 <= len(digits) <= 15)
                ):
                    return True
    return False


_DERIVED = frozenset({"phone_like", "recovery_name"})  # contacts read from the text, not channels
RECOVERY_NAME = "recovery_name_word"


@cache
def _first_person_pattern() -> re.Pattern[str]:
    return re.compile(r"(?<![A-Za-z'])(?:I|[Mm][ey]|MY|ME)(?![A-Za-z])")


def _first_person(text: str) -> bool:
    """Whether the text speaks in the first person (I, my, me): testimonials tell their own loss."""
    return _first_person_pattern().search(text) is not None


_CAPITALIZED_BEFORE = r"(?:[A-Z][A-Za-z0-9&'-]*[ \t]){1,3}\Z"


@cache
def _name_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    return re.compile(_CAPITALIZED_BEFORE), re.compile(r"[ \t]+([A-Za-z]+)")


def _recovery_name(scan: RuleScan) -> bool:
    """Whether the text names a service the way recovery scammers brand themselves: capitalized
    words ending in a word of the trade ("Wizard Web Recovery", "Adrian Lamo Hacker",
    "RECOVERY EXPERT"), not a product term that goes on ("Secret Recovery Phrase")."""
    before, after = _name_patterns()
    text = scan.text
    words = {text[start:end].lower() for start, end, names in scan.hits if RECOVERY_NAME in names}
    for start, end, names in scan.hits:
        if (
            RECOVERY_NAME not in names
            or not text[start : start + 1].isupper()
            or not text[start:end].isalpha()
        ):
            continue  # one capitalised word ("Recovery Phrase" is a longer term found here)
        if not before.search(text, max(0, start - 60), start):
            continue
        following = after.match(text, end)
        if following and following.group(1)[:1].isupper() and following.group(1).lower() not in words:
            continue  # the name goes on: "Recovery Phrase", "Recovery Mode"
        return True
    return False


def _original(scan: RuleScan) -> str:
    return scan.origin.original if scan.origin is not None else scan.text


def _framed(scan: RuleScan, near: tuple[int, int], reach: int = _FRAME_REACH) -> bool:
    """Whether a warning cue occurs in the message near where the rule is placed (within
    ``_FRAME_REACH`` characters: a whole short message; in a long page, its neighbourhood).
    One pass of the warning cues only: the negation cues, far more frequent, are not needed."""
    start = max(0, near[0] - reach)
    end = min(len(scan.padded), near[1] + reach)
    return bool(frame_cues().find(scan.padded, start, end))


def _inner_start(scan: RuleScan, span: tuple[int, int]) -> tuple[int, int]:
    """About where an original-text span lies in the rules' text (near enough for _framed)."""
    shift = len(scan.text) - len(_original(scan))
    return max(0, span[0] + min(0, shift)), max(0, span[1] + max(0, shift))


@cache
def frame_cues() -> Lexicon:
    """The warning cues of cues.toml alone, compiled once."""
    return Lexicon({FRAME: load_rules()[1][FRAME]}, tries=1)


def _match(scan: RuleScan, rule: Rule, span: tuple[int, int], *, original: bool) -> PatternMatch:
    """A match at ``span`` (of the original text, or of the rules' text unless ``original``)."""
    origin = scan.origin
    text = origin.original if origin is not None else scan.text
    if not original and origin is not None:
        span = origin.span(*span)
    return PatternMatch(rule, span, excerpt(text, (0, len(text)), span))
