"""Ranking of the ACV communes' main stations against the portrait-robot (fixture mirror)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from teletravail.cli.app import app
from teletravail.derived import ensure_derived
from teletravail.gares.assess import assess
from teletravail.gares.features import station_features
from teletravail.gares.ranking import acv_station_ranking
from teletravail.opendata.build import build_warehouse
from tests.conftest import MINI_MIRROR

DAY = date(2025, 1, 28)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("classement-gares") / "mini.duckdb"
    build_warehouse(MINI_MIRROR, out)
    return out


@pytest.fixture(scope="module")
def con(warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    derived, _ = ensure_derived(warehouse, day=DAY)
    connection = duckdb.connect(str(derived), read_only=True)
    yield connection
    connection.close()


def test_every_acv_commune_once_ranked_by_mean_level(con: duckdb.DuckDBPyConnection) -> None:
    columns, rows, notes = acv_station_ranking(con)
    keys = [c.key for c in columns]
    col = {k: i for i, k in enumerate(keys)}
    acv = {r[0] for r in con.execute("SELECT code FROM communes WHERE acv").fetchall()}
    assert sorted(str(r[col["code"]]) for r in rows) == sorted(acv)
    ranked = [r for r in rows if r[col["rang"]] is not None]
    assert ranked and [r[col["rang"]] for r in ranked] == list(range(1, len(ranked) + 1))
    means = [r[col["niveau_moyen"]] for r in ranked]
    assert means == sorted(means, reverse=True)  # type: ignore[type-var]
    for row in rows:
        if row[col["rang"]] is None:
            assert row[col["remarque"]]  # an unranked row says why
    # a ranked row's mean is that of the known data-backed levels of its station
    features = {f.uic: f for f in station_features(con)}
    for row in ranked:
        result = assess(features[str(row[col["uic"]])].model_dump(mode="json"), {})
        known = [
            lv.niveau
            for lv in result.caracteristiques
            if lv.observation == "donnee" and lv.niveau is not None
        ]
        assert row[col["niveau_moyen"]] == round(sum(known) / len(known), 2)
        missing = sum(
            1 for lv in result.caracteristiques if lv.observation == "donnee" and lv.niveau is None
        )
        assert row[col["sans_donnee"]] == missing
        assert ("incomplet" in str(row[col["remarque"]] or "")) == (missing > 0)
    assert any("Gare principale" in n for n in notes)


def test_main_station_is_a_station_serving_the_commune(con: duckdb.DuckDBPyConnection) -> None:
    from teletravail.rail.stations import territory_stations

    columns, rows, _ = acv_station_ranking(con)
    col = {c.key: i for i, c in enumerate(columns)}
    for row in rows:
        serving = territory_stations(con, kind="commune", code=str(row[col["code"]]))
        if row[col["uic"]] is None:
            assert serving == []
        else:
            assert row[col["uic"]] in serving


def test_command_and_unknown_list(warehouse: Path, tmp_path: Path) -> None:
    target = tmp_path / "gares.csv"
    args = ["classement", "gares", "--format", "csv", "--output", str(target)]
    result = CliRunner().invoke(app, [*args, "--entrepot", str(warehouse), "--date", "2025-01-28"])
    assert result.exit_code == 0, result.output
    header = target.read_text("utf-8-sig").splitlines()[0]
    assert header.startswith("Rang;Code INSEE;Commune;Département;Gare principale")
    result = CliRunner().invoke(app, ["classement", "trains", "--entrepot", str(warehouse)])
    assert result.exit_code == 2 and "Liste inconnue « trains »" in result.output


def test_percentiles_among_the_acv_main_stations(
    con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    from teletravail.gares import ranking

    main = ranking.acv_main_stations(con)
    features = {f.uic: f.model_dump(mode="json") for f in station_features(con)}
    values = [features[u]["voyageurs_2023"] for u in main if features[u]["voyageurs_2023"]]
    monkeypatch.setattr(ranking, "MIN_PEERS", 2)
    station = next(features[u] for u in main if features[u]["voyageurs_2023"])
    got = ranking.acv_percentiles(con, station)
    mine = station["voyageurs_2023"]
    below = sum(1 for v in values if v < mine)
    equal = sum(1 for v in values if v == mine)
    assert got["voyageurs_2023"] == round(100 * (below + equal / 2) / len(values))
    assert "lat" not in got and "wifi" not in got  # position and booleans have no percentile
    monkeypatch.setattr(ranking, "MIN_PEERS", 10_000)
    assert ranking.acv_percentiles(con, station) == {}  # too few stations to say
