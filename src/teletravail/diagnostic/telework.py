"""Teleworkable jobs and estimated telework of residents, from the 2011 occupational mix.

The census 2011 gives, per commune, the employed residents aged 25 to 54 by socio-professional
category (CS 1 agriculteurs exploitants, 2 artisans-commerçants-chefs d'entreprise, 3 cadres,
4 professions intermédiaires, 5 employés, 6 ouvriers). The estimate applies the national telework
rate of each category (``_taux_teletravail``: Insee, enquête Emploi 2022 for CS 3 to 6; 0 % assumed
for the self-employed CS 1 and 2, see ``indicators.toml``) to that mix.

``OCCUPATIONS_CTE`` (shared with ``inequalities``) defines ``occupations(niveau, code, e1..e6, total)``
(employed residents 25-54 per CS, strict sums) and ``rates(t1..t6)`` (% per CS).

``SQL`` returns one row per territory (``niveau``, ``code``) with columns: actifs_occupes_25_54_2011
(workers), part_cadres_2011, part_professions_intermediaires_2011, part_employes_2011,
part_ouvriers_2011, part_independants_2011, part_emplois_teletravaillables_2011 (% of employed
residents), taux_teletravail_estime (%), teletravailleurs_estimes (workers).
"""

from __future__ import annotations

THEME = "teletravail"

OCCUPATIONS_CTE = """
occupations AS (
    SELECT p.niveau, p.code,
           _ssum(s.cs1_emploi) AS e1, _ssum(s.cs2_emploi) AS e2, _ssum(s.cs3_emploi) AS e3,
           _ssum(s.cs4_emploi) AS e4, _ssum(s.cs5_emploi) AS e5, _ssum(s.cs6_emploi) AS e6,
           _ssum(s.cs1_emploi + s.cs2_emploi + s.cs3_emploi + s.cs4_emploi + s.cs5_emploi
                 + s.cs6_emploi) AS total
    FROM _perimetre p
    LEFT JOIN csp_2011 s ON s.commune_code = p.commune_code
    GROUP BY p.niveau, p.code
), rates AS (
    SELECT max(taux) FILTER (WHERE cs = 1) AS t1, max(taux) FILTER (WHERE cs = 2) AS t2,
           max(taux) FILTER (WHERE cs = 3) AS t3, max(taux) FILTER (WHERE cs = 4) AS t4,
           max(taux) FILTER (WHERE cs = 5) AS t5, max(taux) FILTER (WHERE cs = 6) AS t6
    FROM _taux_teletravail
)
"""

SQL = (
    "WITH "
    + OCCUPATIONS_CTE
    + """, estimate AS (
    SELECT o.*,
           (o.e1 * r.t1 + o.e2 * r.t2 + o.e3 * r.t3 + o.e4 * r.t4 + o.e5 * r.t5 + o.e6 * r.t6)
               / 100 AS teleworkers
    FROM occupations o CROSS JOIN rates r
)
SELECT niveau, code,
       total AS actifs_occupes_25_54_2011,
       _pct(e3, total) AS part_cadres_2011,
       _pct(e4, total) AS part_professions_intermediaires_2011,
       _pct(e5, total) AS part_employes_2011,
       _pct(e6, total) AS part_ouvriers_2011,
       _pct(e1 + e2, total) AS part_independants_2011,
       _pct(e3 + e4, total) AS part_emplois_teletravaillables_2011,
       _pct(teleworkers, total) AS taux_teletravail_estime,
       teleworkers AS teletravailleurs_estimes
FROM estimate
"""
)
