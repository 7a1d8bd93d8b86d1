"""The indicator catalogue: every indicator fully declared, backed by SQL, and the checks that say so."""

from __future__ import annotations

import re
from importlib import resources

import duckdb
import pytest

from teletravail.diagnostic.catalogue import (
    LEVEL_KEYS,
    LEVEL_TABLES,
    catalogue_problems,
    load_indicator_catalogue,
    parse_catalogue,
)
from teletravail.diagnostic.compute import theme_sql
from teletravail.errors import SourceError

CAT = load_indicator_catalogue()
TOML = resources.files("teletravail.diagnostic").joinpath("indicators.toml").read_text("utf-8")


def test_catalogue_has_no_problem() -> None:
    assert catalogue_problems(CAT) == []


@pytest.mark.parametrize("ind", CAT.indicators, ids=lambda i: i.id)
def test_every_declaration_field_is_filled(ind) -> None:
    for field in ("id", "theme", "label", "unit", "definition", "formula", "nature"):
        assert str(getattr(ind, field)).strip(), f"{ind.id}: {field} vide"
    assert ind.sources and ind.levels
    assert ind.nature in ("measured", "derived", "estimated")
    if "epci" in ind.levels:
        assert ind.aggregation
    if ind.nature == "estimated":
        assert ind.assumptions and all(a.strip() for a in ind.assumptions)


@pytest.mark.parametrize("ind", CAT.indicators, ids=lambda i: i.id)
def test_every_indicator_has_sql_in_its_theme_module(ind) -> None:
    sql = theme_sql(CAT, ind.theme)
    assert re.search(rf"\bAS {ind.id}\b", sql), f"{ind.id} absent du SQL du thème {ind.theme}"


def test_every_theme_has_indicators_and_a_module() -> None:
    for theme in CAT.themes:
        assert CAT.of_theme(theme.id), theme.id
        assert theme_sql(CAT, theme.id).strip()


def test_computed_tables_have_exactly_the_declared_columns(diag: duckdb.DuckDBPyConnection) -> None:
    for level, table in LEVEL_TABLES.items():
        columns = [r[0] for r in diag.execute(f"DESCRIBE {table}").fetchall()]
        expected = [LEVEL_KEYS[level]] + [i.id for i in CAT.at_level(level)]  # type: ignore[arg-type]
        assert columns == expected, table


def test_column_types_follow_the_kind(diag: duckdb.DuckDBPyConnection) -> None:
    types = dict(
        diag.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = 'indicateurs_epci'"
        ).fetchall()
    )
    for ind in CAT.at_level("epci"):
        assert types[ind.id] == ("DOUBLE" if ind.kind == "number" else "VARCHAR"), ind.id


def test_commune_only_and_epci_only_levels() -> None:
    assert CAT.indicator("nb_communes").levels == ("epci",)
    assert "nb_communes" not in [i.id for i in CAT.at_level("commune")]


def _without(text: str, indicator_id: str, line_start: str) -> str:
    """The TOML text with the line starting with ``line_start`` removed from one indicator."""
    head, _, tail = text.partition(f'id = "{indicator_id}"\n')
    block, sep, rest = tail.partition("[[indicator]]")
    block = "\n".join(x for x in block.split("\n") if not x.startswith(line_start))
    return head + f'id = "{indicator_id}"\n' + block + sep + rest


@pytest.mark.parametrize("field", ["label", "unit", "definition", "formula", "theme"])
def test_a_missing_text_field_is_refused(field: str) -> None:
    with pytest.raises(SourceError, match=f"« {field} » manquant"):
        parse_catalogue(_without(TOML, "population_2023", f"{field} = "))


@pytest.mark.parametrize(
    ("line_start", "expected"),
    [
        ("sources = ", "aucune source"),
        ("levels = ", "niveaux"),
        ("nature = ", "nature"),
        ("aggregation = ", "aggregation"),
    ],
)
def test_missing_structured_fields_are_problems(line_start: str, expected: str) -> None:
    cat = parse_catalogue(_without(TOML, "population_2023", line_start))
    problems = catalogue_problems(cat)
    assert any("population_2023" in p and expected in p for p in problems), problems


def test_an_estimate_without_assumptions_is_a_problem() -> None:
    cat = parse_catalogue(_without(TOML, "teletravailleurs_estimes_cadres", "assumptions = "))
    assert any(
        "teletravailleurs_estimes_cadres" in p and "hypothèses" in p
        for p in catalogue_problems(cat)
    )


def test_an_unknown_key_is_refused() -> None:
    with pytest.raises(SourceError, match="clé\\(s\\) inconnue\\(s\\) formule"):
        parse_catalogue(
            TOML.replace('id = "population_2023"\n', 'id = "population_2023"\nformule = "x"\n')
        )


def test_unknown_source_and_figure_are_problems() -> None:
    text = TOML.replace(
        'sources = ["cog"]\nlevels = ["commune", "epci"]\nnature = "measured"\n'
        'aggregation = "Somme des communes membres."\ndecimals = 0',
        'sources = ["cadastre"]\nfigures = ["chiffre_imaginaire"]\n'
        'levels = ["commune", "epci"]\nnature = "measured"\n'
        'aggregation = "Somme des communes membres."\ndecimals = 0',
        1,
    )
    problems = catalogue_problems(parse_catalogue(text))
    assert any("source inconnue" in p and "cadastre" in p for p in problems)
    assert any("chiffre de référence inconnu" in p for p in problems)


def test_the_score_model_refers_to_numeric_indicators() -> None:
    text = TOML.replace(
        'indicator = "distance_metropole_km"\n  weight = 1.0',
        'indicator = "metropole_proche"\n  weight = 1.0',
    )
    problems = catalogue_problems(parse_catalogue(text))
    assert any("metropole_proche" in p and "numérique" in p for p in problems)


def test_telework_rates_cover_cs_1_to_6_from_figures_or_assumptions() -> None:
    rates = {r.cs: r for r in CAT.telework_rates}
    assert sorted(rates) == [1, 2, 3, 4, 5, 6]
    assert rates[3].figure == "tt_cadres_2022" and rates[6].figure == "tt_ouvriers_2022"
    assert rates[1].value == 0.0 and rates[1].assumption
    assert rates[2].value == 0.0 and rates[2].assumption
