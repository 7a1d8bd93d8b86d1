"""Public pages built from open data: a territory's diagnostic and the ACV ranking.

Both read only the derived analytic warehouse (no private data): no account is needed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Literal
from urllib.parse import urlencode

import duckdb
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from teletravail import format_fr
from teletravail.diagnostic.reading import IndicatorValue, format_number
from teletravail.errors import ConfigError, LookupFailed, TeletravailError
from teletravail.reports.model import DiagnosticReport, Figure, MesureLocale
from teletravail.reports.nature import figure_nature
from teletravail.reports.tables import Cell, Column, export_table
from teletravail.surveys.measure_rule import rule_text
from teletravail.web.accounts.models import Territory
from teletravail.web.diagnostics import service
from teletravail.web.territories import service as territory_service
from teletravail.web.territories.service import KIND_LABELS

PENDING_REFRESH_SECONDS = 3  # the "calcul en cours" page reloads itself this often
RANKING_TITLE = (
    "Classement des communes Action Cœur de Ville : attractivité pour les télétravailleurs"
)
EXPORTS: dict[str, tuple[Literal["csv", "xlsx", "json"], str]] = {
    "csv": ("csv", "text/csv; charset=utf-8"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "json": ("json", "application/json; charset=utf-8"),
}
_ORDERS = {"asc": False, "desc": True}


def _error(
    request: HttpRequest,
    message: str,
    *,
    title: str,
    date_text: str = "",
    date_error: str = "",
    status: int = 400,
) -> HttpResponse:
    return render(
        request,
        "diagnostics/error.html",
        {"title": title, "message": message, "date_text": date_text, "date_error": date_error},
        status=status,
    )


def pending_page(
    request: HttpRequest,
    day: date,
    *,
    title: str,
    shown: str,
    reload_url: str,
    default_url: str,
    kind: str = "",
    code: str = "",
) -> HttpResponse:
    """The page that waits for the derived warehouse of ``day`` (enqueued now if needed, with the
    diagnostic of ``kind``/``code`` when given): it refreshes itself every few seconds until the
    page can be shown (202 Accepted). ``shown``: what it will show (« le diagnostic »)."""
    from teletravail.web.diagnostics.tasks import request_day

    request_day(day, kind, code)
    return render(
        request,
        "diagnostics/pending.html",
        {
            "title": f"{title} : calcul en cours",
            "heading": title,
            "shown": shown,
            "day": day,
            "refresh_seconds": PENDING_REFRESH_SECONDS,
            "reload_url": reload_url,
            "default_url": default_url,
        },
        status=202,
    )


def _pending(request: HttpRequest, kind: str, code: str, day: date) -> HttpResponse:
    """The waiting page of a territory's diagnostic for a day not computed yet (``pending_page``)."""
    entry = territory_service.entry(kind, code)
    return pending_page(
        request,
        day,
        title=f"Diagnostic télétravail — {entry.nom}",
        shown="le diagnostic",
        reload_url=_query({"date": day.isoformat()}),
        default_url="?",
        kind=kind,
        code=code,
    )


def _valid_days() -> str:
    """The days the rail feeds all cover, in words ("du 6 janvier 2025 au 29 juin 2025"); empty
    when the warehouse cannot tell."""
    from django.utils.formats import date_format

    from teletravail.rail.calendar import common_validity

    try:
        con = territory_service.cursor()
        try:
            start, end = common_validity(con)
        finally:
            con.close()
    except (TeletravailError, duckdb.Error):
        return ""
    return f"du {date_format(start, 'j F Y')} au {date_format(end, 'j F Y')}"


def date_error_message(exc: ConfigError) -> str:
    """The message shown under the reference day field: what is wrong and the valid days."""
    message = service.web_message(exc)
    days = _valid_days()
    if days and "entre le" not in message:
        message += f" Jours possibles : {days}."
    return message


def _vintage(text: str) -> str:
    """A vintage prefixed once with "millésime" ("millésime 2018"), in the words of users."""
    cleaned = format_fr.vintage(text)
    return f"millésime {cleaned}" if cleaned else ""


def _method(figure: Figure, value: IndicatorValue | None) -> dict[str, object]:
    """What the "Source et méthode" disclosure of a figure shows."""
    if value is None:  # a scenario result: no catalogue entry, its note says how it is computed
        sources = [{"citation": s, "millesime": ""} for s in figure.sources]
        return {
            "definition": "",
            "formula": "",
            "aggregation": "",
            "nature": figure_nature(figure).label,
            "sources": sources,
            "note": figure.note or "",
            "age_years": None,
        }
    return {
        "definition": value.definition,
        "formula": value.formula,
        "aggregation": value.aggregation,
        "nature": figure_nature(figure).label,
        "sources": [
            {"citation": s.citation, "millesime": _vintage(s.vintage), "chargee": s.loaded}
            for s in value.sources
        ],
        "note": figure.note or "",
        "age_years": value.age_years,
    }


def _duration(minutes: int | None) -> str:
    return format_fr.format_duration(minutes)


def _integer(value: int | float | None) -> str:
    return "–" if value is None else format_number(float(value), 0)


def local_measures(request: HttpRequest, kind: str, code: str) -> tuple[MesureLocale, ...]:
    """Values measured by the territory's reference campaign: for users who may read the
    territory's work (its team, national administrators) published or not; for everyone else
    only once published (``service.measures_for``)."""
    team = False
    if request.user.is_authenticated:
        territory = Territory.objects.filter(kind=kind, code=code).first()
        team = territory is not None and request.user.has_perm("accounts.view_territory", territory)
    return service.measures_for(kind, code, team=team, today=timezone.localdate())


MISSING_ANCHOR = "donnees-manquantes"


def _synthesis_context(
    report: DiagnosticReport, themes: list[dict[str, Any]]
) -> tuple[dict[str, object], list[dict[str, Any]]]:
    """What the synthesis and the table of contents show, and the themes shown in full.

    Tiles link to their detail section (the « données manquantes » note when their theme
    collapsed); the themes without any value collapse into that one note (each indicator still
    with its source and method); the table of contents lists the sections in reading order.
    ``themes``: every theme as ``{"theme": Theme, "rows": [...]}``; returns (context, the themes
    that keep their own section).
    """
    synthesis = report.synthese
    collapsed = {g.theme: g for g in (synthesis.lacunes if synthesis else ()) if g.complet}
    rows = {t["theme"].id: t["rows"] for t in themes}
    tiles = [
        {
            "tile": t,
            "href": "#" + (MISSING_ANCHOR if t.ancre.removeprefix("t-") in collapsed else t.ancre),
        }
        for t in (synthesis.tuiles if synthesis else ())
    ]
    toc = [("synthese", "Synthèse")] if synthesis else []
    if synthesis and synthesis.graphiques:
        toc.append(("graphiques", "En graphiques"))
    toc.append(("resume", "En bref"))
    if report.comparaisons:
        toc.append(("mesures", "Estimation nationale et mesure locale"))
    if report.carte:
        toc.append(("carte", "Carte"))
    toc += [(f"t-{t.id}", t.titre) for t in report.themes if t.id not in collapsed]
    if report.desserte:
        toc.append(("desserte", "Desserte ferroviaire des gares"))
    if report.impact:
        toc.append(("impact", "Bilan carbone du télétravail"))
    if report.pairs:
        toc.append(("pairs", "Territoires comparables"))
    if collapsed:
        toc.append((MISSING_ANCHOR, "Données manquantes"))
    toc.append(("sources", "Sources et millésimes"))
    context: dict[str, object] = {
        "synthese": synthesis,
        "tiles": tiles,
        "collapsed": [{"gap": g, "rows": rows.get(g.theme, [])} for g in collapsed.values()],
        "toc": [{"anchor": a, "label": label} for a, label in toc],
        "missing_anchor": MISSING_ANCHOR,
    }
    return context, [t for t in themes if t["theme"].id not in collapsed]


def diagnostic(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    """The full diagnostic of a commune or an EPCI, every figure with its source and method."""
    if kind not in KIND_LABELS:
        raise Http404("Type de territoire inconnu : « commune » ou « epci ».")
    date_text = request.GET.get("date", "").strip()[: service.MAX_DATE_TEXT]
    try:
        territory_service.entry(kind, code)
    except LookupFailed as exc:
        raise Http404(str(exc)) from exc
    date_error = ""
    try:  # only the day is the user's: other errors are the server's
        ready, day = service.ready_warehouse(service.parse_day(date_text))
        if ready is None:  # computed in the background, never inside the request
            return _pending(request, kind, code, day)
        derived = ready
    except ConfigError as exc:
        # The page for the default day, with the message under the field (400).
        date_error = date_error_message(exc)
        try:
            derived, day = service.derived_warehouse(None)
        except ConfigError:
            return _error(
                request,
                date_error,
                title="Diagnostic : jour de référence invalide",
                date_text=date_text,
                date_error=date_error,
            )
    measures = local_measures(request, kind, code)
    if request.GET.get("format", "").strip() == "pdf" and not date_error:
        # the same report as a PDF (the synthesis on its first page), kept with the stored page
        response = HttpResponse(
            service.diagnostic_pdf(kind, code, derived, day, measures),
            content_type="application/pdf",
        )
        response["Content-Disposition"] = f'inline; filename="diagnostic-{kind}-{code}.pdf"'
        return response
    data = service.diagnostic_data(kind, code, derived, day, measures)
    report = data.report
    level = report.territoire.type
    themes: list[dict[str, Any]] = [
        {
            "theme": theme,
            "rows": [
                {"figure": f, "method": _method(f, data.methods.get(f.id))} for f in theme.figures
            ],
        }
        for theme in report.themes
    ]
    synthesis, themes = _synthesis_context(report, themes)
    day_value = report.jour_reference.isoformat() if report.jour_reference else ""
    impact = [{"figure": f, "method": _method(f, data.methods.get(f.id))} for f in report.impact]
    stations = [
        {
            "service": s,
            "train": _integer(s.departs_train),
            "car": _integer(s.departs_car),
            "duree": _duration(s.duree_min),
            "avant_9h": _integer(s.allers_avant_9h),
            "apres_17h30": _integer(s.retours_apres_17h30),
        }
        for s in report.desserte
    ]
    population = report.territoire.population.valeur
    return render(
        request,
        "diagnostics/diagnostic.html",
        {
            "title": f"Diagnostic télétravail — {report.territoire.nom}",
            "report": report,
            "card": report.territoire,
            "level": level,
            "population": _integer(population),
            "themes": themes,
            "impact": impact,
            "stations": stations,
            "date_value": day_value,
            "date_text": date_text,
            "date_error": date_error,
            "rule": rule_text(),
            **synthesis,
            "pdf_url": _query({"date": day_value}, format="pdf"),
        },
        status=400 if date_error else 200,
    )


def _cell_text(value: Cell, decimals: int = 2) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int):
        return format_number(float(value), 0)
    if isinstance(value, float):
        return format_number(value, decimals)
    return str(value)


def column_decimals(rows: Sequence[Sequence[Cell]], width: int) -> list[int]:
    """Decimals of each of the ``width`` columns: the fewest (at most 2) that show every decimal
    value of the column, so that a column reads "2,50" under "2,53", never "2,5"."""
    out = [0] * width
    for row in rows:
        for i, v in enumerate(row):
            if isinstance(v, float) and out[i] < 2:
                out[i] = max(out[i], len(format_fr.format_decimal(v, 2).partition(",")[2]))
    return out


def _duration_cell(value: Cell) -> str:
    """A duration in minutes as on every page: "1 h 05 min"."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_fr.format_duration(value)
    return _cell_text(value)


def _query(params: dict[str, str], **changes: str) -> str:
    merged = {k: v for k, v in {**params, **changes}.items() if v}
    return "?" + urlencode(merged) if merged else "?"


def sort_headers(
    columns: Sequence[Column], params: dict[str, str], tri: str, descending: bool
) -> list[dict[str, object]]:
    """The headers of a table sorted server-side: each links to the page sorted by its column
    (``tri``/``ordre`` added to ``params``), the active one with its ``aria-sort``."""
    headers: list[dict[str, object]] = []
    for column in columns:
        active = column.key == tri
        next_order = "asc" if active and descending else ("desc" if active else "asc")
        headers.append(
            {
                "column": column,
                "aria_sort": ("descending" if descending else "ascending") if active else "",
                "href": _query(params, tri=column.key, ordre=next_order),
                "next": "croissant" if next_order == "asc" else "décroissant",
            }
        )
    return headers


def table_cells(
    columns: Sequence[Column], row: Sequence[Cell], decimals: Sequence[int] | None = None
) -> list[dict[str, object]]:
    """A table row's cells as shown: French numbers (``decimals`` per column, see
    :func:`column_decimals`; 2 at most otherwise), durations, « – » for a missing value."""
    places = list(decimals) if decimals is not None else [2] * len(columns)
    return [
        {
            "text": _duration_cell(v) if column.unite == "minutes" else _cell_text(v, places[i]),
            "num": isinstance(v, int | float) and not isinstance(v, bool),
        }
        for i, (column, v) in enumerate(zip(columns, row, strict=True))
    ]


def acv_ranking_page(request: HttpRequest) -> HttpResponse:
    """The ACV ranking: server-side sorting, filters by region and density level, exports."""
    get = request.GET
    tri = get.get("tri", "").strip()[:60]
    ordre = get.get("ordre", "").strip()[:4]
    region = get.get("region", "").strip()[:5]
    densite = get.get("densite", "").strip()[:2]
    fmt = get.get("format", "").strip()[:5]
    date_text = get.get("date", "").strip()[: service.MAX_DATE_TEXT]
    title = "Classement : paramètre invalide"
    try:
        ready, day = service.ready_warehouse(service.parse_day(date_text))
    except ConfigError as exc:
        message = date_error_message(exc)
        return _error(request, message, title=title, date_text=date_text, date_error=message)
    if ready is None:  # a new day: computed in the background, never inside the request
        return pending_page(
            request,
            day,
            title="Classement des communes Action Cœur de Ville",
            shown="le classement",
            reload_url=_query(
                {
                    "region": region,
                    "densite": densite,
                    "tri": tri,
                    "ordre": ordre,
                    "format": fmt,
                    "date": day.isoformat(),
                }
            ),
            default_url=_query({"region": region, "densite": densite, "tri": tri, "ordre": ordre}),
        )
    ranking = service.ranking(ready, day)
    keys = [c.key for c in ranking.columns]
    problems = []
    if tri and tri not in keys:
        problems.append(f"Colonne de tri inconnue « {tri} » : choisissez parmi {', '.join(keys)}.")
    if ordre and ordre not in _ORDERS:
        problems.append(f"Ordre de tri inconnu « {ordre} » : « asc » ou « desc ».")
    if fmt and fmt not in EXPORTS:
        problems.append(f"Format d'export inconnu « {fmt} » : csv, xlsx ou json.")
    if problems:
        return _error(request, " ".join(problems), title=title, date_text=date_text)
    # The filters are fields of the page: an unknown value is shown under its field, the
    # ranking without that filter (400).
    field_errors: dict[str, str] = {}
    region_codes = {code for code, _ in ranking.region_names}
    if region and region not in region_codes:
        names = ", ".join(f"{name} ({code})" for code, name in ranking.region_names)
        field_errors["region"] = (
            f"Région inconnue « {region} » : choisissez une région qui compte une commune "
            f"Action Cœur de Ville : {names}."
        )
        region = ""
    if densite and densite not in {str(level) for level, _ in ranking.density_names}:
        field_errors["densite"] = (
            f"Niveau de densité inconnu « {densite} » : choisissez un niveau de 1 à 7."
        )
        densite = ""
    if field_errors and fmt:
        return _error(request, " ".join(field_errors.values()), title=title, date_text=date_text)

    code_index = keys.index("code")
    rows: Sequence[Sequence[Cell]] = ranking.rows
    if region:
        rows = [r for r in rows if ranking.regions.get(str(r[code_index])) == region]
    if densite:
        rows = [r for r in rows if ranking.densities.get(str(r[code_index])) == int(densite)]
    descending = _ORDERS.get(ordre, False)
    if tri:
        rows = service.sort_rows(rows, keys.index(tri), descending=descending)

    if fmt:
        kind, content_type = EXPORTS[fmt]
        data = export_table(ranking.columns, rows, kind, title=RANKING_TITLE, notes=ranking.notes)
        response = HttpResponse(data, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="classement-acv.{fmt}"'
        return response

    params = {"region": region, "densite": densite, "date": date_text}
    sorted_params = {**params, "tri": tri, "ordre": ordre}
    headers = sort_headers(ranking.columns, params, tri, descending)
    places = column_decimals(rows, len(ranking.columns))
    body = [
        {"code": str(row[code_index]), "cells": table_cells(ranking.columns, row, places)}
        for row in rows
    ]
    name_index = keys.index("commune")
    return render(
        request,
        "diagnostics/ranking.html",
        {
            "title": "Classement des communes Action Cœur de Ville",
            "heading": RANKING_TITLE,
            "ranking": ranking,
            "headers": headers,
            "body": body,
            "name_index": name_index,
            "count": len(body),
            "region": region,
            "densite": densite,
            "date_text": date_text,
            "exports": {f: _query(sorted_params, format=f) for f in EXPORTS},
            "day": ranking.day,
            "field_errors": field_errors,
        },
        status=400 if field_errors else 200,
    )
