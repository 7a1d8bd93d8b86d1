"""Inequalities: who can telework, by socio-professional category, and income gaps between the
IRIS (neighbourhoods) of the territory (Filosofi 2021 by IRIS).

Same estimate as ``telework`` (national rate per category applied to the 2011 mix of employed
residents aged 25 to 54), split by category.

``SQL`` returns one row per territory (``niveau``, ``code``) with columns:
teletravailleurs_estimes_cadres, teletravailleurs_estimes_professions_intermediaires,
teletravailleurs_estimes_employes, teletravailleurs_estimes_ouvriers (estimated teleworkers),
part_cadres_parmi_teletravailleurs (% of estimated teleworkers), part_actifs_sans_teletravail
(% of employed residents in CS 1, 2 and 6), nb_iris_revenu_2021 (IRIS with a published median, 0
when none), revenu_median_iris_min_2021, revenu_median_iris_max_2021 (€ a year per consumption
unit), rapport_revenu_iris_2021 (highest ÷ lowest IRIS median), taux_pauvrete_iris_max_2021,
taux_pauvrete_iris_min_2021 (%); the IRIS figures are NULL under two published IRIS.
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
), telework AS (
SELECT niveau, code,
       tt3 AS teletravailleurs_estimes_cadres,
       tt4 AS teletravailleurs_estimes_professions_intermediaires,
       tt5 AS teletravailleurs_estimes_employes,
       tt6 AS teletravailleurs_estimes_ouvriers,
       _pct(tt3, tt1 + tt2 + tt3 + tt4 + tt5 + tt6) AS part_cadres_parmi_teletravailleurs,
       _pct(e1 + e2 + e6, total) AS part_actifs_sans_teletravail
FROM split
), iris AS (
    SELECT p.niveau, p.code,
           count(i.revenu_median) AS nb_iris,
           min(i.revenu_median) AS med_min, max(i.revenu_median) AS med_max,
           count(i.taux_pauvrete) AS nb_iris_tp,
           min(i.taux_pauvrete) AS tp_min, max(i.taux_pauvrete) AS tp_max
    FROM _perimetre p
    JOIN filosofi_2021_iris i ON i.commune_code = p.commune_code
    GROUP BY p.niveau, p.code
)
SELECT niveau, code, t.* EXCLUDE (niveau, code),
       coalesce(i.nb_iris, 0) AS nb_iris_revenu_2021,
       CASE WHEN i.nb_iris >= 2 THEN i.med_min END AS revenu_median_iris_min_2021,
       CASE WHEN i.nb_iris >= 2 THEN i.med_max END AS revenu_median_iris_max_2021,
       CASE WHEN i.nb_iris >= 2 THEN i.med_max / nullif(i.med_min, 0) END
           AS rapport_revenu_iris_2021,
       CASE WHEN i.nb_iris_tp >= 2 THEN i.tp_max END AS taux_pauvrete_iris_max_2021,
       CASE WHEN i.nb_iris_tp >= 2 THEN i.tp_min END AS taux_pauvrete_iris_min_2021
FROM (SELECT DISTINCT niveau, code FROM _perimetre) d
LEFT JOIN telework t USING (niveau, code)
LEFT JOIN iris i USING (niveau, code)
"""
)
