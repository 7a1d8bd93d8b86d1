"""Housing pressure, construction and land reuse themes on the real mirror (session fixture
``warehouse``): Libourne (33243), Albi (81004) and the CA du Libournais checked by hand against the
raw files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from teletravail.diagnostic.compute import compute_indicators
from tests.diagnostic.conftest import attach, value

CA_LIBOURNAIS = "200070092"


@pytest.fixture(scope="module")
def real(warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = attach(warehouse)
    compute_indicators(con)
    yield con
    con.close()


def test_albi_by_hand(real: duckdb.DuckDBPyConnection) -> None:
    v = lambda col: value(real, "commune", "81004", col)  # noqa: E731
    # dgfip/dvf-appartements-communes.csv: 81004;81;891;1983.31;2384.09;2857.32;487;2575
    assert v("nb_ventes_appartements_2022_2024") == 891
    assert v("prix_m2_appartements_2022_2024") == pytest.approx(2384.09)
    # anil/carte-loyers-*.csv.gz, 81004: 11,2293435413162 [9,117…; 13,830…] and 9,336… [7,516…; 11,597…]
    assert v("loyer_m2_appartement") == pytest.approx(11.2293435413162)
    assert v("loyer_m2_appartement_bas") == pytest.approx(9.11742733289072)
    assert v("loyer_m2_appartement_haut") == pytest.approx(13.8304536756775)
    assert v("loyer_m2_maison") == pytest.approx(9.33634840864616)
    # dhup/zonage-abc-communes.json: "81004": "B1"
    assert v("zone_abc") == "B1" and v("part_population_zone_tendue") == 100
    # sdes/sitadel-logements-communes.json.gz, 81004: a = [246, 194, 227, 364, 359, 286, 191, 711,
    # 389, 424, 676, 361, 1053] (sum 5481, 2013-2022: 3391), s = [166, …, 187, -1] (sum 3460)
    assert v("logements_autorises_2013_2025") == 5481
    assert v("logements_autorises_2025") == 1053
    assert v("logements_commences_2013_2024") == 3460
    # comparateur: P18_POP 48993, P13_POP 49342; COG 2026 population 51290
    assert v("logements_autorises_par_1000_hab_an") == pytest.approx(5481 / 13 / 48993 * 1000)
    assert v("logements_commences_par_1000_hab_an") == pytest.approx(3460 / 12 / 48993 * 1000)
    assert v("variation_population_2013_2023_par_1000_hab_an") == pytest.approx(
        (51290 - 49342) / 10 / 49342 * 1000
    )
    assert v("logements_autorises_par_habitant_supplementaire") == pytest.approx(3391 / 1948)
    # cerema/cartofriches-communes.json.gz, 81004: n 12, with project 7, without 4, potential 1,
    # 705368 m²
    assert v("nb_friches") == 12
    assert v("surface_friches_ha") == pytest.approx(70.5368)
    assert (v("nb_friches_avec_projet"), v("nb_friches_sans_projet")) == (7, 4)
    assert v("nb_friches_potentielles") == 1
    # cerema/lovac2025-communes.csv: 81004;7.98;3.82
    assert v("taux_vacance_lovac_2025") == pytest.approx(7.98)
    assert v("taux_vacance_longue_lovac_2025") == pytest.approx(3.82)
    assert v("couverture_lovac_2025") == 100


def test_libourne_by_hand(real: duckdb.DuckDBPyConnection) -> None:
    v = lambda col: value(real, "commune", "33243", col)  # noqa: E731
    # dgfip: 33243;33;422;1836.54;2335.94;…  lovac: 33243;9.59;4.88  cartofriches: 9 sites, 22212 m²
    assert v("nb_ventes_appartements_2022_2024") == 422
    assert v("prix_m2_appartements_2022_2024") == pytest.approx(2335.94)
    assert v("taux_vacance_longue_lovac_2025") == pytest.approx(4.88)
    assert (v("nb_friches"), v("nb_friches_avec_projet")) == (9, 9)
    # sitadel 33243: a sums to 1648, s (2013-2024) to 1204; P18_POP 24511
    assert v("logements_autorises_2013_2025") == 1648
    assert v("logements_commences_2013_2024") == 1204
    assert v("logements_autorises_par_1000_hab_an") == pytest.approx(1648 / 13 / 24511 * 1000)


def test_few_sales_give_no_price(real: duckdb.DuckDBPyConnection) -> None:
    # dgfip: 62757 (Saint-Martin-lez-Tatinghem) has 5 sales: under the threshold of 10.
    assert value(real, "commune", "62757", "nb_ventes_appartements_2022_2024") == 5
    assert value(real, "commune", "62757", "prix_m2_appartements_2022_2024") is None
    # Moselle is not covered by DVF: no sale count, not 0 (Metz, 57463).
    assert value(real, "commune", "57463", "nb_ventes_appartements_2022_2024") is None


def test_epci_aggregation(real: duckdb.DuckDBPyConnection) -> None:
    members = [
        r[0]
        for r in real.execute(
            "SELECT commune_code FROM epci_membres WHERE epci_siren = ?", [CA_LIBOURNAIS]
        ).fetchall()
    ]
    sales = real.execute(
        "SELECT sum(nb_ventes_appartements_2022_2024), sum(nb_friches), sum(surface_friches_ha), "
        "sum(logements_autorises_2013_2025) FROM indicateurs_commune WHERE list_contains(?, code)",
        [members],
    ).fetchone()
    assert sales is not None
    v = lambda col: value(real, "epci", CA_LIBOURNAIS, col)  # noqa: E731
    assert v("nb_ventes_appartements_2022_2024") == sales[0]
    assert v("nb_friches") == sales[1]
    assert v("surface_friches_ha") == pytest.approx(sales[2])
    assert v("logements_autorises_2013_2025") == sales[3]
    # Rates and prices lie between their communes' extremes (weighted means).
    lo, hi = real.execute(
        "SELECT min(taux_vacance_longue_lovac_2025), max(taux_vacance_longue_lovac_2025) "
        "FROM indicateurs_commune WHERE list_contains(?, code)",
        [members],
    ).fetchone() or (None, None)
    assert lo <= v("taux_vacance_longue_lovac_2025") <= hi
    assert 0 < v("couverture_lovac_2025") < 100
    assert v("zone_abc") in ("B1", "B2", "C")


def test_report_says_not_available_under_the_sales_threshold(
    real: duckdb.DuckDBPyConnection,
) -> None:
    from teletravail.diagnostic.compute import read_indicators
    from teletravail.reports.diagnostic import _few_sales, _figure

    values = read_indicators(real, "commune", "62757")
    by_id = {v.id: v for v in values}
    figures = tuple(_figure(v) for v in values if v.theme == "marche_logement")
    price = next(f for f in _few_sales(figures, by_id) if f.id.startswith("prix_m2"))
    assert price.texte == "donnée non disponible" and not price.disponible
    assert price.note is not None and "5 ventes d'appartements" in price.note
    # Albi (891 sales) keeps its median.
    values = read_indicators(real, "commune", "81004")
    by_id = {v.id: v for v in values}
    figures = tuple(_figure(v) for v in values if v.theme == "marche_logement")
    assert _few_sales(figures, by_id) == figures
