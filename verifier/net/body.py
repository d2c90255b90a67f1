"""A response body read within a size bound and a deadline, decoded as it arrives."""

from __future__ import annotations

import time
import zlib
from typing import Any

from verifier.errors import FetchError

ACCEPT_ENCODING = "gzip, deflate"  # what read_bounded decodes, and so all a fetcher asks for


def read_bounded(response: Any, max_bytes: int, deadline: float, url: str) -> bytes:
    """The body of a streamed response, decoded (``Content-Encoding`` gzip or deflate, never
    more than ``max_bytes`` + 1 bytes of output held, so a compression bomb stays small);
    FetchError past ``max_bytes``, past the ``deadline`` (a ``time.monotonic()`` instant) or
    for another content encoding."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError("fetch.too_large", url=url, limit=f"{max_bytes:,}")
    if time.monotonic() > deadline:
        raise FetchError("fetch.too_slow", url=url)
    if response.is_stream_consumed:  # a response built in memory (mocks): httpx decoded it
        decoder = _BoundedDecoder("identity", max_bytes, url)
        decoder.feed(response.content)
        return decoder.finish()
    decoder = _BoundedDecoder(response.headers.get("content-encoding", ""), max_bytes, url)
    for chunk in response.iter_raw():
        decoder.feed(chunk)
        if time.monotonic() > deadline:
            raise FetchError("fetch.too_slow", url=url)
    return decoder.finish()


def decode_text(body: bytes, response: Any) -> str:
    """``body`` as text in the response's charset (UTF-8 when none or an unknown one)."""
    try:
        return body.decode(response.charset_encoding or "utf-8", errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


class _BoundedDecoder:
    """Decodes a body as it arrives and refuses it once it decodes to more than ``max_bytes``."""

    def __init__(self, encoding: str, max_bytes: int, url: str) -> None:
        self.max_bytes = max_bytes
        self.url = url
        self.body = bytearray()
        self.raw_deflate = False
        name = encoding.strip().lower()
        if name in ("", "identity"):
            self.inflater: Any = None
        elif name in ("gzip", "x-gzip"):
            self.inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif name == "deflate":  # zlib-wrapped as the RFC says, or raw as some servers send it
            self.inflater = zlib.decompressobj(zlib.MAX_WBITS)
        else:
            raise FetchError("fetch.failed", url=url, reason=f"unsupported content encoding {name[:40]!r}")
        self.started = False

    def _keep(self, data: bytes) -> None:
        self.body += data
        if len(self.body) > self.max_bytes:
            raise FetchError("fetch.too_large", url=self.url, limit=f"{self.max_bytes:,}")

    def feed(self, data: bytes) -> None:
        if self.inflater is None:
            self._keep(data)
            return
        try:
            while data and not self.inflater.eof:
                piece = self.inflater.decompress(data, self.max_bytes + 1 - len(self.body))
                self.started = self.started or bool(piece)
                self._keep(piece)
                data = self.inflater.unconsumed_tail
        except zlib.error as exc:
            if self.started or self.raw_deflate or self.inflater.eof:
                raise FetchError("fetch.failed", url=self.url, reason=f"bad compressed body: {exc}") from None
            self.raw_deflate = True  # a first chunk without the zlib header: raw deflate
            self.inflater = zlib.decompressobj(-zlib.MAX_WBITS)
            self.feed(data)

    def finish(self) -> bytes:
        if self.inflater is not None:
            try:
                self._keep(self.inflater.flush())
            except zlib.error as exc:
                raise FetchError("fetch.failed", url=self.url, reason=f"bad compressed body: {exc}") from None
        return bytes(self.body)
