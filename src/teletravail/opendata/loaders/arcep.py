"""ARCEP fibre-to-the-home (FttH) deployment by commune (Q1 2018 and its history).

Tables (``commune_code`` = COG 2026; the ARCEP codes are those of 2018, communes merged since are
summed into their current commune):

- ``ftth_2018``: commune_code, logements, etablissements (premises counted by ARCEP:
  dwellings and business premises, "-" read as 0), zone_tres_dense (BOOLEAN, any part of the
  commune in the very dense areas), commune_rurale, commune_montagne (BOOLEAN),
  engagements_l3313 (operators' L. 33-13 commitments, text), operateurs_oi (infrastructure
  operators present, the column "OI 2018 T1", text), locaux_raccordables (DOUBLE: premises
  passable by FttH at the quarter, from the history file's "Locaux Raccordables" of that
  quarter), taux_ftth (DOUBLE, 0 to 1: locaux_raccordables / (logements + etablissements),
  capped at 1 because ARCEP's premises counts are older than its deployment counts; NULL when
  the commune has no premises; each capped commune is counted in one anomaly),
  trimestre ('2018-T1'), nb_codes_sources.
- ``ftth_historique``: commune_code, champ ('locaux_raccordables' — premises passable, summed
  over merged communes — or 'categorie' — ARCEP's coverage class, lower bound in %: 0, 5 (0 to
  10 %), 10, 25, 50, 80; not additive: for merged communes the class of the row whose code is
  the current code, else of the part with the most premises), trimestre ('2017-T3' …), valeur.

The files have title lines before the column names (found by looking for "Code commune").
Note: in the producer's file the column "OI 2018 T1" lists operators, not premises counts; the
premises passable come from the history file.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from teletravail.errors import SourceError
from teletravail.opendata.context import LoadContext
from teletravail.opendata.loaders.insee import (
    FIX_HINT,
    check_pattern,
    column_spec,
    drop_covered_arrondissements,
    report_missing_communes,
    sql_literal,
)

_MAX_TITLE_LINES = 20
_REQUIRED_2018 = [
    "Code commune",
    "Nom commune",
    "Logements",
    "Établissements",
    "Zones très denses",
    "Engagements L. 33-13",
    "Commune rurale",
    "Commune de montagne",
]
_COUNT = "\\s*(-|[0-9]{1,3}([\\s\u00a0\u202f][0-9]{3})*|[0-9]+)\\s*"
_CHAMPS = {"Locaux Raccordables": "locaux_raccordables", "Catégorie": "categorie"}
_QUARTER_COL = re.compile(r"^T([1-4]) (\d{4})$")
_OI_COL = re.compile(r"^OI (\d{4}) T([1-4])$")


def _find_header(path: Path) -> tuple[int, list[str]]:
    """(lines before the column names, column names) — the line starting with "Code commune"."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for index, line in enumerate(fh):
                if index >= _MAX_TITLE_LINES:
                    break
                if line.lstrip('"').startswith("Code commune"):
                    cells = next(csv.reader([line.rstrip("\r\n")]), [])
                    return index, [c.strip() for c in cells]
    except UnicodeDecodeError as exc:
        raise SourceError(path, "encodage inattendu (UTF-8 attendu)", hint=FIX_HINT) from exc
    raise SourceError(
        path,
        f"ligne des noms de colonnes (« Code commune, … ») introuvable dans les "
        f"{_MAX_TITLE_LINES} premières lignes",
        hint=FIX_HINT,
    )


def _count_sql(column: str) -> str:
    """SQL turning an ARCEP count (" 1 234    ", " -    ") into a DOUBLE."""
    cleaned = f"regexp_replace({column}, '[\\s\u00a0\u202f]', '', 'g')"
    return f"CASE WHEN {cleaned} IN ('', '-') THEN 0 ELSE {cleaned}::DOUBLE END"


def _flag_sql(column: str) -> str:
    """SQL turning an ARCEP indicator (" 1    " or " -    ") into a BOOLEAN."""
    return f"coalesce(trim({column}, ' \u00a0') NOT IN ('', '-', '0'), false)"


def _load_history(ctx: LoadContext, path: Path) -> list[str]:
    """Read the history file into ``ftth_hist_raw`` (code, champ, trimestre, valeur, _line)."""
    skip, header = _find_header(path)
    ctx.require_columns(path, header, ["Code commune", "Champ"], line=skip + 1)
    quarters = {
        label: f"{m.group(2)}-T{m.group(1)}" for label in header if (m := _QUARTER_COL.match(label))
    }
    if not quarters:
        raise SourceError(
            path, "aucune colonne de trimestre (« T1 2018 », …)", line=skip + 1, hint=FIX_HINT
        )
    columns, names = column_spec(header, {label: "BIGINT" for label in quarters})
    ctx.read_csv(
        "ftth_hist_wide",
        path,
        columns=columns,
        delim=",",
        skip=skip,
        select=f"*, row_number() OVER () + {skip + 1} AS _line",
    )
    champ = names["Champ"]
    known = ", ".join(sql_literal(k) for k in _CHAMPS)
    ctx.reject_first(
        "ftth_hist_wide",
        path,
        where=f"{champ} NOT IN ({known}) OR {champ} IS NULL",
        value=champ,
        column="Champ",
        problem="champ inconnu (« Locaux Raccordables » ou « Catégorie » attendu)",
        hint=FIX_HINT,
    )
    champ_sql = (
        "CASE "
        + " ".join(
            f"WHEN {champ} = {sql_literal(k)} THEN {sql_literal(v)}" for k, v in _CHAMPS.items()
        )
        + " END"
    )
    selects = " UNION ALL ".join(
        f"SELECT {names['Code commune']} AS code, {champ_sql} AS champ, "
        f"{sql_literal(q)} AS trimestre, {names[label]}::DOUBLE AS valeur, _line "
        "FROM ftth_hist_wide"
        for label, q in quarters.items()
    )
    ctx.con.execute(f"CREATE OR REPLACE TABLE ftth_hist_raw AS {selects}")
    ctx.con.execute("DROP TABLE ftth_hist_wide")
    return list(quarters.values())


def load_ftth(ctx: LoadContext) -> None:
    """ARCEP FttH deployment (Q1 2018) and its history -> ``ftth_2018``, ``ftth_historique``."""
    path = ctx.path("communes")
    hist_path = ctx.path("historique")
    skip, header = _find_header(path)
    ctx.require_columns(path, header, _REQUIRED_2018, line=skip + 1)
    oi = [(label, m) for label in header if (m := _OI_COL.match(label))]
    if not oi:
        raise SourceError(
            path, "colonne « OI <année> T<trimestre> » absente", line=skip + 1, hint=FIX_HINT
        )
    oi_label, oi_match = oi[-1]
    quarter = f"{oi_match.group(1)}-T{oi_match.group(2)}"
    columns, names = column_spec(header, {})
    ctx.read_csv(
        "ftth_raw",
        path,
        columns=columns,
        delim=",",
        skip=skip,
        select=f"*, row_number() OVER () + {skip + 1} AS _line",
    )
    n = names
    check_pattern(
        ctx,
        "ftth_raw",
        path,
        {n["Logements"]: "Logements", n["Établissements"]: "Établissements"},
        _COUNT,
    )
    ctx.con.execute(
        f"""CREATE OR REPLACE TABLE ftth_raw AS
        SELECT {n["Code commune"]} AS code, {n["Nom commune"]} AS nom,
               {_count_sql(n["Logements"])} AS logements,
               {_count_sql(n["Établissements"])} AS etablissements,
               {_flag_sql(n["Zones très denses"])} AS zone_tres_dense,
               {_flag_sql(n["Commune rurale"])} AS commune_rurale,
               {_flag_sql(n["Commune de montagne"])} AS commune_montagne,
               nullif(trim({n["Engagements L. 33-13"]}, ' -\u00a0'), '') AS engagements_l3313,
               nullif(trim({n[oi_label]}), '') AS operateurs_oi
        FROM ftth_raw"""
    )
    quarters = _load_history(ctx, hist_path)
    if quarter not in quarters:
        raise SourceError(
            hist_path,
            f"trimestre {quarter} absent de l'historique (trimestres lus : {', '.join(quarters)})",
            hint="Utilisez l'historique du même trimestre. " + FIX_HINT,
        )
    ctx.con.execute(
        f"""CREATE OR REPLACE TABLE ftth_raw AS
        SELECT r.*, h.valeur AS locaux_raccordables FROM ftth_raw r
        LEFT JOIN ftth_hist_raw h ON h.code = r.code AND h.champ = 'locaux_raccordables'
             AND h.trimestre = {sql_literal(quarter)}"""
    )
    for code, name in ctx.con.execute(
        "SELECT code, nom FROM ftth_raw WHERE locaux_raccordables IS NULL ORDER BY code"
    ).fetchall():
        ctx.anomaly(hist_path, code, name, f"commune absente de l'historique au {quarter}")
    drop_covered_arrondissements(ctx, "ftth_raw", "code", path)
    ctx.map_communes("ftth_raw", code_col="code", name_col="nom", file=path)
    ctx.con.execute(
        f"""CREATE OR REPLACE TABLE ftth_2018 AS
        WITH agg AS (
            SELECT commune_code, sum(logements) AS logements,
                   sum(etablissements) AS etablissements,
                   bool_or(zone_tres_dense) AS zone_tres_dense,
                   bool_or(commune_rurale) AS commune_rurale,
                   bool_or(commune_montagne) AS commune_montagne,
                   string_agg(DISTINCT engagements_l3313, ' ; ') AS engagements_l3313,
                   string_agg(DISTINCT operateurs_oi, ' ; ') AS operateurs_oi,
                   CASE WHEN count(locaux_raccordables) = count(*)
                        THEN sum(locaux_raccordables) END AS locaux_raccordables,
                   count(*)::INTEGER AS nb_codes_sources
            FROM ftth_raw WHERE commune_code IS NOT NULL GROUP BY commune_code)
        SELECT commune_code, logements, etablissements, zone_tres_dense, commune_rurale,
               commune_montagne, engagements_l3313, operateurs_oi, locaux_raccordables,
               least(locaux_raccordables / nullif(logements + etablissements, 0), 1.0)
                   AS taux_ftth,
               {sql_literal(quarter)} AS trimestre, nb_codes_sources
        FROM agg ORDER BY commune_code"""
    )
    capped = ctx.con.execute(
        """SELECT count(*), string_agg(commune_code, ', ' ORDER BY commune_code) FILTER
               (WHERE rn <= 5)
        FROM (SELECT commune_code, row_number() OVER (ORDER BY commune_code) AS rn
              FROM ftth_2018
              WHERE locaux_raccordables > logements + etablissements)"""
    ).fetchone()
    if capped is not None and capped[0]:
        ctx.anomaly(
            path,
            None,
            None,
            f"{capped[0]} commune(s) avec plus de locaux raccordables que de logements et "
            f"établissements : taux ramené à 1 (ex. {capped[1]})",
        )
    report_missing_communes(ctx, "ftth_2018", path)
    # History: premises are summed; the coverage class is taken from the dominant part.
    ctx.con.execute(
        "CREATE OR REPLACE TABLE ftth_hist_codes AS SELECT DISTINCT code FROM ftth_hist_raw"
    )
    drop_covered_arrondissements(ctx, "ftth_hist_codes", "code", hist_path)
    ctx.map_communes(
        "ftth_hist_codes", code_col="code", name_col=None, file=hist_path, what="historique"
    )
    ctx.con.execute(
        """CREATE OR REPLACE TABLE ftth_historique AS
        SELECT c.commune_code, h.champ, h.trimestre,
               CASE WHEN h.champ = 'locaux_raccordables' THEN sum(h.valeur)
                    ELSE arg_max(h.valeur, (h.code = c.commune_code,
                                            coalesce(r.logements + r.etablissements, 0),
                                            h.code)) END AS valeur
        FROM ftth_hist_raw h JOIN ftth_hist_codes c ON c.code = h.code
        LEFT JOIN ftth_raw r ON r.code = h.code
        WHERE c.commune_code IS NOT NULL
        GROUP BY c.commune_code, h.champ, h.trimestre
        ORDER BY c.commune_code, h.champ, h.trimestre"""
    )
    ctx.con.execute("DROP TABLE ftth_hist_codes")
    ctx.con.execute("DROP TABLE ftth_raw")
    ctx.con.execute("DROP TABLE ftth_hist_raw")
