"""Networks absent from the timetables (issue 10): a territory without RER, Transilien, Intercités
or Corsican train near it reads "aucun", one with such a network lists it (real mirror)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest

from teletravail.derived import ensure_derived
from teletravail.reports.diagnostic import build_report
from teletravail.territory.lookup import Gazetteer

DAY = date(2025, 1, 28)


@pytest.fixture(scope="module")
def con(warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    path, _ = ensure_derived(warehouse, day=DAY)
    connection = duckdb.connect(str(path), read_only=True)
    yield connection
    connection.close()


def _rail(con: duckdb.DuckDBPyConnection, siren: str) -> dict[str, tuple[str, bool]]:
    entry = Gazetteer.from_warehouse(con).search(siren).best
    assert entry is not None
    report = build_report(con, entry, day=DAY)
    theme = next(t for t in report.themes if t.id == "ferroviaire")
    return {f.id: (f.texte, f.disponible) for f in theme.figures}


def test_no_network_missing_from_the_timetables_reads_none(con: duckdb.DuckDBPyConnection) -> None:
    figures = _rail(con, "200069037")  # CA du Pays de Saint-Omer
    assert figures["reseaux_hors_horaires"] == (
        "aucun (ni RER, ni Transilien, ni Intercités, ni train corse)",
        True,
    )
    assert figures["gares_hors_horaires"] == ("aucune", True)


def test_transilien_near_fontainebleau_is_listed(con: duckdb.DuckDBPyConnection) -> None:
    figures = _rail(con, "200072346")  # CA du Pays de Fontainebleau
    texte, disponible = figures["reseaux_hors_horaires"]
    assert disponible and "Transilien" in texte and "RER" in texte
