"""Commune, EPCI, département and région outlines (IGN Admin Express COG 2018, simplified).

The 2018 commune polygons (properties ``code``, ``nom``; WGS84) are dissolved into the communes of
the COG 2026: each 2018 code goes through ``commune_codes`` (current codes, communes déléguées or
associées, former codes); a code the COG does not know falls back on a spatial match (the current
commune whose centre, table ``commune_centres``, lies inside the old polygon; when several centres
do, the one of a commune still without a polygon, then the nearest to the polygon's inner point).
Polygons matched by neither are kept out of the tables and reported as anomalies by code and name.
Adjacent polygons are dissolved with ``shapely.coverage_union_all`` (the source is a clean coverage;
an invalid result falls back on ``shapely.union_all``). Invalid source polygons are repaired with
``shapely.make_valid``. No DuckDB spatial extension is used: DuckDB parses the GeoJSON files
(``read_text`` + ``json_transform``, coordinates typed ``DOUBLE[][][]`` for a Polygon and
``DOUBLE[][][][]`` for a MultiPolygon), hands over flat coordinate and ring/polygon size arrays, and
the polygons are built in one call of ``shapely.from_ragged_array``.

Tables (column ``wkb``: the geometry as WKB, ``BLOB``, 2D (an altitude is dropped), WGS84
longitude/latitude in degrees; a ``Polygon`` when the outline is in one piece, a ``MultiPolygon``
otherwise; coordinates are stored as the source gives them, not rounded: 5 decimals (about 1 m) in
the commune files, full double precision in the départements and régions files, plus the rare
vertices created by the repair of an invalid polygon; simplified outlines for maps, not for area
computations; ``geometry_geojson(wkb)`` gives the GeoJSON text rounded to 5 decimals):

- ``commune_contours``: commune_code (COG 2026), wkb, n_polygones_2018 (number of 2018
  polygons dissolved), appariement (``code`` when every polygon was attached by its code,
  ``spatial`` when at least one was attached through the commune centre).
- ``epci_contours``: epci_siren, wkb (union of the member communes of ``epci_membres``).
- ``departement_contours``: code, nom, wkb (from the départements file; départements absent
  from it, i.e. the DROM, are dissolved from their communes).
- ``region_contours``: code, nom, wkb (same rule with the régions file).

Communes of the COG 2026 without an outline (the collectivités d'outre-mer are outside Admin
Express) are reported as anomalies, as are features without a geometry (``null`` or empty
coordinates) or with a non-polygonal one. A Polygon/MultiPolygon whose coordinates are not arrays of
numbers, or with a ring of fewer than 4 positions or not closed, is a ``SourceError``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import numpy.typing as npt
import shapely
from shapely import GeometryType

from teletravail.errors import SourceError
from teletravail.opendata.context import LoadContext

Geoms = npt.NDArray[Any]

_HINT = (
    "Vérifiez que le fichier est complet et au format GeoJSON du producteur "
    "(FeatureCollection de polygones avec les propriétés code et nom) ; téléchargez-le de nouveau"
)


def _doc_structure(coordinates: str) -> str:
    """json_transform structure of a FeatureCollection with ``coordinates`` of the given type."""
    feature = {
        "geometry": {"type": "VARCHAR", "coordinates": coordinates},
        "properties": {"code": "VARCHAR", "nom": "VARCHAR"},
    }
    return json.dumps({"type": "VARCHAR", "features": [feature]})


_OTHER_TYPES = ("Point", "MultiPoint", "LineString", "MultiLineString", "GeometryCollection")
# rings of 4 positions or more, closed; polygons of at least one ring (NULL parts are malformed)
_WELL_FORMED = """mp IS NOT NULL AND list_bool_and(list_transform(mp, lambda poly:
    poly IS NOT NULL AND len(poly) > 0 AND list_bool_and(list_transform(poly, lambda r:
        r IS NOT NULL AND len(r) >= 4 AND coalesce(r[1] = r[-1], false)))))"""
_EMPTY = """mp IS NOT NULL AND coalesce(list_bool_and(list_transform(mp, lambda poly:
    poly IS NOT NULL AND len(poly) = 0)), true)"""


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
    _write_table(
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
    _area_contours(
        ctx, "departements", "departement_contours", "departement", commune_codes, commune_geoms
    )
    _area_contours(ctx, "regions", "region_contours", "region", commune_codes, commune_geoms)


def geometry_geojson(wkb: bytes) -> str:
    """GeoJSON geometry text of a ``wkb`` value of the contour tables, rounded to 5 decimals."""
    geom = shapely.from_wkb(wkb)
    return json.dumps(_rounded(shapely.geometry.mapping(geom)), separators=(",", ":"))


def _rounded(value: Any) -> Any:  # noqa: ANN401 - nested GeoJSON mapping
    if isinstance(value, float):
        return round(value, 5)
    if isinstance(value, (tuple, list)):
        return [_rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


# -- reading -------------------------------------------------------------------------------------
def _read_collection(ctx: LoadContext, table: str, files: list[Path]) -> None:
    """Create temp ``table`` (fid, file, code, nom, gtype, mp, status) from FeatureCollections.

    ``fid`` orders the features (file number in ``files`` * 2^32 + position in the file, no sort
    needed); ``mp`` is the geometry as a list of polygons; ``status`` is ``ok``, ``null`` (no geometry or
    empty coordinates), ``other`` (non-polygonal GeoJSON type) or ``bad`` (malformed).
    """
    listing = ", ".join("'" + str(p).replace("'", "''") + "'" for p in files)
    is_collection = "p.type = 'FeatureCollection' AND p.features IS NOT NULL"
    # each document is parsed twice, coordinates typed as a Polygon, then as a MultiPolygon: the
    # one matching the geometry type is kept (the other is NULL or garbage); a value that is not
    # an array of numbers where one is expected gives NULL, so malformed geometries stay visible
    try:
        ctx.con.execute(
            f"""CREATE OR REPLACE TEMP TABLE {table} AS
            WITH docs AS (
                SELECT filename, json_transform(content, '{_doc_structure("DOUBLE[][][]")}') AS p,
                       json_transform(content, '{_doc_structure("DOUBLE[][][][]")}') AS m
                FROM read_text([{listing}])),
            lists AS (
                SELECT filename, coalesce({is_collection}, false) AS collection,
                       CASE WHEN {is_collection} THEN p.features ELSE [NULL] END AS p,
                       CASE WHEN {is_collection} THEN m.features ELSE [NULL] END AS m
                FROM docs),
            feats AS (
                SELECT filename, list_position([{listing}], filename) AS file_no, collection,
                       unnest(p) AS p, unnest(m) AS m, generate_subscripts(p, 1) AS i
                FROM lists),
            typed AS (
                SELECT (file_no::BIGINT << 32) + i AS fid,
                       filename AS file, collection, p.properties.code AS code,
                       p.properties.nom AS nom, p.geometry.type AS gtype,
                       CASE p.geometry.type
                           WHEN 'Polygon' THEN [p.geometry.coordinates]
                           WHEN 'MultiPolygon' THEN m.geometry.coordinates END AS mp
                FROM feats)
            SELECT *, CASE
                WHEN gtype IS NULL THEN 'null'
                WHEN gtype IN {_OTHER_TYPES} THEN 'other'
                WHEN gtype NOT IN ('Polygon', 'MultiPolygon') THEN 'bad'
                WHEN {_EMPTY} THEN 'null'
                WHEN {_WELL_FORMED} THEN 'ok'
                ELSE 'bad' END AS status
            FROM typed"""
        )
    except duckdb.Error as exc:
        for path in files:  # name the broken file, with line and column when the JSON is broken
            ctx.read_json(path)
        raise SourceError(
            files[0] if len(files) == 1 else files[0].parent,
            "GeoJSON illisible : " + str(exc).splitlines()[0][:200],
            hint=_HINT,
        ) from exc
    checks = [
        ("NOT collection", "ce n'est pas une FeatureCollection GeoJSON"),
        ("code IS NULL OR trim(code) = ''", "objet sans propriété « code » (nom : {nom})"),
        ("status = 'bad'", "géométrie GeoJSON invalide pour l'objet {code} ({nom})"),
    ]
    for condition, problem in checks:
        row = ctx.con.execute(
            f"SELECT file, code, nom FROM {table} WHERE {condition} ORDER BY fid LIMIT 1"
        ).fetchone()
        if row is not None:
            ctx.con.execute(f"DROP TABLE {table}")
            raise SourceError(row[0], problem.format(code=row[1], nom=row[2]), hint=_HINT)


def _parse(ctx: LoadContext, table: str) -> tuple[Geoms, Geoms, Geoms, Geoms]:
    """Codes, names, files and repaired polygonal geometries of the features of ``table``.

    Features without a geometry, or with a non-polygonal one, are reported and dropped.
    """
    problems = {
        "null": "contour sans géométrie : ignoré",
        "other": "contour non surfacique : ignoré",
    }
    for file, code, nom, status in ctx.con.execute(
        f"SELECT file, code, nom, status FROM {table} WHERE status <> 'ok' ORDER BY fid"
    ).fetchall():
        ctx.anomaly(file, code, nom, problems[status])
    cols = ctx.con.execute(
        f"SELECT code, nom, file FROM {table} WHERE status = 'ok' ORDER BY fid"
    ).fetchnumpy()
    codes = np.asarray(cols["code"], dtype=object)
    names = np.asarray(cols["nom"], dtype=object)
    files = np.asarray(cols["file"], dtype=object)
    try:
        geoms = _build_geometries(ctx.con, table, codes, names, files)
    finally:
        ctx.con.execute(f"DROP TABLE {table}")
    return codes, names, files, _repair(geoms)


def _build_geometries(
    con: duckdb.DuckDBPyConnection, table: str, codes: Geoms, names: Geoms, files: Geoms
) -> Geoms:
    """The ``ok`` geometries of ``table`` in fid order, built from flat coordinate arrays."""
    ok = f"FROM {table} WHERE status = 'ok'"
    ring_sizes, poly_sizes, geom_sizes = (
        np.asarray(con.execute(sql).fetchnumpy()["n"], dtype=np.int64)
        for sql in (
            "SELECT unnest(n) AS n FROM (SELECT fid, flatten(list_transform(mp, lambda poly: "
            f"list_transform(poly, lambda r: len(r)))) AS n {ok} ORDER BY fid)",
            "SELECT unnest(n) AS n FROM (SELECT fid, list_transform(mp, lambda poly: len(poly)) "
            f"AS n {ok} ORDER BY fid)",
            f"SELECT len(mp) AS n {ok} ORDER BY fid",
        )
    )
    coords = _positions(con, table, int(ring_sizes.sum()))
    ring_off, poly_off, geom_off = (
        np.concatenate([[0], np.cumsum(n)]) for n in (ring_sizes, poly_sizes, geom_sizes)
    )
    missing = np.ma.getmaskarray(coords).any(axis=1)
    if missing.any():  # a position with a non-numeric or missing value: name its feature
        ring = int(np.searchsorted(ring_off, np.flatnonzero(missing)[0], side="right")) - 1
        poly = int(np.searchsorted(poly_off, ring, side="right")) - 1
        i = int(np.searchsorted(geom_off, poly, side="right")) - 1
        raise SourceError(
            files[i],
            f"géométrie GeoJSON invalide pour l'objet {codes[i]} ({names[i]})",
            hint=_HINT,
        )
    polygons = shapely.from_ragged_array(
        GeometryType.POLYGON, np.ma.getdata(coords), (ring_off, poly_off)
    )
    # one Polygon per feature, a MultiPolygon for features of several polygons
    geoms = np.asarray(polygons[geom_off[:-1]], dtype=object)
    multi = geom_sizes > 1
    if multi.any():
        in_multi = np.repeat(multi, geom_sizes)
        geoms[multi] = shapely.multipolygons(
            polygons[in_multi], indices=np.repeat(np.arange(int(multi.sum())), geom_sizes[multi])
        )
    return geoms


def _positions(con: duckdb.DuckDBPyConnection, table: str, count: int) -> Any:  # noqa: ANN401
    """The ``count`` [x, y] positions of the ``ok`` geometries in fid order (masked where NULL).

    Fast path: the 2 million values of the real files are read in one flat column without
    sorting, when the scan order is the fid order (DuckDB keeps insertion order; checked) and every
    position has exactly 2 values. Otherwise x and y are read sorted (a 3rd value is dropped).
    """
    ok = f"FROM {table} WHERE status = 'ok'"
    fids = con.execute(f"SELECT fid {ok}").fetchnumpy()["fid"]
    in_order = bool(
        con.execute("SELECT current_setting('preserve_insertion_order')").fetchone() == (True,)
        and (np.diff(fids) > 0).all()
    )
    planar = con.execute(
        "SELECT coalesce(bool_and(list_bool_and(list_transform(flatten(flatten(mp)), "
        f"lambda p: len(p) = 2))), true) {ok}"
    ).fetchone() == (True,)
    if in_order and planar:
        flat = con.execute(f"SELECT unnest(flatten(flatten(flatten(mp)))) AS v {ok}").fetchnumpy()
        values = flat["v"]
        if len(values) == 2 * count:
            return values.reshape(-1, 2)
    xy = con.execute(
        "SELECT unnest(p)[1] AS x, unnest(p)[2] AS y "
        f"FROM (SELECT fid, flatten(flatten(mp)) AS p {ok} ORDER BY fid)"
    ).fetchnumpy()
    return np.ma.column_stack([xy["x"], xy["y"]])


def _repair(geoms: Geoms) -> Geoms:
    """make_valid on invalid geometries, keeping their polygonal parts only."""
    invalid = np.flatnonzero(~shapely.is_valid(geoms))
    if len(invalid):
        fixed = shapely.make_valid(geoms[invalid], method="structure", keep_collapsed=False)
        mixed = ~np.isin(shapely.get_type_id(fixed), (3, 6))
        for j in np.flatnonzero(mixed):  # collections: keep their polygons
            parts = shapely.get_parts(fixed[j])
            fixed[j] = shapely.union_all(parts[np.isin(shapely.get_type_id(parts), (3, 6))])
        geoms[invalid] = fixed
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
                files[i],
                codes[i],
                names[i],
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
    codes = centre_codes[pt_idx]
    taken = np.isin(codes.astype(str), np.asarray(sorted(covered), dtype=str))
    # per polygon: a commune still without polygon first, then the nearest centre, then the code
    order = np.lexsort((codes.astype(str), distance, taken, poly_idx))
    polys_sorted, first = np.unique(poly_idx[order], return_index=True)
    result[polys_sorted] = codes[order][first]
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
    ends = np.append(starts[1:], len(geoms)).astype(np.intp)
    out = np.asarray(geoms[starts], dtype=object)  # groups of one: the geometry itself
    for k in np.flatnonzero(ends - starts > 1):
        out[k] = _union(geoms[starts[k] : ends[k]])
    return out


def _dissolve_groups(keys: Geoms, geoms: Geoms) -> tuple[Geoms, Geoms]:
    """Group ``geoms`` by ``keys`` and dissolve each group."""
    order = np.argsort(keys, kind="stable")
    uniq, starts = np.unique(keys[order], return_index=True)
    return uniq, _dissolve_sorted(geoms[order], starts)


def _write_table(
    con: duckdb.DuckDBPyConnection,
    table: str,
    keys: dict[str, Geoms],
    geoms: Geoms,
    *,
    before: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    """Create ``table``: ``keys`` columns, ``before`` columns, ``wkb``, ``extra`` columns."""
    rows = np.flatnonzero(~shapely.is_empty(geoms) & ~shapely.is_missing(geoms))
    rows = rows[np.lexsort([np.asarray(v)[rows].astype(str) for v in reversed(keys.values())])]
    data: dict[str, Any] = {k: np.asarray(v)[rows] for k, v in keys.items()}
    data.update({k: np.asarray(v)[rows] for k, v in (before or {}).items()})
    data["wkb"] = np.asarray(shapely.to_wkb(geoms[rows], output_dimension=2), dtype=object)
    data.update({k: np.asarray(v)[rows] for k, v in (extra or {}).items()})
    con.register("contours_out", data)
    # rows already sorted by key: the table keeps that order (no sort of the WKB values)
    con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM contours_out")
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
            folder,
            None,
            None,
            f"{len(com)} communes des collectivités d'outre-mer sans contour (hors du champ "
            f"d'Admin Express COG), par exemple {examples}",
        )


def _epci_contours(ctx: LoadContext, commune_codes: Geoms, commune_geoms: Geoms) -> None:
    ctx.con.register(
        "contours_idx", {"commune_code": commune_codes, "idx": np.arange(len(commune_codes))}
    )
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
    _write_table(ctx.con, "epci_contours", {"epci_siren": sirens}, geoms)


def _area_contours(
    ctx: LoadContext, key: str, table: str, column: str, commune_codes: Geoms, commune_geoms: Geoms
) -> None:
    """Outlines from the département/région file, completed from the communes for the others."""
    path = ctx.path(key)
    _read_collection(ctx, "contours_area_raw", [path])
    codes, names, _, geoms = _parse(ctx, "contours_area_raw")
    # a code listed twice in the file (several features) is dissolved into one outline
    file_codes, file_geoms = _dissolve_groups(codes, geoms)
    name_of = dict(zip(codes, names, strict=True))
    cog_table = "departements" if column == "departement" else "regions"
    cog_names = dict(ctx.con.execute(f"SELECT code, nom FROM {cog_table}").fetchall())
    for code in file_codes:
        if code not in cog_names:
            ctx.anomaly(path, code, name_of[code], f"code absent du COG 2026 ({cog_table})")
    ctx.con.register(
        "contours_idx", {"commune_code": commune_codes, "idx": np.arange(len(commune_codes))}
    )
    rows = ctx.con.execute(
        f"""SELECT c.{column} AS area, i.idx FROM cog_communes c
        JOIN contours_idx i ON i.commune_code = c.code
        WHERE c.{column} IS NOT NULL ORDER BY area, c.code"""
    ).fetchnumpy()
    ctx.con.unregister("contours_idx")
    area = np.asarray(rows["area"], dtype=object)
    missing = ~np.isin(area.astype(str), file_codes.astype(str))
    built_codes, built_geoms = _dissolve_groups(
        area[missing], commune_geoms[np.asarray(rows["idx"], dtype=np.intp)[missing]]
    )
    all_codes = np.concatenate([file_codes, built_codes]).astype(object)
    all_names = np.array([cog_names.get(c) or name_of.get(c) for c in all_codes], dtype=object)
    _write_table(
        ctx.con,
        table,
        {"code": all_codes},
        np.concatenate([file_geoms, built_geoms]),
        before={"nom": all_names},
    )
