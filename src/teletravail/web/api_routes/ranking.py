"""The ACV ranking (``teletravail classement acv --format json``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from teletravail.errors import ConfigError
from teletravail.reports.ranking import acv_ranking
from teletravail.reports.tables import export_table
from teletravail.web.api import Error, Pending
from teletravail.web.api_routes.common import day_error, json_response, ready_day
from teletravail.web.pages import data

router: Router = Router(tags=["classement"])

TITLE = "Classement des communes Action Cœur de Ville : attractivité pour les télétravailleurs"


class RankingColumn(Schema):
    """A column: JSON key, French label, unit."""

    cle: str
    libelle: str
    unite: str


class RankingTable(Schema):
    """Title, notes (method, sources), columns and one object per commune (keys = ``cle``)."""

    titre: str
    notes: list[str]
    colonnes: list[RankingColumn]
    lignes: list[dict[str, Any]]


class RankingParams(Schema):
    """Reference day of the rail service."""

    date: dt.date | None = Field(None, description="Jour de référence de la desserte (AAAA-MM-JJ).")


@router.get(
    "/classement/acv",
    response={200: RankingTable, 202: Pending, 422: Error},
    summary="Classement des communes Action Cœur de Ville",
    url_name="classement-acv",
)
def acv(request: HttpRequest, params: Query[RankingParams]) -> HttpResponse:
    """The ACV communes ranked on the Senate's attractiveness criteria (score 0 to 100)."""
    try:
        ready = ready_day(params.date)
    except ConfigError as exc:
        return day_error(exc)
    if isinstance(ready, HttpResponse):  # 202: computed in the background
        return ready
    path, _ = ready
    with data.read_only(path) as con:
        columns, rows, notes = acv_ranking(con)
    return json_response(export_table(columns, rows, "json", title=TITLE, notes=notes))
