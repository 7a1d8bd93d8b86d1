"""Finding one's way: the skip links lead somewhere on every page, the menu marks the section of
the page, and « Enquêtes » is in the menu of whoever can see surveys."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from teletravail.web.context_processors import nav_section

pytestmark = pytest.mark.django_db

EPCI = "200039022"
PAGES = [
    "/",
    "/?q=vitre",
    f"/territoires/epci/{EPCI}/",
    f"/territoires/epci/{EPCI}/diagnostic/?date=2025-01-28",
    "/classement/acv/?date=2025-01-28",
    f"/comparer/?t=epci:{EPCI}&date=2025-01-28",
    "/impact/",
    "/methodologie/",
    "/sources/",
    "/connexion/",
    "/plan-du-site/",
    "/enquetes/recu/",
]


def _skip_targets(html: str) -> list[str]:
    skip = html[html.index('class="fr-skiplinks"') :]
    skip = skip[: skip.index("</nav>")]
    return re.findall(r'href="#([^"]+)"', skip)


def _current(html: str) -> list[tuple[str, str]]:
    nav = html[html.index('id="navigation"') :]
    nav = nav[: nav.index("</nav>")]
    return re.findall(r'<a class="fr-nav__link" href="[^"]*" aria-current="(\w+)">([^<]+)</a>', nav)


@pytest.mark.parametrize("path", PAGES)
def test_every_skip_link_has_its_target(path: str) -> None:
    """The DSFR skip link « Recherche » led to ``#recherche`` on pages without a search form."""
    response = Client().get(path)
    assert response.status_code == 200
    html = response.content.decode()
    targets = _skip_targets(html)
    assert targets[0] == "content" and targets[-1] == "footer"
    for target in targets:
        assert f'id="{target}"' in html, f"{path} : lien d'évitement vers #{target} sans cible"
    assert ("recherche" in targets) == ('id="recherche"' in html)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", [("page", "Territoires")]),
        (f"/territoires/epci/{EPCI}/diagnostic/?date=2025-01-28", [("true", "Territoires")]),
        ("/classement/acv/?date=2025-01-28", [("page", "Classement Action Cœur de Ville")]),
        ("/methodologie/navettes/", [("true", "Méthodologie")]),
        ("/sources/", [("page", "Sources des données")]),
        ("/plan-du-site/", []),
    ],
)
def test_menu_marks_the_section_of_the_page(path: str, expected: list[tuple[str, str]]) -> None:
    html = Client().get(path).content.decode()
    assert _current(html) == [(kind, label.replace("'", "&#x27;")) for kind, label in expected]


def test_sections_of_team_pages() -> None:
    assert nav_section("/enquetes/epci/200039022/tableau-de-bord/") == "enquetes"
    assert nav_section("/grille/epci/200039022/") == "equipes"
    assert nav_section("/mentions-legales/") == ""


def test_surveys_in_the_menu_of_a_national_administrator() -> None:
    """The national administrator (``teletravail createadmin``, no team of their own) sees every
    territory's surveys: the menu says so."""
    admin = User.objects.create_superuser("admin", "a@example.fr", "x")
    client = Client()
    client.force_login(admin)
    html = client.get("/enquetes/").content.decode()
    assert ">Enquêtes</a>" in html
    assert ("page", "Enquêtes") in _current(html)
