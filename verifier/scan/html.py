"""The visible text of an HTML page, with each link's target written after its text.

``html.parser`` rescans an unfinished construct (``<a b``, ``<!--``, an open quote) from
its start on every step, which is quadratic on hostile pages. A linear first pass therefore
hands it only complete tags: comments, declarations and script/style bodies are dropped,
a ``<`` that opens no tag becomes text, and an unterminated tag ends the document, as in a
browser.
"""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser

_HIDDEN = frozenset({"script", "style", "noscript", "template"})
_BLOCK = frozenset(
    "address article aside blockquote br dd div dl dt fieldset figcaption figure footer form h1 h2 h3 "  # noqa: SIM905
    "h4 h5 h6 header hr li main nav ol option p pre section table td th title tr ul".split()
)
_MAX_TAG_CHARS = 10_000


class _Patterns:
    """The compiled patterns, built on first use (none at import)."""

    def __init__(self) -> None:
        # Elements whose bodies are not markup, and the end tag that closes each.
        self.raw_text_end = {
            name: re.compile(rf"</{name}\b[^<>]{{0,100}}>", re.IGNORECASE) for name in ("script", "style")
        }
        self.markup_start = re.compile(r"<(?:[A-Za-z!?]|/[A-Za-z])")  # any other "<" is text
        self.tag_name = re.compile(r"</?([A-Za-z][^\s/<>]*)")
        self.whitespace = re.compile(r"\s+")
        self.line_breaks = re.compile(r" *\n[\s]*")


@cache
def _patterns() -> _Patterns:
    return _Patterns()


def html_to_text(html: str) -> str:
    """Visible text of an HTML document; link targets appended as `` (URL)``.

    Text inside script, style, noscript and template is ignored; block elements start a
    new line; entities are unescaped; the ``href`` of an ``<a>`` follows its text so
    extraction sees where the link goes. Total on any input; linear time.
    """
    parser = _TextParser()
    parser.feed(_complete_tags(html))
    parser.close()
    return parser.text()


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._parts: list[str] = []
        self._hidden = 0
        self._href: str | None = None
        self._link_start = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag in _BLOCK:
            self._parts.append("\n")
        if tag == "a":
            self._end_link()
            href = (dict(attrs).get("href") or "").strip()
            if href and not href.startswith("#") and not href.lower().startswith("javascript:"):
                self._href, self._link_start = href, len(self._parts)

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCK:
            self._parts.append("\n")
        if tag == "a":
            self._end_link()

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self._parts.append(_patterns().whitespace.sub(" ", data))

    def close(self) -> None:
        super().close()
        self._end_link()

    def _end_link(self) -> None:
        if self._href is not None:
            label = "".join(self._parts[self._link_start :]).strip()
            if label != self._href:
                self._parts.append(f" ({self._href})")
            self._href = None

    def text(self) -> str:
        return _patterns().line_breaks.sub("\n", "".join(self._parts)).strip()


def _complete_tags(html: str) -> str:
    """``html`` reduced to text and complete tags, in one pass (see the module docstring)."""
    patterns = _patterns()
    out: list[str] = []
    pos = 0
    next_gt = next_lt = -1  # cached look-ahead: each is searched for at most once per position
    while markup := patterns.markup_start.search(html, pos):
        lt = markup.start()
        out.append(html[pos:lt].replace("<", "&lt;"))  # "a < b": a plain character
        if html.startswith("<!--", lt):
            end = html.find("-->", lt + 4)
            if end < 0:
                return "".join(out)  # an unterminated comment hides the rest
            pos = end + 3
            continue
        if next_gt <= lt:
            next_gt = html.find(">", lt)
            if next_gt < 0:
                return "".join(out)  # a tag cut off at the end is dropped
        if next_lt <= lt:
            next_lt = html.find("<", lt + 1)
        if 0 <= next_lt < next_gt:
            out.append("&lt;")  # "<a b<c>": the first "<" opens nothing
            pos = lt + 1
            continue
        pos = next_gt + 1
        name = patterns.tag_name.match(html, lt)
        if name is None:
            continue  # <!DOCTYPE>, <![CDATA[, <?xml>: nothing visible
        tag = html[lt:pos]
        if len(tag) > _MAX_TAG_CHARS or tag.count('"') % 2 or tag.count("'") % 2:
            tag = name.group(0) + ">"  # attributes a quote or sheer size makes ambiguous
        tag_name = name.group(1).lower()
        if tag_name in patterns.raw_text_end and not tag.startswith("</"):
            close = patterns.raw_text_end[tag_name].search(html, pos)
            if close is None:
                return "".join(out)
            pos = close.end()
            continue  # the body is never shown
        out.append(tag)
    out.append(html[pos:].replace("<", "&lt;"))
    return "".join(out)
