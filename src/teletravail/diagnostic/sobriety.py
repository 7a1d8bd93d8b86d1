"""Land and energy sobriety, where the open data allows (census 2018).

No commune-level energy consumption is in the mirror: the theme holds the land-use side (dwellings
per km², vacant dwellings to bring back into use before building) and the job concentration that
drives commuting.

``SQL`` returns one row per territory (``niveau``, ``code``) with columns: densite_logements_2018
(dwellings/km²), logements_vacants_2018 (dwellings), concentration_emploi_2018 (jobs per 100 employed
residents aged 15 to 64).
"""

from __future__ import annotations

THEME = "sobriete"

SQL = """
WITH agg AS (
    SELECT p.niveau, p.code,
           _ssum(k.p18_log) AS log, _ssum(k.superf) AS superf, _ssum(k.p18_logvac) AS vac,
           _ssum(k.p18_emplt) AS emplois, _ssum(k.p18_act1564) AS actifs,
           _ssum(k.p18_chom1564) AS chomeurs
    FROM _perimetre p
    LEFT JOIN comparateur_2018 k ON k.commune_code = p.commune_code
    GROUP BY p.niveau, p.code
)
SELECT niveau, code,
       log / nullif(superf, 0) AS densite_logements_2018,
       vac AS logements_vacants_2018,
       _pct(emplois, actifs - chomeurs) AS concentration_emploi_2018
FROM agg
"""
