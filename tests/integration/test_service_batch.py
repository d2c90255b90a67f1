"""``POST /v1/check/batch`` through a real uvicorn server on 127.0.0.1 (issue 18)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.integration.live_server import serving
from verifier.allowlist.store import default_allowlist
from verifier.checker import check
from verifier.service import ServiceSettings, create_service, schemas
from verifier.service.app import create_app


@pytest.fixture
def api() -> Iterator[httpx.Client]:
    with (
        serving(create_service(ServiceSettings())) as base,
        httpx.Client(base_url=base, timeout=30) as client,
    ):
        yield client


def test_results_are_the_checks_in_order(api: httpx.Client) -> None:
    values = ["tokenpocket.pro", "metamask-support.com", "@@@", *[f"w{i}.example" for i in range(60)]]
    response = api.post("/v1/check/batch", json={"values": values, "lang": "zh"})
    assert response.status_code == 200
    results = response.json()["results"]
    allowlist = default_allowlist()
    assert results == [check(v, lang="zh", allowlist=allowlist).to_dict() for v in values]
    schemas.CheckBatchResponse.model_validate(response.json())


def test_brand_applies_to_every_value(api: httpx.Client) -> None:
    response = api.post("/v1/check/batch", json={"values": ["+86 400 800 1234"], "brand": "TP钱包"})
    assert [r["verdict"] for r in response.json()["results"]] == ["not_official"]
    unknown = api.post("/v1/check/batch", json={"values": ["a.com"], "brand": "nosuchbrand"})
    assert unknown.status_code == 422
    assert unknown.json()["error"]["code"] == "unknown_brand"


def test_at_most_1000_values(api: httpx.Client) -> None:
    assert len(api.post("/v1/check/batch", json={"values": ["a.com"] * 1000}).json()["results"]) == 1000
    refused = api.post(
        "/v1/check/batch", json={"values": ["a.com"] * 1001}, headers={"accept-language": "zh"}
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["message"] == "字段 values 的项目过多：最多 1000 个（收到 1001 个）"
    assert api.post("/v1/check/batch", json={"values": []}).json() == {"results": []}
    assert api.post("/v1/check/batch", json={"values": "a.com"}).status_code == 422


def test_the_openapi_document_describes_it() -> None:
    operation = create_app().openapi()["paths"]["/v1/check/batch"]["post"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert schema["properties"]["values"]["maxItems"] == 1000
    assert "200" in operation["responses"] and "422" in operation["responses"]
