"""Housing pressure where teleworkers arrive: apartment prices (DVF), predicted rents (ANIL),
ABC housing-tension zoning.

``SQL`` returns one row per territory (``niveau``, ``code``) with columns:

- nb_ventes_appartements_2022_2024 (apartment sales over the 3 years 2022-2024; 0 for a commune
  with none in DVF, NULL in Moselle, Bas-Rhin, Haut-Rhin and Mayotte, which DVF does not cover);
- prix_m2_appartements_2022_2024 (€/m², median price of the sales; NULL under
  ``MIN_SALES`` sales; EPCI: mean of the medians of its communes with at least ``MIN_SALES``
  sales, weighted by their sales, an approximation);
- loyer_m2_appartement, loyer_m2_appartement_bas, loyer_m2_appartement_haut, loyer_m2_maison,
  loyer_m2_maison_bas, loyer_m2_maison_haut (€ per m² a month, charges included, predicted rent
  and its prediction interval; EPCI: means of the communes weighted by their 2018 dwellings);
- zone_abc (text: Abis, A, B1, B2, C; EPCI: the zone where most inhabitants live, the tighter on
  ties), part_population_zone_tendue (% of inhabitants in zones Abis, A or B1).
"""

from __future__ import annotations

THEME = "marche_logement"

MIN_SALES = 10
"""Fewest apartment sales (3 years) for a commune's median price to be shown."""

_ZONE_RANK = (
    "CASE zone WHEN 'Abis' THEN 1 WHEN 'A' THEN 2 WHEN 'B1' THEN 3 WHEN 'B2' THEN 4 ELSE 5 END"
)

SQL = f"""
WITH dvf AS (
    SELECT commune_code, sum(nb_ventes) AS nb_ventes,
           CASE WHEN count(*) = 1 THEN any_value(prix_m2_median)
                ELSE sum(prix_m2_median * nb_ventes) / nullif(sum(nb_ventes), 0) END AS prix
    FROM dvf_appartements WHERE commune_code IS NOT NULL GROUP BY commune_code
), loy AS (
    SELECT commune_code,
           avg(loyer_m2) FILTER (WHERE type_bien = 'appartement') AS la,
           avg(loyer_m2_bas) FILTER (WHERE type_bien = 'appartement') AS la_bas,
           avg(loyer_m2_haut) FILTER (WHERE type_bien = 'appartement') AS la_haut,
           avg(loyer_m2) FILTER (WHERE type_bien = 'maison') AS lm,
           avg(loyer_m2_bas) FILTER (WHERE type_bien = 'maison') AS lm_bas,
           avg(loyer_m2_haut) FILTER (WHERE type_bien = 'maison') AS lm_haut
    FROM loyers_communes WHERE commune_code IS NOT NULL GROUP BY commune_code
), zon AS (
    SELECT commune_code, min_by(zone, {_ZONE_RANK}) AS zone
    FROM zonage_abc WHERE commune_code IS NOT NULL GROUP BY commune_code
), base AS (
    SELECT p.niveau, p.code, p.commune_code, c.population, k.p18_log AS log,
           CASE WHEN d.nb_ventes IS NOT NULL THEN d.nb_ventes
                WHEN c.departement IN ('57', '67', '68', '976') THEN NULL ELSE 0 END AS nb_ventes,
           CASE WHEN d.nb_ventes >= {MIN_SALES} THEN d.prix END AS prix,
           l.la, l.la_bas, l.la_haut, l.lm, l.lm_bas, l.lm_haut, z.zone
    FROM _perimetre p
    JOIN communes c ON c.code = p.commune_code
    LEFT JOIN comparateur_2018 k ON k.commune_code = p.commune_code
    LEFT JOIN dvf d ON d.commune_code = p.commune_code
    LEFT JOIN loy l ON l.commune_code = p.commune_code
    LEFT JOIN zon z ON z.commune_code = p.commune_code
), zones AS (
    SELECT niveau, code, zone, sum(coalesce(population, 0)) AS habitants
    FROM base WHERE zone IS NOT NULL GROUP BY ALL
), dominant AS (
    SELECT niveau, code, first(zone ORDER BY habitants DESC, {_ZONE_RANK}) AS zone_abc,
           _pct(sum(habitants) FILTER (WHERE zone IN ('Abis', 'A', 'B1')), sum(habitants))
               AS part_population_zone_tendue
    FROM zones GROUP BY niveau, code
)
SELECT b.niveau, b.code,
       sum(b.nb_ventes) AS nb_ventes_appartements_2022_2024,
       _wavg(b.prix, b.nb_ventes) AS prix_m2_appartements_2022_2024,
       _wavg(b.la, b.log) AS loyer_m2_appartement,
       _wavg(b.la_bas, b.log) AS loyer_m2_appartement_bas,
       _wavg(b.la_haut, b.log) AS loyer_m2_appartement_haut,
       _wavg(b.lm, b.log) AS loyer_m2_maison,
       _wavg(b.lm_bas, b.log) AS loyer_m2_maison_bas,
       _wavg(b.lm_haut, b.log) AS loyer_m2_maison_haut,
       any_value(d.zone_abc) AS zone_abc,
       any_value(d.part_population_zone_tendue) AS part_population_zone_tendue
FROM base b LEFT JOIN dominant d USING (niveau, code)
GROUP BY b.niveau, b.code
"""
