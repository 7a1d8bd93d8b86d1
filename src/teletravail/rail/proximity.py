"""Which stations serve a commune: those inside it and those near its centre.

Rule (declared in ``service.toml``, ``[proximite] rayon_km``): a station of the ``stations`` table
serves a commune when it lies in the commune (``stations.commune_code``) or within ``rayon_km``
kilometres (great circle) of the commune's centre (``commune_centres``), whatever commune it lies
in. Compiègne's station lies in Margny-lès-Compiègne, Saint-Avold's in Valmont: the rule gives them
their station. A territory made of several communes is served by the union of its members'
stations, each station counted once.
"""

from __future__ import annotations

from teletravail.rail.config import rail_settings, table_ref

KM_PER_DEGREE_LAT = 111.2  # one degree of latitude, km (mean Earth radius 6,371 km)


def gc_km_sql(lat1: str, lon1: str, lat2: str, lon2: str) -> str:
    """SQL great-circle distance in km (haversine, mean Earth radius 6,371 km)."""
    return (
        f"2 * 6371.0 * asin(sqrt(pow(sin(radians({lat2} - {lat1}) / 2), 2) + cos(radians({lat1}))"
        f" * cos(radians({lat2})) * pow(sin(radians({lon2} - {lon1}) / 2), 2)))"
    )


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _near_sql(points: str, key: str, centres: str, radius: float) -> str:
    """SELECT c.commune_code, <points>.*, distance_km for points within ``radius`` of a centre."""
    # grid of cells wider than the radius (in latitude, and in longitude up to 56.6° N where a
    # degree of longitude is 0.55 of a degree of latitude): a point is compared with the centres
    # of its cell and of the 8 around it (hash join instead of a comparison of every pair)
    cell = max(radius / (KM_PER_DEGREE_LAT * 0.55), 0.01)
    dist = gc_km_sql("c.lat", "c.lon", "s.lat", "s.lon")
    return f"""
        WITH cs AS (
            SELECT commune_code, lat, lon, floor(lat / {cell!r})::BIGINT AS gy,
                   floor(lon / {cell!r})::BIGINT AS gx
            FROM {centres} WHERE lat IS NOT NULL AND lon IS NOT NULL),
        ss AS (
            SELECT s.{key} AS point_key, s.commune_code AS point_commune, s.lat, s.lon,
                   floor(s.lat / {cell!r})::BIGINT + dy AS gy,
                   floor(s.lon / {cell!r})::BIGINT + dx AS gx
            FROM {points} s, range(-1, 2) a(dy), range(-1, 2) b(dx)
            WHERE s.lat IS NOT NULL AND s.lon IS NOT NULL)
        SELECT c.commune_code, s.point_key, {dist} AS distance_km,
               s.point_commune IS NOT DISTINCT FROM c.commune_code AS dans_commune
        FROM cs c JOIN ss s ON s.gy = c.gy AND s.gx = c.gx
        WHERE {dist} <= {radius!r}
        UNION ALL
        SELECT s.commune_code, s.{key}, {dist}, TRUE
        FROM {points} s LEFT JOIN {centres} c ON c.commune_code = s.commune_code
        WHERE s.commune_code IS NOT NULL
    """


def missing_networks_sql(source: str | None = None, radius_km: float | None = None) -> str:
    """SELECT commune_code, osm_id, nom, distance_km, reseaux VARCHAR[], lignes VARCHAR[]: the
    OpenStreetMap stations (``osm_gares``) serving each commune (same rule as
    :func:`commune_stations_sql`) that belong to a network absent from the GTFS feeds (RER,
    Transilien, Intercités, Corsican railway; ``service.toml``), with those networks and their
    lines (for RER and Transilien stations, every mapped line)."""
    cfg = rail_settings()
    radius = cfg.station_radius_km if radius_km is None else float(radius_km)
    osm = table_ref(source, "osm_gares")
    centres = table_ref(source, "commune_centres")
    types = " ".join(f"WHEN {_lit(t)} THEN {_lit(label)}" for t, label in cfg.missing_network_types)
    corsica = ", ".join(_lit(d) for d in cfg.corsica_departements) or "NULL"
    classified = f"""
        SELECT o.osm_id, o.nom, o.lat, o.lon, o.commune_code,
               list_filter([
                   CASE o.type {types} END,
                   CASE WHEN len(list_filter(o.lignes, lambda x: regexp_matches(x, {_lit(cfg.intercites_lines)}))) > 0
                        THEN 'Intercités' END,
                   CASE WHEN len(list_filter(o.lignes, lambda x: regexp_matches(x, {_lit(cfg.corsica_lines)}))) > 0
                          OR (o.type = 'train'
                              AND list_contains([{corsica}], left(o.commune_code, 2)))
                        THEN 'Chemins de fer de la Corse' END], lambda x: x IS NOT NULL) AS reseaux,
               CASE WHEN o.type IN ({", ".join(_lit(t) for t, _ in cfg.missing_network_types) or "NULL"})
                    THEN o.lignes
                    ELSE list_filter(o.lignes, lambda x: regexp_matches(x, {_lit(cfg.intercites_lines)})
                                                 OR regexp_matches(x, {_lit(cfg.corsica_lines)}))
               END AS lignes
        FROM {osm} o"""
    return f"""
        WITH o AS ({classified}),
        missing AS (SELECT * FROM o WHERE len(reseaux) > 0),
        near AS ({_near_sql("missing", "osm_id", centres, radius)})
        SELECT n.commune_code, m.osm_id, m.nom, min(n.distance_km) AS distance_km,
               any_value(m.reseaux) AS reseaux, any_value(m.lignes) AS lignes
        FROM near n JOIN missing m ON m.osm_id = n.point_key
        GROUP BY n.commune_code, m.osm_id, m.nom
    """


def commune_stations_sql(source: str | None = None, radius_km: float | None = None) -> str:
    """SELECT commune_code, uic, distance_km, dans_commune: every (commune, station serving it).

    ``distance_km``: great-circle distance from the commune's centre to the station (NULL when one
    of them has no position); ``dans_commune``: the station lies in the commune. ``radius_km``
    defaults to ``service.toml``.
    """
    radius = rail_settings().station_radius_km if radius_km is None else float(radius_km)
    stations = table_ref(source, "stations")
    centres = table_ref(source, "commune_centres")
    return f"""
        SELECT point_commune_code AS commune_code, point_key AS uic, min(distance_km) AS distance_km,
               bool_or(dans_commune) AS dans_commune
        FROM ({_near_sql(stations, "uic", centres, radius)}) AS n(point_commune_code, point_key,
                                                                 distance_km, dans_commune)
        GROUP BY point_commune_code, point_key
    """
