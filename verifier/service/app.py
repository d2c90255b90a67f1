"""The FastAPI application: the JSON API of DESIGN.md and the help-site page.

Responses are the library's ``to_dict()`` output serialized directly (no second
validation pass); the pydantic models in ``schemas`` describe them in the OpenAPI
document. Every error is JSON ``{"error": {"code", "message", "details"}}`` with a 4xx
status; bad input never produces a 500.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from verifier.allowlist.model import Allowlist
from verifier.checker import check
from verifier.errors import UnknownBrand
from verifier.messages import Lang, normalize_lang
from verifier.scan.scanner import ScanTooLarge, scan
from verifier.service import schemas
from verifier.service.limits import BodySizeLimit
from verifier.service.live import LiveAllowlist

log = logging.getLogger("verifier.service")

DEFAULT_MAX_BODY = 1_048_576
INLINE_SCAN_CHARS = 20_000  # longer texts are scanned in a worker thread, off the event loop
ERRORS: dict[int | str, dict[str, Any]] = {
    413: {"model": schemas.ErrorResponse, "description": "Request body too large"},
    422: {"model": schemas.ErrorResponse, "description": "Invalid request (bad JSON, field or brand)"},
}
_STATUS_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "too_large"}


@dataclass(frozen=True, slots=True)
class ServiceSettings:
    """How the service runs: which bundle, which browser origins may call it, body limit."""

    allowlist_file: Path | None = None
    cors_origins: tuple[str, ...] = ()
    max_body_bytes: int = DEFAULT_MAX_BODY
    reload_interval: float = 2.0


class JSONBody(Response):
    """Compact UTF-8 JSON (Chinese text stays readable)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _error(status: int, code: str, message: str, details: list[dict[str, Any]] | None = None) -> JSONBody:
    return JSONBody({"error": {"code": code, "message": message, "details": details}}, status_code=status)


def request_lang(explicit: str | None, request: Request) -> Lang:
    """The language asked for, else the best of en/zh in Accept-Language, else English."""
    if explicit:
        return normalize_lang(explicit)
    best, best_q = "en", 0.0
    for part in request.headers.get("accept-language", "")[:200].split(","):
        tag, _, params = part.strip().partition(";")
        try:
            q = float(params.strip()[2:]) if params.strip().startswith("q=") else 1.0
        except ValueError:
            q = 0.0
        code = tag.strip().lower()
        if code.startswith(("zh", "en")) and q > best_q:
            best, best_q = code[:2], q
    return normalize_lang(best)


def allowlist_document(allowlist: Allowlist) -> dict[str, Any]:
    """``GET /v1/allowlist``: the state and every brand's official channels with evidence."""
    brands = []
    for brand in sorted(allowlist.brands.values(), key=lambda b: b.id):
        brands.append(
            {
                "id": brand.id,
                "name": brand.name,
                "aliases": list(brand.aliases),
                "default_region": brand.default_region,
                "no_phone_support": dict(brand.no_phone_support) if brand.no_phone_support else None,
                "channels": [
                    {
                        "kind": entry.kind.value,
                        "value": entry.display,
                        "platform": entry.platform,
                        "evidence": entry.evidence,
                        "checked": entry.checked,
                    }
                    for entry in brand.entries
                ],
            }
        )
    return {
        "version": allowlist.version,
        "expires": allowlist.expires,
        "verified": allowlist.verified,
        "problem": allowlist.problem,
        "brands": brands,
    }


Body = TypeVar("Body", bound=BaseModel)


async def parse_body(request: Request, model: type[Body]) -> Body:
    """Validate the JSON body with pydantic's own parser.

    Done here rather than through a FastAPI body parameter: for a request this small
    FastAPI's dependency machinery costs more than the check itself. Errors are raised as
    ``RequestValidationError``, so they come out like any other validation error.
    """
    content_type = request.headers.get("content-type", "")
    raw = await request.body()
    if "json" not in content_type.lower():
        raise RequestValidationError(
            [{"loc": ("body",), "msg": "not JSON", "type": "content_type", "input": None}]
        )
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False, include_context=False)
        for error in errors:
            error["loc"] = ("body", *error["loc"])
        raise RequestValidationError(errors) from None


def _post_doc(request_model: type[BaseModel], response_model: type[BaseModel]) -> dict[str, Any]:
    """OpenAPI for a POST whose body ``parse_body`` validates: request and response schemas."""
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


_STATIC_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".png": "image/png",
    ".svg": "image/svg+xml",
}
_PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


def create_app(settings: ServiceSettings | None = None, live: LiveAllowlist | None = None) -> FastAPI:
    """Build the application; the allowlist is loaded (and its indexes built) here, once."""
    settings = settings or ServiceSettings()
    live = live or LiveAllowlist(settings.allowlist_file, interval=settings.reload_interval)
    app = FastAPI(
        title="verifier",
        version="0.1.0",
        summary="Is this phone number, link, email or handle really a wallet's official support channel?",
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.live = live
    document_cache: dict[int, tuple[Allowlist, bytes]] = {}

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        details = [
            {
                "loc": [str(part) for part in err.get("loc", ())],
                "msg": str(err.get("msg", "")),
                "type": err.get("type"),
            }
            for err in exc.errors()
        ]
        first = details[0] if details else {"loc": [], "msg": "invalid request"}
        if first.get("type") == "json_invalid":
            reason = str(first["msg"]).removeprefix("Invalid JSON: ")
            return _error(422, "invalid_request", f"the body is not valid JSON: {reason}", details)
        if first["loc"] == ["body"]:
            content_type = request.headers.get("content-type", "(none)")
            message = "the body must be a JSON object"
            if "json" not in content_type.lower():
                message += f" sent with Content-Type: application/json (got {content_type[:80]})"
            return _error(422, "invalid_request", message, details)
        where = ".".join(p for p in first["loc"] if p != "body")
        return _error(422, "invalid_request", f"{where}: {first['msg']}", details)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        code = _STATUS_CODES.get(exc.status_code, "http_error")
        response = _error(exc.status_code, code, str(exc.detail))
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(UnknownBrand)
    async def unknown_brand(request: Request, exc: UnknownBrand) -> Response:
        return _error(422, "unknown_brand", str(exc))

    @app.exception_handler(ScanTooLarge)
    async def scan_too_large(request: Request, exc: ScanTooLarge) -> Response:
        return _error(413, "too_large", str(exc))

    @app.exception_handler(ValueError)
    async def bad_value(request: Request, exc: ValueError) -> Response:
        return _error(422, "invalid_request", str(exc))

    @app.post("/v1/check", **_post_doc(schemas.CheckRequest, schemas.CheckResponse), tags=["check"])
    async def check_endpoint(request: Request) -> Response:
        """Check one phone number, link, email or handle (the `verifier check` result)."""
        body = await parse_body(request, schemas.CheckRequest)
        result = check(
            body.value,
            brand=body.brand,
            kind=body.kind,
            platform=body.platform,
            region=body.region,
            lang=request_lang(body.lang, request),
            allowlist=live.current(),
        )
        return JSONBody(result.to_dict())

    @app.post("/v1/scan", **_post_doc(schemas.ScanRequest, schemas.ScanResponse), tags=["scan"])
    async def scan_endpoint(request: Request) -> Response:
        """Find the channels, brands and scam patterns in a message, ticket or page."""
        body = await parse_body(request, schemas.ScanRequest)
        lang = request_lang(body.lang, request)
        allowlist = live.current()
        if len(body.text) <= INLINE_SCAN_CHARS:
            result = scan(body.text, brand=body.brand, lang=lang, html=body.html, allowlist=allowlist)
        else:
            result = await run_in_threadpool(
                scan, body.text, body.brand, lang, html=body.html, allowlist=allowlist
            )
        return JSONBody(result.to_dict())

    @app.post("/v1/intake", **_post_doc(schemas.IntakeRequest, schemas.IntakeResponse), tags=["intake"])
    async def intake_endpoint(request: Request) -> Response:
        """Triage a support ticket: tags, risk and a suggested first reply."""
        body = await parse_body(request, schemas.IntakeRequest)
        from verifier.integrations.intake import triage  # noqa: PLC0415

        result = await run_in_threadpool(
            triage,
            body.subject,
            body.body,
            body.requester,
            lang=request_lang(body.lang, request),
            allowlist=live.current(),
        )
        return JSONBody(result.to_dict())

    @app.get("/v1/allowlist", response_model=schemas.AllowlistResponse, tags=["allowlist"])
    async def allowlist_endpoint() -> Response:
        """The allowlist in use: version, expiry, verification state and official channels."""
        allowlist = live.current()
        cached = document_cache.get(0)
        if cached is None or cached[0] is not allowlist:
            body = json.dumps(allowlist_document(allowlist), ensure_ascii=False, separators=(",", ":"))
            cached = (allowlist, body.encode("utf-8"))
            document_cache[0] = cached
        return Response(cached[1], media_type="application/json")

    @app.get("/healthz", response_model=schemas.HealthResponse, tags=["health"])
    async def healthz() -> Response:
        """Liveness and the allowlist state; "degraded" when the bundle did not verify."""
        allowlist = live.current()
        status = "ok" if allowlist.verified else "degraded"
        return JSONBody({"status": status, "allowlist": allowlist.state.to_dict()})

    def page(name: str) -> Response:
        suffix = name[name.rfind(".") :]
        return Response(static_file(name), media_type=_STATIC_TYPES[suffix], headers=_PAGE_HEADERS)

    @app.get("/", include_in_schema=False)
    async def index() -> Response:
        return page("index.html")

    @app.get("/static/{name}", include_in_schema=False)
    async def static(name: str) -> Response:
        if name not in _static_names():
            raise HTTPException(404, f"no such file: {name}")
        return page(name)

    @app.get("/widget.js", include_in_schema=False)
    async def widget() -> Response:
        response = page("widget.js")
        response.headers["Access-Control-Allow-Origin"] = "*"
        return response

    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", "Accept-Language"],
            max_age=600,
        )
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    return app


@cache
def _static_names() -> frozenset[str]:
    folder = resources.files("verifier.service").joinpath("static")
    return frozenset(
        item.name
        for item in folder.iterdir()
        if item.is_file() and item.name[item.name.rfind(".") :] in _STATIC_TYPES
    )
