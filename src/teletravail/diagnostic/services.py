"""Public services: centrality level (ANCT-INRAE 2021) and France services sites (August 2024).

``SQL`` returns one row per territory (``niveau``, ``code``) with columns: niveau_centralite
(0..4; EPCI: the highest of its communes), nb_france_services (sites), france_services_pour_10000_hab
(sites per 10,000 inhabitants), distance_france_services_km (great-circle km from the commune
centre to the nearest site; EPCI: mean weighted by 2023 population).
"""

from __future__ import annotations

THEME = "services"

SQL = """
WITH sites AS (
    SELECT commune_code, count(*) AS n FROM france_services
    WHERE commune_code IS NOT NULL GROUP BY commune_code
)
SELECT p.niveau, p.code,
       max(c.niveau_centralite) AS niveau_centralite,
       sum(coalesce(s.n, 0)) AS nb_france_services,
       sum(coalesce(s.n, 0)) / nullif(_ssum(c.population), 0) * 10000
           AS france_services_pour_10000_hab,
       _wavg(d.distance_km, c.population) AS distance_france_services_km
FROM _perimetre p
JOIN communes c ON c.code = p.commune_code
LEFT JOIN sites s ON s.commune_code = p.commune_code
LEFT JOIN _commune_france_services d ON d.commune_code = p.commune_code
GROUP BY p.niveau, p.code
"""
