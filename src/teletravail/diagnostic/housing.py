"""Housing: census 2021 (headline) and 2018 (change): dwellings, second homes, vacant dwellings,
owner-occupiers (2018 only).

``SQL`` returns one row per territory (``niveau``, ``code``) with columns: logements_2021
(dwellings), evolution_logements_2018_2021 (%), part_residences_secondaires_2021,
part_logements_vacants_2021 (% of dwellings), variation_residences_secondaires_2018_2021,
variation_logements_vacants_2018_2021 (percentage points), logements_2018 (dwellings),
part_residences_secondaires_2018, part_logements_vacants_2018 (% of dwellings),
part_proprietaires_2018 (% of main residences). EPCI ratios are computed on strict sums.
"""

from __future__ import annotations

THEME = "logement"

SQL = """
WITH agg AS (
    SELECT p.niveau, p.code,
           _ssum(k.p18_log) AS log, _ssum(k.p18_rsecocc) AS rsec, _ssum(k.p18_logvac) AS vac,
           _ssum(k.p18_rp) AS rp, _ssum(k.p18_rp_prop) AS prop,
           _ssum(l.logements) AS log21, _ssum(l.residences_secondaires) AS rsec21,
           _ssum(l.logements_vacants) AS vac21
    FROM _perimetre p
    LEFT JOIN comparateur_2018 k ON k.commune_code = p.commune_code
    LEFT JOIN logement_2021 l ON l.commune_code = p.commune_code
    GROUP BY p.niveau, p.code
)
SELECT niveau, code,
       log21 AS logements_2021,
       (log21 / nullif(log, 0) - 1) * 100 AS evolution_logements_2018_2021,
       _pct(rsec21, log21) AS part_residences_secondaires_2021,
       _pct(vac21, log21) AS part_logements_vacants_2021,
       _pct(rsec21, log21) - _pct(rsec, log) AS variation_residences_secondaires_2018_2021,
       _pct(vac21, log21) - _pct(vac, log) AS variation_logements_vacants_2018_2021,
       log AS logements_2018,
       _pct(rsec, log) AS part_residences_secondaires_2018,
       _pct(vac, log) AS part_logements_vacants_2018,
       _pct(prop, rp) AS part_proprietaires_2018
FROM agg
"""
