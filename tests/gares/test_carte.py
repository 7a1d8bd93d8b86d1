"""The station district map: well-formed, CSP-safe, circles in metres, points placed."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import duckdb
import pytest

from teletravail.gares import carte
from teletravail.opendata.build import build_warehouse
from tests.conftest import MINI_MIRROR

NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    out = tmp_path_factory.mktemp("carte") / "mini.duckdb"
    build_warehouse(MINI_MIRROR, out)
    return duckdb.connect(str(out), read_only=True)


def test_map_of_a_station(con: duckdb.DuckDBPyConnection) -> None:
    uic, nom = con.execute(
        "SELECT uic, nom FROM stations WHERE lat IS NOT NULL ORDER BY uic LIMIT 1"
    ).fetchone() or ("", "")
    svg = carte.district_map(con, str(uic))
    assert svg is not None
    root = ET.fromstring(svg)
    assert "style=" not in svg and "<style" not in svg and "<script" not in svg
    assert root.get("role") == "img" and str(nom) in (root.get("aria-label") or "")
    circles = [c for c in root.iter(f"{NS}circle") if c.get("fill") == "none"]
    radii = sorted(float(c.get("r", "0")) for c in circles)
    # 500 m and 1 km on the same scale: the second circle is twice the first
    assert len(radii) == 2 and radii[1] == pytest.approx(2 * radii[0], rel=0.01)
    # the 500 m scale bar is as long as the 500 m radius
    bar = next(p for p in root.iter(f"{NS}path") if p.get("d", "").startswith("M10 "))
    length = float(bar.get("d", "").split("H")[1])
    assert length - 10 == pytest.approx(radii[0], abs=0.2)


def test_unknown_station_has_no_map(con: duckdb.DuckDBPyConnection) -> None:
    assert carte.district_map(con, "00000000") is None


def test_distance_text() -> None:
    assert carte._distance(420.4) == "420 m"
    assert carte._distance(1540) == "1,5 km"
