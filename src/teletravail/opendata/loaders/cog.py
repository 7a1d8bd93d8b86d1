"""COG 2026 (Etalab découpage administratif) and commune centres.

Tables:
- ``cog_communes``: code, nom, departement, region, arrondissement, siren, codes_postaux (VARCHAR[]),
  population (population municipale, inhabitants), zone (metro, drom, com).
- ``commune_codes``: code -> commune_code (current), kind (actuelle, deleguee, associee,
  arrondissement, ancien). Used to attach every other source to the COG 2026.
- ``departements``, ``regions``, ``arrondissements``: code, nom, chef_lieu (+ region / departement);
  ``departements`` also has zone and type_liaison (INTEGER, the COG's ``TNCC``: how the name takes
  « de » — 0 « de », 1 « d' », 2 « du », 3 « de la », 4 « des », 5 « de l' »).
- ``epcis``: siren, nom, type (CA, CC, CU, METRO, MET69), mode_financement, population_totale,
  population_municipale (inhabitants), nb_communes, metropole (bool).
- ``epci_membres``: epci_siren, commune_code.
- ``commune_centres``: commune_code, lat, lon (WGS84 degrees).
"""

from __future__ import annotations

from teletravail.opendata.context import LoadContext

_COMMUNE_COLUMNS = {
    "code": "VARCHAR",
    "nom": "VARCHAR",
    "type": "VARCHAR",
    "zone": "VARCHAR",
    "departement": "VARCHAR",
    "region": "VARCHAR",
    "arrondissement": "VARCHAR",
    "siren": "VARCHAR",
    "codesPostaux": "VARCHAR[]",
    "population": "BIGINT",
    "anciensCodes": "VARCHAR[]",
    "chefLieu": "VARCHAR",
    "commune": "VARCHAR",
}
_EPCI_COLUMNS = {
    "code": "VARCHAR",
    "nom": "VARCHAR",
    "type": "VARCHAR",
    "modeFinancement": "VARCHAR",
    "populationTotale": "BIGINT",
    "populationMunicipale": "BIGINT",
    "membres": "STRUCT(code VARCHAR, siren VARCHAR, nom VARCHAR)[]",
}


def load_cog(ctx: LoadContext) -> None:
    """Load communes, code correspondences, départements, régions, arrondissements and EPCIs."""
    path = ctx.path("communes")
    ctx.read_json_table("cog_raw", path, columns=_COMMUNE_COLUMNS, min_rows=1)
    ctx.con.execute(
        """CREATE OR REPLACE TABLE cog_communes AS
        SELECT code, nom, departement, region, arrondissement, siren,
               coalesce(codesPostaux, []) AS codes_postaux, population::INTEGER AS population, zone
        FROM cog_raw WHERE type = 'commune-actuelle' ORDER BY code"""
    )
    ctx.con.execute(
        """CREATE OR REPLACE TABLE commune_codes AS
        WITH cands AS (
            SELECT code, code AS commune_code, 'actuelle' AS kind, 0 AS rank
            FROM cog_raw WHERE type = 'commune-actuelle'
            UNION ALL
            SELECT code, coalesce(chefLieu, commune),
                   CASE type WHEN 'commune-deleguee' THEN 'deleguee'
                             WHEN 'commune-associee' THEN 'associee'
                             ELSE 'arrondissement' END, 1
            FROM cog_raw WHERE type <> 'commune-actuelle' AND coalesce(chefLieu, commune) IS NOT NULL
            UNION ALL
            SELECT unnest(anciensCodes), code, 'ancien', 2
            FROM cog_raw WHERE type = 'commune-actuelle' AND anciensCodes IS NOT NULL
        )
        SELECT code, arg_min(commune_code, rank) AS commune_code, arg_min(kind, rank) AS kind
        FROM cands GROUP BY code ORDER BY code"""
    )
    ctx.con.execute("DROP TABLE cog_raw")

    ctx.read_json_table(
        "departements",
        ctx.path("departements"),
        columns={
            "code": "VARCHAR",
            "nom": "VARCHAR",
            "region": "VARCHAR",
            "chefLieu": "VARCHAR",
            "typeLiaison": "INTEGER",
            "zone": "VARCHAR",
        },
        select="code, nom, region, chefLieu AS chef_lieu, zone, typeLiaison AS type_liaison",
        min_rows=1,
    )
    ctx.read_json_table(
        "regions",
        ctx.path("regions"),
        columns={"code": "VARCHAR", "nom": "VARCHAR", "chefLieu": "VARCHAR", "zone": "VARCHAR"},
        select="code, nom, chefLieu AS chef_lieu, zone",
        min_rows=1,
    )
    ctx.read_json_table(
        "arrondissements",
        ctx.path("arrondissements"),
        columns={
            "code": "VARCHAR",
            "nom": "VARCHAR",
            "departement": "VARCHAR",
            "region": "VARCHAR",
            "chefLieu": "VARCHAR",
        },
        select="code, nom, departement, region, chefLieu AS chef_lieu",
        min_rows=1,
    )
    ctx.read_json_table("epci_raw", ctx.path("epci"), columns=_EPCI_COLUMNS, min_rows=1)
    ctx.con.execute(
        """CREATE OR REPLACE TABLE epcis AS
        SELECT code AS siren, nom, type, modeFinancement AS mode_financement,
               populationTotale::INTEGER AS population_totale,
               populationMunicipale::INTEGER AS population_municipale,
               len(membres)::INTEGER AS nb_communes, type IN ('METRO', 'MET69') AS metropole
        FROM epci_raw ORDER BY siren"""
    )
    ctx.con.execute(
        """CREATE OR REPLACE TABLE epci_membres AS
        SELECT code AS epci_siren, unnest(membres).code AS commune_code FROM epci_raw"""
    )
    ctx.con.execute("DROP TABLE epci_raw")


def load_centres(ctx: LoadContext) -> None:
    """Commune centres (WGS84), from the mirror's flat dump or the official geo.api.gouv.fr answer.

    Accepts objects with ``lat``/``lon`` or with ``centre = {"type": "Point", "coordinates":
    [lon, lat]}`` (the API's own format). Codes are attached to the COG 2026; a commune listed
    several times (old codes) keeps the centre of its current code.
    """
    path = ctx.path("centres")
    ctx.read_json_table(
        "commune_centres_raw",
        path,
        columns={
            "code": "VARCHAR",
            "nom": "VARCHAR",
            "lat": "DOUBLE",
            "lon": "DOUBLE",
            "centre": "STRUCT(type VARCHAR, coordinates DOUBLE[])",
        },
        select="code, nom, coalesce(lat, centre.coordinates[2]) AS lat, "
        "coalesce(lon, centre.coordinates[1]) AS lon",
        min_rows=1,
    )
    for code, nom in ctx.con.execute(
        "SELECT code, nom FROM commune_centres_raw WHERE lat IS NULL OR lon IS NULL"
    ).fetchall():
        ctx.anomaly(path, code, nom, "commune sans coordonnées de centre")
    ctx.map_communes("commune_centres_raw", code_col="code", name_col="nom", file=path)
    ctx.con.execute(
        """CREATE OR REPLACE TABLE commune_centres AS
        SELECT commune_code, arg_max(lat, code = commune_code) AS lat,
               arg_max(lon, code = commune_code) AS lon
        FROM commune_centres_raw
        WHERE commune_code IS NOT NULL AND lat IS NOT NULL AND lon IS NOT NULL
        GROUP BY commune_code"""
    )
    ctx.con.execute("DROP TABLE commune_centres_raw")
