"""Public services and everyday equipment: centrality level (ANCT-INRAE 2021), France services
sites (August 2024) and the INSEE Base permanente des équipements (BPE 2019, every type; BPE 2024,
16 groups).

``SQL`` returns one row per territory (``niveau``, ``code``) with columns:

- niveau_centralite (0..4; EPCI: the highest of its communes), nb_france_services (sites),
  france_services_pour_10000_hab (sites per 10,000 inhabitants), distance_france_services_km
  (great-circle km from the commune centre to the nearest site; EPCI: mean weighted by 2023
  population);
- nb_types_equipements_2019 (distinct BPE 2019 types with at least one equipment in the territory,
  out of 187), part_gamme_proximite_2019, part_gamme_intermediaire_2019,
  part_gamme_superieure_2019 (% of the declared elements of each INSEE range present in the
  territory; an element may group several types; lists in ``bpe_gammes``),
  equipements_2019_pour_10000_hab (all BPE 2019 equipment per 10,000 inhabitants of 2018);
- medecins_generalistes_2024, medecins_generalistes_2024_pour_10000_hab,
  pharmacies_2024_pour_10000_hab, ecoles_2024_pour_10000_hab, lycees_2024_pour_10000_hab,
  creches_2024_pour_10000_hab, gares_2024_pour_10000_hab (BPE 2024 groups per 10,000 inhabitants
  of 2023);
- evolution_medecins_generalistes_2019_2024 (% change of general practitioners, D201 in 2019
  against the 2024 group; NULL when there were none in 2019),
  evolution_equipements_comparables_2019_2024 (% change of the sum of the 2024 groups declared
  comparable with 2019 types in ``bpe_groupes_2024``).

The BPE is exhaustive on its field (metropolitan France and the five DROM): a commune absent from
a file has none of its equipment (0). The overseas collectivities (COG zone ``com``) are outside
the field: their BPE values, and those of an EPCI containing one, are NULL.
"""

from __future__ import annotations

THEME = "services"

SQL = """
WITH sites AS (
    SELECT commune_code, count(*) AS n FROM france_services
    WHERE commune_code IS NOT NULL GROUP BY commune_code
), base AS (
    SELECT p.niveau, p.code,
           max(c.niveau_centralite) AS niveau_centralite,
           sum(coalesce(s.n, 0)) AS nb_france_services,
           sum(coalesce(s.n, 0)) / nullif(_ssum(c.population), 0) * 10000
               AS france_services_pour_10000_hab,
           _wavg(d.distance_km, c.population) AS distance_france_services_km,
           bool_and(c.zone <> 'com') AS champ_bpe,
           _ssum(c.population) AS pop_2023,
           _ssum(k.p18_pop) AS pop_2018
    FROM _perimetre p
    JOIN communes c ON c.code = p.commune_code
    LEFT JOIN sites s ON s.commune_code = p.commune_code
    LEFT JOIN _commune_france_services d ON d.commune_code = p.commune_code
    LEFT JOIN comparateur_2018 k ON k.commune_code = p.commune_code
    GROUP BY p.niveau, p.code
), types_2019 AS (
    SELECT p.niveau, p.code, b.typequ, sum(b.nb_equipements) AS n
    FROM _perimetre p JOIN bpe_2019 b ON b.commune_code = p.commune_code
    GROUP BY ALL
), totals_2019 AS (
    SELECT niveau, code, count(*) AS nb_types, sum(n) AS n FROM types_2019 GROUP BY ALL
), ranges AS (
    SELECT t.niveau, t.code, g.gamme, count(DISTINCT g.element) AS presents
    FROM types_2019 t JOIN bpe_gammes g USING (typequ) GROUP BY ALL
), range_size AS (
    SELECT gamme, count(DISTINCT element) AS total FROM bpe_gammes GROUP BY gamme
), range_share AS (
    SELECT b.niveau, b.code, z.gamme, 100.0 * coalesce(r.presents, 0) / z.total AS part
    FROM base b CROSS JOIN range_size z
    LEFT JOIN ranges r ON r.niveau = b.niveau AND r.code = b.code AND r.gamme = z.gamme
), range_pivot AS (
    SELECT niveau, code,
           max(part) FILTER (WHERE gamme = 'proximite') AS proximite,
           max(part) FILTER (WHERE gamme = 'intermediaire') AS intermediaire,
           max(part) FILTER (WHERE gamme = 'superieure') AS superieure
    FROM range_share GROUP BY niveau, code
), groups_2024 AS (
    SELECT p.niveau, p.code, g.groupe, sum(g.nb_equipements) AS n
    FROM _perimetre p JOIN bpe_2024_groupes g ON g.commune_code = p.commune_code
    GROUP BY ALL
), comparable AS (
    SELECT groupe, unnest(typequ_2019) AS typequ FROM bpe_groupes_2024
    WHERE len(typequ_2019) > 0
), comparable_2019 AS (
    SELECT t.niveau, t.code, c.groupe, sum(t.n) AS n
    FROM types_2019 t JOIN comparable c USING (typequ) GROUP BY ALL
), comparable_totals AS (
    SELECT b.niveau, b.code,
           sum(coalesce(g19.n, 0)) AS n_2019, sum(coalesce(g24.n, 0)) AS n_2024
    FROM base b CROSS JOIN (SELECT DISTINCT groupe FROM comparable) k
    LEFT JOIN comparable_2019 g19
           ON g19.niveau = b.niveau AND g19.code = b.code AND g19.groupe = k.groupe
    LEFT JOIN groups_2024 g24
           ON g24.niveau = b.niveau AND g24.code = b.code AND g24.groupe = k.groupe
    GROUP BY b.niveau, b.code
), pivot_2024 AS (
    SELECT niveau, code,
           sum(n) FILTER (WHERE groupe = 'medecin_generaliste') AS medecins,
           sum(n) FILTER (WHERE groupe = 'pharmacie') AS pharmacies,
           sum(n) FILTER (WHERE groupe = 'ecole_primaire') AS ecoles,
           sum(n) FILTER (WHERE groupe = 'lycee') AS lycees,
           sum(n) FILTER (WHERE groupe = 'creche') AS creches,
           sum(n) FILTER (WHERE groupe = 'gare') AS gares
    FROM groups_2024 GROUP BY niveau, code
), per_10000 AS (
    SELECT b.*,
           coalesce(t.nb_types, 0) AS nb_types, coalesce(t.n, 0) AS n_2019,
           coalesce(t19.n, 0) AS medecins_2019,
           coalesce(v.medecins, 0) AS medecins, coalesce(v.pharmacies, 0) AS pharmacies,
           coalesce(v.ecoles, 0) AS ecoles, coalesce(v.lycees, 0) AS lycees,
           coalesce(v.creches, 0) AS creches, coalesce(v.gares, 0) AS gares,
           ct.n_2019 AS comparables_2019, ct.n_2024 AS comparables_2024
    FROM base b
    LEFT JOIN totals_2019 t USING (niveau, code)
    LEFT JOIN types_2019 t19 ON t19.niveau = b.niveau AND t19.code = b.code
                            AND t19.typequ = 'D201'
    LEFT JOIN pivot_2024 v USING (niveau, code)
    LEFT JOIN comparable_totals ct USING (niveau, code)
)
SELECT x.niveau, x.code, x.niveau_centralite, x.nb_france_services,
       x.france_services_pour_10000_hab, x.distance_france_services_km,
       CASE WHEN x.champ_bpe THEN x.nb_types END AS nb_types_equipements_2019,
       CASE WHEN x.champ_bpe THEN rp.proximite END AS part_gamme_proximite_2019,
       CASE WHEN x.champ_bpe THEN rp.intermediaire END
           AS part_gamme_intermediaire_2019,
       CASE WHEN x.champ_bpe THEN rp.superieure END AS part_gamme_superieure_2019,
       CASE WHEN x.champ_bpe THEN x.n_2019 / nullif(x.pop_2018, 0) * 10000 END
           AS equipements_2019_pour_10000_hab,
       CASE WHEN x.champ_bpe THEN x.medecins END AS medecins_generalistes_2024,
       CASE WHEN x.champ_bpe THEN x.medecins / nullif(x.pop_2023, 0) * 10000 END
           AS medecins_generalistes_2024_pour_10000_hab,
       CASE WHEN x.champ_bpe THEN x.pharmacies / nullif(x.pop_2023, 0) * 10000 END
           AS pharmacies_2024_pour_10000_hab,
       CASE WHEN x.champ_bpe THEN x.ecoles / nullif(x.pop_2023, 0) * 10000 END
           AS ecoles_2024_pour_10000_hab,
       CASE WHEN x.champ_bpe THEN x.lycees / nullif(x.pop_2023, 0) * 10000 END
           AS lycees_2024_pour_10000_hab,
       CASE WHEN x.champ_bpe THEN x.creches / nullif(x.pop_2023, 0) * 10000 END
           AS creches_2024_pour_10000_hab,
       CASE WHEN x.champ_bpe THEN x.gares / nullif(x.pop_2023, 0) * 10000 END
           AS gares_2024_pour_10000_hab,
       CASE WHEN x.champ_bpe AND x.medecins_2019 > 0
            THEN 100.0 * (x.medecins - x.medecins_2019) / x.medecins_2019 END
           AS evolution_medecins_generalistes_2019_2024,
       CASE WHEN x.champ_bpe AND x.comparables_2019 > 0
            THEN 100.0 * (x.comparables_2024 - x.comparables_2019) / x.comparables_2019 END
           AS evolution_equipements_comparables_2019_2024
FROM per_10000 x
LEFT JOIN range_pivot rp ON rp.niveau = x.niveau AND rp.code = x.code
"""
