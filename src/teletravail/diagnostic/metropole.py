"""Distance to the nearest métropole (great-circle km to the métropole's ville-centre).

The ville-centre of each of the 22 métropoles (EPCI of type METRO or MET69) is its most populous
member commune; distances run between commune centres (geo.api.gouv.fr), see ``prelude``.

``SQL`` returns one row per territory (``niveau``, ``code``) with columns: distance_metropole_km
(km; EPCI: mean of its communes' distances weighted by 2023 population), metropole_proche (name of
the métropole nearest to the commune; EPCI: nearest to the largest number of its inhabitants).
"""

from __future__ import annotations

THEME = "metropole"

SQL = """
SELECT p.niveau, p.code,
       t.distance_km AS distance_metropole_km,
       t.metropole_nom AS metropole_proche
FROM (SELECT DISTINCT niveau, code FROM _perimetre) p
LEFT JOIN _territoire_metropole t USING (niveau, code)
"""
