"""API of the analysis grid (issue 13, tool 2): a territory's projects, candidate sites with their
facts from open data, each assessor's scores, weights (entered or AHP) and the evaluation, behind a
bearer token with the rights of the grid pages.

The mini warehouse (tests/fixtures/opendata) holds Vitré (commune 35360, EPCI 200039022) and its
station at about 48.1226, -1.20788. Its timetables have no default reference day: the facts are
computed for ``TELETRAVAIL_REFERENCE_DAY`` (2025-01-28), as on the grid pages.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core.wsgi import get_wsgi_application
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from pytest_django.fixtures import Settings
from schemathesis import GenerationMode

from teletravail.grille import display
from teletravail.grille.catalogue import load_grid
from teletravail.web.accounts.models import Membership, Role, Territory
from teletravail.web.accounts.tokens import create_token
from teletravail.web.grille import service
from teletravail.web.grille.models import GridProject, GridScore, GridSite

pytestmark = pytest.mark.django_db

BASE = "/api/v1/equipes"
TEAM = f"{BASE}/epci/200039022/projets"
# Vitré: near the station, in the centre, further east (all in commune 35360)
SITES = (
    {"nom": "Halle de la gare", "adresse": "Place de la gare", "lat": 48.1229, "lon": -1.2096},
    {"nom": "Ancienne poste", "commune": "Vitré", "lat": 48.1240, "lon": -1.2060},
    {"nom": "Zone est", "lat": 48.1180, "lon": -1.1800},
)


@pytest.fixture(autouse=True)
def _fixture_day(settings: Settings) -> None:
    settings.TELETRAVAIL_REFERENCE_DAY = date(2025, 1, 28)


@dataclass(frozen=True)
class World:
    """The Vitré Communauté team (one key per role) and a manager of another territory."""

    territory: Territory
    other: Territory
    keys: dict[str, str]


@pytest.fixture
def world() -> World:
    vitre = Territory.objects.create(kind="epci", code="200039022", nom="CA Vitré Communauté")
    other = Territory.objects.create(kind="epci", code="200067767", nom="CA du Grand Sénonais")
    keys: dict[str, str] = {}
    for name, territory, role in (
        ("membre", vitre, Role.MEMBER),
        ("gestion", vitre, Role.MANAGER),
        ("lecteur", vitre, Role.READER),
        ("ailleurs", other, Role.MANAGER),
    ):
        user = User.objects.create_user(name, email=f"{name}@example.org")
        Membership.objects.create(user=user, territory=territory, role=role)
        keys[name] = create_token(user, "essai")[1]
    return World(vitre, other, keys)


def _auth(world: World, who: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {world.keys[who]}"}


def _send(method: str, url: str, world: World, who: str, body: dict[str, Any]) -> Any:
    call = Client().post if method == "post" else Client().put
    return call(url, json.dumps(body), content_type="application/json", **_auth(world, who))


def _error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content[:500]
    erreur: dict[str, Any] = response.json()["erreur"]
    assert erreur["code"] == code and erreur["message"]
    return erreur


def _fields(erreur: dict[str, Any]) -> list[str]:
    return [d["champ"] for d in erreur["details"]]


def _project(world: World, nom: str = "Tiers-lieu de Vitré") -> GridProject:
    project: GridProject = GridProject.objects.create(territory=world.territory, nom=nom)
    return project


def _site(project: GridProject, code: str = "s1") -> GridSite:
    site: GridSite = GridSite.objects.create(
        project=project, code=code, nom="Site", lat=48.12, lon=-1.2
    )
    return site


def test_without_or_with_a_bad_token_is_401(world: World) -> None:
    project = _project(world)
    for url in (TEAM, f"{BASE}/grille/projets/{project.pk}"):
        _error(Client().get(url), 401, "non_authentifie")
        _error(Client().get(url, HTTP_AUTHORIZATION="Bearer faux"), 401, "non_authentifie")
    response = Client().post(TEAM, json.dumps({"nom": "X"}), content_type="application/json")
    _error(response, 401, "non_authentifie")
    assert GridProject.objects.count() == 1


def test_reader_reads_but_cannot_write(world: World) -> None:
    project = _project(world)
    site = _site(project)
    listed = Client().get(TEAM, **_auth(world, "lecteur"))
    assert listed.status_code == 200
    assert [p["id"] for p in listed.json()] == [project.pk]
    assert (
        Client().get(f"{BASE}/grille/projets/{project.pk}", **_auth(world, "lecteur")).status_code
        == 200
    )
    for method, url, body in (
        ("post", TEAM, {"nom": "Autre"}),
        ("post", f"{BASE}/grille/projets/{project.pk}/sites", SITES[0]),
        ("put", f"{BASE}/grille/projets/{project.pk}/sites/s1/notes", {"notes": {"acces_gare": 3}}),
        ("put", f"{BASE}/grille/projets/{project.pk}/poids", {"themes": {"besoin": 2}}),
    ):
        erreur = _error(_send(method, url, world, "lecteur", body), 403, "interdit")
        assert "modifier" in erreur["message"]
    assert GridProject.objects.count() == 1 and project.sites.get() == site
    assert not GridScore.objects.exists()
    project.refresh_from_db()
    assert project.poids == {}


def test_other_territory_gets_403_and_cannot_tell_whether_a_project_exists(world: World) -> None:
    project = _project(world)
    _site(project)
    missing = project.pk + 1000
    for url in (f"{BASE}/grille/projets/{project.pk}", f"{BASE}/grille/projets/{missing}"):
        erreur = _error(Client().get(url, **_auth(world, "ailleurs")), 403, "interdit")
        assert str(missing) not in erreur["message"]
    _error(Client().get(TEAM, **_auth(world, "ailleurs")), 403, "interdit")
    for pk in (project.pk, missing):
        for method, url, body in (
            ("post", f"{BASE}/grille/projets/{pk}/sites", SITES[0]),
            ("put", f"{BASE}/grille/projets/{pk}/sites/s1/notes", {"notes": {"acces_gare": 3}}),
            ("put", f"{BASE}/grille/projets/{pk}/poids", {}),
        ):
            first = _send(method, url, world, "ailleurs", body)
            _error(first, 403, "interdit")
    # no right on a territory that does not exist: the team's member gets 403 too; a national
    # administrator (rights everywhere) gets 404, after the right check
    _error(
        Client().get(f"{BASE}/grille/projets/{missing}", **_auth(world, "membre")), 403, "interdit"
    )
    admin = User.objects.create_superuser("admin", "admin@example.org")
    key = {"HTTP_AUTHORIZATION": f"Bearer {create_token(admin, 'essai')[1]}"}
    erreur = _error(Client().get(f"{BASE}/grille/projets/{missing}", **key), 404, "introuvable")
    assert str(missing) in erreur["message"]
    assert Client().get(f"{BASE}/grille/projets/{project.pk}", **key).status_code == 200
    _error(
        _send("put", f"{BASE}/grille/projets/{project.pk}/sites/s9/notes", world, "membre", {}),
        404,
        "introuvable",
    )
    # a territory without a team: 403 (no right), and its own manager sees its empty list
    _error(Client().get(f"{BASE}/commune/35360/projets", **_auth(world, "membre")), 403, "interdit")
    other = Client().get(f"{BASE}/epci/200067767/projets", **_auth(world, "ailleurs"))
    assert other.status_code == 200 and other.json() == []


def test_create_add_three_sites_score_by_two_assessors_and_rank(world: World) -> None:
    created = _send(
        "post",
        TEAM,
        world,
        "membre",
        {"nom": " Tiers-lieu de Vitré ", "description": "Un lieu près de la gare."},
    )
    assert created.status_code == 201, created.content[:500]
    body = created.json()
    pk = body["id"]
    assert body["nom"] == "Tiers-lieu de Vitré" and body["sites"] == []
    assert body["territoire"] == {"type": "epci", "code": "200039022", "nom": "CA Vitré Communauté"}
    assert body["evaluation"] is None and body["evaluation_absente"]
    assert GridProject.objects.get(pk=pk).created_by == User.objects.get(username="membre")

    codes = []
    for site in SITES:
        added = _send("post", f"{BASE}/grille/projets/{pk}/sites", world, "membre", site)
        assert added.status_code == 201, added.content[:500]
        shown = added.json()
        assert shown["faits"] is not None and shown["faits_erreur"] is None
        assert shown["faits_jour"] == "2025-01-28" and shown["faits_absents"] is None
        codes.append(shown["code"])
    assert codes == ["s1", "s2", "s3"]

    listed = Client().get(TEAM, **_auth(world, "lecteur")).json()
    assert listed == [
        {
            "id": pk,
            "nom": "Tiers-lieu de Vitré",
            "description": "Un lieu près de la gare.",
            "sites": 3,
            "modifie_le": listed[0]["modifie_le"],
            "url": f"{BASE}/grille/projets/{pk}",
        }
    ]

    grid = load_grid()
    for who, shift in (("membre", 0), ("gestion", 1)):
        for rank, code in enumerate(codes):
            notes = {c.id: min(4, (rank + shift + i) % 5) for i, c in enumerate(grid.criteria)}
            saved = _send(
                "put",
                f"{BASE}/grille/projets/{pk}/sites/{code}/notes",
                world,
                who,
                {"notes": notes, "commentaires": {"acces_gare": "Gare à 300 m."}},
            )
            assert saved.status_code == 200, saved.content[:500]
            assert saved.json() == {
                "site": code,
                "evaluateur": who,
                "notes": dict(sorted(notes.items())),
                "commentaires": {"acces_gare": "Gare à 300 m."},
            }

    shown = Client().get(f"{BASE}/grille/projets/{pk}", **_auth(world, "lecteur"))
    assert shown.status_code == 200
    result = shown.json()
    assert [s["code"] for s in result["sites"]] == codes
    assert result["sites"][0]["faits"]["gares"]["gares"], "the station of Vitré is near s1"
    evaluation = result["evaluation"]
    assert result["evaluation_absente"] is None
    assert sorted(evaluation["evaluateurs"]) == ["gestion", "membre"]
    methods = evaluation["classement"]["methodes"]
    assert len(methods) == 3
    for method in methods:
        assert sorted(method["rangs"]) == codes
    # the same JSON as the library's report of the stored project
    expected = json.loads(display.render_json(service.evaluation(GridProject.objects.get(pk=pk))))
    assert evaluation == expected


def test_project_name_and_site_checks_are_422_naming_the_field(world: World) -> None:
    for body, field in (
        ({"nom": "  "}, "nom"),
        ({"nom": "Lieu\x07"}, "nom"),
        ({"nom": "Lieu", "description": "a\x00b"}, "description"),
        ({"nom": "x" * 201}, "nom"),
        ({}, "nom"),
    ):
        erreur = _error(_send("post", TEAM, world, "membre", body), 422, "entree_invalide")
        assert _fields(erreur) == [field], body
    assert not GridProject.objects.exists()
    project = _project(world)
    url = f"{BASE}/grille/projets/{project.pk}/sites"
    for site, field in (
        ({**SITES[0], "lat": 91}, "lat"),
        ({**SITES[0], "lon": "est"}, "lon"),
        ({**SITES[0], "nom": "Halle\x1b"}, "nom"),
        ({**SITES[0], "nom": ""}, "nom"),
    ):
        erreur = _error(_send("post", url, world, "membre", site), 422, "entree_invalide")
        assert _fields(erreur) == [field], site
    outside = {"nom": "Londres", "lat": 51.5072, "lon": -0.1276}
    erreur = _error(_send("post", url, world, "membre", outside), 422, "entree_invalide")
    assert _fields(erreur) == ["lat"] and erreur["details"][0]["message"]
    assert not project.sites.exists()


def test_without_a_reference_day_a_site_is_kept_and_the_api_says_why_it_has_no_facts(
    world: World, settings: Settings
) -> None:
    settings.TELETRAVAIL_REFERENCE_DAY = None  # the mini mirror has no default day
    project = _project(world)
    added = _send("post", f"{BASE}/grille/projets/{project.pk}/sites", world, "membre", SITES[0])
    assert added.status_code == 201, added.content[:500]
    body = added.json()
    assert body["code"] == "s1" and body["faits"] is None
    assert "Aucun mardi hors vacances" in body["faits_absents"]
    shown = Client().get(f"{BASE}/grille/projets/{project.pk}", **_auth(world, "lecteur")).json()
    assert shown["sites"][0]["faits"] is None
    assert "Aucun mardi hors vacances" in shown["faits_absents"]
    # once a day is set, the next read computes them
    settings.TELETRAVAIL_REFERENCE_DAY = date(2025, 1, 28)
    shown = Client().get(f"{BASE}/grille/projets/{project.pk}", **_auth(world, "lecteur")).json()
    assert shown["faits_absents"] is None and shown["sites"][0]["faits"] is not None


def test_a_project_holds_at_most_max_sites(world: World) -> None:
    project = _project(world)
    GridSite.objects.bulk_create(
        GridSite(project=project, code=f"s{n}", nom=f"Site {n}", lat=48.12, lon=-1.2)
        for n in range(1, service.MAX_SITES + 1)
    )
    response = _send("post", f"{BASE}/grille/projets/{project.pk}/sites", world, "membre", SITES[0])
    erreur = _error(response, 422, "entree_invalide")
    assert str(service.MAX_SITES) in erreur["details"][0]["message"]
    assert project.sites.count() == service.MAX_SITES


def test_bad_scores_are_422_with_one_detail_each_and_nothing_saved(world: World) -> None:
    project = _project(world)
    _site(project)
    url = f"{BASE}/grille/projets/{project.pk}/sites/s1/notes"
    body = {
        "notes": {"acces_gare": 5, "inconnu": 1, "bus_velo": "3", "stationnement": 2},
        "commentaires": {"acces_gare": "a\x01", "autre": "x"},
    }
    erreur = _error(_send("put", url, world, "membre", body), 422, "entree_invalide")
    assert sorted(_fields(erreur)) == [
        "commentaires.acces_gare",
        "commentaires.autre",
        "notes.acces_gare",
        "notes.bus_velo",
        "notes.inconnu",
    ]
    assert not GridScore.objects.exists()
    ok = _send("put", url, world, "membre", {"notes": {"acces_gare": 4, "bus_velo": None}})
    assert ok.json()["notes"] == {"acces_gare": 4, "bus_velo": None}
    # a criterion absent keeps its score
    again = _send("put", url, world, "membre", {"notes": {"stationnement": 1}})
    assert again.json()["notes"] == {"acces_gare": 4, "bus_velo": None, "stationnement": 1}


def _ahp(n: int, high: float = 3.0) -> list[list[float]]:
    """A consistent-enough reciprocal matrix: theme 0 ``high`` times more important than every
    other, the others equal."""
    matrix = [[1.0] * n for _ in range(n)]
    for j in range(1, n):
        matrix[0][j], matrix[j][0] = high, 1 / high
    return matrix


def test_weights_entered_and_ahp_are_saved_with_the_consistency_ratio(world: World) -> None:
    project = _project(world)
    grid = load_grid()
    themes = [t.id for t in grid.themes]
    url = f"{BASE}/grille/projets/{project.pk}/poids"
    entered = _send(
        "put", url, world, "membre", {"themes": {"besoin": 3}, "criteres": {"acces_gare": 0}}
    )
    assert entered.status_code == 200, entered.content[:500]
    body = entered.json()
    assert body["themes"]["besoin"] == 3 and body["themes"]["localisation"] == 1
    assert body["criteres"]["acces_gare"] == 0 and body["ahp"] is None
    assert body["resultat_ahp"] is None
    stored = service.to_project(GridProject.objects.get(pk=project.pk))
    assert stored.poids.themes["besoin"] == 3 and stored.poids.criteres["acces_gare"] == 0

    reordered = [themes[1], themes[0], *themes[2:]]  # any order: stored in the grid's order
    matrix = _ahp(len(themes))
    swapped = [row[:] for row in matrix]
    swapped[0], swapped[1] = swapped[1], swapped[0]
    for row in swapped:
        row[0], row[1] = row[1], row[0]
    ahp = _send("put", url, world, "gestion", {"ahp": {"elements": reordered, "matrice": swapped}})
    assert ahp.status_code == 200, ahp.content[:500]
    body = ahp.json()
    assert body["ahp"] == {"elements": themes, "matrice": matrix}
    result = body["resultat_ahp"]
    assert result["rc"] < 0.1 and not result["incoherent"]
    assert max(result["poids"], key=result["poids"].get) == themes[0]
    assert abs(sum(result["poids"].values()) - 1) < 1e-9
    shown = Client().get(f"{BASE}/grille/projets/{project.pk}", **_auth(world, "lecteur")).json()
    assert shown["poids"]["ahp"]["elements"] == themes


def test_bad_weights_are_422_listing_every_problem(world: World) -> None:
    project = _project(world)
    url = f"{BASE}/grille/projets/{project.pk}/poids"
    grid = load_grid()
    themes = [t.id for t in grid.themes]
    body = {
        "themes": {"besoin": -1, "inconnu": 2, "localisation": 101, "offre": True},
        "criteres": {"acces_gare": "beaucoup", "nulle_part": 1},
    }
    erreur = _error(_send("put", url, world, "membre", body), 422, "entree_invalide")
    assert sorted(_fields(erreur)) == [
        "criteres.acces_gare",
        "criteres.nulle_part",
        "themes.besoin",
        "themes.inconnu",
        "themes.localisation",
        "themes.offre",
    ]
    zero = {"themes": dict.fromkeys(themes, 0)}
    erreur = _error(_send("put", url, world, "membre", zero), 422, "entree_invalide")
    assert "positif" in erreur["details"][0]["message"]

    n = len(themes)
    off_scale = _ahp(n, 10.0)
    not_reciprocal = _ahp(n)
    not_reciprocal[2][3] = 5.0
    for ahp, fields in (
        ({"elements": themes[:-1], "matrice": _ahp(n - 1)}, ["ahp.elements"]),
        ({"elements": [*themes[:-1], themes[0]], "matrice": _ahp(n)}, ["ahp.elements"]),
        ({"elements": [*themes[:-1], 7], "matrice": _ahp(n)}, ["ahp.elements"]),
        ({"elements": themes, "matrice": _ahp(n)[:-1]}, ["ahp.matrice"]),
        (
            {"elements": themes, "matrice": off_scale},
            sorted(f"ahp.matrice.{a}.{b}" for j in range(1, n) for a, b in ((0, j), (j, 0))),
        ),
        ({"elements": themes, "matrice": not_reciprocal}, ["ahp.matrice.3.2"]),
    ):
        erreur = _error(_send("put", url, world, "membre", {"ahp": ahp}), 422, "entree_invalide")
        assert sorted(_fields(erreur)) == fields, erreur
    project.refresh_from_db()
    assert project.poids == {} and project.ahp is None


def test_openapi_lists_the_grid_paths() -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    expected = {
        "/api/v1/equipes/{kind}/{code}/projets": {"get", "post"},
        "/api/v1/equipes/grille/projets/{project_id}": {"get"},
        "/api/v1/equipes/grille/projets/{project_id}/sites": {"post"},
        "/api/v1/equipes/grille/projets/{project_id}/sites/{site}/notes": {"put"},
        "/api/v1/equipes/grille/projets/{project_id}/poids": {"put"},
    }
    for path, methods in expected.items():
        assert methods <= set(paths[path]), path
        for method in methods:
            operation = paths[path][method]
            assert operation["tags"] == ["grille"]
            assert operation["security"], "a token is required"
            assert {"401", "403", "404"} <= set(operation["responses"])


def test_out_of_range_ids_are_422(world: World) -> None:
    for pk in ("0", "99999999999999999999", "-3", "abc"):
        response = Client().get(f"{BASE}/grille/projets/{pk}", **_auth(world, "membre"))
        assert _fields(_error(response, 422, "entree_invalide")) == ["project_id"], pk


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PUT", "/api/v1/equipes/grille/projets/{project_id}/poids"),
        ("PUT", "/api/v1/equipes/grille/projets/{project_id}/sites/{site}/notes"),
        ("POST", "/api/v1/equipes/{kind}/{code}/projets"),
    ],
)
def test_write_routes_never_fail_with_a_server_error(
    kept_connection: None, world: World, method: str, path: str, mode: GenerationMode
) -> None:
    """Generated bodies sent with a member's token to an existing project and site."""
    project = _project(world)
    _site(project)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    found: Any = next(iter(schema.include(method=method, path=path).get_all_operations()))
    operation = found.ok()
    fixed = {"project_id": project.pk, "site": "s1", "kind": "epci", "code": "200039022"}
    seen: list[int] = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @hypothesis_settings(
        max_examples=15,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: Any) -> None:
        case.path_parameters = {k: fixed[k] for k in case.path_parameters or {}}
        response = case.call(headers={"Authorization": f"Bearer {world.keys['membre']}"})
        seen.append(response.status_code)
        assert response.status_code < 500, f"{case.body!r} -> {response.text[:500]}"

    check()
    assert set(seen) - {403, 404}, seen  # the requests reached the checks
