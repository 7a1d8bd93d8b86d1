"""Pages of the analysis grid of a territory's projects: list and creation, a project with its
candidate sites and their facts, an assessor's scores, the weights, the results (ranking,
stability, radar charts, strengths and weaknesses) and the report (PDF, XLSX, JSON).

Rights (``teletravail.web.accounts.rules``): reading needs any role on the territory; creating a
project, adding a site or a tiers-lieu, scoring and setting the weights need member or manager;
deleting a site needs manager. A user without the right gets 403 whether or not the project
exists."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from teletravail.errors import InputError
from teletravail.format_fr import plural
from teletravail.grille.catalogue import load_grid
from teletravail.web.grille import service
from teletravail.web.grille.access import project_for, site_of
from teletravail.web.grille.forms import PlaceForm, ProjectForm, SiteForm
from teletravail.web.grille.models import GridProject, GridScore, GridSite
from teletravail.web.surveys.access import CONTRIBUTE, MANAGE, READ, territory_for

MAX_PLACES = 30


@login_required
@require_http_methods(["GET", "POST"])
def project_list(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    """The territory's projects; a member or manager creates one."""
    territory = territory_for(request, READ, kind, code)
    can_edit = request.user.has_perm(CONTRIBUTE, territory)
    form = ProjectForm(request.POST or None)
    if request.method == "POST":
        territory_for(request, CONTRIBUTE, kind, code)
        if form.is_valid():
            project = GridProject.objects.create(
                territory=territory,
                nom=form.cleaned_data["nom"],
                description=form.cleaned_data["description"],
                created_by=request.user,
            )
            messages.success(request, "Projet créé : ajoutez ses sites candidats.")
            return redirect("grille:project", project.pk)
    projects = territory.grid_projects.annotate(nb_sites=Count("sites")).order_by("nom")
    return render(
        request,
        "grille/project_list.html",
        {
            "title": f"Projets de lieux — {territory.nom}",
            "territory": territory,
            "projects": projects,
            "form": form,
            "can_edit": can_edit,
        },
        status=400 if request.method == "POST" else 200,
    )


def _project_page(
    request: HttpRequest,
    project: GridProject,
    *,
    site_form: SiteForm | None = None,
    place_form: PlaceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    facts_state = service.refresh_facts(project)
    sites = list(project.sites.annotate(nb_notes=Count("scores")).order_by("code"))
    mine = dict(
        GridScore.objects.filter(site__project=project, assessor=request.user, note__isnull=False)
        .values_list("site_id")
        .annotate(n=Count("id"))
    )
    assessors = (
        GridScore.objects.filter(site__project=project, note__isnull=False)
        .values("assessor")
        .distinct()
        .count()
    )
    rows = []
    for site in sites:
        facts = service.site_fact_model(site)
        rows.append(
            {
                "site": site,
                "facts": facts,
                "nearest": facts.gares.gares[0] if facts and facts.gares.gares else None,
                "error": service.facts_error(site),
                "mine": mine.get(site.pk, 0),
            }
        )
    return render(
        request,
        "grille/project.html",
        {
            "title": f"{project.nom} — projet de lieu",
            "project": project,
            "territory": project.territory,
            "rows": rows,
            "facts_state": facts_state,
            "criteria": len(load_grid().criteria),
            "assessors": assessors,
            "can_edit": request.user.has_perm(CONTRIBUTE, project.territory),
            "can_manage": request.user.has_perm(MANAGE, project.territory),
            "site_form": site_form or SiteForm(prefix="site"),
            "place_form": place_form or PlaceForm(prefix="lieu"),
            "places": service.team_places(project),
            "max_sites": service.MAX_SITES,
        },
        status=status,
    )


@login_required
def project(request: HttpRequest, pk: int) -> HttpResponse:
    """A project: its sites with their facts, what is scored, forms to add sites."""
    return _project_page(request, project_for(request, READ, pk))


def _next_code(project: GridProject) -> str:
    used = set(project.sites.values_list("code", flat=True))
    n = 1
    while f"s{n}" in used:
        n += 1
    return f"s{n}"


@login_required
@require_POST
def add_site(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a candidate site (member or manager); its facts are computed from open data."""
    found = project_for(request, CONTRIBUTE, pk)
    form = SiteForm(request.POST, prefix="site")
    if not form.is_valid():
        return _project_page(request, found, site_form=form, status=400)
    if found.sites.count() >= service.MAX_SITES:
        form.add_error(None, f"Un projet compte au plus {service.MAX_SITES} sites candidats.")
        return _project_page(request, found, site_form=form, status=400)
    with transaction.atomic():
        site = GridSite.objects.create(project=found, code=_next_code(found), **form.cleaned_data)
    service.refresh_facts(found, [site])
    site.refresh_from_db()
    error = service.facts_error(site)
    if error:
        site.delete()
        form.add_error(None, f"Site non ajouté : {error}")
        return _project_page(request, found, site_form=form, status=400)
    messages.success(request, f"Site « {site.nom} » ajouté ({site.code}).")
    return redirect("grille:project", found.pk)


@login_required
@require_http_methods(["GET", "POST"])
def delete_site(request: HttpRequest, pk: int, site_pk: int) -> HttpResponse:
    """Remove a candidate site and its scores (manager), after a confirmation page that says how
    many scores go with it; the deletion is kept in the history."""
    found = project_for(request, MANAGE, pk)
    site = site_of(found, site_pk)
    if request.method == "GET" or request.POST.get("confirmer") != "oui":
        return render(
            request,
            "grille/delete_site.html",
            {
                "title": f"Retirer le site {site.nom}",
                "project": found,
                "site": site,
                "scores": site.scores.filter(note__isnull=False).count(),
            },
        )
    name = site.nom
    site.delete()
    messages.success(request, f"Site « {name} » retiré du projet, avec ses notes.")
    return redirect("grille:project", found.pk)


@login_required
@require_POST
def add_place(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a tiers-lieu known to the team (listed in every site's facts with its distance)."""
    found = project_for(request, CONTRIBUTE, pk)
    form = PlaceForm(request.POST, prefix="lieu")
    if not form.is_valid():
        return _project_page(request, found, place_form=form, status=400)
    places = list(found.tiers_lieux or [])
    if len(places) >= MAX_PLACES:
        form.add_error(None, f"Au plus {MAX_PLACES} tiers-lieux par projet.")
        return _project_page(request, found, place_form=form, status=400)
    places.append(
        {
            "nom": form.cleaned_data["nom"],
            "lat": form.cleaned_data["lat"],
            "lon": form.cleaned_data["lon"],
        }
    )
    found.tiers_lieux = places
    found.save(update_fields=["tiers_lieux", "updated"])
    found.sites.update(faits_jour=None)  # every site's facts list the tiers-lieux: recompute
    messages.success(request, f"Tiers-lieu « {form.cleaned_data['nom']} » ajouté.")
    return redirect("grille:project", found.pk)


_LEVEL = re.compile(r"^[0-4]$")


@login_required
@require_http_methods(["GET", "POST"])
def scores(request: HttpRequest, pk: int, site_pk: int) -> HttpResponse:
    """The signed-in assessor's scores of one site (member or manager), criterion by criterion,
    with the level descriptions, the fact and the score it suggests."""
    found = project_for(request, CONTRIBUTE, pk)
    site = site_of(found, site_pk)
    grid = load_grid()
    stored = {s.critere: s for s in GridScore.objects.filter(site=site, assessor=request.user)}
    values = {c: (str(s.note) if s.note is not None else "") for c, s in stored.items()}
    comments = {c: s.commentaire for c, s in stored.items()}
    errors: dict[str, str] = {}
    if request.method == "POST":
        posted: dict[str, object] = {}
        for c in grid.criteria:  # only what is given or changes a stored score: no empty rows
            raw = request.POST.get(f"note_{c.id}", "").strip()[:20]
            if raw or c.id in stored:
                posted[c.id] = int(raw) if _LEVEL.fullmatch(raw) else (raw or None)
            text = request.POST.get(f"commentaire_{c.id}", "").replace("\r\n", "\n")
            if text.strip() or c.id in stored:
                comments[c.id] = text
            values[c.id] = raw
        try:
            count = service.save_scores(site, request.user, posted, comments)
        except InputError:
            errors = dict(service.check_scores(posted, comments, grid)[2])
        else:
            scored = sum(1 for v in posted.values() if v is not None)
            messages.success(
                request,
                f"Notes enregistrées : {scored} "
                f"{plural(scored, 'critère noté', 'critères notés')} sur {count}.",
            )
            return redirect("grille:project", found.pk)
    facts = service.site_fact_model(site)
    flat = service.grid_facts(facts) if facts is not None else {}
    themes = []
    for theme in grid.themes:
        items = []
        for c in grid.criteria:
            if c.theme != theme.id:
                continue
            fact_value = flat.get(c.fait) if c.fait else None
            suggested = service.suggested_level(c, fact_value) if c.fait else None
            items.append(
                {
                    "c": c,
                    "value": values.get(c.id, ""),
                    "levels": [(str(n), text) for n, text in enumerate(c.niveaux)],
                    "comment": comments.get(c.id, ""),
                    "fact": service.fact_line(c, fact_value) if c.fait else "",
                    "suggested": suggested,
                    "error": errors.get(f"note_{c.id}", ""),
                    "comment_error": errors.get(f"commentaire_{c.id}", ""),
                }
            )
        themes.append({"theme": theme, "items": items})
    return render(
        request,
        "grille/scores.html",
        {
            "title": f"Notes du site {site.nom} — {found.nom}",
            "project": found,
            "site": site,
            "themes": themes,
            "levels": grid.levels,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


_SAATY = ("1/9", "1/7", "1/5", "1/3", "1", "3", "5", "7", "9")


def _saaty(text: str) -> float | None:
    if text not in _SAATY:
        return None
    if "/" in text:
        return 1.0 / float(text.split("/")[1])
    return float(text)


def _saaty_text(value: float) -> str:
    for text in _SAATY:
        number = _saaty(text)
        if number is not None and abs(number - value) < 1e-6:
            return text
    return "1"


@login_required
@require_http_methods(["GET", "POST"])
def weights(request: HttpRequest, pk: int) -> HttpResponse:
    """Weights of the themes and criteria (equal by default), or the themes compared by pairs
    (AHP, Saaty's 1/9 to 9 scale) with the consistency ratio shown on the results."""
    found = project_for(request, READ, pk)
    can_edit = request.user.has_perm(CONTRIBUTE, found.territory)
    grid = load_grid()
    stored = service.to_project(found, grid)
    theme_w = {t.id: stored.poids.themes.get(t.id, 1.0) for t in grid.themes}
    crit_w = {c.id: stored.poids.criteres.get(c.id, 1.0) for c in grid.criteria}
    ids = [t.id for t in grid.themes]
    matrix = stored.ahp.matrice if stored.ahp and stored.ahp.elements == ids else None
    use_ahp = matrix is not None
    errors: list[str] = []
    if request.method == "POST":
        found = project_for(request, CONTRIBUTE, pk)
        use_ahp = request.POST.get("mode") == "ahp"
        labels = {t.id: t.libelle for t in grid.themes} | {c.id: c.libelle for c in grid.criteria}
        for key, target in (("theme", theme_w), ("critere", crit_w)):
            for item in list(target):
                raw = request.POST.get(f"{key}_{item}", "").strip().replace(",", ".")
                try:
                    value = float(raw)
                except ValueError:
                    errors.append(
                        f"Poids illisible « {raw} » pour « {labels[item]} » : un nombre ≥ 0."
                    )
                    continue
                if not 0 <= value <= 100:
                    errors.append(f"Poids « {raw} » pour « {labels[item]} » : entre 0 et 100.")
                    continue
                target[item] = value
        if sum(theme_w.values()) <= 0:
            errors.append("Au moins un thème doit avoir un poids positif.")
        pairs: list[list[float]] = [[1.0] * len(ids) for _ in ids]
        if use_ahp:
            for i in range(len(ids)):
                for j in range(i + 1, len(ids)):
                    text = request.POST.get(f"ahp_{i}_{j}", "1")
                    ratio = _saaty(text)
                    if ratio is None:
                        errors.append(
                            f"Comparaison « {labels[ids[i]]} » / « {labels[ids[j]]} » "
                            f"illisible « {text} » : une valeur de 1/9 à 9."
                        )
                        ratio = 1.0
                    pairs[i][j], pairs[j][i] = ratio, 1.0 / ratio
        matrix = pairs if use_ahp else matrix
        if not errors:
            found.poids = {"themes": theme_w, "criteres": crit_w}
            found.ahp = {"elements": ids, "matrice": pairs} if use_ahp else None
            found.save(update_fields=["poids", "ahp", "updated"])
            messages.success(request, "Poids enregistrés : le classement est recalculé.")
            return redirect("grille:results", found.pk)
    rows = [
        {
            "theme": t,
            "weight": theme_w[t.id],
            "criteria": [
                {"c": c, "weight": crit_w[c.id]} for c in grid.criteria if c.theme == t.id
            ],
        }
        for t in grid.themes
    ]
    ahp_rows = [
        {
            "theme": grid.theme_of(ids[i]),
            "cells": [
                {
                    "name": f"ahp_{i}_{j}",
                    "other": grid.theme_of(ids[j]),
                    "value": _saaty_text(matrix[i][j]) if matrix else "1",
                }
                for j in range(i + 1, len(ids))
            ],
        }
        for i in range(len(ids) - 1)
    ]
    return render(
        request,
        "grille/weights.html",
        {
            "title": f"Poids — {found.nom}",
            "project": found,
            "rows": rows,
            "ahp_rows": ahp_rows,
            "use_ahp": use_ahp,
            "saaty": _SAATY,
            "errors": errors,
            "can_edit": can_edit,
        },
        status=400 if errors else 200,
    )


_EXPORTS = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json; charset=utf-8",
}


@login_required
def results(request: HttpRequest, pk: int) -> HttpResponse:
    """The evaluation: each site's scores, disagreements, ranking by each method with its
    stability, radar charts, strengths, weaknesses and recommendations; ``?format=pdf|xlsx|json``
    for the report."""
    from teletravail.grille import display

    found = project_for(request, READ, pk)
    service.refresh_facts(found)
    fmt = request.GET.get("format", "").strip()[:5]
    if fmt and fmt not in _EXPORTS:
        return render(
            request,
            "diagnostics/error.html",
            {
                "title": "Résultats : format inconnu",
                "message": f"Format inconnu « {fmt} » : pdf, xlsx ou json.",
            },
            status=400,
        )
    grid = load_grid()
    try:
        ev = service.evaluation(found)
    except InputError as exc:
        return render(
            request,
            "grille/results.html",
            {"title": f"Résultats — {found.nom}", "project": found, "problem": str(exc)},
        )
    if fmt:
        if fmt == "json":
            body: bytes | str = display.render_json(ev)
        elif fmt == "xlsx":
            body = display.render_xlsx(ev, grid)
        else:
            body = display.render_pdf(display.render_html(ev, grid))
        response = HttpResponse(body, content_type=_EXPORTS[fmt])
        disposition = "inline" if fmt == "pdf" else "attachment"
        response["Content-Disposition"] = (
            f'{disposition}; filename="grille-projet-{found.pk}.{fmt}"'
        )
        return response
    names = {s.site: s.nom for s in ev.sites}
    labels = {c.id: c.libelle for c in grid.criteria}
    methods = []
    stability = {}
    if ev.classement is not None:
        if ev.classement.sensibilite is not None:
            stability = {(r.methode, r.site): r for r in ev.classement.sensibilite.sites}
        for m in ev.classement.methodes:
            order = sorted(m.rangs, key=lambda sid: (m.rangs[sid], names[sid]))
            methods.append(
                {
                    "m": m,
                    "rows": [
                        {
                            "nom": names[sid],
                            "rang": display.score_text(
                                m.rangs[sid], 0 if float(m.rangs[sid]).is_integer() else 1
                            ),
                            "preference": display.score_text(m.preferences[sid], 3),
                            "conserve": display.share_text(
                                stability[(m.methode, sid)].part_rang_conserve
                            )
                            if (m.methode, sid) in stability
                            else "",
                            "premier": display.share_text(stability[(m.methode, sid)].part_premier)
                            if (m.methode, sid) in stability
                            else "",
                        }
                        for sid in order
                    ],
                }
            )
    sites = [
        {
            "r": s,
            "score": display.score_text(s.score_global, 2),
            "radar": display.site_radar(s, grid),
            "themes": [
                {
                    "libelle": grid.theme_of(t.theme).libelle,
                    "score": display.score_text(t.score, 2),
                    "notes": t.notes,
                    "non_notes": t.non_notes,
                }
                for t in s.themes
            ],
            "desaccords": [labels.get(c, c) for c in s.desaccords],
            "facts": [
                {"libelle": labels[a.critere], "text": display.fact_text(a)}
                for a in s.criteres
                if a.fait is not None
            ],
        }
        for s in ev.sites
    ]
    return render(
        request,
        "grille/results.html",
        {
            "title": f"Résultats — {found.nom}",
            "project": found,
            "ev": ev,
            "sites": sites,
            "methods": methods,
            "weight_mode": display.WEIGHT_MODES[ev.poids.mode],
            "ahp": [
                {"label": label, "rc": display.score_text(a.rc, 3), "incoherent": a.incoherent}
                for label, a in display.ahp_results(ev, grid)
            ],
            "method_note": display.METHOD_NOTE,
            "unranked": [names.get(s, s) for s in ev.sites_non_classes],
            "excluded": [labels.get(c, c) for c in ev.classement.criteres_ecartes]
            if ev.classement
            else [],
            "sensitivity": ev.classement.sensibilite if ev.classement else None,
            "amplitude": display.share_text(ev.classement.sensibilite.amplitude)
            if ev.classement and ev.classement.sensibilite
            else "",
        },
    )
