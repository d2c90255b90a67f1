"""Screenshots of the help-site page answering ``tokenpocket-support.com``, for the docs.

Starts the service on a free loopback port with the shipped allowlist, opens the page in
Debian's headless Chromium (Playwright drives it) in English and in 简体中文, and writes
docs/img/page-lookalike-en.png and docs/img/page-lookalike-zh.png.

    .venv/bin/python docs/screenshot.py [--out docs/img] [--chromium /usr/bin/chromium]

Needs the dev extra (playwright), the chromium package and a CJK font for the Chinese page
(Debian: ``apt-get install chromium fonts-wqy-microhei``).
"""

from __future__ import annotations

import argparse
import os
import socket
import tempfile
import threading
from pathlib import Path

import uvicorn
from playwright.sync_api import sync_playwright

from verifier.service import ServiceSettings, create_service

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
]
VALUE = "tokenpocket-support.com"
WIDTH = 960


def serve() -> tuple[uvicorn.Server, threading.Thread, str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(create_service(ServiceSettings()), log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        thread.join(0.05)
    return server, thread, f"http://127.0.0.1:{sock.getsockname()[1]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "img")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    # The screenshots must not read or write the user's own verifier state.
    os.environ["VERIFIER_STATE_DIR"] = tempfile.mkdtemp(prefix="verifier-screenshot-")
    server, thread, base = serve()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
            for lang, locale in (("en", "en-US"), ("zh", "zh-CN")):
                page = browser.new_page(viewport={"width": WIDTH, "height": 900}, locale=locale)
                page.goto(base + "/")
                page.wait_for_selector("#brand option[value=tokenpocket]", state="attached")
                page.fill("#value", VALUE)
                page.press("#value", "Enter")
                page.wait_for_selector(".official-list")
                path = args.out / f"page-lookalike-{lang}.png"
                # the form and the answer; the tips and footer below add nothing to the picture
                bottom = page.evaluate("document.querySelector('#result').getBoundingClientRect().bottom")
                clip = {"x": 0, "y": 0, "width": WIDTH, "height": bottom + 16}
                page.screenshot(path=str(path), full_page=True, clip=clip)
                print(f"wrote {path} ({path.stat().st_size // 1024} KiB)")
                page.close()
            browser.close()
    finally:
        server.should_exit = True
        thread.join(10)


if __name__ == "__main__":
    main()
