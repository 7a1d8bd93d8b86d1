"""Tiers-lieux from the France Tiers-Lieux census (optional source ``tiers_lieux``).

When the source is not loaded (file ``francetierslieux/bdftl*`` absent), every value is NULL and
``read_indicators`` reports "donnée non disponible" with the expected file.

``SQL`` returns one row per territory (``niveau``, ``code``) with columns: nb_tiers_lieux
(tiers-lieux), tiers_lieux_pour_10000_hab (per 10,000 inhabitants, 2023 population).
"""

from __future__ import annotations

THEME = "tiers_lieux"

SQL = """
WITH places AS (
    SELECT commune_code, count(*) AS n FROM tiers_lieux
    WHERE commune_code IS NOT NULL GROUP BY commune_code
), loaded AS (
    SELECT coalesce(bool_or(chargee), false) AS ok FROM _source_chargee WHERE id = 'tiers_lieux'
)
SELECT p.niveau, p.code,
       CASE WHEN any_value(l.ok) THEN sum(coalesce(t.n, 0)) END AS nb_tiers_lieux,
       CASE WHEN any_value(l.ok)
            THEN sum(coalesce(t.n, 0)) / nullif(_ssum(c.population), 0) * 10000
       END AS tiers_lieux_pour_10000_hab
FROM _perimetre p
JOIN communes c ON c.code = p.commune_code
CROSS JOIN loaded l
LEFT JOIN places t ON t.commune_code = p.commune_code
GROUP BY p.niveau, p.code
"""
