"""An unknown region is a 422 JSON error of the API (issue 12), through a real server on
127.0.0.1: the hot path of ``POST /v1/check`` and the full application answer alike."""

from __future__ import annotations

import os
from collections.abc import Iterator

import httpx
import pytest

from tests.integration.live_server import serving
from verifier.service.server.run import app_from_env


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    os.environ.pop("VERIFIER_SERVICE_SETTINGS", None)
    with serving(app_from_env()) as url:
        yield url


@pytest.mark.parametrize("region", ["ZZ", "zz", "ZZZZ", "U"])
@pytest.mark.parametrize("value", ["4008001234", "+86 400 123 4567", "tokenpocket.pro"])
def test_unknown_region_is_a_422(base: str, region: str, value: str) -> None:
    for headers in ({}, {"Origin": "https://help.example"}, {"Transfer-Encoding": "chunked"}):
        content = (
            httpx.Client()
            .build_request("POST", f"{base}/v1/check", json={"value": value, "region": region})
            .content
        )
        if headers.get("Transfer-Encoding"):
            response = httpx.post(
                f"{base}/v1/check", content=iter([content]), headers={"Content-Type": "application/json"}
            )
        else:
            response = httpx.post(
                f"{base}/v1/check", content=content, headers={"Content-Type": "application/json", **headers}
            )
        assert response.status_code == 422, response.text
        problem = response.json()["error"]
        assert problem["code"] == "invalid_request"
        assert problem["message"].startswith("region: ")
        assert problem["details"][0]["loc"] == ["body", "region"]
        if len(region) == 2:
            assert problem["details"][0]["type"] == "unknown_region"
            assert f"unknown region '{region}'" in problem["message"]


def test_unknown_region_is_said_in_chinese(base: str) -> None:
    response = httpx.post(f"{base}/v1/check", json={"value": "4008001234", "region": "ZZ", "lang": "zh"})
    assert response.status_code == 422
    assert "未知的地区 'ZZ'" in response.json()["error"]["message"]
    response = httpx.post(
        f"{base}/v1/check", json={"value": "4008001234", "region": "ZZ"}, headers={"Accept-Language": "zh-CN"}
    )
    assert "未知的地区" in response.json()["error"]["message"]


@pytest.mark.parametrize("region", ["CN", "cn", "", None])
def test_known_or_no_region_is_answered(base: str, region: str | None) -> None:
    response = httpx.post(f"{base}/v1/check", json={"value": "4008001234", "region": region})
    assert response.status_code == 200
    assert response.json()["normalized"] == "+864008001234"
