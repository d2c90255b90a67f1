"""The error lines of ``verifier check`` and ``verifier scan`` in English and Simplified Chinese.

Every case runs both ways, ``--lang en`` (the wording tests and docs rely on) and ``--lang zh``,
and compares the whole of stderr. Fetch failures come from the real ``fetch_page`` on an
``httpx.MockTransport`` with a fixed resolver: nothing leaves the host.
"""

from __future__ import annotations

import socket
import sys
import tomllib
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from verifier.allowlist.store import default_allowlist
from verifier.cli import MAX_SCAN_CHARS, app, main, quick_check_arguments
from verifier.net import page

runner = CliRunner()
PUBLIC = "93.184.216.34"


def known() -> str:
    return ", ".join(sorted(default_allowlist().brands))


def run(args: list[str], lang: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, [*args, "--lang", lang], input=stdin)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_unknown_brand_in_check_is_said_in_the_asked_language_both_ways(
    lang: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = {
        "en": f"Error: unknown brand 'nosuch' (known: {known()})\n",
        "zh": f"错误：未知的品牌 'nosuch'（已知品牌：{known()}）\n",
    }[lang]
    argv = ["check", "tokenpocket.pro", "--brand", "nosuch", "--lang", lang]
    assert run(argv[:-2], lang) == (2, "", expected)
    assert quick_check_arguments(argv) is not None
    monkeypatch.setattr(sys, "argv", ["verifier", *argv])
    with pytest.raises(SystemExit) as exit_info:
        main()
    quick = capsys.readouterr()
    assert (exit_info.value.code, quick.out, quick.err) == (2, "", expected)


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "big.txt").write_text("a" * (MAX_SCAN_CHARS + 1), "utf-8")
    (tmp_path / "note.txt").write_text("hello", "utf-8")
    return tmp_path


LONG_NAME = "n" * 300  # longer than any file name may be: the system's ENAMETOOLONG

# (arguments, stdin, English line, Chinese line); {dir} is a temporary directory, {known} the
# shipped allowlist's brand ids.
SCAN_CASES = [
    pytest.param(
        ["scan", "-", "--brand", "nosuch"],
        "hello",
        "Error: unknown brand 'nosuch' (known: {known})",
        "错误：未知的品牌 'nosuch'（已知品牌：{known}）",
        id="unknown-brand",
    ),
    pytest.param(
        ["scan", "{dir}/missing.txt"],
        None,
        "Error: cannot read {dir}/missing.txt: No such file or directory",
        "错误：无法读取 {dir}/missing.txt：文件或目录不存在",
        id="missing",
    ),
    pytest.param(
        ["scan", "{dir}"],
        None,
        "Error: cannot read {dir}: Is a directory",
        "错误：无法读取 {dir}：这是一个目录，不是文件",
        id="directory",
    ),
    pytest.param(
        ["scan", "{dir}/note.txt/inside"],
        None,
        "Error: cannot read {dir}/note.txt/inside: Not a directory",
        "错误：无法读取 {dir}/note.txt/inside：路径中有一部分不是目录",
        id="not-a-directory",
    ),
    pytest.param(
        ["scan", "{dir}/" + LONG_NAME],
        None,
        "Error: cannot read {dir}/" + LONG_NAME + ": File name too long",
        "错误：无法读取 {dir}/" + LONG_NAME + "：File name too long",  # no translation: the system's words
        id="name-too-long",
    ),
    pytest.param(
        ["scan", "{dir}/big.txt"],
        None,
        "Error: {dir}/big.txt is too large to scan (at most 2,000,000 characters)",
        "错误：{dir}/big.txt 过大，无法扫描（上限 2,000,000 个字符）",
        id="too-large",
    ),
    pytest.param(
        ["scan", "https://scam.test/page"],
        None,
        "Error: https://scam.test/page is a URL: add --online to fetch and scan the page",
        "错误：https://scam.test/page 是一个网址：加上 --online 才会获取并扫描这个网页",
        id="url-offline",
    ),
    pytest.param(
        ["scan", "ftp://scam.test/", "--online"],
        None,
        "Error: only http:// and https:// pages can be fetched",
        "错误：只能获取 http:// 和 https:// 网页",
        id="not-http",
    ),
    pytest.param(
        ["scan", "http://127.0.0.1:9/", "--online"],
        None,
        "Error: 127.0.0.1 is a non-public address (127.0.0.1); refusing to fetch it",
        "错误：127.0.0.1 是非公网地址（127.0.0.1），拒绝获取",
        id="non-public",
    ),
    pytest.param(
        ["scan", "https://user:pw@scam.test/", "--online"],
        None,
        "Error: a URL with user:password@ before the host is refused",
        "错误：拒绝获取主机名前带有 user:password@ 的网址",
        id="userinfo",
    ),
    pytest.param(
        ["scan", "http://[::1", "--online"],
        None,
        "Error: not a valid URL: 'http://[::1'",
        "错误：不是有效的网址：'http://[::1'",
        id="invalid-url",
    ),
    pytest.param(
        ["scan", "https://scam.test/" + "a" * 3000, "--online"],
        None,
        "Error: the URL is too long",
        "错误：网址过长",
        id="url-too-long",
    ),
]


@pytest.mark.parametrize(("args", "stdin", "english", "chinese"), SCAN_CASES)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_scan_errors_are_said_in_the_asked_language(
    files: Path, lang: str, args: list[str], stdin: str | None, english: str, chinese: str
) -> None:
    fill = {"dir": str(files), "known": known()}
    expected = (english if lang == "en" else chinese).format_map(fill)
    code, out, err = run([word.format_map(fill) for word in args], lang, stdin)
    assert (code, out, err) == (2, "", expected + "\n")


def _page_server(request: httpx.Request) -> httpx.Response:
    """Stands in for public web pages, by path."""
    path = request.url.path
    if path == "/gone":
        return httpx.Response(404)
    if path.startswith("/loop"):
        return httpx.Response(302, headers={"location": f"/loop{len(path)}"})
    if path == "/big":
        return httpx.Response(200, content=b"a" * 5000)
    if path == "/long":
        return httpx.Response(200, text="a" * (MAX_SCAN_CHARS + 1))
    if path == "/down":
        raise httpx.ConnectError("connection refused", request=request)
    return httpx.Response(200, text="hello")


FetchPage = Callable[..., page.Page]


@pytest.fixture
def offline_pages(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """``fetch_page`` as the CLI calls it, against ``_page_server`` and a fixed resolver."""
    real: FetchPage = page.fetch_page
    client = httpx.Client(transport=httpx.MockTransport(_page_server))
    table = {"scam.test": [PUBLIC], "nowhere.test": []}

    def fetch(url: str) -> page.Page:
        timeout = -1.0 if url.endswith("/slow") else 10.0  # past its deadline at the first chunk
        max_bytes = 3 * MAX_SCAN_CHARS if url.endswith("/long") else 4000  # /long reaches the CLI's limit
        return real(url, client=client, resolve=lambda h, p: table[h], max_bytes=max_bytes, timeout=timeout)

    monkeypatch.setattr(page, "fetch_page", fetch)
    yield
    client.close()


FETCH_CASES = [
    pytest.param(
        "http://scam.test/gone",
        "Error: http://scam.test/gone answered HTTP 404",
        "错误：http://scam.test/gone 返回了 HTTP 404",
        id="http-404",
    ),
    pytest.param(
        "http://scam.test/loop",
        "Error: more than 3 redirects from http://scam.test/loop",
        "错误：http://scam.test/loop 的重定向超过 3 次",
        id="redirects",
    ),
    pytest.param(
        "http://scam.test/big",
        "Error: http://scam.test/big is larger than 4,000 bytes",
        "错误：http://scam.test/big 超过 4,000 字节的上限",
        id="larger-than-limit",
    ),
    pytest.param(
        "http://scam.test/slow",
        "Error: http://scam.test/slow took longer than the time limit",
        "错误：获取 http://scam.test/slow 超过了时间限制",
        id="too-slow",
    ),
    pytest.param(
        "http://scam.test/down",
        "Error: cannot fetch http://scam.test/down: connection refused",
        "错误：无法获取 http://scam.test/down（错误信息：connection refused）",
        id="connect-failed",
    ),
    pytest.param(
        "http://nowhere.test/",
        "Error: nowhere.test has no address",
        "错误：nowhere.test 没有任何 IP 地址",
        id="no-address",
    ),
    pytest.param(
        "http://scam.test/long",
        "Error: http://scam.test/long is too large to scan (at most 2,000,000 characters)",
        "错误：http://scam.test/long 过大，无法扫描（上限 2,000,000 个字符）",
        id="too-large-to-scan",
    ),
]


@pytest.mark.parametrize(("url", "english", "chinese"), FETCH_CASES)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_fetch_failures_are_said_in_the_asked_language(
    offline_pages: None, lang: str, url: str, english: str, chinese: str
) -> None:
    expected = english if lang == "en" else chinese
    assert run(["scan", url, "--online"], lang) == (2, "", expected + "\n")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_name_that_does_not_resolve_is_said_in_the_asked_language(
    lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_answer(*args: object, **kwargs: object) -> None:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_answer)
    expected = {
        "en": "Error: cannot resolve scam.test: Name or service not known\n",
        "zh": "错误：无法解析域名 scam.test（系统报告：Name or service not known）\n",
    }[lang]
    assert run(["scan", "https://scam.test/", "--online"], lang) == (2, "", expected)


def test_every_cli_and_fetch_message_is_in_both_languages() -> None:
    catalogue = resources.files("verifier.data").joinpath("messages.toml").read_text("utf-8")
    entries = {
        code: entry
        for code, entry in tomllib.loads(catalogue).items()
        if code.startswith(("cli.", "fetch.", "brand."))
    }
    assert len(entries) > 20
    for code, entry in entries.items():
        assert set(entry) == {"en", "zh"}, code
        assert any("\u4e00" <= ch <= "\u9fff" for ch in entry["zh"]), code
