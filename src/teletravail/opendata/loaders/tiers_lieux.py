"""France Tiers-Lieux census of tiers-lieux (optional source, absent from the offline mirror).

FORMAT NOT VERIFIED. The published layout of the census open data ("bdftl", France Tiers-Lieux
observatory, data.gouv.fr "Recensement des tiers-lieux") could not be found while writing this
loader: neither its column names nor its dialect are documented in the sources consulted (the
observatory only publishes the 2023 panorama: about 3,500 tiers-lieux, typologies such as
"Bureaux partagés / Coworking", "Tiers-lieux culturels", "Fablab / Makerspace", legal structures
such as association, SCIC, collectivité). The loader therefore expects a CSV with one row per
tiers-lieu and a header line, ``;`` or ``,`` separated (detected from the header), UTF-8 (BOM
accepted) or Latin-1, and finds its columns by name, case and accents ignored:

- name (required): nom, nom_tiers_lieu, nom_du_tiers_lieu, nom_tl, name;
- commune code (required): code_insee, code_commune, code_commune_insee, insee, insee_com,
  inseecom, com_insee, codgeo;
- optional: id (id, identifiant, id_tiers_lieu, id_tl, uid), commune name (commune, nom_commune,
  nomcom, ville), latitude (latitude, lat), longitude (longitude, lon, lng, long),
  typologies (typologies, typologie, typo, types, type), activities (activites, services),
  legal status / operator (statut, statut_juridique, structure_juridique, forme_juridique,
  porteur, type_porteur), vintage (millesime, annee, annee_recensement).

Coordinates may use a decimal point or a decimal comma. When the real file differs, extend the
alias lists below: the header check names the missing column and echoes the header read.

Table ``tiers_lieux``: id (source id, or the row number when absent), nom, commune_code (COG 2026),
code_commune_source, lat, lon (WGS84 degrees), typologies, activites, statut (free text as
published), millesime (column, else the year in the file name, else the catalogue vintage).
Rows whose commune code the COG cannot attach keep a NULL commune_code and are reported.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path

import duckdb

from teletravail.errors import SourceError
from teletravail.opendata.context import LoadContext
from teletravail.opendata.loaders.mobpro import detect_encoding

_ALIASES: dict[str, tuple[str, ...]] = {
    "nom": ("nom", "nom_tiers_lieu", "nom_du_tiers_lieu", "nom_tl", "name"),
    "code": (
        "code_insee",
        "code_commune",
        "code_commune_insee",
        "insee",
        "insee_com",
        "inseecom",
        "com_insee",
        "codgeo",
    ),
    "id": ("id", "identifiant", "id_tiers_lieu", "id_tl", "uid"),
    "commune": ("commune", "nom_commune", "nomcom", "ville"),
    "lat": ("latitude", "lat"),
    "lon": ("longitude", "lon", "lng", "long"),
    "typologies": ("typologies", "typologie", "typo", "types", "type"),
    "activites": ("activites", "services"),
    "statut": (
        "statut",
        "statut_juridique",
        "structure_juridique",
        "forme_juridique",
        "porteur",
        "type_porteur",
    ),
    "millesime": ("millesime", "annee", "annee_recensement"),
}
_REQUIRED = ("nom", "code")
_SCHEMA = """
    id VARCHAR, nom VARCHAR, commune_code VARCHAR, code_commune_source VARCHAR, lat DOUBLE,
    lon DOUBLE, typologies VARCHAR, activites VARCHAR, statut VARCHAR, millesime VARCHAR
"""
_DECIMAL_COMMA = re.compile(r"^\s*-?\d+,\d+\s*$")


def create_empty_tiers_lieux(con: duckdb.DuckDBPyConnection) -> None:
    """Create ``tiers_lieux`` with its schema and no rows (source absent)."""
    con.execute(f"CREATE OR REPLACE TABLE tiers_lieux ({_SCHEMA})")


def _normalise(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower().strip()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def _find_columns(header: list[str]) -> dict[str, str]:
    """Logical field -> column of the file, for the fields found."""
    by_norm = {_normalise(h): h for h in header}
    found: dict[str, str] = {}
    for field, aliases in _ALIASES.items():
        for alias in aliases:
            if alias in by_norm:
                found[field] = by_norm[alias]
                break
    return found


def _decimal_comma(path: Path, delim: str, encoding: str, cols: list[str]) -> bool:
    """True when the coordinate columns of the first rows use a decimal comma."""
    if not cols:
        return False
    with path.open(encoding=encoding, newline="") as fh:
        reader = csv.DictReader(fh, delimiter=delim)
        for i, row in enumerate(reader):
            if any(_DECIMAL_COMMA.match(row.get(c) or "") for c in cols):
                return True
            if i > 200:
                break
    return False


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def load_tiers_lieux(ctx: LoadContext) -> None:
    """Load ``tiers_lieux`` from the census CSV."""
    path = ctx.path("recensement")
    if path.suffix.lower() == ".zip":
        path = ctx.extract(path, r"\.csv$")
    encoding = detect_encoding(path)
    py_encoding = "utf-8-sig" if encoding == "utf-8" else encoding
    with path.open(encoding=py_encoding, errors="replace") as fh:
        first = fh.readline()
    delim = ";" if first.count(";") >= first.count(",") else ","
    header = ctx.header(path, delim=delim, encoding=py_encoding)
    if len(set(header)) != len(header):
        raise SourceError(path, "noms de colonnes en double dans l'en-tête", line=1)
    found = _find_columns(header)
    missing = [f for f in _REQUIRED if f not in found]
    if missing:
        ctx.require_columns(path, header, [_ALIASES[f][0] for f in missing])
    coord_cols = [found[f] for f in ("lat", "lon") if f in found]
    comma = _decimal_comma(path, delim, py_encoding, coord_cols)
    columns = {h: "VARCHAR" for h in header}
    if not comma:
        for c in coord_cols:
            columns[c] = "DOUBLE"

    def col(field: str, cast: str = "VARCHAR") -> str:
        if field not in found:
            return f"NULL::{cast}"
        expr = _quoted(found[field])
        if cast == "DOUBLE" and comma:
            return f"CAST(replace(trim({expr}), ',', '.') AS DOUBLE)"
        return f"trim({expr})" if cast == "VARCHAR" else expr

    years = re.findall(r"(?:19|20)\d\d", path.name)
    default_year = years[-1] if years else ctx.source.vintage
    raw_code = col("code")
    # a code that lost its leading zero in a spreadsheet (4 digits) gets it back
    code = (
        f"CASE WHEN regexp_matches({raw_code}, '^[0-9]{{4}}$') THEN '0' || {raw_code} "
        f"ELSE nullif({raw_code}, '') END"
    )
    select = (
        f"coalesce({col('id')}, CAST(row_number() OVER () AS VARCHAR)) AS id, "
        f"{col('nom')} AS nom, {code} AS code_commune_source, "
        f"{col('commune')} AS nom_commune, {col('lat', 'DOUBLE')} AS lat, "
        f"{col('lon', 'DOUBLE')} AS lon, {col('typologies')} AS typologies, "
        f"{col('activites')} AS activites, {col('statut')} AS statut, "
        f"coalesce({col('millesime')}, '{default_year}') AS millesime"
    )
    ctx.read_csv(
        "tiers_lieux_raw", path, columns=columns, delim=delim, encoding=encoding, select=select
    )
    ctx.map_communes(
        "tiers_lieux_raw",
        code_col="code_commune_source",
        name_col="nom",
        file=path,
        what="tiers-lieu",
    )
    for ident, nom, lat, lon in ctx.con.execute(
        """SELECT id, nom, lat, lon FROM tiers_lieux_raw
        WHERE NOT (lat BETWEEN -90 AND 90) OR NOT (lon BETWEEN -180 AND 180)"""
    ).fetchall():
        ctx.anomaly(path, ident, nom, f"coordonnées hors limites ({lat}, {lon}) : mises à NULL")
    ctx.con.execute(
        """CREATE OR REPLACE TABLE tiers_lieux AS
        SELECT id, nom, commune_code, code_commune_source,
               CASE WHEN lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180 THEN lat END AS lat,
               CASE WHEN lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180 THEN lon END AS lon,
               typologies, activites, statut, millesime
        FROM tiers_lieux_raw ORDER BY id"""
    )
    ctx.con.execute("DROP TABLE tiers_lieux_raw")
