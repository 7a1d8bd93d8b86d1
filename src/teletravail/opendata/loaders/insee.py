"""INSEE communal typologies and the "comparateur de territoires" base, attached to the COG 2026.

Tables (one row per current commune, ``commune_code`` = COG 2026 code, unique):

- ``grille_densite``: commune_code, niveau_densite (INTEGER 1..7: 1 Grands centres urbains,
  2 Centres urbains intermédiaires, 3 Ceintures urbaines, 4 Petites villes, 5 Bourgs ruraux,
  6 Rural à habitat dispersé, 7 Rural à habitat très dispersé), libelle_densite,
  nb_codes_sources (source rows merged into the commune). Merged communes: the level of the
  row whose code equals the current code, else the most urban level (the minimum).
- ``centralites``: commune_code, niveau_centralite (INTEGER: 0 non centre, 1 centre local,
  2 intermédiaire, 3 structurant, 4 majeur; NULL where the file says " - undefined", each
  reported as an anomaly), libelle, nb_codes_sources. Merged communes: the level of the row
  whose code equals the current code, else the highest level (the maximum).
- ``aav``: aav_code, aav_nom, aav_type (INTEGER 0..5), taille_libelle (French label of the
  size class: 0 hors attraction des villes, 1 < 50 000 inhabitants, 2 50 000 to 200 000,
  3 200 000 to 700 000, 4 700 000 or more, 5 Paris).
- ``aav_communes``: commune_code, geo_code (source code, COG 2023), aav_code, cate_aav
  (INTEGER 11 commune-centre, 12 other commune of the main pole, 13 commune of a secondary
  pole, 20 commune of the ring, 30 outside city attraction), cate_libelle, nb_codes_sources.
  Merged communes: the row whose code equals the current code, else the most central category.
- ``comparateur_2018``: commune_code, every numeric column of the base in lower case —
  p18_pop, p13_pop (inhabitants), superf (km²), nais1318, dece1318 (births, deaths 2013-2018),
  p18_men (households), naisd20, decesd20, p18_log, p18_rp, p18_rsecocc, p18_logvac,
  p18_rp_prop (dwellings), nbmenfisc19 (tax households), pimp19 (% taxed), med19 (median
  standard of living, €), tp6019 (poverty rate, %), p18_emplt, p18_emplt_sal, p13_emplt (jobs at
  place of work), p18_pop1564, p18_chom1564, p18_act1564 (people aged 15-64), ettot18, etaz18,
  etbe18, etfz18, etgu18, etgz18, etoq18, ettef118, ettefp1018 (establishments) —,
  nb_codes_sources (COG 2021 communes summed into the row) and revenus_approches (BOOLEAN).
  Counts are summed over the COG 2021 communes merged into a current commune (NULL when one
  part is NULL, e.g. under statistical secrecy); med19, tp6019 and pimp19 are then the mean
  of the parts' values weighted by their 2018 population, and ``revenus_approches`` is true
  (an approximation: a median is not additive). Arrondissement rows (Paris, Lyon, Marseille)
  are ignored when the whole commune is in the file too, so that nothing is counted twice.

The helpers of this module (number checks, arrondissements, missing communes) are shared with
the other INSEE, ARCEP and ADEME loaders.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from teletravail.errors import SourceError
from teletravail.opendata.context import LoadContext

FIX_HINT = (
    "Vérifiez que le fichier est complet et au format du producteur "
    "(téléchargez-le de nouveau depuis la page officielle de la source)"
)

DENSITE_LEVELS: dict[int, str] = {
    1: "Grands centres urbains",
    2: "Centres urbains intermédiaires",
    3: "Ceintures urbaines",
    4: "Petites villes",
    5: "Bourgs ruraux",
    6: "Rural à habitat dispersé",
    7: "Rural à habitat très dispersé",
}
CENTRALITE_LEVELS: dict[str, tuple[int, str]] = {
    "Communes non centre": (0, "Commune non centre"),
    "Centre local d'équipements et de services": (1, "Centre local"),
    "Centre intermédiaire d'équipements et de services": (2, "Centre intermédiaire"),
    "Centre structurant d'équipements et de services": (3, "Centre structurant"),
    "Centre majeur d'équipements et de services": (4, "Centre majeur"),
}
CENTRALITE_UNDEFINED = "- undefined"
AAV_SIZES: dict[int, str] = {
    0: "Commune hors attraction des villes",
    1: "Aire de moins de 50 000 habitants",
    2: "Aire de 50 000 à moins de 200 000 habitants",
    3: "Aire de 200 000 à moins de 700 000 habitants",
    4: "Aire de 700 000 habitants ou plus (hors Paris)",
    5: "Aire de Paris",
}
AAV_CATEGORIES: dict[int, str] = {
    11: "Commune-centre",
    12: "Autre commune du pôle principal",
    13: "Commune d'un pôle secondaire",
    20: "Commune de la couronne",
    30: "Commune hors attraction des villes",
}
_COMPARATEUR_RATES = ("med19", "tp6019", "pimp19")
_COMPARATEUR_REQUIRED = [
    "CODGEO",
    "P18_POP",
    "P13_POP",
    "SUPERF",
    "NAIS1318",
    "DECE1318",
    "P18_MEN",
    "P18_LOG",
    "P18_RP",
    "P18_RSECOCC",
    "P18_LOGVAC",
    "P18_RP_PROP",
    "NBMENFISC19",
    "MED19",
    "TP6019",
    "P18_EMPLT",
    "P18_EMPLT_SAL",
    "P13_EMPLT",
    "P18_POP1564",
    "P18_CHOM1564",
    "P18_ACT1564",
    "ETTOT18",
]


# -- shared helpers -------------------------------------------------------------------------------
def sql_literal(text: str) -> str:
    """``text`` as a single-quoted SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def safe_name(label: str) -> str:
    """A lower-case ASCII identifier for a column label (``Établissements`` -> ``etablissements``)."""
    ascii_text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    name = re.sub(r"[^0-9a-zA-Z]+", "_", ascii_text).strip("_").lower()
    return name or "col"


def column_spec(header: list[str], types: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """Typed column spec for ``ctx.read_csv`` covering every header column, in file order.

    Returns (safe column name -> DuckDB type, header label -> safe column name); columns not
    named in ``types`` (keyed by header label) are read as VARCHAR.
    """
    columns: dict[str, str] = {}
    names: dict[str, str] = {}
    for label in header:
        name = safe_name(label)
        while name in columns:
            name += "_"
        columns[name] = types.get(label, "VARCHAR")
        names.setdefault(label, name)
    return columns, names


def check_pattern(
    ctx: LoadContext,
    table: str,
    path: Path,
    columns: dict[str, str],
    pattern: str,
    *,
    problem: str = "valeur numérique illisible",
) -> None:
    """SourceError on the first value of ``columns`` (column -> label) not matching ``pattern``.

    Empty cells and NULLs are accepted. ``table`` must have a ``_line`` column (line in the file).
    """
    quoted = pattern.replace("'", "''")
    for column, label in columns.items():
        ctx.reject_first(
            table,
            path,
            where=f"{column} IS NOT NULL AND trim({column}) <> '' "
            f"AND NOT regexp_full_match({column}, '{quoted}')",
            value=column,
            column=label,
            problem=problem,
            hint=FIX_HINT,
        )


def drop_covered_arrondissements(ctx: LoadContext, table: str, code_col: str, path: Path) -> int:
    """Delete arrondissement rows (Paris, Lyon, Marseille) whose whole commune is also in ``table``.

    Summing both would count the city twice. The deletion is reported as one anomaly.
    """
    covered = ctx.con.execute(
        f"""SELECT count(*) FROM {table} t JOIN commune_codes c ON c.code = t.{code_col}
        WHERE c.kind = 'arrondissement'
          AND c.commune_code IN (SELECT {code_col} FROM {table} WHERE {code_col} IS NOT NULL)"""
    ).fetchone()
    count = int(covered[0]) if covered else 0
    if count:
        ctx.con.execute(
            f"""DELETE FROM {table} WHERE {code_col} IN (
                SELECT c.code FROM commune_codes c
                WHERE c.kind = 'arrondissement' AND c.commune_code IN (SELECT {code_col} FROM {table}))"""
        )
        ctx.anomaly(
            path,
            None,
            None,
            f"{count} ligne(s) d'arrondissements municipaux ignorée(s) : la commune entière "
            "figure aussi dans le fichier (évite un double compte)",
        )
    return count


def report_missing_communes(ctx: LoadContext, table: str, path: Path) -> int:
    """Record an anomaly for each current commune (metropolitan France and DROM) absent from ``table``.

    The overseas collectivities (zone ``com``) are outside the INSEE and ANCT statistics and
    are not reported.
    """
    rows = ctx.con.execute(
        f"""SELECT code, nom FROM cog_communes WHERE zone <> 'com'
        AND code NOT IN (SELECT commune_code FROM {table} WHERE commune_code IS NOT NULL)
        ORDER BY code"""
    ).fetchall()
    for code, nom in rows:
        ctx.anomaly(path, code, nom, "commune du COG 2026 absente du fichier (valeurs NULL)")
    return len(rows)


def _read_simple_csv(
    ctx: LoadContext, table: str, path: Path, required: list[str], types: dict[str, str]
) -> dict[str, str]:
    """Read a comma-separated file with one header line into ``table`` (+ ``_line``)."""
    header = ctx.header(path, delim=",")
    ctx.require_columns(path, header, required)
    columns, names = column_spec(header, types)
    ctx.read_csv(
        table, path, columns=columns, delim=",", select="*, row_number() OVER () + 1 AS _line"
    )
    return names


def _lookup_table(ctx: LoadContext, name: str, rows: list[tuple[object, ...]], cols: str) -> None:
    """A small lookup table from Python constants (a few rows)."""
    values = ", ".join(
        "(" + ", ".join(sql_literal(v) if isinstance(v, str) else str(v) for v in row) + ")"
        for row in rows
    )
    ctx.con.execute(f"CREATE OR REPLACE TEMP TABLE {name}({cols})")
    ctx.con.execute(f"INSERT INTO {name} VALUES {values}")


# -- grille de densité -----------------------------------------------------------------------------
def load_grille_densite(ctx: LoadContext) -> None:
    """INSEE 7-level communal density grid -> ``grille_densite``."""
    path = ctx.path("grille")
    _read_simple_csv(ctx, "grille_raw", path, ["insee_com", "lib_com", "niveau_densite"], {})
    _lookup_table(
        ctx,
        "densite_levels",
        [(k, v) for k, v in DENSITE_LEVELS.items()],
        "niveau INTEGER, libelle VARCHAR",
    )
    ctx.reject_first(
        "grille_raw",
        path,
        where="trim(niveau_densite) NOT IN (SELECT libelle FROM densite_levels) "
        "OR niveau_densite IS NULL",
        value="niveau_densite",
        column="niveau_densite",
        problem="niveau de densité inconnu (7 niveaux attendus : "
        + ", ".join(DENSITE_LEVELS.values())
        + ")",
        hint=FIX_HINT,
    )
    ctx.con.execute(
        """CREATE OR REPLACE TABLE grille_raw AS
        SELECT g.*, l.niveau FROM grille_raw g JOIN densite_levels l
          ON l.libelle = trim(g.niveau_densite)"""
    )
    ctx.map_communes("grille_raw", code_col="insee_com", name_col="lib_com", file=path)
    ctx.con.execute(
        """CREATE OR REPLACE TABLE grille_densite AS
        WITH agg AS (
            SELECT commune_code,
                   coalesce(min(niveau) FILTER (WHERE insee_com = commune_code), min(niveau))
                       AS niveau_densite,
                   count(*)::INTEGER AS nb_codes_sources
            FROM grille_raw WHERE commune_code IS NOT NULL GROUP BY commune_code)
        SELECT a.commune_code, a.niveau_densite::INTEGER AS niveau_densite,
               l.libelle AS libelle_densite, a.nb_codes_sources
        FROM agg a JOIN densite_levels l ON l.niveau = a.niveau_densite
        ORDER BY a.commune_code"""
    )
    report_missing_communes(ctx, "grille_densite", path)
    ctx.con.execute("DROP TABLE grille_raw")
    ctx.con.execute("DROP TABLE densite_levels")


# -- centralités -----------------------------------------------------------------------------------
def load_centralites(ctx: LoadContext) -> None:
    """ANCT/INRAE levels of centrality (equipment and services) -> ``centralites``."""
    path = ctx.path("centralites")
    _read_simple_csv(
        ctx, "centralites_raw", path, ["insee_com", "lib_com", "niveau_centralite"], {}
    )
    rows: list[tuple[object, ...]] = [(k, v[0], v[1]) for k, v in CENTRALITE_LEVELS.items()]
    rows.append((CENTRALITE_UNDEFINED, -1, "non défini"))
    _lookup_table(ctx, "centralite_levels", rows, "source VARCHAR, niveau INTEGER, libelle VARCHAR")
    ctx.reject_first(
        "centralites_raw",
        path,
        where="trim(niveau_centralite) NOT IN (SELECT source FROM centralite_levels) "
        "OR niveau_centralite IS NULL",
        value="niveau_centralite",
        column="niveau_centralite",
        problem="niveau de centralité inconnu",
        hint=FIX_HINT,
    )
    ctx.con.execute(
        """CREATE OR REPLACE TABLE centralites_raw AS
        SELECT c.*, nullif(l.niveau, -1) AS niveau FROM centralites_raw c
        JOIN centralite_levels l ON l.source = trim(c.niveau_centralite)"""
    )
    for code, name in ctx.con.execute(
        "SELECT insee_com, lib_com FROM centralites_raw WHERE niveau IS NULL ORDER BY insee_com"
    ).fetchall():
        ctx.anomaly(path, code, name, "niveau de centralité non défini (« - undefined ») : NULL")
    ctx.map_communes("centralites_raw", code_col="insee_com", name_col="lib_com", file=path)
    ctx.con.execute(
        """CREATE OR REPLACE TABLE centralites AS
        WITH agg AS (
            SELECT commune_code,
                   CASE WHEN bool_or(insee_com = commune_code)
                        THEN max(niveau) FILTER (WHERE insee_com = commune_code)
                        ELSE max(niveau) END AS niveau_centralite,
                   count(*)::INTEGER AS nb_codes_sources
            FROM centralites_raw WHERE commune_code IS NOT NULL GROUP BY commune_code)
        SELECT a.commune_code, a.niveau_centralite::INTEGER AS niveau_centralite,
               l.libelle, a.nb_codes_sources
        FROM agg a LEFT JOIN centralite_levels l ON l.niveau = a.niveau_centralite
        ORDER BY a.commune_code"""
    )
    report_missing_communes(ctx, "centralites", path)
    ctx.con.execute("DROP TABLE centralites_raw")
    ctx.con.execute("DROP TABLE centralite_levels")


# -- aires d'attraction des villes ----------------------------------------------------------------
def load_aav(ctx: LoadContext) -> None:
    """INSEE 2020 city attraction areas -> ``aav`` and ``aav_communes``."""
    aires_path = ctx.path("aires")
    communes_path = ctx.path("communes")
    _read_simple_csv(
        ctx, "aav_raw", aires_path, ["aav", "aav_name", "aav_type"], {"aav_type": "INTEGER"}
    )
    ctx.reject_first(
        "aav_raw",
        aires_path,
        where="aav_type NOT BETWEEN 0 AND 5 OR aav_type IS NULL",
        value="aav_type",
        column="aav_type",
        problem="type d'aire inconnu (0 à 5 attendu)",
        hint=FIX_HINT,
    )
    _lookup_table(
        ctx, "aav_sizes", [(k, v) for k, v in AAV_SIZES.items()], "t INTEGER, libelle VARCHAR"
    )
    ctx.con.execute(
        """CREATE OR REPLACE TABLE aav AS
        SELECT r.aav AS aav_code, r.aav_name AS aav_nom, r.aav_type::INTEGER AS aav_type,
               s.libelle AS taille_libelle
        FROM aav_raw r JOIN aav_sizes s ON s.t = r.aav_type ORDER BY aav_code"""
    )
    _read_simple_csv(
        ctx,
        "aav_communes_raw",
        communes_path,
        ["geo_code", "name", "aav", "cate_aav"],
        {"cate_aav": "INTEGER"},
    )
    _lookup_table(
        ctx,
        "aav_categories",
        [(k, v) for k, v in AAV_CATEGORIES.items()],
        "cate INTEGER, libelle VARCHAR",
    )
    ctx.reject_first(
        "aav_communes_raw",
        communes_path,
        where="cate_aav IS NULL OR cate_aav NOT IN (SELECT cate FROM aav_categories)",
        value="cate_aav",
        column="cate_aav",
        problem="catégorie de commune inconnue (11, 12, 13, 20 ou 30 attendu)",
        hint=FIX_HINT,
    )
    for code, name, aav_code in ctx.con.execute(
        """SELECT geo_code, name, aav FROM aav_communes_raw
        WHERE aav NOT IN (SELECT aav_code FROM aav) ORDER BY geo_code"""
    ).fetchall():
        ctx.anomaly(communes_path, code, name, f"aire « {aav_code} » absente de la liste des aires")
    ctx.map_communes("aav_communes_raw", code_col="geo_code", name_col="name", file=communes_path)
    ctx.con.execute(
        """CREATE OR REPLACE TABLE aav_communes AS
        WITH agg AS (
            SELECT commune_code,
                   arg_min(geo_code, (geo_code <> commune_code, cate_aav, geo_code)) AS geo_code,
                   arg_min(aav, (geo_code <> commune_code, cate_aav, geo_code)) AS aav_code,
                   arg_min(cate_aav, (geo_code <> commune_code, cate_aav, geo_code)) AS cate_aav,
                   count(*)::INTEGER AS nb_codes_sources
            FROM aav_communes_raw WHERE commune_code IS NOT NULL GROUP BY commune_code)
        SELECT a.commune_code, a.geo_code, a.aav_code, a.cate_aav::INTEGER AS cate_aav,
               c.libelle AS cate_libelle, a.nb_codes_sources
        FROM agg a JOIN aav_categories c ON c.cate = a.cate_aav ORDER BY a.commune_code"""
    )
    report_missing_communes(ctx, "aav_communes", communes_path)
    for table in ("aav_raw", "aav_sizes", "aav_communes_raw", "aav_categories"):
        ctx.con.execute(f"DROP TABLE {table}")


# -- comparateur de territoires --------------------------------------------------------------------
def _comparateur_names(ctx: LoadContext, archive: Path) -> None:
    """Commune names from the metadata file of the archive (table ``comparateur_names``)."""
    ctx.con.execute("CREATE OR REPLACE TEMP TABLE comparateur_names(code VARCHAR, nom VARCHAR)")
    try:
        meta = ctx.extract(archive, r"(?i)(^|/)meta_[^/]*\.csv$")
    except SourceError:
        ctx.anomaly(archive, None, None, "fichier de métadonnées absent : communes sans nom")
        return
    header = ctx.header(meta, delim=";")
    if not {"COD_VAR", "COD_MOD", "LIB_MOD"} <= set(header):
        ctx.anomaly(meta, None, None, "métadonnées au format inattendu : communes sans nom")
        return
    columns, names = column_spec(header, {})
    ctx.read_csv("comparateur_meta", meta, columns=columns, delim=";")
    ctx.con.execute(
        f"""INSERT INTO comparateur_names
        SELECT DISTINCT {names["COD_MOD"]}, {names["LIB_MOD"]} FROM comparateur_meta
        WHERE {names["COD_VAR"]} = 'CODGEO'"""
    )
    ctx.con.execute("DROP TABLE comparateur_meta")


def load_comparateur(ctx: LoadContext) -> None:
    """INSEE comparateur de territoires (census 2018/2013, Filosofi 2019) -> ``comparateur_2018``."""
    archive = ctx.path("zip")
    member = ctx.extract(archive, r"(?i)(^|/)base_cc_comparateur[^/]*\.csv$")
    header = ctx.header(member, delim=";")
    ctx.require_columns(member, header, _COMPARATEUR_REQUIRED)
    types = {label: ("VARCHAR" if label == "CODGEO" else "DOUBLE") for label in header}
    columns, names = column_spec(header, types)
    ctx.read_csv("comparateur_raw", member, columns=columns, delim=";", min_rows=1)
    _comparateur_names(ctx, archive)
    code = names["CODGEO"]
    ctx.con.execute(
        f"""CREATE OR REPLACE TABLE comparateur_raw AS
        SELECT r.*, n.nom AS _nom FROM comparateur_raw r
        LEFT JOIN comparateur_names n ON n.code = r.{code}"""
    )
    drop_covered_arrondissements(ctx, "comparateur_raw", code, member)
    ctx.map_communes("comparateur_raw", code_col=code, name_col="_nom", file=member)
    numeric = [n for label, n in names.items() if label != "CODGEO"]
    pop = names["P18_POP"]
    parts = []
    for col in numeric:
        if col in _COMPARATEUR_RATES:
            parts.append(
                f"CASE WHEN count(*) = 1 THEN any_value({col}) ELSE "
                f"sum({col} * {pop}) FILTER (WHERE {col} IS NOT NULL AND {pop} > 0) / "
                f"nullif(sum({pop}) FILTER (WHERE {col} IS NOT NULL AND {pop} > 0), 0) "
                f"END AS {col}"
            )
        else:
            parts.append(f"CASE WHEN count({col}) = count(*) THEN sum({col}) END AS {col}")
    rate_cols = [c for c in _COMPARATEUR_RATES if c in numeric]
    approx = " OR ".join(f"count({c}) > 0" for c in rate_cols) or "false"
    ctx.con.execute(
        f"""CREATE OR REPLACE TABLE comparateur_2018 AS
        SELECT commune_code, {", ".join(parts)},
               count(*)::INTEGER AS nb_codes_sources,
               (count(*) > 1 AND ({approx})) AS revenus_approches
        FROM comparateur_raw WHERE commune_code IS NOT NULL
        GROUP BY commune_code ORDER BY commune_code"""
    )
    report_missing_communes(ctx, "comparateur_2018", member)
    ctx.con.execute("DROP TABLE comparateur_raw")
    ctx.con.execute("DROP TABLE comparateur_names")
