"""Inequalities in front of telework: who can telework, by socio-professional category.

Same estimate as ``telework`` (national rate per category applied to the 2011 mix of employed
residents aged 25 to 54), split by category.

``SQL`` returns one row per territory (``niveau``, ``code``) with columns:
teletravailleurs_estimes_cadres, teletravailleurs_estimes_professions_intermediaires,
teletravailleurs_estimes_employes, teletravailleurs_estimes_ouvriers (estimated teleworkers),
part_cadres_parmi_teletravailleurs (% of estimated teleworkers), part_actifs_sans_teletravail
(% of employed residents in CS 1, 2 and 6).
"""

from __future__ import annotations

from teletravail.diagnostic.telework import OCCUPATIONS_CTE

THEME = "inegalites"

SQL = (
    "WITH "
    + OCCUPATIONS_CTE
    + """, split AS (
    SELECT o.niveau, o.code, o.e1, o.e2, o.e6, o.total,
           o.e1 * r.t1 / 100 AS tt1, o.e2 * r.t2 / 100 AS tt2, o.e3 * r.t3 / 100 AS tt3,
           o.e4 * r.t4 / 100 AS tt4, o.e5 * r.t5 / 100 AS tt5, o.e6 * r.t6 / 100 AS tt6
    FROM occupations o CROSS JOIN rates r
)
SELECT niveau, code,
       tt3 AS teletravailleurs_estimes_cadres,
       tt4 AS teletravailleurs_estimes_professions_intermediaires,
       tt5 AS teletravailleurs_estimes_employes,
       tt6 AS teletravailleurs_estimes_ouvriers,
       _pct(tt3, tt1 + tt2 + tt3 + tt4 + tt5 + tt6) AS part_cadres_parmi_teletravailleurs,
       _pct(e1 + e2 + e6, total) AS part_actifs_sans_teletravail
FROM split
"""
)
