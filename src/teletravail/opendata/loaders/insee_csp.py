"""INSEE historical census series: people aged 25-54 by socio-professional category, census 2011.

Table ``csp_2011`` (one row per current commune, ``commune_code`` COG 2026, unique): for each
category n = 1 agriculteurs, 2 artisans/commerçants/chefs d'entreprise, 3 cadres et professions
intellectuelles supérieures, 4 professions intermédiaires, 5 employés, 6 ouvriers:
``cs{n}_emploi`` (people in work) and ``cs{n}_chomeurs`` (unemployed people who have worked),
DOUBLE, people aged 25 to 54 at their place of residence, census 2011 (columns "RP2011");
``actifs_25_54`` (sum of the twelve), ``nb_codes_sources`` (source communes summed into it).

The producer's file: 14 title lines, a 2-line header (CS, TYPE ACTIVITE), a label row whose cells
span several lines, then a row of column codes (RR, DR, CR, STABLE, DR13, LIBELLE,
csx_rec{n}taxtypac_rec{t}rpop2011); numbers are quoted with commas as thousands separators. The
commune code is split into département (DR) and a 3-digit commune number (CR); overseas
départements have a 3-digit DR whose third digit is the commune number's first one, so the code is
``left(DR, 2) || CR`` (974 + 422 -> 97422). Rows left empty (commune absent in 2011) are skipped
and reported as one anomaly. Communes merged since 2011 are summed into their current commune.
"""

from __future__ import annotations

import csv
from pathlib import Path

from teletravail.errors import SourceError
from teletravail.opendata.context import LoadContext
from teletravail.opendata.loaders.insee import (
    FIX_HINT,
    check_pattern,
    column_spec,
    drop_covered_arrondissements,
    report_missing_communes,
)

_MAX_TITLE_RECORDS = 60
_CODE_COLUMNS = ["DR", "CR", "LIBELLE"]
_NUMBER = r"\d{1,3}(,\d{3})*(\.\d+)?|\d+(\.\d+)?"


def _value_column(cs: int, activity: int) -> str:
    return f"csx_rec{cs}taxtypac_rec{activity}rpop2011"


_VALUE_COLUMNS = {
    _value_column(cs, act): f"cs{cs}_{'emploi' if act == 1 else 'chomeurs'}"
    for cs in range(1, 7)
    for act in (1, 2)
}


def _find_header(path: Path) -> tuple[int, int, list[str]]:
    """(records before the code row, physical line of the code row, code row) of the file."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh, delimiter=",")
            for index, record in enumerate(reader):
                if index >= _MAX_TITLE_RECORDS:
                    break
                cells = [c.strip() for c in record]
                if cells[:2] == ["RR", "DR"] or ("DR" in cells and "CR" in cells):
                    return index, reader.line_num, cells
    except UnicodeDecodeError as exc:
        raise SourceError(path, "encodage inattendu (UTF-8 attendu)", hint=FIX_HINT) from exc
    except csv.Error as exc:
        raise SourceError(path, f"en-tête illisible ({exc})", hint=FIX_HINT) from exc
    raise SourceError(
        path,
        "ligne des codes de colonnes (RR, DR, CR, …) introuvable dans les "
        f"{_MAX_TITLE_RECORDS} premières lignes",
        hint=FIX_HINT,
    )


def load_csp_2011(ctx: LoadContext) -> None:
    """Census 2011, people aged 25-54 by category and activity -> ``csp_2011``."""
    path = ctx.path("csp")
    records_before, header_line, header = _find_header(path)
    ctx.require_columns(path, header, _CODE_COLUMNS + list(_VALUE_COLUMNS), line=header_line)
    columns, names = column_spec(header, {})
    # DuckDB counts CSV records (the label row spans several lines): shift to physical lines.
    shift = header_line - (records_before + 1)
    try:
        ctx.read_csv(
            "csp_raw",
            path,
            columns=columns,
            delim=",",
            skip=records_before,
            select=f"*, row_number() OVER () + {header_line} AS _line",
        )
    except SourceError as err:
        if err.line is not None:
            err = SourceError(
                err.path,
                err.problem,
                line=err.line + shift,
                column=err.column,
                value=err.value,
                hint=err.hint,
            )
        raise err from None
    values = {names[k]: k for k in _VALUE_COLUMNS}
    check_pattern(ctx, "csp_raw", path, values, _NUMBER)
    dr, cr, lib = names["DR"], names["CR"], names["LIBELLE"]
    ctx.reject_first(
        "csp_raw",
        path,
        where=f"NOT regexp_full_match(coalesce({dr}, ''), '[0-9][0-9AB][0-9]?') "
        f"OR NOT regexp_full_match(coalesce({cr}, ''), '[0-9]{{3}}')",
        value=f"coalesce({dr}, '') || '/' || coalesce({cr}, '')",
        column="DR/CR",
        problem="code de département ou de commune mal formé",
        hint=FIX_HINT,
    )
    converted = ", ".join(
        f"TRY_CAST(nullif(replace(trim({col}), ',', ''), '') AS DOUBLE) AS {target}"
        for col, target in ((names[k], v) for k, v in _VALUE_COLUMNS.items())
    )
    ctx.con.execute(
        f"""CREATE OR REPLACE TABLE csp_raw AS
        SELECT CASE WHEN length({dr}) = 3 THEN left({dr}, 2) || {cr} ELSE {dr} || {cr} END
                   AS code,
               {lib} AS libelle, _line, {converted}
        FROM csp_raw"""
    )
    targets = list(_VALUE_COLUMNS.values())
    empty = ctx.con.execute(
        f"SELECT count(*) FROM csp_raw WHERE {' AND '.join(f'{t} IS NULL' for t in targets)}"
    ).fetchone()
    n_empty = int(empty[0]) if empty else 0
    if n_empty:
        ctx.con.execute(
            f"DELETE FROM csp_raw WHERE {' AND '.join(f'{t} IS NULL' for t in targets)}"
        )
        ctx.anomaly(
            path,
            None,
            None,
            f"{n_empty} ligne(s) vide(s) ignorée(s) : commune qui n'existait pas (ou plus) "
            "au recensement de 2011",
        )
    drop_covered_arrondissements(ctx, "csp_raw", "code", path)
    ctx.map_communes("csp_raw", code_col="code", name_col="libelle", file=path)
    sums = ", ".join(f"CASE WHEN count({t}) = count(*) THEN sum({t}) END AS {t}" for t in targets)
    total = " + ".join(targets)
    ctx.con.execute(
        f"""CREATE OR REPLACE TABLE csp_2011 AS
        WITH agg AS (
            SELECT commune_code, {sums}, count(*)::INTEGER AS nb_codes_sources
            FROM csp_raw WHERE commune_code IS NOT NULL GROUP BY commune_code)
        SELECT commune_code, {", ".join(targets)}, {total} AS actifs_25_54, nb_codes_sources
        FROM agg ORDER BY commune_code"""
    )
    report_missing_communes(ctx, "csp_2011", path)
    ctx.con.execute("DROP TABLE csp_raw")
