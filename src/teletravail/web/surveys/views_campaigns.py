"""Campaign pages of a territory team: list, create/edit, campaign page, downloads, imports, and
the interviewer mode.

Rights (``teletravail.web.accounts.rules``): reading a territory's campaigns needs any role on it;
the interviewer mode needs member or manager; creating, editing, importing and downloading answers
need manager. A national administrator holds every right.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.views.decorators.http import require_http_methods, require_POST

from teletravail.errors import TeletravailError
from teletravail.web.surveys import formpage, service
from teletravail.web.surveys.access import (
    CONTRIBUTE,
    MANAGE,
    READ,
    campaign_for,
    campaign_form,
    territory_for,
)
from teletravail.web.surveys.forms import CampaignForm, KoboImportForm, UploadForm
from teletravail.web.surveys.models import Campaign, Submission
from teletravail.web.surveys.views_public import closed_page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ExportRow(NamedTuple):
    """A submission as the analysis exports read it."""

    uuid: str
    submitted_at: datetime
    source: str
    data: dict[str, Any]


@login_required
def campaign_list(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    """The territory's campaigns, with their number of answers."""
    territory = territory_for(request, READ, kind, code)
    campaigns = territory.campaigns.annotate(answers=Count("submissions")).order_by("-opens_on")
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
    """Edit a campaign."""
    campaign = campaign_for(request, MANAGE, pk)
    service.ensure_shipped_forms()
    form = CampaignForm(
        request.POST if request.method == "POST" else None,
        instance=campaign,
        territory=campaign.territory,
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
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
def download_answers(request: HttpRequest, pk: int, slug: str, fmt: str) -> HttpResponse:
    """The form's answers in the campaign, as CSV or XLSX (one row per submission)."""
    from teletravail.surveys.exports import export_csv, export_xlsx

    campaign = campaign_for(request, MANAGE, pk)
    form_obj = campaign_form(campaign, slug)
    if fmt not in ("csv", "xlsx"):
        raise Http404("Format inconnu : « csv » ou « xlsx ».")
    rows = [
        ExportRow(str(u), submitted or received, source, data)
        for u, submitted, received, source, data in Submission.objects.filter(
            campaign=campaign, form=form_obj
        )
        .order_by("received_at", "pk")
        .values_list("uuid", "submitted_at", "received_at", "source", "data")
    ]
    form = form_obj.form()
    if fmt == "xlsx":
        body, content_type = export_xlsx(form, rows), XLSX
    else:
        body, content_type = export_csv(form, rows), "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="reponses-{form_obj.slug}.{fmt}"'
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
    """Import the submissions of a KoboToolbox export for one of the campaign's forms."""
    campaign = campaign_for(request, MANAGE, pk)
    kobo = _kobo_form(campaign, request.POST, request.FILES)
    if not kobo.is_valid():
        return _campaign_page(request, campaign, kobo=kobo, status=400)
    form_obj = campaign_form(campaign, kobo.cleaned_data["formulaire"])
    fichier = kobo.cleaned_data["fichier"]
    try:
        report = service.import_kobo(campaign, form_obj, fichier.read(), fichier.name)
    except TeletravailError as exc:
        return _campaign_page(request, campaign, kobo=kobo, status=400, kobo_error=exc)
    return _campaign_page(request, campaign, kobo_report=report, kobo_form=form_obj)


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
