"""Integration checks on the warehouse built from the real mirror (session fixture ``warehouse``):
indicators computed for the whole country, values checked by hand against the raw files."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest

from teletravail.diagnostic.compute import compute_indicators, find_peers, read_indicators
from tests.diagnostic.conftest import attach, value

PILOTS = ["248100737", "200072346", "200069037", "248900334", "200070092", "200039022"]


@pytest.fixture(scope="module")
def real(warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Indicators of the real warehouse, rail service on the rail package's default day."""
    con = attach(warehouse)
    compute_indicators(con)
    yield con
    con.close()


def test_every_commune_and_epci_has_a_row(real: duckdb.DuckDBPyConnection) -> None:
    assert real.execute("SELECT count(*) FROM indicateurs_commune").fetchone() == (34969,)
    assert real.execute("SELECT count(*) FROM indicateurs_epci").fetchone() == (1255,)
    missing = real.execute(
        "SELECT count(*) FROM communes c LEFT JOIN indicateurs_commune i "
        "USING (code) WHERE i.code IS NULL"
    ).fetchone()
    assert missing == (0,)


def test_vitre_population_change_by_hand(real: duckdb.DuckDBPyConnection) -> None:
    # insee/base_cc_comparateur_csv.zip, line of CODGEO 35360: P18_POP 18267, P13_POP 17463
    assert value(real, "commune", "35360", "population_2013") == 17463
    assert value(real, "commune", "35360", "population_2018") == 18267
    assert value(real, "commune", "35360", "evolution_population_2013_2018") == pytest.approx(
        100 * (18267 - 17463) / 17463
    )
    assert (
        round(float(value(real, "commune", "35360", "evolution_population_2013_2018")), 2) == 4.60
    )  # type: ignore[arg-type]


def test_epci_population_is_the_sum_of_its_communes(real: duckdb.DuckDBPyConnection) -> None:
    # (cog/epci.json's own populationMunicipale is of another vintage and differs for most EPCIs:
    # the indicator adds up the 2023 populations of the member communes, as the communes show)
    wrong = real.execute(
        "SELECT count(*) FROM indicateurs_epci i JOIN (SELECT m.epci_siren, sum(c.population) AS p "
        "FROM epci_membres m JOIN communes c ON c.code = m.commune_code GROUP BY 1) s "
        "ON s.epci_siren = i.siren WHERE i.population_2023 IS DISTINCT FROM s.p"
    ).fetchone()
    assert wrong == (0,)
    assert value(real, "epci", "200039022", "population_2023") == 83737


def test_epci_sums_equal_member_sums(real: duckdb.DuckDBPyConnection) -> None:
    row = real.execute(
        "SELECT sum(k.p13_pop), sum(k.p18_pop) FROM epci_membres m "
        "JOIN comparateur_2018 k ON k.commune_code = m.commune_code WHERE m.epci_siren = '200039022'"
    ).fetchone()
    assert row is not None
    assert value(real, "epci", "200039022", "population_2013") == row[0]
    assert value(real, "epci", "200039022", "population_2018") == row[1]


def test_the_22_metropoles_are_the_references(real: duckdb.DuckDBPyConnection) -> None:
    names = real.execute(
        "SELECT count(DISTINCT metropole_proche) FROM indicateurs_commune"
    ).fetchone()
    assert names == (22,)
    assert value(real, "commune", "35238", "distance_metropole_km") == pytest.approx(0.0)
    assert value(real, "commune", "35360", "metropole_proche") == "Rennes Métropole"


@pytest.mark.parametrize("siren", PILOTS)
def test_pilot_epcis_have_every_criterion(real: duckdb.DuckDBPyConnection, siren: str) -> None:
    values = {v.id: v for v in read_indicators(real, "epci", siren)}
    for criterion in (
        "score_services",
        "score_transport",
        "score_dynamisme",
        "score_proximite",
        "score_attractivite",
    ):
        score = values[criterion].value
        assert isinstance(score, float) and 0 <= score <= 100, (siren, criterion)
    assert values["gare_principale"].status == "disponible"
    assert values["nb_tiers_lieux"].status == "non_disponible"
    assert values["taux_teletravail_estime"].nature_label == "estimation"
    assert len(find_peers(real, "epci", siren)) == 5


def test_rail_values_follow_the_rail_tables(real: duckdb.DuckDBPyConnection) -> None:
    (day,) = real.execute("SELECT jour_desserte FROM indicateurs_info").fetchone() or (None,)
    assert isinstance(day, date) and day.weekday() == 1  # a Tuesday
    best = real.execute(
        "SELECT max(g.departs_train) FROM desserte_gares g JOIN stations s ON s.uic = g.uic "
        "WHERE s.commune_code = '35360'"
    ).fetchone()
    assert best is not None
    assert value(real, "commune", "35360", "departs_train_jour") == best[0]
    assert value(real, "commune", "35360", "gare_principale") == "Vitré"


def test_france_services_count_matches_the_file(real: duckdb.DuckDBPyConnection) -> None:
    total = real.execute("SELECT sum(nb_france_services) FROM indicateurs_commune").fetchone()
    assert total == (2845,)


# --- issue 10: rail -------------------------------------------------------------------------------
# Stations near the town: the station of each town below lies in a neighbouring commune (liste des
# gares de voyageurs: commune of the UIC), within 5 km of the town's centre (geo.api.gouv.fr).
@pytest.mark.parametrize(
    ("code", "station", "km"),
    [
        ("60159", "Compiègne", 3.3),  # in Margny-lès-Compiègne (60382)
        ("57606", "Saint-Avold", 4.8),  # in Valmont (57690)
        ("26057", "Romans - Bourg-de-Péage", 3.3),  # in Romans-sur-Isère (26281)
        ("77186", "Fontainebleau - Avon", 3.4),  # in Avon (77014)
        ("77333", "Nemours - Saint-Pierre", 2.5),  # in Saint-Pierre-lès-Nemours (77431)
    ],
)
def test_station_of_a_neighbouring_commune(
    real: duckdb.DuckDBPyConnection, code: str, station: str, km: float
) -> None:
    assert value(real, "commune", code, "nb_gares") in (0, 1)  # Fontainebleau has Thomery's halt
    assert value(real, "commune", code, "gare_principale") == station
    assert value(real, "commune", code, "distance_gare_principale_km") == km
    departures = value(real, "commune", code, "departs_train_jour")
    assert isinstance(departures, float) and departures > 0


def test_compiegne_rail_criterion(real: duckdb.DuckDBPyConnection) -> None:
    # 68 trains and 3 coaches leave Compiègne station on 28/01/2025 (raw stop_times count);
    # Paris in 41 min; 13 distinct departures reach Paris before 9:00.
    assert value(real, "commune", "60159", "departs_train_jour") == 68
    assert value(real, "commune", "60159", "departs_car_jour") == 3
    assert value(real, "commune", "60159", "duree_min_metropole") == 41
    assert value(real, "commune", "60159", "allers_avant_9h") == 13
    score = value(real, "commune", "60159", "score_transport")
    assert isinstance(score, float) and score > 90


def test_epci_counts_a_station_once(real: duckdb.DuckDBPyConnection) -> None:
    # CA de la Région de Compiègne: its station serves several members; principal station once.
    siren = real.execute("SELECT epci_siren FROM communes WHERE code = '60159'").fetchone()
    assert siren is not None
    assert value(real, "epci", siren[0], "gare_principale") == "Compiègne"
    assert value(real, "epci", siren[0], "departs_train_jour") == 68


@pytest.mark.parametrize(
    ("code", "network"),
    [
        ("77284", "Transilien"),  # Meaux: Transilien P only
        ("91228", "RER"),  # Évry-Courcouronnes: RER D
        ("95500", "RER, Transilien"),  # Pontoise: RER C, Transilien H and J
        ("2A004", "Chemins de fer de la Corse"),  # Ajaccio
        ("2B033", "Chemins de fer de la Corse"),  # Bastia
    ],
)
def test_missing_network_is_not_a_zero(
    real: duckdb.DuckDBPyConnection, code: str, network: str
) -> None:
    assert value(real, "commune", code, "reseaux_hors_horaires") == network
    # no TER or TGV train in the feeds there: not known, not 0
    for column in ("departs_train_jour", "allers_avant_9h", "score_transport"):
        assert value(real, "commune", code, column) is None
    assert value(real, "commune", code, "score_attractivite") is not None


def test_no_ile_de_france_acv_commune_scored_as_without_train(
    real: duckdb.DuckDBPyConnection,
) -> None:
    rows = real.execute(
        "SELECT c.nom, i.score_transport, i.reseaux_hors_horaires FROM communes c "
        "JOIN indicateurs_commune i USING (code) WHERE c.acv AND c.region = '11'"
    ).fetchall()
    assert len(rows) >= 18
    assert [r for r in rows if r[1] == 0] == []
    assert [r[0] for r in rows if r[2] is None] == []  # every one flagged


@pytest.mark.parametrize("code", ["33243", "81004", "62765"])  # Libourne, Albi, Saint-Omer
def test_no_tgv_call(real: duckdb.DuckDBPyConnection, code: str) -> None:
    assert value(real, "commune", code, "arret_tgv_gare_principale") == "non"


def test_sens_departures_before_9(real: duckdb.DuckDBPyConnection) -> None:
    # Sens station: 44 trains and 9 coaches; 11 departures reach Paris before 9:00 (9 direct
    # trains, plus the 06:24 and 06:42 with a change), counted from the raw feeds.
    assert value(real, "commune", "89387", "departs_train_jour") == 44
    assert value(real, "commune", "89387", "departs_car_jour") == 9
    assert value(real, "commune", "89387", "allers_avant_9h") == 11
