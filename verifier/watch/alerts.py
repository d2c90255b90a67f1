"""What the watcher reports: one Alert per name and certificate, as a JSON line or a line of
text, and optionally POSTed to a webhook."""

from __future__ import annotations

import json
import queue
import random
import threading
import time
from dataclasses import dataclass

import httpx

from verifier.channels.weburl import NotAWebURL, parse_web_url
from verifier.watch.errors import WatchError
from verifier.watch.fetch import USER_AGENT


@dataclass(frozen=True, slots=True)
class Alert:
    name: str
    verdict: str
    brand: str | None
    matched: str | None
    technique: str | None
    log: str
    index: int
    cert_sha256: str
    not_before: str
    issuer: str
    precert: bool
    name_unicode: str = ""  # the name as a browser shows it (IDN), when it differs

    def to_dict(self) -> dict[str, str | int | bool | None]:
        return {
            "name": self.name,
            "name_unicode": self.name_unicode or self.name,
            "verdict": self.verdict,
            "brand": self.brand,
            "matched": self.matched,
            "technique": self.technique,
            "log": self.log,
            "index": self.index,
            "cert_sha256": self.cert_sha256,
            "not_before": self.not_before,
            "issuer": self.issuer,
            "precert": self.precert,
        }

    def json_line(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))

    def text_line(self) -> str:
        """One line for people; the name is ASCII (A-labels), nothing in it can forge a line."""
        how = self.technique or self.verdict
        target = f"{self.brand} ({self.matched})" if self.brand else "-"
        shown = self.name_unicode
        name = f"{self.name} ({shown})" if shown and shown != self.name and shown.isprintable() else self.name
        return (
            f"{self.verdict.upper()} {name} imitates {target} [{how}] "
            f"cert {self.cert_sha256[:16]} from {self.not_before} by {self.issuer!r} "
            f"({self.log} #{self.index})"
        )


def check_webhook_url(url: str) -> str:
    """A webhook must be https, or http to the local machine (a relay the user runs)."""
    try:
        parts = parse_web_url(url)  # as a browser reads it; the serialized form is what is used
    except NotAWebURL:
        parts = None
    if parts is not None and parts.scheme == "https":
        return parts.href
    if parts is not None and parts.scheme == "http" and parts.hostname in {"127.0.0.1", "::1", "localhost"}:
        return parts.href
    raise WatchError("the webhook must be an https URL (or http to 127.0.0.1 / localhost)")


class Webhook:
    """POSTs each alert as JSON from a thread of its own (a slow receiver never holds up the
    logs), in order; retried with jittered backoff on errors, 429 and 5xx. An alert that fails
    every try is counted in ``failed`` and the rest go on. ``close()`` delivers what is queued."""

    def __init__(
        self, url: str, client: httpx.Client, *, retries: int = 4, backoff: float = 1.0, timeout: float = 10.0
    ) -> None:
        self.url = check_webhook_url(url)
        self.client = client
        self.retries = retries
        self.backoff = backoff
        self.timeout = timeout
        self.sent = 0
        self.failed = 0
        self._queue: queue.Queue[Alert | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="verifier-watch-webhook", daemon=True)
        self._thread.start()

    def __call__(self, alert: Alert) -> None:
        self._queue.put(alert)

    def close(self, timeout: float | None = None) -> None:
        """Deliver the queued alerts (waiting at most ``timeout`` seconds), then stop."""
        self._queue.put(None)
        self._thread.join(timeout)

    def _run(self) -> None:
        while (alert := self._queue.get()) is not None:
            self.deliver(alert)

    def body(self, alert: Alert) -> bytes:
        """What is POSTed for ``alert``: its JSON line."""
        return alert.json_line().encode()

    def deliver(self, alert: Alert) -> bool:
        """POST one alert now, with the retries; whether it was accepted."""
        for attempt in range(self.retries + 1):
            try:
                response = self.client.post(
                    self.url,
                    content=self.body(alert),
                    headers={"Content-Type": "application/json", "User-Agent": USER_AGENT},
                    timeout=httpx.Timeout(self.timeout),
                )
                if response.status_code < 300:
                    self.sent += 1
                    return True
                if response.status_code != 429 and response.status_code < 500:
                    break  # the receiver refuses this alert; trying again changes nothing
            except httpx.HTTPError:
                pass
            if attempt < self.retries:
                time.sleep(self.backoff * 2.0**attempt * random.uniform(0.5, 1.0))
        self.failed += 1
        return False


TELEGRAM_API = "https://api.telegram.org"


class TelegramAlerts(Webhook):
    """Each alert as a message to one Telegram chat, through the Bot API's ``sendMessage``
    (token from the environment, never the command line), with the webhook's order and retries.
    The names are written defanged ("evil[.]com") so the chat app does not make them links."""

    def __init__(self, token: str, chat_id: str, client: httpx.Client, *, api: str = TELEGRAM_API) -> None:
        if not token or "/" in token or not chat_id:
            raise WatchError("a Telegram bot token (VERIFIER_TELEGRAM_TOKEN) and a chat id are needed")
        self.chat_id = chat_id
        super().__init__(f"{api}/bot{token}/sendMessage", client)

    def body(self, alert: Alert) -> bytes:
        name = alert.name_unicode or alert.name
        target = f" imitates {alert.matched} [{alert.technique}]" if alert.matched else ""
        text = (
            f"{alert.verdict.upper()}: {_defanged(name)}{target}\n"
            f"certificate {alert.cert_sha256[:16]} from {alert.not_before} ({alert.log} #{alert.index})"
        )
        payload = {"chat_id": self.chat_id, "text": text, "disable_web_page_preview": True}
        return json.dumps(payload, ensure_ascii=False).encode()


def _defanged(host: str) -> str:
    return host.replace(".", "[.]")
