"""Hand checks of the rail service on the real SNCF feeds (integration: ``warehouse`` fixture).

Reference day: Tuesday 28/01/2025 (the TER feed is valid from 22/01/2025; 21/01 is before it).
The literal numbers below were counted from the raw GTFS text of the mirror's zips
(``export-ter-gtfs-last.zip``, ``export_gtfs_voyages.zip``) with a separate script reading
``calendar_dates.txt``, ``trips.txt``, ``routes.txt`` and ``stop_times.txt`` with the csv module;
the tests also recount them by brute force (plain SQL over the raw gtfs_* tables, then Python
loops over every pair of rides), independently of ``teletravail.rail``.

Examples seen in the feed text:
- Vitré -> Rennes Métropole (its ville-centre, Rennes), 20 min: TER 08:52 -> Rennes 09:12.
- Sens -> Grand Paris, 56 min: 21:30 -> Paris Bercy 22:26. Before 9:00: 04:44 -> Paris Gare de
  Lyon 06:13, 05:30 -> Bercy 06:35, 06:30 -> 07:35, 07:30 -> 08:34; the 05:27 -> 06:47 (Gare de
  Lyon) is dominated by the 05:30 -> 06:35, 06:14 and 06:28 by the 06:30, 07:14 and 07:26 by the
  07:30: 4 journeys counted out of 9 arriving before 9:00.
- Saint-Omer -> Métropole Européenne de Lille, 45 min to Lille Flandres (11:02 -> 11:47; the
  métropole is reached at its ville-centre, not at Armentières, 30 min); Saint-Omer -> Paris
  2 h 09 with one change (first arrival 08:09).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest
import typer
from typer.testing import CliRunner

from teletravail.cli.rail import desserte
from teletravail.rail.calendar import default_reference_day
from teletravail.rail.service import compute_rail_service
from teletravail.rail.stations import busiest_territory_station, station_departures_by_hour

DAY = date(2025, 1, 28)
VITRE, SENS, SAINT_OMER = "87471508", "87683003", "87281444"
NEVERS, COMPIEGNE, LIBOURNE = "87696005", "87276691", "87584052"
BORDEAUX_M = "243300316"
RENNES_M, PARIS_M, LILLE_M, DIJON_M = "243500139", "200054781", "200093201", "242100410"

Journey = tuple[int, int, int]  # departure, arrival (seconds), changes


@pytest.fixture(scope="module")
def rail(warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """In-memory connection with the warehouse ATTACHed as ``w`` and the service computed."""
    con = duckdb.connect()
    con.execute(f"ATTACH '{warehouse}' AS w (READ_ONLY)")
    compute_rail_service(con, day=DAY, source="w")
    yield con
    con.close()


def _row(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> dict[str, Any]:
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    rows = cur.fetchall()
    assert len(rows) == 1, rows
    return dict(zip(names, rows[0], strict=True))


def test_default_day(rail: duckdb.DuckDBPyConnection) -> None:
    assert default_reference_day(rail, source="w") == DAY


@pytest.mark.parametrize(
    ("uic", "trains", "coaches"),
    # Sens: 53 before coaches were told apart, of which 9 coach trips filed under train routes
    [(VITRE, 48, 0), (SENS, 44, 9), (SAINT_OMER, 50, 0), (NEVERS, 45, 4), (COMPIEGNE, 68, 3)],
)
def test_departures_by_hand(
    rail: duckdb.DuckDBPyConnection, uic: str, trains: int, coaches: int
) -> None:
    # Plain count over the raw tables: trips running that day (the feeds have only
    # calendar_dates additions) boarding at one of the station's UICs before a later drop-off;
    # a trip whose stop points are « StopPoint:OCECar… » is a coach whatever its route_type.
    (by_hand, coach_by_hand) = rail.execute(
        """
        WITH st AS (
            SELECT x.feed, x.trip_id, x.stop_sequence, x.pickup_type, x.drop_off_type, s.uic,
                   x.stop_id LIKE 'StopPoint:OCECar%' AS coach
            FROM w.gtfs_stop_times x
            JOIN w.gtfs_stops s ON s.feed = x.feed AND s.stop_id = x.stop_id
            JOIN w.gtfs_trips t ON t.feed = x.feed AND t.trip_id = x.trip_id
            JOIN w.gtfs_calendar_dates c ON c.feed = t.feed AND c.service_id = t.service_id
                 AND c.date = $day AND c.exception_type = 1)
        SELECT count(DISTINCT (a.feed, a.trip_id)) FILTER (WHERE NOT a.coach),
               count(DISTINCT (a.feed, a.trip_id)) FILTER (WHERE a.coach) FROM st a
        WHERE list_contains((SELECT uics FROM w.stations WHERE uic = $uic), a.uic)
          AND a.pickup_type <> 1
          AND EXISTS (SELECT 1 FROM st b WHERE b.feed = a.feed AND b.trip_id = a.trip_id
                      AND b.stop_sequence > a.stop_sequence AND b.drop_off_type <> 1)
        """,
        {"day": DAY, "uic": uic},
    ).fetchone() or (None, None)
    assert (by_hand, coach_by_hand) == (trains, coaches)
    row = _row(rail, "SELECT * FROM desserte_gares WHERE uic = ?", [uic])
    assert (row["departs_train"], row["departs_car"]) == (trains, coaches)


def test_coach_trips_under_train_routes(rail: duckdb.DuckDBPyConnection) -> None:
    # 712 TER trips that day run under train routes (route_type 2) with coach stop points.
    (n,) = rail.execute(
        """
        SELECT count(DISTINCT t.trip_id) FROM w.gtfs_trips t
        JOIN w.gtfs_routes r ON r.feed = t.feed AND r.route_id = t.route_id AND r.route_type = 2
        JOIN w.gtfs_calendar_dates c ON c.feed = t.feed AND c.service_id = t.service_id
             AND c.date = $day AND c.exception_type = 1
        WHERE t.feed = 'ter' AND EXISTS (
            SELECT 1 FROM w.gtfs_stop_times x WHERE x.feed = t.feed AND x.trip_id = t.trip_id
              AND x.stop_id LIKE 'StopPoint:OCECar TER-%')
        """,
        {"day": DAY},
    ).fetchone() or (None,)
    assert n == 712


def test_libourne_last_return_is_a_coach(rail: duckdb.DuckDBPyConnection) -> None:
    # Last journeys Bordeaux -> Libourne that day: trains 21:27 and 21:34, then a TER coach 22:10.
    rows = {
        r[0]: r[1:]
        for r in rail.execute(
            "SELECT mode, dernier_retour, retours_apres_17h30 FROM desserte_metropoles "
            "WHERE uic = ? AND metropole_siren = ?",
            [LIBOURNE, BORDEAUX_M],
        ).fetchall()
    }
    assert rows == {"train": ("21:34", 17), "train_car": ("22:10", 18)}


@pytest.fixture(scope="module")
def brute(rail: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[int, str, int, str]]]:
    """Rides without change by departure station (dep, arrival station, arr, trip), rebuilt
    from the raw tables with plain SQL and Python loops."""
    rows = rail.execute(
        """
        SELECT x.feed || '/' || x.trip_id, x.stop_sequence, coalesce(m.uic, s.uic),
               x.arrival_secs, x.departure_secs, x.pickup_type, x.drop_off_type
        FROM w.gtfs_stop_times x
        JOIN w.gtfs_trips t ON t.feed = x.feed AND t.trip_id = x.trip_id
        JOIN w.gtfs_routes r ON r.feed = t.feed AND r.route_id = t.route_id
             AND r.route_type <> 3  -- coach routes out (navettes HPI included)
        JOIN w.gtfs_calendar_dates c ON c.feed = t.feed AND c.service_id = t.service_id
             AND c.date = $day AND c.exception_type = 1
        JOIN w.gtfs_stops s ON s.feed = x.feed AND s.stop_id = x.stop_id
        LEFT JOIN (SELECT unnest(uics) AS u, uic FROM w.stations) m ON m.u = s.uic
        WHERE x.stop_id NOT LIKE 'StopPoint:OCECar%'  -- coach trips filed under train routes
        ORDER BY 1, 2
        """,
        {"day": DAY},
    ).fetchall()
    trips: dict[str, list[tuple[str, int, int, int, int]]] = defaultdict(list)
    for trip, _seq, station, arr, dep, pickup, drop in rows:
        trips[trip].append((station, arr, dep, pickup, drop))
    rides: dict[str, list[tuple[int, str, int, str]]] = defaultdict(list)
    for trip, calls in trips.items():
        for i, (station, _arr, dep, pickup, _drop) in enumerate(calls):
            if pickup == 1:
                continue
            for station2, arr2, _dep2, _pickup2, drop2 in calls[i + 1 :]:
                if drop2 != 1 and station2 != station:
                    rides[station].append((dep, station2, arr2, trip))
    return rides


def _metro(rail: duckdb.DuckDBPyConnection, siren: str) -> set[str]:
    """Stations of the métropole's ville-centre (its most populous commune)."""
    rows = rail.execute(
        "SELECT s.uic FROM w.stations s WHERE s.commune_code = (SELECT c.code FROM w.communes c "
        "JOIN w.epci_membres m ON m.commune_code = c.code WHERE m.epci_siren = ? "
        "ORDER BY c.population DESC LIMIT 1)",
        [siren],
    ).fetchall()
    return {r[0] for r in rows}


def _pareto(journeys: list[Journey]) -> list[Journey]:
    best: dict[int, tuple[int, int]] = {}
    for dep, arr, changes in journeys:
        if dep not in best or (arr, changes) < best[dep]:
            best[dep] = (arr, changes)
    kept: list[Journey] = []
    for dep in sorted(best, reverse=True):
        arr, changes = best[dep]
        if not kept or arr < kept[-1][1]:
            kept.append((dep, arr, changes))
    return kept


def _outbound(
    rides: dict[str, list[tuple[int, str, int, str]]], origin: str, dest: set[str]
) -> list[Journey]:
    out: list[Journey] = []
    for dep, via, arr, trip in rides[origin]:
        if via in dest:
            out.append((dep, arr, 0))
            continue
        for dep2, to, arr2, trip2 in rides[via]:
            if to in dest and dep2 >= arr + 300 and trip2 != trip:
                out.append((dep, arr2, 1))
    return out


def _returns(
    rides: dict[str, list[tuple[int, str, int, str]]], origin: str, metro: set[str]
) -> list[Journey]:
    back: list[Journey] = []
    for station in metro:
        for dep, via, arr, trip in rides[station]:
            if via == origin:
                back.append((dep, arr, 0))
            elif via not in metro:
                for dep2, to, arr2, trip2 in rides[via]:
                    if to == origin and dep2 >= arr + 300 and trip2 != trip:
                        back.append((dep, arr2, 1))
    return back


def _early_departures(
    rides: dict[str, list[tuple[int, str, int, str]]], origin: str, dest: set[str]
) -> int:
    """Distinct trips leaving ``origin`` from which ``dest`` is reached before 9:00."""
    trips: set[str] = set()
    for _dep, via, arr, trip in rides[origin]:
        direct = via in dest and arr < 9 * 3600
        if direct or any(
            to in dest and dep2 >= arr + 300 and trip2 != trip and arr2 < 9 * 3600
            for dep2, to, arr2, trip2 in rides[via]
        ):
            trips.add(trip)
    return len(trips)


def _hhmm(secs: int) -> str:
    return f"{secs // 3600:02d}:{secs % 3600 // 60:02d}"


@pytest.mark.parametrize(
    ("uic", "siren", "expected"),
    [
        # duree_min_minutes, correspondances, allers_avant_9h, premiere_arrivee,
        # retours_apres_17h30, dernier_retour (counted from the feed text, see the docstring)
        # (allers: distinct departures reaching the métropole before 9:00; Sens -> Paris: the 9
        # direct trains arriving before 9:00 plus the 06:24 and 06:42 with one change = 11)
        (VITRE, RENNES_M, (20, 0, 13, "06:48", 9, "20:36")),
        (VITRE, PARIS_M, (111, 1, 3, "07:51", 2, "19:00")),
        (SENS, PARIS_M, (56, 0, 11, "06:13", 5, "22:35")),
        (SENS, DIJON_M, (112, 0, 3, "08:25", 3, "19:35")),
        (SAINT_OMER, LILLE_M, (45, 0, 10, "06:47", 10, "21:13")),
        (SAINT_OMER, PARIS_M, (129, 1, 1, "08:09", 4, "19:45")),
    ],
)
def test_metropoles_by_hand(
    rail: duckdb.DuckDBPyConnection,
    brute: dict[str, list[tuple[int, str, int, str]]],
    uic: str,
    siren: str,
    expected: tuple[int, int, int, str, int, str],
) -> None:
    metro = _metro(rail, siren)
    out = _outbound(brute, uic, metro)
    fastest = min(a - d for d, a, _ in out)
    back = _pareto(_returns(brute, uic, metro))
    by_hand = (
        fastest // 60,
        min(c for d, a, c in out if a - d == fastest),
        _early_departures(brute, uic, metro),
        _hhmm(min(a for _, a, _ in out)),
        sum(1 for d, _, _ in back if d >= 17 * 3600 + 30 * 60),
        _hhmm(max(d for d, _, _ in back)),
    )
    assert by_hand == expected
    row = _row(
        rail,
        "SELECT * FROM desserte_metropoles WHERE uic = ? AND metropole_siren = ? AND mode = 'train'",
        [uic, siren],
    )
    assert (
        row["duree_min_minutes"],
        row["correspondances"],
        row["allers_avant_9h"],
        row["premiere_arrivee"],
        row["retours_apres_17h30"],
        row["dernier_retour"],
    ) == expected


def test_no_row_for_own_metropole(rail: duckdb.DuckDBPyConnection) -> None:
    (n,) = rail.execute(
        "SELECT count(*) FROM desserte_metropoles WHERE uic = '87471003' "  # Rennes
        f"AND metropole_siren = '{RENNES_M}'"
    ).fetchone() or (None,)
    assert n == 0


def test_cli_desserte_json(warehouse: Path) -> None:
    app = typer.Typer()
    app.command("desserte")(desserte)
    app.command("aide")(lambda: None)  # two commands: the name « desserte » is required
    result = CliRunner().invoke(
        app, ["desserte", "Vitré Communauté", "--format", "json", "--entrepot", str(warehouse)]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["jour"] == "2025-01-28" and payload["jour_par_defaut"] is True
    gares = {g["nom"]: g for g in payload["gares"]}
    vitre = gares["Vitré"]
    assert (vitre["departs_train"], vitre["flux"]) == (48, ["longue_distance", "ter"])
    rennes = vitre["metropoles"][0]
    assert (rennes["metropole_nom"], rennes["duree_min_minutes"]) == ("Rennes Métropole", 20)


def test_cli_desserte_date_outside_validity(warehouse: Path) -> None:
    app = typer.Typer()
    app.command("desserte")(desserte)
    app.command("aide")(lambda: None)
    result = CliRunner().invoke(
        app, ["desserte", "Sens", "--date", "2025-06-03", "--entrepot", str(warehouse)]
    )
    assert result.exit_code == 2
    assert "entre le 22/01/2025 et le 22/04/2025" in result.output


def test_cli_desserte_text(warehouse: Path) -> None:
    app = typer.Typer()
    app.command("desserte")(desserte)
    app.command("aide")(lambda: None)
    result = CliRunner().invoke(
        app,
        ["desserte", "Saint-Omer", "--correspondance-min", "10", "--entrepot", str(warehouse)],
        env={"COLUMNS": "120"},
    )
    assert result.exit_code == 0, result.output
    assert "mardi 28/01/2025" in result.output and "au moins 10 min" in result.output
    assert "Métropole Européenne de Lille" in result.output
    assert "Transilien" in result.output and "Intercités" in result.output


def test_no_tgv_stop_at_libourne_albi_saint_omer(rail: duckdb.DuckDBPyConnection) -> None:
    # stops.txt of export_gtfs_voyages.zip (503 lines) names none of the three towns
    rows = rail.execute(
        "SELECT stop_name FROM w.gtfs_stops WHERE feed = 'longue_distance' "
        "AND (stop_name ILIKE '%libourne%' OR stop_name ILIKE '%albi%' "
        "OR stop_name ILIKE '%saint-omer%')"
    ).fetchall()
    assert rows == []
    feeds = rail.execute(
        "SELECT s.nom, g.feeds FROM desserte_gares g JOIN w.stations s USING (uic) "
        "WHERE s.nom IN ('Libourne', 'Saint-Omer')"
    ).fetchall()
    assert sorted(feeds) == [("Libourne", ["ter"]), ("Saint-Omer", ["ter"])]


def _raw_departures_by_hour(mirror: Path, uic: str, day: date) -> dict[int, tuple[int, int]]:
    """Hour -> (trains, coaches) leaving station ``uic`` on ``day``, counted straight from the
    text files of the mirror's two GTFS zips with the csv module (not from the warehouse): trips
    whose service runs that day (calendar.txt when present, calendar_dates.txt additions and
    removals), a call at one of the station's stop points (stop_id ending in ``-<uic>``) where
    boarding is allowed, followed by a call at another station where alighting is allowed; hour of
    the first such departure (``HH`` of departure_time, 24 and more after midnight); coach when
    every stop point of the trip is « StopPoint:OCECar… » or its route_type is 3."""
    out: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    ymd, weekday = day.strftime("%Y%m%d"), day.strftime("%A").lower()
    for name in ("export-ter-gtfs-last.zip", "export_gtfs_voyages.zip"):
        with zipfile.ZipFile(mirror / "sncf" / "gtfs" / name) as zf:

            def rows(member: str, zf: zipfile.ZipFile = zf) -> Iterator[dict[str, str]]:
                with zf.open(member) as f:
                    yield from csv.DictReader(io.TextIOWrapper(f, encoding="utf-8-sig"))

            services: set[str] = set()
            if "calendar.txt" in zf.namelist():
                services = {
                    r["service_id"]
                    for r in rows("calendar.txt")
                    if r[weekday] == "1" and r["start_date"] <= ymd <= r["end_date"]
                }
            for r in rows("calendar_dates.txt"):
                if r["date"] == ymd:
                    (services.add if r["exception_type"] == "1" else services.discard)(
                        r["service_id"]
                    )
            route_type = {r["route_id"]: r["route_type"] for r in rows("routes.txt")}
            trips = {
                r["trip_id"]: route_type[r["route_id"]]
                for r in rows("trips.txt")
                if r["service_id"] in services
            }
            calls: dict[str, list[tuple[int, str, str, str, str]]] = defaultdict(list)
            for r in rows("stop_times.txt"):
                if r["trip_id"] in trips:
                    time = r["departure_time"] or r["arrival_time"]
                    calls[r["trip_id"]].append(
                        (
                            int(r["stop_sequence"]),
                            r["stop_id"],
                            time,
                            r.get("pickup_type") or "0",
                            r.get("drop_off_type") or "0",
                        )
                    )
        for trip, stops in calls.items():
            stops.sort()
            coach = trips[trip] == "3" or all(s[1].startswith("StopPoint:OCECar") for s in stops)
            for i, (_seq, stop_id, time, pickup, _drop) in enumerate(stops):
                if not stop_id.endswith(f"-{uic}") or pickup == "1":
                    continue
                if any(s[4] != "1" and not s[1].endswith(f"-{uic}") for s in stops[i + 1 :]):
                    out[int(time.split(":")[0])][1 if coach else 0] += 1
                    break
    return {h: (v[0], v[1]) for h, v in sorted(out.items())}


def test_vitre_departures_by_hour_from_raw_files(
    rail: duckdb.DuckDBPyConnection, mirror: Path
) -> None:
    by_hand = _raw_departures_by_hour(mirror, VITRE, DAY)
    # no train leaves Vitré at 10, 14 or 20 h that day; no coach at all
    assert by_hand == {
        **{5: (1, 0), 6: (4, 0), 7: (6, 0), 8: (5, 0), 9: (3, 0), 11: (2, 0), 12: (2, 0)},
        **{13: (4, 0), 15: (2, 0), 16: (3, 0), 17: (6, 0), 18: (4, 0), 19: (5, 0), 21: (1, 0)},
    }
    hours = station_departures_by_hour(rail, VITRE)
    assert {h.heure: (h.train, h.car) for h in hours if h.train or h.car} == by_hand
    assert [h.heure for h in hours] == list(range(min(by_hand), max(by_hand) + 1))
    assert sum(t for t, _ in by_hand.values()) == 48  # desserte_gares, test_departures_by_hand
    assert busiest_territory_station(rail, "epci", "200039022", source="w") == (VITRE, "Vitré")
