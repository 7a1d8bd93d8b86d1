"""Key pages in a real browser: search, territory page, login and logout, CSRF, accessibility."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def _serious(page: Page) -> list[str]:
    results = Axe().run(page)
    violations = results.response.get("violations", [])
    return [
        f"{v['id']} ({v['impact']}): {v['help']}"
        for v in violations
        if v.get("impact") in ("serious", "critical")
    ]


def test_search_vitre_reaches_the_epci_page(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/")
    page.get_by_label("Nom, code INSEE, SIREN ou code postal").fill("vitre")
    page.keyboard.press("Enter")
    page.get_by_role("link", name=re.compile("CA Vitré Communauté")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Vitré Communauté")
    expect(page.locator("main")).to_contain_text("Population")
    screenshot(page, "territoire-vitre-communaute")


def test_login_and_logout(page: Page, live_server: LiveServer) -> None:
    User.objects.create_user("elu", "elu@example.fr", "un-mot-de-passe-solide-42")
    page.goto(live_server.url + "/connexion/")
    page.get_by_label(re.compile("Identifiant|Nom d.utilisateur", re.I)).fill("elu")
    page.get_by_label(re.compile("Mot de passe", re.I)).fill("un-mot-de-passe-solide-42")
    page.get_by_role("button", name=re.compile("connecter|connexion", re.I)).click()
    expect(page.locator("body")).to_contain_text("elu")
    screenshot(page, "connecte")
    page.get_by_role("button", name=re.compile("déconnecter|déconnexion", re.I)).click()
    expect(
        page.get_by_role("link", name=re.compile("connecter|connexion", re.I)).first
    ).to_be_visible()


def test_form_without_csrf_token_is_refused(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/connexion/")
    status = page.evaluate(
        """async () => {
            const body = new URLSearchParams({username: 'x', password: 'y'});
            const r = await fetch('/connexion/', {method: 'POST', body: body});
            return r.status;
        }"""
    )
    assert status == 403


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/?q=saint+omer",
        "/territoires/commune/35360/",
        "/territoires/commune/35360/diagnostic/?date=2025-01-28",
        "/classement/acv/",
        "/impact/",
        "/methodologie/",
        "/methodologie/navettes/",
        "/methodologie/desserte-ferroviaire/",
        "/sources/",
        "/connexion/",
    ],
)
def test_no_serious_accessibility_violation(page: Page, live_server: LiveServer, path: str) -> None:
    page.goto(live_server.url + path)
    assert _serious(page) == []


def test_diagnostic_page_and_impact_form(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/territoires/epci/200039022/diagnostic/?date=2025-01-28")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Vitré Communauté")
    page.get_by_text("Source et méthode").first.click()
    screenshot(page, "diagnostic-vitre-communaute")
    page.goto(live_server.url + "/impact/")
    page.get_by_label(re.compile("Distance", re.I)).fill("30")
    page.get_by_label(re.compile("télétravail", re.I)).first.fill("2")
    page.get_by_role("button", name=re.compile("Calculer", re.I)).click()
    expect(page.locator("main")).to_contain_text("kgCO2e")
    screenshot(page, "impact")


def test_suggestions_as_you_type(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/")
    page.get_by_label("Nom, code INSEE, SIREN ou code postal").press_sequentially("vitr", delay=50)
    options = page.locator("#suggestions option")
    expect(options.first).to_have_attribute("value", re.compile("Vitré"))
    assert "35360" in " ".join(options.evaluate_all("els => els.map(e => e.label)"))
