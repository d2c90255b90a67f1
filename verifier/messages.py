"""Messages for people, in English and Simplified Chinese: reasons, invalid-input details and
system errors, built on the catalogue (``verifier.catalogue``, re-exported here)."""

from __future__ import annotations

import errno

from verifier.catalogue import LANGS, Lang, Message, has_text, normalize_lang, text
from verifier.model import Reason, new_deferred_reason

__all__ = [
    "LANGS",
    "Lang",
    "Message",
    "has_text",
    "invalid_detail",
    "normalize_lang",
    "os_reason",
    "reason",
    "text",
]


def invalid_detail(code: str, detail: str, lang: Lang) -> str:
    """Why an input is invalid, in ``lang``: in English the parser's own sentence (``detail``,
    which names the value), in Chinese the catalogue's ``invalid_detail.*`` text for the
    InvalidChannel ``code`` (``invalid.bad_url``), the English sentence where there is none."""
    if lang == "en":
        return detail
    key = "invalid_detail." + code.removeprefix("invalid.")
    return text(key, lang) if has_text(key) else detail


def os_reason(exc: OSError) -> Message:
    """Why a file could not be read or written: in English the system's own words, in Chinese the
    usual reasons (by errno name) translated, the others left in the system's words."""
    code = f"os_error.{errno.errorcode.get(exc.errno or 0, '')}"
    return Message(code if has_text(code) else "os_error.other", {"strerror": exc.strerror or str(exc)})


def reason(code: str, lang: Lang, message_code: str | None = None, **params: object) -> Reason:
    """A Reason with a stable ``code`` whose message, the catalogue's ``message_code`` (``code``
    when not given) with ``params``, is said in ``lang`` when first read."""
    return new_deferred_reason(code, message_code or code, lang, params, "")
