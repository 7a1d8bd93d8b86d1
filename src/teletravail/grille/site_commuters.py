"""Long commuters around a site and the estimated teleworkers among them (SQL, set-based).

Area: the communes whose centre lies within ``AREA_KM`` of the site (the rule of the residents'
count). Flows in use (:func:`teletravail.navettes.profile.flows_in_use`): measured MOBPRO flows
when loaded, else the project's estimated flows (gravity model over the census 2018 workers and
jobs); a commute's distance is the great-circle distance between the centres of the communes of
residence and of work. Long commuters: workers of the area whose commute exceeds
``LONG_COMMUTE_KM``.

Teleworkers among them (estimation): each commune's estimated telework rate, the one of the
diagnostic (:mod:`teletravail.diagnostic.telework`: national rate of each socio-professional
category, Insee enquête Emploi 2022, 0 % for CS 1 and 2, applied to the commune's 2011 mix of
employed residents aged 25 to 54), times its long commuters; a commune without a 2011 mix takes
the rate of the area's communes that have one.
"""

from __future__ import annotations

import duckdb

from teletravail.diagnostic.catalogue import load_indicator_catalogue
from teletravail.errors import WarehouseError
from teletravail.format_fr import format_number
from teletravail.navettes.profile import flows_in_use

AREA_KM = 20.0
"""Radius of the area whose residents are counted (km, commune centres)."""

LONG_COMMUTE_KM = 20.0
"""A commute longer than this is a long commute (km, centre to centre, one way)."""


def telework_rates(con: duckdb.DuckDBPyConnection) -> tuple[dict[int, float], list[str]]:
    """The telework rate (%) per census category CS 1..6 of the diagnostic, and one French
    sentence per rate saying its value and source (published figure or stated assumption).

    WarehouseError when a published figure is missing from ``reference_figures``."""
    rates: dict[int, float] = {}
    said: list[str] = []
    for rate in load_indicator_catalogue().telework_rates:
        if rate.figure is None:
            rates[rate.cs] = float(rate.value or 0.0)
            said.append(
                f"{rate.label} (CS {rate.cs}) : {format_number(rates[rate.cs], 1)} % "
                f"(hypothèse : {rate.assumption})"
            )
            continue
        row = con.execute(
            "SELECT value, source, year FROM reference_figures WHERE id = ?", [rate.figure]
        ).fetchone()
        if row is None or row[0] is None:
            raise WarehouseError(
                f"Chiffre de référence « {rate.figure} » absent de la table reference_figures "
                "(taux de télétravail par catégorie). Reconstruisez l'entrepôt avec "
                "« teletravail data build »."
            )
        rates[rate.cs] = float(row[0])
        said.append(
            f"{rate.label} (CS {rate.cs}) : {format_number(rates[rate.cs], 1)} % ({row[1]})"
        )
    return rates, said


def commuters_sql(flows: str, rates: dict[int, float], area: str) -> str:
    """SELECT key, actifs_residents, navetteurs_longs, teletravailleurs_estimes per point.

    ``flows``: SELECT origine, destination, actifs, distance_km; ``area``: SELECT point_key,
    target_key (code of a commune whose centre is within ``AREA_KM`` of the point). A point
    whose area has no flow at all is absent."""
    e = [f"coalesce(s.cs{i}_emploi, 0)" for i in range(1, 7)]
    weighted = " + ".join(f"{e[i - 1]} * {rates.get(i, 0.0)!r}" for i in range(1, 7))
    total = " + ".join(e)
    return f"""
WITH area AS ({area}),
codes AS (SELECT DISTINCT target_key AS commune_code FROM area),
fl AS (
    SELECT origine AS commune_code, sum(actifs) AS actifs,
           coalesce(sum(actifs) FILTER (WHERE distance_km > {LONG_COMMUTE_KM!r}), 0) AS longs
    FROM ({flows}) WHERE origine IN (SELECT commune_code FROM codes) GROUP BY origine
), mix AS (
    SELECT s.commune_code, sum({weighted}) / 100.0 AS tt, sum({total}) AS emplois
    FROM csp_2011 s WHERE s.commune_code IN (SELECT commune_code FROM codes)
    GROUP BY s.commune_code
), per AS (
    SELECT a.point_key AS key, fl.actifs, fl.longs,
           CASE WHEN mix.emplois > 0 THEN mix.tt / mix.emplois END AS rate,
           mix.tt, mix.emplois
    FROM area a JOIN fl ON fl.commune_code = a.target_key
    LEFT JOIN mix ON mix.commune_code = a.target_key
), area_rate AS (
    SELECT key, sum(tt) FILTER (WHERE emplois > 0) / nullif(sum(emplois), 0) AS rate
    FROM per GROUP BY key
)
SELECT per.key, sum(per.actifs) AS actifs_residents, sum(per.longs) AS navetteurs_longs,
       sum(per.longs * coalesce(per.rate, ar.rate)) AS teletravailleurs_estimes
FROM per JOIN area_rate ar ON ar.key = per.key
GROUP BY per.key
"""


def long_commuters(
    con: duckdb.DuckDBPyConnection, area: str
) -> tuple[dict[str, tuple[float | None, float | None, float | None]], str, str, str]:
    """Per point key (``area`` as in :func:`commuters_sql`): (workers of the area, long commuters, estimated teleworkers among them);
    and the flows' status (« estimation » or « mesure »), method and reference."""
    flows, status, method, reference = flows_in_use(con)
    rates, _ = telework_rates(con)
    rows = con.execute(commuters_sql(flows, rates, area)).fetchall()
    found = {
        str(r[0]): (
            float(r[1]) if r[1] is not None else None,
            float(r[2]) if r[2] is not None else None,
            float(r[3]) if r[3] is not None else None,
        )
        for r in rows
    }
    return found, status, method, reference
