"""Commuting flows (MOBPRO) and tiers-lieux: computed when the optional files are present
(fixture files tests/fixtures/optional), "donnée non disponible" otherwise."""

from __future__ import annotations

import math

import duckdb
import pytest

from tests.diagnostic.conftest import value

VITRE, RENNES = (48.1105, -1.1972), (48.1159, -1.6884)
OMER, ARQUES = (50.7673, 2.2648), (50.7388, 2.3177)


def gc(a: tuple[float, float], b: tuple[float, float]) -> float:
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b[1] - a[1]) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def test_vitre_flows(diag: duckdb.DuckDBPyConnection) -> None:
    # 35360 -> 35238 Rennes 812.5 ; 35360 -> 35360 5234.12345678901
    total = 812.5 + 5234.12345678901
    assert value(diag, "commune", "35360", "actifs_occupes_mobpro") == pytest.approx(total)
    assert value(
        diag, "commune", "35360", "part_actifs_travaillant_hors_territoire"
    ) == pytest.approx(100 * 812.5 / total)
    assert value(diag, "commune", "35360", "part_actifs_travaillant_metropole") == pytest.approx(
        100 * 812.5 / total
    )
    assert value(diag, "commune", "35360", "distance_domicile_travail_km") == pytest.approx(
        812.5 * gc(VITRE, RENNES) / total
    )


def test_epci_outflow_leaves_internal_flows_out(diag: duckdb.DuckDBPyConnection) -> None:
    # Saint-Omer: 45.3 to Belgium (abroad), 410.75 to Arques, a member of the same EPCI
    total = 45.3 + 410.75
    assert value(
        diag, "commune", "62765", "part_actifs_travaillant_hors_territoire"
    ) == pytest.approx(100.0)
    assert value(
        diag, "epci", "200069037", "part_actifs_travaillant_hors_territoire"
    ) == pytest.approx(100 * 45.3 / total)
    assert value(diag, "epci", "200069037", "part_actifs_travaillant_metropole") == 0
    # abroad excluded from the distance
    assert value(diag, "epci", "200069037", "distance_domicile_travail_km") == pytest.approx(
        gc(OMER, ARQUES)
    )


def test_merged_commune_flows_are_summed(diag: duckdb.DuckDBPyConnection) -> None:
    # 01340 Saint-Bois merged into 01015 Arboys en Bugey: both rows live and work in 01015
    assert value(diag, "commune", "01015", "actifs_occupes_mobpro") == pytest.approx(
        98.4172661870504 + 12
    )
    assert value(diag, "commune", "01015", "part_actifs_travaillant_hors_territoire") == 0
    assert value(diag, "commune", "01015", "distance_domicile_travail_km") == 0


def test_tiers_lieux_counts(diag: duckdb.DuckDBPyConnection) -> None:
    assert value(diag, "commune", "35360", "nb_tiers_lieux") == 1
    assert value(diag, "commune", "75056", "nb_tiers_lieux") == 1  # Paris 1er arrondissement
    assert value(diag, "commune", "35238", "nb_tiers_lieux") == 0
    # Tatinghem (62807, merged into 62757) and Saint-Omer
    assert value(diag, "commune", "62757", "nb_tiers_lieux") == 1
    assert value(diag, "epci", "200069037", "nb_tiers_lieux") == 2
    assert value(diag, "commune", "35360", "tiers_lieux_pour_10000_hab") == pytest.approx(
        10000 / 19365
    )


@pytest.mark.parametrize(
    "column", ["nb_tiers_lieux", "actifs_occupes_mobpro", "distance_domicile_travail_km"]
)
def test_absent_sources_give_null_values(
    diag_plain: duckdb.DuckDBPyConnection, column: str
) -> None:
    assert value(diag_plain, "commune", "35360", column) is None
    assert value(diag_plain, "epci", "200069037", column) is None
