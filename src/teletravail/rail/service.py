"""Rail service of every station for one day: ``desserte_gares``, ``departs_heure`` and
``desserte_metropoles``.

:func:`compute_rail_service` reads the warehouse tables ``gtfs_*``, ``stations``, ``epcis`` and
``epci_membres`` (qualified by ``source``: ``None`` for the connection's own tables, ``"w"`` for a
warehouse ATTACHed as ``w``), works in TEMP tables (dropped at the end) and creates the three
tables of ``OUTPUT_TABLES`` (``CREATE OR REPLACE``) in the connection's default schema, or as TEMP tables with
``temporary=True`` (for a warehouse opened read-only). Everything is set-based SQL over all
stations at once.

``desserte_gares`` (one row per station of ``stations`` where a trip stops that day):
- uic (``stations.uic``), jour DATE;
- departs_train, departs_car INTEGER: trips leaving the station that day (boarding allowed and a
  later stop where alighting is allowed), by train (route_type 2, and tram-trains 0) or by coach
  (route_type 3);
- destinations INTEGER: distinct stations reachable without change (any mode);
- premier_depart, dernier_depart VARCHAR: first and last departure ``HH:MM`` (service-day time:
  ``24:10`` is 0:10 the next morning), NULL without departure;
- feeds VARCHAR[]: feeds stopping there that day (``longue_distance``, ``ter``).

``departs_heure`` (one row per station of ``stations`` and hour of the service day with at least
one departure; the departures of ``desserte_gares`` spread over the hours, so that the hours of a
station sum to its ``departs_train`` and ``departs_car``):
- uic, jour DATE;
- heure INTEGER: hour of the service day, ``dep // 3600`` of the trip's departure from the station
  (24 and more: after midnight, on trips that began the day before); a trip calling twice at the
  station counts once, in the hour of its first departure;
- departs_train, departs_car INTEGER: trips leaving the station in that hour, same definition as
  ``desserte_gares`` (boarding allowed and a later stop where alighting is allowed; mode of
  ``_rail_trips``).

``desserte_metropoles`` (one row per station, métropole and ``mode`` reachable that day with at
most one change; a station inside a métropole has no row for its own métropole):
- uic, jour, metropole_siren, metropole_nom;
- mode VARCHAR: ``train`` (journeys by train only: the headline figures) or ``train_car``
  (journeys that may also use TER coaches, kept apart);
- duree_min_minutes INTEGER: fastest journey (departure from the station to arrival at any station
  of the métropole), minutes;
- allers_avant_9h INTEGER: distinct departures (trips leaving the station) from which the
  métropole is reached strictly before 09:00, directly or with one change;
- premiere_arrivee VARCHAR: earliest arrival in the métropole (``HH:MM``);
- retours_apres_17h30 INTEGER: Pareto-optimal journeys leaving the métropole at 17:30 or later and
  arriving at the station the same service day;
- dernier_retour VARCHAR: departure time from the métropole of the last journey back (``HH:MM``),
  NULL without return;
- correspondances INTEGER: 0 when the fastest journey is direct, else 1.
"""

from __future__ import annotations

from datetime import date

import duckdb

from teletravail.errors import ConfigError
from teletravail.rail.calendar import check_reference_day
from teletravail.rail.config import rail_settings
from teletravail.rail.legs import (
    WORK_TABLES as LEG_TABLES,
)
from teletravail.rail.legs import (
    create_events,
    create_legs,
    create_stations,
    drop_work_tables,
)
from teletravail.rail.scan import WORK_TABLES as SCAN_TABLES
from teletravail.rail.scan import create_metropoles, create_outbound, create_return

OUTPUT_TABLES = ("desserte_gares", "departs_heure", "desserte_metropoles")
MAX_TRANSFER_MINUTES = 180


def hhmm_sql(secs: str) -> str:
    """SQL giving ``HH:MM`` text of a number of seconds since midnight (hours may pass 24)."""
    return f"CASE WHEN {secs} IS NOT NULL THEN printf('%02d:%02d', {secs} // 3600, ({secs} % 3600) // 60) END"


def _create_gares(con: duckdb.DuckDBPyConnection, day: date, verb: str) -> None:
    con.execute(
        f"""
        {verb} desserte_gares AS
        WITH deps AS (
            SELECT from_st AS station,
                   count(DISTINCT trip) FILTER (WHERE mode = 'train') AS departs_train,
                   count(DISTINCT trip) FILTER (WHERE mode = 'car') AS departs_car,
                   count(DISTINCT to_st) AS destinations,
                   min(dep) AS first_dep, max(dep) AS last_dep
            FROM _rail_legs GROUP BY from_st),
        served AS (
            SELECT station, list_sort(list(DISTINCT feed)) AS feeds
            FROM _rail_events WHERE board OR alight GROUP BY station)
        SELECT o.uic, DATE '{day.isoformat()}' AS jour,
               coalesce(d.departs_train, 0)::INTEGER AS departs_train,
               coalesce(d.departs_car, 0)::INTEGER AS departs_car,
               coalesce(d.destinations, 0)::INTEGER AS destinations,
               {hhmm_sql("d.first_dep")} AS premier_depart,
               {hhmm_sql("d.last_dep")} AS dernier_depart,
               s.feeds
        FROM served s
        JOIN _rail_origins o ON o.station = s.station
        LEFT JOIN deps d ON d.station = s.station
        ORDER BY o.uic
        """
    )


def _create_hours(con: duckdb.DuckDBPyConnection, day: date, verb: str) -> None:
    """``departs_heure`` from ``_rail_legs`` (see the module docstring)."""
    con.execute(
        f"""
        {verb} departs_heure AS
        WITH firsts AS (
            SELECT from_st AS station, trip, any_value(mode) AS mode, min(dep) AS dep
            FROM _rail_legs GROUP BY from_st, trip)
        SELECT o.uic, DATE '{day.isoformat()}' AS jour, (f.dep // 3600)::INTEGER AS heure,
               count(*) FILTER (WHERE f.mode = 'train')::INTEGER AS departs_train,
               count(*) FILTER (WHERE f.mode = 'car')::INTEGER AS departs_car
        FROM firsts f JOIN _rail_origins o ON o.station = f.station
        WHERE f.mode IN ('train', 'car')
        GROUP BY o.uic, heure
        ORDER BY o.uic, heure
        """
    )


MODES = ("train", "train_car")


def _create_metropoles(
    con: duckdb.DuckDBPyConnection, day: date, verb: str | None, mode: str
) -> None:
    """Rows of ``mode`` from ``_rail_out``/``_rail_ret``/``_rail_early``: created by ``verb``
    (``CREATE ...``) or appended (``verb`` None)."""
    settings = rail_settings()
    head = f"{verb} desserte_metropoles AS" if verb else "INSERT INTO desserte_metropoles"
    con.execute(
        f"""
        {head}
        WITH outbound AS (
            SELECT origin, metro, min(arr - dep) AS best, min(arr) AS first_arr
            FROM _rail_out GROUP BY origin, metro),
        fastest AS (
            SELECT j.origin, j.metro, min(j.changes) AS changes
            FROM _rail_out j JOIN outbound o USING (origin, metro)
            WHERE j.arr - j.dep = o.best GROUP BY j.origin, j.metro),
        back AS (
            SELECT origin, metro,
                   count(*) FILTER (WHERE dep >= {settings.return_from_secs}) AS after,
                   max(dep) AS last_dep
            FROM _rail_ret GROUP BY origin, metro),
        names AS (SELECT DISTINCT metro, metro_nom FROM _rail_metro_st)
        SELECT st.uic, DATE '{day.isoformat()}' AS jour,
               o.metro AS metropole_siren, n.metro_nom AS metropole_nom,
               '{mode}' AS mode,
               (o.best // 60)::INTEGER AS duree_min_minutes,
               coalesce(e.departures, 0)::INTEGER AS allers_avant_9h,
               {hhmm_sql("o.first_arr")} AS premiere_arrivee,
               coalesce(b.after, 0)::INTEGER AS retours_apres_17h30,
               {hhmm_sql("b.last_dep")} AS dernier_retour,
               f.changes::INTEGER AS correspondances
        FROM outbound o
        JOIN fastest f USING (origin, metro)
        JOIN _rail_origins st ON st.station = o.origin
        JOIN names n ON n.metro = o.metro
        LEFT JOIN back b USING (origin, metro)
        LEFT JOIN _rail_early e USING (origin, metro)
        ORDER BY st.uic, duree_min_minutes, metropole_siren
        """
    )


def compute_rail_service(
    con: duckdb.DuckDBPyConnection,
    *,
    day: date,
    min_transfer_minutes: int = 5,
    source: str | None = None,
    temporary: bool = False,
    modes: tuple[str, ...] = MODES,
) -> None:
    """Create ``desserte_gares``, ``departs_heure`` and ``desserte_metropoles`` for ``day`` (see
    the module docstring).

    ``min_transfer_minutes``: minimal change time at a station (minutes, 0 to 180).
    ``modes``: the journey modes computed (``train`` and ``train_car``; the diagnostic needs only
    ``train``, which halves the time).
    ``day`` must lie in the validity of every feed (ConfigError otherwise).
    """
    if not 0 <= min_transfer_minutes <= MAX_TRANSFER_MINUTES:
        raise ConfigError(
            f"Temps de correspondance invalide : {min_transfer_minutes} min (attendu : un nombre "
            f"de minutes entre 0 et {MAX_TRANSFER_MINUTES}, par défaut "
            f"{rail_settings().default_transfer_minutes})."
        )
    check_reference_day(con, day, source=source)
    verb = "CREATE OR REPLACE TEMP TABLE" if temporary else "CREATE OR REPLACE TABLE"
    try:
        create_stations(con, source=source)
        create_events(con, day=day, source=source)
        create_legs(con)
        create_metropoles(con, source=source)
        transfer = min_transfer_minutes * 60
        _create_gares(con, day, verb)
        _create_hours(con, day, verb)
        if not modes or any(m not in MODES for m in modes):
            raise ConfigError(f"Modes inconnus : {modes} (attendus : {', '.join(MODES)}).")
        for mode in modes:
            where = "WHERE mode = 'train'" if mode == "train" else ""
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE _rail_legs_mode AS SELECT * FROM _rail_legs {where}"
            )
            create_outbound(
                con,
                transfer_secs=transfer,
                arrival_before_secs=rail_settings().arrival_before_secs,
                legs="_rail_legs_mode",
            )
            create_return(con, transfer_secs=transfer, legs="_rail_legs_mode")
            _create_metropoles(con, day, verb if mode == modes[0] else None, mode)
    finally:
        drop_work_tables(con, LEG_TABLES + SCAN_TABLES)
