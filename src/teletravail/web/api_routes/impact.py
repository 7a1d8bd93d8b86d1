"""The telework impact of one commute (``teletravail impact --format json``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from teletravail.errors import ConfigError, InputError
from teletravail.impact.calculator import impact_for
from teletravail.impact.models import ImpactResult
from teletravail.web.api import Error
from teletravail.web.api_routes.common import invalid
from teletravail.web.pages import data
from teletravail.web.pages.forms import error_field

router: Router = Router(tags=["impact"])


class ImpactParams(Schema):
    """A commute: mode, one-way distance, days per week, occupants of the car."""

    mode: str = Field(
        max_length=50,
        description="Mode de transport (slug ADEME Impact CO2, ex. voiturethermique).",
    )
    distance: float = Field(description="Distance domicile-travail aller, en km (0 exclu à 1000).")
    jours_teletravail: float = Field(description="Jours de télétravail par semaine (0 à 7).")
    jours_bureau: float | None = Field(
        None, description="Jours au bureau par semaine (défaut : 5 − télétravail)."
    )
    occupants: int = Field(1, description="Personnes dans la voiture, conducteur compris (1 à 5).")


@router.get(
    "/impact",
    response={200: ImpactResult, 422: Error},
    summary="Impact CO2 du télétravail d'un trajet",
    url_name="impact",
)
def impact(request: HttpRequest, params: Query[ImpactParams]) -> HttpResponse | ImpactResult:
    """Yearly CO2e avoided (ADEME Impact CO2 method) and the ADEME 2020 balance with rebounds."""
    try:
        with data.base_connection() as con:
            return impact_for(
                con,
                params.mode,
                distance_km=params.distance,
                telework_days=params.jours_teletravail,
                office_days=params.jours_bureau,
                occupants=params.occupants,
            )
    except InputError as exc:
        return invalid(str(exc), exc.field)
    except ConfigError as exc:
        return invalid(str(exc), error_field(str(exc)) or "")
