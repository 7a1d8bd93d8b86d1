"""Population and jobs change: census 2013 and 2018 (comparateur), 2021 (census by IRIS summed by
commune), 2023 population (COG 2026).

``SQL`` returns one row per territory (``niveau``, ``code``) with columns: population_2021
(inhabitants), evolution_population_2018_2021, evolution_population_2021_2023 (%), population_2013,
population_2018 (inhabitants), evolution_population_2013_2018 (%), taux_annuel_population_2013_2018
(% a year), evolution_population_2018_2023 (%), solde_naturel_2013_2018,
solde_migratoire_apparent_2013_2018 (inhabitants), taux_migratoire_annuel_2013_2018 (% a year),
emplois_2013, emplois_2018 (jobs at place of work), evolution_emplois_2013_2018 (%),
evolution_population_departement_2013_2018, evolution_emplois_departement_2013_2018 (%, the
département of the territory's most populous commune). Counts are strict sums over members.
"""

from __future__ import annotations

THEME = "evolution"

SQL = """
WITH agg AS (
    SELECT p.niveau, p.code,
           _ssum(c.population) AS p23,
           _ssum(r.population) AS p21,
           _ssum(k.p13_pop) AS p13, _ssum(k.p18_pop) AS p18,
           _ssum(k.nais1318) AS nais, _ssum(k.dece1318) AS dece,
           _ssum(k.p13_emplt) AS e13, _ssum(k.p18_emplt) AS e18
    FROM _perimetre p
    JOIN communes c ON c.code = p.commune_code
    LEFT JOIN comparateur_2018 k ON k.commune_code = p.commune_code
    LEFT JOIN rp2021_communes r ON r.commune_code = p.commune_code
    GROUP BY p.niveau, p.code
), departement AS (
    SELECT c.departement,
           (sum(k.p18_pop) FILTER (WHERE k.p13_pop IS NOT NULL)
            / nullif(sum(k.p13_pop) FILTER (WHERE k.p18_pop IS NOT NULL), 0) - 1) * 100 AS pop,
           (sum(k.p18_emplt) FILTER (WHERE k.p13_emplt IS NOT NULL)
            / nullif(sum(k.p13_emplt) FILTER (WHERE k.p18_emplt IS NOT NULL), 0) - 1) * 100 AS emp
    FROM communes c JOIN comparateur_2018 k ON k.commune_code = c.code
    GROUP BY c.departement
)
SELECT a.niveau, a.code,
       a.p21 AS population_2021,
       (a.p21 / nullif(a.p18, 0) - 1) * 100 AS evolution_population_2018_2021,
       (a.p23 / nullif(a.p21, 0) - 1) * 100 AS evolution_population_2021_2023,
       a.p13 AS population_2013,
       a.p18 AS population_2018,
       (a.p18 / nullif(a.p13, 0) - 1) * 100 AS evolution_population_2013_2018,
       (pow(a.p18 / nullif(a.p13, 0), 1.0 / 5) - 1) * 100 AS taux_annuel_population_2013_2018,
       (a.p23 / nullif(a.p18, 0) - 1) * 100 AS evolution_population_2018_2023,
       a.nais - a.dece AS solde_naturel_2013_2018,
       (a.p18 - a.p13) - (a.nais - a.dece) AS solde_migratoire_apparent_2013_2018,
       ((a.p18 - a.p13) - (a.nais - a.dece)) / nullif(a.p13, 0) / 5 * 100
           AS taux_migratoire_annuel_2013_2018,
       a.e13 AS emplois_2013,
       a.e18 AS emplois_2018,
       (a.e18 / nullif(a.e13, 0) - 1) * 100 AS evolution_emplois_2013_2018,
       d.pop AS evolution_population_departement_2013_2018,
       d.emp AS evolution_emplois_departement_2013_2018
FROM agg a
LEFT JOIN _principale pr USING (niveau, code)
LEFT JOIN communes pc ON pc.code = pr.commune_code
LEFT JOIN departement d ON d.departement = pc.departement
"""
