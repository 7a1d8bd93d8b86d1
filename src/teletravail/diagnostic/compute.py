"""Compute every indicator for every commune and every EPCI in one pass of SQL.

``compute_indicators(con, day=...)`` runs, on a writable connection to the warehouse, one SQL
statement per theme (each over all territories at once, commune and EPCI levels together through the
``_perimetre`` table, see ``prelude``), then the attractiveness scores over the joined result, and
writes two wide tables in one transaction (the previous ones stay intact on error):

- ``indicateurs_commune``: ``code`` (COG 2026) + one column per indicator declared at commune level;
- ``indicateurs_epci``: ``siren`` + one column per indicator declared at EPCI level;
- ``indicateurs_info``: calcule_le (TIMESTAMP), jour_desserte (DATE, reference day of the rail
  service), nb_indicateurs (INTEGER), version (package version).

Numeric indicators are DOUBLE, text indicators VARCHAR; units are those of ``indicators.toml``.
``read_indicators`` and ``find_peers`` (re-exported here) read them per territory.
"""

from __future__ import annotations

import importlib
from datetime import date
from types import ModuleType

import duckdb

from teletravail import __version__
from teletravail.diagnostic import attractiveness
from teletravail.diagnostic.catalogue import (
    LEVEL_KEYS,
    LEVEL_TABLES,
    IndicatorCatalogue,
    Level,
    load_indicator_catalogue,
)
from teletravail.diagnostic.peers import Peer, find_peers
from teletravail.diagnostic.prelude import create_prelude, drop_prelude
from teletravail.diagnostic.reading import IndicatorValue, read_indicators
from teletravail.errors import WarehouseError
from teletravail.rail.calendar import reference_day
from teletravail.rail.service import compute_rail_service

__all__ = [
    "IndicatorValue",
    "Peer",
    "compute_indicators",
    "find_peers",
    "read_indicators",
    "theme_sql",
]

REQUIRED_TABLES = (
    "communes",
    "epcis",
    "epci_membres",
    "comparateur_2018",
    "csp_2011",
    "ftth_2018",
    "france_services",
    "stations",
    "sources",
    "reference_figures",
    "mobpro_flux",
    "tiers_lieux",
    "bpe_2019",
    "bpe_2024_groupes",
    "bpe_gammes",
    "bpe_groupes_2024",
    # issue 10: insee
    "rp2021_communes",
    "logement_2021",
    "filosofi_2021",
    "filosofi_2021_iris",
    "chomage_ze",
    "chomage_france",
    "chomage_ze_communes",
    "friches_communes",
    "lovac_communes",
    "dvf_appartements",
    "loyers_communes",
    "zonage_abc",
    "sitadel_logements",
)
# the rail tables the indicators read (``departs_heure``, made by the same computation, is read by
# the reports only)
RAIL_TABLES = ("desserte_gares", "desserte_metropoles")
_REBUILD = "Reconstruisez l'entrepôt avec « teletravail data build »."


def theme_module(module: str) -> ModuleType:
    """The module ``teletravail.diagnostic.<module>`` holding a theme's SQL."""
    return importlib.import_module(f"teletravail.diagnostic.{module}")


def theme_sql(cat: IndicatorCatalogue, theme_id: str) -> str:
    """The SQL of a theme (for attractiveness: generated from the declared score model)."""
    theme = cat.theme(theme_id)
    module = theme_module(theme.module)
    if theme.module == "attractiveness":
        return attractiveness.sql(cat.score, "_indicateurs")
    text = getattr(module, "SQL", None)
    if not isinstance(text, str):
        raise WarehouseError(f"Le module du thème « {theme_id} » ({theme.module}) n'a pas de SQL.")
    return text


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    return {r[0] for r in rows}


def _check_tables(con: duckdb.DuckDBPyConnection) -> None:
    missing = [t for t in REQUIRED_TABLES if t not in _tables(con)]
    if missing:
        raise WarehouseError(
            f"Entrepôt incomplet pour le diagnostic (tables absentes : {', '.join(missing)}). "
            + _REBUILD
        )


def _rail_days(con: duckdb.DuckDBPyConnection) -> list[date]:
    return [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT CAST(jour AS DATE) FROM desserte_gares WHERE jour IS NOT NULL ORDER BY 1"
        ).fetchall()
    ]


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    return {r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()}


def prepare_rail(con: duckdb.DuckDBPyConnection, day: date | None) -> date | None:
    """Make sure the rail service tables hold the reference day; expose its rows as temporary
    tables ``_desserte_gares_jour`` and ``_desserte_metropoles_jour``; return the day.

    With ``day``: the rail service is computed (``teletravail.rail.service.compute_rail_service``,
    which checks the day against the feeds' validity) unless the tables already hold that day.
    Without: the tables' latest day is used; when the tables are absent, the rail package's default
    reference day (a Tuesday outside school holidays) is computed. Tables present but empty give
    ``None``: rail values are then NULL.
    """
    present = all(t in _tables(con) for t in RAIL_TABLES)
    if day is None and not present:
        day = reference_day(con)
    if day is not None and (not present or day not in _rail_days(con)):
        compute_rail_service(con, day=day, modes=("train",))  # coaches: « desserte » only
    days = _rail_days(con)
    chosen = day if day is not None else (days[-1] if days else None)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _desserte_gares_jour AS "
        "SELECT * FROM desserte_gares WHERE CAST(jour AS DATE) IS NOT DISTINCT FROM $day",
        {"day": chosen},
    )
    has_day = "jour" in _columns(con, "desserte_metropoles")
    where = "WHERE CAST(jour AS DATE) IS NOT DISTINCT FROM $day" if has_day else "WHERE TRUE"
    if "mode" in _columns(con, "desserte_metropoles"):
        where += " AND mode = 'train'"  # journeys by train only; coaches are kept apart
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _desserte_metropoles_jour AS "
        f"SELECT * FROM desserte_metropoles {where}",
        {"day": chosen} if has_day else {},
    )
    return chosen


def _theme_tables(con: duckdb.DuckDBPyConnection, cat: IndicatorCatalogue) -> list[str]:
    """Run every theme's SQL (except attractiveness) into ``_theme_<id>``; return the table names."""
    names = []
    for theme in cat.themes:
        if theme.module == "attractiveness":
            continue
        table = f"_theme_{theme.id}"
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS {theme_sql(cat, theme.id)}")
        columns = {r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()}
        missing = [i.id for i in cat.of_theme(theme.id) if i.id not in columns]
        if missing:
            raise WarehouseError(
                f"Le SQL du thème « {theme.id} » ne produit pas les colonnes {', '.join(missing)} : "
                f"corrigez teletravail/diagnostic/{theme.module}.py ou indicators.toml."
            )
        names.append(table)
    return names


def _typed(cat: IndicatorCatalogue, indicator_id: str, alias: str = "") -> str:
    ind = cat.indicator(indicator_id)
    sql_type = "DOUBLE" if ind.kind == "number" else "VARCHAR"
    return f"CAST({alias}{ind.id} AS {sql_type}) AS {ind.id}"


def _write_level(con: duckdb.DuckDBPyConnection, cat: IndicatorCatalogue, level: Level) -> None:
    columns = ",\n       ".join(_typed(cat, i.id, "i.") for i in cat.at_level(level))
    con.execute(
        f"CREATE OR REPLACE TABLE {LEVEL_TABLES[level]} AS\n"
        f"SELECT i.code AS {LEVEL_KEYS[level]},\n       {columns}\n"
        "FROM _indicateurs_tous i WHERE i.niveau = ? ORDER BY i.code",
        [level],
    )


def _drop_temp(con: duckdb.DuckDBPyConnection, tables: list[str]) -> None:
    for table in [
        *tables,
        "_indicateurs",
        "_theme_scores",
        "_indicateurs_tous",
        "_desserte_gares_jour",
        "_desserte_metropoles_jour",
    ]:
        con.execute(f"DROP TABLE IF EXISTS {table}")
    drop_prelude(con)


def compute_indicators(con: duckdb.DuckDBPyConnection, *, day: date | None = None) -> None:
    """Compute all indicators for all communes and EPCIs into the tables listed in the docstring.

    ``day`` is the reference weekday of the rail service (see ``prepare_rail``). Raises
    ``WarehouseError`` when the warehouse lacks a table or a reference figure.
    """
    cat = load_indicator_catalogue()
    con.execute("SET enable_progress_bar = false")
    _check_tables(con)
    rail_day = prepare_rail(con, day)
    tables: list[str] = []
    try:
        create_prelude(con, cat)
        tables = _theme_tables(con, cat)
        base = [i for i in cat.indicators if i.theme != attractiveness.THEME]
        joins = "\n".join(f"LEFT JOIN {t} USING (niveau, code)" for t in tables)
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _indicateurs AS\n"
            f"SELECT p.niveau, p.code, {', '.join(i.id for i in base)}\n"
            f"FROM (SELECT DISTINCT niveau, code FROM _perimetre) p\n{joins}"
        )
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _theme_scores AS " + theme_sql(cat, attractiveness.THEME)
        )
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _indicateurs_tous AS SELECT * FROM _indicateurs "
            "LEFT JOIN _theme_scores USING (niveau, code)"
        )
        con.execute("BEGIN TRANSACTION")
        try:
            for level in ("commune", "epci"):
                _write_level(con, cat, level)
            con.execute(
                "CREATE OR REPLACE TABLE indicateurs_info AS SELECT current_timestamp::TIMESTAMP "
                "AS calcule_le, CAST(? AS DATE) AS jour_desserte, CAST(? AS INTEGER) AS "
                "nb_indicateurs, CAST(? AS VARCHAR) AS version",
                [rail_day, len(cat.indicators), __version__],
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    finally:
        _drop_temp(con, tables)
