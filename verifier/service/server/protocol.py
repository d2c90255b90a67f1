"""Which uvicorn HTTP protocol to serve with: the coalescing one, or uvicorn's own.

``coalesce.CoalescingHttpToolsProtocol`` subclasses uvicorn's ``HttpToolsProtocol`` and
overrides methods that are not uvicorn's public API. pyproject.toml pins uvicorn to the range
tested; should another uvicorn be installed anyway, and its class have changed shape (a method
gone or its parameters changed, ``STATUS_LINE`` gone), the server starts with uvicorn's stock
httptools protocol and logs a warning, rather than failing on a request: answers stay correct,
only the write coalescing and the JSON body of 400 answers to malformed HTTP are lost.
"""

from __future__ import annotations

import inspect
import logging
from importlib import metadata

log = logging.getLogger("uvicorn.error")

COALESCING = "verifier.service.server.coalesce:CoalescingHttpToolsProtocol"
STOCK = "httptools"  # what uvicorn's --http option calls its own httptools protocol

# The methods of uvicorn's HttpToolsProtocol that coalesce.py overrides or relies on, with
# their parameters as written against (tests/unit/test_uvicorn_internals.py checks the same).
EXPECTED_METHODS = {
    "__init__": ["self", "config", "server_state", "app_state", "_loop"],
    "connection_made": ["self", "transport"],
    "eof_received": ["self"],
    "send_400_response": ["self", "msg"],
    "data_received": ["self", "data"],
}


def shape_problem() -> str | None:
    """What in the installed uvicorn differs from what the coalescing protocol was written
    against; None when nothing does."""
    try:
        from uvicorn.protocols.http import httptools_impl  # noqa: PLC0415
    except ImportError as exc:
        return f"uvicorn.protocols.http.httptools_impl cannot be imported ({exc})"
    base = getattr(httptools_impl, "HttpToolsProtocol", None)
    if base is None:
        return "uvicorn's HttpToolsProtocol is gone"
    for name, parameters in EXPECTED_METHODS.items():
        owner = next((cls for cls in base.__mro__ if name in vars(cls)), None)
        if owner is None or owner.__module__.startswith("asyncio"):  # asyncio.Protocol's no-op
            return f"HttpToolsProtocol.{name} is gone"
        method = vars(owner)[name]
        try:
            found = list(inspect.signature(method).parameters)
        except (TypeError, ValueError):
            return f"HttpToolsProtocol.{name} has no readable signature"
        if found != parameters:
            return f"HttpToolsProtocol.{name}({', '.join(found)}) was ({', '.join(parameters)})"
    status_line = getattr(httptools_impl, "STATUS_LINE", None)
    if not isinstance(status_line, dict) or not isinstance(status_line.get(400), bytes):
        return "uvicorn.protocols.http.httptools_impl.STATUS_LINE[400] is gone"
    return None


def http_protocol() -> str:
    """uvicorn's ``http`` setting: the coalescing protocol when uvicorn's internal class has the
    shape it was written against, else uvicorn's stock httptools protocol (with a warning)."""
    problem = shape_problem()
    if problem is None:
        return COALESCING
    try:
        version = metadata.version("uvicorn")
    except metadata.PackageNotFoundError:
        version = "?"
    log.warning(
        "uvicorn %s: %s; serving with uvicorn's own httptools protocol (no write coalescing, "
        "plain-text 400 answers to malformed HTTP). Install the uvicorn range pyproject.toml pins.",
        version,
        problem,
    )
    return STOCK
