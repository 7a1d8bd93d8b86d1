"""Features of the passenger stations (``teletravail.gares.features``) on the fixture mirror.

The derived warehouse of the mini mirror is built for real (``ensure_derived``); its GTFS trips
do not stop at the mini stations, so a copy gets rail service rows written by hand (the rail
package's tables, per their contract) and an OpenStreetMap Transilien station beside Sens.
Expected values are computed here from the raw tables, independently of the module's SQL.
"""

from __future__ import annotations

import math
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest

from teletravail.derived import ensure_derived
from teletravail.errors import WarehouseError
from teletravail.gares.features import StationFeatures, opening_hours_sql, station_features
from teletravail.opendata.build import build_warehouse
from tests.conftest import MINI_MIRROR

DAY = date(2025, 1, 28)
VITRE, SAINT_OMER, TATINGHEM, SENS, ALBI = (
    "87471300",
    "87317065",
    "87317099",
    "87683003",
    "87615005",
)
CHATELET, BOURSE, FANTOME, RENNES = "87758607", "87731448", "87000001", "87471003"

GARES = [
    (VITRE, DAY, 40, 2, 15, "05:30", "22:40", ["ter"]),
    (SAINT_OMER, DAY, 30, 4, 12, "05:40", "22:10", ["ter"]),
    (SENS, DAY, 20, 0, 5, "06:00", "21:00", ["ter"]),  # beside a Transilien station
    (RENNES, DAY, 200, 10, 80, "05:00", "23:50", ["ter"]),
    (BOURSE, DAY, 5, 0, 2, "07:00", "20:00", ["ter"]),  # Île-de-France, no position
    (VITRE, date(2025, 1, 29), 5, 0, 2, "07:00", "20:00", ["ter"]),  # another day
]
METROPOLES = [
    (VITRE, DAY, "243500139", "Rennes Métropole", "train", 22, 9, "06:35", 12, "21:10", 0),
    (VITRE, DAY, "200054781", "Métropole du Grand Paris", "train", 95, 3, "08:10", 2, "19:00", 0),
    # a tie on duration: more arrivals before 9:00 wins (Lille)
    (SAINT_OMER, DAY, "200054781", "Métropole du Grand Paris", "train", 60, 1, "08:40", 2, None, 1),
    (
        SAINT_OMER,
        DAY,
        "200093201",
        "Métropole Européenne de Lille",
        "train",
        60,
        8,
        "06:58",
        6,
        "19:45",
        0,
    ),
    (SENS, DAY, "200054781", "Métropole du Grand Paris", "train", 70, 0, "08:50", 0, None, 0),
]


@pytest.fixture(scope="module")
def derived(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gares") / "mini.duckdb"
    build_warehouse(MINI_MIRROR, out)
    path, _ = ensure_derived(out, day=DAY)
    return path


@pytest.fixture(scope="module")
def served(derived: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the derived warehouse with the hand-written rail rows."""
    path = tmp_path_factory.mktemp("gares_rail") / "served.duckdb"
    shutil.copyfile(derived, path)
    con = duckdb.connect(str(path))
    con.execute("DELETE FROM desserte_gares")
    con.execute("DELETE FROM desserte_metropoles")
    con.executemany("INSERT INTO desserte_gares VALUES (?, ?, ?, ?, ?, ?, ?, ?)", GARES)
    con.executemany(
        "INSERT INTO desserte_metropoles (uic, jour, metropole_siren, metropole_nom, mode, "
        "duree_min_minutes, allers_avant_9h, premiere_arrivee, retours_apres_17h30, "
        "dernier_retour, correspondances) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        METROPOLES,
    )
    con.execute(
        "INSERT INTO osm_gares VALUES ('node', 999001, 'Sens', 'transilien', 48.1997, 3.2829, "
        "['Transilien R'], '89387')"
    )
    con.close()
    return path


@pytest.fixture
def con(served: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(served), read_only=True)
    yield connection
    connection.close()


def _by_uic(rows: list[StationFeatures]) -> dict[str, StationFeatures]:
    return {r.uic: r for r in rows}


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (spherical law of cosines, 6,371 km), independent of the module."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    c = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(
        math.radians(lon2 - lon1)
    )
    return 6371.0 * math.acos(min(1.0, max(-1.0, c)))


def test_every_station_once_and_one_by_uic(con: duckdb.DuckDBPyConnection) -> None:
    rows = station_features(con)
    uics = [r[0] for r in con.execute("SELECT uic FROM stations ORDER BY uic").fetchall()]
    assert [r.uic for r in rows] == uics
    assert station_features(con, uic=VITRE) == [_by_uic(rows)[VITRE]]
    assert station_features(con, uic="00000000") == []
    assert all(r.jour == DAY for r in rows)


def test_rail_fields(con: duckdb.DuckDBPyConnection) -> None:
    rows = _by_uic(station_features(con))
    vitre = rows[VITRE]
    assert (vitre.departs_train, vitre.departs_car) == (40, 2)
    assert (vitre.premier_depart, vitre.dernier_depart) == ("05:30", "22:40")
    assert (vitre.metropole_nom, vitre.duree_metropole_min) == ("Rennes Métropole", 22)
    assert (vitre.allers_avant_9h, vitre.retours_apres_17h30) == (9, 12)
    omer = rows[SAINT_OMER]
    assert (omer.metropole_nom, omer.duree_metropole_min) == ("Métropole Européenne de Lille", 60)
    assert (omer.allers_avant_9h, omer.retours_apres_17h30) == (8, 6)
    # in the feeds' area, no trip that day: a true zero; no métropole link: not available
    tat = rows[TATINGHEM]
    assert (tat.departs_train, tat.departs_car) == (0, 0)
    assert tat.premier_depart is None and tat.metropole_nom is None
    assert tat.allers_avant_9h is None and tat.duree_metropole_min is None


def test_networks_absent_from_the_feeds_are_not_known(con: duckdb.DuckDBPyConnection) -> None:
    rows = _by_uic(station_features(con))
    # Sens is ON the Transilien (OSM station beside it): the feeds miss its trains
    sens = rows[SENS]
    assert sens.departs_train is None
    assert sens.allers_avant_9h is None and sens.retours_apres_17h30 is None
    assert sens.departs_car == 0
    assert (sens.metropole_nom, sens.duree_metropole_min) == ("Métropole du Grand Paris", 70)
    # Albi: an Intercités line serves the commune (OSM), no trip in the feeds: not known, not 0
    albi = rows[ALBI]
    assert con.execute(
        "SELECT list_contains(lignes, 'IC 413') FROM osm_gares WHERE commune_code = '81004'"
    ).fetchone() == (True,)
    assert albi.departs_train is None
    # every station of Île-de-France is on the Transilien or the RER, even without OSM match
    assert rows[BOURSE].lat is None and rows[BOURSE].departs_train is None
    assert rows[RENNES].departs_train == 200


def test_rail_fields_without_rows_for_the_day(derived: Path) -> None:
    con = duckdb.connect(str(derived), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM desserte_gares").fetchone() == (0,)
        rows = station_features(con)
    finally:
        con.close()
    assert rows
    for r in rows:
        assert r.departs_train is None and r.departs_car is None and r.metropole_nom is None


def test_station_tables(con: duckdb.DuckDBPyConnection) -> None:
    rows = _by_uic(station_features(con))
    raw = dict(
        ((r[0], r[1]), r[2])
        for r in con.execute(
            "SELECT uic, annee, voyageurs FROM station_frequentation WHERE annee IN (2015, 2023)"
        ).fetchall()
    )
    vitre = rows[VITRE]
    assert (vitre.voyageurs_2015, vitre.voyageurs_2023) == (raw[VITRE, 2015], raw[VITRE, 2023])
    expected = 100 * (raw[VITRE, 2023] - raw[VITRE, 2015]) / raw[VITRE, 2015]
    assert vitre.evolution_voyageurs_pct == pytest.approx(expected, abs=0.05)
    # 2015 at 0 passengers: no percentage
    assert rows[TATINGHEM].voyageurs_2015 == 0 and rows[TATINGHEM].evolution_voyageurs_pct is None
    # opening hours: one row for Vitré (Monday 05:30-21:00), two for Rennes
    assert vitre.heures_ouverture_semaine == pytest.approx(15.5)
    assert rows[RENNES].heures_ouverture_semaine == pytest.approx(18.75 + 17.5)
    assert rows[SAINT_OMER].heures_ouverture_semaine is None  # no row: not available
    st = con.execute(
        "SELECT wifi, nb_equipements_accessibilite FROM stations WHERE uic = ?", [VITRE]
    ).fetchone()
    assert st is not None and (vitre.wifi, vitre.equipements_accessibilite) == (
        st[0],
        st[1] or None,
    )
    # absent from the accessibility file (it lists a few hundred stations): not known, never 0
    assert all(r.equipements_accessibilite != 0 for r in rows.values())
    assert rows[SAINT_OMER].wifi is None  # absent from the wifi list


def test_within_one_km(con: duckdb.DuckDBPyConnection) -> None:
    rows = _by_uic(station_features(con))
    services = con.execute("SELECT lat, lon FROM france_services").fetchall()
    for uic in (SAINT_OMER, VITRE, RENNES, CHATELET):
        r = rows[uic]
        assert r.lat is not None and r.lon is not None
        near = sum(1 for la, lo in services if _km(r.lat, r.lon, la, lo) <= 1.0)
        assert r.france_services_1km == near
    assert rows[SAINT_OMER].france_services_1km == 1
    # Châtelet: the RER station of OpenStreetMap (lines A, B, D) 20 m away
    assert rows[CHATELET].lignes_urbaines_1km == ["RER A", "RER B", "RER D"]
    # the OpenStreetMap node of Vitré, 310 m from the SNCF position, is Vitré itself
    assert rows[VITRE].autres_gares_1km == 0
    assert rows[RENNES].lignes_urbaines_1km == []  # the OSM « Rennes » metro stop is in Paris


def test_commune_fields(con: duckdb.DuckDBPyConnection) -> None:
    rows = _by_uic(station_features(con))
    vitre = rows[VITRE]
    centre = con.execute("SELECT lat, lon FROM communes WHERE code = '35360'").fetchone()
    assert centre is not None and vitre.lat is not None and vitre.lon is not None
    assert vitre.commune_nom == "Vitré"
    assert vitre.distance_centre_km == pytest.approx(_km(vitre.lat, vitre.lon, *centre), abs=0.01)
    omer = rows[SAINT_OMER]
    raw = con.execute(
        "SELECT (SELECT nb_sites FROM friches_communes WHERE commune_code = '62765'), "
        "(SELECT taux_vacance_pct FROM lovac_communes WHERE commune_code = '62765'), "
        "(SELECT zone FROM zonage_abc WHERE commune_code = '62765'), "
        "(SELECT prix_m2_median FROM dvf_appartements WHERE commune_code = '62765')"
    ).fetchone()
    assert raw is not None
    assert omer.friches_commune == raw[0]
    assert omer.taux_vacance_commune_pct == pytest.approx(raw[1], abs=0.05)
    assert omer.zone_abc == raw[2]
    assert omer.prix_m2_appartements == pytest.approx(raw[3], abs=0.5)
    # a commune absent from Cartofriches (loaded): 0 sites; absent from LOVAC: not available
    assert vitre.friches_commune == 0 and vitre.taux_vacance_commune_pct is None


def test_commuters_to_a_metropole(con: duckdb.DuckDBPyConnection) -> None:
    rows = _by_uic(station_features(con))
    metro = {
        r[0]
        for r in con.execute(
            "SELECT m.commune_code FROM epci_membres m JOIN epcis e ON e.siren = m.epci_siren "
            "WHERE e.type IN ('METRO', 'MET69')"
        ).fetchall()
    }
    flows = con.execute(
        "SELECT destination, actifs FROM navettes_estimees WHERE origine = '35360'"
    ).fetchall()
    expected = sum(a for d, a in flows if d in metro)
    assert expected > 0
    assert rows[VITRE].navetteurs_metropole == pytest.approx(expected, abs=0.05)
    assert rows[VITRE].navetteurs_statut == "estimation"
    # Saint-Omer: flows, none towards a métropole (estimated 0: not available)
    assert rows[SAINT_OMER].navetteurs_metropole is None
    assert rows[SAINT_OMER].navetteurs_statut is None


def test_not_available_is_none(con: duckdb.DuckDBPyConnection) -> None:
    rows = _by_uic(station_features(con))
    bourse = rows[BOURSE]  # no position
    assert bourse.lat is None
    assert bourse.france_services_1km is None and bourse.autres_gares_1km is None
    assert bourse.lignes_urbaines_1km is None and bourse.distance_centre_km is None
    fantome = rows[FANTOME]  # no commune
    assert fantome.commune_code is None and fantome.commune_nom is None
    assert fantome.friches_commune is None and fantome.zone_abc is None
    assert fantome.voyageurs_2023 is None and fantome.navetteurs_metropole is None


def test_osm_not_loaded(served: Path, tmp_path: Path) -> None:
    path = tmp_path / "no_osm.duckdb"
    shutil.copyfile(served, path)
    con = duckdb.connect(str(path))
    try:
        con.execute("DELETE FROM osm_gares")
        rows = _by_uic(station_features(con))
    finally:
        con.close()
    assert rows[CHATELET].lignes_urbaines_1km is None
    assert rows[VITRE].france_services_1km == 0  # France services still there


def test_plain_warehouse_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "w.duckdb"
    build_warehouse(MINI_MIRROR, out)
    con = duckdb.connect(str(out), read_only=True)
    try:
        with pytest.raises(WarehouseError, match="dérivé"):
            station_features(con)
    finally:
        con.close()


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("05:00-22:00", 17.0),  # the SNCF file's format
        ("08:00-11:50", 3 + 50 / 60),
        ("05:00-00:00", 19.0),  # closes at midnight
        ("04:45-01:30", 20.75),  # closes after midnight
        ("00:00-01:30", 1.5),
        ("00:00-23:59", 23 + 59 / 60),
        ("00:00-00:00", 24.0),
        ("19:35-22:00", 2 + 25 / 60),
        (" 05:00 - 22:00 ", 17.0),
        ("5h30-21h00", 15.5),
        ("08:00-12:00 / 14:00-18:00", 8.0),
        ("08:00-12:00, 14:00-18:00", 8.0),
        ("08:00-12:00 et 14:00-18:00", 8.0),
        ("Fermé", 0.0),
        ("fermé", 0.0),
        ("", None),
        ("24h/24", None),
        ("08:00", None),
        ("25:00-26:00", None),
        ("08:75-09:00", None),
        ("08:00-12:00 / sur rendez-vous", None),
        (None, None),
    ],
)
def test_opening_hours_parser(text: str | None, hours: float | None) -> None:
    con = duckdb.connect()
    try:
        row = con.execute(f"SELECT {opening_hours_sql('$t')}", {"t": text}).fetchone()
    finally:
        con.close()
    assert row is not None
    if hours is None:
        assert row[0] is None
    else:
        assert row[0] == pytest.approx(hours)
