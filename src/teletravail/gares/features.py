"""Data-backed features of every passenger station (``stations`` table), computed set-based.

:func:`station_features` reads a DERIVED warehouse connection (the warehouse's tables plus
``desserte_gares``, ``desserte_metropoles`` and ``derive_info`` of the reference day, see
:mod:`teletravail.derived`) and answers one :class:`StationFeatures` per station, all stations in
a few SQL statements. None always means "donnée non disponible", never zero.

Sources and rules, field by field:

- rail service (SNCF GTFS TER and long-distance feeds, reference day ``jour``): ``departs_train``,
  ``departs_car``, ``premier_depart``, ``dernier_depart`` from ``desserte_gares``; a station absent
  from it has no trip that day (0 departures, no first or last departure). As in the diagnostic
  (:mod:`teletravail.diagnostic.rail`), when an OpenStreetMap station of a network absent from
  the feeds (RER, Transilien, Intercités, Corsican railway:
  :func:`teletravail.rail.proximity.missing_networks_sql`) serves the station's commune, a zero
  (train departures, trips before 9:00 or after 17:30) means "not known" and is None; other
  values are then lower bounds. A station ON the RER or the Transilien (an OpenStreetMap station
  of type ``rer`` or ``transilien``, ``service.toml``, within ``ON_NETWORK_KM``: Fontainebleau -
  Avon on Transilien R; and every station of Île-de-France, ``ILE_DE_FRANCE``) has
  ``departs_train``, ``allers_avant_9h`` and ``retours_apres_17h30`` None whatever the feeds
  count (they miss most of its trains); its fastest métropole and journey time are those of the
  feeds (a faster journey may exist). A stop of an Intercités line keeps its counts (lower
  bounds: the feeds hold its TER and TGV trains, the bulk of the service at Lyon, Bordeaux or
  Nantes). When the rail tables hold no row for the day, every rail field is None.
- fastest métropole by train (``desserte_metropoles``, mode ``train``, at most one change): the
  shortest journey (ties: more arrivals before 9:00, then name); ``allers_avant_9h`` and
  ``retours_apres_17h30`` are those of that métropole; all None without any link.
- ridership (SNCF Gares & Connexions, ``station_frequentation``): passengers of the year, summed
  over the station's UICs; the change 2015→2023 in % of 2015 (None when 2015 is 0 or absent).
- opening hours (``station_horaires``, normal hours): hours a week, Monday to Sunday, summed over
  the slots of each day (a day without a row is closed; a slot ending at or before its start ends
  the next day, ``05:00-00:30`` = 19.5 h; equal ends = 24 h; ``Fermé`` = 0 h; a day is capped at
  24 h). None for a station without any row, or with a text that is not understood
  (:func:`opening_hours_sql`).
- ``wifi``, ``equipements_accessibilite``: the ``stations`` table (wifi None when the station is
  absent from the wifi list). The accessibility file lists only 221 stations (La Défense and
  Juvisy are not in it): a station absent from it has None (not known), never 0 equipment.
- within 1 km (great circle, :func:`teletravail.rail.proximity.gc_km_sql`) of the station:
  ``france_services_1km`` (ANCT sites); ``autres_gares_1km``: the other SNCF passenger stations,
  plus the OpenStreetMap rail stations (types ``train``, ``rer``, ``transilien``) lying more than
  ``SAME_STATION_KM`` from every SNCF station (else they are one of them), counted once per name;
  ``lignes_urbaines_1km``: the tram, metro and RER lines of the OpenStreetMap stops (types
  ``tram``, ``metro``, ``rer``), labelled ``Tram T1``, ``Métro 8``, ``RER B`` (references that
  look like a line: ``_RER_REF``, ``_LINE_REF``; the other values of the field, stop codes or
  train services, are left out), or only the mode when no stop of that mode names a line;
  [] when none, None when ``osm_gares`` is empty. All three None for a station without
  position; ``france_services_1km`` None when ``france_services`` is empty.
- ``distance_centre_km``: station to the centre of its commune (``communes`` lat/lon: the
  geographic centre of geo.api.gouv.fr, not the town hall), km.
- commune of the station (COG 2026): ``friches_commune`` (Cartofriches sites; 0 for a commune
  absent from the inventory, None when it is not loaded or the station has no commune),
  ``taux_vacance_commune_pct`` (LOVAC, % of private dwellings vacant; several rows for a merged
  commune: the row of the commune's own code, else their mean), ``zone_abc`` (tightest zone),
  ``prix_m2_appartements`` (DVF 2022-2024 median price of apartment sales, €/m², None under
  :data:`teletravail.diagnostic.housing_market.MIN_SALES` sales; merged communes: sales-weighted
  mean of the medians) — the rules of the diagnostic.
- ``navetteurs_metropole``: workers living in the commune and working in a commune member of a
  métropole (EPCI of type METRO or MET69), from the flows in use
  (:func:`teletravail.navettes.profile.flows_in_use`: measured MOBPRO flows, else the estimated
  ones); ``navetteurs_statut`` ``mesure`` or ``estimation``. None for a commune without any flow,
  and for an estimated 0 (no métropole within the model's reach), as in the diagnostic.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import duckdb
from pydantic import BaseModel, ConfigDict

from teletravail.diagnostic.housing_market import MIN_SALES
from teletravail.navettes.profile import flows_in_use
from teletravail.rail.config import rail_settings
from teletravail.rail.proximity import KM_PER_DEGREE_LAT, gc_km_sql, missing_networks_sql
from teletravail.warehouse import derived_day

RADIUS_KM = 1.0
"""Radius of the station district for the counts around the station (km, great circle)."""

SAME_STATION_KM = 0.5
"""An OpenStreetMap rail station this close to an SNCF station is that station (km)."""

ILE_DE_FRANCE = "11"
"""Region (COG) whose every passenger station is served by the Transilien, the RER or a tram-train
of Île-de-France Mobilités, absent from the feeds (Esbly, Crécy-la-Chapelle: OpenStreetMap does
not always type them ``transilien``)."""

ON_NETWORK_KM = 0.5
"""A station with an OpenStreetMap RER or Transilien station this close is on that network (km)."""

_WEEKDAYS = ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche")
_SLOT = r"^(\d{1,2})[:hH](\d{2})\s*[-–à]\s*(\d{1,2})[:hH](\d{2})$"
_SEPARATORS = r"\s*[,;/+]\s*|\s+et\s+"
_URBAN_LABELS = {"tram": "Tram", "metro": "Métro", "rer": "RER"}
_RAIL_TYPES = ("train", "rer", "transilien")
# line references kept from OpenStreetMap (the field also holds stop codes, train services and
# destinations ``A → ANGERS ROSERAIE``, cut at the arrow): RER A to E; tram and metro lines such as
# ``T1``, ``T3b``, ``A``, ``L2``, ``17``, ``7bis`` (letters case-insensitive)
_RER_REF = r"(RER )?[A-E]"
_LINE_REF = r"[a-z]{1,2}[0-9]{0,2}[a-z]?|[0-9]{1,2}(bis|[a-z])?"


class StationFeatures(BaseModel):
    """The data-backed features of one passenger station (None: donnée non disponible).

    Units: ``lat``/``lon`` WGS84 degrees; departures a day; times ``HH:MM`` of the service day
    (``24:10`` = 0:10 the next morning); ``duree_metropole_min`` minutes; passengers a year;
    ``evolution_voyageurs_pct`` % of 2015; ``heures_ouverture_semaine`` hours a week;
    distances km; ``taux_vacance_commune_pct`` %; ``prix_m2_appartements`` € per m²;
    ``navetteurs_metropole`` workers (may be fractional when estimated).
    """

    model_config = ConfigDict(frozen=True)

    uic: str
    nom: str
    commune_code: str | None
    commune_nom: str | None
    lat: float | None
    lon: float | None
    jour: date
    departs_train: int | None
    departs_car: int | None
    premier_depart: str | None
    dernier_depart: str | None
    metropole_nom: str | None
    duree_metropole_min: int | None
    allers_avant_9h: int | None
    retours_apres_17h30: int | None
    voyageurs_2015: int | None
    voyageurs_2023: int | None
    evolution_voyageurs_pct: float | None
    heures_ouverture_semaine: float | None
    wifi: bool | None
    equipements_accessibilite: int | None
    france_services_1km: int | None
    autres_gares_1km: int | None
    lignes_urbaines_1km: list[str] | None
    distance_centre_km: float | None
    friches_commune: int | None
    taux_vacance_commune_pct: float | None
    zone_abc: str | None
    prix_m2_appartements: float | None
    navetteurs_metropole: float | None
    navetteurs_statut: str | None


def _slot_hours_sql(piece: str) -> str:
    """SQL: hours of one slot text ``HH:MM-HH:MM`` (or ``HHhMM``), 0 for ``Fermé``, else NULL."""
    p = f"trim({piece})"

    def part(i: int) -> str:
        return f"TRY_CAST(regexp_extract({p}, '{_SLOT}', {i}) AS INTEGER)"

    start = f"({part(1)} * 60 + {part(2)})"
    end = f"({part(3)} * 60 + {part(4)})"
    valid = (
        f"regexp_matches({p}, '{_SLOT}') AND {part(1)} <= 24 AND {part(3)} <= 24 "
        f"AND {part(2)} < 60 AND {part(4)} < 60"
    )
    span = f"(({end} - {start}) % 1440 + 1440) % 1440"
    return (
        f"CASE WHEN lower({p}) IN ('fermé', 'ferme', 'fermée', 'fermee') THEN 0.0 "
        f"WHEN {valid} THEN CASE WHEN {span} = 0 THEN 24.0 ELSE {span} / 60.0 END END"
    )


def opening_hours_sql(text: str) -> str:
    """SQL expression: opening hours (hours, DOUBLE) of one day's opening text ``text`` (an SQL
    expression). Formats: ``05:00-22:00`` (every value of the SNCF file), ``5h00 - 22h00``,
    several slots separated by ``,`` ``;`` ``/`` ``+`` or `` et `` (summed), ``Fermé`` (0). A
    slot whose end is at or before its start ends the next day (``05:00-00:30`` = 19.5 h;
    ``00:00-00:00`` = 24 h). NULL when the text is NULL or any slot is not understood."""
    pieces = f"string_split_regex(trim({text}), '{_SEPARATORS}')"
    hours = f"list_transform({pieces}, lambda x: {_slot_hours_sql('x')})"
    return (
        f"CASE WHEN {text} IS NOT NULL AND len(list_filter({hours}, lambda h: h IS NULL)) = 0 "
        f"THEN list_sum({hours}) END"
    )


def within_sql(points: str, targets: str, km: float) -> str:
    """SELECT point_key, target_key, distance_km: pairs within ``km`` (great circle).

    ``points`` and ``targets``: SELECTs with columns ``key``, ``lat``, ``lon`` (no NULLs). Grid of
    cells wider than ``km`` (in longitude up to 56.6° N): each point meets the targets of its cell
    and of the 8 around it (a hash join instead of every pair)."""
    cell = max(km / (KM_PER_DEGREE_LAT * 0.55), 0.001)
    dist = gc_km_sql("p.lat", "p.lon", "t.lat", "t.lon")
    return f"""
        WITH p AS (
            SELECT key, lat, lon, floor(lat / {cell!r})::BIGINT + dy AS gy,
                   floor(lon / {cell!r})::BIGINT + dx AS gx
            FROM ({points}), range(-1, 2) a(dy), range(-1, 2) b(dx)),
        t AS (
            SELECT key, lat, lon, floor(lat / {cell!r})::BIGINT AS gy,
                   floor(lon / {cell!r})::BIGINT AS gx
            FROM ({targets}))
        SELECT p.key AS point_key, t.key AS target_key, {dist} AS distance_km
        FROM p JOIN t ON t.gy = p.gy AND t.gx = p.gx
        WHERE {dist} <= {km!r}
    """


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _sql(flows: str, status: str) -> str:
    weekdays = ", ".join(_lit(d) for d in _WEEKDAYS)
    labels = " ".join(f"WHEN {_lit(t)} THEN {_lit(label)}" for t, label in _URBAN_LABELS.items())
    urban_types = ", ".join(_lit(t) for t in _URBAN_LABELS)
    rail_types = ", ".join(_lit(t) for t in _RAIL_TYPES)
    suburban_types = ", ".join(_lit(t) for t, _ in rail_settings().missing_network_types)
    pos = "SELECT uic AS key, lat, lon FROM st WHERE lat IS NOT NULL AND lon IS NOT NULL"
    all_pos = "SELECT uic AS key, lat, lon FROM stations WHERE lat IS NOT NULL AND lon IS NOT NULL"
    osm_rail = (
        f"SELECT osm_id AS key, lat, lon FROM osm_gares WHERE type IN ({rail_types}) "
        "AND lat IS NOT NULL AND lon IS NOT NULL"
    )
    osm_urban = (
        f"SELECT osm_id AS key, lat, lon FROM osm_gares WHERE type IN ({urban_types}) "
        "AND lat IS NOT NULL AND lon IS NOT NULL"
    )
    fs = (
        "SELECT id_fs AS key, lat, lon FROM france_services "
        "WHERE lat IS NOT NULL AND lon IS NOT NULL"
    )
    estimated = "TRUE" if status == "estimation" else "FALSE"
    return f"""
WITH st AS (
    SELECT * FROM stations
    WHERE ($uic IS NULL OR uic = $uic) AND ($uics IS NULL OR list_contains($uics, uic))
), flag AS (
    SELECT count(*) > 0 AS ok FROM desserte_gares WHERE jour = $day
), absent AS (
    SELECT DISTINCT commune_code FROM ({missing_networks_sql()})
), absent_osm AS (
    SELECT o.osm_id AS key, o.lat, o.lon FROM osm_gares o
    WHERE o.lat IS NOT NULL AND o.lon IS NOT NULL
      AND o.type IN ({suburban_types})
), on_absent AS (
    SELECT DISTINCT point_key AS uic
    FROM ({within_sql(pos, "SELECT * FROM absent_osm", ON_NETWORK_KM)})
), g AS (
    SELECT uic, any_value(departs_train) AS dt, any_value(departs_car) AS dc,
           any_value(premier_depart) AS premier, any_value(dernier_depart) AS dernier
    FROM desserte_gares WHERE jour = $day GROUP BY uic
), m AS (
    SELECT uic,
           first(metropole_nom ORDER BY duree_min_minutes, allers_avant_9h DESC, metropole_nom)
               AS nom,
           min(duree_min_minutes) AS duree,
           first(allers_avant_9h ORDER BY duree_min_minutes, allers_avant_9h DESC, metropole_nom)
               AS allers,
           first(retours_apres_17h30
                 ORDER BY duree_min_minutes, allers_avant_9h DESC, metropole_nom) AS retours
    FROM desserte_metropoles
    WHERE jour = $day AND mode = 'train' AND duree_min_minutes IS NOT NULL
    GROUP BY uic
), freq AS (
    SELECT uic, sum(voyageurs) FILTER (WHERE annee = 2015) AS v2015,
           sum(voyageurs) FILTER (WHERE annee = 2023) AS v2023
    FROM station_frequentation WHERE uic IN (SELECT uic FROM st) GROUP BY uic
), slots AS (
    SELECT DISTINCT uic, jour, horaire_normal FROM station_horaires
    WHERE uic IN (SELECT uic FROM st)
), days AS (
    SELECT uic, jour, least(24.0, sum({opening_hours_sql("horaire_normal")})) AS h,
           bool_and({opening_hours_sql("horaire_normal")} IS NOT NULL)
               AND list_contains([{weekdays}], jour) AS ok
    FROM slots GROUP BY uic, jour
), hours AS (
    SELECT uic, CASE WHEN bool_and(ok) THEN sum(h) END AS h FROM days GROUP BY uic
), loaded AS (
    SELECT (SELECT count(*) > 0 FROM osm_gares) AS osm,
           (SELECT count(*) > 0 FROM france_services) AS fs,
           (SELECT count(*) > 0 FROM friches_communes) AS friches
), fs_near AS (
    SELECT point_key AS uic, count(*) AS n FROM ({within_sql(pos, fs, RADIUS_KM)}) GROUP BY 1
), sncf_near AS (
    SELECT point_key AS uic, count(*) FILTER (WHERE target_key <> point_key) AS n
    FROM ({within_sql(pos, all_pos, RADIUS_KM)}) GROUP BY 1
), osm_own AS (
    SELECT DISTINCT point_key AS osm_id
    FROM ({within_sql(osm_rail, all_pos, SAME_STATION_KM)})
), osm_near AS (
    SELECT w.point_key AS uic, count(DISTINCT lower(o.nom)) AS n
    FROM ({within_sql(pos, osm_rail, RADIUS_KM)}) w
    JOIN osm_gares o ON o.osm_id = w.target_key
    WHERE w.target_key NOT IN (SELECT osm_id FROM osm_own)
    GROUP BY 1
), urban_stops AS (
    SELECT w.point_key AS uic, o.type, o.lignes
    FROM ({within_sql(pos, osm_urban, RADIUS_KM)}) w JOIN osm_gares o ON o.osm_id = w.target_key
), urban_refs AS (
    SELECT uic, type, trim(split_part(l, '→', 1)) AS l
    FROM (SELECT uic, type, unnest(lignes) AS l FROM urban_stops)
), urban_lines AS (
    SELECT uic, type,
           CASE WHEN type = 'rer' THEN 'RER ' || right(l, 1)
                ELSE CASE type {labels} END || ' ' || l END AS label
    FROM urban_refs
    WHERE CASE WHEN type = 'rer' THEN regexp_full_match(l, '{_RER_REF}')
               ELSE regexp_full_match(l, '{_LINE_REF}', 'i') END
), urban_bare AS (
    SELECT DISTINCT u.uic, u.type, CASE u.type {labels} END AS label FROM urban_stops u
    WHERE NOT EXISTS (SELECT 1 FROM urban_lines l WHERE l.uic = u.uic AND l.type = u.type)
), urban AS (
    SELECT uic, list_sort(list_distinct(list(label))) AS lignes
    FROM (SELECT uic, label FROM urban_lines UNION ALL SELECT uic, label FROM urban_bare)
    GROUP BY uic
), friches AS (
    SELECT commune_code, sum(nb_sites) AS n FROM friches_communes
    WHERE commune_code IS NOT NULL GROUP BY commune_code
), lovac AS (
    SELECT commune_code,
           coalesce(any_value(taux_vacance_pct) FILTER (WHERE insee_com = commune_code),
                    avg(taux_vacance_pct)) AS taux
    FROM lovac_communes WHERE commune_code IS NOT NULL GROUP BY commune_code
), zon AS (
    SELECT commune_code,
           min_by(zone, CASE zone WHEN 'Abis' THEN 1 WHEN 'A' THEN 2 WHEN 'B1' THEN 3
                                  WHEN 'B2' THEN 4 ELSE 5 END) AS zone
    FROM zonage_abc WHERE commune_code IS NOT NULL GROUP BY commune_code
), dvf AS (
    SELECT commune_code, sum(nb_ventes) AS ventes,
           CASE WHEN count(*) = 1 THEN any_value(prix_m2_median)
                ELSE sum(prix_m2_median * nb_ventes) / nullif(sum(nb_ventes), 0) END AS prix
    FROM dvf_appartements WHERE commune_code IS NOT NULL GROUP BY commune_code
), metro_communes AS (
    SELECT DISTINCT m.commune_code FROM epci_membres m JOIN epcis e ON e.siren = m.epci_siren
    WHERE e.type IN ('METRO', 'MET69')
), flows AS (
    SELECT f.origine AS commune_code, sum(f.actifs) AS actifs,
           coalesce(sum(f.actifs) FILTER (WHERE mc.commune_code IS NOT NULL), 0) AS vers_metropole
    FROM ({flows}) f LEFT JOIN metro_communes mc ON mc.commune_code = f.destination
    WHERE f.origine IN (SELECT commune_code FROM st) GROUP BY f.origine
)
SELECT s.uic, s.nom, s.commune_code, c.nom AS commune_nom, s.lat, s.lon,
       CASE WHEN flag.ok AND oa.uic IS NULL AND NOT s.suburban THEN
           CASE WHEN coalesce(g.dt, 0) = 0 AND ab.commune_code IS NOT NULL THEN NULL
                ELSE coalesce(g.dt, 0) END END AS departs_train,
       CASE WHEN flag.ok THEN coalesce(g.dc, 0) END AS departs_car,
       CASE WHEN flag.ok THEN left(g.premier, 5) END AS premier_depart,
       CASE WHEN flag.ok THEN left(g.dernier, 5) END AS dernier_depart,
       CASE WHEN flag.ok THEN m.nom END AS metropole_nom,
       CASE WHEN flag.ok THEN m.duree END AS duree_metropole_min,
       CASE WHEN flag.ok AND oa.uic IS NULL AND NOT s.suburban
            THEN nullif(m.allers, CASE WHEN ab.commune_code IS NOT NULL THEN 0 END)
       END AS allers_avant_9h,
       CASE WHEN flag.ok AND oa.uic IS NULL AND NOT s.suburban
            THEN nullif(m.retours, CASE WHEN ab.commune_code IS NOT NULL THEN 0 END)
       END AS retours_apres_17h30,
       fr.v2015, fr.v2023,
       CASE WHEN fr.v2015 > 0 THEN round(100.0 * (fr.v2023 - fr.v2015) / fr.v2015, 1) END,
       round(h.h, 2),
       s.wifi, nullif(s.nb_equipements_accessibilite, 0),
       CASE WHEN s.lat IS NOT NULL AND s.lon IS NOT NULL AND loaded.fs
            THEN coalesce(fsn.n, 0) END,
       CASE WHEN s.lat IS NOT NULL AND s.lon IS NOT NULL
            THEN coalesce(sn.n, 0) + coalesce(CASE WHEN loaded.osm THEN osn.n END, 0) END,
       CASE WHEN s.lat IS NOT NULL AND s.lon IS NOT NULL AND loaded.osm
            THEN coalesce(u.lignes, []::VARCHAR[]) END,
       round({gc_km_sql("s.lat", "s.lon", "c.lat", "c.lon")}, 2),
       CASE WHEN loaded.friches AND s.commune_code IS NOT NULL THEN coalesce(fri.n, 0) END,
       round(lv.taux, 1), z.zone,
       CASE WHEN d.ventes >= {MIN_SALES} THEN round(d.prix) END,
       CASE WHEN fl.actifs > 0 AND NOT ({estimated} AND fl.vers_metropole = 0)
            THEN round(fl.vers_metropole, 1) END,
       CASE WHEN fl.actifs > 0 AND NOT ({estimated} AND fl.vers_metropole = 0)
            THEN {_lit(status)} END
FROM (SELECT st.*, coalesce(k.region = {_lit(ILE_DE_FRANCE)}, FALSE) AS suburban
      FROM st LEFT JOIN communes k ON k.code = st.commune_code) s
CROSS JOIN flag CROSS JOIN loaded
LEFT JOIN communes c ON c.code = s.commune_code
LEFT JOIN absent ab ON ab.commune_code = s.commune_code
LEFT JOIN on_absent oa ON oa.uic = s.uic
LEFT JOIN g ON g.uic = s.uic
LEFT JOIN m ON m.uic = s.uic
LEFT JOIN freq fr ON fr.uic = s.uic
LEFT JOIN hours h ON h.uic = s.uic
LEFT JOIN fs_near fsn ON fsn.uic = s.uic
LEFT JOIN sncf_near sn ON sn.uic = s.uic
LEFT JOIN osm_near osn ON osn.uic = s.uic
LEFT JOIN urban u ON u.uic = s.uic
LEFT JOIN friches fri ON fri.commune_code = s.commune_code
LEFT JOIN lovac lv ON lv.commune_code = s.commune_code
LEFT JOIN zon z ON z.commune_code = s.commune_code
LEFT JOIN dvf d ON d.commune_code = s.commune_code
LEFT JOIN flows fl ON fl.commune_code = s.commune_code
ORDER BY s.uic
"""


def station_features(
    con: duckdb.DuckDBPyConnection,
    *,
    uic: str | None = None,
    uics: Sequence[str] | None = None,
) -> list[StationFeatures]:
    """The features of every passenger station of ``stations`` (by UIC), or of station ``uic``
    only (an empty list when no station has that UIC), or of the stations of ``uics`` only (the
    unknown ones left out), on the derived warehouse's reference day.

    Returns :class:`StationFeatures` rows (fields, units and rules: the module's docstring).
    WarehouseError (French message) when ``con`` is not a derived warehouse or holds no commuting
    flows."""
    day = derived_day(con, ("desserte_gares", "desserte_metropoles"))
    flows, status, _method, _reference = flows_in_use(con)
    chosen = sorted(set(uics)) if uics is not None else None
    rows = con.execute(_sql(flows, status), {"uic": uic, "uics": chosen, "day": day}).fetchall()
    return [
        StationFeatures(
            uic=r[0],
            nom=r[1],
            commune_code=r[2],
            commune_nom=r[3],
            lat=r[4],
            lon=r[5],
            jour=day,
            departs_train=r[6],
            departs_car=r[7],
            premier_depart=r[8],
            dernier_depart=r[9],
            metropole_nom=r[10],
            duree_metropole_min=r[11],
            allers_avant_9h=r[12],
            retours_apres_17h30=r[13],
            voyageurs_2015=r[14],
            voyageurs_2023=r[15],
            evolution_voyageurs_pct=r[16],
            heures_ouverture_semaine=r[17],
            wifi=r[18],
            equipements_accessibilite=r[19],
            france_services_1km=r[20],
            autres_gares_1km=r[21],
            lignes_urbaines_1km=list(r[22]) if r[22] is not None else None,
            distance_centre_km=r[23],
            friches_commune=r[24],
            taux_vacance_commune_pct=r[25],
            zone_abc=r[26],
            prix_m2_appartements=r[27],
            navetteurs_metropole=r[28],
            navetteurs_statut=r[29],
        )
        for r in rows
    ]
