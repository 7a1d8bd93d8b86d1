"""Site facts (``teletravail.grille.site``) on the fixture mirror's derived warehouse.

Expected values are recomputed here from the raw tables with an independent great-circle formula
(spherical law of cosines) and the published telework rates, not with the module's SQL."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from teletravail.errors import InputError, LookupFailed, WarehouseError
from teletravail.grille.site import site_facts
from teletravail.grille.site_models import NOT_AVAILABLE, SiteFacts, TeamThirdPlace
from tests.grille.test_site_warehouse import (
    CESSON,
    DAY,
    RENNES,
    VITRE,
    build_site_db,
    variant,
)

# Insee, enquête Emploi 2022: % of each category having teleworked in an average week
RATES = {1: 0.0, 2: 0.0, 3: 52.2, 4: 19.4, 5: 8.5, 6: 0.2}
AT_VITRE_STATION = ("vitre", 48.1226, -1.20788)
NEAR_CESSON = ("cesson", 48.118, -1.62)


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    c = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(
        math.radians(lon2 - lon1)
    )
    return 6371.0 * math.acos(min(1.0, max(-1.0, c)))


@pytest.fixture(scope="module")
def site_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site_db(tmp_path_factory)


@pytest.fixture
def con(site_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(site_db), read_only=True)
    yield connection
    connection.close()


def _one(con: duckdb.DuckDBPyConnection, point: tuple[str, float, float]) -> SiteFacts:
    return site_facts(con, [point])[0]


def test_published_rates_are_the_warehouse_ones(con: duckdb.DuckDBPyConnection) -> None:
    rows = dict(
        con.execute(
            "SELECT id, value FROM reference_figures WHERE id IN ('tt_cadres_2022', "
            "'tt_professions_intermediaires_2022', 'tt_employes_2022', 'tt_ouvriers_2022')"
        ).fetchall()
    )
    assert sorted(rows.values()) == sorted(v for k, v in RATES.items() if k >= 3)


def test_commune_centre_density_programmes_land(con: duckdb.DuckDBPyConnection) -> None:
    f = _one(con, AT_VITRE_STATION)
    assert (f.commune.code, f.commune.nom) == ("35360", "Vitré")
    assert "contour contient" in f.commune.regle and "contours" in f.commune.sources
    lat, lon, acv, pvd, ort, niveau, libelle = con.execute(
        "SELECT lat, lon, acv, pvd, ort, niveau_densite, libelle_densite FROM communes "
        "WHERE code = '35360'"
    ).fetchone() or (0, 0, None, None, None, None, None)
    assert f.centre.distance_km == pytest.approx(_km(48.1226, -1.20788, lat, lon), abs=0.006)
    assert (f.programmes.acv, f.programmes.pvd, f.programmes.ort) == (acv, pvd, ort)
    assert (f.densite.niveau, f.densite.libelle) == (niveau, libelle)
    # Vitré: absent from the brownfield inventory (loaded): 0; absent from LOVAC: not available
    assert f.foncier.friches == 0
    assert f.foncier.taux_vacance_pct is None


def test_land_of_a_commune_in_both_inventories(con: duckdb.DuckDBPyConnection) -> None:
    f = _one(con, ("albi", 43.92167, 2.13992))
    assert f.commune.code == "81004"
    assert f.foncier.friches == 12
    assert f.foncier.taux_vacance_pct == pytest.approx(8.0)  # 7.98 rounded to 0.1


def test_nearest_stations(con: duckdb.DuckDBPyConnection) -> None:
    f = _one(con, NEAR_CESSON)
    stations = con.execute(
        "SELECT uic, lat, lon FROM stations WHERE lat IS NOT NULL AND lon IS NOT NULL"
    ).fetchall()
    expected = sorted(
        (round(_km(NEAR_CESSON[1], NEAR_CESSON[2], la, lo), 2), u)
        for u, la, lo in stations
        if _km(NEAR_CESSON[1], NEAR_CESSON[2], la, lo) <= 20
    )[:3]
    assert [g.uic for g in f.gares.gares] == [u for _, u in expected]
    assert [g.distance_km for g in f.gares.gares] == pytest.approx(
        [d for d, _ in expected], abs=0.006
    )
    assert [g.uic for g in f.gares.gares] == [CESSON, RENNES]
    cesson, rennes = f.gares.gares
    assert (cesson.departs_train, cesson.departs_car) == (12, 0)
    assert (cesson.metropole_nom, cesson.duree_metropole_min) == ("Rennes Métropole", 6)
    assert (rennes.departs_train, rennes.departs_car) == (200, 10)
    assert rennes.metropole_nom is None and rennes.duree_metropole_min is None  # no link
    assert f.gares.jour == DAY
    vitre = _one(con, AT_VITRE_STATION).gares.gares
    assert [g.uic for g in vitre] == [VITRE] and vitre[0].distance_km == pytest.approx(0, abs=0.01)


def test_residents_within_radii(con: duckdb.DuckDBPyConnection) -> None:
    f = _one(con, NEAR_CESSON)
    communes = con.execute("SELECT population, lat, lon FROM communes").fetchall()
    for radius, pop, n in (
        (5, f.residents.population_5km, f.residents.communes_5km),
        (10, f.residents.population_10km, f.residents.communes_10km),
        (20, f.residents.population_20km, f.residents.communes_20km),
    ):
        inside = [
            p for p, la, lo in communes if _km(NEAR_CESSON[1], NEAR_CESSON[2], la, lo) <= radius
        ]
        assert (pop, n) == (sum(p for p in inside if p is not None), len(inside))
    assert f.residents.population_10km == 18761 + 230890  # Cesson-Sévigné and Rennes
    assert f.residents.annee == 2023 and f.residents.sources == ("cog", "centres")


def _expected_commuters(
    con: duckdb.DuckDBPyConnection, lat: float, lon: float
) -> tuple[float, float, float]:
    centres = con.execute("SELECT code, lat, lon FROM communes").fetchall()
    area = {c for c, la, lo in centres if _km(lat, lon, la, lo) <= 20}
    flows = con.execute("SELECT origine, actifs, distance_km FROM navettes_estimees").fetchall()
    mix = {
        r[0]: r[1:]
        for r in con.execute(
            "SELECT commune_code, cs1_emploi, cs2_emploi, cs3_emploi, cs4_emploi, cs5_emploi, "
            "cs6_emploi FROM csp_2011"
        ).fetchall()
    }
    actifs = sum(a for o, a, _ in flows if o in area)
    teleworkers = longs = 0.0
    for origin in area:
        far = sum(a for o, a, d in flows if o == origin and d > 20)
        e = mix[origin]
        rate = sum(e[i] * RATES[i + 1] for i in range(6)) / sum(e) / 100
        longs += far
        teleworkers += far * rate
    return actifs, longs, teleworkers


def test_long_commuters_and_teleworkers(con: duckdb.DuckDBPyConnection) -> None:
    for point in (NEAR_CESSON, AT_VITRE_STATION):
        n = _one(con, point).navetteurs
        actifs, longs, teleworkers = _expected_commuters(con, point[1], point[2])
        assert longs > 0
        assert n.actifs_residents == pytest.approx(actifs, abs=0.06)
        assert n.navetteurs_longs == pytest.approx(longs, abs=0.06)
        assert n.teletravailleurs_estimes == pytest.approx(teleworkers, abs=0.06)
        assert n.part_navetteurs_longs_pct == pytest.approx(100 * longs / actifs, abs=0.06)
        assert n.statut == "estimation"
        assert {"comparateur_2018", "csp_2011", "reference"} <= set(n.sources)
        assert any("52,2 %" in h and "Insee, enquête Emploi 2022" in h for h in n.hypotheses)
    # Vitré: only its own commune within 20 km; 270.7 to Rennes, 189.9 to Cesson, 0.6 beyond 20 km
    assert _one(con, AT_VITRE_STATION).navetteurs.navetteurs_longs == pytest.approx(461.2, abs=0.1)


def test_commune_without_mix_takes_the_area_rate(site_db: Path, tmp_path: Path) -> None:
    path = variant(site_db, tmp_path, "DELETE FROM csp_2011 WHERE commune_code = '35051'")
    connection = duckdb.connect(str(path), read_only=True)
    try:
        n = _one(connection, NEAR_CESSON).navetteurs
        e = connection.execute(
            "SELECT cs1_emploi, cs2_emploi, cs3_emploi, cs4_emploi, cs5_emploi, cs6_emploi "
            "FROM csp_2011 WHERE commune_code = '35238'"
        ).fetchone() or (1, 0, 0, 0, 0, 0)
    finally:
        connection.close()
    rennes_rate = sum(e[i] * RATES[i + 1] for i in range(6)) / sum(e) / 100
    # area = Rennes and Cesson; Cesson has no mix: every long commuter at Rennes' rate
    assert n.navetteurs_longs is not None
    assert n.teletravailleurs_estimes == pytest.approx(n.navetteurs_longs * rennes_rate, abs=0.1)


def test_france_services(con: duckdb.DuckDBPyConnection) -> None:
    point = ("rennes", 48.0874, -1.6600)  # 60 m from the Pimms of Rennes
    fs = _one(con, point).france_services
    sites = con.execute(
        "SELECT nom, lat, lon FROM france_services WHERE lat IS NOT NULL"
    ).fetchall()
    near = [s for s in sites if _km(point[1], point[2], s[1], s[2]) <= 1]
    nearest = min(sites, key=lambda s: _km(point[1], point[2], s[1], s[2]))
    assert fs.nombre == len(near) == 1
    assert fs.plus_proche_nom == nearest[0]
    far = _one(con, AT_VITRE_STATION).france_services
    assert far.nombre == 0  # a real zero: the list is loaded
    assert far.plus_proche_nom == "France services Pimms Médiation Rennes"
    assert far.plus_proche_km == pytest.approx(
        _km(48.1226, -1.20788, 48.087386, -1.660718), abs=0.006
    )


def test_tiers_lieux_not_available_and_team_entries(con: duckdb.DuckDBPyConnection) -> None:
    team = [TeamThirdPlace(nom="La Cordée", lat=48.119, lon=-1.205)]
    f = site_facts(con, [AT_VITRE_STATION], tiers_lieux_equipe=team)[0]
    t = f.tiers_lieux
    assert not t.recensement_disponible and NOT_AVAILABLE in t.statut
    assert [(p.nom, p.origine) for p in t.lieux] == [("La Cordée", "équipe")]
    assert t.lieux[0].distance_km == pytest.approx(
        _km(48.1226, -1.20788, 48.119, -1.205), abs=0.006
    )
    assert _one(con, AT_VITRE_STATION).tiers_lieux.lieux == ()


def test_tiers_lieux_of_the_census(site_db: Path, tmp_path: Path) -> None:
    path = variant(
        site_db,
        tmp_path,
        "INSERT INTO tiers_lieux (id, nom, commune_code, lat, lon) VALUES "
        "('t1', 'Le Bocal', '35360', 48.118, -1.20), ('t2', 'Loin', '35238', 48.11, -1.68)",
    )
    connection = duckdb.connect(str(path), read_only=True)
    try:
        t = _one(connection, AT_VITRE_STATION).tiers_lieux
    finally:
        connection.close()
    assert t.recensement_disponible and t.sources == ("tiers_lieux",)
    assert [(p.nom, p.origine, p.commune_code) for p in t.lieux] == [
        ("Le Bocal", "recensement", "35360")
    ]


def test_programmes_not_loaded_are_not_available(site_db: Path, tmp_path: Path) -> None:
    path = variant(site_db, tmp_path, "DELETE FROM programmes_anct", "DELETE FROM france_services")
    connection = duckdb.connect(str(path), read_only=True)
    try:
        f = _one(connection, AT_VITRE_STATION)
    finally:
        connection.close()
    assert f.programmes.acv is True  # the convention list
    assert f.programmes.pvd is None and f.programmes.ort is None
    assert f.france_services.nombre is None and f.france_services.plus_proche_km is None


def test_many_points_equal_one_by_one(con: duckdb.DuckDBPyConnection) -> None:
    points = [NEAR_CESSON, AT_VITRE_STATION, ("albi", 43.92, 2.14), ("rennes", 48.11, -1.68)]
    together = site_facts(con, points)
    assert [f.id for f in together] == [p[0] for p in points]
    assert together == [_one(con, p) for p in points]


def test_without_outlines_the_nearest_centre(site_db: Path, tmp_path: Path) -> None:
    path = variant(site_db, tmp_path, "DELETE FROM commune_contours")
    connection = duckdb.connect(str(path), read_only=True)
    try:
        f = _one(connection, AT_VITRE_STATION)
    finally:
        connection.close()
    assert f.commune.code == "35360" and "centre est le plus proche" in f.commune.regle


def test_coast_point_goes_to_the_nearest_outline(con: duckdb.DuckDBPyConnection) -> None:
    import shapely

    wkb = con.execute("SELECT wkb FROM commune_contours WHERE commune_code = '35360'").fetchone()
    assert wkb is not None
    outline = shapely.from_wkb(bytes(wkb[0]))
    minx, miny, maxx, maxy = outline.bounds
    # just west of the westernmost vertex: outside every outline of the mini mirror
    west = min(shapely.get_coordinates(outline).tolist())
    f = _one(con, ("bord", west[1], west[0] - 0.005))
    assert f.commune.code == "35360" and "le plus proche" in f.commune.regle
    assert maxx > minx and maxy > miny


@pytest.mark.parametrize(
    ("point", "error", "words"),
    [
        (("x", 95.0, 2.0), InputError, "Latitude"),
        (("x", 48.0, 190.0), InputError, "Longitude"),
        (("x", float("nan"), 2.0), InputError, "Latitude"),
        (("x", 51.5, -0.12), LookupFailed, "Aucune commune française"),
    ],
)
def test_bad_points(
    con: duckdb.DuckDBPyConnection, point: tuple[str, float, float], error: type, words: str
) -> None:
    with pytest.raises(error, match=words):
        site_facts(con, [point])


def test_bad_team_places(con: duckdb.DuckDBPyConnection) -> None:
    for place, words in (
        (TeamThirdPlace(nom=" ", lat=48.1, lon=-1.2), "sans nom"),
        (TeamThirdPlace(nom="X", lat=120.0, lon=-1.2), "latitude entre -90 et 90"),
    ):
        with pytest.raises(InputError, match=words):
            site_facts(con, [AT_VITRE_STATION], tiers_lieux_equipe=[place])


def test_not_a_derived_warehouse(tmp_path: Path) -> None:
    connection = duckdb.connect(str(tmp_path / "empty.duckdb"))
    try:
        with pytest.raises(WarehouseError, match="Entrepôt dérivé attendu"):
            site_facts(connection, [AT_VITRE_STATION])
    finally:
        connection.close()


def test_repeated_ids_and_no_point(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(InputError, match="répété"):
        site_facts(con, [AT_VITRE_STATION, AT_VITRE_STATION])
    assert site_facts(con, []) == []


def test_station_features_of_chosen_stations(con: duckdb.DuckDBPyConnection) -> None:
    """``station_features(uics=...)`` (added for the sites) answers the rows of those stations."""
    from teletravail.gares.features import station_features

    every = {f.uic: f for f in station_features(con)}
    chosen = station_features(con, uics=[VITRE, CESSON, VITRE, "00000000"])
    assert chosen == [every[VITRE], every[CESSON]]  # by UIC
    assert station_features(con, uics=[]) == []
