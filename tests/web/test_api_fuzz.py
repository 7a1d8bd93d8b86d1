"""Property-based fuzzing of the public GET endpoints from the API's OpenAPI schema (schemathesis).

Whatever the generated input (valid per the schema, or not: paths, query strings, dates, numbers),
no response is a server error: bad input gives 422, an unknown territory 404. Kept fast: a few
examples per endpoint and generation mode.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from tests.web.test_api_more import _full, full_warehouse  # noqa: F401  (fixtures reused)

# Requests may reach the application database (sessions, login throttling, bearer tokens).
pytestmark = pytest.mark.django_db

PUBLIC_GET = [
    "/api/v1/territoires",
    "/api/v1/territoires/{kind}/{code}",
    "/api/v1/territoires/{kind}/{code}/indicateurs",
    "/api/v1/territoires/{kind}/{code}/diagnostic",
    "/api/v1/territoires/{kind}/{code}/scenario",
    "/api/v1/classement/acv",
    "/api/v1/impact",
]


def _operation(path: str) -> Any:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    for result in schema.include(method="GET", path=path).get_all_operations():
        return result.ok()
    raise AssertionError(f"{path} absent du schéma OpenAPI")


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("path", PUBLIC_GET)
def test_no_server_error(path: str, mode: GenerationMode) -> None:
    operation = _operation(path)
    seen: list[int] = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=12,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: Any) -> None:
        response = case.call()
        seen.append(response.status_code)
        assert response.status_code < 500, f"{case.formatted_path} -> {response.text[:500]}"
        case.validate_response(response, checks=[not_a_server_error])

    check()
    assert seen, "aucune requête générée"
