"""``POST /v1/check`` answered in front of FastAPI: the outermost ASGI application.

A check costs less than FastAPI's per-request dispatch around it (its middleware stack,
routing and request object), so the plain case of the busiest endpoint is answered here:
the body is read and passed to the same ``handlers.answer_check`` the FastAPI route calls,
so the answer is identical and only the framework cost is gone. Anything out of the plain
case goes on to the full application, which has the size limit and CORS:

- a body without Content-Length (chunked), with a malformed one, or over the size limit;
- a request carrying ``Origin`` when CORS is configured (the CORS middleware must add its
  headers; to the others it adds only ``Vary: Origin``, which is added here too).
"""

from __future__ import annotations

import logging
from time import perf_counter

from verifier.service.allowlist_reload import LiveAllowlist
from verifier.service.handlers import check_outcome, internal_error
from verifier.service.limits import ASGIApp, Receive, Scope, Send, send_json
from verifier.service.observe import Observer

PATH = "/v1/check"
log = logging.getLogger("verifier.service")


class CheckHotPath:
    """Answer plain ``POST /v1/check`` requests directly; pass every other request to ``app``."""

    def __init__(
        self,
        app: ASGIApp,
        live: LiveAllowlist,
        *,
        max_bytes: int,
        cors: bool,
        observer: Observer | None = None,
    ) -> None:
        self.app = app
        self.observer = observer
        self.live = live
        self.max_bytes = max_bytes
        self.cors = cors
        # The CORS middleware marks every answer as varying by Origin, those to requests without one too.
        self.headers = [(b"vary", b"Origin")] if cors else []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != PATH or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        started = perf_counter()
        content_type = accept_language = None
        length = -1
        for name, value in scope["headers"]:  # the first of a repeated header, as request.headers.get
            if name == b"content-type" and content_type is None:
                content_type = value.decode("latin-1")
            elif name == b"content-length":
                length = int(value) if value.isdigit() else -1
            elif name == b"accept-language" and accept_language is None:
                accept_language = value.decode("latin-1")
            elif name == b"origin" and self.cors:
                length = -1
                break
        if not 0 <= length <= self.max_bytes:
            await self.app(scope, receive, send)  # the full stack refuses or decorates it
            return
        chunks = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        verdict = None
        try:
            status, body, verdict = check_outcome(
                b"".join(chunks), content_type, accept_language, self.live.current()
            )
        except Exception:  # a bug gets a logged 500 in the API's error shape, not a dropped connection
            log.exception("POST /v1/check failed")
            status, body = internal_error(accept_language)
        await send_json(send, status, body, headers=self.headers)
        if self.observer is not None:
            self.observer.check_answered(status, verdict, started)
