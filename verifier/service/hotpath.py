"""``POST /v1/check`` answered before FastAPI's routing, for the busiest endpoint.

A check costs about as much as FastAPI's per-request dispatch around it, so the hot path
reads the body and calls the same ``answers.answer_check`` the FastAPI route calls: the
answer is identical, the framework cost is gone. Every other request goes on to the
application.
"""

from __future__ import annotations

from verifier.service.answers import answer_check
from verifier.service.limits import ASGIApp, Receive, Scope, Send, send_json
from verifier.service.live import LiveAllowlist

PATH = "/v1/check"


class CheckHotPath:
    """Answer ``POST /v1/check`` directly; pass any other request to ``app``."""

    def __init__(self, app: ASGIApp, live: LiveAllowlist) -> None:
        self.app = app
        self.live = live

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != PATH or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        content_type = accept_language = None
        for name, value in scope["headers"]:
            if name == b"content-type":
                content_type = value.decode("latin-1")
            elif name == b"accept-language":
                accept_language = value.decode("latin-1")
        chunks = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        status, body = answer_check(b"".join(chunks), content_type, accept_language, self.live.current())
        await send_json(send, status, body)
