"""Submitting answers to a survey campaign through its public token (ODK-like clients, scripts).

``POST /api/v1/enquetes/{jeton}/reponses`` with the nested answers of one form (see
``docs/formulaires.md``). The token of the public link is the only credential: whoever may answer
on the public link may answer here. Each submission carries a client-generated UUID; sending it
again stores nothing more and answers 200 (idempotent). The answer is acknowledged (201) only
after the database transaction has committed.

Limits: a body of at most 256 Ko (413 ``trop_volumineux``), at most 50 instances of a repeat,
texts without control characters or invalid Unicode (422 naming the field), ``envoyee_le``
between 2000-01-01 and the next day; submissions per minute per client and link, and per link
(429 ``trop_de_requetes`` with ``Retry-After``, see :mod:`teletravail.web.api_routes.limits`).
"""

from __future__ import annotations

import uuid as uuid_module
from datetime import UTC, datetime
from typing import Any, Literal

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from ninja import Router, Schema
from pydantic import Field

from teletravail.surveys.textcheck import submitted_at_problem
from teletravail.web.api import Error
from teletravail.web.api_routes.common import error, invalid
from teletravail.web.api_routes.limits import check_submission_rate
from teletravail.web.surveys.models import Campaign, SurveyForm
from teletravail.web.surveys.service import store_submission

router: Router = Router(tags=["enquêtes"])


class SubmissionIn(Schema):
    """One answered form."""

    uuid: uuid_module.UUID = Field(
        description="Identifiant de la réponse, tiré au hasard par le client (UUID v4) : renvoyer "
        "le même n'enregistre rien de plus."
    )
    formulaire: str = Field(
        max_length=80, description="Identifiant du formulaire dans la campagne (ex. residents)."
    )
    consentement: bool = Field(
        description="La personne a lu la notice de la campagne et accepte que ses réponses soient "
        "enregistrées (obligatoire)."
    )
    reponses: dict[str, Any] = Field(
        description="Réponses imbriquées comme l'instance XForm, sans la racine : groupes en "
        "objets, répétitions en listes, choix multiples en listes de noms."
    )
    envoyee_le: datetime | None = Field(
        None, description="Date et heure de la saisie (défaut : réception)."
    )


class SubmissionOut(Schema):
    """The acknowledgement: stored (201), or already stored (200)."""

    uuid: uuid_module.UUID
    statut: Literal["enregistree", "deja_enregistree"]
    code_recu: str | None = Field(
        None,
        description="Code personnel (donné une seule fois) pour consulter, exporter ou supprimer "
        "ses réponses sur /enquetes/recu/.",
    )


@router.post(
    "/enquetes/{jeton}/reponses",
    response={
        200: SubmissionOut,
        201: SubmissionOut,
        404: Error,
        410: Error,
        413: Error,
        422: Error,
        429: Error,
    },
    summary="Envoyer une réponse à une campagne d'enquête",
    url_name="survey-submit",
)
def submit(request: HttpRequest, jeton: str, body: SubmissionIn) -> HttpResponse:
    """Validate the answers with the form's rules (relevant, required, constraint, types,
    choices) and store them in one transaction, once per ``uuid``."""
    # One query for the campaign, one for its forms (kept for store_submission's check).
    campaign = (
        Campaign.objects.filter(token=jeton[:64])
        .order_by()
        .prefetch_related(Prefetch("forms", queryset=SurveyForm.objects.defer("xlsform")))
        .first()
    )
    if campaign is None:
        return error(404, "introuvable", "Campagne introuvable : vérifiez le lien de l'enquête.")
    state = campaign.state(timezone.localdate())
    if state != "ouverte":
        when = "n'est pas encore ouverte" if state == "a_venir" else "est close"
        return error(
            410,
            "campagne_fermee",
            f"La campagne « {campaign.title} » {when} (du {campaign.opens_on:%d/%m/%Y} au "
            f"{campaign.closes_on:%d/%m/%Y}).",
        )
    refusal = check_submission_rate(request, campaign.token)
    if refusal is not None:
        response = error(429, "trop_de_requetes", refusal.message)
        response["Retry-After"] = str(refusal.retry_after)
        return response
    sent_problem = _sent_at_problem(body.envoyee_le)
    if sent_problem is not None:
        return invalid(sent_problem, "envoyee_le")
    forms = {f.slug: f for f in campaign.forms.all()}
    form_obj = forms.get(body.formulaire)
    if form_obj is None:
        slugs = ", ".join(sorted(forms))
        return invalid(
            f"Formulaire « {body.formulaire} » absent de la campagne : choisissez parmi {slugs}.",
            "formulaire",
        )
    if not body.consentement:
        return invalid(
            "Le consentement est requis pour enregistrer une réponse (« consentement »: true).",
            "consentement",
        )
    result = store_submission(
        campaign,
        form_obj,
        body.uuid,
        body.reponses,
        source="api",
        consent=True,
        submitted_at=_aware(body.envoyee_le),
    )
    if result.errors:
        details = [{"champ": e.key, "message": e.message} for e in result.errors]
        return error(
            422,
            "reponse_invalide",
            f"{len(details)} réponse{'s' if len(details) > 1 else ''} à corriger.",
            details,
        )
    out = {
        "uuid": str(body.uuid),
        "statut": "enregistree" if result.created else "deja_enregistree",
        "code_recu": result.receipt_code,
    }
    return JsonResponse(
        out, status=201 if result.created else 200, json_dumps_params={"ensure_ascii": False}
    )


def _aware(moment: datetime | None) -> datetime | None:
    """``moment`` with the site's time zone when it has none."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return timezone.make_aware(moment)


def _sent_at_problem(moment: datetime | None) -> str | None:
    """Why ``envoyee_le`` cannot be stored (French, capitalised), or None."""
    if moment is None:
        return None
    try:
        aware = _aware(moment)
    except (OverflowError, ValueError):
        aware = None
    problem = (
        submitted_at_problem(aware, timezone.now())
        if aware is not None
        else submitted_at_problem(datetime.min.replace(tzinfo=UTC), timezone.now())
    )
    return None if problem is None else problem[0].upper() + problem[1:]
