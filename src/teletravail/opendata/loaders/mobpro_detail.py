"""INSEE census 2014, MOBPRO detail file (home-to-work), extract of the residents of the Meuse.

Validation data only (for the commuting model, :mod:`teletravail.navettes`), never a production
figure. File ``insee/mobpro2014-meuse-detail.csv``: UTF-8, ``;`` separated, header
``COMMUNE;DCLT;CS1;AGEREVQ;IPONDI``, one row per weighted individual (census sample):
COMMUNE = commune of residence, DCLT = place of work (commune, or 99xxx = country abroad), codes of
the 2014 geography; CS1 = socio-professional category 1..6 (PCS, first digit); AGEREVQ = age
(five-year band, as published); IPONDI = weight (workers represented, decimal point).

Table ``mobpro_detail_2014`` (one row per source row):
- commune_residence, commune_travail: COG 2026 codes (merged communes mapped through
  ``commune_codes``); NULL when unattached (anomaly) and, for commune_travail, abroad;
- code_residence_source, code_travail_source: the codes as published;
- etranger: TRUE for a place of work abroad (DCLT starting with 99);
- cs1 (INTEGER 1..6), age (INTEGER, AGEREVQ), poids (DOUBLE, IPONDI ≥ 0).
Bad input (missing column, CS1 outside 1..6, empty or negative weight, malformed code) is refused
with the file, line, column and value.
"""

from __future__ import annotations

import duckdb

from teletravail.opendata.context import LoadContext

_COLUMNS = ["COMMUNE", "DCLT", "CS1", "AGEREVQ", "IPONDI"]
_HINT = (
    "Fichier attendu : extrait du fichier détail MOBPRO 2014 (COMMUNE;DCLT;CS1;AGEREVQ;IPONDI, "
    "séparateur point-virgule, point décimal)"
)
_SCHEMA = """
    commune_residence VARCHAR, commune_travail VARCHAR, code_residence_source VARCHAR,
    code_travail_source VARCHAR, etranger BOOLEAN, cs1 INTEGER, age INTEGER, poids DOUBLE
"""


def create_empty_mobpro_detail_2014(con: duckdb.DuckDBPyConnection) -> None:
    """Create ``mobpro_detail_2014`` with its schema and no rows (source absent)."""
    con.execute(f"CREATE OR REPLACE TABLE mobpro_detail_2014 ({_SCHEMA})")


def load_mobpro_detail(ctx: LoadContext) -> None:
    """Load the MOBPRO 2014 detail extract into ``mobpro_detail_2014``."""
    path = ctx.path("detail")
    header = ctx.header(path, delim=";")
    ctx.require_columns(path, header, _COLUMNS)
    ctx.read_csv(
        "mobpro_detail_raw",
        path,
        columns={c: "VARCHAR" for c in header},
        delim=";",
        select="trim(COMMUNE) AS code_res, trim(DCLT) AS code_trav, trim(CS1) AS cs1, "
        "trim(AGEREVQ) AS age, trim(IPONDI) AS poids, row_number() OVER () + 1 AS _line",
    )
    checks = (
        ("code_res", "COMMUNE", "code commune de résidence mal formé", "[0-9][0-9AB][0-9]{3}"),
        ("code_trav", "DCLT", "code du lieu de travail mal formé", "[0-9][0-9AB][0-9]{3}"),
        ("cs1", "CS1", "catégorie socioprofessionnelle attendue entre 1 et 6", "[1-6]"),
        ("age", "AGEREVQ", "âge attendu (nombre entier)", "[0-9]{1,3}"),
        ("poids", "IPONDI", "poids attendu (nombre positif, point décimal)", r"[0-9]+(\.[0-9]+)?"),
    )
    for col, name, problem, pattern in checks:
        ctx.reject_first(
            "mobpro_detail_raw",
            path,
            where=f"NOT regexp_full_match(coalesce({col}, ''), '{pattern}')",
            value=col,
            column=name,
            problem=problem,
            hint=_HINT,
        )
    for table, col, what, where in (
        ("mobpro_detail_res", "code_res", "commune de résidence", "TRUE"),
        (
            "mobpro_detail_trav",
            "code_trav",
            "commune de travail",
            "NOT starts_with(code_trav, '99')",
        ),
    ):
        ctx.con.execute(
            f"CREATE OR REPLACE TABLE {table} AS SELECT DISTINCT {col} AS code "
            f"FROM mobpro_detail_raw WHERE {where}"
        )
        ctx.map_communes(table, code_col="code", name_col=None, file=path, what=what)
    ctx.con.execute(
        """CREATE OR REPLACE TABLE mobpro_detail_2014 AS
        SELECT r.commune_code AS commune_residence, t.commune_code AS commune_travail,
               m.code_res AS code_residence_source, m.code_trav AS code_travail_source,
               starts_with(m.code_trav, '99') AS etranger, m.cs1::INTEGER AS cs1,
               m.age::INTEGER AS age, m.poids::DOUBLE AS poids
        FROM mobpro_detail_raw m
        LEFT JOIN mobpro_detail_res r ON r.code = m.code_res
        LEFT JOIN mobpro_detail_trav t ON t.code = m.code_trav
        ORDER BY m._line"""
    )
    # the extract is named after the Meuse (55): say which départements it actually covers
    for dep, rows, workers in ctx.con.execute(
        """SELECT left(code_res, 2), count(*), sum(poids::DOUBLE) FROM mobpro_detail_raw
        WHERE left(code_res, 2) <> '55' GROUP BY 1 ORDER BY 1"""
    ).fetchall():
        ctx.anomaly(
            path,
            dep,
            None,
            f"extrait dit « Meuse » : {rows} ligne(s), {workers:.0f} actifs résident dans le "
            f"département {dep} (gardés pour la validation)",
        )
    for table in ("mobpro_detail_raw", "mobpro_detail_res", "mobpro_detail_trav"):
        ctx.con.execute(f"DROP TABLE {table}")
