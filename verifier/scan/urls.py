"""Links in the shadow of a text: with a scheme (also defanged, "hxxps[:]//"), or host names
found from a dot inside a word ("metamask.io/x", "example[.]com")."""

from __future__ import annotations

import heapq
import itertools
import operator
import re
from collections.abc import Iterator
from functools import cache

from verifier.channels import MAX_INPUT_CHARS
from verifier.channels.suffixes import suffix_rules
from verifier.model import ChannelKind
from verifier.scan.candidates import DOT, INV, LABEL, URL_RANK, Candidate, trim_trailing

# A backslash stays in: browsers read it as "/" in a web link ("t.me/brand\\..\\evil" opens "evil").
_PATH = r"(?:[^\s<>\"'`\[\]{}|^\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff]++|\[(?:\.|dot|:|/)\])*+"
# File names look like host names under a real TLD (.zip, .py, .md): not links without a scheme.
_FILE_EXTENSIONS = frozenset(
    "txt png jpg jpeg gif svg pdf exe zip rar js ts py json html htm css md sh csv log xml yml yaml "  # noqa: SIM905
    "toml apk dmg msi doc docx xls xlsx mov mp3 mp4".split()
)


class _Patterns:
    """The compiled patterns, built on first use (none at import)."""

    def __init__(self) -> None:
        self.scheme = re.compile(r"(?:h[tx]{2}ps?|f[tx]p)\Z", re.IGNORECASE)
        self.url_rest = re.compile(_PATH)
        self.dot_hits = (
            # Not the dot of "a.b@": a host that runs into "@" is the local part of an address.
            (".", re.compile(rf"\.(?={LABEL}|[\])}}])(?!{LABEL}{{1,63}}+@)")),
            ("dot", re.compile(r"dot(?<=[\[(]dot)(?=[\])])")),
        )
        self.label_run = re.compile(rf"{LABEL}{{0,253}}+", re.IGNORECASE)  # read backwards from a dot
        self.bare_url = re.compile(
            rf"(?P<host>{LABEL}++(?:{DOT}{LABEL}++)++)(?::[0-9]{{1,5}}+)?+(?:[/?#]{_PATH})?+", re.IGNORECASE
        )
        self.not_before_host = re.compile(rf"[0-9a-z\u00c0-\u04ff{INV}_.@/\\-]", re.IGNORECASE)


@cache
def _patterns() -> _Patterns:
    return _Patterns()


def url_candidates(text: str, shadow: str) -> Iterator[Candidate]:
    """Links with a scheme, then host names found from a dot inside a word ("metamask.io/x")."""
    patterns = _patterns()
    spans = list(_scheme_url_spans(shadow))
    for start, end in spans:
        yield from _url(text, shadow, start, end)
    spans.append((len(shadow), len(shadow)))
    pos = index = 0
    backwards = ""
    restart: int | None = 0
    while restart is not None:
        dots, restart, skipped = _dots(shadow, restart), None, 0
        for dot in dots:
            if dot < pos:  # inside a link read already
                skipped += 1
                if skipped > _SKIPPED_DOTS:  # a long one ("a.a.a..." as one host): search past it
                    restart = pos
                    break
                continue
            skipped = 0
            while spans[index][1] <= dot:
                index += 1
            if spans[index][0] <= dot:
                pos = spans[index][1]  # inside a link already found
                continue
            # The separator starts at the bracket of "[.]" or "(dot)".
            hit = dot if shadow[dot] == "." and shadow[dot + 1] not in "])}" else dot - 1
            backwards = backwards or shadow[::-1]
            label = patterns.label_run.match(backwards, len(shadow) - hit)
            start = hit - (label.end() - label.start() if label else 0)
            match = patterns.bare_url.match(shadow, start)
            if match is None:
                continue
            pos = match.end()
            if start > 0 and patterns.not_before_host.match(shadow, start - 1):
                continue  # inside a path, an email address or a longer word
            if shadow.startswith("@", match.end("host")):
                continue  # "help.io@gmail.com" is an address, not a link
            host = match.group("host")
            if host.lower().startswith("www.") or _plausible_bare_host(host):
                yield from _url(text, shadow, start, match.end())


_START = operator.methodcaller("start")
_SKIPPED_DOTS = 32  # dots passed over inside one link before they are searched for afresh past it


def _dots(shadow: str, pos: int) -> Iterator[int]:
    """Where a dot ("." or "[dot]") of a host name may be, at or after ``pos``, in order."""
    found = [pattern.finditer(shadow, pos) for literal, pattern in _patterns().dot_hits if literal in shadow]
    starts = map(_START, found[0]) if len(found) == 1 else heapq.merge(*(map(_START, m) for m in found))
    # Read in batches: a list is walked faster than the search is resumed once per dot.
    return itertools.chain.from_iterable(iter(lambda: list(itertools.islice(starts, 1024)), []))


def _scheme_url_spans(shadow: str) -> Iterator[tuple[int, int]]:
    patterns = _patterns()
    pos = 0
    while (slashes := shadow.find("//", pos)) >= 0:  # after ":" or a defanged "[:]"
        rest = patterns.url_rest.match(shadow, slashes + 2)
        end = pos = rest.end() if rest else slashes + 2
        colon = slashes - (3 if slashes >= 3 and shadow.startswith("[:]", slashes - 3) else 1)
        if colon < 0 or shadow[colon] not in ":[":
            continue
        scheme = patterns.scheme.search(shadow, max(0, colon - 5), colon)
        if scheme is None:
            continue
        start = scheme.start()
        if start > 0 and shadow[start - 1].isascii() and shadow[start - 1].isalnum():
            continue  # "xhttp://"
        yield start, end


def _plausible_bare_host(host: str) -> bool:
    """Whether a dotted word without scheme or www. is a host, not "e.g", "v1.2" or "setup.py"."""
    tld = host[max(host.rfind(c) for c in ".])}") + 1 :]  # after the last separator
    if not tld.isascii() or not (tld.islower() or tld.isupper()):
        return False  # "us.Support" is a missing space after a full stop
    tld = tld.lower()
    return tld not in _FILE_EXTENSIONS and suffix_rules().suffix_start([tld]) == 0


def _url(text: str, shadow: str, start: int, end: int) -> Iterator[Candidate]:
    if end - start <= MAX_INPUT_CHARS:
        end = trim_trailing(shadow, start, end)
        yield Candidate(start, end, URL_RANK, ChannelKind.URL, text[start:end])
