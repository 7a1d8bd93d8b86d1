"""The warehouse built from the real mirror holds the published counts and passes every check."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from teletravail.opendata.build import BuildReport
from teletravail.opendata.catalogue import load_catalogue


def q(path: Path, sql: str) -> object:
    con = duckdb.connect(str(path), read_only=True)
    try:
        row = con.execute(sql).fetchone()
        return row[0] if row else None
    finally:
        con.close()


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT count(*) FROM communes", 34_969),
        ("SELECT count(*) FROM epcis", 1_255),
        ("SELECT count(*) FROM epcis WHERE metropole", 22),
        ("SELECT count(*) FROM communes WHERE acv", 245),
        ("SELECT count(*) FROM acv", 245),
        ("SELECT count(*) FROM stations", 2_881),
        ("SELECT count(*) FROM france_services", 2_845),
        ("SELECT count(*) FROM pvd", 1_607),
        ("SELECT count(*) FROM gtfs_stop_times WHERE feed = 'ter'", 299_983),
        ("SELECT count(*) FROM gtfs_trips WHERE feed = 'ter'", 33_280),
        ("SELECT count(*) FROM gtfs_stops WHERE feed = 'ter'", 9_196),
        ("SELECT count(*) FROM gtfs_stop_times WHERE feed = 'longue_distance'", 35_278),
        ("SELECT count(*) FROM gtfs_trips WHERE feed = 'longue_distance'", 5_932),
        ("SELECT count(*) FROM communes WHERE lat IS NULL", 0),
        ("SELECT count(*) FROM epcis WHERE lat IS NULL", 0),
        ("SELECT count(*) FROM commune_codes WHERE kind = 'arrondissement'", 45),
        ("SELECT count(DISTINCT epci_siren) FROM epci_membres", 1_255),
    ],
)
def test_counts(warehouse: Path, sql: str, expected: int) -> None:
    assert q(warehouse, sql) == expected


def test_every_check_passes(built: BuildReport) -> None:
    assert built.checks, "no data check ran"
    assert [c.check.name for c in built.checks if not c.ok] == []


def test_every_required_source_loaded(built: BuildReport) -> None:
    loaded = {s.source.id for s in built.states if s.present}
    required = {s.id for s in load_catalogue() if s.required}
    assert required <= loaded
    assert {"mobpro", "tiers_lieux"}.isdisjoint(loaded)
    assert built.tables["mobpro_flux"] == 0 and built.tables["tiers_lieux"] == 0


def test_stations_mapped_to_cog_2026(warehouse: Path) -> None:
    remapped = q(
        warehouse,
        "SELECT count(*) FROM stations WHERE commune_code <> commune_code_source",
    )
    assert isinstance(remapped, int) and remapped >= 60
    unmapped = q(warehouse, "SELECT count(*) FROM stations WHERE commune_code IS NULL")
    reported = q(
        warehouse,
        "SELECT count(*) FROM anomalies WHERE source = 'gares' AND fichier = "
        "'gares-de-voyageurs.csv' AND probleme LIKE '%absent du COG 2026%'",
    )
    assert unmapped == reported
    no_coordinates = q(warehouse, "SELECT count(*) FROM stations WHERE lat IS NULL")
    assert no_coordinates == q(
        warehouse,
        "SELECT count(*) FROM anomalies WHERE source = 'gares' AND probleme LIKE '%coordonnées%'",
    )


def test_unmapped_rows_are_reported_not_dropped(warehouse: Path) -> None:
    # The PVD list holds a dummy row (code 999999, "Trifouilly-les-Oies"): kept, unattached,
    # and reported by name.
    assert q(warehouse, "SELECT count(*) FROM pvd WHERE commune_code IS NULL") == 1
    assert (
        q(
            warehouse,
            "SELECT nom FROM anomalies WHERE source = 'pvd' AND probleme LIKE '%absent du COG 2026%'",
        )
        == "Trifouilly-les-Oies"
    )


def test_fabrique_prospective_epcis(warehouse: Path) -> None:
    sirens = ("248100737", "200072346", "200069037", "248900334", "200070092", "200039022")
    n = q(warehouse, f"SELECT count(*) FROM epcis WHERE siren IN {sirens} AND type = 'CA'")
    assert n == 6


def test_reference_figures_have_sources(warehouse: Path) -> None:
    assert q(warehouse, "SELECT count(*) FROM reference_figures") >= 30  # type: ignore[operator]
    assert (
        q(warehouse, "SELECT count(*) FROM reference_figures WHERE source IS NULL OR year IS NULL")
        == 0
    )
