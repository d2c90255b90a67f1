"""An ASGI middleware that refuses request bodies over a size limit with 413, before parsing.

Pure ASGI (no BaseHTTPMiddleware) so it adds no task or copy per request: it checks
Content-Length up front and counts streamed chunks for requests without one. The body is
never read, so the refusal is said in the language Accept-Language asks for.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect

from verifier.messages import Lang, text
from verifier.service.handlers import error, request_lang

log = logging.getLogger("uvicorn.error")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def too_large_message(max_bytes: int, lang: Lang) -> str:
    """The 413 message in ``lang``."""
    return text("api.too_large", lang, limit=f"{max_bytes:,}")


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` mid-stream; an HTTPException so FastAPI passes it through unchanged."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, too_large_message(max_bytes, "en"))
        self.max_bytes = max_bytes


class BodySizeLimit:
    """Answer 413 to any HTTP request whose body is larger than ``max_bytes``."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length: bytes | None = None
        accept_language: str | None = None
        for name, value in scope.get("headers", ()):
            if name == b"content-length" and length is None:
                length = value
            elif name == b"accept-language" and accept_language is None:  # the first, as request.headers
                accept_language = value.decode("latin-1")
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                message = text("api.bad_content_length", request_lang(None, accept_language))
                await self._refuse(send, 400, "bad_request", message)
                return
            if declared > self.max_bytes:
                await self._too_large(send, accept_language)
                return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await self._too_large(send, accept_language)
        except ClientDisconnect:
            # The client left while its body was being read: nobody is there to answer, and it
            # is not an error of the service (it was logged as one, with a traceback).
            log.debug("client left during its request body: %s %s", scope.get("method"), scope.get("path"))

    async def _too_large(self, send: Send, accept_language: str | None) -> None:
        message = too_large_message(self.max_bytes, request_lang(None, accept_language))
        await self._refuse(send, 413, "too_large", message)

    async def _refuse(self, send: Send, status: int, code: str, message: str) -> None:
        _, body = error(status, code, message)
        await send_json(send, status, body, close=True)


async def send_json(
    send: Send, status: int, body: bytes, *, close: bool = False, headers: Sequence[tuple[bytes, bytes]] = ()
) -> None:
    """Send a whole JSON response through raw ASGI, with any extra ``headers``."""
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *headers]
    if close:
        raw.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})
