"""The uvicorn internals verifier/service/server/coalesce.py and workers.py build on (issue 18).

They subclass uvicorn's ``HttpToolsProtocol`` and ``Server`` and call or override methods that
are not uvicorn's public API. pyproject.toml pins uvicorn to the range tested; these tests say
exactly what changed when another release is installed, before a request finds out.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import json
import logging
import tomllib
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from packaging.requirements import Requirement
from uvicorn.protocols.http import httptools_impl
from uvicorn.server import ServerState

from verifier.service.server import protocol
from verifier.service.server import run as run_module
from verifier.service.server.coalesce import CoalescingHttpToolsProtocol

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
FIX = (
    "verifier/service/server/coalesce.py relies on it: adapt it to this uvicorn, then widen the pin in "
    "pyproject.toml"
)


def _pin() -> Requirement:
    extras = tomllib.loads(PYPROJECT.read_text("utf-8"))["project"]["optional-dependencies"]["server"]
    return next(Requirement(r) for r in extras if Requirement(r).name == "uvicorn")


def test_installed_uvicorn_is_in_the_pinned_range() -> None:
    pin = _pin()
    installed = metadata.version("uvicorn")
    assert pin.specifier, "uvicorn must be pinned to the tested range in the server extra"
    assert pin.specifier.contains(installed), (
        f"uvicorn {installed} is installed but pyproject.toml pins {pin.specifier}: run "
        f"tests/unit/test_uvicorn_internals.py, tests/unit/test_service_coalesce.py and "
        f"tests/integration/test_bad_http_framing.py against it before widening the pin"
    )


@pytest.mark.parametrize(
    ("name", "parameters"),
    [
        ("__init__", ["self", "config", "server_state", "app_state", "_loop"]),
        ("connection_made", ["self", "transport"]),
        ("eof_received", ["self"]),
        ("send_400_response", ["self", "msg"]),
        ("data_received", ["self", "data"]),
    ],
)
def test_protocol_methods_keep_their_signatures(name: str, parameters: list[str]) -> None:
    method = getattr(httptools_impl.HttpToolsProtocol, name, None)
    assert method is not None, f"uvicorn's HttpToolsProtocol.{name} is gone; {FIX}"
    found = list(inspect.signature(method).parameters)
    assert found == parameters, f"HttpToolsProtocol.{name}{found} was {parameters}; {FIX}"


def test_module_constants_used_are_there() -> None:
    status_line = getattr(httptools_impl, "STATUS_LINE", None)
    assert status_line is not None, f"uvicorn.protocols.http.httptools_impl.STATUS_LINE is gone; {FIX}"
    assert status_line[400] == b"HTTP/1.1 400 Bad Request\r\n", f"STATUS_LINE[400] changed; {FIX}"
    startup = inspect.signature(uvicorn.Server.startup)
    assert list(startup.parameters) == ["self", "sockets"], (
        "uvicorn.Server.startup(sockets) changed; verifier/service/server/workers.py overrides it: adapt it "
        "to this uvicorn, then widen the pin in pyproject.toml"
    )


class _Transport(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.written = b""
        self.closed = False

    def write(self, data: Any) -> None:
        self.written += bytes(data)

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 5000), "sockname": ("127.0.0.1", 8000)}.get(name, default)

    def pause_reading(self) -> None: ...

    def resume_reading(self) -> None: ...


def test_a_bad_request_goes_through_the_overrides() -> None:
    # The attributes the overrides read (loop, transport, server_state.default_headers, the
    # parser's headers) and the call of send_400_response from data_received, end to end.
    loop = asyncio.new_event_loop()
    try:
        config = uvicorn.Config(app=lambda *_: None, http=CoalescingHttpToolsProtocol, server_header=False)
        config.load()
        protocol = CoalescingHttpToolsProtocol(config, ServerState(), {}, _loop=loop)
        transport = _Transport()
        protocol.connection_made(transport)
        protocol.data_received(b"GET / HTTP/1.1\r\nAccept-Language: zh\r\nContent-Length: x\r\n\r\n")
    finally:
        loop.close()
    head, _, body = transport.written.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400"), (
        f"no 400 written through the override; {FIX}: {transport.written!r}"
    )
    assert b"content-type: application/json" in head, f"uvicorn's own 400 was sent, not ours; {FIX}"
    error = json.loads(body)["error"]
    assert error["code"] == "bad_request"
    assert transport.closed


def test_the_coalescing_protocol_is_chosen_for_the_pinned_uvicorn(caplog: pytest.LogCaptureFixture) -> None:
    assert protocol.shape_problem() is None, f"{protocol.shape_problem()}; {FIX}"
    with caplog.at_level(logging.WARNING, logger="uvicorn.error"):
        assert protocol.http_protocol() == protocol.COALESCING
    assert not caplog.records
    module, _, name = protocol.COALESCING.partition(":")
    assert getattr(importlib.import_module(module), name) is CoalescingHttpToolsProtocol


def _changed_send_400(self: Any, msg: str, status: int) -> None: ...


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (lambda m: m.delattr(httptools_impl.HttpToolsProtocol, "eof_received"), "eof_received is gone"),
        (
            lambda m: m.setattr(httptools_impl.HttpToolsProtocol, "send_400_response", _changed_send_400),
            "send_400_response(self, msg, status) was (self, msg)",
        ),
        (lambda m: m.delattr(httptools_impl, "STATUS_LINE"), "STATUS_LINE[400] is gone"),
        (lambda m: m.delattr(httptools_impl, "HttpToolsProtocol"), "HttpToolsProtocol is gone"),
    ],
)
def test_a_changed_uvicorn_class_falls_back_to_the_stock_protocol_with_a_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, change: Any, said: str
) -> None:
    change(monkeypatch)
    with caplog.at_level(logging.WARNING, logger="uvicorn.error"):
        assert protocol.http_protocol() == protocol.STOCK == "httptools"
    [record] = caplog.records
    assert record.levelno == logging.WARNING
    assert said in record.getMessage() and "uvicorn's own httptools protocol" in record.getMessage()


def test_the_server_is_started_with_the_protocol_chosen(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}
    monkeypatch.setattr(run_module, "http_protocol", lambda: "httptools")
    monkeypatch.setattr(run_module.uvicorn, "run", lambda *args, **kwargs: seen.update(kwargs))
    run_module._serve("127.0.0.1", 0, 1)
    assert seen["http"] == "httptools"
