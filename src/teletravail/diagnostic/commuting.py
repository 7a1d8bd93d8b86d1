"""Home-to-work commuting from the census flows (MOBPRO, optional source ``mobpro``).

When the source is not loaded (file ``insee/base*flux-mobilite-domicile-lieu-travail-*`` absent),
every value is NULL and ``read_indicators`` reports "donnée non disponible" with the expected file;
when it is loaded, flows are summed per territory of residence.

``SQL`` returns one row per territory (``niveau``, ``code``) with columns: actifs_occupes_mobpro
(employed residents aged 15 or over), part_actifs_travaillant_hors_territoire (% working outside
the commune, or outside the EPCI for an EPCI, abroad included), part_actifs_travaillant_metropole
(% working in a commune member of a métropole), distance_domicile_travail_km (flow-weighted mean
great-circle km between commune centres, 0 within a commune, abroad excluded);
distance_navette_moyenne_km, distance_navette_mediane_km (flow-weighted mean and median one-way
km, intra-commune trips at the mean distance in a disc of the commune's area) and
part_navettes_plus_20km (% of workers beyond 20 km), part_navettes_hors_territoire (% working
outside the commune, or outside the EPCI for an EPCI, abroad excluded) and part_navettes_metropole
(% working in a commune member of a métropole; NULL when estimated at 0, i.e. no métropole
within the model's reach), from the measured MOBPRO flows when loaded,
else from the estimated flows ``navettes_estimees`` (:mod:`teletravail.navettes`).
"""

from __future__ import annotations

from teletravail.navettes.model import INTRA_FACTOR

THEME = "mobilite"

_SQL = """
WITH loaded AS (
    SELECT coalesce(bool_or(chargee), false) AS ok FROM _source_chargee WHERE id = 'mobpro'
), metropole_communes AS (
    SELECT m.commune_code FROM epci_membres m JOIN epcis e ON e.siren = m.epci_siren
    WHERE e.type IN ('METRO', 'MET69')
), flows AS (
    SELECT r.niveau, r.code, f.flux, coalesce(f.etranger, false) AS etranger,
           w.commune_code IS NOT NULL AS interne,
           mc.commune_code IS NOT NULL AS vers_metropole,
           _gc_km(cr.lat, cr.lon, cw.lat, cw.lon) AS dist
    FROM mobpro_flux f
    JOIN _perimetre r ON r.commune_code = f.commune_residence
    LEFT JOIN _perimetre w
      ON w.niveau = r.niveau AND w.code = r.code AND w.commune_code = f.commune_travail
    LEFT JOIN metropole_communes mc ON mc.commune_code = f.commune_travail
    LEFT JOIN communes cr ON cr.code = f.commune_residence
    LEFT JOIN communes cw ON cw.code = f.commune_travail
), used AS (
    SELECT f.commune_residence AS origine, f.commune_travail AS destination, f.flux AS actifs,
           CASE WHEN f.commune_residence = f.commune_travail
                THEN __INTRA__ * sqrt(greatest(coalesce(k.superf, 0), 0))
                ELSE _gc_km(cr.lat, cr.lon, cw.lat, cw.lon) END AS dist
    FROM mobpro_flux f
    JOIN communes cr ON cr.code = f.commune_residence
    JOIN communes cw ON cw.code = f.commune_travail
    LEFT JOIN comparateur_2018 k ON k.commune_code = f.commune_residence
    WHERE (SELECT ok FROM loaded) AND NOT coalesce(f.etranger, false)
    UNION ALL
    SELECT origine, destination, actifs, distance_km FROM navettes_estimees
    WHERE NOT (SELECT ok FROM loaded)
), ranked AS (
    SELECT r.niveau, r.code, u.dist, u.actifs,
           w.commune_code IS NOT NULL AS interne,
           mc.commune_code IS NOT NULL AS vers_metropole,
           sum(u.actifs) OVER (PARTITION BY r.niveau, r.code ORDER BY u.dist
                               ROWS UNBOUNDED PRECEDING) AS cum,
           sum(u.actifs) OVER (PARTITION BY r.niveau, r.code) AS tot
    FROM used u JOIN _perimetre r ON r.commune_code = u.origine
    LEFT JOIN _perimetre w
      ON w.niveau = r.niveau AND w.code = r.code AND w.commune_code = u.destination
    LEFT JOIN metropole_communes mc ON mc.commune_code = u.destination
), dist AS (
    SELECT niveau, code,
           sum(actifs * dist) / nullif(sum(actifs), 0) AS moyenne,
           min(dist) FILTER (WHERE cum >= tot / 2) AS mediane,
           _pct(coalesce(sum(actifs) FILTER (WHERE dist > 20), 0), sum(actifs)) AS plus_20km,
           _pct(coalesce(sum(actifs) FILTER (WHERE NOT interne), 0), sum(actifs)) AS hors,
           _pct(coalesce(sum(actifs) FILTER (WHERE vers_metropole), 0), sum(actifs)) AS metropole
    FROM ranked GROUP BY niveau, code
), agg AS (
    SELECT niveau, code,
           sum(flux) AS total,
           coalesce(sum(flux) FILTER (WHERE NOT interne), 0) AS sortants,
           coalesce(sum(flux) FILTER (WHERE vers_metropole), 0) AS metropole,
           sum(flux * dist) FILTER (WHERE NOT etranger AND dist IS NOT NULL)
               / nullif(sum(flux) FILTER (WHERE NOT etranger AND dist IS NOT NULL), 0) AS dist
    FROM flows GROUP BY niveau, code
)
SELECT p.niveau, p.code,
       CASE WHEN l.ok THEN coalesce(a.total, 0) END AS actifs_occupes_mobpro,
       CASE WHEN l.ok THEN _pct(a.sortants, a.total) END
           AS part_actifs_travaillant_hors_territoire,
       CASE WHEN l.ok THEN _pct(a.metropole, a.total) END AS part_actifs_travaillant_metropole,
       CASE WHEN l.ok THEN a.dist END AS distance_domicile_travail_km,
       d.moyenne AS distance_navette_moyenne_km,
       d.mediane AS distance_navette_mediane_km,
       d.plus_20km AS part_navettes_plus_20km,
       d.hors AS part_navettes_hors_territoire,
       -- the model only links communes a limited distance apart: an estimated 0 means no
       -- métropole within its reach, which it cannot say anything about (not a measured zero)
       CASE WHEN l.ok OR d.metropole > 0 THEN d.metropole END AS part_navettes_metropole
FROM (SELECT DISTINCT niveau, code FROM _perimetre) p
CROSS JOIN loaded l
LEFT JOIN agg a USING (niveau, code)
LEFT JOIN dist d USING (niveau, code)
"""

SQL = _SQL.replace("__INTRA__", repr(INTRA_FACTOR))
