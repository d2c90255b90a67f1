"""The interactive API documentation at ``/docs``, offline: Swagger UI's assets come from the
``swagger-ui-py`` distribution (Apache-2.0, its licence at ``/docs/assets/LICENSE``), a
dependency of the ``server`` extra, and are served by the service itself, never from a CDN.

Only the files the page loads are served, read from the installed package (found without
importing it: its ``__init__`` pulls in Jinja2 and PyYAML, which the service does not use).
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

ASSETS_PATH = "/docs/assets"
ASSET_TYPES = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "favicon-32x32.png": "image/png",
    "LICENSE": "text/plain; charset=utf-8",
}


@cache
def assets_dir() -> Path | None:
    """The folder of Swagger UI's files in the installed ``swagger_ui`` package, or None."""
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "static"
    return folder if (folder / "swagger-ui-bundle.js").is_file() else None


@cache
def asset(name: str) -> bytes | None:
    """The bytes of one of Swagger UI's files (``ASSET_TYPES``), or None."""
    folder = assets_dir()
    if name not in ASSET_TYPES or folder is None:
        return None
    return (folder / name).read_bytes()


def docs_page(title: str, openapi_url: str = "/openapi.json") -> HTMLResponse:
    """Swagger UI's page for ``openapi_url``, loading its script and style from this service."""
    return get_swagger_ui_html(
        openapi_url=openapi_url,
        title=title,
        swagger_js_url=f"{ASSETS_PATH}/swagger-ui-bundle.js",
        swagger_css_url=f"{ASSETS_PATH}/swagger-ui.css",
        swagger_favicon_url=f"{ASSETS_PATH}/favicon-32x32.png",
    )
