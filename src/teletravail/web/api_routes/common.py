"""Helpers shared by the routers: the French error response, reference day and territory checks."""

from __future__ import annotations

from django.http import HttpResponse

from teletravail.errors import ConfigError
from teletravail.territory.lookup import Entry
from teletravail.web.api_errors import error_response
from teletravail.web.territories import service


def invalid(message: str, champ: str = "") -> HttpResponse:
    """422 with the common error body (``entree_invalide``)."""
    return error(422, "entree_invalide", message, [{"champ": champ, "message": message}])


def error(
    status: int, code: str, message: str, details: list[dict[str, str]] | None = None
) -> HttpResponse:
    """An error response with the common body of the API."""
    return error_response(status, code, message, details)


def territory(kind: str, code: str) -> Entry:
    """The commune or EPCI (LookupFailed -> 404 by the API's handler)."""
    return service.entry(kind, code)


def day_error(exc: ConfigError) -> HttpResponse:
    """A reference day the rail feeds do not cover."""
    return invalid(str(exc), "date")


def json_response(text: str | bytes) -> HttpResponse:
    """A JSON body already rendered (CLI renderers)."""
    return HttpResponse(text, content_type="application/json; charset=utf-8")
