"""The help-site page and the widget in real headless Chromium, against a real uvicorn server.

The service runs on 127.0.0.1 with the shipped allowlist; Debian's chromium is driven by
Playwright. Host pages for the widget come from two more local HTTP servers, one whose
origin the service allows (CORS) and one it does not.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import threading
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.integration.live_server import serving
from verifier.service import ServiceSettings, create_service

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
]
SHIPPED_BUNDLE = Path(__file__).parents[2] / "verifier" / "data" / "allowlist.json"
LOOKALIKE = "tokenpocket-support.com"
SEED_DM = (
    "Hello, this is TokenPocket support.\n"
    "Your wallet has been flagged. To restore it, please send me your 12-word seed phrase\n"
    "and install AnyDesk so our engineer can fix it."
)
SEED_DM_ZH = "您好，我是TP钱包官方客服。您的钱包已被冻结，请提供助记词进行验证，并下载向日葵远程协助。"

# Records CSP violations in every frame (the console shows them too; this says which directive).
CSP_WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
});
"""

# WCAG 2 contrast of every visible text against its nearest opaque background.
CONTRAST = """
(root) => {
  const parse = (c) => {
    const m = c.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  };
  const channel = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const lum = (c) => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a >= 1) return c;
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  };
  const failures = [];
  const seen = new Set();
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!walker.currentNode.textContent.trim() || seen.has(el)) continue;
    seen.add(el);
    if (!el.getClientRects().length || el.closest(".visually-hidden")) continue;
    const style = getComputedStyle(el);
    const fg = parse(style.color);
    const bg = background(el);
    const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
    const ratio = (hi + 0.05) / (lo + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) {
      const text = el.textContent.trim().slice(0, 40);
      failures.push(`${ratio.toFixed(2)} ${style.color} on ${JSON.stringify(bg)}: ${text}`);
    }
  }
  return failures;
}
"""


# ---- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's chromium; missing it skips these tests on a developer machine, fails them in CI."""
    if Path(CHROMIUM).exists():
        return CHROMIUM
    reason = f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI=true, so the browser tests may not be skipped")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[Browser]:
    # Module scope: Playwright's sync API keeps an asyncio loop running in this thread while it
    # is open, and later tests that call asyncio.run() must not find one.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def static_server(directory: Path) -> Iterator[str]:
    """A plain HTTP server for host pages: another origin than the service."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@dataclass(frozen=True)
class Sites:
    api: str  # the service: page, API and widget.js
    help_centre: str  # a host page origin the service allows
    elsewhere: str  # a host page origin it does not
    www: Path  # what both host servers serve


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sites]:
    www = tmp_path_factory.mktemp("www")
    with (
        pytest.MonkeyPatch.context() as patch,
        static_server(www) as help_centre,
        static_server(www) as elsewhere,
    ):
        # The module's server gets its own state directory, like every test does.
        patch.setenv("VERIFIER_STATE_DIR", str(tmp_path_factory.mktemp("service-state")))
        with serving(create_service(ServiceSettings(cors_origins=(help_centre,)))) as api:
            yield Sites(api, help_centre, elsewhere, www)


@dataclass
class Tab:
    """A page with its console errors and CSP violations recorded."""

    page: Page
    errors: list[str]

    def violations(self) -> list[str]:
        return list(self.page.evaluate("window.__csp || []"))


OpenTab = Callable[..., Tab]


@pytest.fixture
def open_tab(browser: Browser) -> Iterator[OpenTab]:
    """Open pages in fresh contexts; at teardown none may have logged an error or a CSP violation."""
    tabs: list[tuple[Tab, bool]] = []
    contexts = []

    def open_(
        url: str,
        *,
        locale: str = "en-US",
        width: int = 1024,
        height: int = 800,
        errors_expected: bool = False,
    ) -> Tab:
        context = browser.new_context(locale=locale, viewport={"width": width, "height": height})
        context.add_init_script(CSP_WATCH)
        contexts.append(context)
        page = context.new_page()
        tab = Tab(page, [])
        page.on("console", lambda message: message.type == "error" and tab.errors.append(message.text))
        page.on("pageerror", lambda error: tab.errors.append(f"uncaught: {error}"))
        page.goto(url)
        tabs.append((tab, errors_expected))
        return tab

    yield open_
    try:
        for tab, errors_expected in tabs:
            if not errors_expected:
                assert tab.errors == [], "console errors"
                assert tab.violations() == [], "CSP violations"
    finally:
        for context in contexts:
            context.close()


def open_page(open_tab: OpenTab, sites: Sites, **options: Any) -> Page:
    """The help-site page, once the brands from /v1/allowlist fill the select."""
    page = open_tab(sites.api + "/", **options).page
    expect(page.locator("#brand option[value=tokenpocket]")).to_be_attached()
    return page


def ask_with_keyboard(page: Page, text: str) -> None:
    page.locator("#value").focus()
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def allowlist_document(sites: Sites) -> dict[str, Any]:
    with urllib.request.urlopen(sites.api + "/v1/allowlist", timeout=10) as response:
        document: dict[str, Any] = json.load(response)
    return document


# ---- the page -----------------------------------------------------------------------------------


def test_lookalike_in_english_then_chinese(open_tab: OpenTab, sites: Sites) -> None:
    page = open_page(open_tab, sites, locale="en-US")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    ask_with_keyboard(page, LOOKALIKE)

    verdict = page.locator("#result [data-verdict]").first
    expect(verdict).to_have_attribute("data-verdict", "lookalike")
    expect(verdict.locator(".verdict-title")).to_have_text("Fake: imitates an official channel")
    expect(verdict.locator(".verdict-icon")).to_have_text("!")
    expect(page.locator("#result .matched")).to_have_text("tokenpocket.pro")
    expect(page.locator("#result .reasons li[data-code='lookalike.combosquat']")).to_contain_text(
        "adds words to TokenPocket's name"
    )

    page.locator("#lang-toggle").focus()
    page.keyboard.press("Enter")

    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.locator("label[for=value]")).to_have_text("号码、链接、账号或消息")
    expect(verdict.locator(".verdict-title")).to_have_text("假冒：模仿官方渠道")
    # the reasons are asked again, in Chinese
    expect(page.locator("#result .reasons li")).to_contain_text("官方地址是 tokenpocket.pro")
    expect(page.locator("#lang-toggle")).to_have_text("English")


def test_chinese_browser_gets_chinese_by_default(open_tab: OpenTab, sites: Sites) -> None:
    page = open_page(open_tab, sites, locale="zh-CN")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.locator("h1")).to_have_text("这真的是钱包的官方客服吗？")
    expect(page).to_have_title("这真的是官方客服吗？· verifier")

    ask_with_keyboard(page, LOOKALIKE)

    expect(page.locator("#result .verdict-title")).to_have_text("假冒：模仿官方渠道")
    expect(page.locator("#result .reasons li")).to_contain_text("在 TokenPocket 的名称上添加词语")


def test_lang_in_the_address_wins_and_follows_the_toggle(open_tab: OpenTab, sites: Sites) -> None:
    page = open_tab(sites.api + "/?lang=zh", locale="en-US").page
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    page.locator("#lang-toggle").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.url.endswith("/?lang=en")


def test_official_domain_is_official_without_warnings(open_tab: OpenTab, sites: Sites) -> None:
    page = open_page(open_tab, sites)
    ask_with_keyboard(page, "tokenpocket.pro")

    expect(page.locator("#result .verdict")).to_have_attribute("data-verdict", "official")
    expect(page.locator("#result .verdict-title")).to_have_text("Official")
    expect(page.locator("#result .verdict-icon")).to_have_text("✓")
    expect(page.locator("#result .matched")).to_have_text("tokenpocket.pro")
    expect(page.locator("#result aside.official")).to_have_count(0)
    expect(page.locator("#allowlist-banner")).to_be_hidden()


def test_negative_verdict_lists_the_brands_official_channels(open_tab: OpenTab, sites: Sites) -> None:
    page = open_page(open_tab, sites)
    ask_with_keyboard(page, LOOKALIKE)

    aside = page.locator("#result aside.official[data-brand=tokenpocket]")
    expect(aside.locator("h3")).to_have_text("TokenPocket's official channels")
    brand = next(b for b in allowlist_document(sites)["brands"] if b["id"] == "tokenpocket")
    expect(aside.locator(".official-value")).to_have_text([c["value"] for c in brand["channels"]])
    expect(aside.locator(".no-phone")).to_have_count(0)


def test_phone_number_for_a_brand_without_phone_support(open_tab: OpenTab, sites: Sites) -> None:
    document = allowlist_document(sites)
    brand = next(b for b in document["brands"] if b["no_phone_support"])
    page = open_page(open_tab, sites)
    page.locator("#brand").select_option(brand["id"])
    ask_with_keyboard(page, "+1 888 555 0142")

    expect(page.locator("#result .verdict")).to_have_attribute("data-verdict", "not_official")
    aside = page.locator(f"#result aside.official[data-brand={brand['id']}]")
    expect(aside.locator(".no-phone")).to_have_text(
        f"{brand['name']} has no phone support. Any phone number claiming to be its support is fake."
    )


@pytest.mark.parametrize(
    ("locale", "text", "title"),
    [
        ("en-US", SEED_DM, "High risk: this looks like a fake-support scam"),
        ("zh-CN", SEED_DM_ZH, "高风险：这很像假冒客服诈骗"),
    ],
)
def test_pasted_seed_phrase_dm_is_high_risk(
    open_tab: OpenTab, sites: Sites, locale: str, text: str, title: str
) -> None:
    page = open_page(open_tab, sites, locale=locale)
    page.locator("#value").fill(text)  # pasted, newlines and all
    page.locator("#value").press("Enter")

    expect(page.locator("#result .verdict")).to_have_attribute("data-verdict", "high")
    expect(page.locator("#result .verdict-title")).to_have_text(title)
    expect(page.locator("#result .patterns li[data-code='secret.seed_request']")).to_have_count(1)
    expect(page.locator("#result aside.official[data-brand=tokenpocket]")).to_be_visible()


def test_explicit_choice_reads_one_link_as_a_message(open_tab: OpenTab, sites: Sites) -> None:
    page = open_page(open_tab, sites)
    page.get_by_label("A whole message").check()
    ask_with_keyboard(page, LOOKALIKE)

    expect(page.locator("#result .read-as")).to_have_text("Read as a whole message.")
    expect(page.locator("#result .channels li[data-verdict=lookalike] code")).to_have_text(LOOKALIKE)


def test_api_error_message_is_shown(open_tab: OpenTab, sites: Sites) -> None:
    page = open_page(open_tab, sites, errors_expected=True)  # the 422 response is logged
    page.get_by_label("One number, link or handle").check()
    page.locator("#value").fill("x" * 3000)
    page.locator("#submit").click()

    expect(page.locator("#error")).to_be_visible()
    expect(page.locator("#error")).to_contain_text("value: String should have at most 2048 characters")
    expect(page.locator("#result [data-verdict]")).to_have_count(0)


def test_api_error_is_in_chinese_on_the_chinese_page(open_tab: OpenTab, sites: Sites) -> None:
    # An English browser on the Chinese page: the error follows the page, not the browser.
    page = open_tab(sites.api + "/?lang=zh", locale="en-US", errors_expected=True).page  # 422 logged
    expect(page.locator("#brand option[value=tokenpocket]")).to_be_attached()
    page.get_by_label("单个号码、链接或账号").check()
    page.locator("#value").fill("x" * 3000)
    page.locator("#submit").click()

    expect(page.locator("#error")).to_have_text("字段 value 过长：最多 2048 个字符")
    expect(page.locator("#result [data-verdict]")).to_have_count(0)


def test_a_paste_over_the_size_limit_is_refused_in_the_pages_language(open_tab: OpenTab) -> None:
    # The 413 is said before the body (and its lang) is read: the page's Accept-Language decides.
    with serving(create_service(ServiceSettings(max_body_bytes=4096))) as api:
        page = open_tab(api + "/?lang=zh", locale="en-US", errors_expected=True).page  # 413 logged
        expect(page.locator("#brand option[value=tokenpocket]")).to_be_attached()
        page.locator("#value").fill("请提供助记词。" * 1000)
        page.locator("#submit").click()

        expect(page.locator("#error")).to_have_text("请求体超过 4,096 字节的上限")


def test_empty_input_asks_for_something(open_tab: OpenTab, sites: Sites) -> None:
    page = open_page(open_tab, sites)
    page.locator("#value").press("Enter")
    expect(page.locator("#error")).to_have_text("Paste a number, link, handle or message first.")
    expect(page.locator("#value")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#value")).to_be_focused()


def test_unverified_allowlist_is_said_and_nothing_is_official(
    open_tab: OpenTab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle = json.loads(SHIPPED_BUNDLE.read_bytes())
    bundle["signatures"] = []
    unsigned = tmp_path / "unsigned.json"
    unsigned.write_text(json.dumps(bundle))
    with serving(create_service(ServiceSettings(allowlist_file=unsigned))) as api:
        page = open_tab(api + "/").page
        banner = page.locator("#allowlist-banner")
        expect(banner).to_be_visible()
        expect(banner).to_contain_text("not verified — nothing can be confirmed official")
        ask_with_keyboard(page, "tokenpocket.pro")
        expect(page.locator("#result .verdict")).not_to_have_attribute("data-verdict", "official")
        expect(page.locator("#result .note-unverified")).to_be_visible()
        expect(banner).to_contain_text("0 valid signature(s) from trusted keys, 2 required")
        page.locator("#lang-toggle").click()
        expect(banner).to_contain_text("原因：")
        expect(banner).to_contain_text("受信任密钥的有效签名有 0 个，至少需要 2 个")


def test_phone_screen_has_no_horizontal_scroll(open_tab: OpenTab, sites: Sites) -> None:
    for locale, text in (("en-US", LOOKALIKE), ("zh-CN", SEED_DM_ZH)):
        page = open_page(open_tab, sites, locale=locale, width=360, height=740)
        ask_with_keyboard(page, text)
        expect(page.locator("#result aside.official")).to_be_visible()
        widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1] == 360, locale


def test_keyboard_focus_is_visible_and_reaches_every_control(open_tab: OpenTab, sites: Sites) -> None:
    page = open_page(open_tab, sites)
    reached = []
    for _ in range(7):  # then the browser's own controls
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "(() => { const e = document.activeElement; const s = getComputedStyle(e);"
            " return [e.id || e.name || e.className || e.textContent, s.outlineStyle, s.outlineWidth]; })()"
        )
        reached.append(focused[0])
        assert focused[1] == "solid" and focused[2] == "3px", focused
    assert reached == ["skip-link", "lang-toggle", "value", "brand", "mode", "submit", "API documentation"]


def test_text_contrast_meets_wcag_aa(open_tab: OpenTab, sites: Sites) -> None:
    page = open_page(open_tab, sites)
    failures: list[str] = []
    for mode, text in (
        ("check", "tokenpocket.pro"),
        ("check", LOOKALIKE),
        ("check", "+86 400 123 4567"),
        ("check", "hello there"),
        ("scan", SEED_DM),
        ("scan", "see you tomorrow"),
    ):
        page.locator(f"input[name=mode][value={mode}]").check()
        page.locator("#value").fill(text)
        page.locator("#value").press("Enter")
        expect(page.locator("#result")).to_have_attribute("aria-busy", "false")
        failures += page.evaluate(CONTRAST, page.locator("body").element_handle())
    assert failures == []


def test_csp_violations_are_caught_by_these_tests(open_tab: OpenTab, sites: Sites) -> None:
    tab = open_tab(sites.api + "/", errors_expected=True)
    tab.page.evaluate(
        "document.body.append(Object.assign(document.createElement('style'), {textContent: 'p{}'}))"
    )
    expect(tab.page.locator("body")).to_be_visible()
    assert any(v.startswith("style-src") for v in tab.violations())
    assert any("Content Security Policy" in e for e in tab.errors)


# ---- the widget on a help centre's page ----------------------------------------------------------

HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Help centre</title><link rel="icon" href="data:,">
<style>* {{ color: rgb(255, 0, 0); font-size: 40px; }} button {{ background: rgb(0, 255, 0); }}</style>
</head><body>
<h1>Help centre</h1>
<div data-verifier-widget{brand}></div>
<script src="{api}/widget.js" data-verifier-lang="{lang}" async></script>
</body></html>
"""


def host_page(sites: Sites, name: str, *, lang: str, brand: str | None = None) -> str:
    brand_attribute = f' data-verifier-brand="{brand}"' if brand else ""
    (sites.www / name).write_text(HOST_PAGE.format(api=sites.api, lang=lang, brand=brand_attribute))
    return name


def test_widget_checks_from_another_origin(open_tab: OpenTab, sites: Sites) -> None:
    name = host_page(sites, "help-zh.html", lang="zh")
    page = open_tab(f"{sites.help_centre}/{name}").page
    widget = page.locator("[data-verifier-widget]")
    field = widget.get_by_label("这真的是官方客服吗？粘贴号码、链接、账号或消息")
    field.fill(LOOKALIKE)
    field.press("Enter")

    verdict = widget.locator(".verdict")
    expect(verdict).to_have_attribute("data-verdict", "lookalike")
    expect(verdict).to_have_text("!假冒：模仿官方渠道")
    expect(widget.locator(".result li").first).to_contain_text("tokenpocket.pro")
    expect(widget.locator(".official[data-brand=tokenpocket] code").first).to_have_text("tokenpocket.pro")
    # the help centre's CSS stays outside the shadow root
    assert widget.locator("button").evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(29, 78, 216)"
    assert widget.locator("label").evaluate("l => getComputedStyle(l).color") != "rgb(255, 0, 0)"
    assert widget.locator("label").evaluate("l => getComputedStyle(l).fontSize") == "15px"
    assert widget.locator(".title").evaluate("t => getComputedStyle(t).fontSize") == "16.5px"
    assert page.locator("h1").evaluate("h => getComputedStyle(h).color") == "rgb(255, 0, 0)"


def test_widget_in_english_with_a_brand_and_a_message(open_tab: OpenTab, sites: Sites) -> None:
    name = host_page(sites, "help-en.html", lang="en", brand="tokenpocket")
    page = open_tab(f"{sites.help_centre}/{name}", width=360).page
    widget = page.locator("[data-verifier-widget]")
    field = widget.locator("input")
    field.fill("please send me your seed phrase to unlock your wallet")
    field.press("Enter")

    expect(widget.locator(".verdict")).to_have_attribute("data-verdict", "high")
    expect(widget.locator(".verdict .title")).to_have_text("High risk: this looks like a fake-support scam")
    expect(widget.locator(".official[data-brand=tokenpocket]")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_widget_on_an_origin_the_service_does_not_allow(open_tab: OpenTab, sites: Sites) -> None:
    name = host_page(sites, "help-other.html", lang="en")
    tab = open_tab(f"{sites.elsewhere}/{name}", errors_expected=True)  # the browser logs the CORS refusal
    widget = tab.page.locator("[data-verifier-widget]")
    widget.locator("input").fill(LOOKALIKE)
    widget.locator("input").press("Enter")

    expect(widget.locator(".error")).to_have_text(
        f"The verifier service at {sites.api} could not be reached."
    )
    assert any("CORS" in error for error in tab.errors)
