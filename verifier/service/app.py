"""The FastAPI application: the JSON API of DESIGN.md and the help-site page.

Routes are thin: each reads the request and returns what ``handlers`` computes, already
serialized (no second validation pass); the pydantic models in ``schemas`` describe
bodies and responses in the OpenAPI document. ``POST /v1/check`` is usually answered by
``hotpath`` before routing, with the same function. Every error is JSON
``{"error": {"code", "message", "details"}}`` with a 4xx status; bad input never gives a 500.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from time import perf_counter
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from verifier.allowlist.bundleformat import DENYLIST_TARGET
from verifier.allowlist.model import unknown_brand_message
from verifier.checker import check
from verifier.errors import UnknownBrand
from verifier.messages import LANGS, Lang, text
from verifier.service import apidocs, handlers, observe, schemas
from verifier.service.allowlist_reload import LiveAllowlist
from verifier.service.hotpath import CheckHotPath
from verifier.service.limits import BodySizeLimit, BodyTooLarge, send_json, too_large_message

log = logging.getLogger("verifier.service")

DEFAULT_MAX_BODY = 1_048_576
INLINE_SCAN_CHARS = 20_000  # longer texts are scanned in a worker thread, off the event loop
INLINE_BATCH_VALUES = 40  # about 1 ms of checks; longer batches run in a worker thread
ERRORS: dict[int | str, dict[str, Any]] = {
    413: {"model": schemas.ErrorResponse, "description": "Request body too large"},
    422: {"model": schemas.ErrorResponse, "description": "Invalid request (bad JSON, field or brand)"},
}
_STATUS_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "too_large"}
_STATUS_MESSAGES = {404: "api.not_found", 405: "api.method_not_allowed"}  # the router's own errors
_STATIC_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".png": "image/png",
    ".svg": "image/svg+xml",
}
_PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
        "base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


@dataclass(frozen=True, slots=True)
class ServiceSettings:
    """How the service runs: which bundle, which browser origins may call it, body limit."""

    allowlist_file: Path | None = None
    cors_origins: tuple[str, ...] = ()
    max_body_bytes: int = DEFAULT_MAX_BODY
    reload_interval: float = 2.0
    access_log: bool = True
    # ``{"online": true}`` on POST /v1/check; None: as $VERIFIER_SERVE_ONLINE (verifier serve --allow-online).
    allow_online: bool | None = None


def _json(answer: handlers.Answer) -> Response:
    status, body = answer
    return Response(body, status_code=status, media_type="application/json")


def _header_lang(request: Request) -> Lang:
    """The language Accept-Language asks for (errors said before or without a body)."""
    return handlers.request_lang(None, request.headers.get("accept-language"))


def _http_message(exc: HTTPException, lang: Lang) -> str:
    """An HTTPException's message in ``lang``: the router's 404 and 405, the size limit's 413."""
    if isinstance(exc, BodyTooLarge):
        return too_large_message(exc.max_bytes, lang)
    code = _STATUS_MESSAGES.get(exc.status_code)
    return text(code, lang) if code else str(exc.detail)


def _post_doc(request_model: type[BaseModel], response_model: type[BaseModel]) -> dict[str, Any]:
    """OpenAPI for a POST whose body ``handlers.parse`` validates: request and response schemas."""
    return {
        "response_model": response_model,
        "responses": ERRORS,
        "openapi_extra": {
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": request_model.model_json_schema()}},
            }
        },
    }


@cache
def static_file(name: str) -> bytes:
    return resources.files("verifier.service").joinpath("static", name).read_bytes()


@cache
def _static_names() -> frozenset[str]:
    folder = resources.files("verifier.service").joinpath("static")
    return frozenset(
        item.name
        for item in folder.iterdir()
        if item.is_file() and item.name[item.name.rfind(".") :] in _STATIC_TYPES
    )


def _page(name: str) -> Response:
    suffix = name[name.rfind(".") :]
    return Response(static_file(name), media_type=_STATIC_TYPES[suffix], headers=_PAGE_HEADERS)


class HealthReport(schemas.HealthResponse):
    """``GET /healthz``: the state, and when degraded why (``problem`` in English,
    ``problem_messages`` in each language)."""

    problem: str | None = None
    problem_messages: dict[str, str] | None = None
    days_left: int | None = None  # whole days until the allowlist in use expires
    denylist_hosts: int = 0  # hosts of the public feeds' signed target file in use


def _unavailable() -> Response:
    message = "the allowlist in use did not verify: nothing to offer"
    return _json((503, handlers.dumps({"error": {"code": "unverified", "message": message}})))


def _printable(said: str) -> str:
    """Text that encodes as UTF-8 whatever a file name held (a lone surrogate is escaped)."""
    return said.encode("utf-8", "backslashreplace").decode("utf-8")


ONLINE_ENV = "VERIFIER_SERVE_ONLINE"  # "1": set by verifier serve --allow-online, read by each worker


def _online_config(settings: ServiceSettings) -> Any:
    """The ``--online`` configuration when the server allows it ($VERIFIER_NAMESERVERS,
    $VERIFIER_RDAP_URL), else None."""
    allowed = settings.allow_online
    if allowed is None:
        allowed = os.environ.get(ONLINE_ENV, "") == "1"
    if not allowed:
        return None
    from verifier.online import OnlineConfig  # noqa: PLC0415 (network code only when allowed)

    return OnlineConfig.from_env()


ONLINE_THREADS = 16  # online checks at once per worker, each waiting up to its 10 s deadline
_online_limiters: list[Any] = []


def _online_limiter() -> Any:
    """The threads online checks wait in: their own, so that slow lookups never hold the shared
    thread pool that scans and batches use."""
    if not _online_limiters:
        import anyio  # noqa: PLC0415

        _online_limiters.append(anyio.CapacityLimiter(ONLINE_THREADS))
    return _online_limiters[0]


async def online_answer(
    raw: bytes, content_type: str | None, accept_language: str | None, live: LiveAllowlist, config: Any
) -> tuple[int, bytes, str | None] | None:
    """``POST /v1/check`` with ``"online": true`` and the verdict it gives (for the metrics): 422
    ``online_not_allowed`` unless the server allows it (a field this server does not take, like
    any other invalid field), else the check with its evidence, in one of ``ONLINE_THREADS``
    threads (it waits on the network). None for any other body."""
    if b'"online"' not in raw:
        return None
    body = handlers.parse(raw, content_type, accept_language, schemas.CheckRequest)
    if isinstance(body, tuple):
        return (*body, None)
    if not body.online:
        return None
    lang = handlers.request_lang(body.lang, accept_language)
    if config is None:
        return (*handlers.error(422, "online_not_allowed", text("online.not_allowed", lang)), None)

    def run() -> tuple[int, bytes, str | None]:
        try:
            result = check(
                body.value,
                brand=body.brand,
                kind=body.kind,
                platform=body.platform,
                region=body.region,
                lang=lang,
                allowlist=live.current(),
                online=config,
            )
        except UnknownBrand as exc:
            message = unknown_brand_message(exc.name, exc.known, lang)
            return (*handlers.error(422, "unknown_brand", message), None)
        return 200, handlers.dumps(result.to_dict()), result.verdict.value

    import anyio.to_thread  # noqa: PLC0415

    return await anyio.to_thread.run_sync(run, limiter=_online_limiter())


class OnlineFront:
    """In front of the hot path: a ``POST /v1/check`` whose body asks ``"online": true`` is
    answered by ``online_answer``; every other request, its body replayed, goes on to ``app``.
    Bodies without Content-Length or over the limit, and requests from a browser (``Origin``:
    CORS headers are the full stack's), go on unread (the route answers those)."""

    def __init__(self, app: Any, live: LiveAllowlist, config: Any, max_bytes: int, observer: Any) -> None:
        self.app, self.live, self.config, self.max_bytes = app, live, config, max_bytes
        self.observer = observer

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"] != "/v1/check" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        started = perf_counter()
        length = b""
        for name, value in scope["headers"]:
            if name == b"content-length":
                length = value
            elif name == b"origin":
                length = b""
                break
        if not length.isdigit() or int(length) > self.max_bytes:
            await self.app(scope, receive, send)
            return
        message = await receive()
        if message["type"] != "http.request":
            return  # the client went away
        if message.get("more_body", False):
            parts = [message.get("body", b"")]
            while message.get("more_body", False):
                message = await receive()
                if message["type"] != "http.request":
                    return
                parts.append(message.get("body", b""))
            message = {"type": "http.request", "body": b"".join(parts), "more_body": False}
        raw = message.get("body", b"")
        if b'"online"' in raw:  # the one case answered here; the usual body costs this test only
            headers = dict(scope["headers"])
            content_type = headers.get(b"content-type", b"").decode("latin-1") or None
            accept_language = headers.get(b"accept-language", b"").decode("latin-1") or None
            answer = await online_answer(raw, content_type, accept_language, self.live, self.config)
            if answer is not None:
                status, body, verdict = answer
                await send_json(send, status, body)
                if self.observer is not None:
                    self.observer.check_answered(status, verdict, started)
                return
        pending = [message]

        async def replay() -> Any:
            return pending.pop() if pending else await receive()

        await self.app(scope, replay, send)


def create_app(settings: ServiceSettings | None = None, live: LiveAllowlist | None = None) -> FastAPI:
    """Build the application; the allowlist is loaded (and its indexes built) here, once."""
    settings = settings or ServiceSettings()
    live = live or LiveAllowlist(settings.allowlist_file, interval=settings.reload_interval)
    app = FastAPI(
        title="verifier",
        version="0.1.0",
        summary="Is this phone number, link, email or handle really a wallet's official support channel?",
        docs_url=None,  # served below, with Swagger UI's assets from this service
        redoc_url=None,
    )
    app.state.live = live
    app.state.online = online = _online_config(settings)
    observer = app.state.observer = observe.Observer(live.current)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        content_type = request.headers.get("content-type")
        return _json(handlers.invalid(list(exc.errors()), content_type, _header_lang(request)))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        code = _STATUS_CODES.get(exc.status_code, "http_error")
        response = _json(handlers.error(exc.status_code, code, _http_message(exc, _header_lang(request))))
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.post("/v1/check", **_post_doc(schemas.CheckRequest, schemas.CheckResponse), tags=["check"])
    async def check_endpoint(request: Request) -> Response:
        """Check one phone number, link, email or handle (the `verifier check` result)."""
        headers = request.headers
        raw = await request.body()
        asked = await online_answer(
            raw, headers.get("content-type"), headers.get("accept-language"), live, online
        )
        if asked is not None:
            observe.note(request.scope, verdict=asked[2])
            return _json(asked[:2])
        status, body, verdict = handlers.check_outcome(
            raw, headers.get("content-type"), headers.get("accept-language"), live.current()
        )
        observe.note(request.scope, verdict=verdict)
        return _json((status, body))

    @app.post(
        "/v1/check/batch", **_post_doc(schemas.CheckBatchRequest, schemas.CheckBatchResponse), tags=["check"]
    )
    async def check_batch_endpoint(request: Request) -> Response:
        """Check up to 1,000 values at once; the results in the order of `values`."""
        headers = request.headers
        language = headers.get("accept-language")
        body = handlers.parse(
            await request.body(), headers.get("content-type"), language, schemas.CheckBatchRequest
        )
        if isinstance(body, tuple):
            return _json(body)
        allowlist = live.current()
        if len(body.values) <= INLINE_BATCH_VALUES:
            status, content, verdicts = handlers.answer_check_batch(body, language, allowlist)
        else:
            status, content, verdicts = await run_in_threadpool(
                handlers.answer_check_batch, body, language, allowlist
            )
        observe.note(request.scope, verdicts=dict(verdicts))
        return _json((status, content))

    @app.post("/v1/scan", **_post_doc(schemas.ScanRequest, schemas.ScanResponse), tags=["scan"])
    async def scan_endpoint(request: Request) -> Response:
        """Find the channels, brands and scam patterns in a message, ticket or page."""
        headers = request.headers
        language = headers.get("accept-language")
        body = handlers.parse(
            await request.body(), headers.get("content-type"), language, schemas.ScanRequest
        )
        if isinstance(body, tuple):
            return _json(body)
        allowlist = live.current()
        if len(body.text) <= INLINE_SCAN_CHARS:
            answer = handlers.answer_scan(body, language, allowlist)
        else:
            answer = await run_in_threadpool(handlers.answer_scan, body, language, allowlist)
        observe.note(request.scope, risk=observe.risk_of(answer[1]))
        return _json(answer)

    @app.post("/v1/intake", **_post_doc(schemas.IntakeRequest, schemas.IntakeResponse), tags=["intake"])
    async def intake_endpoint(request: Request) -> Response:
        """Triage a support ticket: tags, risk and a suggested first reply."""
        headers = request.headers
        language = headers.get("accept-language")
        body = handlers.parse(
            await request.body(), headers.get("content-type"), language, schemas.IntakeRequest
        )
        if isinstance(body, tuple):
            return _json(body)
        allowlist = live.current()
        answer = await run_in_threadpool(handlers.answer_intake, body, language, allowlist)
        observe.note(request.scope, risk=observe.risk_of(answer[1]))
        return _json(answer)

    @app.get("/v1/allowlist", response_model=schemas.AllowlistResponse, tags=["allowlist"])
    async def allowlist_endpoint() -> Response:
        """The allowlist in use: version, expiry, verification state and official channels."""
        return _json((200, handlers.allowlist_body(live.current())))

    @app.get("/v1/allowlist/bundle", include_in_schema=False)
    async def allowlist_bundle() -> Response:
        """The signed bundle in use, byte for byte, so bots and replicas can update from this
        instance (``verifier update --url .../v1/allowlist/bundle``; they verify it themselves).
        503 while the list in use did not verify."""
        allowlist = live.current()
        data = allowlist.bundle_bytes
        if data is None or not allowlist.verified:
            return _unavailable()
        return Response(data, media_type="application/json")

    @app.get("/v1/allowlist/{name}", include_in_schema=False)
    async def allowlist_target(name: str) -> Response:
        """A target file the bundle in use names (``denylist-hosts.txt``), beside the bundle as
        ``verifier update`` looks for it; 404 for any other name."""
        allowlist = live.current()
        feed = allowlist.feed_hosts
        if name != DENYLIST_TARGET or feed is None:
            return _json((404, handlers.dumps({"error": {"code": "not_found", "message": "no such file"}})))
        if not allowlist.verified:
            return _unavailable()
        return Response(feed.data, media_type="text/plain; charset=us-ascii")

    @app.get("/healthz", response_model=HealthReport, tags=["health"])
    async def healthz() -> Response:
        """Liveness and the allowlist state; "degraded" when the bundle did not verify or has
        expired since (the moment it expires), with the reason in `problem` (English) and
        `problem_messages` (en, zh)."""
        allowlist = live.current()
        state = allowlist.state  # read once: expiry can come between two reads
        body: dict[str, Any] = {
            "status": "ok" if state.verified else "degraded",
            "allowlist": state.to_dict(),
            "days_left": allowlist.days_left(),
            "denylist_hosts": len(allowlist.feed_hosts) if allowlist.feed_hosts is not None else 0,
        }
        if not state.verified:
            said = {lang: _printable(allowlist.problem_text(lang) or "") for lang in LANGS}
            body["problem"], body["problem_messages"] = said["en"], said
        return _json((200, handlers.dumps(body)))

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        """Prometheus text: requests and latency per endpoint, verdicts, the allowlist's state."""
        return Response(observer.page(), media_type=CONTENT_TYPE_LATEST)

    @app.get("/docs", include_in_schema=False)
    async def docs() -> Response:
        return apidocs.docs_page(f"{app.title} - API")

    @app.get(apidocs.ASSETS_PATH + "/{name}", include_in_schema=False)
    async def docs_asset(name: str, request: Request) -> Response:
        content = apidocs.asset(name)
        if content is None:
            message = text("api.no_such_file", _header_lang(request), name=name)
            return _json(handlers.error(404, "not_found", message))
        headers = {"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"}
        return Response(content, media_type=apidocs.ASSET_TYPES[name], headers=headers)

    @app.get("/", include_in_schema=False)
    async def index() -> Response:
        return _page("index.html")

    @app.get("/static/{name}", include_in_schema=False)
    async def static(name: str, request: Request) -> Response:
        if name not in _static_names():
            message = text("api.no_such_file", _header_lang(request), name=name)
            return _json(handlers.error(404, "not_found", message))
        return _page(name)

    @app.get("/widget.js", include_in_schema=False)
    async def widget() -> Response:
        response = _page("widget.js")
        response.headers["Access-Control-Allow-Origin"] = "*"
        return response

    # Added innermost first: the size limit wraps CORS.
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", "Accept-Language"],
            max_age=600,
        )
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(observe.ObserveRequests, observer=observer)  # outermost: times the rest too
    return app


def create_service(
    settings: ServiceSettings | None = None, live: LiveAllowlist | None = None
) -> CheckHotPath:
    """What ``verifier serve`` runs: the application behind the ``/v1/check`` hot path."""
    settings = settings or ServiceSettings()
    live = live or LiveAllowlist(settings.allowlist_file, interval=settings.reload_interval)
    app = create_app(settings, live)
    hot = CheckHotPath(
        app,
        live,
        max_bytes=settings.max_body_bytes,
        cors=bool(settings.cors_origins),
        observer=app.state.observer,
    )
    return OnlineFront(hot, live, app.state.online, settings.max_body_bytes, app.state.observer)  # type: ignore[return-value]
