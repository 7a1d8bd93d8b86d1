"""Income, poverty and unemployment: Filosofi 2021 (by commune and by IRIS, headline), Filosofi
2019 (change), localised unemployment of the employment zone (2021-T1 to 2025-T4), census 2018.

``SQL`` returns one row per territory (``niveau``, ``code``) with columns:

- revenu_median_2021 (€ a year per consumption unit; communes only), revenu_median_2021_approche
  (EPCIs: mean of the published communal medians weighted by the 2021 census population, an
  approximation), couverture_revenu_median_2021 (text: communes published and their share of the
  2021 population), evolution_revenu_median_2019_2021 (%, current euros; for an EPCI the ratio of
  the two weighted means over the communes published both years);
- taux_pauvrete_2021 (%: mean of the published IRIS poverty rates weighted by the IRIS 2021
  census population), couverture_taux_pauvrete_2021 (text: IRIS, communes, share of population);
- revenu_median_2019, taux_pauvrete_2019, part_menages_imposes_2019 (Filosofi 2019; for an EPCI
  means of the published communal values weighted by the tax households),
  couverture_taux_pauvrete_2019 (text: communes published and their share of tax households);
- zone_emploi (text), taux_chomage_zone_emploi_2025t4 (%), evolution_chomage_zone_emploi_2021t1_2025t4
  (percentage points), taux_chomage_france_2025t4 (%): the employment zone of the commune; for an
  EPCI the zone of its most populous commune, and rates weighted by the 2023 population;
- taux_chomage_2018 (%, census, strict sums).
"""

from __future__ import annotations

THEME = "revenus"

SQL = """
WITH base AS (
    SELECT p.niveau, p.code,
           count(*) AS nb_communes,
           _wavg(k.med19, k.nbmenfisc19) AS revenu_median_2019,
           _wavg(k.tp6019, k.nbmenfisc19) AS taux_pauvrete_2019,
           _wavg(k.pimp19, k.nbmenfisc19) AS part_menages_imposes_2019,
           _pct(_ssum(k.p18_chom1564), _ssum(k.p18_act1564)) AS taux_chomage_2018,
           count(k.tp6019) AS nb_tp19,
           sum(k.nbmenfisc19) FILTER (WHERE k.tp6019 IS NOT NULL) AS men_tp19,
           sum(k.nbmenfisc19) AS men19,
           _wavg(f.revenu_median, r.population) AS med21,
           count(f.revenu_median) AS nb_med21,
           sum(r.population) FILTER (WHERE f.revenu_median IS NOT NULL) AS pop_med21,
           sum(r.population) AS pop21,
           sum(f.revenu_median * r.population)
               FILTER (WHERE k.med19 IS NOT NULL AND r.population > 0)
           / nullif(sum(k.med19 * r.population)
               FILTER (WHERE f.revenu_median IS NOT NULL AND r.population > 0), 0) AS ratio_med
    FROM _perimetre p
    LEFT JOIN comparateur_2018 k ON k.commune_code = p.commune_code
    LEFT JOIN filosofi_2021 f ON f.commune_code = p.commune_code
    LEFT JOIN rp2021_communes r ON r.commune_code = p.commune_code
    GROUP BY p.niveau, p.code
), iris AS (
    SELECT p.niveau, p.code,
           sum(i.taux_pauvrete * i.population)
               / nullif(sum(i.population), 0) AS taux_pauvrete_2021,
           count(*) AS nb_iris,
           count(DISTINCT i.commune_code) AS nb_communes_iris,
           sum(i.population) AS pop_iris
    FROM _perimetre p
    JOIN filosofi_2021_iris i ON i.commune_code = p.commune_code
    WHERE i.taux_pauvrete IS NOT NULL AND i.population > 0
    GROUP BY p.niveau, p.code
), zones AS (
    SELECT p.niveau, p.code,
           _wavg(t4.taux_chomage, c.population) AS t25,
           _wavg(t1.taux_chomage, c.population) AS t21,
           count(DISTINCT z.ze_code) AS nb_zones
    FROM _perimetre p
    JOIN communes c ON c.code = p.commune_code
    LEFT JOIN chomage_ze_communes z ON z.commune_code = p.commune_code
    LEFT JOIN chomage_ze t4 ON t4.ze_code = z.ze_code AND t4.trimestre = '2025-T4'
    LEFT JOIN chomage_ze t1 ON t1.ze_code = z.ze_code AND t1.trimestre = '2021-T1'
    GROUP BY p.niveau, p.code
), zone_principale AS (
    SELECT pr.niveau, pr.code, any_value(t.ze_libelle) AS libelle, any_value(z.ze_code) AS ze_code
    FROM _principale pr
    JOIN chomage_ze_communes z ON z.commune_code = pr.commune_code
    LEFT JOIN chomage_ze t ON t.ze_code = z.ze_code
    GROUP BY pr.niveau, pr.code
)
SELECT b.niveau, b.code,
       CASE WHEN b.niveau = 'commune' THEN b.med21 END AS revenu_median_2021,
       CASE WHEN b.niveau = 'epci' THEN b.med21 END AS revenu_median_2021_approche,
       CASE WHEN b.niveau = 'epci' THEN
           printf('%d commune%s publiée%s sur %d, %d %% de la population 2021',
                  b.nb_med21, CASE WHEN b.nb_med21 > 1 THEN 's' ELSE '' END, CASE WHEN b.nb_med21 > 1 THEN 's' ELSE '' END, b.nb_communes,
                  CAST(round(100.0 * coalesce(b.pop_med21, 0) / nullif(b.pop21, 0)) AS INTEGER))
       END AS couverture_revenu_median_2021,
       CASE WHEN b.niveau = 'commune' THEN (b.med21 / nullif(b.revenu_median_2019, 0) - 1) * 100
            ELSE (b.ratio_med - 1) * 100 END AS evolution_revenu_median_2019_2021,
       i.taux_pauvrete_2021,
       CASE WHEN i.nb_iris IS NULL THEN
                'aucun IRIS publié (Filosofi par IRIS : communes de 5 000 habitants ou plus)'
            WHEN b.niveau = 'commune' THEN
                printf('%d IRIS publié%s, %d %% de la population 2021 de la commune', i.nb_iris,
                       CASE WHEN i.nb_iris > 1 THEN 's' ELSE '' END,
                       CAST(round(100.0 * i.pop_iris / nullif(b.pop21, 0)) AS INTEGER))
            ELSE printf('%d IRIS publié%s dans %d commune%s sur %d, %d %% de la population 2021',
                        i.nb_iris, CASE WHEN i.nb_iris > 1 THEN 's' ELSE '' END, i.nb_communes_iris,
                        CASE WHEN i.nb_communes_iris > 1 THEN 's' ELSE '' END, b.nb_communes,
                        CAST(round(100.0 * i.pop_iris / nullif(b.pop21, 0)) AS INTEGER))
       END AS couverture_taux_pauvrete_2021,
       b.revenu_median_2019, b.taux_pauvrete_2019, b.part_menages_imposes_2019,
       CASE WHEN b.niveau = 'epci' THEN
           printf('%d commune%s publiée%s sur %d, %d %% des ménages fiscaux', b.nb_tp19,
                  CASE WHEN b.nb_tp19 > 1 THEN 's' ELSE '' END, CASE WHEN b.nb_tp19 > 1 THEN 's' ELSE '' END, b.nb_communes,
                  CAST(round(100.0 * coalesce(b.men_tp19, 0) / nullif(b.men19, 0)) AS INTEGER))
       END AS couverture_taux_pauvrete_2019,
       CASE WHEN zp.libelle IS NULL THEN NULL
            WHEN z.nb_zones > 1 THEN printf('%s (%s) et %d autre%s zone%s', zp.libelle,
                                            zp.ze_code, z.nb_zones - 1,
                                            CASE WHEN z.nb_zones - 1 > 1 THEN 's' ELSE '' END, CASE WHEN z.nb_zones - 1 > 1 THEN 's' ELSE '' END)
            ELSE printf('%s (%s)', zp.libelle, zp.ze_code) END AS zone_emploi,
       z.t25 AS taux_chomage_zone_emploi_2025t4,
       z.t25 - z.t21 AS evolution_chomage_zone_emploi_2021t1_2025t4,
       (SELECT taux_chomage FROM chomage_france WHERE trimestre = '2025-T4')
           AS taux_chomage_france_2025t4,
       b.taux_chomage_2018
FROM base b
LEFT JOIN iris i USING (niveau, code)
LEFT JOIN zones z USING (niveau, code)
LEFT JOIN zone_principale zp USING (niveau, code)
"""
