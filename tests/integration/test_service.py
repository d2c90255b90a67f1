"""The HTTP API through a real uvicorn server on 127.0.0.1, answering from a signed test bundle."""

from __future__ import annotations

import json
import logging
import re
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import NOW, SignFn
from tests.integration.live_server import serving
from verifier.allowlist.model import Allowlist
from verifier.allowlist.store import load_allowlist
from verifier.allowlist.trust import Root
from verifier.checker import check
from verifier.service import LiveAllowlist, ServiceSettings, create_service, schemas
from verifier.service.app import create_app

JSON = {"content-type": "application/json"}


@pytest.fixture
def bundle_file(tmp_path: Path, sign_bundle: SignFn) -> Path:
    path = tmp_path / "allowlist.json"
    path.write_bytes(sign_bundle(0, 1, version=5))
    return path


@pytest.fixture
def live(bundle_file: Path, test_root: Root, isolated_state: Path) -> LiveAllowlist:
    def load(path: Path | None) -> Allowlist:
        return load_allowlist(path, root=test_root, directory=isolated_state, now=NOW)

    return LiveAllowlist(bundle_file, interval=0, loader=load)


@pytest.fixture
def settings() -> ServiceSettings:
    """Default settings; a test overrides them with ``@pytest.mark.parametrize("settings", ...)``."""
    return ServiceSettings()


@pytest.fixture
def api(live: LiveAllowlist, settings: ServiceSettings) -> Iterator[httpx.Client]:
    with (
        serving(create_service(settings, live=live)) as base,
        httpx.Client(base_url=base, timeout=30) as client,
    ):
        yield client


def post(client: httpx.Client, path: str, payload: Any, **headers: str) -> httpx.Response:
    return client.post(path, content=json.dumps(payload), headers={**JSON, **headers})


@pytest.mark.parametrize(
    ("payload", "verdict", "technique"),
    [
        ({"value": "acmewallet.com"}, "official", None),
        ({"value": "acmewallet-support.com"}, "lookalike", "combosquat"),
        ({"value": "+1 855 699 8683", "brand": "zeta"}, "official", None),
        ({"value": "+86 400 800 1234", "brand": "阿克米钱包"}, "not_official", None),
        ({"value": "@@@"}, "invalid", None),
        (
            {"value": "AcmeWallet_0fficial", "kind": "handle", "platform": "telegram"},
            "lookalike",
            "homoglyph",
        ),
    ],
)
def test_check_returns_the_library_result(
    api: httpx.Client, live: LiveAllowlist, payload: dict[str, Any], verdict: str, technique: str | None
) -> None:
    response = post(api, "/v1/check", payload)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["verdict"] == verdict
    assert body["technique"] == technique
    expected = check(
        payload["value"],
        brand=payload.get("brand"),
        kind=payload.get("kind"),
        platform=payload.get("platform"),
        allowlist=live.current(),
    )
    assert body == expected.to_dict()
    schemas.CheckResponse.model_validate(body)


@pytest.mark.parametrize(
    ("headers", "payload_lang", "expected"),
    [
        ({"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}, None, "zh"),
        ({"Accept-Language": "en-US,en;q=0.9,zh;q=0.5"}, None, "en"),
        ({"Accept-Language": "fr-FR,zh-TW;q=0.4"}, None, "zh"),
        ({"Accept-Language": "zh-CN"}, "en", "en"),
        ({}, None, "en"),
    ],
)
def test_language_comes_from_the_request_or_accept_language(
    api: httpx.Client, headers: dict[str, str], payload_lang: str | None, expected: str
) -> None:
    payload: dict[str, Any] = {"value": "acmewallet-support.com"}
    if payload_lang:
        payload["lang"] = payload_lang
    message = post(api, "/v1/check", payload, **headers).json()["reasons"][0]["message"]
    has_chinese = any("\u4e00" <= ch <= "\u9fff" for ch in message)
    assert has_chinese is (expected == "zh")


@pytest.mark.parametrize(
    ("content", "content_type", "status", "code", "says"),
    [
        ('{"value": 5}', "application/json", 422, "invalid_request", "value"),
        ("{}", "application/json", 422, "invalid_request", "value"),
        ('{"value": "x", "colour": "red"}', "application/json", 422, "invalid_request", "colour"),
        ('{"value": "x", "kind": "fax"}', "application/json", 422, "invalid_request", "kind"),
        ('{"value": "x",', "application/json", 422, "invalid_request", "not valid JSON"),
        ("[1, 2]", "application/json", 422, "invalid_request", "JSON object"),
        ("value=x", "application/x-www-form-urlencoded", 422, "invalid_request", "Content-Type"),
        ('{"value": "x", "brand": "nosuch"}', "application/json", 422, "unknown_brand", "nosuch"),
        ('{"value": "' + "a" * 3000 + '"}', "application/json", 422, "invalid_request", "value"),
    ],
)
def test_bad_check_requests_get_a_clear_4xx(
    api: httpx.Client, content: str, content_type: str, status: int, code: str, says: str
) -> None:
    response = api.post("/v1/check", content=content, headers={"content-type": content_type})
    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == code
    assert says in error["message"] or says in json.dumps(error["details"])
    schemas.ErrorResponse.model_validate(response.json())


@pytest.mark.parametrize("settings", [ServiceSettings(max_body_bytes=4096)])
def test_a_body_over_the_limit_is_refused_with_413(api: httpx.Client) -> None:
    big = json.dumps({"text": "x" * 5000})
    declared = api.post("/v1/scan", content=big, headers=JSON)
    assert declared.status_code == 413
    assert declared.json()["error"]["code"] == "too_large"

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit counts streamed bytes
        for _ in range(10):
            yield b" " * 1000

    streamed = api.post("/v1/scan", content=chunks(), headers=JSON)
    assert streamed.status_code == 413
    assert api.get("/healthz").status_code == 200  # the server is still fine


def _streamed(size: int) -> Iterator[bytes]:
    """A body without Content-Length: the size limit counts its chunks."""
    for _ in range(size // 1000):
        yield b" " * 1000


@pytest.mark.parametrize("settings", [ServiceSettings(max_body_bytes=4096)])
@pytest.mark.parametrize(
    ("method", "path", "content", "status", "code", "message"),
    [
        (
            "POST",
            "/v1/check",
            '{"value": "x",',
            422,
            "invalid_request",
            "请求体不是有效的 JSON（解析器报告：EOF while parsing a value at line 1 column 14）",
        ),
        (
            "POST",
            "/v1/check",
            '{"value": "x", "brand": "nosuch"}',
            422,
            "unknown_brand",
            "未知的品牌 'nosuch'（已知品牌：acme, zeta）",
        ),
        (
            "POST",
            "/v1/scan",
            '{"text": "x", "brand": "nosuch"}',
            422,
            "unknown_brand",
            "未知的品牌 'nosuch'（已知品牌：acme, zeta）",
        ),
        ("POST", "/v1/intake", '{"subject": "x"}', 422, "invalid_request", "缺少必填字段 body"),
        (
            "POST",
            "/v1/scan",
            json.dumps({"text": "x" * 5000}),
            413,
            "too_large",
            "请求体超过 4,096 字节的上限",
        ),
        ("POST", "/v1/check", _streamed, 413, "too_large", "请求体超过 4,096 字节的上限"),
        ("GET", "/nowhere", None, 404, "not_found", "没有这个地址"),
        ("GET", "/static/nothing.js", None, 404, "not_found", "没有这个文件：nothing.js"),
        ("GET", "/v1/check", None, 405, "method_not_allowed", "这个地址不接受该请求方法"),
    ],
)
def test_errors_are_said_in_chinese_for_accept_language_zh(
    api: httpx.Client, method: str, path: str, content: Any, status: int, code: str, message: str
) -> None:
    def ask(**headers: str) -> httpx.Response:
        body = content(5000) if callable(content) else content  # a fresh stream each time
        return api.request(method, path, content=body, headers={**JSON, **headers})

    response = ask(**{"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"})
    assert response.status_code == status
    error = response.json()["error"]
    assert (error["code"], error["message"]) == (code, message)
    schemas.ErrorResponse.model_validate(response.json())
    english = ask()
    assert english.status_code == status
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in english.json()["error"]["message"])


@pytest.mark.parametrize("settings", [ServiceSettings(max_body_bytes=4096)])
def test_a_repeated_accept_language_counts_by_its_first_for_every_error(api: httpx.Client) -> None:
    headers = [("Content-Type", "application/json"), ("Accept-Language", "en"), ("Accept-Language", "zh")]
    too_large = api.post("/v1/scan", content=json.dumps({"text": "x" * 5000}), headers=headers)
    not_json = api.post("/v1/scan", content='{"text":', headers=headers)
    assert (too_large.status_code, not_json.status_code) == (413, 422)
    for response in (too_large, not_json):
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["error"]["message"])


def test_a_field_error_follows_the_bodys_lang_over_accept_language(api: httpx.Client) -> None:
    payload = {"value": "a" * 3000, "lang": "zh"}
    response = post(api, "/v1/check", payload, **{"Accept-Language": "en-US"})
    assert response.status_code == 422
    assert response.json()["error"]["message"] == "字段 value 过长：最多 2048 个字符"
    assert response.json()["error"]["details"] == [
        {
            "loc": ["body", "value"],
            "msg": "String should have at most 2048 characters",
            "type": "string_too_long",
        }
    ]


def test_scan_finds_a_seed_phrase_request_and_the_lookalike(api: httpx.Client) -> None:
    text = "Acme support here. Send your 12-word recovery phrase at https://acmewallet-support.com to unlock."
    body = post(api, "/v1/scan", {"text": text, "lang": "zh"}).json()
    schemas.ScanResponse.model_validate(body)
    assert body["risk"] == "high"
    assert "acme" in body["brands"]
    assert {c["verdict"] for c in body["channels"]} == {"lookalike"}
    assert any(p["category"] == "secret" for p in body["patterns"]) or any(
        "seed" in p["code"] or "phrase" in p["code"] for p in body["patterns"]
    )
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["reply"])


def test_scan_of_html_ignores_scripts(api: httpx.Client) -> None:
    page = "<p>Acme wallet news</p><script>var s='send your seed phrase to us';</script>"
    body = post(api, "/v1/scan", {"text": page, "html": True}).json()
    assert body["risk"] == "none"


def test_a_long_scan_runs_off_the_event_loop_and_still_answers(api: httpx.Client) -> None:
    text = ("Ordinary text about the weather and markets. " * 1000) + "Send me your private key now."
    body = post(api, "/v1/scan", {"text": text}).json()
    assert body["risk"] == "high"


def test_allowlist_lists_official_channels_with_evidence(api: httpx.Client) -> None:
    body = api.get("/v1/allowlist").json()
    schemas.AllowlistResponse.model_validate(body)
    assert (body["version"], body["verified"], body["problem"], body["problem_messages"]) == (
        5,
        True,
        None,
        None,
    )
    brands = {b["id"]: b for b in body["brands"]}
    assert set(brands) == {"acme", "zeta"}
    assert brands["acme"]["no_phone_support"]["evidence"] == "https://acme-wallet.test/no-phone"
    assert brands["zeta"]["no_phone_support"] is None
    values = {(c["kind"], c["value"]) for c in brands["acme"]["channels"]}
    assert ("url", "acmewallet.com") in values
    assert all(c["evidence"].startswith("https://") for b in body["brands"] for c in b["channels"])


def test_health_reports_the_bundle(api: httpx.Client) -> None:
    body = api.get("/healthz").json()
    assert body == {
        "status": "ok",
        "allowlist": {"version": 5, "expires": body["allowlist"]["expires"], "verified": True},
        "days_left": body["days_left"],
        "denylist_hosts": 0,  # the test bundle names no feed file
    }
    assert isinstance(body["days_left"], int) and body["days_left"] > 30


def test_a_newer_verified_bundle_is_picked_up_without_restart(
    api: httpx.Client, bundle_file: Path, sign_bundle: SignFn
) -> None:
    assert api.get("/v1/allowlist").json()["version"] == 5
    bundle_file.write_bytes(sign_bundle(0, 1, version=6))
    assert api.get("/v1/allowlist").json()["version"] == 6
    assert post(api, "/v1/check", {"value": "acmewallet.com"}).json()["allowlist"]["version"] == 6

    bundle_file.write_bytes(sign_bundle(0, version=7))  # one signature: below threshold
    assert api.get("/healthz").json()["allowlist"]["version"] == 6
    bundle_file.write_bytes(sign_bundle(0, 1, version=4))  # older: a rollback
    assert api.get("/healthz").json()["allowlist"]["version"] == 6
    bundle_file.write_bytes(b"{not json")
    assert post(api, "/v1/check", {"value": "acmewallet.com"}).json()["verdict"] == "official"


def test_an_unverified_bundle_serves_degraded_and_never_official(
    tmp_path: Path, sign_bundle: SignFn, test_root: Root, isolated_state: Path
) -> None:
    path = tmp_path / "allowlist.json"
    path.write_bytes(sign_bundle(0, version=5))

    def load(p: Path | None) -> Allowlist:
        return load_allowlist(p, root=test_root, directory=isolated_state, now=NOW)

    live = LiveAllowlist(path, interval=0, loader=load)
    with serving(create_service(live=live)) as base, httpx.Client(base_url=base) as client:
        assert client.get("/healthz").json()["status"] == "degraded"
        assert post(client, "/v1/check", {"value": "acmewallet.com"}).json()["verdict"] != "official"
        document = client.get("/v1/allowlist").json()
        assert document["problem"]
        assert document["problem_messages"]["en"] == document["problem"]
        assert document["problem_messages"]["zh"] == load(path).problem_text("zh")
        assert "有效签名" in document["problem_messages"]["zh"]
        path.write_bytes(sign_bundle(0, 1, version=5))  # now properly signed: picked up
        assert client.get("/healthz").json()["status"] == "ok"


def test_an_unverified_bundle_with_a_version_past_64_bits_still_serves_degraded(
    tmp_path: Path, sign_bundle: SignFn, test_root: Root, isolated_state: Path
) -> None:
    path = tmp_path / "allowlist.json"
    path.write_bytes(sign_bundle(0, version=2**70))  # one signature: unverified, but still indexed

    def load(p: Path | None) -> Allowlist:
        return load_allowlist(p, root=test_root, directory=isolated_state, now=NOW)

    live = LiveAllowlist(path, interval=0, loader=load)
    with serving(create_service(live=live)) as base, httpx.Client(base_url=base) as client:
        health = client.get("/healthz")
        assert health.status_code == 200
        assert health.json()["status"] == "degraded"
        # The strict reader refuses integers past 64 bits (issue 12): nothing of it is indexed.
        assert health.json()["allowlist"]["version"] is None
        assert "an integer is beyond" in health.json()["problem"]
        checked = post(client, "/v1/check", {"value": "acmewallet.com"})
        assert checked.status_code == 200
        assert checked.json()["verdict"] != "official"
        assert client.get("/v1/allowlist").json()["version"] is None


def _exchange(base: str, request: bytes, *, half_close: bool = False) -> bytes:
    """Send raw ``request`` bytes and read until the server closes; optionally shut our side first."""
    host, port = base.removeprefix("http://").rstrip("/").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request)
        if half_close:
            sock.shutdown(socket.SHUT_WR)  # as `nc -N` or a one-shot health probe does
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def _comparable(response: bytes) -> tuple[bytes, list[bytes], bytes]:
    """Status line, headers in sorted order without the date, and body (after any 100 Continue)."""
    response = response.removeprefix(b"HTTP/1.1 100 Continue\r\n\r\n")
    head, _, body = response.partition(b"\r\n\r\n")
    status, *headers = head.split(b"\r\n")
    return status, sorted(h for h in headers if not h.lower().startswith(b"date:")), body


def _raw_post(path: bytes, body: bytes, *headers: bytes) -> bytes:
    lines = [b"POST " + path + b" HTTP/1.1", b"Host: x", b"Connection: close", *headers]
    return b"\r\n".join([*lines, b"Content-Length: %d" % len(body), b"", body])


_CHECK = b'{"value": "acmewallet-support.com"}'
_JSON = b"Content-Type: application/json"


@pytest.mark.parametrize(
    "settings", [ServiceSettings(), ServiceSettings(cors_origins=("https://help.example",))]
)
@pytest.mark.parametrize(
    "request_bytes",
    [
        _raw_post(b"/v1/check", _CHECK, _JSON),
        _raw_post(b"/v1/check?lang=zh", b'{"value":', _JSON, b"Accept-Language: zh-CN"),
        _raw_post(b"/v1/check", _CHECK, b"Content-Type: text/plain", _JSON),
        _raw_post(b"/v1/check", _CHECK, _JSON, b"Content-Type: text/plain"),
        _raw_post(b"/v1/check", b'{"value":', _JSON, b"Accept-Language: en", b"Accept-Language: zh"),
        _raw_post(b"/v1/check", _CHECK, _JSON, b"Origin: https://help.example"),
        _raw_post(b"/v1/check", _CHECK, _JSON, b"Origin: https://evil.example"),
        _raw_post(b"/v1/check", _CHECK, _JSON, b"Expect: 100-continue"),
    ],
)
def test_the_hot_path_answers_exactly_as_the_fastapi_route(
    live: LiveAllowlist, settings: ServiceSettings, request_bytes: bytes
) -> None:
    with (
        serving(create_service(settings, live=live)) as hot,
        serving(create_app(settings, live=live)) as full,
    ):
        answered = _comparable(_exchange(hot, request_bytes))
        assert answered == _comparable(_exchange(full, request_bytes))
    assert re.match(rb"HTTP/1\.1 (200|422) ", answered[0])


@pytest.mark.parametrize(
    "request_bytes",
    [
        _raw_post(b"/v1/check", _CHECK, _JSON).replace(b"Connection: close", b"Connection: keep-alive"),
        b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /v1/allowlist HTTP/1.1\r\nHost: x\r\n\r\n",
    ],
)
def test_a_client_that_half_closes_after_its_request_still_gets_the_answer(
    api: httpx.Client, request_bytes: bytes
) -> None:
    status, _, body = _comparable(_exchange(str(api.base_url), request_bytes, half_close=True))
    assert status == b"HTTP/1.1 200 OK"
    assert json.loads(body)


@pytest.mark.parametrize("settings", [ServiceSettings(cors_origins=("https://help.example",))])
def test_cors_allows_only_the_configured_origins(api: httpx.Client) -> None:
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    allowed = api.options("/v1/check", headers={"Origin": "https://help.example", **preflight})
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://help.example"
    refused = api.options("/v1/check", headers={"Origin": "https://evil.example", **preflight})
    assert "access-control-allow-origin" not in refused.headers
    simple = post(api, "/v1/check", {"value": "acmewallet.com"}, Origin="https://help.example")
    assert simple.headers["access-control-allow-origin"] == "https://help.example"


def test_without_cors_origins_no_cross_origin_headers(api: httpx.Client) -> None:
    response = post(api, "/v1/check", {"value": "acmewallet.com"}, Origin="https://help.example")
    assert "access-control-allow-origin" not in response.headers


def test_the_page_is_served_with_a_strict_content_security_policy(api: httpx.Client) -> None:
    page = api.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    missing = api.get("/static/../app.py")
    assert missing.status_code == 404
    assert api.get("/static/nothing.js").json()["error"]["code"] == "not_found"


def test_unknown_paths_and_methods_are_json_errors(api: httpx.Client) -> None:
    assert api.get("/v2/check").json()["error"]["code"] == "not_found"
    wrong = api.get("/v1/check")
    assert wrong.status_code == 405
    assert wrong.json()["error"]["code"] == "method_not_allowed"


def test_openapi_describes_every_endpoint(api: httpx.Client) -> None:
    document = api.get("/openapi.json").json()
    paths = document["paths"]
    assert set(paths) == {
        "/v1/check",
        "/v1/check/batch",
        "/v1/scan",
        "/v1/intake",
        "/v1/allowlist",
        "/healthz",
    }
    for path in ("/v1/check", "/v1/check/batch", "/v1/scan", "/v1/intake"):
        responses = paths[path]["post"]["responses"]
        assert set(responses) == {"200", "413", "422"}
        assert responses["422"]["content"]["application/json"]["schema"]["$ref"].endswith("ErrorResponse")


def test_intake_tags_a_pasted_seed_phrase_request_as_high_risk(api: httpx.Client) -> None:
    ticket = {
        "subject": "Acme support contacted me",
        "body": "They wrote: please send your 12-word recovery phrase to verify your Acme wallet.",
        "requester": "customer@example.org",
    }
    response = post(api, "/v1/intake", ticket)
    assert response.status_code == 200
    body = response.json()
    schemas.IntakeResponse.model_validate(body)
    assert body["risk"] == "high"
    assert "scam:seed-phrase-request" in body["tags"]
    assert "risk:high" in body["tags"]
    assert body["scan"]["risk"] == "high"


def test_intake_replies_in_the_tickets_language_when_no_language_is_asked(api: httpx.Client) -> None:
    ticket = {"subject": "求助", "body": "客服让我提供助记词来解冻我的阿克米钱包，这是真的吗？"}
    reply = post(api, "/v1/intake", ticket).json()["reply"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in reply)
    english = post(api, "/v1/intake", {**ticket, "lang": "en"}).json()["reply"]
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in english)


@pytest.mark.parametrize(
    ("ticket", "status", "code"),
    [
        ({"subject": "x"}, 422, "invalid_request"),
        ({"body": "x", "brand": "nosuch"}, 422, "unknown_brand"),
        ({"body": "x" * 200_001}, 422, "invalid_request"),
        ({"body": "x", "subject": 7}, 422, "invalid_request"),
    ],
)
def test_bad_tickets_get_a_clear_4xx(
    api: httpx.Client, ticket: dict[str, Any], status: int, code: str
) -> None:
    response = post(api, "/v1/intake", ticket)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.mark.parametrize("path", [b"/v1/check", b"/v1/scan", b"/v1/intake"])
def test_a_client_that_leaves_during_a_chunked_body_is_not_an_error(live: LiveAllowlist, path: bytes) -> None:
    # Nobody is left to answer: the server lets the request go without a traceback in its log.
    records = _Records()
    logger = logging.getLogger("uvicorn.error")
    try:
        with serving(create_service(live=live)) as base:
            logger.addHandler(records)  # after uvicorn's logging set-up, which replaces handlers
            host, port = base.removeprefix("http://").rsplit(":", 1)
            with socket.create_connection((host, int(port)), timeout=10) as sock:
                head = b"POST " + path + b" HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                sock.sendall(head + b'Transfer-Encoding: chunked\r\n\r\n5\r\n{"val\r\n')
                time.sleep(0.2)  # the app is reading the body when the client goes
            deadline = time.monotonic() + 1
            while time.monotonic() < deadline and not records.records:
                time.sleep(0.05)
            # the server still answers others afterwards
            with httpx.Client(base_url=base) as client:
                assert post(client, "/v1/check", {"value": "acmewallet.com"}).status_code == 200
    finally:
        logger.removeHandler(records)
    problems = [r for r in records.records if r.levelno >= logging.WARNING]
    assert not problems, [r.getMessage() + str(r.exc_info) for r in problems]
