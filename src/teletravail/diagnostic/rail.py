"""Rail service of each territory, read from the rail package's station service tables.

Contract with ``teletravail.rail.compute_rail_service(con, *, day, min_transfer_minutes=5)``:
``desserte_gares(uic, jour, departs_train, departs_car, destinations, premier_depart,
dernier_depart, feeds)`` and ``desserte_metropoles(uic, metropole_siren, metropole_nom,
duree_min_minutes, allers_avant_9h, premiere_arrivee, retours_apres_17h30, dernier_retour,
correspondances)`` (and ``jour``, when present); ``uic`` joins ``stations.uic``. ``compute``
exposes the reference day's rows as the temporary tables ``_desserte_gares_jour`` and
``_desserte_metropoles_jour``; times (``premiere_arrivee``, ``dernier_retour``) may be TIME or
'HH:MM[:SS]' text and are shown as 'HH:MM'. A station inside a métropole has no link to its own
métropole: for a territory inside a métropole, journey times describe the other métropoles.

Stations serving a territory (``teletravail.rail.proximity``): those of its communes and those
within ``rayon_km`` (``rail/service.toml``, 5 km) of a member commune's centre, each station once per
territory; ``distance_gare_principale_km`` is the great-circle distance from the nearest member
centre to the principal station.

Networks absent from the feeds: when an OpenStreetMap station serving the territory belongs to RER,
Transilien, Intercités or the Corsican railway (``reseaux_hors_horaires`` lists them, and
``gares_hors_horaires`` the stations and lines), a zero (departures, destinations, journeys) or a
missing journey time means "not known" and is NULL; other values are lower bounds.

Rules: the *gare principale* is the territory's station with the most train departures (ties: more
coach departures, then more passengers in 2023, then the smaller UIC); the *fastest link* is the (station, métropole) pair with the
shortest journey (ties: more arrivals before 9:00, then station name). When the rail tables hold no
row for the reference day, every rail value except ``nb_gares`` is NULL; otherwise a territory with
no served station has 0 departures and 0 trips, and NULL journey times.

``SQL`` returns one row per territory (``niveau``, ``code``) with columns: nb_gares (stations on
the territory), distance_gare_principale_km (km), arret_tgv_gare_principale ('oui'/'non': a trip of
the long-distance feed stops at the principal station that day), reseaux_hors_horaires,
gares_hors_horaires (text),
gare_principale (name), departs_train_jour, departs_car_jour (departures a day),
destinations_desservies (stations), duree_min_metropole (minutes), metropole_plus_rapide (name),
gare_liaison_metropole (name), duree_metropole_proche (minutes, to the nearest métropole by
distance), allers_avant_9h, retours_apres_17h30 (trips), premiere_arrivee_metropole,
dernier_retour_metropole ('HH:MM').
"""

from __future__ import annotations

from teletravail.rail.proximity import commune_stations_sql, missing_networks_sql

THEME = "ferroviaire"

SQL = f"""
WITH cst AS ({commune_stations_sql()}
), st AS (
    SELECT p.niveau, p.code, s.uic, any_value(s.nom) AS nom,
           any_value(coalesce(s.voyageurs_2023, 0)) AS v, min(c.distance_km) AS km
    FROM _perimetre p
    JOIN cst c ON c.commune_code = p.commune_code
    JOIN stations s ON s.uic = c.uic
    GROUP BY p.niveau, p.code, s.uic
), counts AS (
    SELECT p.niveau, p.code, count(DISTINCT s.uic) AS n
    FROM _perimetre p JOIN stations s ON s.commune_code = p.commune_code
    GROUP BY p.niveau, p.code
), osm AS ({missing_networks_sql()}
), missing AS (
    SELECT p.niveau, p.code, o.osm_id, any_value(o.nom) AS nom, min(o.distance_km) AS km,
           any_value(o.reseaux) AS reseaux, any_value(o.lignes) AS lignes
    FROM _perimetre p JOIN osm o ON o.commune_code = p.commune_code
    GROUP BY p.niveau, p.code, o.osm_id
), missing_txt AS (
    SELECT niveau, code,
           array_to_string(list_sort(list_distinct(flatten(list(reseaux)))), ', ') AS reseaux,
           array_to_string(list_sort(list_distinct(list(
               nom || CASE WHEN len(lignes) > 0 THEN ' (' || array_to_string(lignes, ', ') || ')'
                           ELSE '' END))), ' ; ') AS gares
    FROM missing GROUP BY niveau, code
), served AS (
    SELECT st.niveau, st.code, st.uic, st.nom, st.v, st.km,
           coalesce(g.departs_train, 0) AS dt, coalesce(g.departs_car, 0) AS dc, g.destinations,
           contains(CAST(g.feeds AS VARCHAR), 'longue_distance') AS tgv
    FROM st JOIN _desserte_gares_jour g ON g.uic = st.uic
), principal AS (
    SELECT niveau, code,
           first(nom ORDER BY dt DESC, dc DESC, v DESC, uic) AS gare,
           first(km ORDER BY dt DESC, dc DESC, v DESC, uic) AS km,
           first(tgv ORDER BY dt DESC, dc DESC, v DESC, uic) AS tgv,
           first(dt ORDER BY dt DESC, dc DESC, v DESC, uic) AS dt,
           first(dc ORDER BY dt DESC, dc DESC, v DESC, uic) AS dc,
           first(destinations ORDER BY dt DESC, dc DESC, v DESC, uic) AS destinations
    FROM served GROUP BY niveau, code
), links AS (
    SELECT st.niveau, st.code, st.nom AS gare, m.metropole_siren, m.metropole_nom,
           m.duree_min_minutes AS d, coalesce(m.allers_avant_9h, 0) AS a,
           coalesce(m.retours_apres_17h30, 0) AS r,
           left(CAST(m.premiere_arrivee AS VARCHAR), 5) AS pa,
           left(CAST(m.dernier_retour AS VARCHAR), 5) AS dr
    FROM st JOIN _desserte_metropoles_jour m ON m.uic = st.uic
    WHERE m.duree_min_minutes IS NOT NULL
), fastest AS (
    SELECT niveau, code,
           min(d) AS d,
           first(metropole_nom ORDER BY d, a DESC, gare) AS metropole,
           first(gare ORDER BY d, a DESC, gare) AS gare,
           first(a ORDER BY d, a DESC, gare) AS a,
           first(r ORDER BY d, a DESC, gare) AS r,
           first(pa ORDER BY d, a DESC, gare) AS pa,
           first(dr ORDER BY d, a DESC, gare) AS dr
    FROM links GROUP BY niveau, code
), nearest AS (
    SELECT l.niveau, l.code, min(l.d) AS d
    FROM links l
    JOIN _territoire_metropole t
      ON t.niveau = l.niveau AND t.code = l.code AND t.metropole_siren = l.metropole_siren
    GROUP BY l.niveau, l.code
), flag AS (
    SELECT count(*) > 0 AS ok FROM _desserte_gares_jour
)
SELECT p.niveau, p.code,
       coalesce(c.n, 0) AS nb_gares,
       CASE WHEN flag.ok THEN pr.gare END AS gare_principale,
       CASE WHEN flag.ok THEN round(pr.km, 1) END AS distance_gare_principale_km,
       CASE WHEN flag.ok AND pr.gare IS NOT NULL
            THEN CASE WHEN pr.tgv THEN 'oui' ELSE 'non' END END AS arret_tgv_gare_principale,
       mt.reseaux AS reseaux_hors_horaires,
       mt.gares AS gares_hors_horaires,
       CASE WHEN flag.ok THEN nullif(coalesce(pr.dt, 0), CASE WHEN mt.reseaux IS NOT NULL THEN 0 END)
       END AS departs_train_jour,
       CASE WHEN flag.ok THEN coalesce(pr.dc, 0) END AS departs_car_jour,
       CASE WHEN flag.ok THEN nullif(coalesce(pr.destinations, 0),
                                     CASE WHEN mt.reseaux IS NOT NULL THEN 0 END)
       END AS destinations_desservies,
       CASE WHEN flag.ok THEN f.d END AS duree_min_metropole,
       CASE WHEN flag.ok THEN f.metropole END AS metropole_plus_rapide,
       CASE WHEN flag.ok THEN f.gare END AS gare_liaison_metropole,
       CASE WHEN flag.ok THEN n.d END AS duree_metropole_proche,
       CASE WHEN flag.ok THEN nullif(coalesce(f.a, 0), CASE WHEN mt.reseaux IS NOT NULL THEN 0 END)
       END AS allers_avant_9h,
       CASE WHEN flag.ok THEN nullif(coalesce(f.r, 0), CASE WHEN mt.reseaux IS NOT NULL THEN 0 END)
       END AS retours_apres_17h30,
       CASE WHEN flag.ok THEN f.pa END AS premiere_arrivee_metropole,
       CASE WHEN flag.ok THEN f.dr END AS dernier_retour_metropole
FROM (SELECT DISTINCT niveau, code FROM _perimetre) p
CROSS JOIN flag
LEFT JOIN counts c USING (niveau, code)
LEFT JOIN principal pr USING (niveau, code)
LEFT JOIN fastest f USING (niveau, code)
LEFT JOIN nearest n USING (niveau, code)
LEFT JOIN missing_txt mt USING (niveau, code)
"""
