"""``/docs`` renders offline: headless Chromium with every request off 127.0.0.1 refused (issue 18)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Route, expect, sync_playwright

from tests.integration.live_server import serving
from verifier.service import ServiceSettings, create_service
from verifier.service.app import create_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        reason = f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def test_docs_render_every_operation_without_the_network(browser: Browser) -> None:
    with serving(create_service(ServiceSettings())) as base:
        context = browser.new_context()
        refused: list[str] = []

        def only_this_service(route: Route) -> None:
            if route.request.url.startswith(base + "/"):
                route.continue_()
            else:
                refused.append(route.request.url)
                route.abort("internetdisconnected")

        context.route("**/*", only_this_service)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(base + "/?lang=zh")
        page.click("a[href='/docs']")  # the page's "API 文档" link
        page.wait_for_url(base + "/docs")
        operations = page.locator(".opblock-summary-path")
        expect(operations.first).to_be_visible(timeout=15_000)
        shown = {operations.nth(i).inner_text().strip() for i in range(operations.count())}
        assert {"/v1/check", "/v1/check/batch", "/v1/scan", "/v1/intake", "/v1/allowlist", "/healthz"} <= {
            path.replace("\u200b", "") for path in shown
        }
        # Expanding an operation shows its request body, from the service's own document.
        page.locator(".opblock-summary-path", has_text="/v1/check/batch").click()
        expect(page.locator(".opblock-body").first).to_contain_text("values")
        assert refused == [], refused
        assert errors == [], errors
        context.close()


def test_docs_assets_are_served_and_nothing_else_is() -> None:
    with serving(create_app()) as base:
        page = httpx.get(base + "/docs").text
        assert "cdn" not in page.lower() and "/docs/assets/swagger-ui-bundle.js" in page
        script = httpx.get(base + "/docs/assets/swagger-ui-bundle.js")
        assert script.status_code == 200
        assert script.headers["content-type"].startswith("text/javascript")
        assert "SwaggerUIBundle" in script.text
        assert "Apache License" in httpx.get(base + "/docs/assets/LICENSE").text
        assert httpx.get(base + "/docs/assets/swagger-editor-bundle.js").status_code == 404
        assert httpx.get(base + "/docs/assets/..%2F__init__.py").status_code == 404
