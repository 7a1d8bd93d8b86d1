"""A territory team's survey dashboard, its reference campaign and the publication of its measure.

- ``index`` (menu « Enquêtes »): the territories of the signed-in user, each with its dashboard.
- ``dashboard``: campaigns with status and answers, public link (copy button, QR code drawn as
  SVG by segno), the reference campaign, whether its measure is published, and the rule's status
  (``teletravail.surveys.measure_rule``) for each measure. Any role on the territory.
- ``set_reference`` and ``set_publication``: manager of the territory only (403 otherwise);
  each change is a new row of the reference's history (who, when, what).
"""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from teletravail.reports.measures import interval_text, value_text
from teletravail.surveys import measure_rule
from teletravail.web.accounts.models import Role, Territory
from teletravail.web.diagnostics import service as diagnostics_service
from teletravail.web.surveys.access import MANAGE, READ, territory_for
from teletravail.web.surveys.models import Campaign, SurveyReference

STATES = {"a_venir": "à venir", "ouverte": "en cours", "close": "close"}


def _qr_svg(url: str) -> str:
    """The public link as a QR code (inline SVG, no style attribute: allowed by the CSP)."""
    return str(
        segno.make(url, error="m").svg_inline(
            scale=3, dark="#000091", title="Code QR du lien public"
        )
    )


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The territories whose surveys the user may see; straight to the dashboard when one."""
    user = request.user
    national = user.is_superuser or user.memberships.filter(role=Role.NATIONAL_ADMIN).exists()
    territories = (
        Territory.objects.all() if national else Territory.objects.filter(memberships__user=user)
    ).distinct()
    if territories.count() == 1:
        only = territories.get()
        return redirect("surveys:dashboard", only.kind, only.code)
    return render(
        request,
        "surveys/index.html",
        {"title": "Enquêtes", "territories": territories.order_by("nom")},
    )


@login_required
def dashboard(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    """The team's survey dashboard of a territory."""
    territory = territory_for(request, READ, kind, code)
    today = timezone.localdate()
    ref = SurveyReference.objects.filter(territory=territory).first()
    campaigns = []
    for c in territory.campaigns.annotate(answers=Count("submissions")).order_by("-opens_on"):
        url = request.build_absolute_uri(reverse("surveys:public", args=(c.token,)))
        campaigns.append(
            {
                "campaign": c,
                "state": STATES[c.state(today)],
                "answers": c.answers,
                "url": url,
                "qr": _qr_svg(url),
                "reference": ref is not None and ref.campaign_id == c.pk,
            }
        )
    measures = diagnostics_service.measures_for(kind, code, team=True, today=today)
    history = (
        list(ref.history.select_related("history_user", "campaign").order_by("-history_date")[:10])
        if ref
        else []
    )
    return render(
        request,
        "surveys/dashboard.html",
        {
            "title": f"Enquêtes — {territory.nom}",
            "territory": territory,
            "campaigns": campaigns,
            "reference": ref.campaign if ref else None,
            "published": bool(ref and ref.published and ref.campaign),
            "measure_rows": [
                {
                    "libelle": m.libelle,
                    "texte": value_text(m),
                    "intervalle": interval_text(m),
                    "effectif": m.effectif,
                    "remplace": m.remplace,
                    "raisons": m.raisons,
                }
                for m in measures
            ],
            "rule": measure_rule.rule_text(),
            "history": history,
            "can_manage": request.user.has_perm(MANAGE, territory),
        },
    )


@login_required
@require_POST
def set_reference(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    """Choose (or clear, with an empty value) the territory's reference campaign. A new
    reference is not published: the team publishes its measure when it sees fit."""
    territory = territory_for(request, MANAGE, kind, code)
    wanted = request.POST.get("campagne", "").strip()[:12]
    campaign: Campaign | None = None
    if wanted:
        campaign = territory.campaigns.filter(pk=int(wanted)).first() if wanted.isdigit() else None
        if campaign is None:
            messages.error(
                request,
                f"Campagne « {wanted} » inconnue pour ce territoire : choisissez une campagne "
                "de la liste.",
            )
            return redirect("surveys:dashboard", kind, code)
    with transaction.atomic():
        ref, _ = SurveyReference.objects.select_for_update().get_or_create(territory=territory)
        if ref.campaign_id != (campaign.pk if campaign else None):
            ref.campaign = campaign
            ref.published = False
            ref.changed_by = request.user
            ref.save()
    messages.success(
        request,
        f"Campagne de référence : « {campaign.title} » (mesure non publiée)."
        if campaign
        else "Plus aucune campagne de référence : le diagnostic montre les estimations.",
    )
    return redirect("surveys:dashboard", kind, code)


@login_required
@require_POST
def set_publication(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    """Publish (``publier=1``) or withdraw (``publier=0``) the reference campaign's measure."""
    territory = territory_for(request, MANAGE, kind, code)
    choice = request.POST.get("publier", "")
    if choice not in ("0", "1"):
        messages.error(request, "Choix de publication invalide : « 1 » publier, « 0 » retirer.")
        return redirect("surveys:dashboard", kind, code)
    with transaction.atomic():
        ref = SurveyReference.objects.select_for_update().filter(territory=territory).first()
        if ref is None or ref.campaign is None:
            messages.error(
                request, "Choisissez d'abord la campagne de référence, puis publiez sa mesure."
            )
            return redirect("surveys:dashboard", kind, code)
        if ref.published != (choice == "1"):
            ref.published = choice == "1"
            ref.changed_by = request.user
            ref.save()
    messages.success(
        request,
        "Mesure publiée : tout le monde voit désormais les mêmes chiffres."
        if choice == "1"
        else "Mesure retirée : le public voit de nouveau les estimations nationales.",
    )
    return redirect("surveys:dashboard", kind, code)
