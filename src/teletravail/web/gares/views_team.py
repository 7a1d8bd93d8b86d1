"""A team's assessment of one of its territory's stations: the portrait with the team's field
observations, the form to record them, the history of the versions, the PDF.

Rights (``teletravail.web.accounts.rules``): reading needs any role on the territory, recording
needs member or manager; a user without the right gets 403 whether or not the assessment exists.
The station must serve the territory (404 otherwise)."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from teletravail.errors import InputError, LookupFailed
from teletravail.gares.catalogue import load_portrait
from teletravail.gares.display import CENTILE_NOTE, JOURS
from teletravail.web.gares import assessments, service
from teletravail.web.gares.display import pdf_response, theme_tables
from teletravail.web.gares.models import MAX_COMMENT, MAX_NOTES, StationAssessment
from teletravail.web.gares.views import check_uic, ready_day
from teletravail.web.surveys.access import CONTRIBUTE, READ, territory_for

_NUMBER = re.compile(r"[0-9]{1,6}")  # ASCII digits only: « ² » or « ٣ » are not levels


def _posted(request: HttpRequest) -> tuple[dict[str, Any], dict[str, str], str, int | None]:
    """Observations, comments, notes and version as posted by the form (levels as typed: the
    checks of ``assessments.check`` say what is wrong)."""
    profile = load_portrait()
    observations: dict[str, Any] = {}
    comments: dict[str, str] = {}
    for feature in profile.features:
        raw = request.POST.get(f"niveau_{feature.id}", "").strip()[:20]
        if feature.observation == "terrain" and raw:
            observations[feature.id] = int(raw) if _NUMBER.fullmatch(raw) else raw
        text = request.POST.get(f"commentaire_{feature.id}", "")
        if text.strip():
            comments[feature.id] = text
    version_text = request.POST.get("version", "").strip()
    version = int(version_text) if _NUMBER.fullmatch(version_text) else None
    return observations, comments, request.POST.get("notes", ""), version


@login_required
@require_http_methods(["GET", "POST"])
def assessment(request: HttpRequest, uic: str, kind: str, code: str) -> HttpResponse:
    """The team's assessment of the station (GET), recorded by a member or manager (POST)."""
    check_uic(uic)
    territory = territory_for(request, READ, kind, code)
    can_edit = request.user.has_perm(CONTRIBUTE, territory)
    if request.method == "POST" and not can_edit:
        territory_for(request, CONTRIBUTE, kind, code)  # 403
    ready = ready_day(request, title=f"Quartier de gare {uic}", shown="l'évaluation")
    if isinstance(ready, HttpResponse):
        return ready
    derived, day, _ = ready
    try:
        station = service.station(derived, day, uic)
    except LookupFailed as exc:
        raise Http404(str(exc)) from exc
    if (territory.kind, territory.code) not in service.served_territories(derived, uic):
        raise Http404(f"La gare {station.nom} ne dessert pas le territoire {territory.nom}.")
    found = StationAssessment.objects.filter(territory=territory, uic=uic).first()
    levels, comments, notes = assessments.stored(found)
    observations: dict[str, Any] = dict(levels)
    version = assessments.version_of(found)
    errors: dict[str, str] = {}
    conflict = ""
    status = 200
    if request.method == "POST":
        observations, comments, notes, posted_version = _posted(request)
        try:
            assessments.save(
                territory,
                uic,
                station.nom,
                observations=observations,
                commentaires=comments,
                notes=notes,
                user=request.user,
                version=posted_version,
            )
        except assessments.Conflict as exc:
            conflict = str(exc)
            status = 409
        except InputError:
            problems = assessments.check(observations, comments, notes)[3]
            errors = {p.champ: p.message for p in problems}
            status = 400
        else:
            messages.success(request, "Observations enregistrées : niveaux et écarts recalculés.")
            query = f"?date={day.isoformat()}" if request.GET.get("date") else ""
            return redirect(reverse("gares:assessment", args=[uic, kind, code]) + query)
    shown_levels = assessments.check(observations, {}, "")[0]  # the valid levels only
    shown = service.portrait(derived, day, uic, shown_levels)
    if request.GET.get("format", "").strip() == "pdf" and request.method == "GET":
        team = {
            "nom": territory.nom,
            "notes": notes,
            "commentaires": comments,
            "modifiee": found.updated if found else None,
        }
        return pdf_response(shown, f"gare-{uic}-{kind}-{code}.pdf", team)
    profile = load_portrait()
    themes = {t.id: t.libelle for t in profile.themes}
    fieldwork = [
        {
            "feature": f,
            "theme": themes[f.theme],
            "value": str(observations.get(f.id, "")),
            "answers": [(str(n), text) for n, text in enumerate(f.reponses or [])],
            "comment": comments.get(f.id, ""),
            "error": errors.get(f"niveau_{f.id}", ""),
            "comment_error": errors.get(f"commentaire_{f.id}", ""),
        }
        for f in profile.features
        if f.observation == "terrain"
    ]
    current_version = assessments.version_of(found) if found else version
    return render(
        request,
        "gares/assessment.html",
        {
            "title": f"Évaluation du quartier de gare {station.nom} — {territory.nom}",
            "territory": territory,
            "portrait": shown,
            "assessment": found,
            "jour": f"{JOURS[day.weekday()]} {day:%d/%m/%Y}",
            "levels": profile.levels,
            "themes": theme_tables(shown, comments),
            "centile_note": CENTILE_NOTE if shown.centiles else "",
            "fieldwork": fieldwork,
            "notes": notes,
            "version": current_version,
            "can_edit": can_edit,
            "errors": errors,
            "notes_error": errors.get("notes", ""),
            "conflict": conflict,
            "history": assessments.history(found) if found else [],
            "max_comment": MAX_COMMENT,
            "max_notes": MAX_NOTES,
            "pdf_url": f"?format=pdf&date={day.isoformat()}",
        },
        status=status,
    )
