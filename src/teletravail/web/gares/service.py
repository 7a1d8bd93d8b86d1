"""What the station pages and the API share: the stations' data of a reference day (cached per
derived warehouse), a station's portrait, its search, and the territories it serves.

Every station's data-backed features are computed once per derived warehouse (about 0.2 s for the
2,881 passenger stations) and kept in the process; a portrait then costs its map (a query of a few
milliseconds, also cached) and the assessment. A request never builds a derived warehouse: the
callers get it from ``diagnostics.service.ready_warehouse`` (202 page while it is computed).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb

from teletravail.errors import LookupFailed
from teletravail.gares.assess import Assessment, assess
from teletravail.gares.carte import district_map
from teletravail.gares.features import StationFeatures, station_features
from teletravail.gares.ranking import acv_peer_rows, acv_station_ranking, percentiles_among
from teletravail.gares.resolve import StationChoice, station_candidates
from teletravail.rail.proximity import commune_stations_sql
from teletravail.reports.tables import Cell, Column
from teletravail.territory.lookup import gazetteer_for
from teletravail.web import warehouse as web_warehouse
from teletravail.web.territories import service as territory_service

MAX_QUERY = 120  # characters of a station search


@dataclass(frozen=True)
class StationData:
    """Every passenger station's features on one reference day and the ACV peers' fields."""

    day: date
    features: dict[str, StationFeatures]  # UIC -> features
    peers: tuple[dict[str, object], ...]  # fields of the ACV communes' main stations


@dataclass(frozen=True)
class Portrait:
    """A station held against the profile: its fields (``StationFeatures`` as a dict), the
    assessment (with the team's observations when given), its ACV percentiles and its map (SVG,
    None when the station has no position)."""

    choice: StationChoice
    day: date
    fields: dict[str, Any]
    assessment: Assessment
    centiles: dict[str, int]
    map_svg: str | None


def _stamp(derived: Path) -> tuple[str, int]:
    return str(derived), derived.stat().st_mtime_ns


@lru_cache(maxsize=4)
def _station_data(path: str, stamp: int, day: date) -> StationData:
    con = duckdb.connect(path, read_only=True)
    try:
        every = station_features(con)
        peers = acv_peer_rows(con, every)
    finally:
        con.close()
    return StationData(day=day, features={f.uic: f for f in every}, peers=tuple(peers))


def station_data(derived: Path, day: date) -> StationData:
    """The stations of ``derived``, the derived warehouse of ``day`` (cached per build)."""
    return _station_data(*_stamp(derived), day)


@lru_cache(maxsize=256)
def _map(path: str, stamp: int, uic: str) -> str | None:
    con = duckdb.connect(path, read_only=True)
    try:
        return district_map(con, uic)
    finally:
        con.close()


def station(derived: Path, day: date, uic: str) -> StationFeatures:
    """The features of the passenger station ``uic``; LookupFailed in French when there is none."""
    found = station_data(derived, day).features.get(uic)
    if found is None:
        raise LookupFailed(
            f"Aucune gare de voyageurs n'a le code UIC « {uic} ». Cherchez la gare par son nom "
            "ou sa commune."
        )
    return found


def portrait(
    derived: Path, day: date, uic: str, observations: Mapping[str, int | None] | None = None
) -> Portrait:
    """The portrait of the station ``uic`` on ``day`` (LookupFailed when unknown);
    ``observations``: the team's levels of the field features (checked by ``assess``)."""
    data = station_data(derived, day)
    features = station(derived, day, uic)
    fields = dict(features.model_dump(mode="json"))
    centiles = percentiles_among(data.peers, fields)
    return Portrait(
        choice=StationChoice(uic=uic, nom=features.nom, par="uic", regle=f"code UIC {uic}"),
        day=day,
        fields=fields,
        assessment=assess(fields, dict(observations or {})),
        centiles=centiles,
        map_svg=_map(*_stamp(derived), uic),
    )


def search(derived: Path, day: date, query: str) -> list[tuple[StationChoice, StationFeatures]]:
    """Stations matching ``query`` (name, UIC code, commune or EPCI), with their features;
    LookupFailed in French when none does."""
    con = duckdb.connect(str(derived), read_only=True)
    try:
        choices = station_candidates(
            con, gazetteer_for(territory_service.warehouse()), query[:MAX_QUERY], day=day
        )
    finally:
        con.close()
    features = station_data(derived, day).features
    return [(c, features[c.uic]) for c in choices if c.uic in features]


@lru_cache(maxsize=512)
def _served(path: str, stamp: int, uic: str) -> frozenset[tuple[str, str]]:
    con = duckdb.connect(path, read_only=True)
    try:
        rows = con.execute(
            f"""
            WITH served AS (SELECT commune_code FROM ({commune_stations_sql()}) s
                            WHERE s.uic = $uic)
            SELECT 'commune', commune_code FROM served
            UNION
            SELECT 'epci', m.epci_siren FROM epci_membres m
            JOIN served s ON s.commune_code = m.commune_code
            """,
            {"uic": uic},
        ).fetchall()
    finally:
        con.close()
    return frozenset((str(kind), str(code)) for kind, code in rows)


def served_territories(derived: Path, uic: str) -> frozenset[tuple[str, str]]:
    """(kind, code) of the communes the station serves (on the commune or within the radius of
    its centre, the diagnostic's rule) and of the EPCIs of those communes: the teams that may
    assess it."""
    return _served(*_stamp(derived), uic)


@dataclass(frozen=True)
class StationRanking:
    """The ACV station ranking (``gares.ranking.acv_station_ranking``) of one reference day."""

    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    notes: tuple[str, ...]
    day: date


@lru_cache(maxsize=4)
def _ranking(path: str, stamp: int, day: date) -> StationRanking:
    con = duckdb.connect(path, read_only=True)
    try:
        columns, rows, notes = acv_station_ranking(con)
    finally:
        con.close()
    return StationRanking(tuple(columns), tuple(tuple(r) for r in rows), tuple(notes), day)


def ranking(derived: Path, day: date) -> StationRanking:
    """The ranking of every ACV commune's main station on ``derived`` (cached per build)."""
    return _ranking(*_stamp(derived), day)


def clear_caches() -> None:
    """Forget the cached stations, maps and rankings (tests, warehouse rebuilds)."""
    for cached in (_station_data, _map, _served, _ranking):
        cached.cache_clear()


web_warehouse.on_new_build(clear_caches)


def territory_station_names(
    kind: str, code: str, *, limit: int = 40
) -> tuple[list[tuple[str, str]], int]:
    """(UIC, name) of the first ``limit`` stations serving a commune or an EPCI (the diagnostic's
    rule, those on the territory first, busiest first), from the base warehouse, and how many
    serve it in all; ([], 0) when it cannot say."""
    from teletravail.errors import TeletravailError
    from teletravail.rail.stations import territory_stations

    try:
        con = territory_service.cursor()
        try:
            every = territory_stations(con, kind=kind, code=code)
            uics = every[:limit]
            names = dict(
                con.execute(
                    "SELECT uic, nom FROM stations WHERE list_contains($uics, uic)", {"uics": uics}
                ).fetchall()
            )
        finally:
            con.close()
    except (TeletravailError, duckdb.Error):
        return [], 0
    return [(uic, str(names.get(uic, uic))) for uic in uics], len(every)
