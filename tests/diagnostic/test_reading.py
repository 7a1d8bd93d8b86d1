"""Reading one territory's indicators (value, unit, sources with vintage, status) and its peers."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from teletravail.diagnostic.catalogue import load_indicator_catalogue
from teletravail.diagnostic.compute import find_peers, read_indicators
from teletravail.diagnostic.reading import format_number
from teletravail.errors import LookupFailed, WarehouseError
from tests.diagnostic.conftest import attach

CAT = load_indicator_catalogue()


def by_id(values):
    return {v.id: v for v in values}


def test_every_indicator_of_the_level_is_read_in_order(diag: duckdb.DuckDBPyConnection) -> None:
    values = read_indicators(diag, "epci", "200039022")
    assert [v.id for v in values] == [i.id for i in CAT.at_level("epci")]
    communes = read_indicators(diag, "commune", "35360")
    assert "nb_communes" not in by_id(communes)


def test_value_unit_nature_and_sources_with_vintage(diag: duckdb.DuckDBPyConnection) -> None:
    v = by_id(read_indicators(diag, "commune", "35360"))
    pop = v["population_2013"]
    assert pop.value == 17463 and pop.unit == "habitants" and pop.nature_label == "mesure"
    assert pop.status == "disponible" and pop.text == "17\u202f463 habitants"
    (src,) = pop.sources
    assert src.id == "comparateur_2018" and src.citation == "INSEE, RP 2013 et 2018, Filosofi 2019"
    assert "2018" in src.vintage and src.loaded
    estimate = v["taux_teletravail_estime"]
    assert estimate.nature_label == "estimation" and estimate.assumptions
    assert {f.id for f in estimate.figures} >= {"tt_cadres_2022", "tt_ouvriers_2022"}
    cadres = next(f for f in estimate.figures if f.id == "tt_cadres_2022")
    assert (cadres.value, cadres.source, cadres.year) == (52.2, "Insee, enquête Emploi 2022", 2022)


def test_old_data_shows_its_age(diag: duckdb.DuckDBPyConnection) -> None:
    v = by_id(read_indicators(diag, "commune", "35360", today=date(2026, 11, 25)))
    assert v["taux_ftth_2018"].age_years == 8
    assert "31/03/2018" in (v["taux_ftth_2018"].note or "")
    assert v["population_2023"].age_years is None


def test_rail_values_name_the_reference_day(diag: duckdb.DuckDBPyConnection) -> None:
    v = by_id(read_indicators(diag, "commune", "35360"))
    assert v["departs_train_jour"].value == 40
    assert v["departs_train_jour"].note == "jour de référence des horaires : 2025-02-04"


def test_optional_sources_present_are_used(diag: duckdb.DuckDBPyConnection) -> None:
    v = by_id(read_indicators(diag, "commune", "35360"))
    assert v["nb_tiers_lieux"].status == "disponible" and v["nb_tiers_lieux"].value == 1
    assert v["actifs_occupes_mobpro"].status == "disponible"


def test_absent_optional_sources_say_which_file_is_missing(
    diag_plain: duckdb.DuckDBPyConnection,
) -> None:
    v = by_id(read_indicators(diag_plain, "epci", "200039022"))
    tl = v["nb_tiers_lieux"]
    assert tl.status == "non_disponible" and tl.value is None and tl.text == "donnée non disponible"
    assert tl.missing_files == ("francetierslieux/bdftl*",)
    assert tl.message is not None and "francetierslieux/bdftl*" in tl.message
    mob = v["part_actifs_travaillant_hors_territoire"]
    assert mob.status == "non_disponible"
    assert mob.missing_files == ("insee/base*flux-mobilite-domicile-lieu-travail-*",)
    assert mob.message is not None and "insee.fr" in mob.message
    assert v["population_2023"].status == "disponible"


def test_no_value_is_not_the_same_as_no_source(diag: duckdb.DuckDBPyConnection) -> None:
    # La Chapelle-Fleurigné has no station within 5 km: no journey time, the source is loaded
    v = by_id(read_indicators(diag, "commune", "35062"))
    assert v["duree_min_metropole"].status == "sans_valeur"
    assert v["duree_min_metropole"].message


def test_unknown_territory_and_level(diag: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(LookupFailed, match="99999"):
        read_indicators(diag, "commune", "99999")
    with pytest.raises(LookupFailed, match="commune ou epci"):
        read_indicators(diag, "region", "53")


def test_not_computed_is_a_clear_error(mini_plain) -> None:
    con = attach(mini_plain)
    with pytest.raises(WarehouseError, match="compute_indicators"):
        read_indicators(con, "commune", "35360")
    con.close()


def test_french_number_format() -> None:
    assert format_number(1234567.891, 1) == "1\u202f234\u202f567,9"
    assert format_number(-3.0, 2) == "\u22123,00"  # a real minus sign


def test_peers_same_typology_first_then_closest_size(diag: duckdb.DuckDBPyConnection) -> None:
    # Vitré Communauté in the mini mirror: one commune (Vitré, 19,365 inh., density level 2,
    # attraction area of 50,000-200,000 inhabitants = class 2)
    peers = find_peers(diag, "epci", "200039022", n=5)
    assert [p.code for p in peers[:4]] == ["200070092", "248900334", "200069037", "248100737"]
    assert all(p.tier == 0 for p in peers[:4])
    # CA du Pays de Fontainebleau: density 2 but the Paris area (class 5): relaxed to tier 1
    assert (peers[4].code, peers[4].tier) == ("200072346", 1)
    assert peers[4].rule == "même niveau de densité"


def test_peers_of_a_commune_exclude_itself(diag: duckdb.DuckDBPyConnection) -> None:
    peers = find_peers(diag, "commune", "35360", n=3)
    assert len(peers) == 3 and "35360" not in [p.code for p in peers]
    # Libourne 25,036 inh. is the closest commune of density 2 and area class 2 to Vitré 19,365
    assert peers[0].code == "33243" and peers[0].nom == "Libourne"
    with pytest.raises(LookupFailed):
        find_peers(diag, "commune", "00000")
