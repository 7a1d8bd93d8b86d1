"""Shared temporary tables and macros that the theme SQL relies on.

Created on the caller's connection (``TEMP`` objects: nothing is written to the warehouse) by
``create_prelude`` before the theme queries run, dropped by ``drop_prelude``:

Macros
- ``_gc_km(lat1, lon1, lat2, lon2)``: great-circle distance in km (haversine, mean Earth radius
  6,371 km) between two WGS84 points given in decimal degrees.
- ``_ssum(x)``: strict sum over a group: NULL as soon as one member is NULL (never a partial total).
- ``_wavg(x, w)``: weighted mean of ``x`` by ``w`` over the members where ``x`` is known; for a
  group of one row, ``x`` itself (so a commune keeps its own value when its weight is secret).
- ``_pct(num, den)``: ``100 × num ÷ den``, NULL when ``den`` is NULL or not positive.

Tables
- ``_perimetre(niveau, code, commune_code)``: every territory and its communes: one row per commune
  at level ``commune`` (code = commune code) and one row per member at level ``epci`` (code = SIREN).
- ``_principale(niveau, code, commune_code)``: the most populous commune of each territory.
- ``_metropole_centre(siren, nom, commune_code, lat, lon)``: the 22 métropoles (EPCI of type METRO or
  MET69) and the centre of their most populous member commune (their "ville-centre").
- ``_commune_metropole(commune_code, metropole_siren, metropole_nom, distance_km)``: for every commune
  with a centre, the nearest métropole ville-centre and its great-circle distance.
- ``_territoire_metropole(niveau, code, metropole_siren, metropole_nom, distance_km)``: per territory,
  the métropole nearest to the largest number of inhabitants and the population-weighted mean distance.
- ``_commune_france_services(commune_code, distance_km)``: distance to the nearest France services.
- ``_taux_teletravail(cs, taux, figure)``: telework rate in % per census category CS 1..6, from
  ``reference_figures`` (or the declared assumption), see ``indicators.toml``.
- ``_source_chargee(id, chargee)``: whether each catalogue source is loaded in the warehouse.
"""

from __future__ import annotations

import duckdb

from teletravail.diagnostic.catalogue import IndicatorCatalogue
from teletravail.diagnostic.geo import nearest_sql
from teletravail.errors import WarehouseError

TEMP_TABLES = (
    "_perimetre",
    "_principale",
    "_metropole_centre",
    "_commune_metropole",
    "_territoire_metropole",
    "_commune_france_services",
    "_taux_teletravail",
    "_source_chargee",
)
MACROS = ("_gc_km", "_ssum", "_wavg", "_pct")

_MACROS_SQL = """
CREATE OR REPLACE TEMP MACRO _gc_km(lat1, lon1, lat2, lon2) AS
    2 * 6371.0 * asin(sqrt(
        pow(sin(radians(lat2 - lat1) / 2), 2)
        + cos(radians(lat1)) * cos(radians(lat2)) * pow(sin(radians(lon2 - lon1) / 2), 2)));
CREATE OR REPLACE TEMP MACRO _ssum(x) AS CASE WHEN count(x) = count(*) THEN sum(x) END;
CREATE OR REPLACE TEMP MACRO _wavg(x, w) AS
    CASE WHEN count(*) = 1 THEN any_value(x)
         ELSE sum(x * w) / nullif(sum(w) FILTER (WHERE x IS NOT NULL AND w IS NOT NULL), 0) END;
CREATE OR REPLACE TEMP MACRO _pct(num, den) AS CASE WHEN den > 0 THEN 100.0 * num / den END;
"""

_TABLES_SQL = """
CREATE OR REPLACE TEMP TABLE _perimetre AS
SELECT 'commune' AS niveau, code, code AS commune_code FROM communes
UNION ALL
SELECT 'epci', m.epci_siren, m.commune_code
FROM epci_membres m JOIN communes c ON c.code = m.commune_code;

CREATE OR REPLACE TEMP TABLE _principale AS
SELECT p.niveau, p.code,
       first(p.commune_code ORDER BY c.population DESC NULLS LAST, p.commune_code) AS commune_code
FROM _perimetre p JOIN communes c ON c.code = p.commune_code
GROUP BY p.niveau, p.code;

CREATE OR REPLACE TEMP TABLE _metropole_centre AS
SELECT e.siren, e.nom,
       first(c.code ORDER BY c.population DESC NULLS LAST, c.code) AS commune_code,
       first(c.lat ORDER BY c.population DESC NULLS LAST, c.code) AS lat,
       first(c.lon ORDER BY c.population DESC NULLS LAST, c.code) AS lon
FROM epcis e
JOIN epci_membres m ON m.epci_siren = e.siren
JOIN communes c ON c.code = m.commune_code
WHERE e.type IN ('METRO', 'MET69') AND c.lat IS NOT NULL
GROUP BY e.siren, e.nom;

CREATE OR REPLACE TEMP TABLE _commune_metropole AS
SELECT c.code AS commune_code,
       arg_min(mc.siren, _gc_km(c.lat, c.lon, mc.lat, mc.lon)) AS metropole_siren,
       arg_min(mc.nom, _gc_km(c.lat, c.lon, mc.lat, mc.lon)) AS metropole_nom,
       min(_gc_km(c.lat, c.lon, mc.lat, mc.lon)) AS distance_km
FROM communes c CROSS JOIN _metropole_centre mc
WHERE c.lat IS NOT NULL
GROUP BY c.code;

CREATE OR REPLACE TEMP TABLE _territoire_metropole AS
WITH per_metropole AS (
    SELECT p.niveau, p.code, cm.metropole_siren, cm.metropole_nom,
           sum(coalesce(c.population, 0)) AS habitants
    FROM _perimetre p
    JOIN communes c ON c.code = p.commune_code
    JOIN _commune_metropole cm ON cm.commune_code = p.commune_code
    GROUP BY ALL
), dominant AS (
    SELECT niveau, code,
           first(metropole_siren ORDER BY habitants DESC, metropole_siren) AS metropole_siren,
           first(metropole_nom ORDER BY habitants DESC, metropole_siren) AS metropole_nom
    FROM per_metropole GROUP BY niveau, code
), distance AS (
    SELECT p.niveau, p.code, _wavg(cm.distance_km, c.population) AS distance_km
    FROM _perimetre p
    JOIN communes c ON c.code = p.commune_code
    JOIN _commune_metropole cm ON cm.commune_code = p.commune_code
    GROUP BY p.niveau, p.code
)
SELECT d.niveau, d.code, d.metropole_siren, d.metropole_nom, x.distance_km
FROM dominant d JOIN distance x USING (niveau, code);

CREATE OR REPLACE TEMP TABLE _source_chargee AS SELECT id, chargee FROM sources;
"""


def _create_rates(con: duckdb.DuckDBPyConnection, cat: IndicatorCatalogue) -> None:
    """``_taux_teletravail`` from the declared rates, published values read in reference_figures."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _taux_teletravail (cs INTEGER, taux DOUBLE, figure VARCHAR)"
    )
    for rate in cat.telework_rates:
        value = rate.value
        if rate.figure is not None:
            row = con.execute(
                "SELECT value FROM reference_figures WHERE id = ?", [rate.figure]
            ).fetchone()
            if row is None or row[0] is None:
                raise WarehouseError(
                    f"Chiffre de référence « {rate.figure} » absent de la table reference_figures "
                    "(taux de télétravail par catégorie). Reconstruisez l'entrepôt avec "
                    "« teletravail data build »."
                )
            value = float(row[0])
        con.execute("INSERT INTO _taux_teletravail VALUES (?, ?, ?)", [rate.cs, value, rate.figure])


def create_prelude(con: duckdb.DuckDBPyConnection, cat: IndicatorCatalogue) -> None:
    """Create the macros and temporary tables listed in the module docstring."""
    con.execute(_MACROS_SQL)
    con.execute(_TABLES_SQL)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _commune_france_services AS "
        + nearest_sql(
            points="SELECT code AS key, lat, lon FROM communes WHERE lat IS NOT NULL",
            targets="SELECT id_fs AS key, lat, lon FROM france_services "
            "WHERE lat IS NOT NULL AND lon IS NOT NULL",
            key_alias="commune_code",
        )
    )
    _create_rates(con, cat)


def drop_prelude(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the temporary tables and macros."""
    for table in TEMP_TABLES:
        con.execute(f"DROP TABLE IF EXISTS {table}")
    for macro in MACROS:
        con.execute(f"DROP MACRO IF EXISTS {macro}")
