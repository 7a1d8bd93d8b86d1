"""Housing market, construction and land complements, attached to the COG 2026.

Tables (``commune_code`` = COG 2026 code, NULL for a row that cannot be attached, each such row
reported as an anomaly; ``insee_com`` = the code as written in the file). Several source rows may
share one current commune (communes merged since the file's geography): rows are kept as they are
and the diagnostic sums or weights them.

- ``friches_communes`` (Cerema Cartofriches, by commune): commune_code, insee_com, lib_com,
  nb_sites (referenced brownfield sites), surface_m2 (total surface of their land units, m²),
  nb_avec_projet, nb_sans_projet, nb_potentielles, nb_reconverties (sites by status, as
  published: "friche avec projet", "friche sans projet", "friche potentielle",
  "friche reconvertie"), nb_types (JSON text: sites per type).
- ``lovac_communes`` (LOVAC 2025): commune_code, insee_com, taux_vacance_pct (% of private-stock
  dwellings vacant on 1 January 2025), taux_vacance_longue_pct (% vacant for 2 years or more).
  A blank cell is statistical secrecy: NULL, never 0.
- ``dvf_appartements`` (DGFiP DVF, apartment sales of the 3 years to 2024): commune_code,
  insee_com, departement, nb_ventes (sales), prix_m2_q1, prix_m2_median, prix_m2_q3 (€ per m² of
  floor area), nb_ventes_petits, prix_m2_median_petits (small apartments, as published).
- ``loyers_communes`` (ANIL "carte des loyers", predicted rents, charges included): commune_code,
  insee_com, departement, type_bien ('appartement' or 'maison'), loyer_m2 (€ per m² a month),
  loyer_m2_bas, loyer_m2_haut (prediction interval, € per m²), maille (TYPPRED: 'commune' when
  the commune had enough observations, else 'EPCI' or 'maille', a group of communes),
  nb_obs_commune (rent observations in the commune). Decimal commas in the files.
- ``zonage_abc`` (arrêté of 5 September 2025): commune_code, insee_com, zone ('Abis', 'A', 'B1',
  'B2', 'C').
- ``sitadel_logements`` (SDES Sitadel): commune_code, insee_com, annee (2013..2025),
  autorises (dwellings authorised that year), commences (dwellings started that year). The
  file's −1 means a blank cell: NULL, never 0.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Any

from teletravail.errors import SourceError
from teletravail.opendata.context import LoadContext
from teletravail.opendata.loaders.insee import FIX_HINT, column_spec

_CODE_RE = re.compile(r"^[0-9][0-9AB][0-9]{3}$")
_NUMBER_RE = r"^-?[0-9]+([.,][0-9]+)?$"
_FRICHE_STATUS = {
    "friche avec projet": "nb_avec_projet",
    "friche sans projet": "nb_sans_projet",
    "friche potentielle": "nb_potentielles",
    "friche reconvertie": "nb_reconverties",
}
ZONES_ABC = ("Abis", "A", "B1", "B2", "C")


def read_json_document(path: Path) -> Any:  # noqa: ANN401 - JSON documents are untyped
    """Parse a JSON file, gzip-compressed when its name ends in ``.gz``.

    A syntax error names its line and column; a broken archive or encoding is refused too.
    """
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                return json.load(fh)
        with path.open(encoding="utf-8") as fh:
            return json.load(fh)
    except json.JSONDecodeError as exc:
        raise SourceError(
            path, f"JSON invalide ({exc.msg}, colonne {exc.colno})", line=exc.lineno, hint=FIX_HINT
        ) from exc
    except (OSError, EOFError) as exc:
        raise SourceError(path, f"archive gzip illisible ({exc})", hint=FIX_HINT) from exc
    except UnicodeDecodeError as exc:
        raise SourceError(path, "encodage non UTF-8", hint=FIX_HINT) from exc


def commune_mapping(path: Path, doc: Any, *, min_rows: int) -> dict[str, Any]:  # noqa: ANN401
    """The ``communes`` mapping (code -> value) of a document, codes checked."""
    communes = doc.get("communes") if isinstance(doc, dict) else None
    if not isinstance(communes, dict):
        raise SourceError(path, "objet « communes » absent", hint=FIX_HINT)
    if len(communes) < min_rows:
        raise SourceError(
            path,
            f"fichier incomplet : {len(communes)} commune(s), au moins {min_rows} attendues",
            hint=FIX_HINT,
        )
    for code in communes:
        if not _CODE_RE.match(code):
            raise SourceError(
                path, "code commune invalide", column="communes", value=code, hint=FIX_HINT
            )
    return communes


def _count(
    path: Path, code: str, field: str, value: object, *, blank: int | None = None
) -> int | None:
    """A non-negative integer of commune ``code`` (``blank`` -> None); SourceError otherwise."""
    if blank is not None and value == blank:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise SourceError(
            path,
            "nombre entier positif ou nul attendu",
            column=f"communes.{code}.{field}",
            value=repr(value),
            hint=FIX_HINT,
        )
    return value


def _write_ndjson(ctx: LoadContext, name: str, rows: list[dict[str, Any]]) -> Path:
    target = ctx.workdir / ctx.source.id
    target.mkdir(parents=True, exist_ok=True)
    out = target / f"{name}.ndjson"
    with out.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return out


def load_rows(
    ctx: LoadContext, table: str, rows: list[dict[str, Any]], columns: dict[str, str]
) -> None:
    """Create ``table`` from checked Python rows (through a scratch newline-delimited JSON file)."""
    path = _write_ndjson(ctx, table, rows)
    cols = "{" + ", ".join(f"'{k}': '{v}'" for k, v in columns.items()) + "}"
    quoted = str(path).replace("'", "''")
    ctx.con.execute(
        f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM read_json('{quoted}', "
        f"format='newline_delimited', columns={cols})"
    )


def load_cartofriches(ctx: LoadContext) -> None:
    """Cerema Cartofriches aggregated by commune -> ``friches_communes``."""
    path = ctx.path("friches")
    communes = commune_mapping(path, read_json_document(path), min_rows=1)
    rows: list[dict[str, Any]] = []
    for code, item in communes.items():
        if not isinstance(item, dict):
            raise SourceError(path, "objet attendu", column=f"communes.{code}", hint=FIX_HINT)
        status = item.get("by_status") or {}
        types = item.get("by_type") or {}
        if not isinstance(status, dict) or not isinstance(types, dict):
            raise SourceError(
                path, "objet attendu", column=f"communes.{code}.by_status", hint=FIX_HINT
            )
        row: dict[str, Any] = {
            "insee_com": code,
            "lib_com": item.get("label"),
            "nb_sites": _count(path, code, "n", item.get("n")),
            "surface_m2": _count(path, code, "total_surface_m2", item.get("total_surface_m2")),
        }
        for label, column in _FRICHE_STATUS.items():
            row[column] = _count(path, code, f"by_status.{label}", status.get(label, 0))
        unknown = set(status) - set(_FRICHE_STATUS)
        if unknown:
            ctx.anomaly(path, code, item.get("label"), f"statut(s) inconnu(s) : {sorted(unknown)}")
        row["nb_types"] = json.dumps(types, ensure_ascii=False, sort_keys=True)
        rows.append(row)
    columns = {
        "insee_com": "VARCHAR",
        "lib_com": "VARCHAR",
        "nb_sites": "INTEGER",
        "surface_m2": "DOUBLE",
        **dict.fromkeys(_FRICHE_STATUS.values(), "INTEGER"),
        "nb_types": "VARCHAR",
    }
    load_rows(ctx, "friches_raw", rows, columns)
    ctx.map_communes(
        "friches_raw", code_col="insee_com", name_col="lib_com", file=path, what="friches"
    )
    ctx.con.execute(
        "CREATE OR REPLACE TABLE friches_communes AS SELECT commune_code, insee_com, lib_com, "
        "nb_sites, surface_m2, nb_avec_projet, nb_sans_projet, nb_potentielles, nb_reconverties, "
        "nb_types FROM friches_raw ORDER BY insee_com"
    )
    ctx.con.execute("DROP TABLE friches_raw")


def _header(ctx: LoadContext, path: Path) -> list[str]:
    """Column names of a ``;`` file, gzip-compressed when its name ends in ``.gz``."""
    if path.suffix != ".gz":
        return ctx.header(path, delim=";")
    try:
        with gzip.open(path, "rt", encoding="utf-8-sig") as fh:
            line = fh.readline()
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise SourceError(path, f"archive gzip illisible ({exc})", hint=FIX_HINT) from exc
    return [c.strip().strip('"') for c in line.rstrip("\r\n").split(";")]


def _read_semicolon(
    ctx: LoadContext, key: str, table: str, required: list[str], min_rows: int = 1
) -> tuple[Path, dict[str, str]]:
    """Read a ``;`` file as text into ``table`` (+ ``_line``); returns its path and column names."""
    path = ctx.path(key)
    header = _header(ctx, path)
    ctx.require_columns(path, header, required)
    columns, names = column_spec(header, {})
    ctx.read_csv(
        table,
        path,
        columns=columns,
        delim=";",
        min_rows=min_rows,
        select="*, row_number() OVER () + 1 AS _line",
    )
    ctx.reject_first(
        table,
        path,
        where=f"NOT regexp_matches(coalesce({names[required[0]]}, ''), '{_CODE_RE.pattern}')",
        value=names[required[0]],
        column=required[0],
        problem="code commune invalide",
    )
    return path, names


def _numbers(
    ctx: LoadContext, table: str, path: Path, names: dict[str, str], labels: list[str]
) -> None:
    """Refuse the first non-numeric, non-blank cell of the columns ``labels`` (decimal point or
    comma accepted)."""
    for label in labels:
        col = names[label]
        ctx.reject_first(
            table,
            path,
            where=f"nullif(trim({col}), '') IS NOT NULL AND NOT regexp_matches(trim({col}), "
            f"'{_NUMBER_RE}')",
            value=col,
            column=label,
            problem="valeur numérique illisible",
        )
        ctx.reject_first(
            table,
            path,
            where=f"starts_with(trim({col}), '-')",
            value=col,
            column=label,
            problem="valeur négative",
        )


def _num(col: str, sql_type: str = "DOUBLE") -> str:
    return f"CAST(replace(nullif(trim({col}), ''), ',', '.') AS {sql_type})"


def load_lovac(ctx: LoadContext) -> None:
    """LOVAC 2025 rates by commune -> ``lovac_communes`` (blank = secret = NULL)."""
    required = ["INSEE_C", "taux_vacance_25_pct", "taux_vacance_long_25_pct"]
    path, names = _read_semicolon(ctx, "lovac", "lovac_raw", required)
    _numbers(ctx, "lovac_raw", path, names, required[1:])
    for label in required[1:]:
        ctx.reject_first(
            "lovac_raw",
            path,
            where=f"{_num(names[label])} > 100",
            value=names[label],
            column=label,
            problem="taux supérieur à 100 %",
        )
    ctx.con.execute(
        f"""CREATE OR REPLACE TABLE lovac_raw AS
        SELECT {names["INSEE_C"]} AS insee_com,
               {_num(names["taux_vacance_25_pct"])} AS taux_vacance_pct,
               {_num(names["taux_vacance_long_25_pct"])} AS taux_vacance_longue_pct
        FROM lovac_raw"""
    )
    ctx.map_communes("lovac_raw", code_col="insee_com", name_col=None, file=path, what="LOVAC")
    ctx.con.execute(
        "CREATE OR REPLACE TABLE lovac_communes AS SELECT commune_code, insee_com, "
        "taux_vacance_pct, taux_vacance_longue_pct FROM lovac_raw ORDER BY insee_com"
    )
    ctx.con.execute("DROP TABLE lovac_raw")


def load_dvf(ctx: LoadContext) -> None:
    """DVF apartment prices by commune -> ``dvf_appartements``."""
    required = ["INSEE_C", "DEP", "n", "p25", "p50", "p75", "n_small", "p50_small"]
    path, names = _read_semicolon(ctx, "dvf", "dvf_raw", required)
    _numbers(ctx, "dvf_raw", path, names, required[2:])
    for label in ("n", "n_small"):
        ctx.reject_first(
            "dvf_raw",
            path,
            where=f"nullif(trim({names[label]}), '') IS NOT NULL AND NOT regexp_matches("
            f"trim({names[label]}), '^[0-9]+$')",
            value=names[label],
            column=label,
            problem="nombre entier de ventes attendu",
        )
    n = names
    ctx.con.execute(
        f"""CREATE OR REPLACE TABLE dvf_raw AS
        SELECT {n["INSEE_C"]} AS insee_com, {n["DEP"]} AS departement,
               {_num(n["n"], "INTEGER")} AS nb_ventes, {_num(n["p25"])} AS prix_m2_q1,
               {_num(n["p50"])} AS prix_m2_median, {_num(n["p75"])} AS prix_m2_q3,
               {_num(n["n_small"], "INTEGER")} AS nb_ventes_petits,
               {_num(n["p50_small"])} AS prix_m2_median_petits
        FROM dvf_raw"""
    )
    ctx.map_communes("dvf_raw", code_col="insee_com", name_col=None, file=path, what="DVF")
    ctx.con.execute(
        "CREATE OR REPLACE TABLE dvf_appartements AS SELECT commune_code, insee_com, departement, "
        "nb_ventes, prix_m2_q1, prix_m2_median, prix_m2_q3, nb_ventes_petits, "
        "prix_m2_median_petits FROM dvf_raw ORDER BY insee_com"
    )
    ctx.con.execute("DROP TABLE dvf_raw")


def load_loyers(ctx: LoadContext) -> None:
    """ANIL rent map, apartments and houses -> ``loyers_communes``."""
    required = ["INSEE_C", "DEP", "loypredm2", "lwr_IPm2", "upr_IPm2", "TYPPRED", "nbobs_com"]
    parts = []
    for key, kind in (("appartement", "appartement"), ("maison", "maison")):
        table = f"loyers_{kind}_raw"
        path, n = _read_semicolon(ctx, key, table, required)
        _numbers(ctx, table, path, n, ["loypredm2", "lwr_IPm2", "upr_IPm2", "nbobs_com"])
        ctx.reject_first(
            table,
            path,
            where=f"{_num(n['lwr_IPm2'])} > {_num(n['loypredm2'])} "
            f"OR {_num(n['upr_IPm2'])} < {_num(n['loypredm2'])}",
            value=n["loypredm2"],
            column="loypredm2",
            problem="loyer prédit hors de son intervalle de prédiction",
        )
        ctx.con.execute(
            f"""CREATE OR REPLACE TABLE {table} AS
            SELECT {n["INSEE_C"]} AS insee_com, {n["DEP"]} AS departement,
                   '{kind}' AS type_bien, {_num(n["loypredm2"])} AS loyer_m2,
                   {_num(n["lwr_IPm2"])} AS loyer_m2_bas, {_num(n["upr_IPm2"])} AS loyer_m2_haut,
                   nullif(trim({n["TYPPRED"]}), '') AS maille,
                   {_num(n["nbobs_com"], "INTEGER")} AS nb_obs_commune
            FROM {table}"""
        )
        ctx.map_communes(
            table, code_col="insee_com", name_col=None, file=path, what=f"loyers ({kind})"
        )
        parts.append(table)
    ctx.con.execute(
        "CREATE OR REPLACE TABLE loyers_communes AS SELECT commune_code, insee_com, departement, "
        "type_bien, loyer_m2, loyer_m2_bas, loyer_m2_haut, maille, nb_obs_commune FROM ("
        + " UNION ALL ".join(f"SELECT * FROM {t}" for t in parts)
        + ") ORDER BY type_bien, insee_com"
    )
    for table in parts:
        ctx.con.execute(f"DROP TABLE {table}")


def load_zonage_abc(ctx: LoadContext) -> None:
    """ABC housing-tension zoning -> ``zonage_abc``."""
    path = ctx.path("zonage")
    communes = commune_mapping(path, read_json_document(path), min_rows=1)
    rows = []
    for code, zone in communes.items():
        if zone not in ZONES_ABC:
            raise SourceError(
                path,
                f"zone inattendue (attendu : {', '.join(ZONES_ABC)})",
                column=f"communes.{code}",
                value=repr(zone),
                hint=FIX_HINT,
            )
        rows.append({"insee_com": code, "zone": zone})
    load_rows(ctx, "zonage_raw", rows, {"insee_com": "VARCHAR", "zone": "VARCHAR"})
    ctx.map_communes("zonage_raw", code_col="insee_com", name_col=None, file=path, what="zonage")
    ctx.con.execute(
        "CREATE OR REPLACE TABLE zonage_abc AS SELECT commune_code, insee_com, zone "
        "FROM zonage_raw ORDER BY insee_com"
    )
    ctx.con.execute("DROP TABLE zonage_raw")


def load_sitadel(ctx: LoadContext) -> None:
    """SDES Sitadel dwellings authorised and started -> ``sitadel_logements`` (−1 -> NULL)."""
    path = ctx.path("sitadel")
    communes = commune_mapping(path, read_json_document(path), min_rows=1)
    rows: list[dict[str, Any]] = []
    for code, item in communes.items():
        if not isinstance(item, dict):
            raise SourceError(path, "objet attendu", column=f"communes.{code}", hint=FIX_HINT)
        y0 = item.get("y0")
        if isinstance(y0, bool) or not isinstance(y0, int) or not 1990 <= y0 <= 2100:
            raise SourceError(
                path,
                "année de début invalide",
                column=f"communes.{code}.y0",
                value=repr(y0),
                hint=FIX_HINT,
            )
        aut, sta = item.get("a"), item.get("s")
        if not isinstance(aut, list) or not isinstance(sta, list) or len(aut) != len(sta):
            raise SourceError(
                path,
                "séries « a » et « s » absentes ou de longueurs différentes",
                column=f"communes.{code}",
                hint=FIX_HINT,
            )
        for i, (a, s) in enumerate(zip(aut, sta, strict=True)):
            rows.append(
                {
                    "insee_com": code,
                    "annee": y0 + i,
                    "autorises": _count(path, code, f"a[{i}]", a, blank=-1),
                    "commences": _count(path, code, f"s[{i}]", s, blank=-1),
                }
            )
    load_rows(
        ctx,
        "sitadel_raw",
        rows,
        {
            "insee_com": "VARCHAR",
            "annee": "INTEGER",
            "autorises": "INTEGER",
            "commences": "INTEGER",
        },
    )
    ctx.con.execute(
        "CREATE OR REPLACE TABLE sitadel_codes AS SELECT DISTINCT insee_com FROM sitadel_raw"
    )
    ctx.map_communes(
        "sitadel_codes", code_col="insee_com", name_col=None, file=path, what="Sitadel"
    )
    ctx.con.execute(
        "CREATE OR REPLACE TABLE sitadel_logements AS SELECT c.commune_code, r.insee_com, "
        "r.annee, r.autorises, r.commences FROM sitadel_raw r JOIN sitadel_codes c USING "
        "(insee_com) ORDER BY r.insee_com, r.annee"
    )
    ctx.con.execute("DROP TABLE sitadel_raw")
    ctx.con.execute("DROP TABLE sitadel_codes")
