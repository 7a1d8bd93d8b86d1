"""Broadband: FttH deployment at the end of Q1 2018 (ARCEP), the newest file available offline.

``SQL`` returns one row per territory (``niveau``, ``code``) with columns: taux_ftth_2018 (% of
premises passable; the communal rate is capped at 100 % by the loader, an EPCI's rate is the
premises-weighted mean of its communes' capped rates), locaux_raccordables_ftth_2018 (premises).
"""

from __future__ import annotations

THEME = "numerique"

SQL = """
SELECT p.niveau, p.code,
       100 * _ssum(f.taux_ftth * (f.logements + f.etablissements))
           / nullif(_ssum(f.logements + f.etablissements), 0) AS taux_ftth_2018,
       _ssum(f.locaux_raccordables) AS locaux_raccordables_ftth_2018
FROM _perimetre p
LEFT JOIN ftth_2018 f ON f.commune_code = p.commune_code
GROUP BY p.niveau, p.code
"""
