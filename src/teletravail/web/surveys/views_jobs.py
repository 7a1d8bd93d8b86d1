"""Job pages (progress, report, produced file) and a campaign's trash ("Corbeille").

Every page needs the manager right on the campaign's territory (403 otherwise, whether or not the
job exists). The job page refreshes itself through a static script polling the JSON status.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Min
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from teletravail.format_fr import count_text
from teletravail.web.surveys import purge
from teletravail.web.surveys.access import MANAGE, campaign_for, require
from teletravail.web.surveys.models import AnswerAudit, Job, JobStatus, Submission


def job_for(request: HttpRequest, pk: int) -> Job:
    """The job ``pk`` once the manager right on its campaign's territory is checked (403, then
    404)."""
    found = Job.objects.select_related("campaign__territory", "form", "requested_by").filter(pk=pk)
    job = found.first()
    require(request, MANAGE, job.campaign.territory if job else None)
    if job is None:
        raise Http404("Aucune tâche n'a cet identifiant.")
    return job


def _status(job: Job) -> dict[str, object]:
    return {
        "etat": job.status,
        "libelle": job.get_status_display(),
        "etape": job.stage,
        "faites": job.rows_done,
        "total": job.rows_total,
        "pourcentage": job.percent,
        "terminee": job.finished,
    }


@login_required
def job(request: HttpRequest, pk: int) -> HttpResponse:
    """The job: its progress while it runs, then its report (and its file for an export)."""
    found = job_for(request, pk)
    report = found.report or {}
    download = bool(found.output_path) and found.status == JobStatus.DONE
    kept = report.get("kept_until")  # a purge that found the retention date moved back
    return render(
        request,
        "surveys/job.html",
        {
            "title": f"{found.get_kind_display()} — {found.campaign.title}",
            "territory": found.campaign.territory,
            "campaign": found.campaign,
            "job": found,
            "report": report,
            "refused": report.get("refused", []),
            "download": download,
            "kept_until": date.fromisoformat(kept) if isinstance(kept, str) else None,
        },
    )


@login_required
def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    """The job's progress as JSON (polled by the job page)."""
    return JsonResponse(_status(job_for(request, pk)))


@login_required
def job_file(request: HttpRequest, pk: int) -> FileResponse:
    """The file produced by an export job, while it is kept."""
    found = job_for(request, pk)
    path = Path(settings.VAR_DIR) / found.output_path if found.output_path else None
    if path is None or not path.is_file() or found.status != JobStatus.DONE:
        raise Http404("Ce fichier n'est plus disponible : relancez l'export.")
    return FileResponse(path.open("rb"), as_attachment=True, filename=found.output_name)


@login_required
def trash(request: HttpRequest, pk: int) -> HttpResponse:
    """The campaign's trash: answers that can still be restored, per form, and until when; the
    history of purges, restores and final deletions."""
    campaign = campaign_for(request, MANAGE, pk)
    rows = (
        Submission.all_objects.filter(campaign=campaign, deleted_at__isnull=False)
        .values("form__title")
        .annotate(n=Count("pk"), since=Min("deleted_at"), until=Min("purge_after"))
        .order_by("form__title")
    )
    return render(
        request,
        "surveys/trash.html",
        {
            "title": f"Corbeille — {campaign.title}",
            "territory": campaign.territory,
            "campaign": campaign,
            "rows": list(rows),
            "total": sum(r["n"] for r in rows),
            "expired": campaign.retention_until < timezone.localdate(),
            "history": AnswerAudit.objects.filter(campaign=campaign).select_related("user")[:50],
            "grace_days": purge.grace().days,
        },
    )


@login_required
@require_POST
def trash_restore(request: HttpRequest, pk: int) -> HttpResponse:
    """Restore every answer of the campaign's trash (once its retention date is not past)."""
    campaign = campaign_for(request, MANAGE, pk)
    if campaign.retention_until < timezone.localdate():
        messages.error(
            request,
            "La date de conservation de la campagne est dépassée : repoussez-la d'abord "
            "(Modifier la campagne), sinon les réponses retourneraient aussitôt à la corbeille.",
        )
        return redirect("surveys:trash", campaign.pk)
    if not request.user.is_authenticated:
        raise PermissionDenied
    count = purge.restore(campaign, user=request.user)
    messages.success(request, count_text(count, "réponse restaurée", "réponses restaurées") + ".")
    return redirect("surveys:trash", campaign.pk)
