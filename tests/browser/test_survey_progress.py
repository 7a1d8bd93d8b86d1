"""The respondent's form in a real browser: a page without the site menu, on a desktop and a phone,
and a progress that follows the answers live (questions answered out of those shown)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from teletravail.surveys.instruments import instrument_bytes
from teletravail.web.surveys.models import Campaign
from tests.browser.conftest import screenshot
from tests.browser.test_survey_form import _campaign, _form, _settled, _tick

pytestmark = pytest.mark.django_db(transaction=True)


def _counts(page: Page) -> tuple[int, int]:
    done = page.locator("#progression [data-repondues]").inner_text()
    total = page.locator("#progression [data-total]").inner_text()
    return int(done), int(total)


def _open_form(page: Page, base: str, campaign: Campaign) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base}/enquetes/r/{campaign.token}/")
    _tick(page, "J'ai lu ces informations")
    page.get_by_role("button", name="Commencer").click()
    expect(page.locator("#progression")).to_be_visible()
    return errors


def test_progress_follows_the_answers(page: Page, live_server: LiveServer) -> None:
    campaign = _campaign(_form(instrument_bytes("residents"), "residents", "residents.xlsx"))
    errors = _open_form(page, live_server.url, campaign)
    assert page.locator(".fr-nav").count() == 0
    assert page.get_by_text("Merci pour vos réponses").count() == 0
    done, total = _counts(page)
    assert done == 0 and total > 5
    page.get_by_label(re.compile("Dans quelle commune habitez-vous")).fill("Vitré")
    expect(page.locator("#progression [data-repondues]")).to_have_text("1")
    _tick(page, "Oui, c.est ma résidence principale")
    expect(page.locator("#progression [data-repondues]")).to_have_text("2")
    _tick(page, "Salarié·e du secteur privé")
    _settled(page)  # the questions for the employed are now shown: the total follows
    page.wait_for_timeout(500)
    _settled(page)
    live = _counts(page)
    assert live[0] >= 3 and live[1] > total
    bar = page.locator("#progression-barre")
    assert bar.get_attribute("max") == str(live[1])
    assert page.evaluate("document.getElementById('progression-barre').value") == live[0]
    # Sent with errors (questions left empty): the server counts the same as the page did.
    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.locator("#resume-erreurs")).to_be_visible()
    assert _counts(page) == live
    screenshot(page, "enquete-progression")
    assert errors == []


def test_lean_form_on_a_phone(browser: Browser, live_server: LiveServer) -> None:
    campaign = _campaign(_form(instrument_bytes("residents"), "residents", "residents.xlsx"))
    context = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        errors = _open_form(page, live_server.url, campaign)
        assert page.locator(".fr-nav").count() == 0
        assert page.get_by_text("Se connecter").count() == 0
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, width
        screenshot(page, "enquete-formulaire-mobile")
        assert errors == []
    finally:
        context.close()
