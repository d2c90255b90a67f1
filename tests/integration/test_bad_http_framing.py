"""Malformed HTTP gets the API's JSON error body (issue 12: it was uvicorn's plain text).

Raw bytes over a socket to a real server on 127.0.0.1: the service as ``verifier serve``
builds it, on the protocol class it selects (``verifier.service.server.coalesce``), in a thread here
and as the real command with two workers.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.integration.live_server import serving
from verifier.service.server.run import app_from_env

BIN = Path(sys.executable).parent / "verifier"

MALFORMED = {
    "bad request line": b"GARBAGE\r\n\r\n",
    "bad method": b"G\x01T / HTTP/1.1\r\nHost: x\r\n\r\n",
    "bad version": b"GET / HTTP/9.x\r\nHost: x\r\n\r\n",
    "bad url char": b"GET /v1/\x7fcheck HTTP/1.1\r\nHost: x\r\n\r\n",
    "bad content-length": b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\n",
    "negative content-length": b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
    "two content-lengths": (
        b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}"
    ),
    "length and chunked": (
        b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n{}"
    ),
    "control char in header value": b"GET /healthz HTTP/1.1\r\nHost: x\x01y\r\n\r\n",
    "control char in header name": b"GET /healthz HTTP/1.1\r\nHo\x1bst: x\r\n\r\n",
    "space before colon": b"GET /healthz HTTP/1.1\r\nHost : x\r\n\r\n",
    "bad chunk size": b"POST /v1/scan HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
}


def exchange(base: str, data: bytes, timeout: float = 10.0) -> bytes:
    """Send ``data`` and read until the server closes the connection."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(data)
        received = b""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            chunk = sock.recv(65536)
            if not chunk:
                return received
            received += chunk
    raise AssertionError(f"the server did not close the connection; got {received!r}")


def responses(raw: bytes) -> list[tuple[int, dict[str, str], bytes]]:
    """The HTTP/1.1 responses in ``raw`` (each framed by Content-Length)."""
    found = []
    while raw:
        head, _, rest = raw.partition(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers["content-length"])
        found.append((int(status_line.split()[1]), headers, rest[:length]))
        raw = rest[length:]
    return found


def assert_json_400(raw: bytes) -> dict[str, Any]:
    ((status, headers, body),) = responses(raw)
    assert status == 400
    assert headers["content-type"] == "application/json"
    assert headers["connection"] == "close"
    document = json.loads(body)
    assert set(document) == {"error"}
    assert set(document["error"]) == {"code", "message", "details"}
    assert document["error"]["code"] == "bad_request"
    assert document["error"]["details"] is None
    return document["error"]  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    os.environ.pop("VERIFIER_SERVICE_SETTINGS", None)
    with serving(app_from_env()) as base:
        yield base


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_request_gets_a_json_400(server: str, name: str) -> None:
    problem = assert_json_400(exchange(server, MALFORMED[name]))
    assert problem["message"].startswith("malformed HTTP request: ")
    assert len(problem["message"]) > len("malformed HTTP request: ")


def test_the_parser_names_what_is_wrong(server: str) -> None:
    said = assert_json_400(exchange(server, MALFORMED["bad content-length"]))["message"]
    assert "Content-Length" in said
    said = assert_json_400(exchange(server, MALFORMED["control char in header value"]))["message"]
    assert "header value" in said


def test_the_error_is_said_in_the_language_asked_for(server: str) -> None:
    data = b"GET /healthz HTTP/1.1\r\nHost: x\r\nAccept-Language: zh-CN,zh;q=0.9\r\nX-Bad: a\x01b\r\n\r\n"
    said = assert_json_400(exchange(server, data))["message"]
    assert said.startswith("HTTP 请求格式错误：")


def test_same_shape_as_the_apis_other_errors(server: str) -> None:
    ((status, headers, body),) = responses(
        exchange(server, b"GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    )
    assert status == 404
    assert headers["content-type"] == "application/json"
    assert set(json.loads(body)["error"]) == {"code", "message", "details"}


def test_a_bad_request_after_a_good_one_on_the_same_connection(server: str) -> None:
    body = b'{"value": "tokenpocket.pro"}'
    good = b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    good += b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
    host, port = server.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(good)
        received = b""
        while b"official" not in received:
            chunk = sock.recv(65536)
            assert chunk, received
            received += chunk
        ((status, _, answer),) = responses(received)
        assert status == 200 and json.loads(answer)["verdict"] == "official"
        sock.sendall(MALFORMED["bad request line"])  # the same keep-alive connection
        rest = b""
        while chunk := sock.recv(65536):
            rest += chunk
    assert_json_400(rest)


def test_the_server_goes_on_after_a_malformed_request(server: str) -> None:
    for data in MALFORMED.values():
        exchange(server, data)
    ((status, _, body),) = responses(
        exchange(server, b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    )
    assert status in (200, 503) and json.loads(body)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("workers", ["1", "2"])
def test_verifier_serve_answers_malformed_http_with_json(workers: str) -> None:
    port = free_port()
    process = subprocess.Popen(
        [str(BIN), "serve", "--port", str(port), "--workers", workers],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        assert process.stdout is not None
        for line in process.stdout:
            if "http://127.0.0.1" in line or time.monotonic() > deadline:
                break
        base = f"http://127.0.0.1:{port}"
        for name in ("bad request line", "bad content-length", "control char in header value"):
            assert_json_400(exchange(base, MALFORMED[name]))
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
