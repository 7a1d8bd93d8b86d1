"""INSEE complements of vintage 2021: census by IRIS and housing by commune, Filosofi 2021 by
commune and by IRIS, localised unemployment by employment zone 2021-2025.

Every commune code is attached to the COG 2026 through ``commune_codes`` (current codes, former
codes of merged communes, arrondissements municipaux of Paris, Lyon and Marseille); rows that cannot
be attached keep a NULL ``commune_code`` in the IRIS tables, stay out of the commune tables and
are listed as anomalies. Tables:

- ``rp2021_iris``: iris (IRIS code, 9 characters), commune_source (the file's commune code,
  arrondissement for Paris/Lyon/Marseille), commune_code (COG 2026), typ_iris (H habitat, A
  activity, D miscellaneous, Z commune not split), lib_iris, population, pop_0_19, pop_20_64,
  pop_65p (inhabitants), logements, residences_principales, residences_secondaires,
  logements_vacants, maisons, appartements (dwellings), rp_appartement (main homes in a flat).
  Counts are INSEE's weighted census figures rounded to the unit by the republisher.
- ``rp2021_communes``: commune_code, the same counts summed over the commune's IRIS (arrondissements
  summed into Paris, Lyon and Marseille; merged communes summed), nb_iris.
- ``logement_2021``: commune_code, logements, residences_principales, residences_secondaires,
  logements_vacants (census 2021, base communale logement), nb_codes_sources. Arrondissement rows
  are dropped where the whole city is in the file (one anomaly), former communes are summed.
- ``filosofi_2021``: commune_code, revenu_median (€ a year per consumption unit), part_minima_sociaux
  (% of disposable income), nb_codes_sources, revenu_approche (BOOLEAN: the value is the mean of
  several published medians weighted by their 2021 census population — Paris arrondissements,
  merged communes — an approximation, a median is not additive). Communes under statistical
  secrecy are absent.
- ``filosofi_2021_iris``: iris, commune_source, commune_code, revenu_median (€ a year per
  consumption unit), taux_pauvrete (% of people under 60 % of the national median standard of
  living), gini (0 to 1), population (census 2021 of the same IRIS, NULL when the census has no
  such IRIS). Only IRIS of communes of 5,000 inhabitants or more, suppressed cells absent.
- ``chomage_ze``: ze_code (employment zone 2020), ze_libelle, trimestre ('2021-T1' … '2025-T4'),
  taux_chomage (% of the labour force, seasonally adjusted). ``chomage_france``: trimestre,
  taux_chomage (France excluding Mayotte). ``chomage_ze_communes``: commune_code, ze_code,
  nb_codes_sources (source codes merged into the commune; when they disagree, the zone of the row
  whose code is the current code, else the first, and one anomaly per commune).
"""

from __future__ import annotations

import gzip
import json
import math
import re
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from teletravail.errors import SourceError
from teletravail.opendata.context import LoadContext
from teletravail.opendata.loaders.insee import FIX_HINT, report_missing_communes

_COMMUNE_RE = re.compile(r"^[0-9][0-9AB][0-9]{3}$")
_IRIS_RE = re.compile(r"^[0-9][0-9AB][0-9]{7}$")
_QUARTER_RE = re.compile(r"^[0-9]{4}-T[1-4]$")
_RP_IRIS_COLUMNS = {
    "iris": "iris",
    "com": "commune_source",
    "typ_iris": "typ_iris",
    "lab_iris": "lib_iris",
    "pop": "population",
    "pop_0_19": "pop_0_19",
    "pop_20_64": "pop_20_64",
    "pop_65p": "pop_65p",
    "logements": "logements",
    "res_principales": "residences_principales",
    "res_secondaires": "residences_secondaires",
    "logements_vacants": "logements_vacants",
    "maisons": "maisons",
    "appartements": "appartements",
    "rp_en_appartement": "rp_appartement",
}
_RP_COUNTS = list(_RP_IRIS_COLUMNS.values())[4:]


# -- JSON helpers -----------------------------------------------------------------------------------
def _read_any_json(ctx: LoadContext, path: Path) -> Any:  # noqa: ANN401 - JSON is untyped
    """Parse a JSON file, gzip-compressed when its name ends in ``.gz``."""
    if path.suffix != ".gz":
        return ctx.read_json(path)
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            return json.load(fh)
    except json.JSONDecodeError as exc:
        raise SourceError(
            path,
            f"JSON invalide ({exc.msg}, colonne {exc.colno})",
            line=exc.lineno,
            hint=FIX_HINT,
        ) from exc
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise SourceError(path, f"fichier gzip illisible ({exc})", hint=FIX_HINT) from exc


def _mapping(path: Path, doc: Any, key: str) -> dict[str, Any]:  # noqa: ANN401
    """``doc[key]`` as a non-empty object; SourceError otherwise."""
    value = doc.get(key) if isinstance(doc, dict) else None
    if not isinstance(value, dict) or not value:
        raise SourceError(
            path,
            f"objet « {key} » absent ou vide",
            column=key,
            hint="Le fichier doit contenir un objet « " + key + " » : code -> valeurs. " + FIX_HINT,
        )
    return value


def _number(
    path: Path,
    where: str,
    value: object,
    *,
    low: float = 0.0,
    high: float = math.inf,
) -> float | None:
    """A finite number in [low, high] (None for a JSON null); SourceError naming the field."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise SourceError(
            path, "valeur non numérique", column=where, value=repr(value), hint=FIX_HINT
        )
    if not low <= float(value) <= high:
        raise SourceError(
            path,
            f"valeur hors de l'intervalle attendu [{low:g} ; {high:g}]",
            column=where,
            value=repr(value),
            hint=FIX_HINT,
        )
    return float(value)


def _check_code(path: Path, where: str, code: str, pattern: re.Pattern[str], what: str) -> None:
    if not pattern.match(code):
        raise SourceError(path, f"code {what} mal formé", column=where, value=code, hint=FIX_HINT)


def _register(
    ctx: LoadContext, name: str, columns: dict[str, list[Any]], types: dict[str, str]
) -> None:
    """Create table ``name`` from Python columns (typed by ``types``)."""
    view = f"{name}_rows"
    ctx.con.register(view, {k: np.asarray(v, dtype=object) for k, v in columns.items()})
    try:
        casts = ", ".join(f"CAST({k} AS {t}) AS {k}" for k, t in types.items())
        ctx.con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT {casts} FROM {view}")
    finally:
        ctx.con.unregister(view)


def _commune_rows(
    ctx: LoadContext,
    path: Path,
    communes: dict[str, Any],
    fields: dict[str, tuple[str, float]],
    section: str = "communes",
) -> dict[str, list[Any]]:
    """Validate ``communes`` (code -> object) into columns: code + one per field (json key ->
    (column, upper bound)); absent keys give None."""
    columns: dict[str, list[Any]] = {"code": []} | {col: [] for col, _ in fields.values()}
    for code, values in communes.items():
        _check_code(path, f"{section}.{code}", code, _COMMUNE_RE, "commune")
        if not isinstance(values, dict):
            raise SourceError(
                path, "objet attendu", column=f"{section}.{code}", value=repr(values), hint=FIX_HINT
            )
        columns["code"].append(code)
        for key, (col, high) in fields.items():
            columns[col].append(
                _number(path, f"{section}.{code}.{key}", values.get(key), high=high)
            )
    return columns


def _attach(ctx: LoadContext, table: str, path: Path, *, code_col: str = "code", what: str) -> None:
    """Add ``commune_code`` (COG 2026); unattached rows keep a NULL code and are anomalies."""
    ctx.map_communes(table, code_col=code_col, name_col=None, file=path, what=what)


# -- census 2021 by IRIS ---------------------------------------------------------------------------
def load_rp2021_iris(ctx: LoadContext) -> None:
    """Census 2021 by IRIS (parquet) -> ``rp2021_iris`` and ``rp2021_communes``."""
    path = ctx.path("iris")
    quoted = str(path).replace("'", "''")
    try:
        names = [
            r[0]
            for r in ctx.con.execute(f"DESCRIBE SELECT * FROM read_parquet('{quoted}')").fetchall()
        ]
    except duckdb.Error as exc:
        raise SourceError(
            path, f"fichier Parquet illisible ({str(exc).splitlines()[0][:200]})", hint=FIX_HINT
        ) from exc
    ctx.require_columns(path, names, list(_RP_IRIS_COLUMNS))
    select = ", ".join(
        f"CAST({src} AS {'VARCHAR' if dst in ('iris', 'commune_source', 'typ_iris', 'lib_iris') else 'DOUBLE'}) AS {dst}"
        for src, dst in _RP_IRIS_COLUMNS.items()
    )
    try:
        ctx.con.execute(
            f"""CREATE OR REPLACE TABLE rp2021_iris AS
            SELECT {select}, row_number() OVER () AS _line FROM read_parquet('{quoted}')"""
        )
    except duckdb.Error as exc:
        raise SourceError(
            path, f"valeurs illisibles ({str(exc).splitlines()[0][:200]})", hint=FIX_HINT
        ) from exc
    ctx.reject_first(
        "rp2021_iris",
        path,
        where="iris IS NULL OR NOT regexp_full_match(iris, '[0-9][0-9AB][0-9]{7}')",
        value="iris",
        column="iris",
        problem="code IRIS mal formé (9 caractères attendus) — ligne = rang de l'enregistrement",
    )
    ctx.reject_first(
        "rp2021_iris",
        path,
        where="commune_source IS NULL OR left(iris, 5) <> commune_source",
        value="commune_source",
        column="com",
        problem="code commune différent des 5 premiers caractères du code IRIS",
    )
    for col in _RP_COUNTS:
        ctx.reject_first(
            "rp2021_iris",
            path,
            where=f"{col} < 0 OR isnan({col})",
            value=col,
            column=col,
            problem="effectif négatif ou illisible",
        )
    ctx.reject_first(
        "rp2021_iris",
        path,
        where="iris IN (SELECT iris FROM rp2021_iris GROUP BY iris HAVING count(*) > 1)",
        value="iris",
        column="iris",
        problem="code IRIS en double",
    )
    _attach(ctx, "rp2021_iris", path, code_col="commune_source", what="IRIS")
    ctx.con.execute("ALTER TABLE rp2021_iris DROP COLUMN _line")
    sums = ", ".join(
        f"CASE WHEN count({c}) = count(*) THEN sum({c}) END AS {c}" for c in _RP_COUNTS
    )
    ctx.con.execute(
        f"""CREATE OR REPLACE TABLE rp2021_communes AS
        SELECT commune_code, {sums}, count(*)::INTEGER AS nb_iris
        FROM rp2021_iris WHERE commune_code IS NOT NULL
        GROUP BY commune_code ORDER BY commune_code"""
    )
    report_missing_communes(ctx, "rp2021_communes", path)


# -- census 2021 housing by commune ----------------------------------------------------------------
def load_logement_2021(ctx: LoadContext) -> None:
    """Census 2021 base communale logement -> ``logement_2021``."""
    path = ctx.path("logement")
    communes = _mapping(path, _read_any_json(ctx, path), "communes")
    fields = {
        "log": ("logements", math.inf),
        "rp": ("residences_principales", math.inf),
        "rsec": ("residences_secondaires", math.inf),
        "vac": ("logements_vacants", math.inf),
    }
    columns = _commune_rows(ctx, path, communes, fields)
    for i, code in enumerate(columns["code"]):
        log = columns["logements"][i]
        parts = [
            columns[c][i]
            for c in ("residences_principales", "residences_secondaires", "logements_vacants")
        ]
        if log is None:
            raise SourceError(
                path, "nombre de logements absent", column=f"communes.{code}.log", hint=FIX_HINT
            )
        if all(p is not None for p in parts) and abs(sum(parts) - log) > max(2.0, 0.01 * log):
            raise SourceError(
                path,
                "résidences principales + secondaires + vacants ≠ logements",
                column=f"communes.{code}",
                value=f"{sum(parts):g} ≠ {log:g}",
                hint=FIX_HINT,
            )
    types = {"code": "VARCHAR"} | {col: "DOUBLE" for col, _ in fields.values()}
    _register(ctx, "logement_2021_raw", columns, types)
    from teletravail.opendata.loaders.insee import drop_covered_arrondissements

    drop_covered_arrondissements(ctx, "logement_2021_raw", "code", path)
    _attach(ctx, "logement_2021_raw", path, what="commune")
    sums = ", ".join(
        f"CASE WHEN count({c}) = count(*) THEN sum({c}) END AS {c}" for c, _ in fields.values()
    )
    ctx.con.execute(
        f"""CREATE OR REPLACE TABLE logement_2021 AS
        SELECT commune_code, {sums}, count(*)::INTEGER AS nb_codes_sources
        FROM logement_2021_raw WHERE commune_code IS NOT NULL
        GROUP BY commune_code ORDER BY commune_code"""
    )
    ctx.con.execute("DROP TABLE logement_2021_raw")
    report_missing_communes(ctx, "logement_2021", path)


# -- Filosofi 2021 by commune ----------------------------------------------------------------------
def load_filosofi_2021(ctx: LoadContext) -> None:
    """Filosofi 2021 median standard of living by commune -> ``filosofi_2021``.

    Needs ``rp2021_iris`` (census 2021 population of each source code, used as the weight when
    several published medians make one current commune).
    """
    path = ctx.path("communes")
    communes = _mapping(path, _read_any_json(ctx, path), "communes")
    fields = {
        "median_eur": ("revenu_median", 200_000.0),
        "minima_pct": ("part_minima_sociaux", 100.0),
    }
    columns = _commune_rows(ctx, path, communes, fields)
    for code, median in zip(columns["code"], columns["revenu_median"], strict=True):
        if median is None or median < 1000:
            raise SourceError(
                path,
                "revenu médian absent ou invraisemblable (moins de 1 000 €)",
                column=f"communes.{code}.median_eur",
                value=repr(median),
                hint=FIX_HINT,
            )
    _register(
        ctx,
        "filosofi_2021_raw",
        columns,
        {"code": "VARCHAR", "revenu_median": "DOUBLE", "part_minima_sociaux": "DOUBLE"},
    )
    _attach(ctx, "filosofi_2021_raw", path, what="commune")
    ctx.con.execute(
        """CREATE OR REPLACE TABLE filosofi_2021 AS
        WITH w AS (
            SELECT f.*, (SELECT sum(population) FROM rp2021_iris r WHERE r.commune_source = f.code) AS poids
            FROM filosofi_2021_raw f)
        SELECT commune_code,
               CASE WHEN count(*) = 1 THEN any_value(revenu_median)
                    ELSE sum(revenu_median * poids) / nullif(sum(poids) FILTER (WHERE revenu_median IS NOT NULL), 0)
               END AS revenu_median,
               CASE WHEN count(*) = 1 THEN any_value(part_minima_sociaux)
                    WHEN count(part_minima_sociaux) = count(*)
                    THEN sum(part_minima_sociaux * poids) / nullif(sum(poids), 0)
               END AS part_minima_sociaux,
               count(*)::INTEGER AS nb_codes_sources,
               count(*) > 1 AS revenu_approche
        FROM w WHERE commune_code IS NOT NULL GROUP BY commune_code ORDER BY commune_code"""
    )
    approx = ctx.con.execute("SELECT count(*) FROM filosofi_2021 WHERE revenu_approche").fetchall()
    if approx and approx[0][0]:
        ctx.anomaly(
            path,
            None,
            None,
            f"{approx[0][0]} commune(s) dont le revenu médian est la moyenne de plusieurs médianes "
            "publiées (arrondissements, communes fusionnées) pondérée par la population 2021 : "
            "approximation",
        )
    ctx.con.execute("DROP TABLE filosofi_2021_raw")


# -- Filosofi 2021 by IRIS -------------------------------------------------------------------------
def load_filosofi_2021_iris(ctx: LoadContext) -> None:
    """Filosofi 2021 by IRIS -> ``filosofi_2021_iris`` (needs ``rp2021_iris`` for populations)."""
    path = ctx.path("iris")
    iris = _mapping(path, _read_any_json(ctx, path), "iris")
    columns: dict[str, list[Any]] = {
        "iris": [],
        "code": [],
        "revenu_median": [],
        "taux_pauvrete": [],
        "gini": [],
    }
    limits: dict[str, tuple[str, float]] = {
        "median_eur": ("revenu_median", 200_000.0),
        "poverty_rate_pct": ("taux_pauvrete", 100.0),
        "gini": ("gini", 1.0),
    }
    for code, values in iris.items():
        _check_code(path, f"iris.{code}", code, _IRIS_RE, "IRIS")
        if not isinstance(values, dict):
            raise SourceError(
                path, "objet attendu", column=f"iris.{code}", value=repr(values), hint=FIX_HINT
            )
        columns["iris"].append(code)
        columns["code"].append(code[:5])
        for key, (col, high) in limits.items():
            columns[col].append(_number(path, f"iris.{code}.{key}", values.get(key), high=high))
    types = {"iris": "VARCHAR", "code": "VARCHAR"} | {c: "DOUBLE" for c, _ in limits.values()}
    _register(ctx, "filosofi_2021_iris", columns, types)
    _attach(ctx, "filosofi_2021_iris", path, what="IRIS")
    ctx.con.execute(
        """CREATE OR REPLACE TABLE filosofi_2021_iris AS
        SELECT f.iris, f.code AS commune_source, f.commune_code, f.revenu_median, f.taux_pauvrete,
               f.gini, r.population
        FROM filosofi_2021_iris f LEFT JOIN rp2021_iris r ON r.iris = f.iris
        ORDER BY f.iris"""
    )
    missing = ctx.con.execute(
        "SELECT count(*) FROM filosofi_2021_iris WHERE population IS NULL"
    ).fetchall()
    if missing and missing[0][0]:
        ctx.anomaly(
            path,
            None,
            None,
            f"{missing[0][0]} IRIS absent(s) du recensement 2021 par IRIS : population inconnue",
        )


# -- localised unemployment ------------------------------------------------------------------------
def load_chomage_ze(ctx: LoadContext) -> None:
    """Quarterly unemployment by employment zone -> ``chomage_ze``, ``chomage_france``,
    ``chomage_ze_communes``."""
    path = ctx.path("chomage")
    doc = _read_any_json(ctx, path)
    quarters = doc.get("quarters") if isinstance(doc, dict) else None
    if not isinstance(quarters, list) or not quarters:
        raise SourceError(
            path, "liste « quarters » absente ou vide", column="quarters", hint=FIX_HINT
        )
    for i, q in enumerate(quarters):
        if not isinstance(q, str) or not _QUARTER_RE.match(q):
            raise SourceError(
                path,
                "trimestre mal formé (AAAA-Tn attendu)",
                column=f"quarters[{i}]",
                value=repr(q),
                hint=FIX_HINT,
            )
    zes = _mapping(path, doc, "zes")
    communes = _mapping(path, doc, "communes")

    def series(where: str, values: object) -> list[float | None]:
        if not isinstance(values, list) or len(values) != len(quarters):
            raise SourceError(
                path,
                f"série de {len(quarters)} trimestres attendue",
                column=where,
                value=repr(values)[:80],
                hint=FIX_HINT,
            )
        return [_number(path, f"{where}[{i}]", v, high=100.0) for i, v in enumerate(values)]

    rows: dict[str, list[Any]] = {
        "ze_code": [],
        "ze_libelle": [],
        "trimestre": [],
        "taux_chomage": [],
    }
    for ze, item in zes.items():
        if not re.match(r"^[0-9]{4}$", ze):
            raise SourceError(
                path,
                "code de zone d'emploi mal formé (4 chiffres)",
                column=f"zes.{ze}",
                value=ze,
                hint=FIX_HINT,
            )
        if not isinstance(item, dict) or not isinstance(item.get("label"), str):
            raise SourceError(
                path, "libellé de zone absent", column=f"zes.{ze}.label", hint=FIX_HINT
            )
        for q, v in zip(quarters, series(f"zes.{ze}.rate_pct", item.get("rate_pct")), strict=True):
            rows["ze_code"].append(ze)
            rows["ze_libelle"].append(item["label"])
            rows["trimestre"].append(q)
            rows["taux_chomage"].append(v)
    _register(
        ctx,
        "chomage_ze",
        rows,
        {
            "ze_code": "VARCHAR",
            "ze_libelle": "VARCHAR",
            "trimestre": "VARCHAR",
            "taux_chomage": "DOUBLE",
        },
    )
    national = series("national_rate_pct_series", doc.get("national_rate_pct_series"))
    _register(
        ctx,
        "chomage_france",
        {"trimestre": list(quarters), "taux_chomage": national},
        {"trimestre": "VARCHAR", "taux_chomage": "DOUBLE"},
    )
    links: dict[str, list[Any]] = {"code": [], "ze_code": []}
    without_series: set[str] = set()
    for code, ze in communes.items():
        _check_code(path, f"communes.{code}", code, _COMMUNE_RE, "commune")
        if not isinstance(ze, str) or not re.match(r"^[0-9]{4}$", ze):
            raise SourceError(
                path,
                "code de zone d'emploi mal formé (4 chiffres)",
                column=f"communes.{code}",
                value=repr(ze),
                hint=FIX_HINT,
            )
        if ze not in zes:
            without_series.add(ze)
        links["code"].append(code)
        links["ze_code"].append(ze)
    for ze in sorted(without_series):
        ctx.anomaly(
            path,
            ze,
            None,
            "zone d'emploi sans série de taux de chômage (Mayotte et Guyane exclues par "
            "l'INSEE) : taux « donnée non disponible » pour ses communes",
        )
    _register(ctx, "chomage_ze_raw", links, {"code": "VARCHAR", "ze_code": "VARCHAR"})
    _attach(ctx, "chomage_ze_raw", path, what="commune")
    ctx.con.execute(
        """CREATE OR REPLACE TABLE chomage_ze_communes AS
        SELECT commune_code,
               arg_min(ze_code, (code <> commune_code, code)) AS ze_code,
               count(*)::INTEGER AS nb_codes_sources,
               count(DISTINCT ze_code) AS nb_zones
        FROM chomage_ze_raw WHERE commune_code IS NOT NULL
        GROUP BY commune_code ORDER BY commune_code"""
    )
    for (code,) in ctx.con.execute(
        "SELECT commune_code FROM chomage_ze_communes WHERE nb_zones > 1 ORDER BY 1"
    ).fetchall():
        ctx.anomaly(
            path,
            code,
            None,
            "parties de la commune dans plusieurs zones d'emploi : zone du code actuel retenue",
        )
    ctx.con.execute("ALTER TABLE chomage_ze_communes DROP COLUMN nb_zones")
    ctx.con.execute("DROP TABLE chomage_ze_raw")
    report_missing_communes(ctx, "chomage_ze_communes", path)
