"""The grid nearest-neighbour search returns exactly what a brute-force search returns."""

from __future__ import annotations

import random

import duckdb
import pytest

from teletravail.diagnostic.geo import nearest_sql
from teletravail.diagnostic.prelude import _MACROS_SQL


@pytest.fixture
def gcon() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(_MACROS_SQL)
    rng = random.Random(7)
    points = [(f"p{i}", rng.uniform(41, 51.5), rng.uniform(-5, 9.5)) for i in range(2000)]
    points += [("reunion", -21.1, 55.5), ("nord", 51.08, 2.37), ("pole", 80.0, 0.0)]
    targets = [(f"t{i}", rng.uniform(42, 51), rng.uniform(-4.5, 8)) for i in range(150)]
    targets += [("sparse", 46.0, 30.0)]
    con.execute("CREATE TABLE pts (key VARCHAR, lat DOUBLE, lon DOUBLE)")
    con.execute("CREATE TABLE tgt (key VARCHAR, lat DOUBLE, lon DOUBLE)")
    con.executemany("INSERT INTO pts VALUES (?, ?, ?)", points)
    con.executemany("INSERT INTO tgt VALUES (?, ?, ?)", targets)
    return con


@pytest.mark.parametrize("cell", [0.1, 0.5, 2.0])
def test_grid_search_equals_brute_force(gcon: duckdb.DuckDBPyConnection, cell: float) -> None:
    grid = gcon.execute(
        "SELECT pid, target_key, distance_km FROM ("
        + nearest_sql("SELECT * FROM pts", "SELECT * FROM tgt", key_alias="pid", cell_deg=cell)
        + ") ORDER BY pid"
    ).fetchall()
    brute = gcon.execute(
        "SELECT p.key, arg_min(t.key, _gc_km(p.lat, p.lon, t.lat, t.lon)), "
        "min(_gc_km(p.lat, p.lon, t.lat, t.lon)) FROM pts p, tgt t GROUP BY p.key ORDER BY p.key"
    ).fetchall()
    assert len(grid) == len(brute) == 2003
    for (k1, t1, d1), (k2, _t2, d2) in zip(grid, brute, strict=True):
        assert k1 == k2 and t1 is not None
        assert d1 == pytest.approx(d2, abs=1e-9)


def test_no_target_gives_no_row(gcon: duckdb.DuckDBPyConnection) -> None:
    sql = nearest_sql("SELECT * FROM pts", "SELECT * FROM tgt WHERE false")
    assert gcon.execute(f"SELECT count(*) FROM ({sql})").fetchone() == (0,)


def test_great_circle_paris_lyon(gcon: duckdb.DuckDBPyConnection) -> None:
    # Paris (48.8589, 2.347) to Lyon (45.758, 4.8351): about 392 km
    (d,) = gcon.execute("SELECT _gc_km(48.8589, 2.347, 45.758, 4.8351)").fetchone() or (0.0,)
    assert d == pytest.approx(392.2, abs=0.5)
