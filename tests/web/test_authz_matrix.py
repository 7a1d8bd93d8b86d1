"""Authorization matrix: every private route x role x own/other territory, from one table.

Outcomes: ``ok`` (200 page or JSON, or a POST redirected back to the team), ``login`` (anonymous:
redirected to the login page), ``403`` (refused), ``401`` (API without a valid token). Whatever the
outcome, a response about the other territory never contains its private data unless it is ``ok``
for a national administrator, and a refused action changes nothing.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.test import Client

from teletravail.grille.catalogue import load_grid
from teletravail.web.accounts.invitations import invite
from teletravail.web.accounts.models import (
    ApiToken,
    Invitation,
    Membership,
    Role,
    Territory,
)
from teletravail.web.accounts.tokens import create_token
from teletravail.web.gares.models import StationAssessment
from teletravail.web.grille.models import GridProject, GridScore, GridSite
from teletravail.web.programmes.models import ActionComment, ProgrammeAction, TerritoryProgramme

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "reader", "member", "manager", "national_admin")

# route | anonymous | reader | member | manager | national_admin   (cells: own/other territory)
TERRITORY_MATRIX = """
team_page     | login/login | ok/403  | ok/403  | ok/403  | ok/ok
add_member    | login/login | 403/403 | 403/403 | ok/403  | ok/ok
change_role   | login/login | 403/403 | 403/403 | ok/403  | ok/ok
remove_member | login/login | 403/403 | 403/403 | ok/403  | ok/ok
resend_invite | login/login | 403/403 | 403/403 | ok/403  | ok/ok
revoke_invite | login/login | 403/403 | 403/403 | ok/403  | ok/ok
api_team      | 401/401     | ok/403  | ok/403  | ok/403  | ok/ok
station_page  | login/login | ok/403  | ok/403  | ok/403  | ok/ok
station_save  | login/login | 403/403 | ok/403  | ok/403  | ok/ok
api_station   | 401/401     | ok/403  | ok/403  | ok/403  | ok/ok
api_station_save | 401/401  | 403/403 | ok/403  | ok/403  | ok/ok
grid_list     | login/login | ok/403  | ok/403  | ok/403  | ok/ok
grid_create   | login/login | 403/403 | ok/403  | ok/403  | ok/ok
grid_project  | login/login | ok/403  | ok/403  | ok/403  | ok/ok
grid_results  | login/login | ok/403  | ok/403  | ok/403  | ok/ok
grid_scores   | login/login | 403/403 | ok/403  | ok/403  | ok/ok
grid_weights  | login/login | 403/403 | ok/403  | ok/403  | ok/ok
grid_delete_site | login/login | 403/403 | 403/403 | ok/403 | ok/ok
prog_page     | login/login | ok/403  | ok/403  | ok/403  | ok/ok
prog_vision   | login/login | 403/403 | 403/403 | ok/403  | ok/ok
prog_action   | login/login | 403/403 | ok/403  | ok/403  | ok/ok
prog_comment  | login/login | 403/403 | ok/403  | ok/403  | ok/ok
prog_export   | login/login | ok/403  | ok/403  | ok/403  | ok/ok
prog_import   | login/login | 403/403 | 403/403 | ok/403  | ok/ok
"""
# Routes without a territory: one outcome per role.
GLOBAL_MATRIX = """
teams_list         | login | ok  | ok  | ok  | ok
team_new           | login | 403 | 403 | 403 | ok
team_new_post      | login | 403 | 403 | 403 | ok
tokens             | login | ok  | ok  | ok  | ok
token_create       | login | ok  | ok  | ok  | ok
token_delete_other | login | 403 | 403 | 403 | 403
"""


def _parse(table: str) -> dict[str, dict[str, list[str]]]:
    rows: dict[str, dict[str, list[str]]] = {}
    for line in table.strip().splitlines():
        route, *cells = (c.strip() for c in line.split("|"))
        assert len(cells) == len(ROLES), line
        rows[route] = {role: cell.split("/") for role, cell in zip(ROLES, cells, strict=True)}
    return rows


TERRITORY_CASES = [
    (route, role, where, outcomes[0 if where == "own" else 1])
    for route, by_role in _parse(TERRITORY_MATRIX).items()
    for role, outcomes in by_role.items()
    for where in ("own", "other")
]
GLOBAL_CASES = [
    (route, role, outcomes[0])
    for route, by_role in _parse(GLOBAL_MATRIX).items()
    for role, outcomes in by_role.items()
]
# A station serving each territory (in the mini mirror) and the reference day of its timetables.
STATIONS = {"own": "87471300", "other": "87683003"}  # Vitré, Sens
DAY = "2025-01-28"
PRIVATE_NOTE = "note privée de l'équipe B"
PRIVATE_SITE = "Site confidentiel"
PRIVATE_ACTION = "Action non publiée"
PRIVATE_B = "secret-b@example.org"  # the e-mail of the other territory's manager
BACKEND = "django.contrib.auth.backends.ModelBackend"


@dataclass
class World:
    own: Territory
    other: Territory
    users: dict[str, User]
    keys: dict[str, str]
    targets: dict[str, Membership]  # a reader of each territory, to change or remove
    newcomer: User
    invitations: dict[str, Invitation]  # a pending invitation of each territory
    sens: Territory  # the other team for the station routes (a commune Sens station serves)
    projects: dict[str, GridProject]  # a grid project of each territory, with one site


@pytest.fixture
def world() -> World:
    own = Territory.objects.create(kind="epci", code="200039022", nom="CA Vitré Communauté")
    other = Territory.objects.create(kind="epci", code="200067767", nom="CA du Grand Sénonais")
    users: dict[str, User] = {}
    for role in ROLES[1:]:
        users[role] = User.objects.create_user(role, email=f"{role}@example.org")
        if role == "national_admin":
            Membership.objects.create(user=users[role], territory=None, role=Role.NATIONAL_ADMIN)
        else:
            Membership.objects.create(user=users[role], territory=own, role=role)
    boss_b = User.objects.create_user("boss-b", email=PRIVATE_B)
    Membership.objects.create(user=boss_b, territory=other, role=Role.MANAGER)
    targets = {}
    for name, territory in (("own", own), ("other", other)):
        target = User.objects.create_user(f"cible-{name}", email=f"cible-{name}@example.org")
        targets[name] = Membership.objects.create(
            user=target, territory=territory, role=Role.READER
        )
    keys = {role: create_token(user, "matrice")[1] for role, user in users.items()}
    newcomer = User.objects.create_user("nouveau", email="nouveau@example.org", password="x" * 16)
    pending = {
        "own": invite(own, "invite-own@example.org", Role.READER, users["manager"])[0],
        "other": invite(other, "invite-other@example.org", Role.READER, boss_b)[0],
    }
    sens = Territory.objects.create(kind="commune", code="89387", nom="Sens")
    Membership.objects.create(user=boss_b, territory=sens, role=Role.MANAGER)
    StationAssessment.objects.create(
        territory=sens, uic=STATIONS["other"], gare_nom="Sens", notes=PRIVATE_NOTE
    )
    for territory in (own, other):
        programme = TerritoryProgramme.objects.create(
            territory=territory, vision=f"Vision {territory.code}", themes=["Mobilité"]
        )
        ProgrammeAction.objects.create(programme=programme, titre=PRIVATE_ACTION, theme="Mobilité")
    projects = {}
    for name, territory in (("own", own), ("other", other)):
        projects[name] = GridProject.objects.create(territory=territory, nom=f"Projet {name}")
        GridSite.objects.create(
            project=projects[name], code="s1", nom=PRIVATE_SITE, lat=48.1226, lon=-1.20788
        )
    return World(own, other, users, keys, targets, newcomer, pending, sens, projects)


def _client(world: World, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(world.users[role], backend=BACKEND)
    return client


def _snapshot(territory: Territory) -> set[tuple[object, ...]]:
    return (
        set(territory.memberships.values_list("user_id", "role"))
        | set(territory.invitations.values_list("email", "role", "token_hash", "revoked_at"))
        | {
            (a.uic, json.dumps(a.observations, sort_keys=True), a.notes)
            for a in StationAssessment.objects.filter(territory=territory)
        }
        | {
            (p.nom, json.dumps(p.poids, sort_keys=True))
            for p in GridProject.objects.filter(territory=territory)
        }
        | set(TerritoryProgramme.objects.filter(territory=territory).values_list("vision"))
        | set(
            ProgrammeAction.objects.filter(programme__territory=territory).values_list(
                "titre", "statut"
            )
        )
        | set(
            ActionComment.objects.filter(action__programme__territory=territory).values_list(
                "texte"
            )
        )
        | set(GridSite.objects.filter(project__territory=territory).values_list("code", "nom"))
        | set(
            GridScore.objects.filter(site__project__territory=territory).values_list(
                "critere", "note"
            )
        )
    )


def _territory_of(world: World, route: str, where: str) -> Territory:
    """The territory a route acts on: the station routes' other team is Sens (commune)."""
    if where == "own":
        return world.own
    return world.sens if "station" in route else world.other


def _station_request(world: World, route: str, role: str, where: str) -> HttpResponse:
    t = _territory_of(world, route, where)
    uic = STATIONS[where]
    if route.startswith("api_"):
        headers: dict[str, Any] = {}
        if role != "anonymous":
            headers["HTTP_AUTHORIZATION"] = f"Bearer {world.keys[role]}"
        url = f"/api/v1/equipes/{t.kind}/{t.code}/gares/{uic}?date={DAY}"
        if route == "api_station":
            return Client().get(url, **headers)
        body = {"observations": {"mixite_usages": 2}, "commentaires": {}, "notes": "api"}
        return Client().put(url, body, content_type="application/json", **headers)
    url = f"/gares/{uic}/equipes/{t.kind}/{t.code}/?date={DAY}"
    client = _client(world, role)
    if route == "station_page":
        return client.get(url)
    return client.post(url, {"niveau_mixite_usages": "2", "notes": "page"})


def _programme_request(world: World, route: str, role: str, where: str) -> HttpResponse:
    t = world.own if where == "own" else world.other
    programme = TerritoryProgramme.objects.get(territory=t)
    action = programme.actions.get()
    client = _client(world, role)
    base = f"/programmes/{t.kind}/{t.code}/"
    if route == "prog_page":
        return client.get(base)
    if route == "prog_vision":
        return client.post(base + "vision/", {"vision": "Vision", "themes": "Mobilité"})
    if route == "prog_action":
        return client.post(
            base + "actions/nouvelle/", {"titre": "Nouvelle", "theme": "Mobilité", "statut": "idee"}
        )
    if route == "prog_comment":
        return client.post(f"/programmes/actions/{action.pk}/", {"texte": "Vu."})
    if route == "prog_export":
        return client.get(base + "export/?format=xlsx")
    assert route == "prog_import"
    from teletravail.programmes.workbook import write_workbook
    from teletravail.web.programmes.service import to_programme

    upload = io.BytesIO(write_workbook(to_programme(programme)))
    upload.name = "programme.xlsx"
    return client.post(base + "import/", {"fichier": upload})


def _grid_request(world: World, route: str, role: str, where: str) -> HttpResponse:
    t = world.own if where == "own" else world.other
    project = world.projects[where]
    site = project.sites.get()
    client = _client(world, role)
    base = f"/grille/projets/{project.pk}/"
    if route == "grid_list":
        return client.get(f"/grille/{t.kind}/{t.code}/")
    if route == "grid_create":
        return client.post(f"/grille/{t.kind}/{t.code}/", {"nom": "Nouveau projet"})
    if route == "grid_project":
        return client.get(base)
    if route == "grid_results":
        return client.get(base + "resultats/")
    if route == "grid_scores":
        return client.post(f"{base}sites/{site.pk}/notes/", {"note_acces_gare": "2"})
    if route == "grid_weights":
        grid = load_grid()
        data = {f"theme_{x.id}": "2" for x in grid.themes}
        data |= {f"critere_{c.id}": "1" for c in grid.criteria}
        return client.post(base + "poids/", data)
    assert route == "grid_delete_site"
    return client.post(f"{base}sites/{site.pk}/retirer/", {"confirmer": "oui"})


def _territory_request(world: World, route: str, role: str, where: str) -> HttpResponse:
    t = world.own if where == "own" else world.other
    target = world.targets[where]
    base = f"/equipes/{t.kind}/{t.code}/"
    client = _client(world, role)
    if route == "team_page":
        return client.get(base)
    if route == "add_member":
        return client.post(base + "membres/", {"email": world.newcomer.email, "role": "member"})
    if route == "change_role":
        return client.post(base + f"membres/{target.pk}/role/", {f"m{target.pk}-role": Role.MEMBER})
    if route == "remove_member":
        return client.post(base + f"membres/{target.pk}/retirer/")
    invitation = world.invitations[where]
    if route == "resend_invite":
        return client.post(base + f"invitations/{invitation.pk}/renvoyer/")
    if route == "revoke_invite":
        return client.post(base + f"invitations/{invitation.pk}/annuler/")
    if route.startswith(("station_", "api_station")):
        return _station_request(world, route, role, where)
    if route.startswith("grid_"):
        return _grid_request(world, route, role, where)
    if route.startswith("prog_"):
        return _programme_request(world, route, role, where)
    assert route == "api_team"
    headers: dict[str, Any] = {}
    if role != "anonymous":
        headers["HTTP_AUTHORIZATION"] = f"Bearer {world.keys[role]}"
    return Client().get(f"/api/v1/equipes/{t.kind}/{t.code}", **headers)


def _assert_outcome(response: HttpResponse, expected: str, *, ok_location: str = "") -> None:
    if expected == "ok":
        if response.status_code == 302:
            assert ok_location and response["Location"] == ok_location
        else:
            assert response.status_code == 200
    elif expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith("/connexion/?next=")
    else:
        assert response.status_code == int(expected)


@pytest.mark.parametrize(("route", "role", "where", "expected"), TERRITORY_CASES)
def test_territory_routes(world: World, route: str, role: str, where: str, expected: str) -> None:
    t = _territory_of(world, route, where)
    before = _snapshot(t)
    response = _territory_request(world, route, role, where)
    ok_location = f"/equipes/{t.kind}/{t.code}/"
    if route == "station_save":
        ok_location = f"/gares/{STATIONS[where]}/equipes/{t.kind}/{t.code}/?date={DAY}"
    if route.startswith("prog_"):  # a 302 goes to a programme page (checked below)
        location = response.get("Location", "") if response.status_code == 302 else ""
        ok_location = location if location.startswith("/programmes/") else "?"
    if route.startswith("grid_"):
        project = world.projects[where]
        ok_location = {
            "grid_weights": f"/grille/projets/{project.pk}/resultats/",
            "grid_create": response.get("Location", "") if response.status_code == 302 else "",
        }.get(route, f"/grille/projets/{project.pk}/")
    _assert_outcome(response, expected, ok_location=ok_location)
    content = response.content.decode(errors="replace")
    if where == "other" and not (expected == "ok" and role == "national_admin"):
        assert PRIVATE_B not in content
        assert "cible-other" not in content
        assert "invite-other@example.org" not in content
        assert PRIVATE_NOTE not in content
        assert PRIVATE_SITE not in content or where == "own"
        assert PRIVATE_ACTION not in content or where == "own"
    if route.startswith("prog_") and expected == "ok":
        programme = TerritoryProgramme.objects.get(territory=t)
        if route == "prog_vision":
            assert programme.vision == "Vision"
        elif route == "prog_action":
            assert response["Location"].startswith("/programmes/actions/")
            assert programme.actions.filter(titre="Nouvelle").exists()
        elif route == "prog_comment":
            assert ActionComment.objects.filter(action__programme=programme, texte="Vu.").exists()
        elif route == "prog_import":
            assert response.status_code == 302
        elif route == "prog_export":
            assert response.content.startswith(b"PK")
        else:
            assert PRIVATE_ACTION in content
        return
    if route.startswith("grid_") and expected == "ok":
        project = world.projects[where]
        if route == "grid_create":
            assert response["Location"].startswith("/grille/projets/")
            assert t.grid_projects.filter(nom="Nouveau projet").exists()
        elif route == "grid_scores":
            assert GridScore.objects.get(site__project=project).note == 2
        elif route == "grid_weights":
            project.refresh_from_db()
            assert project.poids["themes"]["besoin"] == 2.0
        elif route == "grid_delete_site":
            assert not project.sites.exists()
        elif route in ("grid_project", "grid_list"):
            assert project.nom in content
        return
    if expected != "ok":
        assert _snapshot(t) == before, "a refused request changed the team"
    elif route in ("station_save", "api_station_save"):
        saved = StationAssessment.objects.get(territory=t, uic=STATIONS[where])
        assert saved.observations == {"mixite_usages": 2}
    elif route == "station_page":
        assert "Historique" in content
    elif route == "api_station":
        assert response.json()["gare"]["uic"] == STATIONS[where]
    elif route == "team_page":
        assert world.targets[where].user.email in content
    elif route == "api_team":
        body = response.json()
        assert body["territoire"]["code"] == t.code
        assert world.targets[where].user.username in {m["identifiant"] for m in body["membres"]}
    elif route == "add_member":  # an invitation to the address; nobody attached before accepting
        assert t.invitations.get(email=world.newcomer.email).role == Role.MEMBER
        assert not Membership.objects.filter(user=world.newcomer, territory=t).exists()
    elif route == "resend_invite":
        old_hash = world.invitations[where].token_hash
        assert Invitation.objects.get(pk=world.invitations[where].pk).token_hash != old_hash
    elif route == "revoke_invite":
        assert Invitation.objects.get(pk=world.invitations[where].pk).revoked_at is not None
    elif route == "change_role":
        world.targets[where].refresh_from_db()
        assert world.targets[where].role == Role.MEMBER
    else:
        assert not Membership.objects.filter(pk=world.targets[where].pk).exists()
    if expected == "401":
        assert response.json()["erreur"]["code"] == "non_authentifie"
    if expected == "403" and route.startswith("api_"):
        assert response.json()["erreur"]["code"] == "interdit"


@pytest.mark.parametrize(("route", "role", "expected"), GLOBAL_CASES)
def test_global_routes(world: World, route: str, role: str, expected: str) -> None:
    client = _client(world, role)
    boss_b = User.objects.get(username="boss-b")
    foreign, _ = create_token(boss_b, "jeton de B")
    tokens_before = ApiToken.objects.count()
    if route == "teams_list":
        response = client.get("/equipes/")
    elif route == "team_new":
        response = client.get("/equipes/nouvelle/", {"q": "vitre"})
    elif route == "team_new_post":
        response = client.post(
            "/equipes/nouvelle/",
            {"q": "35360", "territoire": "commune:35360", "email": world.newcomer.email},
        )
    elif route == "tokens":
        response = client.get("/equipes/jetons/")
    elif route == "token_create":
        response = client.post("/equipes/jetons/", {"name": "script"})
    else:
        assert route == "token_delete_other"
        response = client.post(f"/equipes/jetons/{foreign.pk}/supprimer/")
    ok_location = "/equipes/commune/35360/" if route == "team_new_post" else ""
    _assert_outcome(response, expected, ok_location=ok_location)
    content = response.content.decode(errors="replace")
    if role != "national_admin":
        assert PRIVATE_B not in content
        assert "CA du Grand Sénonais" not in content
    assert ApiToken.objects.filter(pk=foreign.pk).exists()
    if route == "token_create":
        assert ApiToken.objects.count() == tokens_before + (expected == "ok")
    if route == "team_new_post":
        created = Territory.objects.filter(kind="commune", code="35360").exists()
        assert created is (expected == "ok")
        assert not Membership.objects.filter(user=world.newcomer).exists()
