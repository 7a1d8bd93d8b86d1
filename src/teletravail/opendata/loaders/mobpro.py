"""INSEE commuting flows, "base flux de mobilité domicile - lieu de travail" (MOBPRO), optional.

Official download (census 2022): https://www.insee.fr/fr/statistiques/8582949, file
``base-flux-mobilite-domicile-lieu-travail-2022_csv.zip`` holding
``base-flux-mobilite-domicile-lieu-travail-2022.csv``; older vintages are named
``base-csv-flux-mobilite-domicile-lieu-travail-AAAA.zip`` (2018, 2019) or
``base-flux-mobilite-domicile-lieu-travail-AAAA-csv.zip`` (2020, 2021). The loader accepts the zip
or the CSV itself: UTF-8 (Latin-1 accepted), ``;`` separated, header
``CODGEO;LIBGEO;DCLT;L_DCLT;NBFLUX_CAA_ACTOCC15P`` where ``AA`` is the census year (the vintage is
read from that column name), flows with a ``.`` decimal point. Communes are in the geography of the
publication; Paris, Lyon and Marseille appear by arrondissement municipal.

Table ``mobpro_flux`` (one row per source row):
- commune_residence, commune_travail: COG 2026 codes (arrondissements and merged communes mapped
  through ``commune_codes``); NULL when the COG cannot attach the code (reported as anomalies),
  and for a place of work abroad.
- code_residence_source, code_travail_source: the codes as published (CODGEO, DCLT).
- libelle_travail_source: L_DCLT, the published name of the place of work.
- etranger: TRUE when the place of work is abroad (DCLT starting with 99, INSEE country codes).
- flux: employed workers aged 15 or over (DOUBLE, estimated from the census sample, hence decimals).
- millesime: census year, e.g. '2022'.

Several source rows may map to the same pair of current communes (arrondissements, merged
communes): ``flux`` is additive, aggregate with ``SUM(flux) GROUP BY commune_residence,
commune_travail``. Rows are never dropped; unknown codes are reported once per distinct code.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from teletravail.errors import SourceError
from teletravail.opendata.context import LoadContext

_FLOW_RE = re.compile(r"^NBFLUX_C(\d\d)_ACTOCC15P$")
_YEAR_RE = re.compile(r"(19|20)\d\d")
_MEMBER_RE = r"(^|/)(?![^/]*meta)[^/]*flux[^/]*\.csv$"
_HINT = (
    "Téléchargez la « base flux de mobilité domicile - lieu de travail » sur insee.fr "
    "(zip contenant le CSV séparé par des points-virgules)"
)

_SCHEMA = """
    commune_residence VARCHAR, commune_travail VARCHAR, code_residence_source VARCHAR,
    code_travail_source VARCHAR, libelle_travail_source VARCHAR, etranger BOOLEAN,
    flux DOUBLE, millesime VARCHAR
"""


def create_empty_mobpro_flux(con: duckdb.DuckDBPyConnection) -> None:
    """Create ``mobpro_flux`` with its schema and no rows (source absent)."""
    con.execute(f"CREATE OR REPLACE TABLE mobpro_flux ({_SCHEMA})")


def _pick(paths: list[Path]) -> Path:
    """The newest vintage among the matched files; for one vintage, the CSV before the zip."""

    def key(p: Path) -> tuple[int, int]:
        years = [int(m.group(0)) for m in _YEAR_RE.finditer(p.name)]
        return (max(years) if years else 0, 1 if p.suffix.lower() == ".csv" else 0)

    return max(paths, key=key)


def detect_encoding(path: Path) -> str:
    """'utf-8' when the start of the file decodes as UTF-8, else 'latin-1'."""
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut by the 64 KiB limit
            return "latin-1"
    return "utf-8"


def load_mobpro(ctx: LoadContext) -> None:
    """Load ``mobpro_flux`` from the INSEE zip or CSV."""
    paths = ctx.paths("flux")
    source = _pick(paths)
    if len(paths) > 1:
        ctx.anomaly(source, None, None, f"{len(paths)} fichiers trouvés : {source.name} retenu")
    csv_path = ctx.extract(source, _MEMBER_RE) if source.suffix.lower() == ".zip" else source
    encoding = detect_encoding(csv_path)
    header = ctx.header(
        csv_path, delim=";", encoding="utf-8-sig" if encoding == "utf-8" else encoding
    )
    ctx.require_columns(csv_path, header, ["CODGEO", "LIBGEO", "DCLT", "L_DCLT"])
    flow_cols = [c for c in header if _FLOW_RE.match(c)]
    if len(flow_cols) != 1:
        raise SourceError(
            csv_path,
            "colonne de flux NBFLUX_CAA_ACTOCC15P introuvable (ou présente plusieurs fois)",
            line=1,
            hint=f"En-tête lu : {', '.join(header[:8])}. {_HINT}",
        )
    match = _FLOW_RE.match(flow_cols[0])
    assert match is not None
    millesime = "20" + match.group(1)
    columns = {c: "VARCHAR" for c in header}
    columns[flow_cols[0]] = "DOUBLE"
    ctx.read_csv(
        "mobpro_raw",
        csv_path,
        columns=columns,
        delim=";",
        encoding=encoding,
        select=f"CODGEO AS code_res, LIBGEO AS nom_res, DCLT AS code_trav, L_DCLT AS nom_trav, "
        f'"{flow_cols[0]}" AS flux',
    )
    negative = ctx.con.execute(
        "SELECT code_res, code_trav, flux FROM mobpro_raw WHERE flux < 0 OR flux IS NULL LIMIT 1"
    ).fetchone()
    if negative is not None:
        raise SourceError(
            csv_path,
            f"flux vide ou négatif pour {negative[0]} -> {negative[1]}",
            column=flow_cols[0],
            value=str(negative[2]),
            hint=_HINT,
        )

    # codes are mapped once per distinct code: anomalies are reported per code, not per row
    ctx.con.execute(
        """CREATE OR REPLACE TABLE mobpro_res_codes AS
        SELECT code_res AS code, any_value(nom_res) AS nom FROM mobpro_raw GROUP BY 1"""
    )
    ctx.map_communes(
        "mobpro_res_codes",
        code_col="code",
        name_col="nom",
        file=csv_path,
        what="commune de résidence",
    )
    ctx.con.execute(
        """CREATE OR REPLACE TABLE mobpro_trav_codes AS
        SELECT code_trav AS code, any_value(nom_trav) AS nom FROM mobpro_raw
        WHERE NOT starts_with(code_trav, '99') GROUP BY 1"""
    )
    ctx.map_communes(
        "mobpro_trav_codes",
        code_col="code",
        name_col="nom",
        file=csv_path,
        what="commune de travail",
    )
    for code, nom, rows, workers in ctx.con.execute(
        """SELECT code_trav, any_value(nom_trav), count(*), sum(flux) FROM mobpro_raw
        WHERE starts_with(code_trav, '99') GROUP BY 1 ORDER BY 1"""
    ).fetchall():
        ctx.anomaly(
            csv_path,
            code,
            nom,
            f"lieu de travail à l'étranger : {rows} flux, {workers:.0f} actifs, gardés sans "
            "commune de travail",
        )
    ctx.con.execute(
        f"""CREATE OR REPLACE TABLE mobpro_flux AS
        SELECT r.commune_code AS commune_residence, t.commune_code AS commune_travail,
               m.code_res AS code_residence_source, m.code_trav AS code_travail_source,
               m.nom_trav AS libelle_travail_source, starts_with(m.code_trav, '99') AS etranger,
               m.flux, '{millesime}' AS millesime
        FROM mobpro_raw m
        LEFT JOIN mobpro_res_codes r ON r.code = m.code_res
        LEFT JOIN mobpro_trav_codes t ON t.code = m.code_trav"""
    )
    ctx.con.execute("DROP TABLE mobpro_raw")
    ctx.con.execute("DROP TABLE mobpro_res_codes")
    ctx.con.execute("DROP TABLE mobpro_trav_codes")
