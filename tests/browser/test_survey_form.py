"""The survey form in a real browser: live relevance of questions, groups and repeats, filtered
choices and labels updated as the respondent answers, error summary and messages, and no serious
accessibility violation (axe) on the consent page, the form (empty and with errors) and the
receipt pages."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from teletravail.surveys.instruments import instrument_bytes
from teletravail.web.accounts.models import Territory
from teletravail.web.surveys.models import Campaign, FormSource, SurveyForm
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)
FIDELITE = Path(__file__).parents[1] / "web" / "surveys" / "fixtures" / "fidelite.md"


def _serious(page: Page) -> list[str]:
    violations = Axe().run(page).response.get("violations", [])
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
        if v.get("impact") in ("serious", "critical")
    ]


def _form(data: bytes, slug: str, filename: str) -> SurveyForm:
    return SurveyForm.objects.create(
        territory=None,
        slug=slug,
        title=slug,
        source=FormSource.SHIPPED,
        xlsform=data,
        filename=filename,
        sha256=hashlib.sha256(data).hexdigest(),
        form_id=slug,
        version="1",
    )


def _campaign(form: SurveyForm) -> Campaign:
    today = timezone.localdate()
    territory = Territory.objects.create(kind="epci", code="200039022", nom="CA Vitré Communauté")
    campaign = Campaign.objects.create(
        territory=territory,
        title="Télétravail à Vitré 2026",
        opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=30),
        purpose="Mesurer le télétravail des habitants",
        controller="CA Vitré Communauté, dpo@example.org",
        retention_until=today + timedelta(days=400),
    )
    campaign.forms.set([form])
    return campaign


def _tick(scope: Page | Locator, text: str) -> None:
    """Click the label of a radio button or checkbox (DSFR draws its own boxes over inputs)."""
    scope.locator("label.fr-label", has_text=re.compile("^" + text)).click()


def _open(page: Page, base: str, campaign: Campaign, slug: str) -> None:
    page.goto(f"{base}/enquetes/r/{campaign.token}/")
    _tick(page, "J'ai lu ces informations")
    page.get_by_role("button", name="Commencer").click()
    expect(page).to_have_url(re.compile(f"/{slug}/$"))


def _settled(page: Page) -> None:
    """Wait until the last live evaluation has been applied."""
    expect(page.locator("#formulaire")).to_have_attribute("data-etat", "a-jour")


@pytest.fixture
def residents() -> Campaign:
    return _campaign(_form(instrument_bytes("residents"), "residents", "residents.xlsx"))


@pytest.fixture
def fidelite() -> Campaign:
    return _campaign(_form(FIDELITE.read_bytes(), "fidelite", "fidelite.md"))


def test_accessible_consent_form_errors_and_receipt(
    page: Page, live_server: LiveServer, residents: Campaign
) -> None:
    base = live_server.url
    page.goto(f"{base}/enquetes/r/{residents.token}/")
    assert _serious(page) == []
    _tick(page, "J'ai lu ces informations")
    page.get_by_role("button", name="Commencer").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Habitants et télétravailleurs")
    assert _serious(page) == []

    # Errors: the summary takes the focus, each entry links to its field.
    page.get_by_label(re.compile("Dans quelle commune habitez-vous")).fill("Vitré")
    _tick(page, "Oui, c.est ma résidence principale")
    _tick(page, "Salarié·e du secteur privé")
    _tick(page, r"Oui, régulièrement \(au moins un jour")
    page.get_by_label(re.compile("combien de jours par semaine télétravaillez-vous")).fill("7")
    page.get_by_label(re.compile("Quelle distance parcourez-vous")).fill("38")
    _tick(page.locator("#q-trajets-mode_transport"), r"Train \(TER")
    _settled(page)
    page.get_by_role("button", name="Envoyer mes réponses").click()
    summary = page.locator("#resume-erreurs")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Indiquez un nombre de jours entre 0 et 5")
    assert _serious(page) == []
    screenshot(page, "enquete-formulaire-erreurs")
    # The message is next to its field and announced with it.
    days = page.get_by_label(re.compile("combien de jours par semaine télétravaillez-vous"))
    expect(days).to_have_attribute("aria-describedby", "q-travail-jours_teletravail-erreur")
    message = page.locator(".fr-input-group", has=days).locator(".fr-error-text")
    expect(message).to_have_text(re.compile("Indiquez un nombre de jours entre 0 et 5"))
    summary.get_by_role("link", name=re.compile("combien de jours par semaine")).click()
    expect(days).to_be_focused()
    summary.get_by_role("link", name=re.compile("catégorie professionnelle")).click()
    expect(page.locator("#q-profil-profession-1")).to_be_focused()
    # Bug 2: the question for car drivers stays hidden (and cannot take the focus).
    car = page.locator("#q-trajets-conditions_changement_mode")
    expect(car).to_be_hidden()
    page.locator("#q-trajets-conditions_changement_mode-1").focus()
    expect(page.locator("#q-trajets-conditions_changement_mode-1")).not_to_be_focused()

    # Corrected and sent: the receipt code, then the receipt page.
    _tick(page, "Cadre, profession intellectuelle")
    _tick(page, "Dans une métropole")
    page.get_by_label(re.compile("Combien de jours travaillez-vous")).fill("5")
    days.fill("2")
    _tick(page, "À mon domicile")
    _tick(page.locator("#q-installation-demenagement_recent"), "Non$")
    page.get_by_role("button", name="Envoyer mes réponses").click()
    code = page.locator("#code-recu")
    expect(code).to_be_visible()
    assert _serious(page) == []
    receipt = code.inner_text()
    page.goto(f"{base}/enquetes/recu/")
    assert _serious(page) == []
    page.get_by_label(re.compile("code", re.I)).first.fill(receipt)
    page.get_by_role("button", name="Afficher mes réponses").click()
    expect(page.locator("main")).to_contain_text("Vitré")
    assert _serious(page) == []


def test_repeat_and_questions_shown_live(
    page: Page, live_server: LiveServer, residents: Campaign
) -> None:
    _open(page, live_server.url, residents, "residents")
    trips = page.locator("#q-trajets")
    repeat = page.locator("#q-trajets-autres_lieux_travail")
    add = page.get_by_role("button", name="Ajouter : Autre lieu de travail")
    expect(trips).to_be_hidden()
    _tick(page, "Salarié·e du secteur privé")
    expect(trips).to_be_visible()
    expect(repeat).to_be_hidden()
    expect(add).to_be_hidden()
    other = page.locator("#q-trajets-autres_lieux")
    _tick(other, "Oui$")
    expect(repeat).to_be_visible()
    expect(add).to_be_visible()
    expect(page.locator("#q-trajets-autres_lieux_travail-1-autre_lieu_type")).to_be_visible()
    screenshot(page, "enquete-repetition-visible")
    _tick(other, "Non$")
    expect(repeat).to_be_hidden()
    expect(add).to_be_hidden()

    # The question for car drivers follows the transport mode.
    page.get_by_label(re.compile("Quelle distance parcourez-vous")).fill("38")
    mode = page.locator("#q-trajets-mode_transport")
    _tick(mode, r"Voiture essence")
    car = page.locator("#q-trajets-conditions_changement_mode")
    expect(car).to_be_visible()
    _tick(mode, r"Train \(TER")
    expect(car).to_be_hidden()

    # Adding an instance without losing the answers (server re-render), still hidden or shown.
    _tick(other, "Oui$")
    expect(add).to_be_visible()
    add.click()
    expect(page.locator("#q-trajets-autres_lieux_travail-2")).to_be_visible()
    expect(page.get_by_label(re.compile("Quelle distance parcourez-vous"))).to_have_value("38")


def test_filtered_choices_follow_provenance(
    page: Page, live_server: LiveServer, residents: Campaign
) -> None:
    _open(page, live_server.url, residents, "residents")
    precision = page.locator("#q-installation-provenance_precision")
    expect(precision).to_be_hidden()
    _tick(page.locator("#q-installation-demenagement_recent"), "Oui$")
    provenance = page.locator("#q-installation-provenance")
    _tick(provenance, "D.une métropole")
    expect(precision).to_be_visible()
    _settled(page)

    def shown() -> list[str]:
        return list(
            precision.evaluate(
                "s => Array.from(s.options).filter(o => o.value && !o.hidden).map(o => o.value)"
            )
        )

    assert shown() == ["metro_centre", "metro_peripherie", "metro_aire"]
    precision.select_option("metro_aire")
    _tick(provenance, "De Paris ou d.Île-de-France")
    _settled(page)
    assert shown() == ["paris", "petite_couronne", "grande_couronne"]
    expect(precision).to_have_value("")  # the choice no longer offered is removed
    precision.select_option("petite_couronne")
    _tick(provenance, "De l.étranger")
    expect(precision).to_be_hidden()


def test_labels_and_repeat_choices_live(
    page: Page, live_server: LiveServer, fidelite: Campaign
) -> None:
    _open(page, live_server.url, fidelite, "fidelite")
    repeat = page.locator("#q-lieux")
    expect(repeat).to_be_hidden()
    _tick(page.locator("#q-autres"), "Oui$")
    expect(repeat).to_be_visible()
    page.get_by_label("Nom du lieu").fill("Rennes")
    page.get_by_label("Nom du lieu").blur()
    days = page.locator('[data-label="lieux[1]/jours_lieu"]')
    expect(days).to_have_text("Combien de jours par mois à Rennes ?")
    expect(page.locator("#q-lieux-1-jours_lieu")).to_be_visible()
    favourite = page.locator("#q-lieu_prefere")
    expect(favourite.locator("label.fr-label")).to_have_text(["Rennes"])
    _tick(favourite, "Rennes$")
    # Changing the name rebuilds the choices; the old answer goes away.
    page.get_by_label("Nom du lieu").fill("Vitré")
    page.get_by_label("Nom du lieu").blur()
    expect(favourite.locator("label.fr-label")).to_have_text(["Vitré"])
    expect(favourite.locator("input:checked")).to_have_count(0)
    _tick(favourite, "Vitré$")
    # A filtered list: departments of the chosen region only.
    departement = page.locator("#q-departement")
    expect(departement).to_be_hidden()
    _tick(page.locator("#q-region"), "Occitanie")
    expect(departement).to_be_visible()
    expect(page.locator('[data-label="departement"]')).to_have_text(
        "Votre département en occitanie"
    )
    visible = departement.locator("label.fr-label:visible")
    expect(visible).to_have_text(["Tarn", "Aude"])
    _tick(departement, "Tarn")
    _tick(page.locator("#q-region"), "Bretagne")
    expect(visible).to_have_text(["Ille-et-Vilaine", "Finistère"])
    expect(departement.locator("input:checked")).to_have_count(0)
    assert _serious(page) == []
