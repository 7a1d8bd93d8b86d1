from __future__ import annotations

from datetime import date

import duckdb
import pytest

from teletravail.errors import ConfigError, WarehouseError
from teletravail.rail.calendar import (
    active_trips_sql,
    check_reference_day,
    common_validity,
    default_reference_day,
    feed_validity,
    holiday_of,
    reference_day,
)
from teletravail.rail.config import rail_settings, school_calendar
from tests.rail.network import DAY


def test_validity_per_feed_and_common(network: duckdb.DuckDBPyConnection) -> None:
    validity = {v.feed: (v.start, v.end) for v in feed_validity(network)}
    assert validity == {
        "ter": (date(2025, 1, 20), date(2025, 2, 28)),
        "longue_distance": (date(2025, 1, 1), date(2025, 3, 31)),
    }
    assert common_validity(network) == (date(2025, 1, 20), date(2025, 2, 28))


def test_validity_falls_back_on_calendars(network: duckdb.DuckDBPyConnection) -> None:
    network.execute("DELETE FROM gtfs_feed_info")
    validity = {v.feed: (v.start, v.end) for v in feed_validity(network)}
    assert validity["ter"] == (date(2025, 1, 28), date(2025, 1, 29))
    assert validity["longue_distance"] == (date(2025, 1, 1), date(2025, 3, 31))


def test_default_day_skips_a_tuesday_without_ter(network: duckdb.DuckDBPyConnection) -> None:
    # 2025-01-21 is the first Tuesday of the common validity, but no TER trip runs then.
    assert default_reference_day(network) == DAY == date(2025, 1, 28)
    assert DAY.weekday() == rail_settings().reference_weekday == 1


def test_default_day_skips_holidays_of_every_zone(network: duckdb.DuckDBPyConnection) -> None:
    # Validity from 2025-02-10: 11/02 and 18/02 (zone B, C), 25/02 and 04/03 (zone A) are holidays.
    network.execute(
        "UPDATE gtfs_feed_info SET feed_start_date = DATE '2025-02-10', "
        "feed_end_date = DATE '2025-03-31'"
    )
    network.execute(
        "INSERT INTO gtfs_calendar_dates SELECT 'ter', 'S1', d::DATE, 1 FROM "
        "range(DATE '2025-02-10', DATE '2025-04-01', INTERVAL 1 DAY) t(d)"
    )
    assert default_reference_day(network) == date(2025, 3, 11)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 1, 28), ""),
        (date(2025, 1, 2), "Vacances de Noël"),
        (date(2025, 1, 6), ""),  # reprise des cours
        (date(2025, 2, 11), "Vacances d'hiver"),  # zone B only
        (date(2025, 3, 4), "Vacances d'hiver"),  # zone A only
        (date(2025, 3, 11), ""),
        (date(2025, 4, 22), "Vacances de printemps"),  # zones A (from 19/04) and C
        (date(2025, 4, 21), "jour férié"),
        (date(2026, 1, 13), None),  # school year not declared
    ],
)
def test_holidays_of_all_zones(day: date, expected: str | None) -> None:
    assert holiday_of(day, ("A", "B", "C")) == expected


def test_holiday_of_one_zone() -> None:
    assert holiday_of(date(2025, 2, 11), ("A",)) == ""
    assert holiday_of(date(2025, 2, 11), ("B",)) == "Vacances d'hiver"


def test_school_calendar_declares_its_source() -> None:
    (year,) = school_calendar()
    assert year.label == "2024-2025"
    assert "Éducation nationale" in year.source
    winter = {p.zones: (p.start, p.resume) for p in year.holidays if p.name == "Vacances d'hiver"}
    assert winter == {
        ("A",): (date(2025, 2, 22), date(2025, 3, 10)),
        ("B",): (date(2025, 2, 8), date(2025, 2, 24)),
        ("C",): (date(2025, 2, 15), date(2025, 3, 3)),
    }


def test_user_day_outside_validity_names_the_range(network: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(ConfigError) as err:
        check_reference_day(network, date(2025, 3, 4))
    message = str(err.value)
    assert "04/03/2025" in message
    assert "entre le 20/01/2025 et le 28/02/2025" in message
    assert "TER du 20/01/2025 au 28/02/2025" in message
    assert reference_day(network, date(2025, 2, 28)) == date(2025, 2, 28)
    assert reference_day(network) == DAY


def test_no_feed_is_a_warehouse_error(network: duckdb.DuckDBPyConnection) -> None:
    network.execute("DELETE FROM gtfs_trips")
    with pytest.raises(WarehouseError, match="Aucun horaire GTFS"):
        default_reference_day(network)


def _active(con: duckdb.DuckDBPyConnection, day: date) -> set[str]:
    return {r[0] for r in con.execute(f"SELECT trip_id FROM ({active_trips_sql(day)})").fetchall()}


def test_active_trips_after_calendar_and_exceptions(network: duckdb.DuckDBPyConnection) -> None:
    assert _active(network, DAY) == {
        "T1",
        "T2",
        "T3",
        "T4",
        "T5",
        "T6",
        "T7",
        "T8",
        "T9",
        "K1",
        "L1",
        "L2",
    }
    assert "T10" in _active(network, date(2025, 1, 29))  # service S2 (added that day)
    assert "L1" not in _active(network, date(2025, 1, 29))  # a Wednesday
    assert _active(network, date(2025, 2, 4)) == set()  # L* removed that Tuesday, no TER
    assert _active(network, date(2025, 2, 11)) == {"L1", "L2"}
