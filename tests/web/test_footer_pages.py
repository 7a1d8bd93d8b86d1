"""The DSFR footer's mandatory pages: accessibility status, legal notice, personal data, site map."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

pytestmark = pytest.mark.django_db

FOOTER = {
    "/plan-du-site/": "Plan du site",
    "/accessibilite/": "Accessibilité : non conforme",
    "/mentions-legales/": "Mentions légales",
    "/donnees-personnelles/": "Données personnelles",
}


def test_footer_bottom_list_links_the_mandatory_pages() -> None:
    html = Client().get("/").content.decode()
    bottom = html[html.index('class="fr-footer__bottom-list"') :]
    bottom = bottom[: bottom.index("</ul>")]
    links = dict(re.findall(r'href="([^"]+)">([^<]+)</a>', bottom))
    assert links == FOOTER


def test_each_footer_page_answers() -> None:
    for url, label in FOOTER.items():
        response = Client().get(url)
        assert response.status_code == 200, url
        assert label.split(" :")[0] in response.content.decode()


def test_accessibility_statement_is_honest() -> None:
    text = Client().get("/accessibilite/").content.decode()
    assert "non conforme" in text and "aucun audit" in text and "axe" in text
    assert "Défenseur des droits" in text


def test_personal_data_page_states_what_is_stored() -> None:
    text = Client().get("/donnees-personnelles/").content.decode()
    for fact in ("consentement", "code de reçu", "SHA-256", "supprimées automatiquement", "CNIL"):
        assert fact in text, fact


def test_contact_is_shown_when_configured(settings: Settings) -> None:
    settings.TELETRAVAIL_CONTACT = "accessibilite@example.fr"
    text = Client().get("/accessibilite/").content.decode()
    assert 'href="mailto:accessibilite@example.fr"' in text


def test_site_map_links_every_public_page_family() -> None:
    text = Client().get("/plan-du-site/").content.decode()
    for url in (
        "/",
        "/classement/acv/",
        "/impact/",
        "/methodologie/",
        "/sources/",
        "/enquetes/recu/",
        "/connexion/",
        "/equipes/",
    ):
        assert f'href="{url}"' in text, url
