"""Public pages: a campaign's link (consent, form chooser, form), and the respondent's rights
with a receipt code (see, export, delete their answers). No account needed."""

from __future__ import annotations

import json

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from teletravail.surveys.textcheck import clean_value
from teletravail.web.surveys import display, formpage
from teletravail.web.surveys.access import campaign_form
from teletravail.web.surveys.forms import ReceiptForm
from teletravail.web.surveys.models import Campaign, Submission
from teletravail.web.surveys.receipts import code_hash

CONSENT_SESSION = "enquetes_consentement"


def _open_campaign(request: HttpRequest, token: str) -> Campaign | HttpResponse:
    """The campaign of ``token`` when open today; otherwise the page that says why (404 unknown
    or not yet open, 410 closed)."""
    campaign = Campaign.objects.select_related("territory").filter(token=token).first()
    if campaign is None:
        raise Http404("Ce lien d'enquête n'existe pas.")
    return closed_page(request, campaign) or campaign


def closed_page(request: HttpRequest, campaign: Campaign) -> HttpResponse | None:
    """The page that says a campaign is not open today (410 closed, 404 not yet open), or None
    when it is open: the public link and the interviewer mode follow the same dates."""
    state = campaign.state(timezone.localdate())
    if state == "ouverte":
        return None
    return render(
        request,
        "surveys/closed.html",
        {"title": "Enquête non ouverte", "campaign": campaign, "state": state},
        status=410 if state == "close" else 404,
    )


def _consented(request: HttpRequest, campaign: Campaign) -> bool:
    return str(campaign.pk) in request.session.get(CONSENT_SESSION, {})


@require_http_methods(["GET", "POST"])
def consent(request: HttpRequest, token: str) -> HttpResponse:
    """The notice (purpose, controller, retention, rights) and the consent checkbox."""
    found = _open_campaign(request, token)
    if isinstance(found, HttpResponse):
        return found
    campaign = found
    error = ""
    if request.method == "POST":
        if request.POST.get("consentement") == "1":
            given = dict(request.session.get(CONSENT_SESSION, {}))
            given[str(campaign.pk)] = timezone.now().isoformat()
            request.session[CONSENT_SESSION] = given
            return redirect("surveys:public_choose", token)
        error = "Cochez la case pour accepter de participer."
    return render(
        request,
        "surveys/consent.html",
        {
            "title": f"Enquête — {campaign.title}" if not error else "Erreur — consentement",
            "campaign": campaign,
            "error": error,
        },
        status=200,
    )


def choose(request: HttpRequest, token: str) -> HttpResponse:
    """The list of the campaign's forms (straight to the form when there is only one)."""
    found = _open_campaign(request, token)
    if isinstance(found, HttpResponse):
        return found
    campaign = found
    if not _consented(request, campaign):
        return redirect("surveys:public", token)
    forms = list(campaign.forms.order_by("title"))
    if len(forms) == 1:
        return redirect("surveys:public_form", token, forms[0].slug)
    return render(
        request,
        "surveys/choose.html",
        {"title": f"Enquête — {campaign.title}", "campaign": campaign, "forms": forms},
    )


@require_http_methods(["GET", "POST"])
def fill(request: HttpRequest, token: str, slug: str) -> HttpResponse:
    """The form of the public link (consent given first)."""
    found = _open_campaign(request, token)
    if isinstance(found, HttpResponse):
        return found
    campaign = found
    if not _consented(request, campaign):
        return redirect("surveys:public", token)
    form_obj = campaign_form(campaign, slug)
    mode = formpage.Mode("public", reverse("surveys:public_evaluate", args=(token, slug)))
    return formpage.page(request, campaign, form_obj, mode)


@require_POST
def evaluate(request: HttpRequest, token: str, slug: str) -> HttpResponse:
    """Live relevance of the public form (JSON)."""
    found = _open_campaign(request, token)
    if isinstance(found, HttpResponse):
        return found
    return formpage.evaluate(request, campaign_form(found, slug))


def _submission_from_code(code: str) -> Submission | None:
    digest = code_hash(code)
    if digest is None:
        return None
    return Submission.objects.select_related("campaign", "form").filter(receipt_hash=digest).first()


def _answers_rows(submission: Submission) -> list[tuple[str, str]]:
    """(question label, answer text) of a submission, in the order of the form."""
    from teletravail.surveys.instance import flatten

    form = submission.form.form()
    main, repeats = flatten(form, clean_value(submission.data))
    # a calculation has no wording of its own (the residents' « annee_enquete »): say what it is
    labels = {
        q.name: q.label
        or ("Valeur calculée par le questionnaire" if q.kind == "calculate" else q.name)
        for q in form.questions()
    }
    by_name = {q.name: q for q in form.questions()}
    rows: list[tuple[str, str]] = []

    def add(key: str, value: object, suffix: str = "") -> None:
        if key.startswith("_"):
            return
        name = key.rsplit("/", 1)[-1]
        text = display.answer_text(by_name.get(name), value)  # choice labels, not codes
        rows.append((labels.get(name, name) + suffix, text))

    for key, value in main.items():
        add(key, value)
    for items in repeats.values():
        for item in items:
            for key, value in item.items():
                add(key, value, f" (n° {item.get('_index', '?')})")
    return rows


@require_http_methods(["GET", "POST"])
def receipt(request: HttpRequest) -> HttpResponse:
    """Enter a receipt code; see the answers it gives access to."""
    form = ReceiptForm(request.POST if request.method == "POST" else None)
    submission = None
    not_found = False
    if request.method == "POST" and form.is_valid():
        submission = _submission_from_code(form.cleaned_data["code"])
        not_found = submission is None
    return render(
        request,
        "surveys/receipt.html",
        {
            "title": "Mes réponses à une enquête",
            "form": form,
            "submission": submission,
            "rows": _answers_rows(submission) if submission else [],
            "code": form.cleaned_data.get("code", "") if form.is_bound and form.is_valid() else "",
            "not_found": not_found,
        },
        status=404 if not_found else 200,
    )


@require_POST
def receipt_export(request: HttpRequest) -> HttpResponse:
    """The answers of a receipt code, as a JSON file."""
    submission = _submission_from_code(str(request.POST.get("code", "")))
    if submission is None:
        raise Http404("Aucune réponse ne correspond à ce code.")
    payload = {
        "identifiant": str(submission.uuid),
        "campagne": submission.campaign.title,
        "responsable_du_traitement": submission.campaign.controller,
        "formulaire": submission.form.title,
        "form_id": submission.form.form_id,
        "version": submission.form.version,
        "envoyee_le": submission.submitted_at.isoformat() if submission.submitted_at else None,
        "conservee_jusqu_au": submission.campaign.retention_until.isoformat(),
        "reponses": clean_value(submission.data),
    }
    response = HttpResponse(
        json.dumps(payload, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="reponses-{submission.uuid}.json"'
    return response


@require_POST
def receipt_delete(request: HttpRequest) -> HttpResponse:
    """Delete the answers of a receipt code (the confirmation box must be ticked)."""
    code = str(request.POST.get("code", ""))
    submission = _submission_from_code(code)
    if submission is None:
        raise Http404("Aucune réponse ne correspond à ce code.")
    if request.POST.get("confirmer") != "1":
        return render(
            request,
            "surveys/receipt.html",
            {
                "title": "Erreur — suppression non confirmée",
                "form": ReceiptForm(initial={"code": code}),
                "submission": submission,
                "rows": _answers_rows(submission),
                "code": code,
                "confirm_error": "Cochez la case pour confirmer la suppression.",
            },
            status=400,
        )
    submission.delete()
    return render(request, "surveys/deleted.html", {"title": "Réponses supprimées"})
