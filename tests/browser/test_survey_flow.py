"""A survey campaign end to end in a real browser (issue 5): a territory manager launches a campaign
with the shipped residents' questionnaire, a respondent answers on the public link (an invalid
answer is refused, then corrected), other answers arrive through the JSON API, the manager reads
the indicators, exports the answers, and the territory's diagnostic shows the measured rate."""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.request
import uuid
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Browser, Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from teletravail.web.accounts.models import Membership, Role, Territory
from teletravail.web.surveys.models import Submission
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "un-mot-de-passe-solide-42"


def _login(page: Page, base: str, username: str) -> None:
    page.goto(base + "/connexion/")
    page.get_by_label(re.compile("Identifiant|Nom d.utilisateur", re.I)).fill(username)
    page.get_by_label(re.compile("Mot de passe", re.I)).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("connecter|connexion", re.I)).click()
    expect(page.locator("body")).to_contain_text(username)


def _tick(scope: Page | Locator, text: str) -> None:
    """Click the label of a radio button or checkbox whose text starts with ``text``, as a person
    does (DSFR draws its own boxes over the inputs); waits until it is shown."""
    scope.locator("label.fr-label", has_text=re.compile("^" + text)).click()


def _api_answer(base: str, token: str, telework: str) -> int:
    work: dict[str, object] = {
        "lieu_employeur": "metropole",
        "jours_travailles": 5,
        "teletravail": telework,
    }
    if telework != "non":
        work |= {"jours_teletravail": 2, "lieux_teletravail": ["domicile"]}
    body = {
        "uuid": str(uuid.uuid4()),
        "formulaire": "residents",
        "consentement": True,
        "reponses": {
            "profil": {
                "commune_residence": "Châteaubourg",
                "type_residence": "principale",
                "situation": "salarie_public",
                "profession": "intermediaire",
            },
            "travail": work,
            "trajets": {"distance_km": 40, "mode_transport": "train"},
            "installation": {"demenagement_recent": "non"},
        },
    }
    request = urllib.request.Request(
        f"{base}/api/v1/enquetes/{token}/reponses",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request) as response:
        return int(response.status)


def test_campaign_from_launch_to_diagnostic(browser: Browser, live_server: LiveServer) -> None:
    base = live_server.url
    vitre = Territory.objects.create(kind="epci", code="200039022", nom="CA Vitré Communauté")
    manager = User.objects.create_user("gestionnaire", "g@example.fr", PASSWORD)
    Membership.objects.create(user=manager, territory=vitre, role=Role.MANAGER)
    today = timezone.localdate()

    # The manager launches a campaign with the shipped residents' questionnaire.
    team = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = team.new_page()
    _login(page, base, "gestionnaire")
    page.goto(base + "/enquetes/epci/200039022/nouvelle/")
    page.get_by_label("Titre").fill("Télétravail à Vitré 2026")
    _tick(page, r"\s*Habitants et télétravailleurs")
    page.get_by_label("Ouverture le").fill((today - timedelta(days=1)).isoformat())
    page.get_by_label("Clôture le").fill((today + timedelta(days=30)).isoformat())
    page.get_by_label(re.compile("Finalité du traitement", re.I)).fill(
        "Mesurer le télétravail des habitants pour le plan d'action"
    )
    page.get_by_label(re.compile("Responsable du traitement", re.I)).fill(
        "Vitré Communauté, dpo@example.fr"
    )
    page.get_by_label(re.compile("Conservation des réponses", re.I)).fill(
        (today + timedelta(days=400)).isoformat()
    )
    page.get_by_role("button", name=re.compile("Enregistrer|Créer", re.I)).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Télétravail à Vitré 2026")
    campaign_url = page.url
    public_url = page.locator("#lien-public").input_value()
    token = public_url.rstrip("/").rsplit("/", 1)[-1]
    screenshot(page, "enquete-campagne")

    # A respondent answers on the public link, in another browser context (no account).
    respondent = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    form = respondent.new_page()
    form.goto(public_url)
    expect(form.locator("main")).to_contain_text("dpo@example.fr")
    _tick(form, "J'ai lu ces informations")
    form.get_by_role("button", name="Commencer").click()
    form.get_by_label(re.compile("Dans quelle commune habitez-vous")).fill("Vitré")
    _tick(form, "Oui, c.est ma résidence principale")
    _tick(form, "Salarié·e du secteur privé")
    _tick(form, "Cadre, profession intellectuelle")
    _tick(form, "Dans une métropole")
    form.get_by_label(re.compile("Combien de jours travaillez-vous")).fill("5")
    _tick(form, r"Oui, régulièrement \(au moins un jour")
    days = form.get_by_label(re.compile("combien de jours par semaine télétravaillez-vous"))
    expect(days).to_be_visible()  # shown live once the respondent says they telework
    days.fill("7")  # more than 5: the form's constraint refuses it
    _tick(form, "À mon domicile")
    form.get_by_label(re.compile("Quelle distance parcourez-vous")).fill("38")
    _tick(form.locator("#q-trajets-mode_transport"), r"Train \(TER")
    moved = form.locator("fieldset", has_text="emménagé dans votre commune au cours")
    _tick(moved, "Non$")
    form.get_by_role("button", name="Envoyer mes réponses").click()
    alert = form.locator("#resume-erreurs")
    expect(alert).to_contain_text("Indiquez un nombre de jours entre 0 et 5")
    screenshot(form, "enquete-reponse-refusee")
    assert Submission.objects.count() == 0
    form.get_by_label(re.compile("combien de jours par semaine télétravaillez-vous")).fill("2")
    form.get_by_role("button", name="Envoyer mes réponses").click()
    expect(form.locator("main")).to_contain_text(re.compile("reçu", re.I))
    screenshot(form, "enquete-recu")
    assert Submission.objects.count() == 1
    stored = Submission.objects.get()
    assert stored.source == "public" and stored.data["travail"]["jours_teletravail"] == 2

    # More answers arrive through the JSON API (an ODK-like client).
    for telework in ["regulier"] * 3 + ["occasionnel"] + ["non"] * 5:
        assert _api_answer(base, token, telework) == 201

    # The manager reads the indicators and exports the answers.
    page.goto(campaign_url)
    page.get_by_role("link", name="Résultats de la campagne").click()
    results = page.locator("main")
    expect(results).to_contain_text("Part des actifs en emploi qui télétravaillent")
    expect(results).to_contain_text("50,0 %")  # 5 teleworkers among 10 active respondents
    expect(results).not_to_contain_text("Émissions évitées non calculées")
    screenshot(page, "enquete-resultats")
    page.go_back()
    with page.expect_download() as download:
        page.get_by_role("link", name="Réponses CSV").first.click()
    text = download.value.path().read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert len(rows) == 10
    assert {r["profil/commune_residence"] for r in rows} == {"Vitré", "Châteaubourg"}

    # The manager makes it the territory's reference campaign on the team's survey dashboard.
    page.goto(base + "/enquetes/epci/200039022/tableau-de-bord/")
    choice = page.locator("select#campagne")
    value = choice.locator("option", has_text="Télétravail à Vitré 2026").get_attribute("value")
    assert value
    choice.select_option(value)
    page.get_by_role("button", name="Enregistrer la campagne de référence").click()
    expect(page.locator("main")).to_contain_text("Télétravail à Vitré 2026")
    screenshot(page, "enquete-tableau-de-bord")

    # The territory's diagnostic shows the measured rate beside the national estimate, provisional
    # while the campaign is open and its interval wide (10 respondents).
    page.goto(base + "/territoires/epci/200039022/diagnostic/?date=2025-01-28")
    main = page.locator("main")
    expect(main).to_contain_text("Mesure locale provisoire : 50,0 %")
    expect(main).to_contain_text("campagne en cours")
    expect(main).to_contain_text("Enquête locale « Télétravail à Vitré 2026 »")
    screenshot(page, "enquete-diagnostic")
    team.close()
    respondent.close()
