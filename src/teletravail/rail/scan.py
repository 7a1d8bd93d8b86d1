"""Journeys with at most one change between every station and every métropole, for one day.

Join-based equivalent of a profile connection scan limited to one change (see
``docs/methodologie/desserte-ferroviaire.md``):

1. *Direct profile* to a métropole M: for each station x outside M, the rides of ``_rail_legs``
   from x to any station of M, reduced to their Pareto set (no other ride leaves x later and
   reaches M earlier or at the same time).
2. *One change at x*: each ride o -> x (o an origin station outside M, x outside M) continues
   with the first ride of x's direct profile leaving at least ``transfer`` seconds after its
   arrival (an ASOF join: in a Pareto set, leaving later means arriving later, so the first one
   that can be caught is the earliest arrival).
3. The direct rides of o and its one-change journeys are merged and reduced to their Pareto set
   again: these are the journeys counted.

Returns (M -> o) mirror it: the direct profile from M to x; each ride x -> o is preceded by the
ride of that profile arriving at x at least ``transfer`` seconds before it leaves and leaving M
last (ASOF join the other way).

Tables created (TEMP): ``_rail_metro_st`` (station of the métropole's ville-centre, metro = SIREN of
the métropole, metro_nom),
``_rail_origins`` (station, uic: stations of the ``stations`` table), ``_rail_out`` and
``_rail_ret`` (origin, metro, dep, arr, changes: Pareto-optimal journeys origin -> métropole and
métropole -> origin; dep and arr in seconds since the day's midnight, changes 0 or 1).
"""

from __future__ import annotations

import duckdb

from teletravail.rail.config import table_ref

WORK_TABLES = (
    "_rail_metro_st",
    "_rail_origins",
    "_rail_prof_out",
    "_rail_prof_ret",
    "_rail_out",
    "_rail_ret",
    "_rail_first",
    "_rail_early",
    "_rail_legs_mode",
)


def pareto_sql(relation: str, keys: tuple[str, ...]) -> str:
    """SELECT keys, dep, arr, changes: the non-dominated journeys of ``relation`` per ``keys``.

    ``relation`` (a SELECT) has columns keys, dep, arr (seconds) and changes (0 or 1). A journey
    is dominated when another one of the same keys leaves later or at the same time and arrives
    earlier or at the same time (and differs in one of the two). Among equal (dep, arr) pairs one
    journey is kept, the direct one when there is one.
    """
    k = ", ".join(keys)
    return f"""
        WITH best AS (
            SELECT {k}, dep, min(arr * 2 + changes) AS code FROM ({relation})
            GROUP BY {k}, dep),
        ranked AS (
            SELECT {k}, dep, code // 2 AS arr, code % 2 AS changes,
                   min(code // 2) OVER (
                       PARTITION BY {k} ORDER BY dep DESC
                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS later_arr
            FROM best)
        SELECT {k}, dep::INTEGER AS dep, arr::INTEGER AS arr, changes::INTEGER AS changes
        FROM ranked WHERE later_arr IS NULL OR arr < later_arr
    """


def create_metropoles(con: duckdb.DuckDBPyConnection, *, source: str | None = None) -> None:
    """``_rail_metro_st`` and ``_rail_origins`` from stations, epci_membres and epcis.

    A métropole is reached at the stations of its ville-centre (its most populous commune: Paris,
    Lille, Rennes...), not at the first station inside its perimeter, so that journey times agree
    with the distance to the métropole measured to that same city.
    """
    stations = table_ref(source, "stations")
    members = table_ref(source, "epci_membres")
    epcis = table_ref(source, "epcis")
    communes = table_ref(source, "communes")
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _rail_metro_st AS
        WITH centre AS (
            SELECT m.epci_siren, arg_max(c.code, c.population) AS commune_code
            FROM {members} m JOIN {communes} c ON c.code = m.commune_code
            GROUP BY m.epci_siren
        )
        SELECT DISTINCT rs.station, e.siren AS metro, e.nom AS metro_nom
        FROM {stations} s
        JOIN centre ON centre.commune_code = s.commune_code
        JOIN {epcis} e ON e.siren = centre.epci_siren AND e.metropole
        JOIN _rail_stations rs ON rs.uic = s.uic
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _rail_origins AS
        SELECT station, uic FROM _rail_stations WHERE uic IS NOT NULL
        """
    )


def create_outbound(
    con: duckdb.DuckDBPyConnection,
    *,
    transfer_secs: int,
    arrival_before_secs: int,
    legs: str = "_rail_legs",
) -> None:
    """``_rail_prof_out`` (direct profiles), ``_rail_out`` (journeys origin -> métropole) and
    ``_rail_early`` (origin, metro, departures): distinct trips leaving the origin from which the
    métropole is reached strictly before ``arrival_before_secs``, directly or with one change
    (dominated journeys included: each is a train a commuter can take). ``legs``: the rides table
    (``_rail_legs`` or a subset of it, e.g. trains only)."""
    direct = f"""
        SELECT l.from_st AS st, m.metro, l.dep, l.arr, 0 AS changes
        FROM {legs} l
        JOIN _rail_metro_st m ON m.station = l.to_st
        ANTI JOIN _rail_metro_st own ON own.station = l.from_st AND own.metro = m.metro
    """
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _rail_prof_out AS " + pareto_sql(direct, ("st", "metro"))
    )
    first_legs = f"""
            SELECT l.trip, l.from_st AS origin, l.to_st AS via, pm.metro, l.dep,
                   l.arr + {int(transfer_secs)} AS ready
            FROM {legs} l
            JOIN (SELECT DISTINCT st, metro FROM _rail_prof_out) pm ON pm.st = l.to_st
            SEMI JOIN _rail_origins o ON o.station = l.from_st
            ANTI JOIN _rail_metro_st own ON own.station = l.from_st AND own.metro = pm.metro"""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _rail_first AS
        WITH f AS ({first_legs})
        SELECT f.trip, f.origin, f.metro, f.dep, p.arr
        FROM f ASOF JOIN _rail_prof_out p
            ON p.st = f.via AND p.metro = f.metro AND f.ready <= p.dep
        """
    )
    journeys = """
        SELECT st AS origin, metro, dep, arr, changes FROM _rail_prof_out
        SEMI JOIN _rail_origins o ON o.station = st
        UNION ALL
        SELECT origin, metro, dep, arr, 1 AS changes FROM _rail_first
    """
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _rail_out AS " + pareto_sql(journeys, ("origin", "metro"))
    )
    before = int(arrival_before_secs)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _rail_early AS
        SELECT origin, metro, count(DISTINCT trip) AS departures FROM (
            SELECT l.trip, l.from_st AS origin, m.metro
            FROM {legs} l
            JOIN _rail_metro_st m ON m.station = l.to_st
            SEMI JOIN _rail_origins o ON o.station = l.from_st
            ANTI JOIN _rail_metro_st own ON own.station = l.from_st AND own.metro = m.metro
            WHERE l.arr < {before}
            UNION ALL
            SELECT trip, origin, metro FROM _rail_first WHERE arr < {before})
        GROUP BY origin, metro
        """
    )


def create_return(
    con: duckdb.DuckDBPyConnection, *, transfer_secs: int, legs: str = "_rail_legs"
) -> None:
    """``_rail_prof_ret`` (direct profiles) and ``_rail_ret`` (journeys métropole -> origin)."""
    direct = f"""
        SELECT m.metro, l.to_st AS st, l.dep, l.arr, 0 AS changes
        FROM {legs} l
        JOIN _rail_metro_st m ON m.station = l.from_st
        ANTI JOIN _rail_metro_st own ON own.station = l.to_st AND own.metro = m.metro
    """
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _rail_prof_ret AS " + pareto_sql(direct, ("metro", "st"))
    )
    journeys = f"""
        WITH last_legs AS (
            SELECT l.to_st AS origin, l.from_st AS via, pm.metro, l.arr,
                   l.dep - {int(transfer_secs)} AS latest
            FROM {legs} l
            JOIN (SELECT DISTINCT st, metro FROM _rail_prof_ret) pm ON pm.st = l.from_st
            SEMI JOIN _rail_origins o ON o.station = l.to_st
            ANTI JOIN _rail_metro_st own ON own.station = l.to_st AND own.metro = pm.metro)
        SELECT st AS origin, metro, dep, arr, changes FROM _rail_prof_ret
        SEMI JOIN _rail_origins o ON o.station = st
        UNION ALL
        SELECT f.origin, f.metro, p.dep, f.arr, 1 AS changes
        FROM last_legs f ASOF JOIN _rail_prof_ret p
            ON p.st = f.via AND p.metro = f.metro AND f.latest >= p.arr
    """
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _rail_ret AS " + pareto_sql(journeys, ("origin", "metro"))
    )
