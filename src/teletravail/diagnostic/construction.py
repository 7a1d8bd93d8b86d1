"""Construction and land: dwellings authorised and started (Sitadel 2013-2025) against the
population trend (census 2013, population in force in 2026 from the census of 2023).

``SQL`` returns one row per territory (``niveau``, ``code``) with columns:

- logements_autorises_2013_2025 (dwellings authorised over the 13 years),
  logements_autorises_par_1000_hab_an (dwellings authorised a year per 1,000 inhabitants of
  2018), logements_autorises_2025 (dwellings authorised in 2025);
- logements_commences_2013_2024, logements_commences_par_1000_hab_an (started; Sitadel's
  2025 starts are not published yet);
- variation_population_2013_2023_par_1000_hab_an (inhabitants gained or lost a year per 1,000
  inhabitants of 2013), logements_autorises_par_habitant_supplementaire (dwellings authorised
  2013-2022 per inhabitant gained between 2013 and 2023; NULL when the population did not grow).

A commune absent from the Sitadel file, or with one year blank, has NULL construction figures;
an EPCI's figures are over its communes with complete series, divided by those communes'
population (the coverage is their share of the EPCI's population).
"""

from __future__ import annotations

THEME = "construction"

FIRST_YEAR = 2013
LAST_YEAR_AUTHORISED = 2025
LAST_YEAR_STARTED = 2024

SQL = f"""
WITH sit AS (
    SELECT commune_code, annee, sum(autorises) AS aut, sum(commences) AS com,
           count(*) = count(autorises) AS aut_ok, count(*) = count(commences) AS com_ok
    FROM sitadel_logements WHERE commune_code IS NOT NULL GROUP BY commune_code, annee
), per_commune AS (
    SELECT commune_code,
           CASE WHEN count(*) FILTER (WHERE annee BETWEEN {FIRST_YEAR} AND {LAST_YEAR_AUTHORISED}
                                      AND aut_ok AND aut IS NOT NULL)
                     = {LAST_YEAR_AUTHORISED - FIRST_YEAR + 1}
                THEN sum(aut) FILTER (WHERE annee BETWEEN {FIRST_YEAR} AND {LAST_YEAR_AUTHORISED})
           END AS aut,
           CASE WHEN count(*) FILTER (WHERE annee BETWEEN {FIRST_YEAR} AND 2022
                                      AND aut_ok AND aut IS NOT NULL) = {2022 - FIRST_YEAR + 1}
                THEN sum(aut) FILTER (WHERE annee BETWEEN {FIRST_YEAR} AND 2022)
           END AS aut_2013_2022,
           sum(aut) FILTER (WHERE annee = {LAST_YEAR_AUTHORISED} AND aut_ok) AS aut_last,
           CASE WHEN count(*) FILTER (WHERE annee BETWEEN {FIRST_YEAR} AND {LAST_YEAR_STARTED}
                                      AND com_ok AND com IS NOT NULL)
                     = {LAST_YEAR_STARTED - FIRST_YEAR + 1}
                THEN sum(com) FILTER (WHERE annee BETWEEN {FIRST_YEAR} AND {LAST_YEAR_STARTED})
           END AS com
    FROM sit GROUP BY commune_code
), base AS (
    SELECT p.niveau, p.code, k.p18_pop, k.p13_pop, c.population AS p23,
           s.aut, s.aut_2013_2022, s.aut_last, s.com
    FROM _perimetre p
    JOIN communes c ON c.code = p.commune_code
    LEFT JOIN comparateur_2018 k ON k.commune_code = p.commune_code
    LEFT JOIN per_commune s ON s.commune_code = p.commune_code
), agg AS (
    SELECT niveau, code,
           sum(aut) AS aut, sum(p18_pop) FILTER (WHERE aut IS NOT NULL) AS pop_aut,
           sum(aut_last) AS aut_last,
           sum(com) AS com, sum(p18_pop) FILTER (WHERE com IS NOT NULL) AS pop_com,
           _ssum(p13_pop) AS p13, _ssum(p23) AS p23,
           sum(aut_2013_2022) AS aut_10,
           count(*) = count(aut_2013_2022) AS aut_10_complet
    FROM base GROUP BY niveau, code
)
SELECT niveau, code,
       aut AS logements_autorises_2013_2025,
       1000.0 * aut / {LAST_YEAR_AUTHORISED - FIRST_YEAR + 1} / nullif(pop_aut, 0)
           AS logements_autorises_par_1000_hab_an,
       aut_last AS logements_autorises_2025,
       com AS logements_commences_2013_2024,
       1000.0 * com / {LAST_YEAR_STARTED - FIRST_YEAR + 1} / nullif(pop_com, 0)
           AS logements_commences_par_1000_hab_an,
       1000.0 * (p23 - p13) / 10 / nullif(p13, 0) AS variation_population_2013_2023_par_1000_hab_an,
       CASE WHEN p23 > p13 AND aut_10_complet THEN aut_10 / (p23 - p13) END
           AS logements_autorises_par_habitant_supplementaire
FROM agg
"""
