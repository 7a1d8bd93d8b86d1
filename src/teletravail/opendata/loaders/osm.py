"""OpenStreetMap stations (train, RER, Transilien, metro, tram): ``osm/stations-transport.json.gz``.

The file (an Overpass extract, fetched 2026-05-18, ODbL) is a JSON object with ``schema_version``,
``fetched_at``, ``bbox`` and ``stations``: objects with ``osm_type``, ``osm_id``, ``name``,
``type`` (``train``, ``rer``, ``transilien``, ``metro``, ``tram``), ``lat``, ``lon`` and, when
mapped, ``lines`` (route references: ``TER 30``, ``P``, ``IC 501``, ``CFC``...). It tells which
stations exist and which lines serve them; it holds no timetable. It is the only offline trace of
the RER, Transilien, Intercités and Corsican railway networks, absent from the SNCF GTFS feeds.

Table ``osm_gares``: osm_type, osm_id (BIGINT), nom, type, lat, lon (WGS84 degrees), lignes
(VARCHAR[], empty when unmapped), commune_code (COG 2026: the commune whose outline, table
``commune_contours``, contains the station). Stations outside every commune outline (the extract's
box spans Belgium, Luxembourg, Germany, Switzerland, Italy and Spain) are kept out of the table and
counted in one anomaly; a station with no name, an unknown type or no position is refused with its
position in the file.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from teletravail.errors import SourceError
from teletravail.opendata.context import LoadContext

TYPES = ("train", "rer", "transilien", "metro", "tram")
_HINT = (
    "Téléchargez de nouveau le fichier (extrait Overpass au format du miroir, voir docs/sources.md)"
)


def _read(path: Path) -> dict[str, Any]:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            doc = json.load(fh)
    except json.JSONDecodeError as exc:
        raise SourceError(
            path, f"JSON invalide ({exc.msg}, colonne {exc.colno})", line=exc.lineno, hint=_HINT
        ) from exc
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise SourceError(path, f"fichier gzip illisible ({exc})", hint=_HINT) from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("stations"), list):
        raise SourceError(path, "objet JSON avec une liste « stations » attendu", hint=_HINT)
    return doc


def _rows(path: Path, stations: list[Any]) -> dict[str, list[Any]]:
    cols: dict[str, list[Any]] = {
        k: [] for k in ("osm_type", "osm_id", "nom", "type", "lat", "lon", "lignes")
    }
    for i, st in enumerate(stations, start=1):
        where = f"station n° {i}"

        def bad(field: str, value: object, problem: str, *, where: str = where) -> SourceError:
            return SourceError(
                path, f"{where} : {problem}", column=field, value=repr(value)[:80], hint=_HINT
            )

        if not isinstance(st, dict):
            raise bad("stations", st, "objet attendu")
        name, kind = st.get("name"), st.get("type")
        lat, lon, lines = st.get("lat"), st.get("lon"), st.get("lines", [])
        if not isinstance(name, str) or not name.strip():
            raise bad("name", name, "nom absent")
        if kind not in TYPES:
            raise bad("type", kind, f"type inconnu (attendu : {', '.join(TYPES)})")
        for field, value, low, high in (("lat", lat, -90.0, 90.0), ("lon", lon, -180.0, 180.0)):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise bad(field, value, "coordonnée numérique attendue")
            if not low <= float(value) <= high:
                raise bad(field, value, "coordonnée hors bornes")
        if not isinstance(lines, list) or not all(isinstance(x, str) for x in lines):
            raise bad("lines", lines, "liste de textes attendue")
        cols["osm_type"].append(str(st.get("osm_type", "")))
        osm_id = st.get("osm_id")
        cols["osm_id"].append(int(osm_id) if isinstance(osm_id, int) else None)
        cols["nom"].append(name.strip())
        cols["type"].append(kind)
        cols["lat"].append(float(lat))  # type: ignore[arg-type]
        cols["lon"].append(float(lon))  # type: ignore[arg-type]
        cols["lignes"].append(sorted({x.strip() for x in lines if x.strip()}))
    return cols


def load_osm_stations(ctx: LoadContext) -> None:
    """Table ``osm_gares`` (see the module docstring)."""
    path = ctx.path("stations")
    doc = _read(path)
    cols = _rows(path, doc["stations"])
    if not cols["nom"]:
        raise SourceError(path, "fichier incomplet : aucune station", hint=_HINT)
    codes = _communes(ctx, cols["lon"], cols["lat"])
    outside = [i for i, c in enumerate(codes) if c is None]
    if outside:
        ctx.anomaly(
            path,
            None,
            None,
            f"{len(outside)} station(s) hors des contours des communes françaises (pays voisins "
            "compris dans le cadre de l'extrait, ou en mer), écartées",
        )
    keep = np.asarray([c is not None for c in codes])
    data = {k: np.asarray(v, dtype=object)[keep] for k, v in cols.items() if k != "lignes"}
    data["lignes"] = np.asarray([cols["lignes"][i] for i in np.flatnonzero(keep)], dtype=object)
    data["commune_code"] = np.asarray(codes, dtype=object)[keep]
    ctx.con.register("osm_gares_in", data)
    ctx.con.execute(
        """CREATE OR REPLACE TABLE osm_gares AS
        SELECT osm_type::VARCHAR AS osm_type, osm_id::BIGINT AS osm_id, nom::VARCHAR AS nom,
               type::VARCHAR AS type, lat::DOUBLE AS lat, lon::DOUBLE AS lon,
               CAST(lignes AS VARCHAR[]) AS lignes, commune_code::VARCHAR AS commune_code
        FROM osm_gares_in ORDER BY commune_code, nom, osm_id"""
    )
    ctx.con.unregister("osm_gares_in")


def _communes(ctx: LoadContext, lon: list[float], lat: list[float]) -> list[str | None]:
    """Commune (COG 2026) whose outline contains each point; None outside every outline."""
    rows = ctx.con.execute("SELECT commune_code, wkb FROM commune_contours").fetchall()
    codes = np.asarray([r[0] for r in rows], dtype=object)
    polys = shapely.from_wkb([bytes(r[1]) for r in rows])
    points = shapely.points(np.asarray(lon), np.asarray(lat))
    pt_idx, poly_idx = shapely.STRtree(polys).query(points, predicate="within")
    result: list[str | None] = [None] * len(lon)
    for p, q in sorted(zip(pt_idx.tolist(), poly_idx.tolist(), strict=True), reverse=True):
        result[p] = str(codes[q])  # several outlines (shared edge): the smallest index wins
    return result
