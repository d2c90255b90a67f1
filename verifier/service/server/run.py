"""Start uvicorn with the service; settings reach worker processes through one env variable."""

from __future__ import annotations

import gc
import json
import os
from pathlib import Path

import uvicorn

from verifier.service.app import DEFAULT_MAX_BODY, ServiceSettings, create_service
from verifier.service.hotpath import CheckHotPath
from verifier.service.observe import enable_access_log, shared_metrics
from verifier.service.server.protocol import http_protocol
from verifier.service.server.workers import Workers, reuse_port_supported

SETTINGS_ENV = "VERIFIER_SERVICE_SETTINGS"
ACCESS_LOG_ENV = "VERIFIER_ACCESS_LOG"


def settings_from_env() -> ServiceSettings:
    raw = json.loads(os.environ.get(SETTINGS_ENV) or "{}")
    return ServiceSettings(
        allowlist_file=Path(raw["allowlist_file"]) if raw.get("allowlist_file") else None,
        cors_origins=tuple(raw.get("cors_origins", ())),
        max_body_bytes=int(raw.get("max_body_bytes", DEFAULT_MAX_BODY)),
        access_log=bool(raw.get("access_log", True)),
    )


def app_from_env() -> CheckHotPath:
    """The application factory uvicorn calls in each worker process."""
    settings = settings_from_env()
    if settings.access_log:
        enable_access_log()
    app = create_service(settings)
    # The bundle, its indexes and the imported modules live as long as the process: keep them
    # out of the collector's scans, which otherwise pause requests under load.
    gc.freeze()
    return app


def run(
    *,
    host: str,
    port: int,
    cors_origins: tuple[str, ...] = (),
    allowlist_file: Path | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY,
    workers: int = 1,
) -> None:
    """Serve until interrupted. Several workers each load and verify the bundle themselves."""
    os.environ[SETTINGS_ENV] = json.dumps(
        {
            "allowlist_file": str(allowlist_file.resolve()) if allowlist_file else None,
            "cors_origins": list(cors_origins),
            "max_body_bytes": max_body_bytes,
            # One line a request on stderr unless VERIFIER_ACCESS_LOG=0 (about 10 µs a request).
            "access_log": os.environ.get(ACCESS_LOG_ENV, "1").strip().lower()
            not in ("0", "off", "false", "no"),
        }
    )
    with shared_metrics(workers):
        _serve(host, port, workers)


def _serve(host: str, port: int, workers: int) -> None:
    protocol = http_protocol()
    if workers > 1 and reuse_port_supported():
        options = {
            "http": protocol,
            "log_level": "info",
            "access_log": False,
            "server_header": False,
            "proxy_headers": False,
        }
        status = Workers(host, port, workers, options).run()
        if status:
            raise SystemExit(status)
        return
    uvicorn.run(
        "verifier.service.server.run:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        http=protocol,
        log_level="info",
        access_log=False,
        server_header=False,
        proxy_headers=False,  # nothing reads the client address: no X-Forwarded-For rewriting per request
    )
