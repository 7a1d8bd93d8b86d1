"""API of the station district portrait: search, portrait, ACV station ranking (public) and a
team's assessment of a station (bearer token: rights, checks, conflicts, history).

The mini warehouse (tests/fixtures/opendata) holds Vitré's station (UIC 87471300), which serves
the commune 35360 and the EPCI 200039022 (Vitré Communauté); Albi-Ville (87615005) serves neither.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest
from django.contrib.auth.models import User
from django.test import Client
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from teletravail.derived import ensure_derived
from teletravail.gares.assess import assess
from teletravail.gares.display import portrait_payload
from teletravail.gares.features import station_features
from teletravail.gares.ranking import acv_percentiles, acv_station_ranking
from teletravail.gares.resolve import StationChoice
from teletravail.web.accounts.models import Membership, Role, Territory
from teletravail.web.accounts.tokens import create_token
from teletravail.web.gares.models import StationAssessment
from tests.web.test_api_fuzz import _operation

pytestmark = pytest.mark.django_db

DAY = {"date": "2025-02-04"}
VITRE = "87471300"
ALBI = "87615005"
TEAM = "/api/v1/equipes/epci/200039022/gares"


@dataclass(frozen=True)
class World:
    """The Vitré Communauté team (one key per role) and a member of another territory."""

    territory: Territory
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
    return World(vitre, keys)


def _auth(world: World, who: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {world.keys[who]}"}


def _put(world: World, who: str, body: dict[str, Any], uic: str = VITRE) -> Any:
    return Client().put(
        f"{TEAM}/{uic}?date=2025-02-04",
        json.dumps(body),
        content_type="application/json",
        **_auth(world, who),
    )


def _error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content[:300]
    erreur: dict[str, Any] = response.json()["erreur"]
    assert erreur["code"] == code and erreur["message"]
    return erreur


def _derived(warehouse: Path) -> duckdb.DuckDBPyConnection:
    path, _ = ensure_derived(warehouse, day=date(2025, 2, 4))
    return duckdb.connect(str(path), read_only=True)


# --- public routes ---


def test_search_by_commune_lists_its_stations_with_their_portrait_url() -> None:
    response = Client().get("/api/v1/gares", {"q": "Vitré", **DAY})
    assert response.status_code == 200
    found = response.json()
    vitre = next(s for s in found if s["uic"] == VITRE)
    assert vitre["nom"] == "Vitré" and vitre["commune_code"] == "35360"
    assert vitre["regle"]
    assert vitre["url"] == f"/api/v1/gares/{VITRE}?date=2025-02-04"
    shown = Client().get(vitre["url"])
    assert shown.status_code == 200
    assert vitre["departs_train"] == shown.json()["caracteristiques_gare"]["departs_train"]
    by_uic = Client().get("/api/v1/gares", {"q": VITRE, **DAY}).json()
    assert [s["uic"] for s in by_uic] == [VITRE]


def test_search_without_match_is_404_in_french_and_bad_query_422() -> None:
    erreur = _error(Client().get("/api/v1/gares", {"q": "Xyzzyq", **DAY}), 404, "introuvable")
    assert "Aucune gare ni commune" in erreur["message"]
    erreur = _error(Client().get("/api/v1/gares", {"q": "x" * 121, **DAY}), 422, "entree_invalide")
    assert [d["champ"] for d in erreur["details"]] == ["q"]
    _error(Client().get("/api/v1/gares", DAY), 422, "entree_invalide")


def test_portrait_is_the_cli_json(web_warehouse: Path) -> None:
    response = Client().get(f"/api/v1/gares/{VITRE}", DAY)
    assert response.status_code == 200
    body = response.json()
    con = _derived(web_warehouse)
    try:
        fields = dict(station_features(con, uic=VITRE)[0].model_dump(mode="json"))
        centiles = acv_percentiles(con, fields)
    finally:
        con.close()
    choice = StationChoice(uic=VITRE, nom="Vitré", par="uic", regle=f"code UIC {VITRE}")
    expected = portrait_payload(choice, date(2025, 2, 4), fields, assess(fields, {}), centiles)
    assert body == json.loads(json.dumps(expected))
    assert body["jour"] == "2025-02-04" and len(body["evaluation"]["themes"]) == 4


def test_portrait_bad_uic_is_422_naming_it_and_unknown_is_404() -> None:
    for bad in ("8747130", "8747130x", "874713000"):
        erreur = _error(Client().get(f"/api/v1/gares/{bad}", DAY), 422, "entree_invalide")
        assert [d["champ"] for d in erreur["details"]] == ["uic"]
        assert "8 chiffres" in erreur["message"]
    erreur = _error(Client().get("/api/v1/gares/87999999", DAY), 404, "introuvable")
    assert "87999999" in erreur["message"]
    erreur = _error(
        Client().get(f"/api/v1/gares/{VITRE}", {"date": "1999-01-05"}), 422, "entree_invalide"
    )
    assert [d["champ"] for d in erreur["details"]] == ["date"]


def test_station_ranking_is_the_cli_table(web_warehouse: Path) -> None:
    response = Client().get("/api/v1/gares/classement/acv", DAY)
    assert response.status_code == 200
    body = response.json()
    con = _derived(web_warehouse)
    try:
        columns, rows, notes = acv_station_ranking(con)
    finally:
        con.close()
    assert body["titre"].startswith("Gares principales des communes Action Cœur de Ville")
    assert body["notes"] == notes and notes
    assert [c["cle"] for c in body["colonnes"]] == [c.key for c in columns]
    assert len(body["lignes"]) == len(rows) > 0
    keys = [c.key for c in columns]
    assert [line["uic"] for line in body["lignes"]] == [r[keys.index("uic")] for r in rows]


# --- team routes ---


def test_team_routes_need_a_token(world: World) -> None:
    for method in ("get", "put"):
        response = getattr(Client(), method)(f"{TEAM}/{VITRE}", **DAY)
        assert _error(response, 401, "non_authentifie")
        assert response["WWW-Authenticate"] == "Bearer"


def test_assessment_not_started_is_version_0(world: World) -> None:
    response = Client().get(f"{TEAM}/{VITRE}", DAY, **_auth(world, "lecteur"))
    assert response.status_code == 200
    body = response.json()
    assert body["territoire"] == {"type": "epci", "code": "200039022", "nom": "CA Vitré Communauté"}
    assert body["gare"] == {"uic": VITRE, "nom": "Vitré"}
    assert (body["version"], body["observations"], body["historique"]) == (0, {}, [])
    assert body["modifiee_le"] is None and body["modifiee_par"] is None
    velo = next(
        f for f in body["evaluation"]["caracteristiques"] if f["id"] == "stationnement_velo"
    )
    assert velo["statut"] == "non_observe"


def test_rights_readers_cannot_write_and_outsiders_cannot_read(world: World) -> None:
    _error(_put(world, "lecteur", {"observations": {"stationnement_velo": 1}}), 403, "interdit")
    _error(Client().get(f"{TEAM}/{VITRE}", DAY, **_auth(world, "ailleurs")), 403, "interdit")
    _error(_put(world, "ailleurs", {"observations": {}}), 403, "interdit")
    # a territory without a team: refused the same way (its existence is not revealed)
    _error(
        Client().get(f"/api/v1/equipes/commune/35360/gares/{VITRE}", DAY, **_auth(world, "membre")),
        403,
        "interdit",
    )
    assert not StationAssessment.objects.exists()


def test_station_not_serving_the_territory_or_unknown_is_404(world: World) -> None:
    erreur = _error(
        Client().get(f"{TEAM}/{ALBI}", DAY, **_auth(world, "membre")), 404, "introuvable"
    )
    assert "ne dessert pas" in erreur["message"]
    _error(
        _put(world, "membre", {"observations": {"stationnement_velo": 1}}, ALBI), 404, "introuvable"
    )
    _error(Client().get(f"{TEAM}/87999999", DAY, **_auth(world, "membre")), 404, "introuvable")
    erreur = _error(
        Client().get(f"{TEAM}/1234", DAY, **_auth(world, "membre")), 422, "entree_invalide"
    )
    assert [d["champ"] for d in erreur["details"]] == ["uic"]
    assert not StationAssessment.objects.exists()


def test_invalid_values_are_422_with_one_detail_each_and_nothing_saved(world: World) -> None:
    erreur = _error(
        _put(
            world,
            "membre",
            {
                "observations": {"stationnement_velo": 7, "parking": 1, "espace_travail": "2"},
                "commentaires": {"stationnement_velo": "x" * 1001},
                "notes": 12,
            },
        ),
        422,
        "entree_invalide",
    )
    assert sorted(d["champ"] for d in erreur["details"]) == [
        "commentaires.stationnement_velo",
        "notes",
        "observations.espace_travail",
        "observations.parking",
        "observations.stationnement_velo",
    ]
    assert all(d["message"] for d in erreur["details"])
    assert not StationAssessment.objects.exists()
    erreur = _error(_put(world, "membre", {"version": "dernière"}), 422, "entree_invalide")
    assert [d["champ"] for d in erreur["details"]] == ["version"]


def test_save_applies_the_observations_and_keeps_the_history(world: World) -> None:
    first = _put(
        world,
        "membre",
        {
            "observations": {"stationnement_velo": 1, "espace_travail": None},
            "commentaires": {"stationnement_velo": "  Arceaux seulement. "},
            "notes": "Visite du 3 février.",
            "version": 0,
        },
    )
    assert first.status_code == 200, first.content[:300]
    body = first.json()
    assert body["version"] == 1 and body["observations"] == {"stationnement_velo": 1}
    assert body["commentaires"] == {"stationnement_velo": "Arceaux seulement."}
    assert body["modifiee_par"] == "membre" and body["modifiee_le"]
    velo = next(
        f for f in body["evaluation"]["caracteristiques"] if f["id"] == "stationnement_velo"
    )
    assert (velo["niveau"], velo["statut"]) == (1, "evalue")
    assert "stationnement_velo" in {g["id"] for g in body["evaluation"]["ecarts"]}

    second = _put(
        world, "gestion", {"observations": {"stationnement_velo": 3}, "notes": "", "version": 1}
    )
    assert second.status_code == 200, second.content[:300]
    read = Client().get(f"{TEAM}/{VITRE}", DAY, **_auth(world, "lecteur")).json()
    assert read == second.json()
    assert read["version"] == 2 and read["modifiee_par"] == "gestion"
    assert [h["auteur"] for h in read["historique"]] == ["gestion", "membre"]
    newest, oldest = read["historique"]
    assert date.fromisoformat(newest["date"][:10]) >= date.fromisoformat(oldest["date"][:10])
    assert any("niveau 1 → 3" in line for line in newest["changements"])
    assert "notes modifiées" in newest["changements"]
    assert any("niveau 1" in line for line in oldest["changements"])
    saved = StationAssessment.objects.get(territory=world.territory, uic=VITRE)
    assert saved.gare_nom == "Vitré" and saved.observations == {"stationnement_velo": 3}


def test_concurrent_save_is_409_and_changes_nothing(world: World) -> None:
    assert (
        _put(world, "membre", {"observations": {"stationnement_velo": 1}, "version": 0}).status_code
        == 200
    )
    erreur = _error(
        _put(world, "gestion", {"observations": {"stationnement_velo": 2}, "version": 0}),
        409,
        "conflit",
    )
    assert "membre" in erreur["message"]
    saved = StationAssessment.objects.get(uic=VITRE)
    assert saved.observations == {"stationnement_velo": 1} and saved.history.count() == 1


def test_a_level_of_a_feature_removed_from_the_profile_is_left_out(world: World) -> None:
    StationAssessment.objects.create(
        territory=world.territory,
        uic=VITRE,
        gare_nom="Vitré",
        observations={"ancienne_caracteristique": 2, "stationnement_velo": 0, "mixite_usages": "x"},
        commentaires={"stationnement_velo": 5},
    )
    response = Client().get(f"{TEAM}/{VITRE}", DAY, **_auth(world, "membre"))
    assert response.status_code == 200
    body = response.json()
    assert body["observations"] == {"stationnement_velo": 0}  # what can be shown, never a 500
    assert body["commentaires"] == {}
    levels = {f["id"]: f["niveau"] for f in body["evaluation"]["caracteristiques"]}
    assert levels["stationnement_velo"] == 0 and "ancienne_caracteristique" not in levels


def test_openapi_lists_the_station_paths() -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    for path in ("/api/v1/gares", "/api/v1/gares/{uic}", "/api/v1/gares/classement/acv"):
        assert {"200", "202", "422"} <= set(paths[path]["get"]["responses"]), path
        assert "gares" in paths[path]["get"]["tags"]
    team = paths["/api/v1/equipes/{kind}/{code}/gares/{uic}"]
    assert {"get", "put"} <= set(team)
    assert {"401", "403", "404", "409", "422"} <= set(team["put"]["responses"])
    assert team["get"]["security"] and team["put"]["security"]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("path", ["/api/v1/gares", "/api/v1/gares/{uic}"])
def test_public_station_routes_never_fail_with_a_server_error(
    path: str, mode: GenerationMode
) -> None:
    operation = _operation(path)
    seen: list[int] = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=10,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: Any) -> None:
        response = case.call()
        seen.append(response.status_code)
        assert response.status_code < 500, f"{case.formatted_path} -> {response.text[:500]}"
        case.validate_response(response, checks=[not_a_server_error])

    check()
    assert seen
