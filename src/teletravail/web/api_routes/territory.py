"""Per-territory routes: indicators, diagnostic report, CO2 scenario (public open data)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from teletravail.diagnostic.reading import IndicatorValue, read_indicators
from teletravail.errors import ConfigError, WarehouseError
from teletravail.impact.models import ScenarioResult
from teletravail.impact.scenario import scenario_for
from teletravail.impact.territory import territory_assumptions
from teletravail.reports.diagnostic import build_report
from teletravail.reports.measures import apply_measures
from teletravail.reports.model import DiagnosticReport
from teletravail.reports.render import render_json
from teletravail.web.api import Error, Pending
from teletravail.web.api_routes.common import (
    day_error,
    error,
    invalid,
    json_response,
    ready_day,
    territory,
)
from teletravail.web.diagnostics import service as diagnostics_service
from teletravail.web.pages import data

router: Router = Router(tags=["territoires"])

Kind = Literal["commune", "epci"]


class SourceJson(Schema):
    """A source cited by an indicator."""

    id: str
    citation: str
    millesime: str
    chargee: bool


class IndicatorJson(Schema):
    """One indicator of a territory with everything needed to explain it."""

    id: str
    theme: str
    libelle: str
    valeur: float | str | None
    texte: str
    unite: str
    nature: Literal["measured", "derived", "estimated"]
    nature_libelle: str
    definition: str
    formule: str
    hypotheses: list[str]
    sources: list[SourceJson]
    statut: Literal["disponible", "non_disponible", "sans_valeur"]
    message: str | None
    fichiers_manquants: list[str]
    age_annees: int | None
    note: str | None


class DayParams(Schema):
    """Reference day of the rail service (default: a Tuesday outside school holidays)."""

    date: dt.date | None = Field(None, description="Jour de référence de la desserte (AAAA-MM-JJ).")


class ScenarioParams(DayParams):
    """Overrides of the scenario's assumptions (default: the territory's own indicators)."""

    taux_teletravail: float | None = Field(
        None, description="Part des actifs qui télétravaillent, en % (0 à 100)."
    )
    jours: float | None = Field(None, description="Jours de télétravail par semaine (0 exclu à 5).")
    flex_office: float | None = Field(
        None, description="Part des télétravailleurs en flex office, en % (0 à 100)."
    )


def indicator_json(v: IndicatorValue) -> dict[str, Any]:
    """An indicator value in the API's JSON shape."""
    return {
        "id": v.id,
        "theme": v.theme,
        "libelle": v.label,
        "valeur": v.value,
        "texte": v.text,
        "unite": v.unit,
        "nature": v.nature,
        "nature_libelle": v.nature_label,
        "definition": v.definition,
        "formule": v.formula,
        "hypotheses": list(v.assumptions),
        "sources": [
            {"id": s.id, "citation": s.citation, "millesime": s.vintage, "chargee": s.loaded}
            for s in v.sources
        ],
        "statut": v.status,
        "message": v.message,
        "fichiers_manquants": list(v.missing_files),
        "age_annees": v.age_years,
        "note": v.note,
    }


@router.get(
    "/territoires/{kind}/{code}/indicateurs",
    response={200: list[IndicatorJson], 202: Pending, 404: Error, 422: Error},
    summary="Indicateurs d'un territoire",
    url_name="indicateurs",
)
def indicators(
    request: HttpRequest, kind: Kind, code: str, params: Query[DayParams]
) -> HttpResponse | list[dict[str, Any]]:
    """Every indicator of the commune or EPCI: value, unit, sources, status, explanation."""
    entry = territory(kind, code)
    try:
        ready = ready_day(params.date)
    except ConfigError as exc:
        return day_error(exc)
    if isinstance(ready, HttpResponse):  # 202: computed in the background
        return ready
    path, _ = ready
    with data.read_only(path) as con:
        values = read_indicators(con, kind, entry.code)
    return [indicator_json(v) for v in values]


@router.get(
    "/territoires/{kind}/{code}/diagnostic",
    response={200: DiagnosticReport, 202: Pending, 404: Error, 422: Error},
    summary="Rapport de diagnostic d'un territoire",
    url_name="diagnostic",
)
def diagnostic(
    request: HttpRequest, kind: Kind, code: str, params: Query[DayParams]
) -> HttpResponse:
    """The diagnostic report, as ``teletravail diagnostic --format json`` (without drawings)."""
    entry = territory(kind, code)
    try:
        ready = ready_day(params.date)
    except ConfigError as exc:
        return day_error(exc)
    if isinstance(ready, HttpResponse):  # 202: computed in the background
        return ready
    path, day = ready
    published = diagnostics_service.measures_for(
        entry.kind, entry.code, team=False, today=timezone.localdate()
    )  # the public sees the team's measure once published, as on the web page
    with data.read_only(path) as con:
        try:
            report = build_report(con, entry, day=day, measures=published)
        except ConfigError as exc:  # the warehouse lacks a factor the report needs
            return error(503, "entrepot_indisponible", str(exc))
    return json_response(render_json(report))


def _percent(value: float | None, champ: str, what: str) -> float | None:
    if value is None:
        return None
    if not math.isfinite(value) or not 0 <= value <= 100:
        raise _Invalid(f"{what} « {value:g} » hors de 0 à 100 % : donnez un pourcentage.", champ)
    return value / 100


class _Invalid(Exception):
    def __init__(self, message: str, champ: str) -> None:
        super().__init__(message)
        self.champ = champ


@router.get(
    "/territoires/{kind}/{code}/scenario",
    response={200: ScenarioResult, 202: Pending, 404: Error, 422: Error},
    summary="Scénario carbone du télétravail d'un territoire",
    url_name="scenario",
)
def scenario(
    request: HttpRequest, kind: Kind, code: str, params: Query[ScenarioParams]
) -> HttpResponse | ScenarioResult:
    """The territory's CO2 scenario (``teletravail scenario --format json``), assumptions editable."""
    try:
        rate = _percent(params.taux_teletravail, "taux_teletravail", "Taux de télétravail")
        flex = _percent(params.flex_office, "flex_office", "Part en flex office") or 0.0
        days = params.jours
        if days is not None and (not math.isfinite(days) or not 0 < days <= 5):
            raise _Invalid(f"Nombre de jours « {days:g} » hors de 0 (exclu) à 5.", "jours")
    except _Invalid as exc:
        return invalid(str(exc), exc.champ)
    entry = territory(kind, code)
    try:
        ready = ready_day(params.date)
    except ConfigError as exc:
        return day_error(exc)
    if isinstance(ready, HttpResponse):  # 202: computed in the background
        return ready
    path, _ = ready
    with data.read_only(path) as con:
        try:
            a = territory_assumptions(
                con,
                entry.kind,
                entry.code,
                entry.nom,
                telework_rate=rate,
                telework_days=days,
                flex_office_share=flex,
            )
        except WarehouseError as exc:  # the territory lacks the figures the scenario needs
            return error(422, "donnees_insuffisantes", str(exc))
        except ConfigError as exc:
            return invalid(str(exc))
        published = diagnostics_service.measures_for(
            entry.kind, entry.code, team=False, today=timezone.localdate()
        )  # a published measure that meets the rule replaces the estimate, as on the web page
        if rate is None:
            a = apply_measures(
                a, [m for m in published if m.indicateur == "taux_teletravail_estime"]
            )
        if days is None:
            a = apply_measures(a, [m for m in published if m.indicateur == "jours_teletravail"])
        try:
            return scenario_for(con, a)
        except ConfigError as exc:  # the warehouse lacks a factor of the default modal split
            return error(503, "entrepot_indisponible", str(exc))
