"""Diagnostic figures from the INSEE 2021 complements: census 2021, Filosofi 2021 (commune, IRIS),
unemployment of the employment zone. Mini mirror (fixture rows) and real mirror (hand checks)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from teletravail.diagnostic.catalogue import load_indicator_catalogue
from teletravail.diagnostic.compute import read_indicators, theme_sql
from teletravail.diagnostic.prelude import create_prelude, drop_prelude
from tests.diagnostic.conftest import attach, value

OMER = "200069037"


def test_commune_figures_on_the_mini_mirror(diag: duckdb.DuckDBPyConnection) -> None:
    # insee/filosofi2021-communes.json: 62765 median_eur 18120; 35360 23060
    assert value(diag, "commune", "62765", "revenu_median_2021") == 18120
    assert value(diag, "commune", "35360", "revenu_median_2021") == 23060
    # insee/rp2021-iris.parquet: Vitré's 7 IRIS sum to 18,998 inhabitants
    assert value(diag, "commune", "35360", "population_2021") == 18998
    # chomage file: zone 3219 Saint-Omer, 2021-T1 8.2 %, 2025-T4 8.1 %
    assert value(diag, "commune", "62765", "zone_emploi") == "Saint-Omer (3219)"
    assert value(diag, "commune", "62765", "taux_chomage_zone_emploi_2025t4") == 8.1
    assert value(
        diag, "commune", "62765", "evolution_chomage_zone_emploi_2021t1_2025t4"
    ) == pytest.approx(-0.1)
    # an EPCI has no measured median, only the labelled approximation
    assert value(diag, "epci", OMER, "revenu_median_2021_approche") is not None


def test_commune_without_iris(diag: duckdb.DuckDBPyConnection) -> None:
    # Saint-Martin-lez-Tatinghem (under 5,000 inhabitants): no IRIS in Filosofi 2021 by IRIS
    assert value(diag, "commune", "62757", "taux_pauvrete_2021") is None
    assert value(diag, "commune", "62757", "rapport_revenu_iris_2021") is None
    assert value(diag, "commune", "62757", "nb_iris_revenu_2021") == 0
    assert "aucun IRIS publié" in str(
        value(diag, "commune", "62757", "couverture_taux_pauvrete_2021")
    )


def test_coverage_and_age_shown_next_to_the_figure(diag: duckdb.DuckDBPyConnection) -> None:
    by_id = {v.id: v for v in read_indicators(diag, "epci", OMER)}
    poverty = by_id["taux_pauvrete_2021"]
    assert poverty.nature == "estimated" and poverty.assumptions
    assert poverty.note is not None and poverty.note.startswith("Couverture : ")
    assert "IRIS publié" in poverty.note
    old = by_id["taux_pauvrete_2019"]
    assert old.note is not None and "communes publiées sur" in old.note
    assert "vieille de" in old.note
    approx = by_id["revenu_median_2021_approche"]
    assert approx.nature == "estimated" and "Couverture" in (approx.note or "")
    assert "revenu_median_2021" not in by_id  # the measured median is a commune figure


# -- real mirror ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def themes(warehouse: Path) -> Iterator[dict[tuple[str, str], dict[str, object]]]:
    """The SQL of the themes fed by the 2021 complements, run on the real warehouse (no rail)."""
    con = attach(warehouse)
    cat = load_indicator_catalogue()
    create_prelude(con, cat)
    rows: dict[tuple[str, str], dict[str, object]] = {}
    for theme in ("evolution", "logement", "revenus", "inegalites"):
        cursor = con.execute(
            f"SELECT * FROM ({theme_sql(cat, theme)}) WHERE code IN ('62765', '{OMER}')"
        )
        names = [d[0] for d in cursor.description or []]
        for row in cursor.fetchall():
            rows.setdefault((row[0], row[1]), {}).update(zip(names, row, strict=True))
    drop_prelude(con)
    yield rows
    con.close()


def test_saint_omer_by_hand(themes: dict[tuple[str, str], dict[str, object]]) -> None:
    """Hand computation over the raw files of ../shared/opendata (Python, no loader):

    - rp2021-iris.parquet, `pop` summed over the 53 members of 200069037 (cog/epci.json): 104,937;
    - rp2021-logement-communes.json.gz, the 53 members: log 49,386, vac 3,738 (7.569 %), rsec 2.148 %;
    - filosofi2021-iris.json.gz: 18 IRIS with a poverty rate in 5 of the 53 communes; mean weighted
      by the IRIS `pop` 22.894 %, covering 47.05 % of the 2021 population; Saint-Omer (62765): IRIS
      627650101 20,570 € 17 % (3,339 inh.), 0201 17,050 € 34 % (3,184), 0301 16,730 € 35 % (2,879),
      0302 18,000 € 30 % (3,660), 0401 16,730 € 33 % (1,599): 29.217 %;
    - filosofi2021-communes.json: 53 communes published; mean of the medians weighted by the 2021
      population 20,682.2 €;
    - chomage-zones-emploi-2021-2025.json: zone 3219 Saint-Omer 8.2 % (2021-T1), 8.1 % (2025-T4);
      the members lie in zones 3205, 3207 and 3219.
    """
    epci = themes[("epci", OMER)]
    assert epci["population_2021"] == 104937
    assert epci["logements_2021"] == 49386
    assert epci["part_logements_vacants_2021"] == pytest.approx(7.5689, abs=1e-3)
    assert epci["part_residences_secondaires_2021"] == pytest.approx(2.1484, abs=1e-3)
    assert epci["taux_pauvrete_2021"] == pytest.approx(22.8936, abs=1e-3)
    assert epci["couverture_taux_pauvrete_2021"] == (
        "18 IRIS publiés dans 5 communes sur 53, 47 % de la population 2021"
    )
    assert epci["revenu_median_2021_approche"] == pytest.approx(20682.2, abs=0.1)
    assert epci["couverture_revenu_median_2021"] == (
        "53 communes publiées sur 53, 100 % de la population 2021"
    )
    assert epci["zone_emploi"] == "Saint-Omer (3219) et 2 autres zones"
    # the figure: the 2019 rate is published for 9 of the 53 communes, 64 % of households
    assert epci["couverture_taux_pauvrete_2019"] == (
        "9 communes publiées sur 53, 64 % des ménages fiscaux"
    )
    town = themes[("commune", "62765")]
    assert town["taux_pauvrete_2021"] == pytest.approx(29.2170, abs=1e-3)
    assert town["revenu_median_iris_min_2021"] == 16730
    assert town["revenu_median_iris_max_2021"] == 20570
    assert town["rapport_revenu_iris_2021"] == pytest.approx(20570 / 16730)
    assert town["taux_pauvrete_iris_max_2021"] == 35
    assert town["taux_pauvrete_iris_min_2021"] == 17
    assert town["taux_chomage_zone_emploi_2025t4"] == 8.1
    assert town["evolution_chomage_zone_emploi_2021t1_2025t4"] == pytest.approx(-0.1)
