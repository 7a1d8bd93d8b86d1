"""The warehouses of the site facts' tests: the fixture mirror's, and its derived copy with
hand-written rail rows (built by the other test_site modules' fixtures).

The mini mirror's GTFS trips do not stop at its stations: rail service rows are written by hand
(the rail package's tables, per their contract), as in tests/gares/test_features.py."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from teletravail.derived import ensure_derived
from teletravail.opendata.build import build_warehouse
from tests.conftest import MINI_MIRROR

DAY = date(2025, 1, 28)
VITRE, RENNES, CESSON = "87471300", "87471003", "87471557"

GARES = [
    (VITRE, DAY, 40, 2, 15, "05:30", "22:40", ["ter"]),
    (RENNES, DAY, 200, 10, 80, "05:00", "23:50", ["ter"]),
    (CESSON, DAY, 12, 0, 4, "06:10", "21:00", ["ter"]),
]
METROPOLES = [
    (VITRE, DAY, "243500139", "Rennes Métropole", "train", 22, 9, "06:35", 12, "21:10", 0),
    (CESSON, DAY, "243500139", "Rennes Métropole", "train", 6, 4, "07:05", 5, "19:10", 0),
]


def build_mini(factory: pytest.TempPathFactory) -> Path:
    """The warehouse built from the fixture mirror (not derived)."""
    out = factory.mktemp("grille_site") / "mini.duckdb"
    build_warehouse(MINI_MIRROR, out)
    return out


def build_site_db(factory: pytest.TempPathFactory) -> Path:
    """A copy of the derived mini warehouse with the hand-written rail rows."""
    derived, _ = ensure_derived(build_mini(factory), day=DAY)
    path = factory.mktemp("grille_site_rail") / "served.duckdb"
    shutil.copyfile(derived, path)
    con = duckdb.connect(str(path))
    con.execute("DELETE FROM desserte_gares")
    con.execute("DELETE FROM desserte_metropoles")
    con.executemany("INSERT INTO desserte_gares VALUES (?, ?, ?, ?, ?, ?, ?, ?)", GARES)
    con.executemany(
        "INSERT INTO desserte_metropoles (uic, jour, metropole_siren, metropole_nom, mode, "
        "duree_min_minutes, allers_avant_9h, premiere_arrivee, retours_apres_17h30, "
        "dernier_retour, correspondances) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        METROPOLES,
    )
    con.close()
    return path


def variant(site_db: Path, tmp_path: Path, *statements: str) -> Path:
    """A copy of ``site_db`` changed by ``statements``."""
    path = tmp_path / "variant.duckdb"
    shutil.copyfile(site_db, path)
    con = duckdb.connect(str(path))
    for sql in statements:
        con.execute(sql)
    con.close()
    return path


def test_hand_written_rail_rows(tmp_path_factory: pytest.TempPathFactory) -> None:
    con = duckdb.connect(str(build_site_db(tmp_path_factory)), read_only=True)
    try:
        rows = con.execute("SELECT uic, departs_train FROM desserte_gares ORDER BY uic").fetchall()
        stations = {r[0] for r in con.execute("SELECT uic FROM stations").fetchall()}
    finally:
        con.close()
    assert rows == sorted((g[0], g[2]) for g in GARES)
    assert {g[0] for g in GARES} <= stations  # the rows name real stations of the fixture
