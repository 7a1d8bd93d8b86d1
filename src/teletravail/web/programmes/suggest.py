"""The actions the tools suggest to a territory's programme: the gaps of the stations its team
assessed (or, without any, of its busiest station, on open data only), the weaknesses of its
grid projects, and the weakest indicators of its diagnostic (fixed thresholds of
``programmes/suggestions_diagnostic.toml``). Actions already in the programme (same title, whatever
theme) are left out."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.utils import timezone

from teletravail.errors import ConfigError, InputError, TeletravailError
from teletravail.programmes.suggestions import (
    Suggestion,
    diagnostic_suggestions,
    grid_suggestions,
    station_suggestions,
    suggestions_for,
)
from teletravail.web.gares import assessments as station_assessments
from teletravail.web.gares import service as station_service
from teletravail.web.gares.models import StationAssessment
from teletravail.web.grille import service as grid_service
from teletravail.web.programmes.models import TerritoryProgramme

MAX_STATIONS = 5


def _day_warehouse() -> tuple[Path, date] | None:
    from django.conf import settings

    from teletravail.web.diagnostics import service as diagnostics_service

    try:
        derived, day = diagnostics_service.ready_warehouse(
            getattr(settings, "TELETRAVAIL_REFERENCE_DAY", None)
        )
    except ConfigError:
        return None
    return (derived, day) if derived is not None else None


def suggestions_of(programme: TerritoryProgramme) -> list[Suggestion]:
    """The suggestions for ``programme``, in a stable order (stations, grid, diagnostic)."""
    territory = programme.territory
    ready = _day_warehouse()
    stations: list[Suggestion] = []
    report_suggestions: list[Suggestion] = []
    if ready is not None:
        derived, day = ready
        assessed = list(
            StationAssessment.objects.filter(territory=territory).order_by("gare_nom")[
                :MAX_STATIONS
            ]
        )
        uics = [(a.uic, station_assessments.stored(a)[0]) for a in assessed]
        if not uics:
            serving, _ = station_service.territory_station_names(
                territory.kind, territory.code, limit=1
            )
            uics = [(uic, {}) for uic, _ in serving]
        for uic, levels in uics:
            try:
                shown = station_service.portrait(derived, day, uic, levels)
            except TeletravailError:
                continue
            stations += station_suggestions(
                shown.assessment, uic, shown.choice.nom, fields=shown.fields
            )
        from teletravail.web.diagnostics import service as diagnostics_service

        measures = diagnostics_service.measures_for(
            territory.kind, territory.code, team=True, today=timezone.localdate()
        )
        try:
            data = diagnostics_service.diagnostic_data(
                territory.kind, territory.code, derived, day, measures
            )
            report_suggestions = diagnostic_suggestions(data.report)
        except TeletravailError:
            report_suggestions = []
    grids: list[Suggestion] = []
    for project in territory.grid_projects.order_by("nom"):
        try:
            evaluation = grid_service.evaluation(project)
        except InputError:
            continue
        grids += grid_suggestions(evaluation, project.pk, project.nom)
    existing = {t.casefold() for t in programme.actions.values_list("titre", flat=True)}
    return [
        s
        for s in suggestions_for(gares=stations, grilles=grids, diagnostic=report_suggestions)
        if s.titre.casefold() not in existing
    ]
