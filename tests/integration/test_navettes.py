"""Estimated commuting flows on the real mirror: table, CLI, validation, scenario."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from teletravail.cli import app
from teletravail.derived import ensure_derived
from teletravail.impact.territory import territory_assumptions
from teletravail.navettes.validation import validate

runner = CliRunner()


def test_table_and_national_calibration(warehouse: Path) -> None:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        n, workers = con.execute(
            "SELECT count(*), sum(actifs) FROM navettes_estimees"
        ).fetchone() or (0, 0)
        assert n > 1_000_000 and 24e6 < workers < 27e6
        share, median = con.execute(
            "SELECT part_commune_residence, mediane_navetteurs_km FROM navettes_info"
        ).fetchone() or (0, 0)
        # Insee Première n°1605 (2013): 36 % work in their commune, navetteurs' median 14.6 km
        assert share == pytest.approx(0.36, abs=0.01)
        assert median == pytest.approx(14.6, abs=0.3)
        v = validate(con)
        assert v.cpc > 0.6  # a naive radiation model gives 0.35
        assert abs(v.estimated.own_commune - v.observed.own_commune) < 0.03
    finally:
        con.close()


def test_cli_navettes_epci(warehouse: Path) -> None:
    result = runner.invoke(
        app, ["navettes", "200039022", "--format", "json", "--entrepot", str(warehouse)]
    )
    assert result.exit_code == 0, result.output
    p = json.loads(result.stdout)
    assert p["statut"] == "estimation" and "gravitaire" in p["methode"]
    assert p["destinations"][0]["nom"] == "Vitré"
    assert any(d["nom"] == "Rennes" for d in p["destinations"])
    assert 5 < p["distance_mediane_km"] < p["distance_moyenne_km"] < 30
    assert sum(t["part"] for t in p["tranches"]) == pytest.approx(1.0)
    text = runner.invoke(app, ["navettes", "Vitré Communauté", "--entrepot", str(warehouse)])
    assert text.exit_code == 0 and "Estimation" in text.output


def test_cli_navettes_unknown_territory(warehouse: Path) -> None:
    result = runner.invoke(app, ["navettes", "Zzzyxville", "--entrepot", str(warehouse)])
    assert result.exit_code != 0
    assert "Aucun territoire ne correspond" in result.output


def test_cli_navettes_missing_table(warehouse: Path, tmp_path: Path) -> None:
    copy = tmp_path / "sans-navettes.duckdb"
    copy.write_bytes(warehouse.read_bytes())
    con = duckdb.connect(str(copy))
    con.execute("DROP TABLE navettes_estimees")
    con.close()
    result = runner.invoke(app, ["navettes", "35360", "--entrepot", str(copy)])
    assert result.exit_code != 0
    assert "navettes_estimees absente" in result.output


def test_scenario_uses_the_territory_distances(warehouse: Path) -> None:
    derived, _ = ensure_derived(warehouse)
    con = duckdb.connect(str(derived), read_only=True)
    try:
        albi = territory_assumptions(con, "epci", "248100737", "Albigeois", telework_rate=0.2)
        vitre = territory_assumptions(con, "epci", "200039022", "Vitré", telework_rate=0.2)
    finally:
        con.close()
    assert "estimation" in albi.origines["tranches_distance"]
    assert [b.part for b in albi.tranches_distance] != [b.part for b in vitre.tranches_distance]
