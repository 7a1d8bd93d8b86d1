"""API endpoints on the diagnostic data: indicators, diagnostic, scenario, ACV ranking, impact.

The mini mirror's Impact CO2 file lacks two modes of the default modal split (bus and scooter):
``full_warehouse`` is a copy of the web warehouse with those two factors added, so that the
diagnostic and the scenario can be computed.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from teletravail.derived import ensure_derived
from teletravail.diagnostic.catalogue import load_indicator_catalogue
from teletravail.impact.calculator import impact_for
from teletravail.impact.scenario import scenario_for
from teletravail.impact.territory import territory_assumptions
from teletravail.reports.ranking import acv_ranking
from teletravail.territory.lookup import gazetteer_for

DAY = date(2025, 2, 4)
EXTRA_MODES = [
    ("9", "Bus", "Moteur thermique", 0.113, "busthermique"),
    ("13", "Scooter ou moto légère", "Thermique", 0.076, "scooter"),
]


@pytest.fixture(scope="module")
def full_warehouse(web_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("web-full") / "mini.duckdb"
    shutil.copyfile(web_warehouse, target)
    con = duckdb.connect(str(target))
    try:
        for ident, mode, sub, factor, slug in EXTRA_MODES:
            con.execute(
                "INSERT INTO emission_factors (source, identifiant, mode, sous_type, "
                "kgco2e_par_unite, unite, detail, archive, slug, covoiturage) "
                "VALUES ('Impact CO2', ?, ?, ?, ?, 'kgCO2e/km', ?, false, ?, false)",
                [ident, mode, sub, factor, f"slug {slug}", slug],
            )
    finally:
        con.close()
    return target


@pytest.fixture(autouse=True)
def _full(settings: Settings, full_warehouse: Path, _warehouse_setting: None) -> None:
    settings.TELETRAVAIL_WAREHOUSE = full_warehouse


@pytest.fixture
def client(db: None) -> Client:  # diagnostic and scenario read the published survey measure
    return Client()


def _derived(warehouse: Path) -> duckdb.DuckDBPyConnection:
    path, _ = ensure_derived(warehouse, day=DAY)
    return duckdb.connect(str(path), read_only=True)


def _assert_error(response: object, status: int, code: str) -> dict[str, object]:
    assert getattr(response, "status_code", None) == status
    erreur = response.json()["erreur"]  # type: ignore[attr-defined]
    assert erreur["code"] == code
    assert isinstance(erreur["message"], str) and erreur["message"]
    return erreur  # type: ignore[no-any-return]


@pytest.mark.parametrize(("kind", "code"), [("commune", "35360"), ("epci", "200039022")])
def test_indicators_list_every_indicator_of_the_level(client: Client, kind: str, code: str) -> None:
    response = client.get(f"/api/v1/territoires/{kind}/{code}/indicateurs", {"date": "2025-02-04"})
    assert response.status_code == 200
    body = response.json()
    expected = [i.id for i in load_indicator_catalogue().at_level(kind)]  # type: ignore[arg-type]
    assert [i["id"] for i in body] == expected
    by_id = {i["id"]: i for i in body}
    population = by_id["population_2023"]
    assert population["statut"] == "disponible"
    assert population["valeur"] > 0 and population["unite"]
    assert population["sources"] and {"id", "citation", "millesime", "chargee"} <= set(
        population["sources"][0]
    )
    assert {i["statut"] for i in body} <= {"disponible", "non_disponible", "sans_valeur"}
    # an optional source absent from the mini mirror: the missing file is named
    missing = [i for i in body if i["statut"] == "non_disponible"]
    assert missing and all(i["fichiers_manquants"] and i["valeur"] is None for i in missing)


def test_indicators_default_day_unavailable_in_mini_mirror_is_422(client: Client) -> None:
    erreur = _assert_error(
        client.get("/api/v1/territoires/commune/35360/indicateurs"), 422, "entree_invalide"
    )
    assert [d["champ"] for d in erreur["details"]] == ["date"]  # type: ignore[union-attr]


@pytest.mark.parametrize(("kind", "code"), [("commune", "35360"), ("epci", "200039022")])
def test_diagnostic_is_the_cli_json(
    client: Client, full_warehouse: Path, kind: str, code: str
) -> None:
    response = client.get(f"/api/v1/territoires/{kind}/{code}/diagnostic", {"date": "2025-02-04"})
    assert response.status_code == 200
    body = response.json()
    assert body["schema_version"] == "1"
    assert body["jour_reference"] == "2025-02-04"
    assert (body["territoire"]["type"], body["territoire"]["code"]) == (kind, code)
    assert body["themes"] and all("graphique_svg" not in t for t in body["themes"])
    if body.get("carte"):
        assert "svg" not in body["carte"]
    assert body["impact"] and body["sources"]


def test_ranking_is_the_cli_json(client: Client, full_warehouse: Path) -> None:
    response = client.get("/api/v1/classement/acv", {"date": "2025-02-04"})
    assert response.status_code == 200
    body = response.json()
    con = _derived(full_warehouse)
    try:
        columns, rows, notes = acv_ranking(con)
    finally:
        con.close()
    assert body["titre"].startswith("Classement des communes Action Cœur de Ville")
    assert body["notes"] == notes
    assert [c["cle"] for c in body["colonnes"]] == [c.key for c in columns]
    assert len(body["lignes"]) == len(rows)
    assert [line["code"] for line in body["lignes"]] == [r[1] for r in rows]


def test_ranking_bad_date_is_422(client: Client) -> None:
    erreur = _assert_error(
        client.get("/api/v1/classement/acv", {"date": "pas-une-date"}), 422, "entree_invalide"
    )
    assert [d["champ"] for d in erreur["details"]] == ["date"]  # type: ignore[union-attr]
    _assert_error(
        client.get("/api/v1/classement/acv", {"date": "1999-01-05"}), 422, "entree_invalide"
    )


def test_impact_is_the_cli_json(client: Client, full_warehouse: Path) -> None:
    response = client.get(
        "/api/v1/impact",
        {
            "mode": "voiturethermique",
            "distance": "30",
            "jours_teletravail": "2",
            "jours_bureau": "3",
        },
    )
    assert response.status_code == 200
    con = duckdb.connect(str(full_warehouse), read_only=True)
    try:
        expected = impact_for(
            con, "voiturethermique", distance_km=30, telework_days=2, office_days=3
        )
    finally:
        con.close()
    assert response.json() == json.loads(expected.model_dump_json())
    assert response.json()["impact_co2"]["evite_kgco2e_par_an"] == pytest.approx(900.864)


@pytest.mark.parametrize(
    ("params", "champ"),
    [
        ({"mode": "fusee", "distance": "30", "jours_teletravail": "2"}, "mode"),
        ({"mode": "tgv", "distance": "-1", "jours_teletravail": "2"}, "distance"),
        ({"mode": "tgv", "distance": "nan", "jours_teletravail": "2"}, "distance"),
        ({"mode": "tgv", "distance": "30", "jours_teletravail": "8"}, "jours_teletravail"),
        (
            {"mode": "tgv", "distance": "30", "jours_teletravail": "2", "occupants": "3"},
            "occupants",
        ),
        ({"mode": "tgv", "distance": "trente", "jours_teletravail": "2"}, "distance"),
        ({"distance": "30", "jours_teletravail": "2"}, "mode"),
    ],
)
def test_impact_bad_input_is_422_in_french(
    client: Client, params: dict[str, str], champ: str
) -> None:
    erreur = _assert_error(client.get("/api/v1/impact", params), 422, "entree_invalide")
    assert erreur["message"]
    assert champ in [d["champ"] for d in erreur["details"]]  # type: ignore[union-attr]


def test_scenario_is_the_cli_json(client: Client, full_warehouse: Path) -> None:
    response = client.get(
        "/api/v1/territoires/epci/200039022/scenario",
        {"date": "2025-02-04", "taux_teletravail": "30", "jours": "2", "flex_office": "10"},
    )
    assert response.status_code == 200
    entry = next(e for e in gazetteer_for(full_warehouse).by_code["200039022"] if e.kind == "epci")
    con = _derived(full_warehouse)
    try:
        a = territory_assumptions(
            con,
            "epci",
            "200039022",
            entry.nom,
            telework_rate=0.30,
            telework_days=2.0,
            flex_office_share=0.10,
        )
        expected = scenario_for(con, a).model_dump(mode="json")
    finally:
        con.close()
    assert response.json() == expected
    assert response.json()["type"] == "scenario_teletravail"
    assert response.json()["hypotheses"]["taux_teletravail"] == pytest.approx(0.30)


@pytest.mark.parametrize(
    ("params", "champ"),
    [
        ({"taux_teletravail": "120"}, "taux_teletravail"),
        ({"flex_office": "-5"}, "flex_office"),
        ({"jours": "6"}, "jours"),
        ({"jours": "0"}, "jours"),
        ({"jours": "deux"}, "jours"),
    ],
)
def test_scenario_bad_input_is_422(client: Client, params: dict[str, str], champ: str) -> None:
    erreur = _assert_error(
        client.get("/api/v1/territoires/commune/35360/scenario", {"date": "2025-02-04", **params}),
        422,
        "entree_invalide",
    )
    assert [d["champ"] for d in erreur["details"]] == [champ]  # type: ignore[union-attr]


@pytest.mark.parametrize("suffix", ["indicateurs", "diagnostic", "scenario"])
def test_unknown_territory_is_404(client: Client, suffix: str) -> None:
    erreur = _assert_error(
        client.get(f"/api/v1/territoires/commune/99999/{suffix}", {"date": "2025-02-04"}),
        404,
        "introuvable",
    )
    assert "99999" in str(erreur["message"])


@pytest.mark.parametrize("suffix", ["indicateurs", "diagnostic", "scenario"])
def test_unknown_kind_is_422(client: Client, suffix: str) -> None:
    erreur = _assert_error(
        client.get(f"/api/v1/territoires/region/35/{suffix}"), 422, "entree_invalide"
    )
    assert [d["champ"] for d in erreur["details"]] == ["kind"]  # type: ignore[union-attr]


def test_openapi_documents_the_new_endpoints(client: Client) -> None:
    paths = set(client.get("/api/v1/openapi.json").json()["paths"])
    assert {
        "/api/v1/territoires/{kind}/{code}/indicateurs",
        "/api/v1/territoires/{kind}/{code}/diagnostic",
        "/api/v1/territoires/{kind}/{code}/scenario",
        "/api/v1/classement/acv",
        "/api/v1/impact",
    } <= paths
