"""OpenStreetMap stations (``osm_gares``): loader on the fixture extract and refusals."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from teletravail.errors import SourceError
from teletravail.opendata.loaders.cog import load_centres
from teletravail.opendata.loaders.geometry import load_contours
from teletravail.opendata.loaders.osm import load_osm_stations
from tests.conftest import MINI_MIRROR, make_ctx

FIXTURE = MINI_MIRROR / "osm" / "stations-transport.json.gz"


@pytest.fixture
def geo_con(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> duckdb.DuckDBPyConnection:
    load_centres(make_ctx(cog_con, "centres", MINI_MIRROR, tmp_path))
    load_contours(make_ctx(cog_con, "contours", MINI_MIRROR, tmp_path))
    return cog_con


def write_root(tmp_path: Path, doc: Any) -> Path:
    root = tmp_path / "od"
    (root / "osm").mkdir(parents=True, exist_ok=True)
    with gzip.open(root / "osm" / "stations-transport.json.gz", "wt", encoding="utf-8") as fh:
        json.dump(doc, fh)
    return root


def fixture_doc() -> dict[str, Any]:
    with gzip.open(FIXTURE, "rt", encoding="utf-8") as fh:
        doc: dict[str, Any] = json.load(fh)
    return doc


def test_rows_and_communes(geo_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    ctx = make_ctx(geo_con, "osm_gares", MINI_MIRROR, tmp_path)
    load_osm_stations(ctx)
    rows = {
        (r[0], r[1]): r[2:]
        for r in geo_con.execute(
            "SELECT nom, type, commune_code, lignes FROM osm_gares ORDER BY nom, type"
        ).fetchall()
    }
    # real entries of the 2026-05-18 extract
    assert rows[("Rennes", "metro")] == ("75056", ["12"])  # the Paris metro station « Rennes »
    assert rows[("Châtelet - Les Halles", "rer")] == ("75056", ["A", "B", "D"])  # Paris
    assert rows[("Sens", "train")] == ("89387", ["TER 01", "TER 07", "TER 08"])
    assert rows[("Albi-Ville", "train")] == ("81004", ["IC 413", "TER 2", "TER 4"])
    assert rows[("Libourne", "train")] == ("33243", [])  # no lines mapped
    # Genève is outside every French commune, Fontainebleau - Avon lies in Avon, a commune the
    # mini mirror's outlines lack: both left out, counted in one anomaly
    assert ("Genève", "train") not in rows and ("Fontainebleau - Avon", "transilien") not in rows
    (anomaly,) = ctx.anomalies
    assert "hors des contours" in anomaly.problem and anomaly.problem.startswith("2 station")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("type", "bus", "type inconnu"),
        ("lat", "48,1", "coordonnée numérique attendue"),
        ("lon", 200.0, "hors bornes"),
        ("name", "", "nom absent"),
        ("lines", "TER 01", "liste de textes attendue"),
    ],
)
def test_bad_station_refused(
    geo_con: duckdb.DuckDBPyConnection, tmp_path: Path, field: str, value: object, message: str
) -> None:
    doc = fixture_doc()
    doc["stations"][2][field] = value
    root = write_root(tmp_path, doc)
    with pytest.raises(SourceError) as exc:
        load_osm_stations(make_ctx(geo_con, "osm_gares", root, tmp_path))
    text = str(exc.value)
    assert "station n° 3" in text and message in text and field in text


def test_broken_file_refused(geo_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    root = write_root(tmp_path, {"stations": "none"})
    with pytest.raises(SourceError, match="liste « stations »"):
        load_osm_stations(make_ctx(geo_con, "osm_gares", root, tmp_path))
    (root / "osm" / "stations-transport.json.gz").write_bytes(b"not gzip")
    with pytest.raises(SourceError, match="gzip illisible"):
        load_osm_stations(make_ctx(geo_con, "osm_gares", root, tmp_path))
