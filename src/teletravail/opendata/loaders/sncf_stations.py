"""SNCF passenger stations: reference list, ridership 2015-2023, wifi, accessibility, opening hours,
and SNCF Réseau's list of every network point.

Files (catalogue source ``gares``), each read from its header so that column order may change:
``gares`` (``;``, BOM, multi-valued ``"A;B"`` fields, ``Position géographique`` = ``"lat, lon"``),
``frequentation`` (``,``, one column per year), ``wifi`` (``;``, UIC without its ``87`` prefix),
``accessibilite`` (``;``), ``horaires`` (``;``, UIC on 10 digits with leading ``00``), ``liste``
(``,``; the mirror's copy has its unquoted ``C_GEO``/``Geo Point`` split over two columns each,
the official export quotes them: only the leading named columns are used).

Tables:
- ``stations``: uic VARCHAR (8-digit UIC, first one listed for the station; unique), uics
  VARCHAR[] (all UICs of the station), nom, trigramme, segment_drg (A national, B regional,
  C local; for a multi-valued field the highest segment, A before B before C), segment_drg_source
  (the field as in the file, e.g. ``A;B``), commune_code_source (as in the file), commune_code
  (COG 2026), lat, lon (WGS84 degrees, DOUBLE), wifi BOOLEAN (NULL when the station is absent
  from the wifi list; TRUE when any of its UICs is equipped), nb_equipements_accessibilite INTEGER
  (distinct accessibility equipments listed; 0 when none is listed), voyageurs_2023 BIGINT
  (passengers in 2023, summed over the station's UICs; NULL without ridership row).
- ``station_frequentation``: uic (the station's ``stations.uic`` when any of its UICs matches,
  else the file's UIC), uic_source, nom_gare, annee INTEGER, voyageurs BIGINT (passengers),
  voyageurs_non_voyageurs BIGINT (passengers + non-passengers), segment_drg. Long format: one row
  per file row and year.
- ``station_accessibilite``: uic (as above), uic_source, nom_gare, equipement (one row per station
  and equipment, as in the file).
- ``station_horaires``: uic (8 digits, as above), uic_source (as in the file), nom_gare, jour
  (Lundi..Dimanche as in the file), horaire_normal, horaire_ferie (text such as ``05:00-22:00``
  or ``Fermé``).
- ``reseau_points``: uic, libelle, voyageurs BOOLEAN, fret BOOLEAN, commune_nom, departement_nom
  (upper-case names, no code in the file), code_ligne, rg_troncon, pk (kilometre point text
  ``244+100``), idgaia, x_l93, y_l93 (Lambert-93 metres), lat, lon (WGS84 degrees). A point served
  by several lines appears once per line: ``uic`` is not unique here.

Anomalies (never a silent drop): station commune codes unknown to the COG 2026, stations without
coordinates, without UIC or repeating another station's UIC (the last two are left out of
``stations``), a UIC listed by two stations, ridership / wifi / accessibility / opening-hours rows
whose UIC matches no station (rows kept, except wifi which has no table of its own), negative
ridership (kept as read; the warehouse check ``frequentation_positive`` then fails the build).
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from teletravail.errors import SourceError
from teletravail.opendata.context import LoadContext

_HINT = (
    "Vérifiez que le fichier est complet et au format du producteur "
    "(téléchargez-le de nouveau depuis ressources.data.sncf.com, "
    "ou lancez « teletravail data fetch »)"
)

# Final tables: explicit schemas (column -> DuckDB type).
SCHEMAS: dict[str, dict[str, str]] = {
    "stations": {
        "uic": "VARCHAR PRIMARY KEY",
        "uics": "VARCHAR[]",
        "nom": "VARCHAR",
        "trigramme": "VARCHAR",
        "segment_drg": "VARCHAR",
        "segment_drg_source": "VARCHAR",
        "commune_code_source": "VARCHAR",
        "commune_code": "VARCHAR",
        "lat": "DOUBLE",
        "lon": "DOUBLE",
        "wifi": "BOOLEAN",
        "nb_equipements_accessibilite": "INTEGER",
        "voyageurs_2023": "BIGINT",
    },
    "station_frequentation": {
        "uic": "VARCHAR",
        "uic_source": "VARCHAR",
        "nom_gare": "VARCHAR",
        "annee": "INTEGER",
        "voyageurs": "BIGINT",
        "voyageurs_non_voyageurs": "BIGINT",
        "segment_drg": "VARCHAR",
    },
    "station_accessibilite": {
        "uic": "VARCHAR",
        "uic_source": "VARCHAR",
        "nom_gare": "VARCHAR",
        "equipement": "VARCHAR",
    },
    "station_horaires": {
        "uic": "VARCHAR",
        "uic_source": "VARCHAR",
        "nom_gare": "VARCHAR",
        "jour": "VARCHAR",
        "horaire_normal": "VARCHAR",
        "horaire_ferie": "VARCHAR",
    },
    "reseau_points": {
        "uic": "VARCHAR",
        "libelle": "VARCHAR",
        "voyageurs": "BOOLEAN",
        "fret": "BOOLEAN",
        "commune_nom": "VARCHAR",
        "departement_nom": "VARCHAR",
        "code_ligne": "VARCHAR",
        "rg_troncon": "VARCHAR",
        "pk": "VARCHAR",
        "idgaia": "VARCHAR",
        "x_l93": "DOUBLE",
        "y_l93": "DOUBLE",
        "lat": "DOUBLE",
        "lon": "DOUBLE",
    },
}

# Known columns of each file: header name -> (our name, DuckDB type). Other columns: VARCHAR.
_GARES = {
    "Nom": ("nom", "VARCHAR"),
    "Trigramme": ("trigramme", "VARCHAR"),
    "Segment(s) DRG": ("segment_drg_source", "VARCHAR"),
    "Position géographique": ("position", "VARCHAR"),
    "Code commune": ("commune_code_source", "VARCHAR"),
    "Code(s) UIC": ("uics_source", "VARCHAR"),
}
_FREQ_BASE = {
    "Nom de la gare": ("nom", "VARCHAR"),
    "Code UIC": ("uic_source", "VARCHAR"),
    "Segmentation DRG": ("segment_drg", "VARCHAR"),
}
_FREQ_YEAR = re.compile(r"^Total Voyageurs (?P<nv>\+ Non voyageurs )?(?P<year>\d{4})$")
_WIFI = {
    "UIC": ("uic_source", "VARCHAR"),
    "Gare": ("nom", "VARCHAR"),
    "Service Wifi": ("wifi", "VARCHAR"),
}
_ACCESS = {
    "UIC": ("uic_source", "VARCHAR"),
    "Nom de la gare": ("nom", "VARCHAR"),
    "Accessibilité": ("equipement", "VARCHAR"),
}
_HOURS = {
    "uic": ("uic_source", "VARCHAR"),
    "gare": ("nom", "VARCHAR"),
    "jour_de_la_semaine": ("jour", "VARCHAR"),
    "horaire_en_jour_normal": ("normal", "VARCHAR"),
    "horaire_en_jour_ferie": ("ferie", "VARCHAR"),
}
_LISTE = {
    "CODE_UIC": ("uic", "VARCHAR"),
    "LIBELLE": ("libelle", "VARCHAR"),
    "FRET": ("fret", "VARCHAR"),
    "VOYAGEURS": ("voyageurs", "VARCHAR"),
    "CODE_LIGNE": ("code_ligne", "VARCHAR"),
    "RG_TRONCON": ("rg_troncon", "VARCHAR"),
    "PK": ("pk", "VARCHAR"),
    "COMMUNE": ("commune_nom", "VARCHAR"),
    "DEPARTEMEN": ("departement_nom", "VARCHAR"),
    "IDGAIA": ("idgaia", "VARCHAR"),
    "X_L93": ("x_l93", "DOUBLE"),
    "Y_L93": ("y_l93", "DOUBLE"),
    "X_WGS84": ("lon", "DOUBLE"),
    "Y_WGS84": ("lat", "DOUBLE"),
}
_SCRATCH = (
    "_st_raw",
    "_st",
    "_st_uic",
    "_freq_raw",
    "_wifi_raw",
    "_acc_raw",
    "_hours_raw",
    "_liste_raw",
)


def _create_on(con: duckdb.DuckDBPyConnection, table: str) -> None:
    cols = ", ".join(f"{name} {typ}" for name, typ in SCHEMAS[table].items())
    con.execute(f"CREATE OR REPLACE TABLE {table} ({cols})")


def _create(ctx: LoadContext, table: str) -> None:
    _create_on(ctx.con, table)


def _columns(header: list[str], known: dict[str, tuple[str, str]]) -> dict[str, str]:
    """Typed columns of a file, in file order: known names renamed, any other one kept as text."""
    cols: dict[str, str] = {}
    for index, name in enumerate(header, start=1):
        target = known.get(name)
        if target is not None and target[0] not in cols:
            cols[target[0]] = target[1]
        else:
            cols[f"extra_{index}"] = "VARCHAR"
    return cols


def _read(
    ctx: LoadContext,
    table: str,
    path: Path,
    known: dict[str, tuple[str, str]],
    *,
    delim: str,
    required: list[str] | None = None,
) -> int:
    """Check the header then read the whole file into ``table`` (plus ``ord``, the row order)."""
    header = ctx.header(path, delim=delim)
    ctx.require_columns(path, header, required if required is not None else list(known))
    cols = _columns(header, known)
    return ctx.read_csv(
        table, path, columns=cols, delim=delim, select="row_number() OVER () AS ord, *"
    )


def _check_values(
    ctx: LoadContext,
    path: Path,
    delim: str,
    *,
    table: str,
    expr: str,
    bad: str,
    column: str,
    problem: str,
) -> None:
    """SourceError on the first row of ``table`` where SQL condition ``bad`` holds.

    ``expr`` is the SQL text of the offending raw value, looked up in the file for its line.
    """
    sql = f"SELECT {expr} FROM {table} WHERE {bad} ORDER BY ord LIMIT 1"
    rows = ctx.con.execute(sql).fetchall()
    if not rows:
        return
    value = "" if rows[0][0] is None else str(rows[0][0])
    raise SourceError(
        path,
        problem,
        line=LoadContext.find_line(path, column, value, delim=delim),
        column=column,
        value=value,
        hint=_HINT,
    )


def _load_gares(ctx: LoadContext) -> Path:
    path = ctx.path("gares")
    _read(ctx, "_st_raw", path, _GARES, delim=";")
    ctx.con.execute(
        """CREATE OR REPLACE TABLE _st AS
        WITH p AS (
            SELECT *, list_filter(list_transform(string_split(coalesce(uics_source, ''), ';'),
                                                 lambda x: trim(x)), lambda x: x <> '') AS uics,
                   string_split(coalesce(trim(position), ''), ',') AS pos,
                   list_transform(string_split(coalesce(segment_drg_source, ''), ';'),
                                  lambda x: trim(x)) AS segs
            FROM _st_raw)
        SELECT ord, uics[1] AS uic, uics, trim(nom) AS nom, trim(trigramme) AS trigramme,
               list_min(list_filter(segs, lambda x: x IN ('A', 'B', 'C'))) AS segment_drg,
               segment_drg_source, trim(commune_code_source) AS commune_code_source,
               uics_source, position,
               CASE WHEN len(pos) = 2 THEN TRY_CAST(trim(pos[1]) AS DOUBLE) END AS lat,
               CASE WHEN len(pos) = 2 THEN TRY_CAST(trim(pos[2]) AS DOUBLE) END AS lon
        FROM p"""
    )
    _check_values(
        ctx,
        path,
        ";",
        table="_st",
        expr="uics_source",
        column="Code(s) UIC",
        bad="NOT list_bool_and(list_transform(uics, lambda u: regexp_full_match(u, '[0-9]{8}')))",
        problem="code UIC mal formé (8 chiffres attendus, séparés par « ; »)",
    )
    _check_values(
        ctx,
        path,
        ";",
        table="_st",
        expr="position",
        column="Position géographique",
        bad="coalesce(trim(position), '') <> '' AND (lat IS NULL OR lon IS NULL "
        "OR lat NOT BETWEEN -90 AND 90 OR lon NOT BETWEEN -180 AND 180)",
        problem="position géographique illisible (« latitude, longitude » en degrés attendu)",
    )
    for nom, trig in ctx.con.execute(
        "SELECT nom, trigramme FROM _st WHERE uic IS NULL ORDER BY ord"
    ).fetchall():
        ctx.anomaly(path, trig, nom, "gare sans code UIC : absente de la table stations")
    for uic, nom in ctx.con.execute(
        "SELECT uic, nom FROM _st WHERE lat IS NULL AND uic IS NOT NULL ORDER BY ord"
    ).fetchall():
        ctx.anomaly(path, uic, nom, "gare sans coordonnées géographiques")
    for uic, nom, seg in ctx.con.execute(
        "SELECT uic, nom, segment_drg_source FROM _st WHERE segment_drg IS NULL "
        "AND coalesce(trim(segment_drg_source), '') <> '' ORDER BY ord"
    ).fetchall():
        ctx.anomaly(path, uic, nom, f"segment DRG inconnu « {seg} » (A, B ou C attendu)")
    # A station whose first UIC repeats an earlier station's is a duplicate: reported, left out.
    for uic, nom in ctx.con.execute(
        "SELECT uic, nom FROM _st WHERE uic IS NOT NULL AND ord NOT IN "
        "(SELECT min(ord) FROM _st WHERE uic IS NOT NULL GROUP BY uic) ORDER BY ord"
    ).fetchall():
        ctx.anomaly(path, uic, nom, "gare en double (même code UIC) : seule la première est gardée")
    ctx.con.execute(
        "DELETE FROM _st WHERE uic IS NULL OR ord NOT IN "
        "(SELECT min(ord) FROM _st WHERE uic IS NOT NULL GROUP BY uic)"
    )
    # Every UIC of a station -> the station's uic (a UIC listed by two stations: the first one).
    ctx.con.execute(
        """CREATE OR REPLACE TABLE _st_uic AS
        SELECT u AS uic_any, arg_min(uic, ord) AS uic, count(*) AS n, list(nom ORDER BY ord) AS noms
        FROM (SELECT unnest(uics) AS u, uic, ord, nom FROM _st) GROUP BY u"""
    )
    for uic_any, noms in ctx.con.execute(
        "SELECT uic_any, noms FROM _st_uic WHERE n > 1 ORDER BY uic_any"
    ).fetchall():
        ctx.anomaly(
            path,
            uic_any,
            " / ".join(noms),
            "code UIC listé par plusieurs gares : rattaché à la première",
        )
    ctx.map_communes("_st", code_col="commune_code_source", name_col="nom", file=path, what="gare")
    return path


def _load_frequentation(ctx: LoadContext) -> None:
    path = ctx.path("frequentation")
    header = ctx.header(path, delim=",")
    known = dict(_FREQ_BASE)
    years: dict[int, set[str]] = {}
    for name in header:
        m = _FREQ_YEAR.match(name)
        if m:
            kind = "vnv" if m.group("nv") else "v"
            year = int(m.group("year"))
            known[name] = (f"{kind}_{year}", "BIGINT")
            years.setdefault(year, set()).add(kind)
    ctx.require_columns(path, header, [*_FREQ_BASE, "Total Voyageurs 2023"])
    ctx.read_csv(
        "_freq_raw",
        path,
        columns=_columns(header, known),
        delim=",",
        select="row_number() OVER () AS ord, *",
    )
    _check_values(
        ctx,
        path,
        ",",
        table="_freq_raw",
        expr="uic_source",
        column="Code UIC",
        bad="NOT regexp_full_match(coalesce(uic_source, ''), '[0-9]{8}')",
        problem="code UIC mal formé (8 chiffres attendus)",
    )
    parts = [
        f"SELECT ord, uic_source, nom, segment_drg, {year} AS annee, "
        f"{'v_' + str(year) if 'v' in kinds else 'NULL'} AS voyageurs, "
        f"{'vnv_' + str(year) if 'vnv' in kinds else 'NULL'} AS voyageurs_non_voyageurs "
        "FROM _freq_raw"
        for year, kinds in sorted(years.items())
    ]
    _create(ctx, "station_frequentation")
    ctx.con.execute(
        f"""INSERT INTO station_frequentation
        SELECT coalesce(m.uic, f.uic_source), f.uic_source, trim(f.nom), f.annee,
               f.voyageurs, f.voyageurs_non_voyageurs, nullif(trim(f.segment_drg), '')
        FROM ({" UNION ALL ".join(parts)}) f LEFT JOIN _st_uic m ON m.uic_any = f.uic_source
        ORDER BY f.ord, f.annee"""
    )
    for uic, nom in ctx.con.execute(
        "SELECT uic_source, nom FROM _freq_raw WHERE uic_source NOT IN "
        "(SELECT uic_any FROM _st_uic) ORDER BY ord"
    ).fetchall():
        ctx.anomaly(path, uic, nom, "fréquentation d'un code UIC absent de la liste des gares")
    for uic, nom, annee, v, vnv in ctx.con.execute(
        "SELECT uic_source, nom_gare, annee, voyageurs, voyageurs_non_voyageurs "
        "FROM station_frequentation WHERE voyageurs < 0 OR voyageurs_non_voyageurs < 0 "
        "ORDER BY uic_source, annee"
    ).fetchall():
        ctx.anomaly(path, uic, nom, f"fréquentation négative en {annee} ({v} ; {vnv})")


def _unmatched(ctx: LoadContext, path: Path, table: str, uic_expr: str, what: str) -> None:
    for uic, nom in ctx.con.execute(
        f"SELECT DISTINCT {uic_expr} AS u, nom FROM {table} "
        f"WHERE {uic_expr} NOT IN (SELECT uic_any FROM _st_uic) ORDER BY u"
    ).fetchall():
        ctx.anomaly(path, uic, nom, f"{what} d'un code UIC absent de la liste des gares")


def _load_wifi(ctx: LoadContext) -> None:
    path = ctx.path("wifi")
    _read(ctx, "_wifi_raw", path, _WIFI, delim=";")
    _check_values(
        ctx,
        path,
        ";",
        table="_wifi_raw",
        expr="uic_source",
        column="UIC",
        bad="NOT (regexp_full_match(coalesce(trim(uic_source), ''), '[0-9]{1,6}') "
        "OR regexp_full_match(coalesce(trim(uic_source), ''), '87[0-9]{6}'))",
        problem="code UIC mal formé (6 chiffres sans le préfixe 87, ou 8 chiffres attendus)",
    )
    _check_values(
        ctx,
        path,
        ";",
        table="_wifi_raw",
        expr="wifi",
        column="Service Wifi",
        bad="wifi IS NOT NULL AND lower(trim(wifi)) NOT IN ('oui', 'non')",
        problem="valeur inattendue (Oui ou Non attendu)",
    )
    ctx.con.execute(
        """CREATE OR REPLACE TABLE _wifi_raw AS
        SELECT *, CASE WHEN length(trim(uic_source)) = 8 THEN trim(uic_source)
                       ELSE '87' || lpad(trim(uic_source), 6, '0') END AS uic,
               lower(trim(wifi)) = 'oui' AS equipee
        FROM _wifi_raw"""
    )
    _unmatched(ctx, path, "_wifi_raw", "uic", "wifi")


def _load_accessibilite(ctx: LoadContext) -> None:
    path = ctx.path("accessibilite")
    _read(ctx, "_acc_raw", path, _ACCESS, delim=";")
    _check_values(
        ctx,
        path,
        ";",
        table="_acc_raw",
        expr="uic_source",
        column="UIC",
        bad="NOT regexp_full_match(coalesce(trim(uic_source), ''), '[0-9]{8}')",
        problem="code UIC mal formé (8 chiffres attendus)",
    )
    _create(ctx, "station_accessibilite")
    ctx.con.execute(
        """INSERT INTO station_accessibilite
        SELECT coalesce(m.uic, trim(a.uic_source)), a.uic_source, trim(a.nom), trim(a.equipement)
        FROM _acc_raw a LEFT JOIN _st_uic m ON m.uic_any = trim(a.uic_source) ORDER BY a.ord"""
    )
    _unmatched(ctx, path, "_acc_raw", "trim(uic_source)", "équipement d'accessibilité")


def _load_horaires(ctx: LoadContext) -> None:
    path = ctx.path("horaires")
    _read(ctx, "_hours_raw", path, _HOURS, delim=";")
    _check_values(
        ctx,
        path,
        ";",
        table="_hours_raw",
        expr="uic_source",
        column="uic",
        bad="NOT regexp_full_match(coalesce(trim(uic_source), ''), '0{0,2}[0-9]{8}')",
        problem="code UIC mal formé (8 chiffres, éventuellement précédés de 00, attendus)",
    )
    ctx.con.execute(
        "CREATE OR REPLACE TABLE _hours_raw AS SELECT *, right(trim(uic_source), 8) AS uic "
        "FROM _hours_raw"
    )
    _create(ctx, "station_horaires")
    ctx.con.execute(
        """INSERT INTO station_horaires
        SELECT coalesce(m.uic, h.uic), h.uic_source, trim(h.nom), trim(h.jour),
               nullif(trim(h.normal), ''), nullif(trim(h.ferie), '')
        FROM _hours_raw h LEFT JOIN _st_uic m ON m.uic_any = h.uic ORDER BY h.ord"""
    )
    _unmatched(ctx, path, "_hours_raw", "uic", "horaires")


def _load_liste(ctx: LoadContext) -> None:
    path = ctx.path("liste")
    _read(
        ctx,
        "_liste_raw",
        path,
        _LISTE,
        delim=",",
        required=["CODE_UIC", "LIBELLE", "FRET", "VOYAGEURS", "X_WGS84", "Y_WGS84"],
    )
    cols = {d[0] for d in ctx.con.execute("SELECT * FROM _liste_raw LIMIT 0").description or []}
    _check_values(
        ctx,
        path,
        ",",
        table="_liste_raw",
        expr="uic",
        column="CODE_UIC",
        bad="NOT regexp_full_match(coalesce(trim(uic), ''), '[0-9]{8}')",
        problem="code UIC mal formé (8 chiffres attendus)",
    )
    for column, name in (("voyageurs", "VOYAGEURS"), ("fret", "FRET")):
        _check_values(
            ctx,
            path,
            ",",
            table="_liste_raw",
            expr=column,
            column=name,
            bad=f"{column} IS NULL OR trim({column}) NOT IN ('O', 'N')",
            problem="valeur inattendue (O ou N attendu)",
        )
    select = ", ".join(
        "trim(uic)"
        if name == "uic"
        else f"trim({name}) = 'O'"
        if name in ("voyageurs", "fret")
        else (name if name in cols else f"NULL::{typ}")
        for name, typ in SCHEMAS["reseau_points"].items()
    )
    _create(ctx, "reseau_points")
    ctx.con.execute(f"INSERT INTO reseau_points SELECT {select} FROM _liste_raw ORDER BY ord")


def load_stations(ctx: LoadContext) -> None:
    """Load the stations and their ridership, wifi, accessibility, opening hours; network points."""
    _load_gares(ctx)
    _load_frequentation(ctx)
    _load_wifi(ctx)
    _load_accessibilite(ctx)
    _load_horaires(ctx)
    _create(ctx, "stations")
    ctx.con.execute(
        """INSERT INTO stations
        WITH w AS (SELECT m.uic, bool_or(w.equipee) AS wifi
                   FROM _wifi_raw w JOIN _st_uic m ON m.uic_any = w.uic GROUP BY m.uic),
             a AS (SELECT uic, count(DISTINCT equipement) AS n FROM station_accessibilite
                   GROUP BY uic),
             f AS (SELECT uic, sum(voyageurs) AS v FROM station_frequentation WHERE annee = 2023
                   GROUP BY uic)
        SELECT s.uic, s.uics, s.nom, s.trigramme, s.segment_drg, s.segment_drg_source,
               s.commune_code_source, s.commune_code, s.lat, s.lon, w.wifi,
               coalesce(a.n, 0), f.v
        FROM _st s LEFT JOIN w ON w.uic = s.uic LEFT JOIN a ON a.uic = s.uic
        LEFT JOIN f ON f.uic = s.uic
        ORDER BY s.uic"""
    )
    _load_liste(ctx)
    for table in _SCRATCH:
        ctx.con.execute(f"DROP TABLE IF EXISTS {table}")
