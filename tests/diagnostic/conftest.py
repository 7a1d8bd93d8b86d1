"""Fixtures of the diagnostic tests: tiny warehouses built from the project's mini mirror, rail
service rows written by hand (the rail package's tables, per its contract), computed indicators.

The real-data checks use the session fixture ``warehouse`` of tests/conftest.py (the warehouse built
from the real mirror).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest

from teletravail.diagnostic.compute import compute_indicators
from teletravail.opendata.build import build_warehouse
from tests.conftest import FIXTURES, MINI_MIRROR

DAY = date(2025, 2, 4)
OTHER_DAY = date(2025, 2, 5)

DESSERTE_GARES_SQL = """
CREATE OR REPLACE TABLE desserte_gares (
    uic VARCHAR, jour DATE, departs_train INTEGER, departs_car INTEGER, destinations INTEGER,
    premier_depart VARCHAR, dernier_depart VARCHAR, feeds VARCHAR)
"""
DESSERTE_METROPOLES_SQL = """
CREATE OR REPLACE TABLE desserte_metropoles (
    uic VARCHAR, metropole_siren VARCHAR, metropole_nom VARCHAR, duree_min_minutes DOUBLE,
    allers_avant_9h INTEGER, premiere_arrivee VARCHAR, retours_apres_17h30 INTEGER,
    dernier_retour VARCHAR, correspondances INTEGER)
"""

# Rows written by hand for the tests (UIC codes of the mini mirror's stations).
GARES = [
    ("87317065", DAY, 30, 4, 12, "05:40", "22:10", "ter"),  # Saint-Omer
    ("87317099", DAY, 6, 0, 3, "06:50", "19:30", "ter"),  # Tatinghem
    ("87471300", DAY, 40, 2, 15, "05:30", "22:40", "ter"),  # Vitré
    ("87471003", DAY, 200, 10, 80, "05:00", "23:50", "ter"),  # Rennes
    ("87471300", OTHER_DAY, 5, 0, 2, "07:00", "20:00", "ter"),  # Vitré, another day
]
METROPOLES = [
    ("87317065", "200093201", "Métropole Européenne de Lille", 60.0, 8, "06:58", 6, "19:45:00", 0),
    ("87317065", "200054781", "Métropole du Grand Paris", 120.0, 1, "08:40", 2, "18:30:00", 1),
    ("87317099", "200054781", "Métropole du Grand Paris", 150.0, 2, "08:10", 1, "18:00:00", 1),
    ("87471300", "243500139", "Rennes Métropole", 22.0, 9, "06:35", 12, "21:10:00", 0),
]


def write_desserte(con: duckdb.DuckDBPyConnection, *, empty: bool = False) -> None:
    """Create the rail package's two tables on ``con`` with the hand-written rows."""
    con.execute(DESSERTE_GARES_SQL)
    con.execute(DESSERTE_METROPOLES_SQL)
    if not empty:
        con.executemany("INSERT INTO desserte_gares VALUES (?, ?, ?, ?, ?, ?, ?, ?)", GARES)
        con.executemany(
            "INSERT INTO desserte_metropoles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", METROPOLES
        )


def attach(path: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory connection reading the warehouse ``path`` (read-only) through its search path:
    tables created here (rail service, indicators) stay in memory, the warehouse is never written."""
    con = duckdb.connect()
    con.execute(f"ATTACH '{path}' AS w (READ_ONLY)")
    con.execute("SET search_path = 'memory.main,w.main'")
    return con


@pytest.fixture(scope="session")
def mini_full(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Warehouse of the mini mirror with the optional sources (MOBPRO, tiers-lieux) present."""
    root = tmp_path_factory.mktemp("od_full")
    shutil.copytree(MINI_MIRROR, root, dirs_exist_ok=True)
    shutil.copytree(FIXTURES / "optional", root, dirs_exist_ok=True)
    out = tmp_path_factory.mktemp("w_full") / "w.duckdb"
    build_warehouse(root, out)
    return out


@pytest.fixture(scope="session")
def mini_plain(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Warehouse of the mini mirror as shipped (optional sources absent)."""
    out = tmp_path_factory.mktemp("w_plain") / "w.duckdb"
    build_warehouse(MINI_MIRROR, out)
    return out


@pytest.fixture(scope="module")
def diag(mini_full: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Indicators computed on the full mini warehouse for the reference day ``DAY``."""
    con = attach(mini_full)
    write_desserte(con)
    compute_indicators(con, day=DAY)
    yield con
    con.close()


@pytest.fixture(scope="module")
def diag_plain(mini_plain: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Indicators computed on the mini warehouse without optional sources (rail day: latest)."""
    con = attach(mini_plain)
    write_desserte(con)
    compute_indicators(con)
    yield con
    con.close()


def value(con: duckdb.DuckDBPyConnection, level: str, code: str, column: str) -> object:
    """One computed value (``level`` commune or epci)."""
    table, key = (
        ("indicateurs_commune", "code") if level == "commune" else ("indicateurs_epci", "siren")
    )
    row = con.execute(f"SELECT {column} FROM {table} WHERE {key} = ?", [code]).fetchone()
    assert row is not None, f"{level} {code} absent"
    return row[0]
