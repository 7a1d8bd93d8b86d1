"""ADEME emission factors of passenger transport: Base Carbone v22 and Impact CO2.

Table ``emission_factors`` (written by both loaders: each creates it if needed and replaces only
its own source's rows):

- source: 'Base Carbone v22' or 'Impact CO2';
- identifiant: Base Carbone element id (e.g. '27970'); Impact CO2 mode id ('4'), with the rank
  of the sub-entry for modes that have several ('1.2' = plane, medium haul);
- mode: French name (e.g. 'Voiture', 'TER'); sous_type: Base Carbone attribute and boundary
  names (e.g. 'Motorisation moyenne 2018'), Impact CO2 subtitle (e.g. 'Moteur thermique');
- kgco2e_par_unite (DOUBLE) in ``unite`` (e.g. 'kgCO2e/passager.km', 'kgCO2e/km');
- detail: Base Carbone category, location, status and the posts making up the total;
  Impact CO2 slug, Base Empreinte id and the components summed;
- archive (BOOLEAN): Base Carbone element with status "Archivé" (obsolete value).
- slug (VARCHAR): Impact CO2 mode slug (``voiturethermique``, ``ter``...), NULL for Base Carbone.
- covoiturage (BOOLEAN): the Impact CO2 mode accepts car pooling (``carpool`` key), NULL for Base
  Carbone.

Base Carbone: only the elements (not their post rows) whose category starts with
"Transport de personnes"; the value is "Total poste non décomposé" (decimal comma, e.g.
"2,36E-03"); the average car, element 27970, is 0.218 kgCO2e/km.

Impact CO2: one row per mode, or per sub-entry of ``ecvs`` (the plane: short, medium and long
haul); the value, in kgCO2e per passenger-km, is the sum of every ``ecv`` component given:
5 = vehicle construction, 6 = use (fuel or electricity, upstream and combustion), 7 = contrails
(plane only). A mode with a single ``total`` (walking or cycling: 0) keeps it.
"""

from __future__ import annotations

import csv
from pathlib import Path

from teletravail.errors import SourceError
from teletravail.opendata.context import LoadContext
from teletravail.opendata.loaders.insee import FIX_HINT, check_pattern, column_spec

BASE_CARBONE = "Base Carbone v22"
IMPACT_CO2 = "Impact CO2"
_DDL = """CREATE TABLE IF NOT EXISTS emission_factors (
    source VARCHAR, identifiant VARCHAR, mode VARCHAR, sous_type VARCHAR,
    kgco2e_par_unite DOUBLE, unite VARCHAR, detail VARCHAR, archive BOOLEAN, slug VARCHAR,
    covoiturage BOOLEAN)"""
_BC = {
    "type": "Type Ligne",
    "id": "Identifiant de l'élément",
    "status": "Statut de l'élément",
    "name": "Nom base français",
    "attribute": "Nom attribut français",
    "boundary": "Nom frontière français",
    "category": "Code de la catégorie",
    "unit": "Unité français",
    "location": "Localisation géographique",
    "post": "Type poste",
    "total": "Total poste non décomposé",
}
_DECIMAL_COMMA = r"\s*-?[0-9]+(,[0-9]+)?([eE][-+]?[0-9]+)?\s*"
_ECV_LABELS = {
    5: "construction du véhicule",
    6: "usage (carburant ou électricité)",
    7: "traînées de condensation",
}


def _physical_line(path: Path, record: int) -> int:
    """Line in the file where CSV record ``record`` (1-based, header = 1) ends."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, delimiter=";")
        for index, _row in enumerate(reader, start=1):
            if index == record:
                return reader.line_num
    return record


def _decimal(column: str) -> str:
    return f"replace(trim({column}), ',', '.')::DOUBLE"


def load_base_carbone(ctx: LoadContext) -> None:
    """Base Carbone v22, passenger transport elements -> ``emission_factors``."""
    path = ctx.path("base")
    header = ctx.header(path, delim=";")
    ctx.require_columns(path, header, list(_BC.values()))
    columns, names = column_spec(header, {})
    c = {key: names[label] for key, label in _BC.items()}
    ctx.read_csv(
        "base_carbone_raw",
        path,
        columns=columns,
        delim=";",
        select=f"{', '.join(c.values())}, row_number() OVER () + 1 AS _line",
    )
    ctx.con.execute(
        f"""CREATE OR REPLACE TABLE base_carbone_raw AS SELECT * FROM base_carbone_raw
        WHERE {c["category"]} LIKE 'Transport de personnes%'
          AND {c["type"]} IN ('Elément', 'Poste')"""
    )
    try:
        check_pattern(ctx, "base_carbone_raw", path, {c["total"]: _BC["total"]}, _DECIMAL_COMMA)
    except SourceError as err:
        line = _physical_line(path, err.line) if err.line is not None else None
        raise SourceError(
            path, err.problem, line=line, column=err.column, value=err.value, hint=err.hint
        ) from None
    for (element,) in ctx.con.execute(
        f"""SELECT {c["id"]} FROM base_carbone_raw
        WHERE {c["type"]} = 'Elément' AND nullif(trim({c["total"]}), '') IS NULL
        ORDER BY _line"""
    ).fetchall():
        ctx.anomaly(path, str(element), None, "élément sans valeur totale : ignoré")
    count = ctx.con.execute(
        f"SELECT count(*) FROM base_carbone_raw WHERE {c['type']} = 'Elément'"
    ).fetchone()
    if count is None or count[0] == 0:
        raise SourceError(
            path,
            "aucun facteur d'émission « Transport de personnes » dans le fichier",
            hint=FIX_HINT,
        )
    ctx.con.execute(_DDL)
    ctx.con.execute("DELETE FROM emission_factors WHERE source = ?", [BASE_CARBONE])
    ctx.con.execute(
        f"""INSERT INTO emission_factors
        WITH posts AS (
            SELECT {c["id"]} AS id,
                   string_agg({c["post"]} || ' ' || {_decimal(c["total"])}, ' + '
                              ORDER BY _line) AS postes
            FROM base_carbone_raw WHERE {c["type"]} = 'Poste' GROUP BY 1)
        SELECT ?, e.{c["id"]}, e.{c["name"]},
               nullif(concat_ws(' ', nullif(trim(e.{c["attribute"]}), ''),
                                nullif(trim(e.{c["boundary"]}), '')), ''),
               {_decimal("e." + c["total"])}, e.{c["unit"]},
               concat_ws(' ; ', e.{c["category"]}, nullif(e.{c["location"]}, ''),
                         'statut : ' || e.{c["status"]}, 'postes : ' || p.postes),
               e.{c["status"]} = 'Archivé', NULL, NULL
        FROM base_carbone_raw e LEFT JOIN posts p ON p.id = e.{c["id"]}
        WHERE e.{c["type"]} = 'Elément' AND nullif(trim(e.{c["total"]}), '') IS NOT NULL
        ORDER BY e._line""",
        [BASE_CARBONE],
    )
    ctx.con.execute("DROP TABLE base_carbone_raw")


def load_impactco2(ctx: LoadContext) -> None:
    """ADEME Impact CO2 transport modes -> ``emission_factors``."""
    path = ctx.path("deplacement")
    ecv = "STRUCT(id INTEGER, value DOUBLE)[]"
    ctx.read_json_table(
        "impactco2_raw",
        path,
        columns={
            "id": "INTEGER",
            "name": "VARCHAR",
            "slug": "VARCHAR",
            "subtitle": "VARCHAR",
            "empreinteId": "BIGINT",
            "total": "DOUBLE",
            "carpool": "INTEGER",
            "ecv": ecv,
            "ecvs": f"STRUCT(subtitle VARCHAR, empreinteId BIGINT, ecv {ecv})[]",
        },
    )
    for mode_id, name in ctx.con.execute(
        """SELECT id, name FROM impactco2_raw
        WHERE coalesce(len(ecv), 0) = 0 AND coalesce(len(ecvs), 0) = 0 AND total IS NULL
        ORDER BY id"""
    ).fetchall():
        ctx.anomaly(path, str(mode_id), name, "mode sans facteur d'émission (ni ecv ni total)")
    for (slug,) in ctx.con.execute(
        "SELECT slug FROM impactco2_raw GROUP BY slug HAVING count(*) > 1 ORDER BY slug"
    ).fetchall():
        ctx.anomaly(path, slug, None, "même slug pour plusieurs modes (identifiant = id du mode)")
    labels = " ".join(f"WHEN {k} THEN '{v}'" for k, v in _ECV_LABELS.items())
    ctx.con.execute(_DDL)
    ctx.con.execute("DELETE FROM emission_factors WHERE source = ?", [IMPACT_CO2])
    ctx.con.execute(
        f"""INSERT INTO emission_factors
        WITH entries AS (
            SELECT id::VARCHAR AS identifiant, id, name, slug, subtitle, empreinteId, ecv,
                   total, carpool
            FROM impactco2_raw WHERE coalesce(len(ecvs), 0) = 0
            UNION ALL
            SELECT id::VARCHAR || '.' || k, id, name, slug, e.subtitle, e.empreinteId, e.ecv,
                   NULL, carpool
            FROM (SELECT *, unnest(ecvs) AS e, generate_subscripts(ecvs, 1) AS k
                  FROM impactco2_raw WHERE coalesce(len(ecvs), 0) > 0))
        SELECT ?, identifiant, name, subtitle,
               CASE WHEN coalesce(len(ecv), 0) > 0
                    THEN round(list_sum(list_transform(ecv, lambda x: x.value)), 10)
                    ELSE total END,
               'kgCO2e/passager.km',
               concat_ws(' ; ', 'slug ' || slug, 'Base Empreinte ' || empreinteId,
                   CASE WHEN coalesce(len(ecv), 0) > 0
                        THEN 'somme des composantes ecv : ' || array_to_string(list_transform(
                            list_sort(ecv),
                            lambda x: x.id || ' ' || CASE x.id {labels} ELSE 'autre' END
                                 || ' ' || round(x.value, 8)), ' + ')
                        ELSE 'valeur totale (aucune composante ecv)' END),
               false, slug, carpool IS NOT NULL
        FROM entries WHERE coalesce(len(ecv), 0) > 0 OR total IS NOT NULL
        ORDER BY id, identifiant""",
        [IMPACT_CO2],
    )
    ctx.con.execute("DROP TABLE impactco2_raw")
