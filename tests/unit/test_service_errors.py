"""The HTTP API's error messages in English and Simplified Chinese, chosen per request."""

from __future__ import annotations

import asyncio
import json
import tomllib
from importlib import resources
from typing import Any

import pytest
from pydantic import BaseModel

from verifier.allowlist.model import Allowlist
from verifier.integrations.intake import MAX_BODY_CHARS
from verifier.messages import has_text
from verifier.scan.scanner import MAX_SCAN_CHARS
from verifier.service import handlers, hotpath, schemas
from verifier.service.limits import BodySizeLimit, Message, Scope

EN = "en-US,en;q=0.9"
ZH = "zh-CN,zh;q=0.9"
JSON = "application/json"

# raw body, Content-Type, status, code, English message, Chinese message
CHECK_ERRORS = [
    (
        b'{"value": "x",',
        JSON,
        422,
        "invalid_request",
        "the body is not valid JSON: EOF while parsing a value at line 1 column 14",
        "请求体不是有效的 JSON（解析器报告：EOF while parsing a value at line 1 column 14）",
    ),
    (b"[1, 2]", JSON, 422, "invalid_request", "the body must be a JSON object", "请求体必须是一个 JSON 对象"),
    (
        b"value=x",
        "application/x-www-form-urlencoded",
        422,
        "invalid_request",
        "the body must be a JSON object sent with Content-Type: application/json"
        " (got application/x-www-form-urlencoded)",
        "请求体必须是 JSON 对象，并以 Content-Type: application/json 发送"
        "（收到的 Content-Type：application/x-www-form-urlencoded）",
    ),
    (
        b'{"value": "x"}',
        None,
        422,
        "invalid_request",
        "the body must be a JSON object sent with Content-Type: application/json (got (none))",
        "请求体必须是 JSON 对象，并以 Content-Type: application/json 发送（收到的 Content-Type：无）",
    ),
    (b"{}", JSON, 422, "invalid_request", "value: Field required", "缺少必填字段 value"),
    (
        b'{"value": "x", "colour": "red"}',
        JSON,
        422,
        "invalid_request",
        "colour: Extra inputs are not permitted",
        "不允许的字段 colour：请求中不能有这个字段",
    ),
    (
        b'{"value": 5}',
        JSON,
        422,
        "invalid_request",
        "value: Input should be a valid string",
        "字段 value 必须是字符串",
    ),
    (
        b'{"value": "' + b"a" * 3000 + b'"}',
        JSON,
        422,
        "invalid_request",
        "value: String should have at most 2048 characters",
        "字段 value 过长：最多 2048 个字符",
    ),
    (
        b'{"value": "x", "kind": "fax"}',
        JSON,
        422,
        "invalid_request",
        "kind: Input should be 'url', 'email', 'phone' or 'handle'",
        "字段 kind 的值无效：只能是 url / email / phone / handle",
    ),
    (
        b'{"value": "x", "brand": "nosuch"}',
        JSON,
        422,
        "unknown_brand",
        "unknown brand 'nosuch' (known: acme, zeta)",
        "未知的品牌 'nosuch'（已知品牌：acme, zeta）",
    ),
]


def _error(answer: handlers.Answer) -> tuple[int, dict[str, Any]]:
    status, body = answer
    document = json.loads(body)
    assert set(document) == {"error"}
    assert set(document["error"]) == {"code", "message", "details"}
    return status, document["error"]


@pytest.mark.parametrize(("raw", "content_type", "status", "code", "english", "chinese"), CHECK_ERRORS)
def test_check_errors_in_both_languages(
    allowlist: Allowlist,
    raw: bytes,
    content_type: str | None,
    status: int,
    code: str,
    english: str,
    chinese: str,
) -> None:
    for accept_language, message in [(EN, english), (None, english), (ZH, chinese)]:
        got_status, error = _error(handlers.answer_check(raw, content_type, accept_language, allowlist))
        assert (got_status, error["code"], error["message"]) == (status, code, message)


@pytest.mark.parametrize(("raw", "content_type", "status", "code", "english", "chinese"), CHECK_ERRORS)
def test_details_are_the_same_in_both_languages(
    allowlist: Allowlist,
    raw: bytes,
    content_type: str | None,
    status: int,
    code: str,
    english: str,
    chinese: str,
) -> None:
    _, in_english = _error(handlers.answer_check(raw, content_type, EN, allowlist))
    _, in_chinese = _error(handlers.answer_check(raw, content_type, ZH, allowlist))
    assert in_english["details"] == in_chinese["details"]


# raw body, Content-Type, Accept-Language, the language the message is in
LANGUAGE_CHOICE = [
    (b'{"value": "' + b"a" * 3000 + b'", "lang": "zh"}', JSON, EN, "zh"),  # the body's lang, though invalid
    (b'{"value": "x", "brand": "nosuch", "lang": "zh"}', JSON, EN, "zh"),
    (b'{"value": "x", "brand": "nosuch", "lang": "en"}', JSON, ZH, "en"),
    (b'{"value": "x", "lang": "zh-CN"}', JSON, EN, "zh"),  # not a schema value, but says Chinese
    (b'{"value": 5, "lang": "fr"}', JSON, ZH, "zh"),  # no en or zh in the body: Accept-Language
    (b'{"value": 5, "lang": 7}', JSON, ZH, "zh"),
    (b'{"value": "x", "lang": "zh"', JSON, EN, "en"),  # not JSON: Accept-Language only
    (b'{"value": "x", "lang": "zh"}', "text/plain", EN, "en"),  # wrong Content-Type: the same
    (b'{"value": "x", "lang": "zh"}', "text/plain", "fr-FR,zh-TW;q=0.4", "zh"),
]


@pytest.mark.parametrize(("raw", "content_type", "accept_language", "lang"), LANGUAGE_CHOICE)
def test_body_lang_then_accept_language(
    allowlist: Allowlist, raw: bytes, content_type: str, accept_language: str, lang: str
) -> None:
    _, error = _error(handlers.answer_check(raw, content_type, accept_language, allowlist))
    has_chinese = any("\u4e00" <= ch <= "\u9fff" for ch in error["message"])
    assert has_chinese is (lang == "zh"), error["message"]


# model, raw body: one request per pydantic error type the catalogue says in its own words
FIELD_ERRORS = [
    (schemas.CheckRequest, b"{}"),
    (schemas.CheckRequest, b'{"value": "x", "colour": 1}'),
    (schemas.CheckRequest, b'{"value": null}'),
    (schemas.CheckRequest, b'{"value": "x", "region": "USA"}'),
    (schemas.CheckRequest, b'{"value": "x", "lang": "fr"}'),
    (schemas.ScanRequest, b'{"text": "x", "html": []}'),
    (schemas.ScanRequest, b'{"text": "x", "html": "maybe"}'),
    (schemas.IntakeRequest, b'{"body": "x", "subject": 1}'),
]


@pytest.mark.parametrize(("model", "raw"), FIELD_ERRORS)
def test_english_field_messages_say_what_pydantic_says(model: type[BaseModel], raw: bytes) -> None:
    """The catalogue's English matches pydantic's ``msg``, so ``message`` and ``details`` agree."""
    answer = handlers.parse(raw, JSON, EN, model)
    assert isinstance(answer, tuple)
    _, error = _error(answer)
    problem = error["details"][0]
    assert has_text(f"api.field.{problem['type']}")  # not the fallback
    field = ".".join(problem["loc"][1:])
    assert error["message"] == f"{field}: {problem['msg']}"


@pytest.mark.parametrize(
    ("raw", "chinese"),
    [
        (b'{"text": "x", "html": []}', "字段 html 必须是布尔值（true 或 false）"),
        (b'{"text": "x", "html": "maybe"}', "字段 html 必须是布尔值（true 或 false），无法识别所给的值"),
        (b'{"text": "x", "lang": "fr"}', "字段 lang 的值无效：只能是 en / zh"),
        (b'{"html": true}', "缺少必填字段 text"),
    ],
)
def test_scan_field_messages_in_chinese(raw: bytes, chinese: str) -> None:
    answer = handlers.parse(raw, JSON, ZH, schemas.ScanRequest)
    assert isinstance(answer, tuple)
    assert _error(answer)[1]["message"] == chinese


def test_the_intake_field_called_body_is_named() -> None:
    for accept_language, message in [(EN, "body: Field required"), (ZH, "缺少必填字段 body")]:
        answer = handlers.parse(b'{"subject": "x"}', JSON, accept_language, schemas.IntakeRequest)
        assert isinstance(answer, tuple)
        assert _error(answer)[1]["message"] == message


def test_a_rare_error_type_keeps_pydantics_words_and_names_the_field() -> None:
    problem = {"type": "string_pattern_mismatch", "msg": "String should match pattern '^a'"}
    assert handlers.field_problem("value", problem, "en") == "value: String should match pattern '^a'"
    assert handlers.field_problem("value", problem, "zh") == "字段 value：String should match pattern '^a'"


def test_scan_errors_in_both_languages(allowlist: Allowlist) -> None:
    unknown = schemas.ScanRequest(text="hello", brand="nosuch")
    assert _error(handlers.answer_scan(unknown, ZH, allowlist)) == (
        422,
        {"code": "unknown_brand", "message": "未知的品牌 'nosuch'（已知品牌：acme, zeta）", "details": None},
    )
    # Over the scan bound (the schema refuses it first; the answer still says it plainly).
    size = MAX_SCAN_CHARS + 1
    too_long = schemas.ScanRequest.model_construct(text="a" * size, brand=None, lang="zh", html=False)
    status, error = _error(handlers.answer_scan(too_long, EN, allowlist))
    assert (status, error["code"]) == (413, "too_large")
    assert error["message"] == f"文本过大，无法扫描（{size} 个字符；上限 {MAX_SCAN_CHARS}）。"
    status, error = _error(handlers.answer_scan(too_long.model_copy(update={"lang": None}), EN, allowlist))
    assert error["message"] == f"The text is too large to scan ({size} characters; at most {MAX_SCAN_CHARS})."


def test_intake_errors_in_both_languages(allowlist: Allowlist) -> None:
    size = MAX_BODY_CHARS + 1
    ticket = schemas.IntakeRequest.model_construct(
        subject="s", body="a" * size, requester=None, brand=None, lang=None
    )
    status, error = _error(handlers.answer_intake(ticket, ZH, allowlist))
    assert (status, error["code"]) == (413, "too_large")
    assert error["message"] == f"工单的 body 过长（{size} 个字符；上限 {MAX_BODY_CHARS}）。"
    _, error = _error(handlers.answer_intake(ticket, None, allowlist))  # a webhook: English
    assert error["message"] == f"The ticket's body is too long ({size} characters; at most {MAX_BODY_CHARS})."

    not_text = ticket.model_copy(update={"body": 42})
    assert _error(handlers.answer_intake(not_text, ZH, allowlist))[1]["message"] == "工单的 body 必须是文本。"

    unknown = schemas.IntakeRequest(body="hello", brand="nosuch", lang="zh")
    assert _error(handlers.answer_intake(unknown, EN, allowlist))[1]["message"] == (
        "未知的品牌 'nosuch'（已知品牌：acme, zeta）"
    )


def test_internal_error_in_both_languages() -> None:
    assert _error(handlers.internal_error(ZH)) == (
        500,
        {"code": "internal", "message": "服务器在查询时出错，错误已记录", "details": None},
    )
    assert (
        _error(handlers.internal_error(None))[1]["message"] == "the check failed on the server; it was logged"
    )


class _Live:
    def current(self) -> Allowlist:
        raise RuntimeError("a bug")


def _call(
    app: Any, headers: list[tuple[bytes, bytes]], body: bytes, path: str = "/v1/check"
) -> list[Message]:
    """Run one request through an ASGI app; return what it sent."""
    sent: list[Message] = []
    scope: Scope = {"type": "http", "method": "POST", "path": path, "headers": headers}

    async def receive() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent


async def _unreachable(scope: Scope, receive: Any, send: Any) -> None:
    raise AssertionError("the request should have been answered before the application")


def test_the_hot_paths_500_follows_accept_language(caplog: pytest.LogCaptureFixture) -> None:
    service = hotpath.CheckHotPath(_unreachable, _Live(), max_bytes=1000, cors=False)  # type: ignore[arg-type]
    headers = [(b"content-type", b"application/json"), (b"content-length", b"2"), (b"accept-language", b"zh")]
    sent = _call(service, headers, b"{}")
    assert sent[0]["status"] == 500
    assert json.loads(sent[1]["body"])["error"]["message"] == "服务器在查询时出错，错误已记录"
    assert "POST /v1/check failed" in caplog.text


@pytest.mark.parametrize(
    ("headers", "status", "code", "message"),
    [
        ([(b"content-length", b"5000")], 413, "too_large", "request body is larger than 4,096 bytes"),
        (
            [(b"content-length", b"5000"), (b"accept-language", b"zh-CN")],
            413,
            "too_large",
            "请求体超过 4,096 字节的上限",
        ),
        (
            [(b"accept-language", b"zh-CN"), (b"content-length", b"lots")],
            400,
            "bad_request",
            "Content-Length 请求头不是数字",
        ),
        ([(b"content-length", b"lots")], 400, "bad_request", "Content-Length is not a number"),
    ],
)
def test_the_size_limit_refuses_in_the_asked_language(
    headers: list[tuple[bytes, bytes]], status: int, code: str, message: str
) -> None:
    sent = _call(BodySizeLimit(_unreachable, max_bytes=4096), headers, b"")
    assert sent[0]["status"] == status
    assert json.loads(sent[1]["body"]) == {"error": {"code": code, "message": message, "details": None}}


def test_every_api_message_is_in_both_languages() -> None:
    text = resources.files("verifier.data").joinpath("messages.toml").read_text("utf-8")
    entries = {
        code: entry for code, entry in tomllib.loads(text).items() if code.startswith(("api.", "brand."))
    }
    assert len(entries) > 15
    for code, entry in entries.items():
        assert set(entry) == {"en", "zh"}, code
        assert any("\u4e00" <= ch <= "\u9fff" for ch in entry["zh"]), code
