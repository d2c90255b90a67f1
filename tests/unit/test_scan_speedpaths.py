"""The dense paths of the scan (a flood of zero-width characters, leet words, "@" or dots)
give what the per-place paths give on the same pieces of text (issue 14)."""

from __future__ import annotations

import re

import pytest

from verifier.scan import emails, normalize
from verifier.scan.extract import extract_channels
from verifier.scan.normalize import Normalized
from verifier.scan.shadow import shadow


def _spans(result: Normalized, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return [result.span(start, end) for start, end in pieces]


def test_zero_width_flood_maps_spans_back() -> None:
    text = "s\u200be\u200be\u200bd \ufb01x ｆｕｌｌ " * 3
    result = normalize.normalize(text)
    assert result.text == "seed fix full " * 3
    # "seed" of the second copy maps back to where it is written, zero-width spaces and all.
    assert result.original[slice(*result.span(14, 18))] == "s\u200be\u200be\u200bd"
    assert result.original[slice(*result.span(19, 21))] == "\ufb01"


def test_leet_flood_reads_as_the_few_words() -> None:
    words = "s33d phr4se pr1vate k3y "
    few = normalize.normalize(words * 3).text
    many = normalize.normalize(words * 2000).text  # more than _DENSE_LEET sites
    assert many == few[: len(words)] * 2000
    assert few.startswith("seed phrase private key ")


def test_email_flood_keeps_first_place_of_each_address() -> None:
    text = "x@a.co " * 2100 + "y@b.io " + "x@a.co " * 10  # more than _SPARSE_ATS "@"
    found = list(emails.email_candidates(text, shadow(text)))
    assert [(c.start, c.raw) for c in found] == [(0, "x@a.co"), (2100 * 7, "y@b.io")]


def test_dot_flood_is_one_host_and_later_links_are_found() -> None:
    text = "a." * 5000 + " then see phish.example.com/x"
    raws = [f.raw for f in extract_channels(text)]
    assert raws == ["phish.example.com/x"]


def _reference_fold(text: str) -> tuple[str, list[list[int]]]:
    """Step 1 of normalize, run by run, with ``_apply`` (the plain way, the truth)."""
    tables = normalize._tables()
    pieces = [(m.start(), m.end(), m.group().translate(tables.table)) for m in tables.unusual.finditer(text)]
    folded, edits = normalize._apply(text, pieces)
    return folded, [edits.at, edits.start, edits.end, edits.size]


def test_fold_of_repeated_and_of_distinct_runs_is_the_plain_fold() -> None:
    repeated = "s\u200be\u200be\u200bd \ufb01x ｆｕｌｌ " * 50  # few distinct runs: each folded once
    distinct = "".join(chr(0x1D400 + i) + "\u200b" * (i % 3) + "ab" for i in range(200))  # joined translate
    for text in (repeated, distinct, repeated + distinct, "\u200b", "ab\u200b", "\u200bab", "ｆ"):
        folded, edits = normalize._fold(text, normalize._tables())
        want, want_edits = _reference_fold(text)
        assert folded == want
        if edits is None:
            assert want_edits[0] == [] or want == text
        else:
            assert [edits.at, edits.start, edits.end, edits.size] == want_edits


def test_dense_leet_is_the_token_by_token_rewrite() -> None:
    """The split-based dense path gives what one ``sub`` rewriting each token gives."""
    token = re.compile(normalize._word_patterns().leet_split.pattern[1:-1])  # without the group

    def rewrite(match: re.Match[str]) -> str:
        chars = list(match.group())
        for offset, letter in normalize._token_letters(match.group(), False):
            chars[offset] = letter
        return "".join(chars)

    tokens = ["s33d", "phr4se", "pr1vate", "k3y", "h3ll0", "0x1f", "1337", "b4ckup", "w4ll3t", "a" * 30 + "4"]
    text = " ".join(tokens[i % len(tokens)] + ("" if i % 4 else ",") for i in range(3000))
    for sample in (text, "", "no leet here", "4a", "s33d"):
        assert normalize._dense_leet(sample) == token.sub(rewrite, sample)


def _term_texts() -> list[str]:
    """Texts made of rule terms and cues written with the separators a term's space matches
    (and some it does not), next to letters, Chinese characters and apostrophes."""
    import random

    from verifier.scan.matcher import compiled_rules

    rules = compiled_rules()
    terms = list(rules.terms.literals) + list(rules.cues.literals)
    seps = [" ", "  ", "-", "_", "'", "’", '"', " - ", "    ", "\u3000", "\n", "", "x", "信", "A", "."]
    seps += ["'t ", "'t"]
    rng = random.Random(14)
    texts = []
    for _ in range(150):
        parts = []
        for _ in range(rng.randint(1, 60)):
            term = rng.choice(terms)
            parts += [term.replace(" ", rng.choice(seps)) if rng.random() < 0.5 else term, rng.choice(seps)]
        texts.append("".join(parts))
    return [*texts, "1 " * 300, "a." * 300, "x@a.co " * 60, "seed phrase" * 40, "s33d phr4se " * 30]


def test_term_starts_find_what_the_pattern_finds(monkeypatch: pytest.MonkeyPatch) -> None:
    from verifier.scan import lexicon
    from verifier.scan.matcher import compiled_rules

    rules = compiled_rules()
    for text in _term_texts():
        padded = " " + normalize.normalize(text).text.lower()
        windows = [(0, len(padded)), (1, len(padded) // 2), (len(padded) // 3, len(padded))]
        for lex in (rules.terms, rules.cues):
            for start, end in windows:
                monkeypatch.setattr(lexicon, "_STARTS_CHARS", 10**9)  # the pattern alone
                want = lex.find(padded, start, end)
                monkeypatch.setattr(lexicon, "_STARTS_CHARS", 0)  # the pattern where a term may start
                assert lex.find(padded, start, end) == want


def _reference_apply(source: str, pieces: list[tuple[int, int, str]]) -> tuple[str, list[list[int]]]:
    """``normalize._apply`` as a plain loop (the truth)."""
    out, at, starts, ends, sizes = [], [], [], [], []
    pos = length = 0
    for start, end, replacement in pieces:
        out.append(source[pos:start])
        length += start - pos
        if len(replacement) != end - start:
            at.append(length)
            starts.append(start)
            ends.append(end)
            sizes.append(len(replacement))
        out.append(replacement)
        length += len(replacement)
        pos = end
    out.append(source[pos:])
    return "".join(out), [at, starts, ends, sizes]


def _reference_spaced_runs(text: str) -> list[tuple[int, int]]:
    """``normalize._spaced_runs`` as first written (the truth)."""
    words = normalize._word_patterns()
    runs: list[tuple[int, int]] = []
    for separator, pattern in words.spaced_hits:
        if separator not in text:
            continue
        done = 0
        hit = pattern.search(text)
        while hit is not None:
            start = hit.start() - 1
            if start < 0 or not _reference_single(text, start):
                start += 2
            while start - 2 >= done and text[start - 1] == separator and _reference_single(text, start - 2):
                start -= 2
            run = words.spaced.match(text, max(start, done, 0))
            done = max(run.end() if run else 0, hit.end() - 1, done + 1)
            if run is not None and not (
                run.end() - run.start() > 2 * normalize._SPACED_MAX
                or (run.group().isascii() and not any(c.isalpha() for c in run.group()))
            ):
                runs.append(run.span())
            hit = pattern.search(text, done)
    return runs


def _reference_single(text: str, i: int) -> bool:
    char = text[i]
    if not (char.isascii() and char.isalnum()) and not "\u4e00" <= char <= "\u9fff":
        return False
    return i == 0 or not (text[i - 1].isascii() and text[i - 1].isalnum())


def _spaced_texts() -> list[str]:
    import random

    rng = random.Random(19)
    alphabet = [
        "a",
        "b",
        "Z",
        "1",
        "9",
        "助",
        "记",
        "é",
        " ",
        " ",
        " ",
        ".",
        "-",
        "*",
        "_",
        "·",
        "  ",
        "x\u200b",
    ]
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 400))) for _ in range(400)]
    return [*texts, "s e e d  p h r a s e " * 50, "1 " * 100, "a." * 100, "p.r.i.v.a.t.e k-e-y 助 记 词"]


def test_spaced_runs_and_apply_are_the_plain_loops() -> None:
    for text in _spaced_texts():
        runs = normalize._spaced_runs(text)
        assert runs == _reference_spaced_runs(text)
        pieces, covered = [], 0
        for start, end in sorted(runs):
            if start >= covered:
                pieces.append((start, end, text[start:end:2]))
                covered = end
        got, edits = normalize._apply(text, pieces)
        assert (got, [edits.at, edits.start, edits.end, edits.size]) == _reference_apply(text, pieces)
    # Replacements of one character for one (leet) and of other lengths, at the ends too.
    text = "abcdefghij"
    for pieces in ([], [(0, 1, "x")], [(9, 10, "")], [(0, 2, "xyz"), (4, 4, "q"), (8, 10, "")]):
        got, edits = normalize._apply(text, pieces)
        assert (got, [edits.at, edits.start, edits.end, edits.size]) == _reference_apply(text, pieces)


def test_terms_outside_ascii_found_by_aho_corasick_as_by_the_patterns() -> None:
    """Terms that start outside ASCII, found in one Aho-Corasick pass except those of a first
    character some term with a separator starts with, give what the patterns of all of them
    (the truth) give."""
    from verifier.scan import lexicon
    from verifier.scan.ruleset import load_rules

    terms = load_rules()[1]
    for chosen, tries in (({n: v for n, v in terms.items() if not n.startswith("~")}, 4), (terms, 1)):
        fast = lexicon.Lexicon(chosen, tries)
        truth = lexicon.Lexicon(chosen, tries)
        unicode_first = [t for t in truth.literals if not t[0].isascii()]
        truth.unicode_words = None
        truth.unicode_passes = lexicon._passes(unicode_first, tries)
        truth.unicode_firsts = re.compile(lexicon._char_class({t[0] for t in unicode_first}))
        for text in [*_term_texts(), "助记词" * 300, "واتس اب " * 40, "请联系客服 WhatsApp واتس اب 助记词"]:
            padded = " " + normalize.normalize(text).text.lower()
            for start, end in ((0, len(padded)), (1, len(padded) // 2), (len(padded) // 3, len(padded))):
                assert fast.find(padded, start, end) == truth.find(padded, start, end)


def test_address_pattern_is_the_lookbehind_first_one() -> None:
    """The address pattern, led by its first character's class, finds and matches what the
    pattern written with the look-behind first (the truth) does."""
    import random

    from verifier.scan.candidates import LABEL

    truth = re.compile(
        rf"(?<!{emails._LOCAL}){emails._LOCAL}{{1,64}}+"
        rf"(?:@|\[(?:@|at)\]|\(at\)|[ \t]+(?:\[at\]|\(at\))[ \t]+)(?={LABEL}){emails._DOMAIN}",
        re.IGNORECASE,
    )
    fast = emails._patterns().address
    rng = random.Random(12)
    pieces = [
        "a",
        "B",
        "x",
        ".",
        "-",
        "_",
        "%",
        "+",
        "@",
        "[at]",
        " (AT) ",
        "[@]",
        " ",
        "\n",
        "co",
        "é",
        "\u212a",
        "1",
    ]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 120))) for _ in range(1500)]
    texts += ["x@a.co " * 50, "a.b@" * 50, "a" * 70 + "@b.io", "\n@b.io x@y.z"]
    for text in texts:
        assert fast.findall(text) == truth.findall(text)
        for at in range(len(text)):
            got, want = fast.match(text, at), truth.match(text, at)
            assert (got and got.span()) == (want and want.span())
