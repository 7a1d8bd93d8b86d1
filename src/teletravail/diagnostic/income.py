"""Income, poverty and unemployment (Filosofi 2019, census 2018).

``SQL`` returns one row per territory (``niveau``, ``code``) with columns: revenu_median_2019
(€ a year per consumption unit), taux_pauvrete_2019, part_menages_imposes_2019, taux_chomage_2018
(%). A median cannot be aggregated: for an EPCI the median income, poverty rate and share of taxed
households are means of the published communal values weighted by the number of tax households
(communes under statistical secrecy are left out); the unemployment rate uses strict sums.
"""

from __future__ import annotations

THEME = "revenus"

SQL = """
SELECT p.niveau, p.code,
       _wavg(k.med19, k.nbmenfisc19) AS revenu_median_2019,
       _wavg(k.tp6019, k.nbmenfisc19) AS taux_pauvrete_2019,
       _wavg(k.pimp19, k.nbmenfisc19) AS part_menages_imposes_2019,
       _pct(_ssum(k.p18_chom1564), _ssum(k.p18_act1564)) AS taux_chomage_2018
FROM _perimetre p
LEFT JOIN comparateur_2018 k ON k.commune_code = p.commune_code
GROUP BY p.niveau, p.code
"""
