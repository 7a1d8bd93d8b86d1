"""Commune, EPCI, département and région outlines (IGN Admin Express COG 2018, simplified).

The 2018 commune polygons (properties ``code``, ``nom``; WGS84) are dissolved into the communes of
the COG 2026: each 2018 code goes through ``commune_codes`` (current codes, communes déléguées or
associées, former codes); a code the COG does not know falls back on a spatial match (the current
commune whose centre, table ``commune_centres``, lies inside the old polygon; when several centres
do, the one of a commune still without a polygon, then the nearest to the polygon's inner point).
Polygons matched by neither are kept out of the tables and reported as anomalies by code and name.
Adjacent polygons are dissolved with ``shapely.coverage_union_all`` (the source is a clean coverage;
an invalid result falls back on ``shapely.union_all``). Invalid source polygons are repaired with
``shapely.make_valid``. No DuckDB spatial extension is used.

Tables (geometries are GeoJSON geometry objects as text, WGS84 longitude/latitude in degrees,
rounded to 5 decimals, i.e. about 1 m; simplified outlines for maps, not for area computations):

- ``commune_contours``: commune_code (COG 2026), geojson, n_polygones_2018 (number of 2018
  polygons dissolved), appariement (``code`` when every polygon was attached by its code,
  ``spatial`` when at least one was attached through the commune centre).
- ``epci_contours``: epci_siren, geojson (union of the member communes of ``epci_membres``).
- ``departement_contours``: code, nom, geojson (from the départements file; départements absent
  from it, i.e. the DROM, are dissolved from their communes).
- ``region_contours``: code, nom, geojson (same rule with the régions file).

Communes of the COG 2026 without an outline (the collectivités d'outre-mer are outside Admin
Express) are reported as anomalies.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import numpy.typing as npt
import shapely

from teletravail.errors import SourceError
from teletravail.opendata.context import LoadContext

Geoms = npt.NDArray[Any]

_HINT = (
    "Vérifiez que le fichier est complet et au format GeoJSON du producteur "
    "(FeatureCollection de polygones avec les propriétés code et nom) ; téléchargez-le de nouveau"
)
_FEATURES = "STRUCT(type VARCHAR, geometry JSON, properties STRUCT(code VARCHAR, nom VARCHAR))[]"
# WKT (rounded, trimmed) -> GeoJSON coordinates: parentheses become brackets, "x y" pairs [x,y].
_WKT_TO_COORDS = [
    (")), ((", "]]],[[["),
    ("), (", "]],[["),
    (", ", "],["),
    (" ", ","),
    ("(((", "[[[["),
    ("((", "[[["),
    (")))", "]]]]"),
    ("))", "]]]"),
]
_POLYGONAL = ("Polygon", "MultiPolygon")


def load_contours(ctx: LoadContext) -> None:
    """Build ``commune_contours``, ``epci_contours``, ``departement_contours``, ``region_contours``."""
    files = ctx.paths("communes")
    codes, names, sources, geoms = _read_features(ctx, files)
    commune_of, spatial = _attach(ctx, codes, names, sources, geoms)

    keep = commune_of != ""
    order = np.argsort(commune_of[keep], kind="stable")
    kept_codes = commune_of[keep][order]
    kept_geoms = geoms[keep][order]
    kept_spatial = spatial[keep][order]
    commune_codes, starts = np.unique(kept_codes, return_index=True)
    counts = np.diff(np.append(starts, len(kept_codes)))
    commune_geoms = _dissolve_sorted(kept_geoms, starts)
    by_spatial = np.logical_or.reduceat(kept_spatial, starts) if len(starts) else kept_spatial
    _write_geojson_table(
        ctx.con,
        "commune_contours",
        {"commune_code": commune_codes},
        commune_geoms,
        extra={
            "n_polygones_2018": counts.astype(np.int32),
            "appariement": np.where(by_spatial, "spatial", "code").astype(object),
        },
    )
    _report_missing_communes(ctx, files[0].parent)
    _epci_contours(ctx, commune_codes, commune_geoms)
    _area_contours(ctx, "departements", "departement_contours", "departement", commune_codes,
                   commune_geoms)
    _area_contours(ctx, "regions", "region_contours", "region", commune_codes, commune_geoms)
    ctx.con.execute("DROP TABLE IF EXISTS contours_raw")


# -- reading -------------------------------------------------------------------------------------
def _read_collection(ctx: LoadContext, table: str, files: list[Path]) -> None:
    """Create ``table`` (fid, file, code, nom, geometry) from GeoJSON FeatureCollection files."""
    listing = ", ".join("'" + str(p).replace("'", "''") + "'" for p in files)
    # DuckDB allocates buffers of this size: the largest file (plus margin), not a fixed maximum
    max_size = max(p.stat().st_size for p in files) + (1 << 20)
    try:
        ctx.con.execute(
            f"""CREATE OR REPLACE TEMP TABLE contours_docs AS
            SELECT filename, type, features FROM read_json([{listing}], format='unstructured',
                columns={{'type': 'VARCHAR', 'features': '{_FEATURES}'}},
                maximum_object_size={max_size}, filename=true)"""
        )
    except duckdb.Error as exc:
        for path in files:  # name the broken file, with line and column when the JSON is broken
            ctx.read_json(path)
        raise SourceError(
            files[0] if len(files) == 1 else files[0].parent,
            "GeoJSON illisible : " + str(exc).splitlines()[0][:200],
            hint=_HINT,
        ) from exc
    bad = ctx.con.execute(
        "SELECT filename FROM contours_docs "
        "WHERE type IS DISTINCT FROM 'FeatureCollection' OR features IS NULL LIMIT 1"
    ).fetchone()
    if bad is not None:
        ctx.con.execute("DROP TABLE contours_docs")
        raise SourceError(bad[0], "ce n'est pas une FeatureCollection GeoJSON", hint=_HINT)
    ctx.con.execute(
        f"""CREATE OR REPLACE TABLE {table} AS
        WITH feats AS (SELECT filename, unnest(features) AS f FROM contours_docs)
        SELECT (row_number() OVER () - 1)::INTEGER AS fid, filename AS file,
               f.properties.code AS code, f.properties.nom AS nom,
               f.geometry::VARCHAR AS geometry
        FROM feats"""
    )
    ctx.con.execute("DROP TABLE contours_docs")
    missing = ctx.con.execute(
        f"SELECT file, nom FROM {table} WHERE code IS NULL OR trim(code) = '' LIMIT 1"
    ).fetchone()
    if missing is not None:
        raise SourceError(
            missing[0], f"objet sans propriété « code » (nom : {missing[1]})", hint=_HINT
        )


def _parse(ctx: LoadContext, table: str) -> tuple[Geoms, Geoms, Geoms, Geoms]:
    """Codes, names, files and repaired polygonal geometries of the features of ``table``.

    Features without a geometry, or with a non-polygonal one, are reported and dropped.
    """
    for file, code, nom in ctx.con.execute(
        f"SELECT file, code, nom FROM {table} WHERE geometry IS NULL OR geometry = 'null'"
    ).fetchall():
        ctx.anomaly(file, code, nom, "contour sans géométrie : ignoré")
    cols = ctx.con.execute(
        f"SELECT code, nom, file, geometry FROM {table} "
        "WHERE geometry IS NOT NULL AND geometry <> 'null' ORDER BY fid"
    ).fetchnumpy()
    codes = np.asarray(cols["code"], dtype=object)
    names = np.asarray(cols["nom"], dtype=object)
    files = np.asarray(cols["file"], dtype=object)
    geoms = shapely.from_geojson(np.asarray(cols["geometry"], dtype=object), on_invalid="ignore")
    broken = np.flatnonzero(shapely.is_missing(geoms))
    if len(broken):
        i = int(broken[0])
        raise SourceError(
            files[i], f"géométrie GeoJSON invalide pour l'objet {codes[i]} ({names[i]})",
            hint=_HINT,
        )
    kinds = shapely.get_type_id(geoms)
    polygonal = (kinds == 3) | (kinds == 6)
    for j in np.flatnonzero(~polygonal):
        ctx.anomaly(files[j], codes[j], names[j], "contour non surfacique : ignoré")
    keep = polygonal
    return codes[keep], names[keep], files[keep], _repair(geoms[keep])


def _repair(geoms: Geoms) -> Geoms:
    """make_valid on invalid geometries, keeping their polygonal parts only."""
    invalid = np.flatnonzero(~shapely.is_valid(geoms))
    if len(invalid):
        fixed = shapely.make_valid(geoms[invalid], method="structure", keep_collapsed=False)
        for j, i in enumerate(invalid):
            g = fixed[j]
            if shapely.get_type_id(g) not in (3, 6):
                parts = shapely.get_parts(g)
                g = shapely.union_all(parts[np.isin(shapely.get_type_id(parts), (3, 6))])
            geoms[i] = g
    return geoms


def _read_features(ctx: LoadContext, files: list[Path]) -> tuple[Geoms, Geoms, Geoms, Geoms]:
    _read_collection(ctx, "contours_raw", files)
    return _parse(ctx, "contours_raw")


# -- attaching to the COG 2026 -------------------------------------------------------------------
def _attach(
    ctx: LoadContext, codes: Geoms, names: Geoms, files: Geoms, geoms: Geoms
) -> tuple[Geoms, npt.NDArray[np.bool_]]:
    """Current commune of each polygon ('' when none) and whether it was found spatially."""
    mapped = _map_codes(ctx.con, codes)
    commune_of = np.asarray(mapped, dtype=object)
    spatial = np.zeros(len(codes), dtype=bool)
    unknown = np.flatnonzero(commune_of == "")
    if len(unknown):
        found = _spatial_match(ctx.con, geoms[unknown], set(commune_of[commune_of != ""]))
        commune_of[unknown] = found
        spatial[unknown] = found != ""
        for i in unknown[found == ""]:
            ctx.anomaly(
                files[i], codes[i], names[i],
                "contour 2018 : code absent du COG 2026 et aucun centre de commune actuelle "
                "dans le polygone ; contour ignoré",
            )
    return commune_of, spatial


def _map_codes(con: duckdb.DuckDBPyConnection, codes: Geoms) -> Geoms:
    """COG 2026 code of each source code through ``commune_codes`` ('' when unknown)."""
    con.register("contours_codes", {"idx": np.arange(len(codes)), "code": codes})
    rows = con.execute(
        """SELECT coalesce(m.commune_code, '') FROM contours_codes c
        LEFT JOIN commune_codes m ON m.code = c.code ORDER BY c.idx"""
    ).fetchnumpy()
    con.unregister("contours_codes")
    return np.asarray(next(iter(rows.values())), dtype=object)


def _spatial_match(con: duckdb.DuckDBPyConnection, polys: Geoms, covered: set[str]) -> Geoms:
    """For each polygon, the current commune whose centre it contains ('' when none)."""
    centres = con.execute("SELECT commune_code, lon, lat FROM commune_centres").fetchnumpy()
    centre_codes = np.asarray(centres["commune_code"], dtype=object)
    points = shapely.points(np.asarray(centres["lon"]), np.asarray(centres["lat"]))
    tree = shapely.STRtree(polys)
    pt_idx, poly_idx = tree.query(points, predicate="within")
    result = np.full(len(polys), "", dtype=object)
    if len(pt_idx) == 0:
        return result
    inner = shapely.point_on_surface(polys[poly_idx])
    distance = shapely.distance(points[pt_idx], inner)
    has_polygon = np.array([c in covered for c in centre_codes[pt_idx]], dtype=bool)
    best: dict[int, tuple[bool, float, str]] = {}
    for p, code, taken, dist in zip(poly_idx, centre_codes[pt_idx], has_polygon, distance,
                                    strict=True):
        key = (bool(taken), float(dist), str(code))
        if int(p) not in best or key < best[int(p)]:
            best[int(p)] = key
    for p, (_, _, code) in best.items():
        result[p] = code
    return result


# -- dissolving and writing ----------------------------------------------------------------------
def _union(parts: Geoms) -> Any:  # noqa: ANN401 - shapely geometries are untyped
    """Dissolve adjacent polygons: coverage union, or a full union when the result is invalid."""
    if len(parts) == 1:
        return parts[0]
    merged = shapely.coverage_union_all(parts)
    # on a clean coverage the union keeps the total area; overlaps or a broken result do not
    total = float(shapely.area(parts).sum())
    if shapely.get_type_id(merged) not in (3, 6) or abs(shapely.area(merged) - total) > 1e-9 * max(
        total, 1.0
    ):
        merged = shapely.union_all(shapely.make_valid(parts))
    return merged


def _dissolve_sorted(geoms: Geoms, starts: npt.NDArray[np.intp]) -> Geoms:
    """One geometry per group of consecutive rows starting at ``starts``."""
    ends = np.append(starts[1:], len(geoms))
    out = np.empty(len(starts), dtype=object)
    for k, (a, b) in enumerate(zip(starts, ends, strict=True)):
        out[k] = _union(geoms[a:b])
    return out


def _dissolve_groups(keys: Geoms, geoms: Geoms) -> tuple[Geoms, Geoms]:
    """Group ``geoms`` by ``keys`` and dissolve each group."""
    order = np.argsort(keys, kind="stable")
    uniq, starts = np.unique(keys[order], return_index=True)
    return uniq, _dissolve_sorted(geoms[order], starts)


def _write_geojson_table(
    con: duckdb.DuckDBPyConnection,
    table: str,
    keys: dict[str, Geoms],
    geoms: Geoms,
    *,
    before: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    """Create ``table``: ``keys`` columns, ``before`` columns, ``geojson``, ``extra`` columns."""
    nonempty = ~shapely.is_empty(geoms) & ~shapely.is_missing(geoms)
    wkt = shapely.to_wkt(geoms[nonempty], rounding_precision=5, trim=True)
    data: dict[str, Any] = {k: np.asarray(v)[nonempty] for k, v in keys.items()}
    data["wkt"] = np.asarray(wkt, dtype=object)
    for k, v in {**(before or {}), **(extra or {})}.items():
        data[k] = np.asarray(v)[nonempty]
    con.register("contours_out", data)
    coords = "w[strpos(w, ' ') + 1:]"
    for old, new in _WKT_TO_COORDS:
        coords = f"replace({coords}, '{old}', '{new}')"
    kind = "CASE WHEN starts_with(w, 'MULTIPOLYGON') THEN 'MultiPolygon' ELSE 'Polygon' END"
    key_cols = ", ".join(keys)
    before_cols = "".join(f"{k}, " for k in (before or {}))
    extra_cols = "".join(f", {k}" for k in (extra or {}))
    con.execute(
        f"""CREATE OR REPLACE TABLE {table} AS
        SELECT {key_cols}, {before_cols}'{{"type":"' || {kind} || '","coordinates":' || {coords} || '}}'
               AS geojson{extra_cols}
        FROM (SELECT *, wkt AS w FROM contours_out) ORDER BY {key_cols}"""
    )
    con.unregister("contours_out")


# -- reports and derived outlines ----------------------------------------------------------------
def _report_missing_communes(ctx: LoadContext, folder: Path) -> None:
    rows = ctx.con.execute(
        """SELECT c.code, c.nom, c.zone FROM cog_communes c
        WHERE c.code NOT IN (SELECT commune_code FROM commune_contours) ORDER BY c.code"""
    ).fetchall()
    com = [r for r in rows if r[2] == "com"]
    for code, nom, _ in rows:
        if (code, nom, "com") not in com:
            ctx.anomaly(folder, code, nom, "commune du COG 2026 sans contour 2018")
    if com:
        examples = ", ".join(f"{c} {n}" for c, n, _ in com[:3])
        ctx.anomaly(
            folder, None, None,
            f"{len(com)} communes des collectivités d'outre-mer sans contour (hors du champ "
            f"d'Admin Express COG), par exemple {examples}",
        )


def _epci_contours(ctx: LoadContext, commune_codes: Geoms, commune_geoms: Geoms) -> None:
    ctx.con.register("contours_idx", {"commune_code": commune_codes,
                                      "idx": np.arange(len(commune_codes))})
    rows = ctx.con.execute(
        """SELECT m.epci_siren, coalesce(i.idx, -1) AS idx FROM epci_membres m
        LEFT JOIN contours_idx i USING (commune_code) ORDER BY m.epci_siren, m.commune_code"""
    ).fetchnumpy()
    ctx.con.unregister("contours_idx")
    siren = np.asarray(rows["epci_siren"], dtype=object)
    idx = np.asarray(rows["idx"], dtype=np.intp)
    present = idx >= 0
    for s in sorted(set(siren[~present])):
        ctx.anomaly("epci", s, None, "EPCI dont des communes membres n'ont pas de contour")
    sirens, geoms = _dissolve_groups(siren[present], commune_geoms[idx[present]])
    _write_geojson_table(ctx.con, "epci_contours", {"epci_siren": sirens}, geoms)


def _area_contours(
    ctx: LoadContext, key: str, table: str, column: str, commune_codes: Geoms, commune_geoms: Geoms
) -> None:
    """Outlines from the département/région file, completed from the communes for the others."""
    path = ctx.path(key)
    _read_collection(ctx, "contours_area_raw", [path])
    codes, names, _, geoms = _parse(ctx, "contours_area_raw")
    ctx.con.execute("DROP TABLE contours_area_raw")
    # a code listed twice in the file (several features) is dissolved into one outline
    file_codes, file_geoms = _dissolve_groups(codes, geoms)
    name_of = dict(zip(codes, names, strict=True))
    cog_table = "departements" if column == "departement" else "regions"
    cog_names = dict(ctx.con.execute(f"SELECT code, nom FROM {cog_table}").fetchall())
    for code in file_codes:
        if code not in cog_names:
            ctx.anomaly(path, code, name_of[code], f"code absent du COG 2026 ({cog_table})")
    ctx.con.register("contours_idx", {"commune_code": commune_codes,
                                      "idx": np.arange(len(commune_codes))})
    rows = ctx.con.execute(
        f"""SELECT c.{column} AS area, i.idx FROM cog_communes c
        JOIN contours_idx i ON i.commune_code = c.code
        WHERE c.{column} IS NOT NULL ORDER BY area, c.code"""
    ).fetchnumpy()
    ctx.con.unregister("contours_idx")
    area = np.asarray(rows["area"], dtype=object)
    missing = ~np.isin(area, file_codes)
    built_codes, built_geoms = _dissolve_groups(
        area[missing], commune_geoms[np.asarray(rows["idx"], dtype=np.intp)[missing]]
    )
    all_codes = np.concatenate([file_codes, built_codes]).astype(object)
    all_names = np.array(
        [cog_names.get(c) or name_of.get(c) for c in all_codes], dtype=object
    )
    _write_geojson_table(
        ctx.con, table, {"code": all_codes}, np.concatenate([file_geoms, built_geoms]),
        before={"nom": all_names},
    )
