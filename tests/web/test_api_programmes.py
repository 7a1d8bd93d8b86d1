"""API of the vision and programme of actions (issue 14): a territory's programme, its actions
(history, comments), publication and the published list, behind a bearer token with the rights of
the programme pages; bad input is 422 with one detail per problem.

The mini warehouse has no default reference day: ``TELETRAVAIL_REFERENCE_DAY`` is set (as on the
programme pages)."""

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

from teletravail.web.accounts.models import Membership, Role, Territory
from teletravail.web.accounts.tokens import create_token
from teletravail.web.programmes.models import (
    ActionComment,
    ProgrammeAction,
    ProgrammeIndicator,
    TerritoryProgramme,
)

pytestmark = pytest.mark.django_db

BASE = "/api/v1/equipes"
PROGRAMME = f"{BASE}/epci/200039022/programme"
ACTIONS = f"{PROGRAMME}/actions"
ACTION = {
    "titre": "Ouvrir un tiers-lieu en gare",
    "theme": "Immobilier et bureaux",
    "description": "Dans l'ancienne halle.",
    "porteur": "Vitré Communauté",
    "partenaires": "SNCF Gares & Connexions, Région",
    "budget": 250000,
    "financements": [
        {"source": "Région", "montant": 100000},
        {"source": " Europe (FEDER) ", "montant": None},
    ],
    "debut": "2026-01-01",
    "fin": "2027-06-30",
    "statut": "prevue",
}


@pytest.fixture(autouse=True)
def _fixture_day(settings: Settings) -> None:
    settings.TELETRAVAIL_REFERENCE_DAY = date(2025, 1, 28)


@dataclass(frozen=True)
class World:
    """The Vitré Communauté team (one key per role) and a manager of another territory."""

    territory: Territory
    keys: dict[str, str]


@pytest.fixture
def world() -> World:
    vitre = Territory.objects.create(kind="epci", code="200039022", nom="CA Vitré Communauté")
    other = Territory.objects.create(kind="commune", code="33243", nom="Libourne")
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
    return World(vitre, keys)


def _auth(world: World, who: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {world.keys[who]}"}


def _get(url: str, world: World, who: str) -> Any:
    return Client().get(url, **_auth(world, who))


def _send(method: str, url: str, world: World, who: str, body: dict[str, Any] | None) -> Any:
    call = getattr(Client(), method)
    data = json.dumps(body) if body is not None else ""
    return call(url, data, content_type="application/json", **_auth(world, who))


def _error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content[:800]
    erreur: dict[str, Any] = response.json()["erreur"]
    assert erreur["code"] == code and erreur["message"]
    return erreur


def _fields(erreur: dict[str, Any]) -> list[str]:
    return [d["champ"] for d in erreur["details"]]


def _action(world: World, **fields: Any) -> ProgrammeAction:
    programme, _ = TerritoryProgramme.objects.get_or_create(territory=world.territory)
    values = {"titre": "Navette du marché", "theme": "Mobilité", "statut": "idee", **fields}
    action: ProgrammeAction = ProgrammeAction.objects.create(programme=programme, **values)
    return action


def test_without_or_with_a_bad_token_is_401(world: World) -> None:
    action = _action(world)
    urls = (PROGRAMME, f"{BASE}/programmes/actions/{action.pk}", f"{BASE}/programmes/publies")
    for url in urls:
        _error(Client().get(url), 401, "non_authentifie")
        _error(Client().get(url, HTTP_AUTHORIZATION="Bearer faux"), 401, "non_authentifie")
    response = Client().post(ACTIONS, json.dumps(ACTION), content_type="application/json")
    _error(response, 401, "non_authentifie")
    assert ProgrammeAction.objects.count() == 1


def test_team_writes_its_programme_and_another_team_reads_it_once_published(world: World) -> None:
    first = _get(PROGRAMME, world, "lecteur")  # created empty on the team's first read
    assert first.status_code == 200, first.content[:500]
    body = first.json()
    assert body["equipe"] is True and body["publie"] is False and body["actions"] == []
    assert body["themes"][0] == "Immobilier et bureaux"
    assert body["territoire"] == {"type": "epci", "code": "200039022", "nom": "CA Vitré Communauté"}

    vision = {
        "vision": "Une ville où l'on vit et travaille.",
        "horizon": 2040,
        "themes": ["Immobilier et bureaux", "Mobilité", "Vie locale"],
    }
    saved = _send("put", PROGRAMME, world, "gestion", vision)
    assert saved.status_code == 200, saved.content[:500]
    assert saved.json()["horizon"] == 2040 and saved.json()["themes"] == vision["themes"]

    created = _send("post", ACTIONS, world, "membre", ACTION)
    assert created.status_code == 201, created.content[:800]
    action = created.json()
    assert action["statut"] == "prevue" and action["statut_libelle"] == "Prévue"
    assert action["budget"] == 250000.0 and action["fin"] == "2027-06-30"
    assert action["financements"] == [
        {"source": "Région", "montant": 100000.0},
        {"source": "Europe (FEDER)", "montant": None},
    ]
    assert [h["type"] for h in action["historique"]] == ["creation"]
    stored = ProgrammeAction.objects.get(pk=action["id"])
    assert stored.updated_by == User.objects.get(username="membre")
    url = action["url"]
    assert url == f"{BASE}/programmes/actions/{stored.pk}"

    changed = _send("patch", url, world, "gestion", {"statut": "en_cours", "budget": 260000})
    assert changed.status_code == 200, changed.content[:800]
    assert changed.json()["titre"] == ACTION["titre"]  # fields not sent are kept
    assert changed.json()["financements"] == action["financements"]
    comment = _send("post", url + "/commentaires", world, "membre", {"texte": "Réunion le 12."})
    assert comment.status_code == 201, comment.content[:500]
    assert comment.json()["auteur"] == "membre"

    detail = _get(url, world, "lecteur").json()
    latest = detail["historique"][0]
    assert latest["type"] == "modification" and latest["auteur"] == "gestion"
    assert set(latest["champs"]) == {"statut", "budget"}
    assert "Statut : Prévue → En cours" in latest["changements"]
    assert detail["historique"][-1]["auteur"] == "membre"
    assert [c["texte"] for c in detail["commentaires"]] == ["Réunion le 12."]

    # another territory's team: 403 before publication, whether or not the action exists
    for target in (PROGRAMME, url, f"{BASE}/programmes/actions/{stored.pk + 1000}"):
        _error(_get(target, world, "ailleurs"), 403, "interdit")
    assert _get(f"{BASE}/programmes/publies", world, "ailleurs").json() == []

    published = _send("put", PROGRAMME, world, "gestion", {**vision, "publie": True})
    assert published.json()["publie"] is True and published.json()["publie_le"]
    listed = _get(f"{BASE}/programmes/publies", world, "ailleurs")
    assert listed.status_code == 200
    assert listed.json() == [
        {
            "territoire": {"type": "epci", "code": "200039022", "nom": "CA Vitré Communauté"},
            "horizon": 2040,
            "actions": 1,
            "publie_le": published.json()["publie_le"],
            "url": PROGRAMME,
        }
    ]
    read = _get(PROGRAMME, world, "ailleurs")
    assert read.status_code == 200
    assert read.json()["equipe"] is False and read.json()["vision"] == vision["vision"]
    assert read.json()["actions"][0]["titre"] == ACTION["titre"]
    assert read.json()["actions"][0]["commentaires"] is None
    outside = _get(url, world, "ailleurs").json()
    assert outside["commentaires"] is None and outside["historique"] is None
    # read-only: every write is refused
    _error(_send("post", ACTIONS, world, "ailleurs", ACTION), 403, "interdit")
    _error(_send("patch", url, world, "ailleurs", {"titre": "Intrus"}), 403, "interdit")
    _error(_send("put", url, world, "ailleurs", ACTION), 403, "interdit")
    _error(_send("post", url + "/commentaires", world, "ailleurs", {"texte": "X"}), 403, "interdit")
    _error(_send("delete", url, world, "ailleurs", None), 403, "interdit")
    _error(_send("put", PROGRAMME, world, "ailleurs", vision), 403, "interdit")
    assert ActionComment.objects.count() == 1 and ProgrammeAction.objects.count() == 1

    # withdrawn: 403 again
    _send("put", PROGRAMME, world, "gestion", {**vision, "publie": False})
    _error(_get(PROGRAMME, world, "ailleurs"), 403, "interdit")


def test_reader_and_member_rights(world: World) -> None:
    action = _action(world)
    url = f"{BASE}/programmes/actions/{action.pk}"
    assert _get(url, world, "lecteur").status_code == 200
    _error(_send("post", ACTIONS, world, "lecteur", ACTION), 403, "interdit")
    _error(_send("patch", url, world, "lecteur", {"statut": "prevue"}), 403, "interdit")
    _error(_send("post", url + "/commentaires", world, "lecteur", {"texte": "X"}), 403, "interdit")
    _error(_send("delete", url, world, "lecteur", None), 403, "interdit")
    # vision, publication and deleting an action: managers only
    body = {"vision": "", "horizon": None, "themes": ["Mobilité"], "publie": True}
    _error(_send("put", PROGRAMME, world, "membre", body), 403, "interdit")
    _error(_send("delete", url, world, "membre", None), 403, "interdit")
    assert not TerritoryProgramme.objects.get().publie
    deleted = _send("delete", url, world, "gestion", None)
    assert deleted.status_code == 204 and not ProgrammeAction.objects.exists()
    # gone: 403 for the team too (no territory to check the right on), 404 for a national
    # administrator (rights everywhere, checked first)
    _error(_get(url, world, "membre"), 403, "interdit")
    admin = User.objects.create_superuser("admin", "admin@example.org")
    key = {"HTTP_AUTHORIZATION": f"Bearer {create_token(admin, 'essai')[1]}"}
    erreur = _error(Client().get(url, **key), 404, "introuvable")
    assert str(action.pk) in erreur["message"]
    # a territory without a team: 403 even for a member of another one
    _error(_get(f"{BASE}/commune/35360/programme", world, "membre"), 403, "interdit")


def test_bad_actions_are_422_with_one_detail_per_problem(world: World) -> None:
    bad = {
        **ACTION,
        "titre": "x\x07",
        "theme": "Inconnu",
        "statut": "fini",
        "budget": -5,
        "debut": "2026-01-01",
        "fin": "2025-01-01",
        "financements": [{"source": "", "montant": 10}, {"source": "Région", "montant": -1}],
    }
    erreur = _error(_send("post", ACTIONS, world, "membre", bad), 422, "entree_invalide")
    fields = _fields(erreur)
    assert sorted(fields) == sorted(
        [
            "titre",
            "theme",
            "statut",
            "budget",
            "fin",
            "financements.0.source",
            "financements.1.montant",
        ]
    ), erreur
    messages = {d["champ"]: d["message"] for d in erreur["details"]}
    assert "caractère de contrôle" in messages["titre"]
    assert "Thème inconnu « Inconnu »" in messages["theme"] and "Mobilité" in messages["theme"]
    assert "idee, prevue, en_cours, realisee, abandonnee" in messages["statut"]
    assert "La fin ne peut pas précéder le début" in messages["fin"]
    assert not ProgrammeAction.objects.exists()
    # a change is checked as the whole action: nothing saved
    action = _action(world, debut=date(2026, 1, 1))
    url = f"{BASE}/programmes/actions/{action.pk}"
    erreur = _error(
        _send("patch", url, world, "membre", {"fin": "2025-12-31", "titre": "Nouveau"}),
        422,
        "entree_invalide",
    )
    assert _fields(erreur) == ["fin"]
    action.refresh_from_db()
    assert action.titre == "Navette du marché" and action.fin is None
    # a type error is 422 too, naming the field
    erreur = _error(
        _send("put", url, world, "membre", {**ACTION, "debut": "demain"}), 422, "entree_invalide"
    )
    assert _fields(erreur) == ["debut"]
    # an empty comment
    erreur = _error(
        _send("post", url + "/commentaires", world, "membre", {"texte": " "}),
        422,
        "entree_invalide",
    )
    assert _fields(erreur) == ["texte"]
    # a replacement keeps the motives and empties what is not sent
    action.motifs = [{"type": "gare", "reference": "87471300", "libelle": "Gare", "url": ""}]
    action.save()
    replaced = _send("put", url, world, "membre", {"titre": "Navette", "theme": "Mobilité"})
    assert replaced.status_code == 200, replaced.content[:500]
    assert replaced.json()["debut"] is None and replaced.json()["motifs"][0]["type"] == "gare"


def test_vision_checks_and_a_theme_still_used(world: World) -> None:
    _action(world, theme="Mobilité")
    _action(world, theme="Vie locale", titre="Fête")
    body = {"vision": "V", "horizon": 2040, "themes": ["Immobilier et bureaux"]}
    erreur = _error(_send("put", PROGRAMME, world, "gestion", body), 422, "entree_invalide")
    assert _fields(erreur) == ["themes", "themes"]
    text = " ".join(d["message"] for d in erreur["details"])
    assert "« Mobilité »" in text and "« Vie locale »" in text
    bad = {"vision": "V\x00", "horizon": 1990, "themes": []}
    erreur = _error(_send("put", PROGRAMME, world, "gestion", bad), 422, "entree_invalide")
    assert sorted(_fields(erreur)) == ["horizon", "themes", "vision"]
    erreur = _error(
        _send("put", PROGRAMME, world, "gestion", {**body, "themes": ["A\nB"]}),
        422,
        "entree_invalide",
    )
    assert _fields(erreur) == ["themes.0"]
    programme = TerritoryProgramme.objects.get()
    assert programme.vision == "" and programme.horizon is None


def test_followed_indicators_show_their_progress(world: World) -> None:
    programme, _ = TerritoryProgramme.objects.get_or_create(territory=world.territory)
    ProgrammeIndicator.objects.create(
        programme=programme,
        source="enquete",
        reference="part_teletravail",
        libelle="Part des actifs en télétravail",
        unite="%",
        valeur_initiale=10.0,
        cible=30.0,
        annee_cible=2035,
        valeur_actuelle=15.0,
    )
    body = _get(PROGRAMME, world, "lecteur").json()
    [indicator] = body["indicateurs"]
    assert indicator["progression"] == pytest.approx(25.0)
    assert indicator["cible"] == 30.0 and indicator["annee_cible"] == 2035
    assert body["indicateurs_absents"] is None


def test_openapi_lists_the_programme_paths() -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    expected = {
        "/api/v1/equipes/{kind}/{code}/programme": {"get", "put"},
        "/api/v1/equipes/{kind}/{code}/programme/actions": {"post"},
        "/api/v1/equipes/programmes/actions/{action_id}": {"get", "put", "patch", "delete"},
        "/api/v1/equipes/programmes/actions/{action_id}/commentaires": {"post"},
        "/api/v1/equipes/programmes/publies": {"get"},
    }
    for path, methods in expected.items():
        assert methods <= set(paths[path]), path
        for method in methods:
            operation = paths[path][method]
            assert operation["tags"] == ["programmes"]
            assert operation["security"], "a token is required"
            assert "401" in operation["responses"]
    # the team route still answers for its own two-segment paths
    assert "/api/v1/equipes/{kind}/{code}" in paths


def test_the_published_list_does_not_hide_the_team_route(world: World) -> None:
    team = _get(f"{BASE}/epci/200039022", world, "gestion")
    assert team.status_code == 200 and team.json()["territoire"]["code"] == "200039022"


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PUT", "/api/v1/equipes/{kind}/{code}/programme"),
        ("POST", "/api/v1/equipes/{kind}/{code}/programme/actions"),
        ("PATCH", "/api/v1/equipes/programmes/actions/{action_id}"),
    ],
)
def test_write_routes_never_fail_with_a_server_error(
    kept_connection: None, world: World, method: str, path: str, mode: GenerationMode
) -> None:
    """Generated bodies sent with a manager's token to an existing programme and action."""
    action = _action(world)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    found: Any = next(iter(schema.include(method=method, path=path).get_all_operations()))
    operation = found.ok()
    fixed = {"action_id": action.pk, "kind": "epci", "code": "200039022"}
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
        response = case.call(headers={"Authorization": f"Bearer {world.keys['gestion']}"})
        seen.append(response.status_code)
        assert response.status_code < 500, f"{case.body!r} -> {response.text[:500]}"

    check()
    assert set(seen) - {403, 404}, seen  # the requests reached the checks
