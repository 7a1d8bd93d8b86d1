"""Campaign pages of a territory team: list, create/edit, campaign page, downloads, imports, and
the interviewer mode.

Rights (``teletravail.web.accounts.rules``): reading a territory's campaigns needs any role on it;
the interviewer mode needs member or manager; creating, editing, importing and downloading answers
need manager. A national administrator holds every right.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.views.decorators.http import require_http_methods, require_POST

from teletravail.errors import TeletravailError
from teletravail.format_fr import count_text
from teletravail.web.surveys import answer_exports, formpage, jobs, purge, service
from teletravail.web.surveys.access import (
    CONTRIBUTE,
    MANAGE,
    READ,
    campaign_for,
    campaign_form,
    territory_for,
)
from teletravail.web.surveys.forms import CampaignForm, KoboImportForm, UploadForm
from teletravail.web.surveys.models import Campaign, JobKind, Submission
from teletravail.web.surveys.views_public import closed_page

XLSX = answer_exports.XLSX
KOBO_EXTENSIONS = (".csv", ".xlsx", ".xlsm")


@login_required
def campaign_list(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    """The territory's campaigns, with their number of answers."""
    territory = territory_for(request, READ, kind, code)
    live = Q(submissions__deleted_at__isnull=True)
    campaigns = territory.campaigns.annotate(answers=Count("submissions", filter=live)).order_by(
        "-opens_on"
    )
    return render(
        request,
        "surveys/campaign_list.html",
        {
            "title": f"Enquêtes — {territory.nom}",
            "territory": territory,
            "campaigns": campaigns,
            "can_manage": request.user.has_perm(MANAGE, territory),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_new(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    """Create a campaign (shipped forms are offered along with the territory's imports)."""
    territory = territory_for(request, MANAGE, kind, code)
    service.ensure_shipped_forms()
    form = CampaignForm(request.POST if request.method == "POST" else None, territory=territory)
    if request.method == "POST" and form.is_valid():
        campaign = form.save(commit=False)
        campaign.territory = territory
        campaign.created_by = request.user
        with transaction.atomic():
            campaign.save()
            form.save_m2m()
        messages.success(request, "Campagne créée.")
        return redirect("surveys:campaign", campaign.pk)
    return render(
        request,
        "surveys/campaign_form.html",
        {"title": "Nouvelle campagne", "territory": territory, "form": form, "campaign": None},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a campaign. A retention date of today or earlier on a campaign that has answers is
    saved only once confirmed on a page giving the number of answers that will go to the trash
    (then a purge job puts them there at once when the date is past)."""
    campaign = campaign_for(request, MANAGE, pk)
    service.ensure_shipped_forms()
    form = CampaignForm(
        request.POST if request.method == "POST" else None,
        instance=campaign,
        territory=campaign.territory,
    )
    if request.method == "POST" and form.is_valid():
        keep = form.cleaned_data["retention_until"]
        today = timezone.localdate()
        answers = Submission.objects.filter(campaign=campaign).count() if keep <= today else 0
        if answers and request.POST.get("confirmer") != "oui":
            hidden = [
                (k, v)
                for k in request.POST
                if k != "csrfmiddlewaretoken"
                for v in request.POST.getlist(k)
            ]
            return render(
                request,
                "surveys/trash_confirm.html",
                {
                    "title": f"Confirmer — {campaign.title}",
                    "territory": campaign.territory,
                    "campaign": campaign,
                    "answers": answers,
                    "keep": keep,
                    "past": keep < today,
                    "grace_days": purge.grace().days,
                    "hidden": hidden,
                },
            )
        with transaction.atomic():
            form.save()
        if answers and keep < today:
            job = jobs.start_job(str(JobKind.PURGE), campaign, user=request.user)
            messages.success(
                request,
                "Campagne modifiée : "
                + count_text(answers, "réponse va être mise", "réponses vont être mises")
                + " à la corbeille.",
            )
            return redirect("surveys:job", job.pk)
        messages.success(request, "Campagne modifiée.")
        return redirect("surveys:campaign", campaign.pk)
    return render(
        request,
        "surveys/campaign_form.html",
        {
            "title": f"Modifier — {campaign.title}",
            "territory": campaign.territory,
            "form": form,
            "campaign": campaign,
        },
        status=400 if form.is_bound else 200,
    )


def _campaign_page(
    request: HttpRequest,
    campaign: Campaign,
    *,
    upload: UploadForm | None = None,
    kobo: KoboImportForm | None = None,
    status: int = 200,
    **extra: object,
) -> HttpResponse:
    counts = dict(
        Submission.objects.filter(campaign=campaign)
        .values_list("form_id")
        .annotate(n=Count("pk"))
        .values_list("form_id", "n")
    )
    forms = [(f, counts.get(f.pk, 0)) for f in campaign.forms.order_by("title")]
    territory = campaign.territory
    return render(
        request,
        "surveys/campaign.html",
        {
            "title": campaign.title,
            "campaign": campaign,
            "territory": territory,
            "forms": forms,
            "public_url": request.build_absolute_uri(
                reverse("surveys:public", args=(campaign.token,))
            ),
            "can_manage": request.user.has_perm(MANAGE, territory),
            "can_contribute": request.user.has_perm(CONTRIBUTE, territory),
            "upload": upload or UploadForm(),
            "kobo": kobo or _kobo_form(campaign),
            "jobs": campaign.jobs.all()[:10],
            "trashed": Submission.all_objects.filter(
                campaign=campaign, deleted_at__isnull=False
            ).count(),
            **extra,
        },
        status=status,
    )


def _kobo_form(
    campaign: Campaign, data: QueryDict | None = None, files: MultiValueDict | None = None
) -> KoboImportForm:
    choices = [(f.slug, f.title) for f in campaign.forms.order_by("title")]
    return KoboImportForm(data, files, choices=choices)


@login_required
def campaign(request: HttpRequest, pk: int) -> HttpResponse:
    """The campaign: public link, answers per form, downloads, imports."""
    return _campaign_page(request, campaign_for(request, READ, pk))


@login_required
def download_xlsform(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    """The form's XLSForm workbook (.xlsx; the uploaded file when it was one)."""
    from teletravail.surveys.xlsform_export import xlsx_bytes, xlsx_filename
    from teletravail.web.surveys.filenames import readable_filename

    form_obj = campaign_form(campaign_for(request, READ, pk), slug)
    data = bytes(form_obj.xlsform)
    filename = readable_filename(form_obj.filename, data)  # a name cut by an older version
    if filename.lower().endswith(".xls"):  # already a workbook ODK and Kobo accept
        response = HttpResponse(data, content_type="application/vnd.ms-excel")
        name = filename
    else:  # .xlsx as is; markdown and CSV forms converted, cell by cell
        response = HttpResponse(xlsx_bytes(data, filename), content_type=XLSX)
        name = xlsx_filename(filename)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def download_xform(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    """The form as an XForm (XML, for ODK Collect or KoboToolbox)."""
    form_obj = campaign_form(campaign_for(request, READ, pk), slug)
    response = HttpResponse(form_obj.form().xform, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{form_obj.slug}.xml"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def download_answers(request: HttpRequest, pk: int, slug: str, fmt: str) -> HttpResponse:
    """The form's answers in the campaign, as CSV or XLSX (one row per submission). Above
    ``TELETRAVAIL_EXPORT_SYNC_MAX[fmt]`` answers the file is prepared by an export job: GET shows
    a page offering it, POST starts it and leads to the job page."""
    campaign = campaign_for(request, MANAGE, pk)
    form_obj = campaign_form(campaign, slug)
    if fmt not in answer_exports.CONTENT_TYPES:
        raise Http404("Format inconnu : « csv » ou « xlsx ».")
    count = answer_exports.answers_count(campaign, form_obj)
    if answer_exports.runs_as_job(
        count, fmt, lambda: answer_exports.answers_size(campaign, form_obj)
    ):
        if request.method == "POST":
            kind = str(JobKind.EXPORT_XLSX) if fmt == "xlsx" else str(JobKind.EXPORT_CSV)
            job = jobs.start_job(kind, campaign, user=request.user, form_obj=form_obj)
            return redirect("surveys:job", job.pk)
        return render(
            request,
            "surveys/job_export.html",
            {
                "title": f"Exporter les réponses — {campaign.title}",
                "territory": campaign.territory,
                "campaign": campaign,
                "form_obj": form_obj,
                "fmt": fmt.upper(),
                "count": count,
            },
        )
    body = answer_exports.build_export(campaign, form_obj, fmt)
    response = HttpResponse(body, content_type=answer_exports.CONTENT_TYPES[fmt])
    name = answer_exports.export_filename(form_obj, fmt)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def import_xlsform(request: HttpRequest, pk: int) -> HttpResponse:
    """Import an XLSForm into the territory and add it to the campaign."""
    campaign = campaign_for(request, MANAGE, pk)
    upload = UploadForm(request.POST, request.FILES)
    if not upload.is_valid():
        return _campaign_page(request, campaign, upload=upload, status=400)
    fichier = upload.cleaned_data["fichier"]
    try:
        form_obj = service.import_form(
            campaign.territory, fichier.read(), fichier.name, user=request.user
        )
    except TeletravailError as exc:
        return _campaign_page(request, campaign, upload=upload, status=400, import_error=exc)
    campaign.forms.add(form_obj)
    messages.success(request, f"Formulaire « {form_obj.title} » importé et ajouté à la campagne.")
    return redirect("surveys:campaign", campaign.pk)


@login_required
@require_POST
def import_kobo(request: HttpRequest, pk: int) -> HttpResponse:
    """Receive a KoboToolbox export for one of the campaign's forms and start its import job (the
    rows are checked and stored by the worker, all or nothing); then the job page."""
    campaign = campaign_for(request, MANAGE, pk)
    kobo = _kobo_form(campaign, request.POST, request.FILES)
    if not kobo.is_valid():
        return _campaign_page(request, campaign, kobo=kobo, status=400)
    form_obj = campaign_form(campaign, kobo.cleaned_data["formulaire"])
    fichier = kobo.cleaned_data["fichier"]
    name = fichier.name or ""
    if not name.lower().endswith(KOBO_EXTENSIONS):
        error = (
            f"Fichier « {name} » : format non pris en charge. Déposez l'export KoboToolbox en "
            "CSV (.csv) ou en Excel (.xlsx)."
        )
        return _campaign_page(request, campaign, kobo=kobo, status=400, kobo_error=error)
    job = jobs.start_job(
        str(JobKind.KOBO_IMPORT),
        campaign,
        user=request.user,
        form_obj=form_obj,
        upload=(name, fichier.read()),
    )
    return redirect("surveys:job", job.pk)


@login_required
@require_http_methods(["GET", "POST"])
def interviewer(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    """Interviewer mode: a team member types the answers of a person interviewed."""
    campaign = campaign_for(request, CONTRIBUTE, pk)
    form_obj = campaign_form(campaign, slug)
    closed = closed_page(request, campaign)  # no interview outside the campaign's dates
    if closed is not None:
        return closed
    mode = formpage.Mode(
        "enqueteur",
        reverse("surveys:interviewer_evaluate", args=(pk, slug)),
        interviewer=request.user,
    )
    return formpage.page(request, campaign, form_obj, mode)


@login_required
@require_POST
def interviewer_evaluate(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    """Live relevance of the interviewer form (JSON)."""
    campaign = campaign_for(request, CONTRIBUTE, pk)
    return formpage.evaluate(request, campaign_form(campaign, slug))
