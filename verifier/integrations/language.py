"""Which language to answer a message in: 简体中文 when it is mostly Chinese, else English."""

from __future__ import annotations

import re

from verifier.messages import Lang, normalize_lang

# Only the start of a long text is read: a language shows in its first lines.
_SAMPLE_CHARS = 4_000
# CJK ideographs (unified, extension A, compatibility, supplementary planes), so Traditional
# Chinese counts too: replies are in Simplified Chinese, the closest of the two languages offered.
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")
# A word of English prose: letters only, with trailing punctuation. "tokenpocket-support.com",
# "+86 400" and "@handle" are not words, so a bare link decides nothing.
# Possessive quantifiers: a long run of letters is read once, never backtracked.
_WORD = re.compile(r"(?<!\S)[A-Za-z]++(?:['’][A-Za-z]++)?+[.,!?;:)\"']*+(?!\S)")


def detect_lang(text: str, default: str | None = None) -> Lang:
    """``zh`` when ``text`` is mostly Chinese, ``en`` when it is mostly English prose.

    One Chinese character carries about as much as half an English word, so the text is
    Chinese when it has at least twice as many Han characters as English words ("my TP钱包
    was hacked" is English; "请问 tokenpocket-support.com 是官方吗" is Chinese). A text with
    fewer than two of either (a bare link, a number, "hi") gives ``default``, read as by
    ``normalize_lang`` (``zh-CN`` is ``zh``; nothing is ``en``).
    """
    sample = text[:_SAMPLE_CHARS]
    han = len(_HAN.findall(sample))
    words = len(_WORD.findall(sample))
    if han + words < 2:
        return normalize_lang(default)
    return "zh" if han >= 2 * words else "en"
