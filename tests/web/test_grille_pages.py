"""Grid pages: a team creates a project, adds candidate sites (facts from the mini mirror), two
assessors score them, sets the weights, and reads the ranking and the report; rights and bad
input."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django.fixtures import Settings

from teletravail.grille.catalogue import load_grid
from teletravail.web.accounts.models import Membership, Role, Territory
from teletravail.web.grille.models import GridProject, GridScore, GridSite

pytestmark = pytest.mark.django_db

EPCI = "200039022"
LIST = f"/grille/epci/{EPCI}/"
PASSWORD = "un-mot-de-passe-solide-42"
VITRE_STATION = {"lat": "48.1226", "lon": "-1.20788"}  # in Vitré (35360), mini mirror


@pytest.fixture(autouse=True)
def _fixture_day(settings: Settings) -> None:
    """The mini mirror's timetables have no default reference day: the facts use this one."""
    settings.TELETRAVAIL_REFERENCE_DAY = date(2025, 1, 28)


@pytest.fixture
def team() -> dict[str, User]:
    territory = Territory.objects.create(kind="epci", code=EPCI, nom="CA Vitré Communauté")
    other = Territory.objects.create(kind="commune", code="33243", nom="Libourne")
    users = {}
    for name, role, where in (
        ("gestion", Role.MANAGER, territory),
        ("membre", Role.MEMBER, territory),
        ("lecteur", Role.READER, territory),
        ("ailleurs", Role.MANAGER, other),
    ):
        users[name] = User.objects.create_user(name, f"{name}@example.fr", PASSWORD)
        Membership.objects.create(user=users[name], territory=where, role=role)
    return users


def _client(user: User | None = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _project(client: Client) -> GridProject:
    response = client.post(LIST, {"nom": "Tiers-lieu de la gare", "description": "Navetteurs."})
    assert response.status_code == 302
    return GridProject.objects.get(nom="Tiers-lieu de la gare")


def _site(client: Client, project: GridProject, nom: str, lat: str, lon: str) -> int:
    return client.post(
        f"/grille/projets/{project.pk}/sites/",
        {
            "site-nom": nom,
            "site-adresse": "",
            "site-commune": "Vitré",
            "site-lat": lat,
            "site-lon": lon,
        },
    ).status_code


def _score(client: Client, project: GridProject, site: GridSite, level: int) -> int:
    data = {f"note_{c.id}": str(level) for c in load_grid().criteria}
    data["commentaire_acces_gare"] = "Vu sur place."
    return client.post(f"/grille/projets/{project.pk}/sites/{site.pk}/notes/", data).status_code


def test_team_builds_a_project_scores_and_reads_the_ranking(team: dict[str, User]) -> None:
    manager, member = _client(team["gestion"]), _client(team["membre"])
    project = _project(member)
    assert _site(member, project, "Gare", **VITRE_STATION) == 302
    assert _site(member, project, "Centre", "48.1245", "-1.2089") == 302
    assert _site(member, project, "Zone", "48.1326", "-1.1815") == 302
    sites = list(project.sites.order_by("code"))
    assert [s.code for s in sites] == ["s1", "s2", "s3"]
    assert all(s.faits and s.faits_jour for s in sites)
    page = member.get(f"/grille/projets/{project.pk}/").content.decode()
    assert "Vitré (35360)" in page and "Noter ce site" in page
    for client, levels in ((member, (3, 2, 1)), (manager, (4, 2, 0))):
        for site, level in zip(sites, levels, strict=True):
            assert _score(client, project, site, level) == 302
    assert GridScore.objects.filter(note__isnull=False).count() == 2 * 3 * len(load_grid().criteria)
    results = member.get(f"/grille/projets/{project.pk}/resultats/").content.decode()
    for method in ("Somme pondérée (WSM)", "TOPSIS", "PROMETHEE II"):
        assert method in results
    assert "Rang conservé" in results and 'class="graphique"' in results
    first_row = results.split("Somme pondérée (WSM)")[1].split("<tbody>")[1].split("</tr>")[0]
    assert "Gare" in first_row  # medians 3.5 everywhere against 2 and 0.5
    assert "Désaccords entre évaluateurs" not in results  # ranges of 1 at most: no disagreement
    pdf = member.get(f"/grille/projets/{project.pk}/resultats/?format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = member.get(f"/grille/projets/{project.pk}/resultats/?format=xlsx")
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    body = member.get(f"/grille/projets/{project.pk}/resultats/?format=json").json()
    assert body["classement"]["methodes"][0]["rangs"]["s1"] == 1


def test_weights_and_ahp(team: dict[str, User]) -> None:
    member = _client(team["membre"])
    project = _project(member)
    grid = load_grid()
    data = {f"theme_{t.id}": "1" for t in grid.themes} | {
        f"critere_{c.id}": "1" for c in grid.criteria
    }
    data["theme_besoin"] = "3"
    assert member.post(f"/grille/projets/{project.pk}/poids/", data).status_code == 302
    project.refresh_from_db()
    assert project.poids["themes"]["besoin"] == 3.0 and project.ahp is None
    ahp = dict(data, mode="ahp", ahp_0_1="5")
    assert member.post(f"/grille/projets/{project.pk}/poids/", ahp).status_code == 302
    project.refresh_from_db()
    assert project.ahp is not None and project.ahp["matrice"][0][1] == 5.0
    assert project.ahp["matrice"][1][0] == pytest.approx(0.2)
    bad = member.post(f"/grille/projets/{project.pk}/poids/", dict(data, theme_besoin="-2"))
    assert bad.status_code == 400 and "entre 0 et 100" in bad.content.decode()


def test_rights(team: dict[str, User]) -> None:
    project = _project(_client(team["membre"]))
    assert _site(_client(team["membre"]), project, "Gare", **VITRE_STATION) == 302
    site = project.sites.get()
    base = f"/grille/projets/{project.pk}/"
    anonymous = _client().get(base)
    assert anonymous.status_code == 302 and "/connexion/" in anonymous["Location"]
    outsider = _client(team["ailleurs"])
    for url in (base, base + "resultats/", base + "poids/", f"{base}sites/{site.pk}/notes/", LIST):
        assert outsider.get(url).status_code == 403, url
    assert outsider.get("/grille/projets/99999/").status_code == 403  # existence not revealed
    reader = _client(team["lecteur"])
    assert (
        reader.get(base).status_code == 200 and reader.get(base + "resultats/").status_code == 200
    )
    assert "Noter ce site" not in reader.get(base).content.decode()
    assert reader.get(f"{base}sites/{site.pk}/notes/").status_code == 403
    assert _site(reader, project, "Autre", **VITRE_STATION) == 403
    assert reader.post(LIST, {"nom": "Non"}).status_code == 403
    # removing a site: managers only, after confirmation
    member = _client(team["membre"])
    assert member.post(f"{base}sites/{site.pk}/retirer/", {"confirmer": "oui"}).status_code == 403
    manager = _client(team["gestion"])
    confirm = manager.get(f"{base}sites/{site.pk}/retirer/")
    assert confirm.status_code == 200 and "Retirer le site" in confirm.content.decode()
    assert manager.post(f"{base}sites/{site.pk}/retirer/", {"confirmer": "oui"}).status_code == 302
    assert not project.sites.exists()


def test_bad_input_is_refused_and_nothing_saved(team: dict[str, User]) -> None:
    member = _client(team["membre"])
    project = _project(member)
    # a point at sea, outside every commune: refused with the reason, no site kept
    at_sea = member.post(
        f"/grille/projets/{project.pk}/sites/",
        {"site-nom": "Large", "site-lat": "47.0", "site-lon": "-6.0"},
    )
    assert at_sea.status_code == 400 and "Site non ajouté" in at_sea.content.decode()
    assert not project.sites.exists()
    latitude = member.post(
        f"/grille/projets/{project.pk}/sites/",
        {"site-nom": "X", "site-lat": "148", "site-lon": "1"},
    )
    assert latitude.status_code == 400 and not project.sites.exists()
    assert _site(member, project, "Gare", **VITRE_STATION) == 302
    site = project.sites.get()
    data = {"note_acces_gare": "7", "commentaire_proximite_centre": "a\x00b"}
    refused = member.post(f"/grille/projets/{project.pk}/sites/{site.pk}/notes/", data)
    text = refused.content.decode()
    assert refused.status_code == 400
    assert "Note invalide « 7 »" in text and "caractère de contrôle" in text
    assert not GridScore.objects.exists()
    control = member.post(LIST, {"nom": "Projet\x07"})
    assert control.status_code == 400 and GridProject.objects.count() == 1


def test_without_a_reference_day_the_page_says_why_facts_are_missing(
    team: dict[str, User], settings: Settings
) -> None:
    settings.TELETRAVAIL_REFERENCE_DAY = None  # the mini mirror has no default day
    member = _client(team["membre"])
    project = _project(member)
    assert _site(member, project, "Gare", **VITRE_STATION) == 302  # kept, facts to come
    page = member.get(f"/grille/projets/{project.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Faits des sites non calculés" in text and "Aucun mardi hors vacances" in text
    assert project.sites.get().faits == {}
