"""The commune (COG 2026) holding each candidate site, and the SQL of the points.

Rule (:func:`locate_communes`):

1. the commune whose outline contains the point (``commune_contours``: IGN Admin Express COG
   2018, simplified, dissolved into the communes of the COG 2026); a point on a shared edge goes
   to the smallest commune code;
2. else the commune whose outline is nearest, when it lies within ``COAST_KM`` (the simplified
   outlines cut corners of the coast and of the borders);

1 is tried on the outlines of the communes whose centre lies within 8 km of the point, then
40 km (``CANDIDATE_KM``); a point still unplaced and outside every département outline (at
sea, off the simplified coast, abroad) tries 2 among the communes whose centre lies within
40 km; the others try 1 then 2 on every outline (very large communes, Guyane);
3. when the warehouse holds no outline at all, the commune whose centre is nearest, within
   ``CENTRE_ONLY_KM``;
4. else :class:`~teletravail.errors.LookupFailed`: the point is not in France.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import duckdb
import numpy as np
import shapely

from teletravail.errors import InputError, LookupFailed
from teletravail.format_fr import format_decimal, format_number
from teletravail.gares.features import within_sql
from teletravail.grille.site_models import SiteCommune
from teletravail.rail.proximity import KM_PER_DEGREE_LAT, gc_km_sql

CANDIDATE_KM = (8.0, 40.0)
"""Outlines of the communes whose centre is this close to a point are tried first, the nearer
ones first (km); every outline last."""

COAST_KM = 1.0
"""A point outside every outline goes to the nearest outline when it is this close (km)."""

CENTRE_ONLY_KM = 10.0
"""Without outlines: the nearest commune centre, when it is this close (km)."""

Point = tuple[str, float, float]
"""A site: (id, lat, lon), WGS84 decimal degrees."""


def sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def check_points(points: Sequence[Point]) -> list[Point]:
    """The points with float coordinates; InputError (French) for a bad latitude or longitude or
    a repeated id."""
    seen: set[str] = set()
    checked: list[Point] = []
    for key, lat, lon in points:
        name = f"point « {key} »"
        try:
            flat, flon = float(lat), float(lon)
        except (TypeError, ValueError):
            raise InputError(
                f"Coordonnées illisibles pour le {name} : donnez la latitude et la longitude en "
                "degrés décimaux, par exemple --lat 48.1234 --lon -1.2107.",
                field="lat",
            ) from None
        if not math.isfinite(flat) or not -90.0 <= flat <= 90.0:
            raise InputError(
                f"Latitude {lat} hors bornes pour le {name} : elle doit être comprise entre -90 "
                "et 90 degrés (par exemple 48.1234 pour Vitré).",
                field="lat",
            )
        if not math.isfinite(flon) or not -180.0 <= flon <= 180.0:
            raise InputError(
                f"Longitude {lon} hors bornes pour le {name} : elle doit être comprise entre "
                "-180 et 180 degrés (par exemple -1.2107 pour Vitré).",
                field="lon",
            )
        if str(key) in seen:
            raise InputError(f"Identifiant de site répété : « {key} ».", field="id")
        seen.add(str(key))
        checked.append((str(key), flat, flon))
    return checked


def points_sql(points: Sequence[Point]) -> str:
    """SELECT key, lat, lon of the points (a VALUES list; keys are SQL-quoted)."""
    if not points:
        return "SELECT NULL::VARCHAR AS key, NULL::DOUBLE AS lat, NULL::DOUBLE AS lon LIMIT 0"
    rows = ", ".join(f"({sql_literal(k)}, {lat!r}, {lon!r})" for k, lat, lon in points)
    return f"SELECT * FROM (VALUES {rows}) v(key, lat, lon)"


def _contours(
    con: duckdb.DuckDBPyConnection, points: Sequence[Point], radius: float
) -> tuple[list[str], np.ndarray]:
    """Outlines of the communes whose centre is within ``radius`` km of a point."""
    centres = "SELECT code AS key, lat, lon FROM communes WHERE lat IS NOT NULL AND lon IS NOT NULL"
    near = within_sql(points_sql(points), centres, radius)
    rows = con.execute(
        f"""SELECT k.commune_code, k.wkb FROM commune_contours k
        WHERE k.commune_code IN (SELECT target_key FROM ({near}))
        ORDER BY k.commune_code"""
    ).fetchall()
    return _parse(rows)


def _parse(rows: list[tuple[Any, ...]]) -> tuple[list[str], np.ndarray]:
    codes = [str(r[0]) for r in rows]
    polys = shapely.from_wkb([bytes(r[1]) for r in rows]) if rows else np.asarray([])
    return codes, polys


# every outline of a warehouse file, by (file, build stamp): read once per process
_ALL: dict[tuple[str, str], tuple[list[str], np.ndarray]] = {}


def _all_contours(con: duckdb.DuckDBPyConnection) -> tuple[list[str], np.ndarray]:
    """Every outline, kept in memory per warehouse file and build (not for in-memory bases)."""
    row = con.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchone()
    stamp = con.execute("SELECT max(construit_le)::VARCHAR FROM build_info").fetchone()
    key = (str(row[0]), str(stamp[0])) if row and row[0] and stamp and stamp[0] else None
    if key is not None and key in _ALL:
        return _ALL[key]
    found = _parse(
        con.execute(
            "SELECT commune_code, wkb FROM commune_contours ORDER BY commune_code"
        ).fetchall()
    )
    if key is not None:
        _ALL.clear()  # one warehouse at a time
        _ALL[key] = found
    return found


def _inside(codes: list[str], polys: np.ndarray, points: Sequence[Point]) -> dict[str, str]:
    if not codes or not points:
        return {}
    geoms = shapely.points([p[2] for p in points], [p[1] for p in points])
    pt_idx, poly_idx = shapely.STRtree(polys).query(geoms, predicate="within")
    found: dict[str, str] = {}
    for p, q in sorted(zip(pt_idx.tolist(), poly_idx.tolist(), strict=True), reverse=True):
        found[points[p][0]] = codes[q]  # several outlines: the smallest code wins
    return found


def _near_outline(
    codes: list[str], polys: np.ndarray, points: Sequence[Point]
) -> dict[str, tuple[str, float]]:
    """Nearest outline within COAST_KM: (code, great-circle km to its nearest point)."""
    if not codes or not points:
        return {}
    geoms = shapely.points([p[2] for p in points], [p[1] for p in points])
    deg = COAST_KM / KM_PER_DEGREE_LAT / 0.3  # longitude degrees shrink up to 51° N and beyond
    pt_idx, poly_idx = shapely.STRtree(polys).query_nearest(geoms, max_distance=deg)
    found: dict[str, tuple[str, float]] = {}
    for p, q in zip(pt_idx.tolist(), poly_idx.tolist(), strict=True):
        line = shapely.shortest_line(geoms[p], polys[q])
        (lon1, lat1), (lon2, lat2) = shapely.get_coordinates(line).tolist()
        km = gc_km(lat1, lon1, lat2, lon2)
        if km <= COAST_KM and (points[p][0] not in found or km < found[points[p][0]][1]):
            found[points[p][0]] = (codes[q], km)
    return found


def gc_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle km (haversine, radius 6,371 km), as :func:`gc_km_sql`."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))


def _by_centre(con: duckdb.DuckDBPyConnection, points: Sequence[Point]) -> dict[str, str]:
    dist = gc_km_sql("p.lat", "p.lon", "c.lat", "c.lon")
    rows = con.execute(
        f"""SELECT p.key, arg_min(c.code, {dist}), min({dist})
        FROM ({points_sql(points)}) p, communes c
        WHERE c.lat IS NOT NULL AND c.lon IS NOT NULL GROUP BY p.key"""
    ).fetchall()
    return {str(k): str(code) for k, code, km in rows if km is not None and km <= CENTRE_ONLY_KM}


def _near_rule(km: float) -> str:
    return (
        "point hors des contours simplifiés : commune dont le contour est le plus proche "
        f"({format_decimal(km)} km, moins de {format_number(COAST_KM)} km)"
    )


def _outside_departements(con: duckdb.DuckDBPyConnection, points: Sequence[Point]) -> list[Point]:
    """The points outside every département outline (at sea, abroad); [] without outlines."""
    rows = con.execute("SELECT code, wkb FROM departement_contours").fetchall()
    if not rows:
        return []
    polys = shapely.from_wkb([bytes(r[1]) for r in rows])
    geoms = shapely.points([p[2] for p in points], [p[1] for p in points])
    inside = set(shapely.STRtree(polys).query(geoms, predicate="within")[0].tolist())
    return [p for i, p in enumerate(points) if i not in inside]


def locate_communes(
    con: duckdb.DuckDBPyConnection, points: Sequence[Point]
) -> dict[str, SiteCommune]:
    """The commune of each point (by id), by the rule of the module docstring.

    LookupFailed (French) naming the first point outside every French commune."""
    has_outlines = bool(
        (
            con.execute("SELECT count(*) FROM (SELECT 1 FROM commune_contours LIMIT 1)").fetchone()
            or (0,)
        )[0]
    )
    rules: dict[str, tuple[str, str, tuple[str, ...]]] = {}
    inside = "commune dont le contour contient le point"
    if has_outlines:
        rest = list(points)
        for radius in CANDIDATE_KM:  # nearby outlines first
            if rest:
                codes, polys = _contours(con, rest, radius)
                for key, code in _inside(codes, polys, rest).items():
                    rules[key] = (code, inside, ("contours", "cog"))
                rest = [p for p in rest if p[0] not in rules]
        offshore = _outside_departements(con, rest) if rest else []
        if offshore:  # off the coast's simplified outlines: the nearby outlines suffice
            codes, polys = _contours(con, offshore, CANDIDATE_KM[-1])
            for key, (code, km) in _near_outline(codes, polys, offshore).items():
                rules[key] = (code, _near_rule(km), ("contours", "cog"))
            rest = [p for p in rest if p[0] not in rules]
        if rest:  # very large communes, points off the simplified outlines: every outline
            codes, polys = _all_contours(con)
            for key, code in _inside(codes, polys, rest).items():
                rules[key] = (code, inside, ("contours", "cog"))
            rest = [p for p in rest if p[0] not in rules]
            for key, (code, km) in _near_outline(codes, polys, rest).items():
                rules[key] = (code, _near_rule(km), ("contours", "cog"))
    else:
        for key, code in _by_centre(con, points).items():
            rules[key] = (
                code,
                "contours des communes non chargés : commune dont le centre est le plus proche "
                f"(moins de {CENTRE_ONLY_KM:g} km)",
                ("centres", "cog"),
            )
    missing = [p for p in points if p[0] not in rules]
    if missing:
        key, lat, lon = missing[0]
        raise LookupFailed(
            f"Aucune commune française ne contient le point « {key} » (latitude {lat}, "
            f"longitude {lon}) : vérifiez les coordonnées (degrés décimaux WGS84, latitude "
            "d'abord) ; le point doit se trouver en France."
        )
    names = dict(
        con.execute(
            "SELECT code, nom FROM communes WHERE code IN (SELECT unnest($codes))",
            {"codes": sorted({r[0] for r in rules.values()})},
        ).fetchall()
    )
    return {
        key: SiteCommune(code=code, nom=str(names.get(code, code)), regle=regle, sources=src)
        for key, (code, regle, src) in rules.items()
    }
