"""ANCT programmes: Action Cœur de Ville, Petites Villes de Demain, France services.

Tables (``commune_code`` = COG 2026 code attached with the COG correspondences; a row whose
commune cannot be attached stays with a NULL ``commune_code`` and is reported by name):

- ``acv``: one row per commune of the programme (a convention, ``id_acv``, can cover two
  communes): commune_code, insee_com (source code), id_acv, lib_com, siren_epci,
  population (inhabitants, as given by ANCT), lon, lat (WGS84 degrees), lon_source, lat_source
  (as in the file). ANCT's map layer places overseas communes near metropolitan France (inset
  positions): a point more than 20 km from its commune's centre gets that centre in lon/lat,
  and is reported.
- ``pvd``: one row per commune of the programme (list of January 2020): commune_code, insee_com,
  id_pvd (NULL where the file leaves it empty), lib_com, siren_epci, lib_epci (NULL for "NA"),
  population (inhabitants).
- ``france_services``: one row per labelled site (1 August 2024): id_fs, nom, adresse,
  complement_adresse, commune_code, insee_com, code_postal, lib_com, lat, lon (WGS84 degrees),
  type_fs (Principal, Antenne), format_fs (Fixe, Itinérant, Bus, …), groupe_fs,
  h_lundi .. h_samedi (opening hours as written by ANCT, NULL when closed), prise_rdv (BOOLEAN:
  appointment needed), labellisation (text, e.g. "Espace labellisé 01/01/2020"),
  date_labellisation (DATE read from that text, NULL when absent).

Several rows may share one current commune (sites; communes merged since the list): rows are
kept as they are, nothing is aggregated.
"""

from __future__ import annotations

from pathlib import Path

from teletravail.opendata.context import LoadContext
from teletravail.opendata.loaders.insee import FIX_HINT, column_spec

_ACV_COLUMNS = ["insee_com", "id_acv", "lib_com", "siren_epci", "pop", "lon", "lat"]
_PVD_COLUMNS = ["id_pvd", "insee_com", "lib_com", "siren_epci", "lib_epci", "pop"]
_FS_COLUMNS = [
    "id_fs",
    "lib_fs",
    "adresse",
    "insee_com",
    "code_postal",
    "lib_com",
    "latitude",
    "longitude",
    "h_lundi",
    "h_mardi",
    "h_mercredi",
    "h_jeudi",
    "h_vendredi",
    "h_samedi",
    "prise_rdv",
    "type_fs",
    "format_fs",
    "labellisation_fs",
]
_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi")


def _read(
    ctx: LoadContext, key: str, table: str, required: list[str], types: dict[str, str]
) -> dict[str, str]:
    """Read the comma-separated file of catalogue entry ``key`` into ``table`` (+ ``_line``)."""
    path = ctx.path(key)
    header = ctx.header(path, delim=",")
    ctx.require_columns(path, header, required)
    columns, names = column_spec(header, types)
    ctx.read_csv(
        table, path, columns=columns, delim=",", select="*, row_number() OVER () + 1 AS _line"
    )
    return names


def _report_far_points(
    ctx: LoadContext, table: str, label_sql: str, path: Path, max_km: float, *, fix: bool = False
) -> None:
    """Anomaly for each row whose lat/lon lies more than ``max_km`` from its commune's centre.

    Uses ``commune_centres`` (source ``centres``, loaded before); skipped when it is absent.
    With ``fix``, such rows get the commune centre (the table keeps ``lon_source``/``lat_source``).
    """
    exists = ctx.con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'commune_centres'"
    ).fetchone()
    if not exists or not exists[0]:
        return
    rows = ctx.con.execute(
        f"""SELECT t.commune_code, {label_sql},
               2 * 6371 * asin(sqrt(
                   pow(sin(radians(t.lat - c.lat) / 2), 2)
                   + cos(radians(t.lat)) * cos(radians(c.lat))
                     * pow(sin(radians(t.lon - c.lon) / 2), 2))) AS km
        FROM {table} t JOIN commune_centres c ON c.commune_code = t.commune_code
        WHERE t.lat IS NOT NULL AND t.lon IS NOT NULL ORDER BY 1"""
    ).fetchall()
    action = "remplacées par le centre de la commune" if fix else "gardées telles quelles"
    for code, label, km in rows:
        if km > max_km:
            ctx.anomaly(
                path, code, label, f"coordonnées à {km:.0f} km du centre de la commune ({action})"
            )
            if fix:
                ctx.con.execute(
                    f"""UPDATE {table} SET lat = c.lat, lon = c.lon FROM commune_centres c
                    WHERE c.commune_code = {table}.commune_code AND {table}.commune_code = ?""",
                    [code],
                )


def load_acv(ctx: LoadContext) -> None:
    """Communes of the Action Cœur de Ville programme -> ``acv``."""
    path = ctx.path("acv")
    _read(ctx, "acv", "acv_raw", _ACV_COLUMNS, {"pop": "INTEGER", "lon": "DOUBLE", "lat": "DOUBLE"})
    ctx.map_communes(
        "acv_raw",
        code_col="insee_com",
        name_col="lib_com",
        file=path,
        what="commune Action Cœur de Ville",
    )
    ctx.con.execute(
        """CREATE OR REPLACE TABLE acv AS
        SELECT commune_code, insee_com, id_acv, lib_com, siren_epci, pop AS population, lon, lat,
               lon AS lon_source, lat AS lat_source
        FROM acv_raw ORDER BY id_acv, insee_com"""
    )
    _report_far_points(ctx, "acv", "t.lib_com", path, 20.0, fix=True)
    ctx.con.execute("DROP TABLE acv_raw")


def load_pvd(ctx: LoadContext) -> None:
    """Communes of the Petites Villes de Demain programme -> ``pvd``."""
    path = ctx.path("pvd")
    _read(ctx, "pvd", "pvd_raw", _PVD_COLUMNS, {"pop": "INTEGER"})
    ctx.map_communes(
        "pvd_raw",
        code_col="insee_com",
        name_col="lib_com",
        file=path,
        what="commune Petites Villes de Demain",
    )
    ctx.con.execute(
        """CREATE OR REPLACE TABLE pvd AS
        SELECT commune_code, insee_com, nullif(trim(id_pvd), '') AS id_pvd, lib_com,
               nullif(siren_epci, 'NA') AS siren_epci, nullif(lib_epci, 'NA') AS lib_epci,
               pop AS population
        FROM pvd_raw ORDER BY insee_com"""
    )
    ctx.con.execute("DROP TABLE pvd_raw")


def load_france_services(ctx: LoadContext) -> None:
    """France services sites -> ``france_services``."""
    path = ctx.path("sites")
    names = _read(
        ctx, "sites", "fs_raw", _FS_COLUMNS, {"latitude": "DOUBLE", "longitude": "DOUBLE"}
    )
    ctx.reject_first(
        "fs_raw",
        path,
        where="prise_rdv IS NOT NULL AND prise_rdv NOT IN ('Oui', 'Non')",
        value="prise_rdv",
        column="prise_rdv",
        problem="valeur inattendue (Oui ou Non attendu)",
        hint=FIX_HINT,
    )
    ctx.map_communes(
        "fs_raw", code_col="insee_com", name_col="lib_com", file=path, what="site France services"
    )
    optional = {
        "complement_adresse": "complement_adresse",
        "groupe_fs": "groupe_fs",
    }
    extra = ", ".join(
        f"{names[label]} AS {alias}" if label in names else f"NULL::VARCHAR AS {alias}"
        for label, alias in optional.items()
    )
    hours = ", ".join(f"nullif(trim(h_{d}), '') AS h_{d}" for d in _DAYS)
    ctx.con.execute(
        f"""CREATE OR REPLACE TABLE france_services AS
        SELECT id_fs, lib_fs AS nom, adresse, {extra}, commune_code, insee_com, code_postal,
               lib_com, latitude AS lat, longitude AS lon, type_fs, format_fs, {hours},
               prise_rdv = 'Oui' AS prise_rdv, labellisation_fs AS labellisation,
               try_strptime(regexp_extract(labellisation_fs, '(\\d{{2}}/\\d{{2}}/\\d{{4}})', 1),
                            '%d/%m/%Y')::DATE AS date_labellisation
        FROM fs_raw ORDER BY _line"""
    )
    _report_far_points(ctx, "france_services", "t.id_fs || ' ' || t.nom", path, 50.0)
    for code, name in ctx.con.execute(
        "SELECT id_fs, nom FROM france_services WHERE lat IS NULL OR lon IS NULL ORDER BY id_fs"
    ).fetchall():
        ctx.anomaly(path, code, name, "site France services sans coordonnées")
    ctx.con.execute("DROP TABLE fs_raw")


_PROGRAMMES = ("acv", "pvd", "ort")


def load_programmes(ctx: LoadContext) -> None:
    """ACV, PVD and ORT with signing dates -> ``programmes_anct``.

    One row per commune of the file: commune_code, insee_com, lib_com, acv, pvd, ort (BOOLEAN:
    in the programme), acv_signature, pvd_signature, ort_signature (DATE of signing, NULL when
    the file gives none). A date that is not AAAA-MM-JJ is refused.
    """
    from datetime import date

    from teletravail.errors import SourceError
    from teletravail.opendata.loaders.housing_market import (
        commune_mapping,
        load_rows,
        read_json_document,
    )

    path = ctx.path("programmes")
    communes = commune_mapping(path, read_json_document(path), min_rows=1)
    rows = []
    for code, item in communes.items():
        if not isinstance(item, dict):
            raise SourceError(path, "objet attendu", column=f"communes.{code}", hint=FIX_HINT)
        row: dict[str, object] = {"insee_com": code, "lib_com": item.get("label")}
        for prog in _PROGRAMMES:
            flag = item.get(prog, False)
            if not isinstance(flag, bool):
                raise SourceError(
                    path,
                    "booléen attendu",
                    column=f"communes.{code}.{prog}",
                    value=repr(flag),
                    hint=FIX_HINT,
                )
            signed = item.get(f"{prog}_signed_at")
            if signed is not None:
                try:
                    date.fromisoformat(str(signed))
                except ValueError as exc:
                    raise SourceError(
                        path,
                        "date AAAA-MM-JJ attendue",
                        column=f"communes.{code}.{prog}_signed_at",
                        value=repr(signed),
                        hint=FIX_HINT,
                    ) from exc
            row[prog] = flag
            row[f"{prog}_signature"] = signed
        rows.append(row)
    columns = {"insee_com": "VARCHAR", "lib_com": "VARCHAR"}
    for prog in _PROGRAMMES:
        columns[prog] = "BOOLEAN"
        columns[f"{prog}_signature"] = "DATE"
    load_rows(ctx, "programmes_raw", rows, columns)
    ctx.map_communes(
        "programmes_raw",
        code_col="insee_com",
        name_col="lib_com",
        file=path,
        what="commune ACV, PVD ou ORT",
    )
    ctx.con.execute(
        """CREATE OR REPLACE TABLE programmes_anct AS
        SELECT commune_code, insee_com, lib_com, acv, pvd, ort,
               acv_signature, pvd_signature, ort_signature
        FROM programmes_raw ORDER BY insee_com"""
    )
    ctx.con.execute("DROP TABLE programmes_raw")
