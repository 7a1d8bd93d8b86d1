"""A tiny synthetic network written as warehouse tables (gtfs_*, stations, epcis, epci_membres).

Day of the journeys: Tuesday 2025-01-28 (DAY). Stations (UIC -> role):

- A 87000001, B 87000002, C 87000007: origins outside the métropole;
- H 87000003: hub where TER trains meet long-distance trains (change between feeds);
- M1 87000004 and M2 87000005 (M2 also known as 87000015, the UIC used by the long-distance
  feed): stations of the métropole « Métropole Test » (SIREN 200000001);
- Y 87000009: a station never served.

TER trips (service S1, only on 2025-01-28 and 2025-01-29; S2 only on 2025-01-29):
- T1 train A 07:00 -> B 07:20 -> M1 08:00            (A->M 60 min, B->M 40 min)
- T2 train A 06:30 -> M1 07:45                       (75 min)
- T3 train A 06:50 -> M1 08:10                       (dominated by T1: leaves before, arrives after)
- T4 train A 07:10 -> H 07:30                        (+ L1 at H 07:40: A->M2 08:10, one change)
- T5 train C 07:00 -> H 07:36                        (L1 at 07:40 needs a 4-min change)
- T6 train M1 23:50 -> A 24:20                       (after midnight)
- T7 train M1 18:00 -> A 19:00
- T8 train A 24:05 -> B 24:25                        (departure after midnight)
- T9 train A 10:00 (no pick-up) -> M1 10:30           (not a departure from A)
- K1 coach A 12:00 -> B 12:30
- T10 train A 05:00 -> M1 05:20 on S2                (not running on 2025-01-28)
Long-distance trips (calendar: Tuesdays of 2025-01-01..2025-03-31, removed 2025-02-04):
- L1 H 07:40 -> M2 08:10, L2 H 08:00 -> M2 08:30.

Validity: TER 2025-01-20..2025-02-28, long distance 2025-01-01..2025-03-31 (feed_info).
"""

from __future__ import annotations

from datetime import date

import duckdb

from teletravail.opendata.loaders.gtfs import SCHEMAS

DAY = date(2025, 1, 28)
METRO = "200000001"
UIC = {
    "A": "87000001",
    "B": "87000002",
    "H": "87000003",
    "M1": "87000004",
    "M2": "87000005",
    "C": "87000007",
    "Y": "87000009",
}

# trip -> (feed, route, service, [(station code, arrival, departure, pickup_type, drop_off_type)])
TRIPS: dict[str, tuple[str, str, str, list[tuple[str, str, str, int, int]]]] = {
    "T1": (
        "ter",
        "R_TER",
        "S1",
        [
            ("A", "07:00", "07:00", 0, 1),
            ("B", "07:20", "07:20", 0, 0),
            ("M1", "08:00", "08:00", 1, 0),
        ],
    ),
    "T2": ("ter", "R_TER", "S1", [("A", "06:30", "06:30", 0, 1), ("M1", "07:45", "07:45", 1, 0)]),
    "T3": ("ter", "R_TER", "S1", [("A", "06:50", "06:50", 0, 1), ("M1", "08:10", "08:10", 1, 0)]),
    "T4": ("ter", "R_TER", "S1", [("A", "07:10", "07:10", 0, 1), ("H", "07:30", "07:30", 1, 0)]),
    "T5": ("ter", "R_TER", "S1", [("C", "07:00", "07:00", 0, 1), ("H", "07:36", "07:36", 1, 0)]),
    "T6": ("ter", "R_TER", "S1", [("M1", "23:50", "23:50", 0, 1), ("A", "24:20", "24:20", 1, 0)]),
    "T7": ("ter", "R_TER", "S1", [("M1", "18:00", "18:00", 0, 1), ("A", "19:00", "19:00", 1, 0)]),
    "T8": ("ter", "R_TER", "S1", [("A", "24:05", "24:05", 0, 1), ("B", "24:25", "24:25", 1, 0)]),
    "T9": ("ter", "R_TER", "S1", [("A", "10:00", "10:00", 1, 1), ("M1", "10:30", "10:30", 1, 0)]),
    "K1": ("ter", "R_CAR", "S1", [("A", "12:00", "12:00", 0, 1), ("B", "12:30", "12:30", 1, 0)]),
    "T10": ("ter", "R_TER", "S2", [("A", "05:00", "05:00", 0, 1), ("M1", "05:20", "05:20", 1, 0)]),
    "L1": (
        "longue_distance",
        "R_TGV",
        "LD",
        [("H", "07:40", "07:40", 0, 1), ("M2", "08:10", "08:10", 1, 0)],
    ),
    "L2": (
        "longue_distance",
        "R_TGV",
        "LD",
        [("H", "08:00", "08:00", 0, 1), ("M2", "08:30", "08:30", 1, 0)],
    ),
}
# Stop ids as in the SNCF feeds; the long-distance feed knows M2 by its second UIC.
STOP_UIC = {("longue_distance", "M2"): "87000015"}
STOP_PREFIX = {"R_TER": "OCETrain TER", "R_CAR": "OCECar TER", "R_TGV": "OCETGV INOUI"}


def _secs(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 3600 + int(m) * 60


def _create(con: duckdb.DuckDBPyConnection, table: str) -> None:
    cols = ", ".join(["feed VARCHAR", *(f"{n} {t}" for n, t in SCHEMAS[table].items())])
    con.execute(f"CREATE TABLE {table} ({cols})")


def build_network(con: duckdb.DuckDBPyConnection) -> None:
    """Create and fill every table of the synthetic network in ``con``."""
    for table in SCHEMAS:
        _create(con, table)
    con.execute(
        "INSERT INTO gtfs_feed_info VALUES "
        "('ter', 'SNCF', NULL, 'fr', DATE '2025-01-20', DATE '2025-02-28', 'v1'), "
        "('longue_distance', 'SNCF', NULL, 'fr', DATE '2025-01-01', DATE '2025-03-31', 'v1')"
    )
    con.execute(
        "INSERT INTO gtfs_routes VALUES "
        "('ter', 'R_TER', 'A1', 'TER', 'Ligne TER', 2, NULL, NULL), "
        "('ter', 'R_CAR', 'A1', 'CAR', 'Car TER', 3, NULL, NULL), "
        "('longue_distance', 'R_TGV', 'A2', 'TGV', 'TGV', 2, NULL, NULL)"
    )
    con.execute(
        "INSERT INTO gtfs_calendar_dates VALUES "
        "('ter', 'S1', DATE '2025-01-28', 1), ('ter', 'S1', DATE '2025-01-29', 1), "
        "('ter', 'S2', DATE '2025-01-29', 1), ('longue_distance', 'LD', DATE '2025-02-04', 2)"
    )
    con.execute(
        "INSERT INTO gtfs_calendar VALUES ('longue_distance', 'LD', false, true, false, false, "
        "false, false, false, DATE '2025-01-01', DATE '2025-03-31')"
    )
    stops: set[tuple[str, str, str]] = set()
    for trip, (feed, route, service, calls) in TRIPS.items():
        con.execute(
            "INSERT INTO gtfs_trips VALUES (?, ?, ?, ?, NULL, NULL, NULL, NULL)",
            [feed, trip, route, service],
        )
        for seq, (code, arr, dep, pickup, drop) in enumerate(calls):
            uic = STOP_UIC.get((feed, code), UIC[code])
            stop_id = f"StopPoint:{STOP_PREFIX[route]}-{uic}"
            stops.add((feed, stop_id, uic))
            con.execute(
                "INSERT INTO gtfs_stop_times VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    feed,
                    trip,
                    seq,
                    stop_id,
                    f"{arr}:00",
                    f"{dep}:00",
                    _secs(arr),
                    _secs(dep),
                    pickup,
                    drop,
                ],
            )
    for feed, stop_id, uic in sorted(stops):
        con.execute(
            "INSERT INTO gtfs_stops VALUES (?, ?, ?, 48.0, 2.0, 0, ?, ?)",
            [feed, stop_id, stop_id, f"StopArea:OCE{uic}", uic],
        )
    con.execute(
        "CREATE TABLE stations (uic VARCHAR PRIMARY KEY, uics VARCHAR[], nom VARCHAR, "
        "commune_code VARCHAR, voyageurs_2023 BIGINT)"
    )
    # M1 and M2 are two stations of the métropole's ville-centre (69001, its most populous commune)
    communes = {
        "A": "01001",
        "B": "01002",
        "H": "01003",
        "M1": "69001",
        "M2": "69001",
        "C": "01004",
        "Y": "01005",
    }
    for code, uic in UIC.items():
        uics = [uic, "87000015"] if code == "M2" else [uic]
        con.execute(
            "INSERT INTO stations VALUES (?, ?, ?, ?, ?)",
            [uic, uics, f"Gare {code}", communes[code], 1000 if code == "A" else None],
        )
    con.execute("CREATE TABLE epcis (siren VARCHAR, nom VARCHAR, metropole BOOLEAN)")
    con.execute(
        "INSERT INTO epcis VALUES ('200000001', 'Métropole Test', true), "
        "('200000002', 'CC Test', false)"
    )
    con.execute("CREATE TABLE epci_membres (epci_siren VARCHAR, commune_code VARCHAR)")
    for code, commune in sorted(set(communes.items()) - {("M2", "69001")}):
        siren = METRO if code in ("M1", "M2") else "200000002"
        con.execute("INSERT INTO epci_membres VALUES (?, ?)", [siren, commune])
    con.execute("INSERT INTO epci_membres VALUES (?, '69002')", [METRO])  # a suburb, no station
    # positions: stations 0.1° of latitude apart (11 km, beyond the 5 km radius), each commune's
    # centre on its station; commune 01006 (no station) lies 2.2 km north of station A
    con.execute("ALTER TABLE stations ADD COLUMN lat DOUBLE")
    con.execute("ALTER TABLE stations ADD COLUMN lon DOUBLE")
    for i, (_code, uic) in enumerate(sorted(UIC.items())):
        con.execute("UPDATE stations SET lat = ?, lon = 2.0 WHERE uic = ?", [45.0 + 0.1 * i, uic])
    con.execute(
        "CREATE TABLE commune_centres AS SELECT commune_code, min(lat) AS lat, min(lon) AS lon "
        "FROM stations GROUP BY commune_code"
    )
    con.execute(
        "INSERT INTO commune_centres SELECT '01006', lat + 0.02, lon FROM stations WHERE uic = ?",
        [UIC["A"]],
    )
    con.execute("CREATE TABLE communes (code VARCHAR, population INTEGER)")
    con.execute(
        "INSERT INTO communes VALUES ('01001', 900), ('01002', 800), ('01003', 700), "
        "('01004', 600), ('01005', 500), ('69001', 500000), ('69002', 30000)"
    )
