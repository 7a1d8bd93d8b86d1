from __future__ import annotations

from typing import Any

import duckdb
import pytest

from teletravail.errors import WarehouseError
from teletravail.rail import stations
from teletravail.rail.service import compute_rail_service
from teletravail.rail.stations import (
    busiest_territory_station,
    load_station_services,
    station_departures_by_hour,
    territory_station_distances,
    territory_stations,
)
from tests.rail.network import DAY, METRO, UIC


def test_territory_stations_busiest_first(network: duckdb.DuckDBPyConnection) -> None:
    assert territory_stations(network, kind="commune", code="01001") == [UIC["A"]]
    uics = territory_stations(network, kind="epci", code="200000002")
    assert uics == [UIC[c] for c in ("A", "B", "C", "H", "Y")]  # A busiest, then by name
    assert territory_stations(network, kind="epci", code=METRO) == [UIC["M1"], UIC["M2"]]


def test_station_near_the_commune_serves_it(network: duckdb.DuckDBPyConnection) -> None:
    # Commune 01006 has no station; station A (commune 01001) is 2.2 km from its centre.
    assert territory_stations(network, kind="commune", code="01006") == [UIC["A"]]
    near = territory_station_distances(network, kind="commune", code="01006")
    km, inside = near[UIC["A"]]
    assert inside is False and km is not None and abs(km - 2.22) < 0.01
    # 01002's own station B; A is 11 km away, beyond the 5 km radius
    assert territory_stations(network, kind="commune", code="01002") == [UIC["B"]]


def test_station_services(network: duckdb.DuckDBPyConnection) -> None:
    compute_rail_service(network, day=DAY)
    a, y = load_station_services(network, [UIC["A"], UIC["Y"]], day=DAY)
    assert (a.nom, a.desservie, a.departs_train, a.departs_car, a.flux) == (
        "Gare A",
        True,
        5,
        1,
        ["ter"],
    )
    (link,) = a.metropoles
    assert (link.metropole_nom, link.duree_min_minutes, link.allers_avant_9h) == (
        "Métropole Test",
        60,
        4,
    )
    assert (y.desservie, y.departs_train, y.premier_depart, y.metropoles) == (False, 0, None, [])
    assert load_station_services(network, [], day=DAY) == []
    # Another day's tables do not answer for this one.
    assert load_station_services(network, [UIC["A"]], day=DAY.replace(day=29))[0].desservie is False


def test_departures_by_hour_zero_filled(network: duckdb.DuckDBPyConnection) -> None:
    compute_rail_service(network, day=DAY)
    hours = station_departures_by_hour(network, UIC["A"])
    assert [h.heure for h in hours] == list(range(6, 25))
    by_hour = {h.heure: (h.train, h.car) for h in hours}
    assert (by_hour[6], by_hour[7], by_hour[12], by_hour[24]) == ((2, 0), (2, 0), (0, 1), (1, 0))
    assert by_hour[8] == by_hour[23] == (0, 0)  # inside the service span: true zeros
    assert sum(t for t, _ in by_hour.values()) == 5
    assert station_departures_by_hour(network, UIC["A"], day=DAY) == hours
    assert station_departures_by_hour(network, UIC["A"], day=DAY.replace(day=29)) == ()
    assert station_departures_by_hour(network, UIC["M2"]) == ()  # arrivals only
    assert station_departures_by_hour(network, UIC["Y"]) == ()  # never served


def test_busiest_territory_station(network: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(WarehouseError, match="departs_heure"):
        busiest_territory_station(network, "epci", "200000002")
    compute_rail_service(network, day=DAY)
    assert busiest_territory_station(network, "epci", "200000002") == (UIC["A"], "Gare A")
    assert busiest_territory_station(network, "epci", METRO) == (UIC["M1"], "Gare M1")
    assert busiest_territory_station(network, "commune", "01005") is None  # Y: never served
    assert busiest_territory_station(network, "commune", "99999") is None  # no station
    # B and C: one train each, no coach: the smaller UIC
    network.execute(
        "INSERT INTO epci_membres VALUES ('200000003', '01002'), ('200000003', '01004')"
    )
    assert busiest_territory_station(network, "epci", "200000003") == (UIC["B"], "Gare B")
    assert busiest_territory_station(network, "epci", "200000002", day=DAY.replace(day=29)) is None


def test_diagnostic_service_computes_the_distances_once(
    network: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    from teletravail.reports import diagnostic
    from teletravail.territory.lookup import Entry

    compute_rail_service(network, day=DAY)
    calls: list[str] = []
    real = stations.territory_station_distances

    def counting(*args: Any, **kwargs: Any) -> dict[str, tuple[float | None, bool]]:
        calls.append(kwargs["code"])
        return real(*args, **kwargs)

    monkeypatch.setattr(stations, "territory_station_distances", counting)
    monkeypatch.setattr(diagnostic, "territory_station_distances", counting)
    entry = Entry("epci", "200000002", "CC Test", "cc test", 1000, "CC")
    served = diagnostic._desserte(network, entry, DAY)
    assert calls == ["200000002"]
    assert {s.uic for s in served} == set(territory_stations(network, kind="epci", code=entry.code))
