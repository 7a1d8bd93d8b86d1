"""Indicator values on the mini warehouse, checked against values computed by hand from the
fixture files (numbers copied from tests/fixtures/opendata)."""

from __future__ import annotations

import math
from datetime import date

import duckdb
import pytest

from teletravail.diagnostic.compute import compute_indicators
from teletravail.errors import ConfigError
from tests.diagnostic.conftest import attach, value, write_desserte

# Vitré (35360) in the fixture comparateur: P13_POP 17463, P18_POP 18267, NAIS1318 971,
# DECE1318 886, P13_EMPLT 14153.4774647463, P18_EMPLT 14595.3964706722.
# Vitré in the fixture CSP 2011 (employed 25-54): CS1 27, CS2 282, CS3 925, CS4 1596, CS5 1395,
# CS6 1612. Saint-Omer EPCI (200069037) = Arques 62040, Longuenesse 62525,
# Saint-Martin-lez-Tatinghem 62757, Saint-Omer 62765.
OMER = "200069037"
OMER_COMMUNES = {  # code: (P13_POP, P18_POP, population 2023, MED19, NBMENFISC19, TP6019)
    "62040": (9936, 9654, 9431, 18520, 4110, 20),
    "62525": (11204, 10736, 10548, 18400, 4176, 22),
    "62757": (5706, 5914, 5843, 20940, 2562, 12),
    "62765": (13992, 14726, 14382, 17230, 6796, 29),
}
OMER_CSP = {  # code: employed 25-54 in CS 1..6 (2011)
    "62040": (0, 141, 181, 663, 924, 1121),
    "62525": (9, 132, 204, 620, 858, 869),
    "62757": (8, 92, 149, 473, 477, 489),
    "62765": (47, 186, 458, 994, 1015, 937),
}
RATES = (0.0, 0.0, 52.2, 19.4, 8.5, 0.2)  # % per CS: assumption 0 for CS 1-2, Insee 2022 for 3-6


def haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle km, written independently of the SQL macro."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


VITRE = (48.1105, -1.1972)
RENNES = (48.1159, -1.6884)


def test_vitre_population_change(diag: duckdb.DuckDBPyConnection) -> None:
    assert value(diag, "commune", "35360", "population_2013") == 17463
    assert value(diag, "commune", "35360", "evolution_population_2013_2018") == pytest.approx(
        (18267 / 17463 - 1) * 100
    )
    assert value(diag, "commune", "35360", "evolution_population_2013_2018") == pytest.approx(
        4.60402, abs=1e-5
    )
    assert value(diag, "commune", "35360", "taux_annuel_population_2013_2018") == pytest.approx(
        ((18267 / 17463) ** 0.2 - 1) * 100
    )
    assert value(diag, "commune", "35360", "evolution_population_2018_2023") == pytest.approx(
        (19365 / 18267 - 1) * 100
    )
    assert value(diag, "commune", "35360", "solde_naturel_2013_2018") == 971 - 886
    assert value(diag, "commune", "35360", "solde_migratoire_apparent_2013_2018") == 804 - 85
    assert value(diag, "commune", "35360", "evolution_emplois_2013_2018") == pytest.approx(
        (14595.3964706722 / 14153.4774647463 - 1) * 100
    )


def test_vitre_density_and_typology(diag: duckdb.DuckDBPyConnection) -> None:
    assert value(diag, "commune", "35360", "densite_population") == pytest.approx(19365 / 37.03)
    assert value(diag, "commune", "35360", "niveau_densite") == 2
    assert value(diag, "commune", "35360", "categorie_aav") == "Commune-centre"


def test_vitre_telework_estimate(diag: duckdb.DuckDBPyConnection) -> None:
    total = 27 + 282 + 925 + 1596 + 1395 + 1612
    teleworkers = (925 * 52.2 + 1596 * 19.4 + 1395 * 8.5 + 1612 * 0.2) / 100
    assert total == 5837 and teleworkers == pytest.approx(914.273)
    assert value(diag, "commune", "35360", "actifs_occupes_25_54_2011") == total
    assert value(diag, "commune", "35360", "teletravailleurs_estimes") == pytest.approx(teleworkers)
    assert value(diag, "commune", "35360", "taux_teletravail_estime") == pytest.approx(
        100 * 914.273 / 5837
    )
    assert value(diag, "commune", "35360", "part_emplois_teletravaillables_2011") == pytest.approx(
        100 * (925 + 1596) / 5837
    )
    assert value(diag, "commune", "35360", "part_independants_2011") == pytest.approx(
        100 * 309 / 5837
    )


def test_vitre_inequalities(diag: duckdb.DuckDBPyConnection) -> None:
    assert value(diag, "commune", "35360", "teletravailleurs_estimes_cadres") == pytest.approx(
        482.85
    )
    assert value(diag, "commune", "35360", "teletravailleurs_estimes_ouvriers") == pytest.approx(
        3.224
    )
    assert value(diag, "commune", "35360", "part_cadres_parmi_teletravailleurs") == pytest.approx(
        100 * 482.85 / 914.273
    )
    assert value(diag, "commune", "35360", "part_actifs_sans_teletravail") == pytest.approx(
        100 * (27 + 282 + 1612) / 5837
    )


def test_epci_telework_is_computed_on_summed_counts(diag: duckdb.DuckDBPyConnection) -> None:
    sums = [sum(v[i] for v in OMER_CSP.values()) for i in range(6)]
    assert sums == [64, 551, 992, 2750, 3274, 3416]
    teleworkers = sum(n * r for n, r in zip(sums, RATES, strict=True)) / 100
    assert teleworkers == pytest.approx(1336.446)
    assert value(diag, "epci", OMER, "teletravailleurs_estimes") == pytest.approx(teleworkers)
    assert value(diag, "epci", OMER, "taux_teletravail_estime") == pytest.approx(
        100 * teleworkers / 11047
    )


def test_epci_sums_and_weighted_means(diag: duckdb.DuckDBPyConnection) -> None:
    rows = OMER_COMMUNES.values()
    p13, p18 = sum(r[0] for r in rows), sum(r[1] for r in rows)
    assert (p13, p18) == (40838, 41030)
    assert value(diag, "epci", OMER, "population_2023") == 40204
    assert value(diag, "epci", OMER, "nb_communes") == 4
    assert value(diag, "epci", OMER, "evolution_population_2013_2018") == pytest.approx(
        100 * 192 / 40838
    )
    households = sum(r[4] for r in rows)
    assert value(diag, "epci", OMER, "revenu_median_2019") == pytest.approx(
        sum(r[3] * r[4] for r in rows) / households
    )
    assert value(diag, "epci", OMER, "taux_pauvrete_2019") == pytest.approx(
        sum(r[5] * r[4] for r in rows) / households
    )
    # dominant density level: Saint-Omer (2) + Longuenesse (2) hold most inhabitants
    assert value(diag, "epci", OMER, "niveau_densite") == 2
    # département of the most populous commune (Saint-Omer, Pas-de-Calais)
    assert value(diag, "epci", OMER, "evolution_population_departement_2013_2018") == value(
        diag, "commune", "62765", "evolution_population_departement_2013_2018"
    )


def test_epci_ftth_rate_weights_communes_by_premises(diag: duckdb.DuckDBPyConnection) -> None:
    passable = 4187 + 119 + 2 + 258
    premises = (4390 + 261) + (4689 + 282) + (2555 + 162) + (8333 + 590)
    assert value(diag, "epci", OMER, "taux_ftth_2018") == pytest.approx(100 * passable / premises)
    assert value(diag, "epci", OMER, "locaux_raccordables_ftth_2018") == passable


def test_housing_and_sobriety(diag: duckdb.DuckDBPyConnection) -> None:
    assert value(diag, "commune", "35360", "part_logements_vacants_2018") == pytest.approx(
        100 * 687.777205432596 / 9305.01182624464
    )
    assert value(diag, "commune", "35360", "densite_logements_2018") == pytest.approx(
        9305.01182624464 / 37.03
    )
    assert value(diag, "commune", "35360", "concentration_emploi_2018") == pytest.approx(
        100 * 14595.3964706722 / (8651.90851554808 - 927.505342238191)
    )


def test_distance_to_the_nearest_metropole(diag: duckdb.DuckDBPyConnection) -> None:
    # In the mini mirror the métropoles are Rennes, Paris, Lyon and Aix-Marseille.
    assert value(diag, "commune", "35360", "metropole_proche") == "Rennes Métropole"
    assert value(diag, "commune", "35360", "distance_metropole_km") == pytest.approx(
        haversine(*VITRE, *RENNES), rel=1e-9
    )
    assert value(diag, "commune", "35238", "distance_metropole_km") == pytest.approx(0.0)


def test_epci_distance_is_population_weighted(diag: duckdb.DuckDBPyConnection) -> None:
    centres = {
        "62040": (50.7388, 2.3177),
        "62525": (50.7348, 2.2481),
        "62757": (50.7497, 2.2175),
        "62765": (50.7673, 2.2648),
    }
    paris = (48.8589, 2.347)
    pops = {k: v[2] for k, v in OMER_COMMUNES.items()}
    expected = sum(haversine(*centres[k], *paris) * pops[k] for k in centres) / sum(pops.values())
    assert value(diag, "epci", OMER, "distance_metropole_km") == pytest.approx(expected)
    assert value(diag, "epci", OMER, "metropole_proche") == "Métropole du Grand Paris"


def test_france_services(diag: duckdb.DuckDBPyConnection) -> None:
    # nearest site to Vitré: France services Pimms Médiation Rennes (48.087386, -1.660718)
    assert value(diag, "commune", "35360", "distance_france_services_km") == pytest.approx(
        haversine(*VITRE, 48.087386, -1.660718)
    )
    assert value(diag, "commune", "35360", "nb_france_services") == 0
    assert value(diag, "epci", OMER, "nb_france_services") == 1
    assert value(diag, "epci", OMER, "france_services_pour_10000_hab") == pytest.approx(
        1 / 40204 * 10000
    )
    assert value(diag, "epci", OMER, "niveau_centralite") == 3  # highest of 2, 3, 2, 3


def test_rail_best_station_and_fastest_link(diag: duckdb.DuckDBPyConnection) -> None:
    assert value(diag, "epci", OMER, "nb_gares") == 2
    assert value(diag, "epci", OMER, "gare_principale") == "Saint-Omer"
    assert value(diag, "epci", OMER, "departs_train_jour") == 30
    assert value(diag, "epci", OMER, "departs_car_jour") == 4
    assert value(diag, "epci", OMER, "destinations_desservies") == 12
    assert value(diag, "epci", OMER, "duree_min_metropole") == 60
    assert value(diag, "epci", OMER, "metropole_plus_rapide") == "Métropole Européenne de Lille"
    assert value(diag, "epci", OMER, "gare_liaison_metropole") == "Saint-Omer"
    assert value(diag, "epci", OMER, "allers_avant_9h") == 8
    assert value(diag, "epci", OMER, "retours_apres_17h30") == 6
    assert value(diag, "epci", OMER, "premiere_arrivee_metropole") == "06:58"
    assert value(diag, "epci", OMER, "dernier_retour_metropole") == "19:45"
    # nearest métropole by distance is Paris: best of Saint-Omer (120 min) and Tatinghem (150 min)
    assert value(diag, "epci", OMER, "duree_metropole_proche") == 120


def test_rail_commune_levels(diag: duckdb.DuckDBPyConnection) -> None:
    # Saint-Omer's station (3.5 km from Tatinghem's centre) serves it better than its own halt
    assert value(diag, "commune", "62757", "gare_principale") == "Saint-Omer"
    assert value(diag, "commune", "62757", "distance_gare_principale_km") == 3.5
    assert value(diag, "commune", "62757", "duree_min_metropole") == 60
    # Arques has no station but Saint-Omer's lies 3.9 km from its centre
    assert value(diag, "commune", "62040", "nb_gares") == 0
    assert value(diag, "commune", "62040", "gare_principale") == "Saint-Omer"
    assert value(diag, "commune", "62040", "distance_gare_principale_km") == 3.9
    assert value(diag, "commune", "62040", "departs_train_jour") == 30
    # La Chapelle-Fleurigné: no station within 5 km: 0 departures, no journey time
    assert value(diag, "commune", "35062", "nb_gares") == 0
    assert value(diag, "commune", "35062", "departs_train_jour") == 0
    assert value(diag, "commune", "35062", "allers_avant_9h") == 0
    assert value(diag, "commune", "35062", "duree_min_metropole") is None
    # the reference day's rows only: Vitré has 40 departures on DAY, 5 on OTHER_DAY
    assert value(diag, "commune", "35360", "departs_train_jour") == 40


def test_rail_latest_day_by_default(diag_plain: duckdb.DuckDBPyConnection) -> None:
    assert value(diag_plain, "commune", "35360", "departs_train_jour") == 5
    assert value(diag_plain, "commune", "62765", "departs_train_jour") == 0
    assert diag_plain.execute("SELECT jour_desserte FROM indicateurs_info").fetchone() == (
        date(2025, 2, 5),
    )


def test_rail_values_are_null_without_rail_rows(mini_plain) -> None:
    con = attach(mini_plain)
    write_desserte(con, empty=True)
    compute_indicators(con)
    assert value(con, "epci", OMER, "departs_train_jour") is None
    assert value(con, "epci", OMER, "nb_gares") == 2
    con.close()


def test_missing_rail_tables_use_the_rail_default_day(mini_plain) -> None:
    # the mini feeds have no Tuesday outside school holidays on which both feeds run: the rail
    # package's clear message (asking for --date) reaches the caller
    con = attach(mini_plain)
    with pytest.raises(ConfigError, match="--date"):
        compute_indicators(con)
    con.close()


def test_a_day_outside_the_feeds_is_refused_by_the_rail_package(mini_plain) -> None:
    con = attach(mini_plain)
    with pytest.raises(ConfigError, match="hors de la période"):
        compute_indicators(con, day=date(2030, 1, 1))
    con.close()


def test_scores_by_hand(diag: duckdb.DuckDBPyConnection) -> None:
    # transport, Saint-Omer EPCI: departures 30/60 -> 50 (w 0.4); 60 min between 120 and 30
    # -> 66.67 (w 0.3); 8 trips before 9:00 /10 -> 80 (w 0.3)
    assert value(diag, "epci", OMER, "score_transport") == pytest.approx(
        0.4 * 50 + 0.3 * 100 * (60 - 120) / (30 - 120) + 0.3 * 80
    )
    # La Chapelle-Fleurigné: no station within 5 km counts 0 on every transport sub-indicator
    assert value(diag, "commune", "35062", "score_transport") == 0
    # Arques is served by Saint-Omer's station, 3.9 km away: the EPCI's figures
    assert value(diag, "commune", "62040", "score_transport") == pytest.approx(
        0.4 * 50 + 0.3 * 100 * (60 - 120) / (30 - 120) + 0.3 * 80
    )
    # Albi: an Intercités line is mapped at its station (OpenStreetMap) and the hand-written
    # rail rows have none: not known, left out, not 0
    assert value(diag, "commune", "81004", "reseaux_hors_horaires") == "Intercités"
    assert value(diag, "commune", "81004", "departs_train_jour") is None
    assert value(diag, "commune", "81004", "score_transport") is None
    # services, Vitré: centrality 3/4 -> 75 (w 0.4); France services 34.5 km > 20 -> 0 (w 0.2);
    # FttH 30.2 % (w 0.2); 1 tiers-lieu for 19,365 inhabitants = 0.516 per 10,000 -> 51.6 (w 0.2)
    ftth = 100 * 2874 / (8779 + 736)
    tl = 100 * (1 / 19365 * 10000) / 1.0
    # BPE (issue 10): 126 types in 2019 between 10 and 128 (w 0.2); proximity range 19/19 -> 100
    # (w 0.1); 25 general practitioners in 2024 = 12.9 per 10,000 > 8.9 -> 100 (w 0.2)
    bpe = 0.2 * 100 * (126 - 10) / (128 - 10) + 0.1 * 100 + 0.2 * 100
    assert value(diag, "commune", "35360", "score_services") == pytest.approx(
        (0.4 * 75 + 0.2 * 0 + 0.2 * ftth + 0.2 * tl + bpe) / 1.5
    )
    # proximity, Vitré: 36.47 km between 150 (0) and 20 (100)
    d = haversine(*VITRE, *RENNES)
    assert value(diag, "commune", "35360", "score_proximite") == pytest.approx(
        100 * (d - 150) / (20 - 150)
    )


def test_skipped_sub_indicators_renormalise_weights(diag_plain: duckdb.DuckDBPyConnection) -> None:
    # without the tiers-lieux census the services criterion uses the other weights (1.3)
    ftth = 100 * 2874 / (8779 + 736)
    bpe = 0.2 * 100 * (126 - 10) / (128 - 10) + 0.1 * 100 + 0.2 * 100  # issue 10 (BPE)
    assert value(diag_plain, "commune", "35360", "score_services") == pytest.approx(
        (0.4 * 75 + 0.2 * 0 + 0.2 * ftth + bpe) / 1.3
    )


def test_overall_score_is_the_mean_of_the_criteria(diag: duckdb.DuckDBPyConnection) -> None:
    row = diag.execute(
        "SELECT score_services, score_transport, score_dynamisme, score_proximite, "
        "score_attractivite FROM indicateurs_epci WHERE siren = ?",
        [OMER],
    ).fetchone()
    assert row is not None
    assert row[4] == pytest.approx(sum(row[:4]) / 4)


def test_no_temporary_object_is_left(diag: duckdb.DuckDBPyConnection) -> None:
    temps = diag.execute("SELECT table_name FROM duckdb_tables() WHERE temporary").fetchall()
    assert temps == []
    macros = diag.execute(
        "SELECT function_name FROM duckdb_functions() "
        "WHERE function_name LIKE '\\_%' ESCAPE '\\' AND NOT internal"
    ).fetchall()
    assert macros == []
