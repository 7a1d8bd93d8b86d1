"""Housing (census 2018): dwellings, second homes, vacant dwellings, owner-occupiers.

``SQL`` returns one row per territory (``niveau``, ``code``) with columns: logements_2018
(dwellings), part_residences_secondaires_2018, part_logements_vacants_2018 (% of dwellings),
part_proprietaires_2018 (% of main residences). EPCI ratios are computed on strict sums.
"""

from __future__ import annotations

THEME = "logement"

SQL = """
WITH agg AS (
    SELECT p.niveau, p.code,
           _ssum(k.p18_log) AS log, _ssum(k.p18_rsecocc) AS rsec, _ssum(k.p18_logvac) AS vac,
           _ssum(k.p18_rp) AS rp, _ssum(k.p18_rp_prop) AS prop
    FROM _perimetre p
    LEFT JOIN comparateur_2018 k ON k.commune_code = p.commune_code
    GROUP BY p.niveau, p.code
)
SELECT niveau, code,
       log AS logements_2018,
       _pct(rsec, log) AS part_residences_secondaires_2018,
       _pct(vac, log) AS part_logements_vacants_2018,
       _pct(prop, rp) AS part_proprietaires_2018
FROM agg
"""
