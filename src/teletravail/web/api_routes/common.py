"""Helpers shared by the routers: the French error response, reference day and territory checks."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from django.http import HttpResponse

from teletravail.errors import ConfigError
from teletravail.territory.lookup import Entry
from teletravail.web.api_errors import error_response
from teletravail.web.diagnostics import service as diagnostics_service
from teletravail.web.territories import service

RETRY_AFTER_SECONDS = 10  # a new day takes 10 to 30 s to compute


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


def ready_day(day: date | None) -> tuple[Path, date] | HttpResponse:
    """The derived warehouse of ``day`` (default reference day when None) and the day, when
    already computed; otherwise the 202 answer (:func:`pending`) after enqueuing its computation.
    Raises ConfigError for a day the rail feeds do not cover (:func:`day_error`)."""
    ready, chosen = diagnostics_service.ready_warehouse(day)
    if ready is None:
        return pending(chosen)
    return ready, chosen


def pending(day: date) -> HttpResponse:
    """202 Accepted: the derived warehouse of ``day`` is computed by the task worker (enqueued
    now unless already asked), never inside the request; ``Retry-After`` says when to ask again."""
    from teletravail.web.diagnostics.tasks import request_day

    request_day(day, "", "")
    body = {
        "statut": "calcul_en_cours",
        "message": (
            f"Calcul en cours : la desserte ferroviaire et les indicateurs du {day:%d/%m/%Y} "
            "sont en cours de calcul (une trentaine de secondes au plus). Réessayez dans "
            f"{RETRY_AFTER_SECONDS} secondes."
        ),
        "jour": day.isoformat(),
        "reessayer_dans": RETRY_AFTER_SECONDS,
    }
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False),
        status=202,
        content_type="application/json; charset=utf-8",
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
