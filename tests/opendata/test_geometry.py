from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest
import shapely

from teletravail.errors import SourceError
from teletravail.opendata.context import LoadContext
from teletravail.opendata.loaders.cog import load_centres
from teletravail.opendata.loaders.geometry import geometry_geojson, load_contours
from tests.conftest import MINI_MIRROR, make_ctx

CONTOURS = MINI_MIRROR / "geo" / "contours-communes-2018"


@pytest.fixture
def geo_con(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> duckdb.DuckDBPyConnection:
    load_centres(make_ctx(cog_con, "centres", MINI_MIRROR, tmp_path))
    return cog_con


@pytest.fixture
def loaded(geo_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> LoadContext:
    ctx = make_ctx(geo_con, "contours", MINI_MIRROR, tmp_path)
    load_contours(ctx)
    return ctx


def copy_geo(tmp_path: Path) -> Path:
    """A writable copy of the mini mirror's geo folder; returns the new root."""
    root = tmp_path / "od"
    shutil.copytree(MINI_MIRROR / "geo", root / "geo")
    return root


def source_geometry(file: str, code: str) -> shapely.Geometry:
    doc = json.loads((CONTOURS / file).read_text(encoding="utf-8"))
    feature = next(f for f in doc["features"] if f["properties"]["code"] == code)
    return shapely.from_geojson(json.dumps(feature["geometry"]))


def edit_features(path: Path, edit: object) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    edit(doc["features"])  # type: ignore[operator]
    path.write_text(json.dumps(doc, separators=(",", ":")), encoding="utf-8")


def geometry_of(con: duckdb.DuckDBPyConnection, sql: str, *params: str) -> shapely.Geometry:
    row = con.execute(sql, list(params)).fetchone()
    assert row is not None
    return shapely.from_wkb(row[0])


def test_every_fixture_commune_has_a_contour(loaded: LoadContext) -> None:
    con = loaded.con
    assert con.execute("SELECT count(*) FROM commune_contours").fetchone() == (18,)
    assert con.execute(
        "SELECT count(*) FROM cog_communes WHERE code NOT IN "
        "(SELECT commune_code FROM commune_contours)"
    ).fetchone() == (0,)
    assert loaded.anomalies == []
    assert con.execute("SELECT DISTINCT appariement FROM commune_contours").fetchall() == [
        ("code",)
    ]


def test_merged_commune_is_dissolved(loaded: LoadContext) -> None:
    """La Chapelle-Fleurigné (2019) = La Chapelle-Janson 35062 + Fleurigné 35112 of 2018."""
    con = loaded.con
    row = con.execute(
        "SELECT n_polygones_2018, appariement, wkb FROM commune_contours "
        "WHERE commune_code = '35062'"
    ).fetchone()
    assert row is not None
    assert row[:2] == (2, "code")
    merged = shapely.from_wkb(row[2])
    parts = [source_geometry("communes-35-ille-et-vilaine.geojson", c) for c in ("35062", "35112")]
    assert merged.geom_type == "Polygon"  # adjacent polygons: one outline, no inner seam
    assert merged.area == pytest.approx(parts[0].area + parts[1].area, rel=1e-6)
    assert shapely.is_valid(merged)


def test_wkb_column_and_rounded_geojson(loaded: LoadContext) -> None:
    con = loaded.con
    for table in ("commune_contours", "epci_contours", "departement_contours", "region_contours"):
        types = dict(
            con.execute(f"SELECT column_name, column_type FROM (DESCRIBE {table})").fetchall()
        )
        assert types["wkb"] == "BLOB" and "geojson" not in types
    row = con.execute("SELECT wkb FROM commune_contours WHERE commune_code = '13055'").fetchone()
    assert row is not None
    text = geometry_geojson(row[0])
    doc = json.loads(text)
    assert doc["type"] == "MultiPolygon"  # Marseille and its islands
    assert not re.search(r"\d\.\d{6}", text)  # at most 5 decimals
    coords = shapely.get_coordinates(shapely.from_geojson(text))
    assert (abs(coords * 1e5 - (coords * 1e5).round()) < 1e-6).all()
    assert 5.2 < coords[:, 0].min() < coords[:, 0].max() < 5.6
    assert 43.1 < coords[:, 1].min() < coords[:, 1].max() < 43.4
    # the WKB keeps the source coordinates (5 decimals in the commune files)
    exact = shapely.from_wkb(row[0])
    assert exact.equals(source_geometry("communes-13-bouches-du-rhone.geojson", "13055"))


def test_geometry_geojson_rounds_full_precision() -> None:
    wkb = shapely.to_wkb(shapely.Polygon([(2.123456789, 48.1), (2.2, 48.987654321), (2.3, 48.1)]))
    assert json.loads(geometry_geojson(wkb)) == {
        "type": "Polygon",
        "coordinates": [[[2.12346, 48.1], [2.2, 48.98765], [2.3, 48.1], [2.12346, 48.1]]],
    }


def test_single_polygons_stay_polygons(loaded: LoadContext) -> None:
    types = dict(
        loaded.con.execute(
            "SELECT commune_code, wkb FROM commune_contours WHERE commune_code IN ('35238', '13055')"
        ).fetchall()
    )
    assert shapely.from_wkb(types["35238"]).geom_type == "Polygon"
    assert shapely.from_wkb(types["13055"]).geom_type == "MultiPolygon"


@pytest.mark.parametrize("code", ["35360", "81004", "62765", "75056", "97101"])
def test_centre_inside_contour(loaded: LoadContext, code: str) -> None:
    con = loaded.con
    geom = geometry_of(con, "SELECT wkb FROM commune_contours WHERE commune_code = ?", code)
    lat, lon = con.execute(
        "SELECT lat, lon FROM commune_centres WHERE commune_code = ?", [code]
    ).fetchone() or (None, None)
    assert geom.contains(shapely.Point(lon, lat))


def test_epci_contours(loaded: LoadContext) -> None:
    con = loaded.con
    assert con.execute("SELECT count(*) FROM epci_contours").fetchone() == (14,)
    # CA du Pays de Saint-Omer: Arques, Longuenesse, Saint-Martin-lez-Tatinghem, Saint-Omer
    epci = geometry_of(con, "SELECT wkb FROM epci_contours WHERE epci_siren = '200069037'")
    members = [
        geometry_of(con, "SELECT wkb FROM commune_contours WHERE commune_code = ?", c)
        for c in ("62040", "62525", "62757", "62765")
    ]
    assert epci.geom_type == "Polygon"
    assert epci.area == pytest.approx(sum(m.area for m in members), rel=1e-6)


def test_departements_and_regions(loaded: LoadContext) -> None:
    con = loaded.con
    assert con.execute("SELECT code, nom FROM departement_contours ORDER BY code").fetchall()[
        -2:
    ] == [("89", "Yonne"), ("971", "Guadeloupe")]
    # absent from the 2018 files (metropolitan France only): built from its communes
    guadeloupe = geometry_of(con, "SELECT wkb FROM region_contours WHERE code = '01'")
    abymes = geometry_of(con, "SELECT wkb FROM commune_contours WHERE commune_code = '97101'")
    assert guadeloupe.equals(abymes)
    bretagne = geometry_of(con, "SELECT wkb FROM region_contours WHERE code = '53'")
    assert bretagne.contains(shapely.Point(-1.1972, 48.1105))  # Vitré
    assert con.execute("SELECT count(*) FROM region_contours").fetchone() == (9,)


def test_unknown_code_matched_by_centre(geo_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    root = copy_geo(tmp_path)

    def recode(features: list[dict[str, dict[str, str]]]) -> None:
        features[0]["properties"].update(code="81999", nom="Albi (ancien code)")

    edit_features(root / "geo/contours-communes-2018/communes-81-tarn.geojson", recode)
    ctx = make_ctx(geo_con, "contours", root, tmp_path)
    load_contours(ctx)
    assert geo_con.execute(
        "SELECT appariement, n_polygones_2018 FROM commune_contours WHERE commune_code = '81004'"
    ).fetchone() == ("spatial", 1)
    assert ctx.anomalies == []


def test_unmatched_polygon_reported(geo_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    root = copy_geo(tmp_path)
    ocean = {"type": "Polygon", "coordinates": [[[-5, 46], [-4.9, 46], [-4.9, 46.1], [-5, 46]]]}

    def add(features: list[object]) -> None:
        features.append(
            {
                "type": "Feature",
                "geometry": ocean,
                "properties": {"code": "35998", "nom": "Île perdue"},
            }
        )

    edit_features(root / "geo/contours-communes-2018/communes-35-ille-et-vilaine.geojson", add)
    ctx = make_ctx(geo_con, "contours", root, tmp_path)
    load_contours(ctx)
    assert [(a.code, a.name) for a in ctx.anomalies] == [("35998", "Île perdue")]
    assert ctx.anomalies[0].file == "communes-35-ille-et-vilaine.geojson"
    assert geo_con.execute("SELECT count(*) FROM commune_contours").fetchone() == (18,)


def test_commune_without_contour_reported(
    geo_con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    root = copy_geo(tmp_path)
    edit_features(
        root / "geo/contours-communes-2018/communes-89-yonne.geojson",
        lambda features: features.clear(),
    )
    ctx = make_ctx(geo_con, "contours", root, tmp_path)
    load_contours(ctx)
    # the commune, and its EPCI (CA du Grand Sénonais) whose outline is then incomplete
    assert [(a.code, a.name) for a in ctx.anomalies] == [("89387", "Sens"), ("248900334", None)]
    assert geo_con.execute(
        "SELECT count(*) FROM epci_contours WHERE epci_siren = '248900334'"
    ).fetchone() == (0,)


def test_invalid_geometry_repaired(geo_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    root = copy_geo(tmp_path)
    bowtie = {
        "type": "Polygon",
        "coordinates": [
            [[1.98, 49.42], [1.99, 49.43], [1.99, 49.42], [1.98, 49.43], [1.98, 49.42]]
        ],
    }

    def spoil(features: list[dict[str, object]]) -> None:
        features[0]["geometry"] = bowtie

    edit_features(root / "geo/contours-communes-2018/communes-60-oise.geojson", spoil)
    load_contours(make_ctx(geo_con, "contours", root, tmp_path))
    geom = geometry_of(geo_con, "SELECT wkb FROM commune_contours WHERE commune_code = '60591'")
    assert shapely.is_valid(geom) and geom.area == pytest.approx(0.0001 / 2, rel=1e-3)


def test_missing_folder(geo_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="fichier introuvable"):
        load_contours(make_ctx(geo_con, "contours", tmp_path, tmp_path))


def test_missing_one_departement_file(geo_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    root = copy_geo(tmp_path)
    (root / "geo/contours-communes-2018/communes-02-aisne.geojson").unlink()
    with pytest.raises(SourceError, match="100 fichier"):
        load_contours(make_ctx(geo_con, "contours", root, tmp_path))


def test_truncated_file_names_file_and_line(
    geo_con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    root = copy_geo(tmp_path)
    path = root / "geo/contours-communes-2018/communes-35-ille-et-vilaine.geojson"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(SourceError) as err:
        load_contours(make_ctx(geo_con, "contours", root, tmp_path))
    assert err.value.path.name == "communes-35-ille-et-vilaine.geojson"
    assert err.value.line == 1 and "communes-35-ille-et-vilaine.geojson" in str(err.value)


def oise_with(geometry: str) -> str:
    """An Oise file with one feature (Saint-Paul) whose geometry is the given JSON text."""
    return (
        '{"type":"FeatureCollection","features":[{"type":"Feature","geometry":'
        + geometry
        + ',"properties":{"code":"60591","nom":"Saint-Paul"}}]}'
    )


SQUARE = "[[2.0,49.4],[2.1,49.4],[2.1,49.5],[2.0,49.5],[2.0,49.4]]"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"type": "Feature", "features": []}', "FeatureCollection"),
        ("[1, 2]", "FeatureCollection"),
        (
            '{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,'
            '"properties":{"nom":"Sans code"}}]}',
            "code",
        ),
        (oise_with('{"type":"Polygon","coordinates":"x"}'), "géométrie GeoJSON invalide"),
        (oise_with('{"type":"Polygon"}'), "géométrie GeoJSON invalide"),
        (
            oise_with(
                '{"type":"Polygon","coordinates":[[[2.0,49.4],[2.1,"a"],[2.1,49.5],[2.0,49.4]]]}'
            ),
            "géométrie GeoJSON invalide",
        ),
        (
            oise_with(
                '{"type":"Polygon","coordinates":[[[2.0,49.4],[2.1],[2.1,49.5],[2.0,49.4]]]}'
            ),
            "géométrie GeoJSON invalide",
        ),
        (
            oise_with('{"type":"MultiPolygon","coordinates":[[' + SQUARE + "], null]}"),
            "géométrie GeoJSON invalide",
        ),
        (
            oise_with(
                '{"type":"Polygon","coordinates":[[[2.0,49.4],[2.1,49.4],[2.1,49.5],[2.0,49.5]]]}'
            ),
            "géométrie GeoJSON invalide",
        ),  # ring not closed
        (
            oise_with('{"type":"Polygon","coordinates":[[[2.0,49.4],[2.1,49.4],[2.0,49.4]]]}'),
            "géométrie GeoJSON invalide",
        ),  # fewer than 4 positions
        (
            oise_with('{"type":"Polygon","coordinates":[' + SQUARE + ", []]}"),
            "géométrie GeoJSON invalide",
        ),  # empty hole
        (
            oise_with('{"type":"Polygone","coordinates":[' + SQUARE + "]}"),
            "géométrie GeoJSON invalide",
        ),  # unknown type
    ],
)
def test_malformed_geojson(
    geo_con: duckdb.DuckDBPyConnection, tmp_path: Path, content: str, message: str
) -> None:
    root = copy_geo(tmp_path)
    path = root / "geo/contours-communes-2018/communes-60-oise.geojson"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SourceError, match=message) as err:
        load_contours(make_ctx(geo_con, "contours", root, tmp_path))
    assert err.value.path.name == "communes-60-oise.geojson"
    if "invalide" in message:
        assert "60591 (Saint-Paul)" in str(err.value)


@pytest.mark.parametrize(
    ("geometry", "problem"),
    [
        ("null", "contour sans géométrie : ignoré"),
        ('{"type":"Polygon","coordinates":[]}', "contour sans géométrie : ignoré"),
        ('{"type":"MultiPolygon","coordinates":[]}', "contour sans géométrie : ignoré"),
        ('{"type":"Point","coordinates":[2.0,49.4]}', "contour non surfacique : ignoré"),
        (
            '{"type":"LineString","coordinates":[[2.0,49.4],[2.1,49.5]]}',
            "contour non surfacique : ignoré",
        ),
    ],
)
def test_feature_without_polygon_reported(
    geo_con: duckdb.DuckDBPyConnection, tmp_path: Path, geometry: str, problem: str
) -> None:
    root = copy_geo(tmp_path)
    path = root / "geo/contours-communes-2018/communes-60-oise.geojson"
    path.write_text(oise_with(geometry), encoding="utf-8")
    ctx = make_ctx(geo_con, "contours", root, tmp_path)
    load_contours(ctx)
    assert [(a.file, a.code, a.problem) for a in ctx.anomalies][:2] == [
        ("communes-60-oise.geojson", "60591", problem),
        ("contours-communes-2018", "60591", "commune du COG 2026 sans contour 2018"),
    ]


@pytest.mark.parametrize(
    ("geometry", "kind", "area"),
    [
        ('{"type":"Polygon","coordinates":[' + SQUARE + "]}", "Polygon", 0.01),
        ('{"type":"MultiPolygon","coordinates":[[' + SQUARE + "]]}", "Polygon", 0.01),
        (
            '{"type":"MultiPolygon","coordinates":[[' + SQUARE + "],[[[2.2,49.4],[2.3,49.4],"
            "[2.3,49.5],[2.2,49.4]]]]}",
            "MultiPolygon",
            0.015,
        ),
        # positions with an altitude: the third value is dropped
        (
            '{"type":"Polygon","coordinates":[[[2.0,49.4,10],[2.1,49.4,10],[2.1,49.5,10],'
            "[2.0,49.5,10],[2.0,49.4,10]]]}",
            "Polygon",
            0.01,
        ),
        # a hole
        (
            '{"type":"Polygon","coordinates":[' + SQUARE + ",[[2.02,49.42],[2.02,49.44],"
            "[2.04,49.44],[2.04,49.42],[2.02,49.42]]]}",
            "Polygon",
            0.0096,
        ),
    ],
)
def test_polygon_forms(
    geo_con: duckdb.DuckDBPyConnection, tmp_path: Path, geometry: str, kind: str, area: float
) -> None:
    root = copy_geo(tmp_path)
    path = root / "geo/contours-communes-2018/communes-60-oise.geojson"
    path.write_text(oise_with(geometry), encoding="utf-8")
    load_contours(make_ctx(geo_con, "contours", root, tmp_path))
    geom = geometry_of(geo_con, "SELECT wkb FROM commune_contours WHERE commune_code = '60591'")
    assert geom.geom_type == kind and not geom.has_z
    assert geom.area == pytest.approx(area, rel=1e-6)
