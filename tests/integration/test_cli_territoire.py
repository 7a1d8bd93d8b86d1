"""The territory card from the CLI on the real warehouse (the README's 'done when' cases)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from teletravail.cli import app

runner = CliRunner()


def card(warehouse: Path, query: str) -> dict[str, Any]:
    result = runner.invoke(
        app, ["territoire", query, "--format", "json", "--entrepot", str(warehouse)]
    )
    assert result.exit_code == 0, result.output
    payload: dict[str, Any] = json.loads(result.stdout)
    return payload


@pytest.mark.parametrize("query", ["Vitré", "vitre", "VITRE", "35360"])
def test_vitre(warehouse: Path, query: str) -> None:
    payload = card(warehouse, query)
    assert payload["statut"] == "trouve"
    fiche = payload["fiche"]
    assert fiche["type"] == "commune" and fiche["code"] == "35360" and fiche["nom"] == "Vitré"
    assert fiche["epci"]["code"] == "200039022"
    assert fiche["programmes"]["acv"] is True
    assert fiche["departement"] == {"code": "35", "nom": "Ille-et-Vilaine"}
    assert 17_000 < fiche["population"]["valeur"] < 22_000
    assert fiche["densite"]["niveau"] in (2, 4)
    assert any(g["nom"] == "Vitré" for g in fiche["gares"])
    assert {s["id"] for s in fiche["sources"]} >= {"cog", "gares", "acv", "grille_densite"}


@pytest.mark.parametrize("query", ["Saint-Omer", "saint omer", "st omer", "ST-OMER"])
def test_saint_omer(warehouse: Path, query: str) -> None:
    fiche = card(warehouse, query)["fiche"]
    assert fiche["code"] == "62765"
    assert fiche["epci"]["code"] == "200069037"
    assert fiche["programmes"]["acv"] is True


@pytest.mark.parametrize("query", ["CA du Grand Sénonais", "grand senonais", "248900334"])
def test_grand_senonais(warehouse: Path, query: str) -> None:
    fiche = card(warehouse, query)["fiche"]
    assert fiche["type"] == "epci" and fiche["code"] == "248900334"
    assert fiche["epci_type"] == "CA" and fiche["metropole"] is False
    codes = [m["code"] for m in fiche["membres"]]
    assert "89387" in codes and fiche["nb_communes"] == len(codes)
    assert fiche["membres"][0]["nom"] == "Sens"
    assert any(m["acv"] for m in fiche["membres"])
    assert sum(d["population"] for d in fiche["repartition_densite"]) == sum(
        m["population"] or 0 for m in fiche["membres"]
    )


def test_ambiguous_lists_candidates(warehouse: Path) -> None:
    payload = card(warehouse, "Saint-Denis")
    assert payload["statut"] == "ambigu"
    pops = [c["population"] for c in payload["candidats"] if c["correspondance"] == "exact"]
    assert len(pops) >= 2 and pops == sorted(pops, reverse=True)
    # Saint-Denis (La Réunion) and Saint-Denis (Seine-Saint-Denis), of comparable size
    assert [c["code"] for c in payload["candidats"][:2]] == ["97411", "93066"]


def test_homonyms_listed_with_the_card(warehouse: Path) -> None:
    payload = card(warehouse, "Saint-Omer")
    assert payload["fiche"]["code"] == "62765"
    assert "14635" in [c["code"] for c in payload["autres_candidats"]]  # Saint-Omer (Calvados)


@pytest.mark.parametrize("query", ["Vitré", "CA du Grand Sénonais", "Saint-Omer"])
def test_text_card(warehouse: Path, query: str) -> None:
    result = runner.invoke(app, ["territoire", query, "--entrepot", str(warehouse)])
    assert result.exit_code == 0, result.output
    assert "Population" in result.output and "Sources" in result.output
    assert "INSEE" in result.output


def test_unknown_territory(warehouse: Path) -> None:
    result = runner.invoke(app, ["territoire", "qwxzqwxz", "--entrepot", str(warehouse)])
    assert result.exit_code == 2
    assert "Aucun territoire" in result.output and "Traceback" not in result.output


def test_missing_warehouse(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["territoire", "Vitré", "--entrepot", str(tmp_path / "absent.duckdb")]
    )
    assert result.exit_code == 2
    assert "teletravail data build" in result.output


@pytest.mark.parametrize(
    ("query", "code"),
    [("Fontainbleau", "77186"), ("Libourne", "33243"), ("Albigeois", "248100737")],
)
def test_typos_and_partial_names(warehouse: Path, query: str, code: str) -> None:
    assert card(warehouse, query)["fiche"]["code"] == code


def test_a_name_typed_halfway_lists_the_town_and_its_agglomeration(warehouse: Path) -> None:
    """ "Libourn" begins both Libourne (25,000 inhabitants) and the CA du Libournais (94,000): the
    two are listed by population for the user to choose, neither is picked for them."""
    payload = card(warehouse, "Libourn")
    assert payload["statut"] == "ambigu"
    assert [c["code"] for c in payload["candidats"][:2]] == ["200070092", "33243"]
