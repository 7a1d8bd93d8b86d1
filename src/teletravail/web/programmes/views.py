"""Pages of a territory's vision and programme of actions: the programme by theme, the vision,
an action with its history and comments, the followed indicators, publication, and the list of
the programmes other territories published."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import capfirst
from django.views.decorators.http import require_http_methods, require_POST

from teletravail.errors import InputError
from teletravail.programmes.model import STATUSES
from teletravail.programmes.suggestions import Suggestion
from teletravail.programmes.timeline import timeline_svg
from teletravail.web.programmes import jobs, service, transfer
from teletravail.web.programmes.access import action_for, programme_for
from teletravail.web.programmes.forms import (
    ActionForm,
    CommentForm,
    IndicatorForm,
    VisionForm,
    fundings_text,
)
from teletravail.web.programmes.models import (
    ActionComment,
    ProgrammeAction,
    ProgrammeJob,
    TerritoryProgramme,
)
from teletravail.web.programmes.suggest import suggestions_of

MAX_ACTIONS = service.MAX_ACTIONS


def _indicator_rows(programme: TerritoryProgramme) -> list[dict[str, Any]]:
    return [
        {"i": i, "progress": service.progress(i)}
        for i in programme.indicators.all().order_by("libelle")
    ]


@login_required
def programme(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    """The programme by theme: vision, actions with their status, followed indicators."""
    found = programme_for(request, kind, code, service.READ)
    territory = found.territory
    team = service.is_team(request.user, territory)
    problem = service.refresh_indicators(found) if team else ""
    status = request.GET.get("statut", "").strip()[:20]
    actions = found.actions.all().order_by("debut", "titre")
    if status in STATUSES:
        actions = actions.filter(statut=status)
    by_theme: dict[str, list[ProgrammeAction]] = {t: [] for t in service.themes_of(found)}
    for action in actions:
        by_theme.setdefault(action.theme, []).append(action)
    counts = dict(found.actions.values_list("statut").annotate(n=Count("id")))
    timeline = timeline_svg(service.to_programme(found), timezone.localdate())
    budget = sum((a.budget for a in found.actions.all() if a.budget is not None), start=0)
    return render(
        request,
        "programmes/programme.html",
        {
            "title": f"Programme d'actions — {territory.nom}",
            "programme": found,
            "territory": territory,
            "themes": [{"nom": t, "actions": acts} for t, acts in by_theme.items()],
            "statuses": [
                {"code": c, "label": label, "count": counts.get(c, 0)}
                for c, label in STATUSES.items()
            ],
            "status": status if status in STATUSES else "",
            "total": found.actions.count(),
            "budget": budget,
            "indicators": _indicator_rows(found),
            "indicator_problem": problem,
            "timeline": timeline,
            "team": team,
            "can_edit": request.user.has_perm(service.CONTRIBUTE, territory),
            "can_manage": request.user.has_perm(service.MANAGE, territory),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def vision(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    """The vision, its horizon and the themes (managers)."""
    found = programme_for(request, kind, code, service.MANAGE)
    initial = {
        "vision": found.vision,
        "horizon": found.horizon,
        "themes": "\n".join(service.themes_of(found)),
    }
    form = VisionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        missing = service.themes_in_use(found, form.cleaned_data["themes"])
        if missing:
            form.add_error(
                "themes",
                (
                    "Des actions utilisent encore ce thème : "
                    if len(missing) == 1
                    else "Des actions utilisent encore ces thèmes : "
                )
                + ", ".join(f"« {m} »" for m in missing)
                + ". Changez d'abord leur thème.",
            )
        else:
            found.vision = form.cleaned_data["vision"]
            found.horizon = form.cleaned_data["horizon"]
            found.themes = form.cleaned_data["themes"]
            found.updated_by = request.user
            found.save()
            messages.success(request, "Vision et thèmes enregistrés.")
            return redirect("programmes:programme", kind, code)
    return render(
        request,
        "programmes/vision.html",
        {"title": f"Vision — {found.territory.nom}", "programme": found, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def publish(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    """Publish the programme to the other territories' teams, or withdraw it (managers)."""
    found = programme_for(request, kind, code, service.MANAGE)
    publish_it = request.POST.get("publier") == "oui"
    if publish_it != found.publie:  # the date of publication changes with the state only
        found.publie_le = timezone.now() if publish_it else None
    found.publie = publish_it
    found.updated_by = request.user
    found.save()
    messages.success(
        request,
        "Programme publié : les équipes des autres territoires peuvent le lire (sans les "
        "commentaires)."
        if found.publie
        else "Programme retiré : seule votre équipe peut le lire.",
    )
    return redirect("programmes:programme", kind, code)


def _action_page(
    request: HttpRequest,
    found: TerritoryProgramme,
    form: ActionForm,
    action: ProgrammeAction | None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "programmes/action_form.html",
        {
            "title": ("Modifier l'action" if action else "Nouvelle action")
            + f" — {found.territory.nom}",
            "programme": found,
            "territory": found.territory,
            "form": form,
            "action": action,
            "can_manage": request.user.has_perm(service.MANAGE, found.territory),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_new(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    """A new action (members and managers), possibly from a suggestion of the tools."""
    found = programme_for(request, kind, code, service.CONTRIBUTE)
    themes = service.themes_of(found)
    initial: dict[str, Any] = {"statut": "idee"}
    motifs: list[dict[str, Any]] = []
    suggestion = _suggestion(request, found)
    if suggestion is not None:
        initial |= {
            "titre": suggestion.titre,
            "theme": suggestion.theme if suggestion.theme in themes else themes[0],
            "description": suggestion.description,
            "porteur": ", ".join(suggestion.porteurs[:2]) if suggestion.porteurs else "",
        }
        motifs = [suggestion.motif.model_dump(mode="json")]
    options = service.motive_options(found.territory)
    form = ActionForm(
        request.POST or None,
        initial=initial,
        themes=themes,
        motives=service.motive_choices(options),
    )
    if request.method == "POST":
        if found.actions.count() >= MAX_ACTIONS:
            form.add_error(None, f"Un programme compte au plus {MAX_ACTIONS} actions.")
        elif form.is_valid():
            action = ProgrammeAction.objects.create(
                programme=found,
                motifs=service.merged_motives(motifs, form.cleaned_data.get("motifs", []), options),
                updated_by=request.user,
                **service.action_fields(form.cleaned_data),
            )
            messages.success(request, f"Action « {action.titre} » ajoutée.")
            return redirect("programmes:action", action.pk)
        return _action_page(request, found, form, None, status=400)
    return _action_page(request, found, form, None)


def _suggestion(request: HttpRequest, found: TerritoryProgramme) -> Suggestion | None:
    """The suggestion chosen on the suggestions page (``?suggestion=N``), or None."""
    text = request.GET.get("suggestion", "").strip()[:6]
    if not text.isascii() or not text.isdigit():
        return None
    found_list = suggestions_of(found)
    index = int(text)
    return found_list[index] if index < len(found_list) else None


@login_required
def suggestions(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    """The actions the diagnostic and the tools suggest, each with what motivates it."""
    found = programme_for(request, kind, code, service.CONTRIBUTE)
    return render(
        request,
        "programmes/suggestions.html",
        {
            "title": f"Actions suggérées — {found.territory.nom}",
            "programme": found,
            "territory": found.territory,
            "suggestions": list(enumerate(suggestions_of(found))),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def action(request: HttpRequest, pk: int) -> HttpResponse:
    """An action: its fields, what motivated it, its history and the team's comments."""
    found = action_for(request, pk, service.READ)
    territory = found.programme.territory
    team = service.is_team(request.user, territory)
    can_edit = request.user.has_perm(service.CONTRIBUTE, territory)
    form = CommentForm(request.POST or None)
    if request.method == "POST":
        action_for(request, pk, service.CONTRIBUTE)
        if form.is_valid():
            ActionComment.objects.create(
                action=found, author=request.user, texte=form.cleaned_data["texte"]
            )
            messages.success(request, "Commentaire ajouté.")
            return redirect("programmes:action", found.pk)
    history = []
    records = list(found.history.order_by("history_date", "history_id"))
    previous = None
    labels = {
        f.name: capfirst(str(f.verbose_name))
        for f in ProgrammeAction._meta.get_fields()
        if hasattr(f, "verbose_name")
    }
    for record in records:
        if previous is None:
            changes = ["création"]
        else:
            delta = record.diff_against(previous)
            changes = [
                f"{labels.get(c.field, c.field)} : {STATUSES.get(str(c.old), c.old)} → "
                f"{STATUSES.get(str(c.new), c.new)}"
                if c.field == "statut"
                else f"{labels.get(c.field, c.field)} modifié"
                for c in delta.changes
                if c.field not in ("updated", "updated_by")
            ] or ["enregistrée sans changement"]
        user = record.history_user
        history.append(
            {
                "date": record.history_date,
                "auteur": user.get_username() if user is not None else "—",
                "changements": changes,
            }
        )
        previous = record
    return render(
        request,
        "programmes/action.html",
        {
            "title": f"{found.titre} — {territory.nom}",
            "action": found,
            "programme": found.programme,
            "territory": territory,
            "fundings": fundings_text(found.financements),
            "motifs": service.motives_of(found.motifs),
            "history": list(reversed(history)) if team else [],
            "comments": found.comments.select_related("author") if team else [],
            "team": team,
            "can_edit": can_edit,
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an action (members and managers); every change is kept in its history."""
    found = action_for(request, pk, service.CONTRIBUTE)
    programme_obj = found.programme
    initial = {
        "titre": found.titre,
        "theme": found.theme,
        "description": found.description,
        "porteur": found.porteur,
        "partenaires": found.partenaires,
        "budget": found.budget,
        "financements": fundings_text(found.financements),
        "debut": found.debut,
        "fin": found.fin,
        "statut": found.statut,
    }
    options = service.motive_options(programme_obj.territory)
    initial["motifs"] = [
        service.motive_key(m)
        for m in service.motives_of(found.motifs)
        if service.motive_key(m) in options
    ]
    form = ActionForm(
        request.POST or None,
        initial=initial,
        themes=service.themes_of(programme_obj),
        motives=service.motive_choices(options),
    )
    if request.method == "POST":
        if form.is_valid():
            for name, value in service.action_fields(form.cleaned_data).items():
                setattr(found, name, value)
            found.motifs = service.merged_motives(
                found.motifs, form.cleaned_data.get("motifs", []), options
            )
            found.updated_by = request.user
            found.save()
            messages.success(request, "Action enregistrée.")
            return redirect("programmes:action", found.pk)
        return _action_page(request, programme_obj, form, found, status=400)
    return _action_page(request, programme_obj, form, found)


@login_required
@require_POST
def action_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete an action and its comments (managers; kept in the history)."""
    found = action_for(request, pk, service.MANAGE)
    territory = found.programme.territory
    if request.POST.get("confirmer") != "oui":
        messages.error(request, "Cochez la confirmation pour supprimer l'action.")
        return redirect("programmes:action_edit", found.pk)
    title = found.titre
    found.delete()
    messages.success(request, f"Action « {title} » supprimée.")
    return redirect("programmes:programme", territory.kind, territory.code)


@login_required
@require_http_methods(["GET", "POST"])
def indicators(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    """Follow a diagnostic indicator: baseline = its value today, with a target (members)."""
    found = programme_for(request, kind, code, service.CONTRIBUTE)
    choices = service.indicator_choices(found.territory)
    form = IndicatorForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        try:
            service.follow(
                found,
                form.cleaned_data["reference"],
                form.cleaned_data["cible"],
                form.cleaned_data["annee_cible"],
            )
        except InputError as exc:
            form.add_error("reference", str(exc))
        else:
            messages.success(
                request, "Indicateur suivi : sa valeur d'aujourd'hui est la valeur initiale."
            )
            return redirect("programmes:programme", kind, code)
    return render(
        request,
        "programmes/indicators.html",
        {
            "title": f"Indicateurs suivis — {found.territory.nom}",
            "programme": found,
            "territory": found.territory,
            "form": form,
            "indicators": _indicator_rows(found),
            "available": bool(choices),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def published(request: HttpRequest) -> HttpResponse:
    """The programmes the territories published, to learn from the pilots and from peers."""
    programmes = (
        TerritoryProgramme.objects.filter(publie=True)
        .select_related("territory")
        .annotate(nb_actions=Count("actions"))
        .order_by("territory__nom")
    )
    return render(
        request,
        "programmes/published.html",
        {"title": "Programmes publiés par les territoires", "programmes": programmes},
    )


@login_required
def export(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    """The programme as a spreadsheet (``?format=xlsx``), a full PDF (``pdf``) or the one-page
    summary for the council (``synthese``); published programmes too, for their readers."""
    found = programme_for(request, kind, code, service.READ)
    fmt = request.GET.get("format", "").strip()[:10]
    if fmt not in transfer.CONTENT_TYPES:
        return render(
            request,
            "diagnostics/error.html",
            {
                "title": "Programme : format inconnu",
                "message": f"Format inconnu « {fmt} » : xlsx, pdf ou synthese.",
            },
            status=400,
        )
    if fmt == "pdf":  # the full programme: long for a large one, made by the task worker
        job = jobs.enqueue_pdf(found, request.user)
        return redirect("programmes:job", job.pk)
    body = transfer.document(found, fmt, timezone.localdate())
    response = HttpResponse(body, content_type=transfer.CONTENT_TYPES[fmt])
    disposition = "attachment" if fmt == "xlsx" else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{transfer.filename(found, fmt)}"'
    return response


MAX_UPLOAD = 5 * 1024 * 1024


@login_required
@require_http_methods(["GET", "POST"])
def import_workbook(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    """Bring a programme kept in a spreadsheet (managers): all or nothing, every wrong cell
    said with its sheet, row, column and reason."""
    found = programme_for(request, kind, code, service.MANAGE)
    problems: list[str] = []
    message = ""
    if request.method == "POST":
        upload = request.FILES.get("fichier")
        if upload is None:
            message = "Choisissez un fichier XLSX."
        elif upload.size is not None and upload.size > MAX_UPLOAD:
            message = f"Fichier trop volumineux : {MAX_UPLOAD // (1024 * 1024)} Mo au plus."
        elif not (upload.name or "").lower().endswith((".xlsx", ".xlsm")):
            message = f"« {upload.name} » n'est pas un classeur XLSX."
        else:
            job = jobs.enqueue_import(
                found,
                upload.read(),
                upload.name or "classeur.xlsx",
                request.user,
            )
            return redirect("programmes:job", job.pk)
    return render(
        request,
        "programmes/import.html",
        {
            "title": f"Importer un programme — {found.territory.nom}",
            "programme": found,
            "territory": found.territory,
            "message": message,
            "problems": problems,
        },
        status=400 if message else 200,
    )


def _job_for(request: HttpRequest, pk: int) -> ProgrammeJob:
    """The job ``pk`` for its requester or the programme's team (403 otherwise)."""
    found = ProgrammeJob.objects.select_related("programme__territory").filter(pk=pk).first()
    if found is None or not (
        found.requested_by_id == request.user.pk
        or service.is_team(request.user, found.programme.territory)
    ):
        raise PermissionDenied("Vous n'avez pas accès à cette tâche.")
    return found


@login_required
def job(request: HttpRequest, pk: int) -> HttpResponse:
    """A programme job: its state while it runs (the page reloads itself), then its report."""
    found = _job_for(request, pk)
    territory = found.programme.territory
    return render(
        request,
        "programmes/job.html",
        {
            "title": f"{found.get_kind_display()} — {territory.nom}",
            "job": found,
            "programme": found.programme,
            "territory": territory,
            "team": service.is_team(request.user, territory),
            "report": found.report or {},
            "refresh_seconds": 3,
        },
    )


@login_required
def job_file(request: HttpRequest, pk: int) -> FileResponse:
    """The PDF a job produced."""
    found = _job_for(request, pk)
    path = Path(settings.VAR_DIR) / found.output_path if found.output_path else None
    if path is None or found.status != "termine" or not path.is_file():
        raise Http404("Le fichier n'est pas (ou plus) disponible.")
    return FileResponse(path.open("rb"), as_attachment=False, filename=path.name)
