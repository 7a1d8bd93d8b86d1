"""Demography and typology: population, area, density, density grid and attraction area.

``SQL`` returns one row per territory (``niveau`` 'commune' or 'epci', ``code``) with columns:
population_2023 (inhabitants, COG 2026), superficie_km2 (km²), densite_population (inhabitants/km²),
niveau_densite (1..7, EPCI: the level where most inhabitants live, the denser on ties),
taille_aav (0..5, EPCI: of its most populous commune), categorie_aav (text, idem),
nb_communes (member communes).
"""

from __future__ import annotations

THEME = "demographie"

SQL = """
WITH agg AS (
    SELECT p.niveau, p.code,
           _ssum(c.population) AS population_2023,
           _ssum(k.superf) AS superficie_km2,
           count(*) AS nb_communes
    FROM _perimetre p
    JOIN communes c ON c.code = p.commune_code
    LEFT JOIN comparateur_2018 k ON k.commune_code = p.commune_code
    GROUP BY p.niveau, p.code
), per_level AS (
    SELECT p.niveau, p.code, c.niveau_densite, sum(coalesce(c.population, 0)) AS habitants
    FROM _perimetre p JOIN communes c ON c.code = p.commune_code
    WHERE c.niveau_densite IS NOT NULL
    GROUP BY ALL
), dominant AS (
    SELECT niveau, code,
           first(niveau_densite ORDER BY habitants DESC, niveau_densite) AS niveau_densite
    FROM per_level GROUP BY niveau, code
)
SELECT a.niveau, a.code,
       a.population_2023,
       a.superficie_km2,
       a.population_2023 / nullif(a.superficie_km2, 0) AS densite_population,
       d.niveau_densite,
       pc.aav_taille AS taille_aav,
       pc.cate_aav_libelle AS categorie_aav,
       a.nb_communes
FROM agg a
LEFT JOIN dominant d USING (niveau, code)
LEFT JOIN _principale pr USING (niveau, code)
LEFT JOIN communes pc ON pc.code = pr.commune_code
"""
