"""Schemathesis against the live server's own OpenAPI document: no 5xx, responses as documented.

Each operation's cases come from ``APIOperation.as_strategy()`` driven by hypothesis directly
(schemathesis's pytest fixture loader does not run under pytest 9).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.integration.live_server import serving
from verifier.service import ServiceSettings, create_service

# A schema-valid brand that names no brand in the allowlist is rightly a 422 (unknown_brand):
# which brands exist is data, not schema, so "positive data accepted" cannot hold for it.
DATA_DEPENDENT = schemathesis.checks.positive_data_acceptance
OPERATIONS = [
    ("POST", "/v1/check"),
    ("POST", "/v1/check/batch"),
    ("POST", "/v1/scan"),
    ("POST", "/v1/intake"),
    ("GET", "/v1/allowlist"),
    ("GET", "/healthz"),
]


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VERIFIER_STATE_DIR", str(tmp_path_factory.mktemp("state")))
        with serving(create_service(ServiceSettings())) as base:
            yield schemathesis.openapi.from_url(f"{base}/openapi.json")


def test_the_document_lists_exactly_these_operations(api_schema: Any) -> None:
    found = {(op.ok().method.upper(), op.ok().path) for op in api_schema.get_all_operations()}
    assert found == set(OPERATIONS)


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_api_conforms_to_its_openapi_document(api_schema: Any, method: str, path: str) -> None:
    operation = api_schema[path][method]

    @given(case=operation.as_strategy())
    @settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def conforms(case: schemathesis.Case) -> None:
        case.call_and_validate(excluded_checks=[DATA_DEPENDENT])

    conforms()
