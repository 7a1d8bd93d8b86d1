from __future__ import annotations

from typing import Any

import duckdb
import pytest

from teletravail.rail import stations
from teletravail.rail.service import compute_rail_service
from teletravail.rail.stations import (
    load_station_services,
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
