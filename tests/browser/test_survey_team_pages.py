"""Accessibility of the team's survey pages (campaign list, creation and edition, campaign with its
import forms, results with a breakdown)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from teletravail.web.accounts.models import Membership, Role, Territory
from teletravail.web.surveys.models import Campaign, SurveyForm
from teletravail.web.surveys.service import ensure_shipped_forms, store_submission

pytestmark = pytest.mark.django_db(transaction=True)


def _serious(page: Page) -> list[str]:
    violations = Axe().run(page).response.get("violations", [])
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
        if v.get("impact") in ("serious", "critical")
    ]


def test_team_pages_have_no_serious_accessibility_violation(
    page: Page, live_server: LiveServer
) -> None:
    ensure_shipped_forms()
    vitre = Territory.objects.create(kind="epci", code="200039022", nom="CA Vitré Communauté")
    manager = User.objects.create_user("gestion", "g@example.fr", "un-mot-de-passe-solide-42")
    Membership.objects.create(user=manager, territory=vitre, role=Role.MANAGER)
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        territory=vitre,
        title="Télétravail à Vitré",
        opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=20),
        purpose="Mesurer le télétravail",
        controller="Vitré Communauté",
        retention_until=today + timedelta(days=400),
    )
    residents = SurveyForm.objects.get(slug="residents", territory__isnull=True)
    campaign.forms.add(residents)
    for telework in ["regulier"] * 6 + ["non"] * 6:
        answers = {
            "profil": {
                "commune_residence": "Vitré",
                "type_residence": "principale",
                "situation": "salarie_prive",
                "profession": "cadre",
            },
            "travail": {
                "lieu_employeur": "meme_epci",
                "jours_travailles": 5,
                "teletravail": telework,
                **(
                    {"jours_teletravail": 2, "lieux_teletravail": ["domicile"]}
                    if telework != "non"
                    else {}
                ),
            },
            "trajets": {"distance_km": 20, "mode_transport": "voiture_thermique"},
            "installation": {"demenagement_recent": "non"},
            "vie_locale": {"souhaits": "Un tiers-lieu près de la gare"},
        }
        assert store_submission(
            campaign, residents, uuid.uuid4(), answers, source="api", consent=True
        ).created
    page.goto(live_server.url + "/connexion/")
    page.get_by_label("Identifiant", exact=False).first.fill("gestion")
    page.get_by_label("Mot de passe").fill("un-mot-de-passe-solide-42")
    page.get_by_role("button", name="Se connecter").click()
    problems = {}
    for path in (
        "/enquetes/epci/200039022/",
        "/enquetes/epci/200039022/nouvelle/",
        f"/enquetes/{campaign.pk}/",
        f"/enquetes/{campaign.pk}/modifier/",
        f"/enquetes/{campaign.pk}/resultats/",
        f"/enquetes/{campaign.pk}/resultats/?segment=profession",
    ):
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, path
        assert page.url == live_server.url + path  # not sent back to the login page
        found = _serious(page)
        if found:
            problems[path] = found
    assert problems == {}
