"""Stations, stop events and legs of one day, as TEMP tables of the connection.

A *station* is a ``stations.uic`` (every UIC of ``stations.uics`` maps to it); a GTFS stop whose
UIC is unknown to ``stations`` (foreign stations, coach stops) is a station of its own, keyed by
its UIC (or by ``feed:stop_id`` without UIC). Stop points of both feeds and of every mode at the
same station therefore share one station: changes between TER and TGV, or train and coach, are
possible there.

Tables created (TEMP, replaced on each call):
- ``_rail_stations``: station INTEGER (id), station_key VARCHAR, uic VARCHAR (``stations.uic``,
  NULL for a station absent from ``stations``).
- ``_rail_events``: trip INTEGER (id of ``feed``/``trip_id``), feed, mode (``train``, ``car`` or
  ``autre`` after ``service.toml``), seq (stop_sequence), station, arr, dep (INTEGER seconds since
  the day's midnight, 24 h or more after midnight), board (pick-up allowed, ``pickup_type`` <> 1),
  alight (drop-off allowed, ``drop_off_type`` <> 1). Only trips running on the day.
- ``_rail_legs``: every ride without change: trip, feed, mode, from_st, dep (departure at from_st),
  to_st, arr (arrival at to_st), for each pair of stops of a trip where one may board at the first
  and alight at the later one, at different stations.
"""

from __future__ import annotations

from datetime import date

import duckdb

from teletravail.rail.calendar import active_trips_sql
from teletravail.rail.config import rail_settings, table_ref

WORK_TABLES = (
    "_rail_uic_map",
    "_rail_stops",
    "_rail_stations",
    "_rail_trips",
    "_rail_events",
    "_rail_legs",
)


def _ints(values: tuple[int, ...]) -> str:
    return ", ".join(str(int(v)) for v in values) or "NULL"


def create_stations(con: duckdb.DuckDBPyConnection, *, source: str | None = None) -> None:
    """``_rail_uic_map`` (gtfs_uic -> stations.uic), ``_rail_stops`` and ``_rail_stations``."""
    stations = table_ref(source, "stations")
    stops = table_ref(source, "gtfs_stops")
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _rail_uic_map AS
        SELECT gtfs_uic, min(uic) AS uic FROM (
            SELECT uic, unnest(uics) AS gtfs_uic FROM {stations}
            UNION SELECT uic, uic FROM {stations})
        GROUP BY gtfs_uic
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _rail_stops AS
        SELECT s.feed, s.stop_id, m.uic,
               coalesce(m.uic, s.uic, s.feed || ':' || s.stop_id) AS station_key
        FROM {stops} s LEFT JOIN _rail_uic_map m ON m.gtfs_uic = s.uic
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _rail_stations AS
        SELECT (row_number() OVER (ORDER BY station_key))::INTEGER AS station, station_key, uic
        FROM (SELECT station_key, any_value(uic) AS uic FROM _rail_stops GROUP BY station_key)
        """
    )


def _prefix_sql(column: str, prefixes: tuple[str, ...]) -> str:
    """SQL boolean: ``column`` starts with one of ``prefixes`` (FALSE without prefix)."""
    tests = [f"starts_with({column}, '{p.replace(chr(39), chr(39) * 2)}')" for p in prefixes]
    return "(" + " OR ".join(tests) + ")" if tests else "FALSE"


def create_events(con: duckdb.DuckDBPyConnection, *, day: date, source: str | None = None) -> None:
    """``_rail_trips`` and ``_rail_events`` of the trips running on ``day``.

    A trip's mode is decided by its stop points first (``service.toml``, ``car_points_arret`` and
    ``train_points_arret``: every stop point of the trip carries a coach, resp. train, prefix),
    by its ``route_type`` otherwise: the TER feed files coach trips under train routes.
    """
    settings = rail_settings()
    stop_times = table_ref(source, "gtfs_stop_times")
    coach_stop = _prefix_sql("st.stop_id", settings.coach_stop_prefixes)
    train_stop = _prefix_sql("st.stop_id", settings.train_stop_prefixes)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _rail_trips AS
        WITH active AS ({active_trips_sql(day, source=source)}),
        points AS (
            SELECT st.feed, st.trip_id, bool_and({coach_stop}) AS all_coach,
                   bool_and({train_stop}) AS all_train
            FROM {stop_times} st SEMI JOIN active a ON a.feed = st.feed AND a.trip_id = st.trip_id
            GROUP BY st.feed, st.trip_id)
        SELECT (row_number() OVER (ORDER BY a.feed, a.trip_id))::INTEGER AS trip, a.feed,
               a.trip_id,
               CASE WHEN p.all_coach THEN 'car'
                    WHEN p.all_train THEN 'train'
                    WHEN a.route_type IN ({_ints(settings.train_route_types)}) THEN 'train'
                    WHEN a.route_type IN ({_ints(settings.coach_route_types)}) THEN 'car'
                    ELSE 'autre' END AS mode
        FROM active a LEFT JOIN points p ON p.feed = a.feed AND p.trip_id = a.trip_id
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _rail_events AS
        SELECT t.trip, t.feed, t.mode, st.stop_sequence AS seq, s.station,
               coalesce(st.arrival_secs, st.departure_secs) AS arr,
               coalesce(st.departure_secs, st.arrival_secs) AS dep,
               coalesce(st.pickup_type, 0) <> 1 AS board,
               coalesce(st.drop_off_type, 0) <> 1 AS alight
        FROM {stop_times} st
        JOIN _rail_trips t ON t.feed = st.feed AND t.trip_id = st.trip_id
        JOIN _rail_stops sp ON sp.feed = st.feed AND sp.stop_id = st.stop_id
        JOIN _rail_stations s ON s.station_key = sp.station_key
        WHERE coalesce(st.arrival_secs, st.departure_secs) IS NOT NULL
        """
    )


def create_legs(con: duckdb.DuckDBPyConnection) -> None:
    """``_rail_legs`` from ``_rail_events``: every (board, later alight) pair of a trip."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _rail_legs AS
        SELECT a.trip, a.feed, a.mode, a.station AS from_st, a.dep, b.station AS to_st, b.arr
        FROM _rail_events a
        JOIN _rail_events b ON b.trip = a.trip AND b.seq > a.seq
        WHERE a.board AND b.alight AND a.station <> b.station
        """
    )


def drop_work_tables(con: duckdb.DuckDBPyConnection, tables: tuple[str, ...]) -> None:
    """Drop the given TEMP work tables (those that exist)."""
    for table in tables:
        con.execute(f"DROP TABLE IF EXISTS temp.main.{table}")
