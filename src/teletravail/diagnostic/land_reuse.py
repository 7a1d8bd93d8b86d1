"""Stock to reuse before any new land take: brownfields (Cerema Cartofriches) and long-term
vacancy of private dwellings (LOVAC 2025).

``SQL`` returns one row per territory (``niveau``, ``code``) with columns:

- nb_friches (referenced brownfield sites; 0 where Cartofriches references none, which does not
  mean there is none), surface_friches_ha (hectares of their land units), nb_friches_avec_projet,
  nb_friches_sans_projet, nb_friches_potentielles (sites by status, as published);
- taux_vacance_lovac_2025, taux_vacance_longue_lovac_2025 (% of private dwellings vacant on
  1 January 2025, and vacant for 2 years or more; NULL under statistical secrecy; EPCI: mean
  of the published communal rates weighted by the communes' 2018 dwellings);
- couverture_lovac_2025 (% of the territory's 2018 dwellings in communes whose LOVAC rate is
  published).

Paris, Lyon and Marseille are published by arrondissement in LOVAC: the commune's rate is the
plain mean of its arrondissements' rates (an approximation).
"""

from __future__ import annotations

THEME = "friches_vacance"

SQL = """
WITH fr AS (
    SELECT commune_code, sum(nb_sites) AS n, sum(surface_m2) AS surface,
           sum(nb_avec_projet) AS avec, sum(nb_sans_projet) AS sans,
           sum(nb_potentielles) AS potentielles
    FROM friches_communes WHERE commune_code IS NOT NULL GROUP BY commune_code
), lv AS (
    SELECT commune_code,
           coalesce(any_value(taux_vacance_pct) FILTER (WHERE insee_com = commune_code),
                    avg(taux_vacance_pct)) AS taux,
           coalesce(any_value(taux_vacance_longue_pct) FILTER (WHERE insee_com = commune_code),
                    avg(taux_vacance_longue_pct)) AS taux_long
    FROM lovac_communes WHERE commune_code IS NOT NULL GROUP BY commune_code
), base AS (
    SELECT p.niveau, p.code, k.p18_log AS log,
           coalesce(f.n, 0) AS n, coalesce(f.surface, 0) AS surface,
           coalesce(f.avec, 0) AS avec, coalesce(f.sans, 0) AS sans,
           coalesce(f.potentielles, 0) AS potentielles,
           l.taux, l.taux_long
    FROM _perimetre p
    LEFT JOIN comparateur_2018 k ON k.commune_code = p.commune_code
    LEFT JOIN fr f ON f.commune_code = p.commune_code
    LEFT JOIN lv l ON l.commune_code = p.commune_code
)
SELECT niveau, code,
       sum(n) AS nb_friches,
       sum(surface) / 10000.0 AS surface_friches_ha,
       sum(avec) AS nb_friches_avec_projet,
       sum(sans) AS nb_friches_sans_projet,
       sum(potentielles) AS nb_friches_potentielles,
       _wavg(taux, log) AS taux_vacance_lovac_2025,
       _wavg(taux_long, log) AS taux_vacance_longue_lovac_2025,
       _pct(sum(log) FILTER (WHERE taux_long IS NOT NULL), sum(log)) AS couverture_lovac_2025
FROM base GROUP BY niveau, code
"""
