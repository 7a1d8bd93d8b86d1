from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from teletravail.errors import ConfigError
from teletravail.rail.service import compute_rail_service
from tests.rail.network import DAY, METRO, UIC, build_network


def _rows(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, dict[str, Any]]:
    cur = con.execute(f"SELECT * FROM {table}")
    names = [d[0] for d in cur.description]
    return {row[0]: dict(zip(names, row, strict=True)) for row in cur.fetchall()}


@pytest.fixture
def computed(network: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    compute_rail_service(network, day=DAY)
    return network


def test_departures_trains_and_coaches_apart(computed: duckdb.DuckDBPyConnection) -> None:
    gares = _rows(computed, "desserte_gares")
    a = gares[UIC["A"]]
    # T1, T2, T3, T4 and T8 leave A; T9 does not (no pick-up), T10 does not run that day.
    assert (a["departs_train"], a["departs_car"]) == (5, 1)
    assert a["destinations"] == 3  # B, M1, H
    assert (a["premier_depart"], a["dernier_depart"]) == ("06:30", "24:05")
    assert a["feeds"] == ["ter"]
    assert a["jour"] == DAY
    h = gares[UIC["H"]]
    assert (h["departs_train"], h["departs_car"], h["destinations"]) == (2, 0, 1)
    assert h["feeds"] == ["longue_distance", "ter"]
    m2 = gares[UIC["M2"]]  # reached through its second UIC 87000015, arrivals only
    assert (m2["departs_train"], m2["premier_depart"], m2["feeds"]) == (
        0,
        None,
        ["longue_distance"],
    )
    assert UIC["Y"] not in gares  # never served
    assert set(gares) == {UIC[c] for c in ("A", "B", "C", "H", "M1", "M2")}


def test_metropole_direct_and_pareto(computed: duckdb.DuckDBPyConnection) -> None:
    metro = _rows(computed, "desserte_metropoles")
    a = metro[UIC["A"]]
    assert a["metropole_siren"] == METRO and a["metropole_nom"] == "Métropole Test"
    # T1 07:00 -> 08:00 (60 min, direct) ties with T4 + L1 07:10 -> 08:10 (one change).
    assert (a["duree_min_minutes"], a["correspondances"]) == (60, 0)
    # Distinct departures reaching the métropole before 9:00: T2 06:30->07:45, T1 07:00->08:00,
    # T4+L1 07:10->08:10, and T3 06:50->08:10 (dominated by T1, but a train one can take).
    assert a["allers_avant_9h"] == 4
    assert a["premiere_arrivee"] == "07:45"
    # T7 18:00 -> 19:00 and T6 23:50 -> 00:20 the next morning.
    assert (a["retours_apres_17h30"], a["dernier_retour"]) == (2, "23:50")
    b = metro[UIC["B"]]
    assert (b["duree_min_minutes"], b["allers_avant_9h"], b["correspondances"]) == (40, 1, 0)
    # Back to B only by T7 18:00 -> A 19:00, then T8 A 24:05 -> B 24:25 (after midnight);
    # T6 reaches A at 24:20, after T8 has left.
    assert (b["retours_apres_17h30"], b["dernier_retour"]) == (1, "18:00")
    h = metro[UIC["H"]]
    assert (h["duree_min_minutes"], h["allers_avant_9h"], h["premiere_arrivee"]) == (30, 2, "08:10")


def test_change_respects_min_transfer(network: duckdb.DuckDBPyConnection) -> None:
    # C 07:00 -> H 07:36, then L1 leaves H at 07:40 (4 min later) or L2 at 08:00.
    compute_rail_service(network, day=DAY, min_transfer_minutes=5)
    c = _rows(network, "desserte_metropoles")[UIC["C"]]
    assert (c["duree_min_minutes"], c["correspondances"], c["premiere_arrivee"]) == (90, 1, "08:30")
    compute_rail_service(network, day=DAY, min_transfer_minutes=4)
    c = _rows(network, "desserte_metropoles")[UIC["C"]]
    assert (c["duree_min_minutes"], c["correspondances"], c["premiere_arrivee"]) == (70, 1, "08:10")
    assert c["allers_avant_9h"] == 1  # 07:00->08:30 is dominated by 07:00->08:10


def test_no_row_for_own_metropole(computed: duckdb.DuckDBPyConnection) -> None:
    uics = {r[0] for r in computed.execute("SELECT uic FROM desserte_metropoles").fetchall()}
    assert uics == {UIC["A"], UIC["B"], UIC["C"], UIC["H"]}


def test_work_tables_are_dropped(computed: duckdb.DuckDBPyConnection) -> None:
    names = {r[0] for r in computed.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert not [n for n in names if n.startswith("_rail_")]
    assert {"desserte_gares", "desserte_metropoles"} <= names


def test_attached_warehouse_and_read_only(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as con:
        build_network(con)
    scratch = duckdb.connect()
    scratch.execute(f"ATTACH '{path}' AS w (READ_ONLY)")
    compute_rail_service(scratch, day=DAY, source="w")
    assert _rows(scratch, "desserte_metropoles")[UIC["A"]]["duree_min_minutes"] == 60
    scratch.close()
    ro = duckdb.connect(str(path), read_only=True)
    compute_rail_service(ro, day=DAY, temporary=True)
    assert _rows(ro, "desserte_gares")[UIC["A"]]["departs_train"] == 5
    ro.close()


def test_bad_parameters(network: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(ConfigError, match="correspondance"):
        compute_rail_service(network, day=DAY, min_transfer_minutes=-1)
    with pytest.raises(ConfigError, match="hors de la période"):
        compute_rail_service(network, day=DAY.replace(year=2024))
    with pytest.raises(ConfigError, match="invalide"):
        compute_rail_service(network, day=DAY, source="w; DROP TABLE x")


def test_modes_train_only_and_unknown(network: duckdb.DuckDBPyConnection) -> None:
    compute_rail_service(network, day=DAY, modes=("train",))
    modes = network.execute("SELECT DISTINCT mode FROM desserte_metropoles").fetchall()
    assert modes == [("train",)]
    with pytest.raises(ConfigError, match="Modes inconnus"):
        compute_rail_service(network, day=DAY, modes=("bus",))


def test_departures_by_hour_sum_to_the_day(computed: duckdb.DuckDBPyConnection) -> None:
    gares = _rows(computed, "desserte_gares")
    sums = {
        r[0]: (r[1], r[2])
        for r in computed.execute(
            "SELECT uic, sum(departs_train), sum(departs_car) FROM departs_heure GROUP BY uic"
        ).fetchall()
    }
    # every station with a departure has hours; those without departure (M2) have none
    assert set(sums) == {u for u, g in gares.items() if g["departs_train"] + g["departs_car"]}
    for uic, g in gares.items():
        assert sums.get(uic, (0, 0)) == (g["departs_train"], g["departs_car"]), uic
    (empty,) = computed.execute(
        "SELECT count(*) FROM departs_heure WHERE departs_train + departs_car = 0"
    ).fetchone() or (None,)
    assert empty == 0


def test_departures_by_hour_of_a(computed: duckdb.DuckDBPyConnection) -> None:
    rows = computed.execute(
        "SELECT heure, departs_train, departs_car, jour FROM departs_heure WHERE uic = ? "
        "ORDER BY heure",
        [UIC["A"]],
    ).fetchall()
    # T2 06:30 and T3 06:50; T1 07:00 and T4 07:10; coach K1 12:00; T8 24:05 (after midnight).
    # T9 (no pick-up at A) and T10 (not running that day) are not departures.
    assert [r[:3] for r in rows] == [(6, 2, 0), (7, 2, 0), (12, 0, 1), (24, 1, 0)]
    assert {r[3] for r in rows} == {DAY}
    m1 = computed.execute(
        "SELECT heure, departs_train FROM departs_heure WHERE uic = ? ORDER BY heure", [UIC["M1"]]
    ).fetchall()
    assert m1 == [(18, 1), (23, 1)]  # T7 18:00, T6 23:50
