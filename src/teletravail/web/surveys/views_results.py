"""Results of a campaign: indicators with their intervals, question summaries, segments, free-text
answers by theme, and the tagging of free-text answers by managers."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from teletravail.errors import TeletravailError
from teletravail.impact.calculator import Method, load_method, load_modes
from teletravail.impact.models import ModeTransport
from teletravail.surveys.charts import analysis_charts
from teletravail.surveys.textcheck import clean_value
from teletravail.web.surveys import display
from teletravail.web.surveys.access import MANAGE, READ, campaign_for, campaign_form
from teletravail.web.surveys.forms import TagForm
from teletravail.web.surveys.models import Campaign, Submission, SurveyForm, TextTag
from teletravail.web.territories import service as territory_service


def load_rows(campaign: Campaign, form_obj: SurveyForm) -> tuple[list[int], list[dict[str, Any]]]:
    """Submission ids and answers of ``form_obj`` in the campaign, in reception order (one query,
    no model instances)."""
    pairs = (
        Submission.objects.filter(campaign=campaign, form=form_obj)
        .order_by("received_at", "pk")
        .values_list("pk", "data")
    )
    ids: list[int] = []
    rows: list[dict[str, Any]] = []
    for pk, data in pairs:
        ids.append(pk)
        rows.append(clean_value(data))  # answers stored before the character checks
    return ids, rows


def load_tags(ids: list[int]) -> dict[tuple[int, str], list[str]]:
    """Manual tags keyed by (0-based row index, question name), as ``analyse`` takes them."""
    position = {pk: i for i, pk in enumerate(ids)}
    tags: dict[tuple[int, str], list[str]] = defaultdict(list)
    for sub, question, theme in TextTag.objects.filter(submission_id__in=ids).values_list(
        "submission_id", "question", "theme"
    ):
        tags[(position[sub], question)].append(theme)
    return dict(tags)


def impact_inputs() -> tuple[dict[str, ModeTransport] | None, Method | None]:
    """The Impact CO2 modes and published figures, read through the application's warehouse
    connection (None, None when the warehouse is missing: the page then says the CO2 is not
    computed)."""
    try:
        con = territory_service.cursor()
        return load_modes(con), load_method(con)
    except (OSError, TeletravailError):
        return None, None


@login_required
def results(request: HttpRequest, pk: int) -> HttpResponse:
    """The analysis of one form of the campaign (``?formulaire=`` slug, ``?segment=`` question,
    ``?poids=`` numeric question giving each answer's weight; unknown names are ignored)."""
    from teletravail.surveys.analysis import analyse, weight_choices

    campaign = campaign_for(request, READ, pk)
    forms = list(campaign.forms.order_by("title"))
    if not forms:
        raise Http404("Cette campagne n'a aucun formulaire.")
    slug = str(request.GET.get("formulaire", "")) or forms[0].slug
    form_obj = campaign_form(campaign, slug)
    form = form_obj.form()
    segment_choices = [
        (q.name, q.label or q.name)
        for q in form.questions()
        if q.kind == "select_one" or q.name == "commune_residence"
    ]
    segment = str(request.GET.get("segment", ""))
    if segment not in {name for name, _ in segment_choices}:
        segment = ""
    ids, rows = load_rows(campaign, form_obj)
    weights = weight_choices(form, rows)
    weight = str(request.GET.get("poids", ""))
    if weight not in {name for name, _ in weights}:
        weight = ""
    error = ""
    analysis = None
    try:
        modes, method = impact_inputs()
        analysis = analyse(
            form,
            rows,
            segment=segment or None,
            weight_field=weight or None,
            tags=load_tags(ids),
            modes=modes,
            method=method,
        )
    except TeletravailError as exc:
        error = str(exc)
    can_manage = request.user.has_perm(MANAGE, campaign.territory)
    return render(
        request,
        "surveys/results.html",
        {
            "title": f"Résultats — {campaign.title}",
            "campaign": campaign,
            "territory": campaign.territory,
            "forms": forms,
            "form_obj": form_obj,
            "analysis": analysis,
            "error": error,
            "segment": segment,
            "segment_choices": segment_choices,
            "weight": weight,
            "weight_label": dict(weights).get(weight, ""),
            "weight_choices": weights,
            "n_effective": display.number(analysis.n_effective, "")
            if analysis and analysis.weight_field
            else "",
            "charts": analysis_charts(analysis) if analysis else [],
            "indicators": display.indicator_rows(analysis.indicators) if analysis else [],
            "summaries": [(q, display.question_rows(q)) for q in analysis.questions]
            if analysis
            else [],
            "segments": [
                (s, display.segment_size(s), display.indicator_rows(s.indicators))
                for s in analysis.segments
            ]
            if analysis
            else [],
            "texts": [
                (t, [(a, ids[a.submission_index]) for a in t.answers]) for t in analysis.texts
            ]
            if analysis
            else [],
            "can_manage": can_manage,
        },
    )


@login_required
@require_POST
def tag(request: HttpRequest, pk: int) -> HttpResponse:
    """Give a theme to a free-text answer (managers)."""
    campaign = campaign_for(request, MANAGE, pk)
    form = TagForm(request.POST)
    back = reverse("surveys:results", args=(pk,))
    if not form.is_valid():
        messages.error(request, "Thème invalide : indiquez un thème de 1 à 100 caractères.")
        return redirect(back)
    submission = Submission.objects.filter(
        campaign=campaign, pk=form.cleaned_data["reponse"]
    ).first()
    if submission is None:
        raise Http404("Aucune réponse de cette campagne n'a cet identifiant.")
    theme = " ".join(str(form.cleaned_data["theme"]).split())
    name = str(form.cleaned_data["question"])
    try:
        question = submission.form.form().question(name)
    except KeyError:
        question = None
    if question is None or question.kind != "text":
        messages.error(
            request, f"« {name} » n'est pas une question à réponse libre de ce formulaire."
        )
        return redirect(f"{back}?formulaire={submission.form.slug}")
    try:
        with transaction.atomic():
            TextTag.objects.create(submission=submission, question=name, theme=theme)
    except IntegrityError:
        pass  # already tagged so
    messages.success(request, f"Thème « {theme} » ajouté.")
    return redirect(f"{back}?formulaire={submission.form.slug}")


@login_required
def download_labelled(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    """The form's answers in the campaign as CSV with question and choice labels (beside the
    coded CSV and XLSX exports)."""
    from teletravail.surveys.exports_labelled import export_labelled_csv

    campaign = campaign_for(request, MANAGE, pk)
    form_obj = campaign_form(campaign, slug)
    rows = [
        {"uuid": str(u), "submitted_at": submitted or received, "source": source, "data": data}
        for u, submitted, received, source, data in Submission.objects.filter(
            campaign=campaign, form=form_obj
        )
        .order_by("received_at", "pk")
        .values_list("uuid", "submitted_at", "received_at", "source", "data")
    ]
    body = export_labelled_csv(form_obj.form(), rows)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    name = f"reponses-{form_obj.slug}-libelles.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
