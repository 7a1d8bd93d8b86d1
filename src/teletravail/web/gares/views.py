"""Public pages of the station district portrait: search, a station's portrait (HTML and PDF),
the ranking of the ACV communes' main stations. Open data only: no account needed; the teams'
assessments are on their own pages (``views_team``)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Literal
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from teletravail.errors import ConfigError, LookupFailed
from teletravail.gares.catalogue import load_portrait
from teletravail.gares.display import CENTILE_NOTE, JOURS
from teletravail.reports.tables import Cell, export_table
from teletravail.web.accounts.models import Membership, Role
from teletravail.web.diagnostics import service as diagnostics_service
from teletravail.web.diagnostics.views import (
    column_decimals,
    pending_page,
    sort_headers,
    table_cells,
)
from teletravail.web.gares import service
from teletravail.web.gares.display import pdf_response, theme_tables
from teletravail.web.gares.models import StationAssessment

UIC = re.compile(r"[0-9]{8}")
RANKING_TITLE = "Classement des gares principales des communes Action Cœur de Ville"
EXPORTS: dict[str, tuple[Literal["csv", "xlsx", "json"], str]] = {
    "csv": ("csv", "text/csv; charset=utf-8"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "json": ("json", "application/json; charset=utf-8"),
}


def _day_error(request: HttpRequest, exc: ConfigError, date_text: str) -> HttpResponse:
    message = diagnostics_service.web_message(exc)
    return render(
        request,
        "diagnostics/error.html",
        {
            "title": "Quartier de gare : jour de référence invalide",
            "message": message,
            "date_text": date_text,
            "date_error": message,
        },
        status=400,
    )


def ready_day(
    request: HttpRequest, *, title: str, shown: str
) -> tuple[Path, date, str] | HttpResponse:
    """The derived warehouse of the page's ``date`` (default day when absent), the day and the
    text typed; or the answer to give instead: 400 for a day the timetables do not cover, the
    202 waiting page while a new day is computed in the background."""
    date_text = request.GET.get("date", "").strip()[: diagnostics_service.MAX_DATE_TEXT]
    try:
        ready, day = diagnostics_service.ready_warehouse(diagnostics_service.parse_day(date_text))
    except ConfigError as exc:
        return _day_error(request, exc, date_text)
    if ready is None:
        return pending_page(
            request,
            day,
            title=title,
            shown=shown,
            reload_url=f"?date={day.isoformat()}",
            default_url="?",
        )
    return ready, day, date_text


def check_uic(uic: str) -> str:
    """``uic`` when it is 8 digits; 404 otherwise."""
    if not UIC.fullmatch(uic):
        raise Http404("Un code UIC de gare a 8 chiffres.")
    return uic


def search(request: HttpRequest) -> HttpResponse:
    """Find a station by name, UIC code, commune or EPCI; one answer opens its portrait."""
    query = request.GET.get("q", "").strip()[: service.MAX_QUERY]
    context: dict[str, object] = {"title": "Quartiers de gare", "query": query}
    if not query:
        return render(request, "gares/search.html", context)
    if not any(c.isalnum() for c in query):
        context["error"] = (
            "Saisissez au moins une lettre ou un chiffre : le nom d'une gare, son code UIC "
            "(8 chiffres), une commune ou un EPCI."
        )
        return render(request, "gares/search.html", context)
    ready = ready_day(request, title="Quartiers de gare", shown="la recherche")
    if isinstance(ready, HttpResponse):
        return ready
    derived, day, date_text = ready
    try:
        found = service.search(derived, day, query)
    except LookupFailed as exc:
        context["error"] = str(exc)
        return render(request, "gares/search.html", context)
    suffix = f"?date={date_text}" if date_text else ""
    if len(found) == 1:
        return redirect(reverse("gares:portrait", args=[found[0][0].uic]) + suffix)
    context["results"] = [
        {"choice": choice, "features": features, "suffix": suffix} for choice, features in found
    ]
    context["day"] = day
    return render(request, "gares/search.html", context)


def _teams(request: HttpRequest, derived: Path, uic: str) -> list[dict[str, object]]:
    """The assessments of this station that the user may read, and the teams of the user whose
    territory the station serves (an assessment to start)."""
    user = request.user
    if not user.is_authenticated:
        return []
    served = service.served_territories(derived, uic)
    existing = {
        (a.territory.kind, a.territory.code): a
        for a in StationAssessment.objects.filter(uic=uic).select_related("territory")
        if user.has_perm("accounts.view_territory", a.territory)
    }
    mine = [
        m.territory
        for m in Membership.objects.filter(user=user, territory__isnull=False)
        .exclude(role=Role.NATIONAL_ADMIN)
        .select_related("territory")
        if m.territory is not None and (m.territory.kind, m.territory.code) in served
    ]
    teams: dict[tuple[str, str], dict[str, object]] = {}
    for territory in mine:
        teams[(territory.kind, territory.code)] = {"territory": territory, "assessment": None}
    for key, assessment in existing.items():
        teams[key] = {"territory": assessment.territory, "assessment": assessment}
    return sorted(teams.values(), key=lambda t: str(t["territory"]))


def portrait(request: HttpRequest, uic: str) -> HttpResponse:
    """A station held against the portrait-robot, from open data; ``?format=pdf`` for the PDF."""
    check_uic(uic)
    ready = ready_day(request, title=f"Quartier de gare {uic}", shown="le portrait de la gare")
    if isinstance(ready, HttpResponse):
        return ready
    derived, day, date_text = ready
    try:
        shown = service.portrait(derived, day, uic)
    except LookupFailed as exc:
        raise Http404(str(exc)) from exc
    fmt = request.GET.get("format", "").strip()[:10]
    if fmt and fmt != "pdf":
        return render(
            request,
            "diagnostics/error.html",
            {
                "title": "Portrait de gare : format inconnu",
                "message": f"Format inconnu « {fmt} » : « pdf », ou aucun pour la page.",
            },
            status=400,
        )
    if fmt == "pdf":
        return pdf_response(shown, f"gare-{uic}.pdf")
    suffix = f"?date={date_text}" if date_text else ""
    return render(
        request,
        "gares/portrait.html",
        {
            "title": f"Quartier de gare — {shown.choice.nom}",
            "portrait": shown,
            "jour": f"{JOURS[day.weekday()]} {day:%d/%m/%Y}",
            "levels": load_portrait().levels,
            "themes": theme_tables(shown),
            "centile_note": CENTILE_NOTE if shown.centiles else "",
            "teams": _teams(request, derived, uic),
            "suffix": suffix,
            "pdf_url": f"?format=pdf&date={day.isoformat()}",
        },
    )


def ranking(request: HttpRequest) -> HttpResponse:
    """The ACV communes' main stations ranked on the profile's data-backed features; exports."""
    ready = ready_day(request, title=RANKING_TITLE, shown="le classement des gares")
    if isinstance(ready, HttpResponse):
        return ready
    derived, day, date_text = ready
    table = service.ranking(derived, day)
    keys = [c.key for c in table.columns]
    tri = request.GET.get("tri", "").strip()[:60]
    ordre = request.GET.get("ordre", "").strip()[:4]
    fmt = request.GET.get("format", "").strip()[:5]
    problems = []
    if tri and tri not in keys:
        labels = ", ".join(f"« {c.libelle} »" for c in table.columns)
        problems.append(
            f"Colonne de tri inconnue « {tri} » : cliquez sur l'en-tête d'une colonne du tableau "
            f"({labels})."
        )
    if ordre and ordre not in ("asc", "desc"):
        problems.append(f"Ordre de tri inconnu « {ordre} » : « asc » ou « desc ».")
    if fmt and fmt not in EXPORTS:
        problems.append(f"Format d'export inconnu « {fmt} » : csv, xlsx ou json.")
    if problems:
        return render(
            request,
            "diagnostics/error.html",
            {"title": "Classement des gares : paramètre invalide", "message": " ".join(problems)},
            status=400,
        )
    descending = ordre == "desc"
    rows: Sequence[Sequence[Cell]] = table.rows
    if tri:
        rows = diagnostics_service.sort_rows(rows, keys.index(tri), descending=descending)
    if fmt:
        kind, content_type = EXPORTS[fmt]
        data = export_table(table.columns, rows, kind, title=RANKING_TITLE, notes=table.notes)
        response = HttpResponse(data, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="classement-gares-acv.{fmt}"'
        return response
    params = {"date": date_text}
    sorted_params = {**params, "tri": tri, "ordre": ordre}
    code_index, uic_index = keys.index("code"), keys.index("uic")
    remark_index = keys.index("remarque")
    places = column_decimals(rows, len(table.columns))
    body = [
        {
            "code": str(row[code_index]),
            "uic": str(row[uic_index] or ""),
            "incomplete": "incomplet" in str(row[remark_index] or "") or row[uic_index] is None,
            "cells": table_cells(table.columns, row, places),
        }
        for row in rows
    ]
    incomplete = sum(1 for r in body if r["incomplete"])
    return render(
        request,
        "gares/ranking.html",
        {
            "title": RANKING_TITLE,
            "table": table,
            "headers": sort_headers(table.columns, params, tri, descending),
            "body": body,
            "count": len(body),
            "incomplete": incomplete,
            "indexes": {"commune": keys.index("commune"), "gare": keys.index("gare")},
            "exports": {
                f: "?" + urlencode({k: v for k, v in sorted_params.items() if v} | {"format": f})
                for f in EXPORTS
            },
            "suffix": f"?date={date_text}" if date_text else "",
        },
    )
