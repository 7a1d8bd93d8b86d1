"""Data-backed facts of candidate sites for a telework place (tool 2), many points at once.

:func:`site_facts` reads a DERIVED warehouse connection (the warehouse plus the rail service of
a reference day, :func:`teletravail.derived.ensure_derived`) and answers one
:class:`~teletravail.grille.site_models.SiteFacts` per point, in a fixed set of SQL queries
whatever the number of points. Distances are great-circle km (« à vol d'oiseau »), never road
or walking distances. None always means « donnée non disponible », never zero.

Rules, fact by fact (sources: catalogue ids in each model):

- commune: :mod:`teletravail.grille.site_commune` (outline containing the point);
- stations: the ``NEAREST_STATIONS`` SNCF passenger stations (``stations``) nearest to the site
  within ``STATIONS_KM``; departures and fastest métropole by train as in the station portrait
  (:func:`teletravail.gares.features.station_features`, same None rules);
- centre: distance to the centre of the site's commune (geo.api.gouv.fr centre);
- residents: sum of the population municipale (COG 2026, recensement ``POPULATION_YEAR``) of
  the communes whose centre lies within 5, 10 and 20 km of the site (a commune counts whole or
  not at all; communes without a known population are left out; None when no commune centre
  lies within the radius, in very large communes such as those of Guyane);
- long commuters and teleworkers: :mod:`teletravail.grille.site_commuters`;
- programmes: the commune's ACV (convention list), PVD and ORT (ANCT list of 2026) membership;
  PVD and ORT None when the ANCT list is not loaded;
- France services: sites within ``FRANCE_SERVICES_KM`` and the nearest one (exact search);
- brownfields (Cartofriches: 0 for a commune absent from the inventory, None when not loaded)
  and vacancy (LOVAC; several rows for a merged commune: the row of its own code, else their
  mean), the rules of :mod:`teletravail.gares.features`;
- density: INSEE 7-level grid of the commune;
- tiers-lieux: the France Tiers-Lieux census (``tiers_lieux``) within ``THIRD_PLACES_KM`` when
  loaded (else « donnée non disponible »), plus every tiers-lieu entered by the team.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

import duckdb

from teletravail.diagnostic.geo import nearest_sql
from teletravail.errors import InputError
from teletravail.gares.features import StationFeatures, station_features, within_sql
from teletravail.grille.site_commune import (
    Point,
    check_points,
    gc_km,
    locate_communes,
    points_sql,
    sql_literal,
)
from teletravail.grille.site_commuters import (
    AREA_KM,
    LONG_COMMUTE_KM,
    long_commuters,
    telework_rates,
)
from teletravail.grille.site_models import (
    NOT_AVAILABLE,
    CentreDistance,
    CommuneLand,
    Density,
    FranceServicesNearby,
    LongCommuters,
    NearbyStation,
    Programmes,
    Residents,
    SiteCommune,
    SiteFacts,
    SiteStations,
    TeamThirdPlace,
    ThirdPlace,
    ThirdPlaces,
)
from teletravail.rail.proximity import gc_km_sql
from teletravail.warehouse import derived_day

NEAREST_STATIONS = 3
"""How many stations are listed at most."""
STATIONS_KM = 20.0
"""Stations farther than this are not listed (km, great circle)."""
FRANCE_SERVICES_KM = 1.0
"""France services sites are counted within this radius (km, great circle)."""
THIRD_PLACES_KM = 10.0
"""Tiers-lieux of the census are listed within this radius (km, great circle)."""
RADII_KM = (5.0, 10.0, 20.0)
"""Radii of the residents' counts (km, great circle to the commune centres)."""
POPULATION_YEAR = 2023
"""Census year of the population municipale of the COG 2026 (in force on 1 January 2026)."""

_STATION_SOURCES = ("gares", "gtfs_ter", "gtfs_longue_distance", "osm_gares")
_MACRO = "CREATE OR REPLACE TEMP MACRO _gc_km(lat1, lon1, lat2, lon2) AS " + gc_km_sql(
    "lat1", "lon1", "lat2", "lon2"
)


def _loaded(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    try:
        row = con.execute(f"SELECT count(*) FROM (SELECT 1 FROM {table} LIMIT 1)").fetchone()
    except duckdb.Error:
        return False
    return bool(row and row[0])


class _CommuneRow(NamedTuple):
    centre_km: float | None
    niveau_densite: int | None
    libelle_densite: str | None
    acv: bool | None
    pvd: bool | None
    ort: bool | None
    acv_signature: date | None
    pvd_signature: date | None
    ort_signature: date | None
    friches: int | None
    taux_vacance_pct: float | None


def _commune_rows(con: duckdb.DuckDBPyConnection, located: str) -> dict[str, _CommuneRow]:
    """Per point: centre km, density, programmes, brownfields, vacancy."""
    friches = _loaded(con, "friches_communes")
    programmes = _loaded(con, "programmes_anct")
    rows = con.execute(
        f"""
WITH p AS ({located}),
fri AS (
    SELECT commune_code, sum(nb_sites) AS n FROM friches_communes
    WHERE commune_code IN (SELECT commune_code FROM p) GROUP BY commune_code
), lv AS (
    SELECT commune_code,
           coalesce(any_value(taux_vacance_pct) FILTER (WHERE insee_com = commune_code),
                    avg(taux_vacance_pct)) AS taux
    FROM lovac_communes WHERE commune_code IN (SELECT commune_code FROM p) GROUP BY commune_code
)
SELECT p.key, round({gc_km_sql("p.lat", "p.lon", "c.lat", "c.lon")}, 2),
       c.niveau_densite, c.libelle_densite,
       c.acv, c.pvd, c.ort, c.acv_signature, c.pvd_signature, c.ort_signature,
       CASE WHEN {friches} THEN coalesce(fri.n, 0) END, round(lv.taux, 1)
FROM p LEFT JOIN communes c ON c.code = p.commune_code
LEFT JOIN fri ON fri.commune_code = p.commune_code
LEFT JOIN lv ON lv.commune_code = p.commune_code
"""
    ).fetchall()
    found: dict[str, _CommuneRow] = {}
    for r in rows:
        row = _CommuneRow(*r[1:])
        if not programmes:  # PVD and ORT come from the ANCT list of 2026 only
            row = row._replace(pvd=None, ort=None, pvd_signature=None, ort_signature=None)
        found[str(r[0])] = row
    return found


def _residents(con: duckdb.DuckDBPyConnection, area: str) -> dict[str, list[tuple[int, int]]]:
    """Per point and radius of RADII_KM: (communes counted, inhabitants)."""
    cols = ", ".join(
        f"count(*) FILTER (WHERE a.distance_km <= {r!r}), "
        f"coalesce(sum(c.population) FILTER (WHERE a.distance_km <= {r!r}), 0)"
        for r in RADII_KM
    )
    rows = con.execute(
        f"SELECT a.point_key, {cols} FROM ({area}) a JOIN communes c ON c.code = a.target_key "
        "GROUP BY a.point_key"
    ).fetchall()
    return {
        str(r[0]): [(int(r[1 + 2 * i]), int(r[2 + 2 * i])) for i in range(len(RADII_KM))]
        for r in rows
    }


def _stations(con: duckdb.DuckDBPyConnection, points: str) -> dict[str, list[tuple[str, float]]]:
    """Per point: the nearest stations within STATIONS_KM, (uic, km), nearest first."""
    targets = "SELECT uic AS key, lat, lon FROM stations WHERE lat IS NOT NULL AND lon IS NOT NULL"
    rows = con.execute(
        f"""SELECT point_key, target_key, distance_km FROM (
              SELECT *, row_number() OVER (PARTITION BY point_key
                                           ORDER BY distance_km, target_key) AS rank
              FROM ({within_sql(points, targets, STATIONS_KM)}))
            WHERE rank <= {NEAREST_STATIONS} ORDER BY point_key, rank"""
    ).fetchall()
    found: dict[str, list[tuple[str, float]]] = {}
    for key, uic, km in rows:
        found.setdefault(str(key), []).append((str(uic), float(km)))
    return found


def _station_details(con: duckdb.DuckDBPyConnection, uics: set[str]) -> dict[str, StationFeatures]:
    if not uics:
        return {}
    return {f.uic: f for f in station_features(con, uics=sorted(uics))}


def _france_services(
    con: duckdb.DuckDBPyConnection, points: str
) -> dict[str, tuple[int, str | None, str | None, float | None]]:
    """Per point: (sites within FRANCE_SERVICES_KM, nearest site's name, commune, km)."""
    targets = (
        "SELECT id_fs AS key, lat, lon FROM france_services "
        "WHERE lat IS NOT NULL AND lon IS NOT NULL"
    )
    con.execute(_MACRO)
    rows = con.execute(
        f"""WITH n AS ({nearest_sql(points, targets)}),
        w AS (SELECT point_key, count(*) AS k
              FROM ({within_sql(points, targets, FRANCE_SERVICES_KM)}) GROUP BY point_key)
        SELECT p.key, coalesce(w.k, 0), f.nom, f.lib_com, n.distance_km
        FROM ({points}) p LEFT JOIN n ON n.key = p.key
        LEFT JOIN france_services f ON f.id_fs = n.target_key
        LEFT JOIN w ON w.point_key = p.key"""
    ).fetchall()
    return {
        str(r[0]): (int(r[1]), r[2], r[3], round(float(r[4]), 2) if r[4] is not None else None)
        for r in rows
    }


def _third_places(con: duckdb.DuckDBPyConnection, points: str) -> dict[str, list[ThirdPlace]]:
    targets = (
        "SELECT id AS key, lat, lon FROM tiers_lieux WHERE lat IS NOT NULL AND lon IS NOT NULL"
    )
    rows = con.execute(
        f"""SELECT w.point_key, t.nom, t.commune_code, w.distance_km
        FROM ({within_sql(points, targets, THIRD_PLACES_KM)}) w
        JOIN tiers_lieux t ON t.id = w.target_key ORDER BY w.point_key, w.distance_km, t.nom"""
    ).fetchall()
    found: dict[str, list[ThirdPlace]] = {}
    for key, nom, commune, km in rows:
        found.setdefault(str(key), []).append(
            ThirdPlace(
                nom=str(nom or "(sans nom)"),
                commune_code=commune,
                distance_km=round(float(km), 2),
                origine="recensement",
            )
        )
    return found


def _commuter_notes(con: duckdb.DuckDBPyConnection, method: str, reference: str) -> tuple[str, ...]:
    _, rates = telework_rates(con)
    return (
        f"Navettes : {method} ({reference}) ; distance d'un trajet = distance à vol d'oiseau "
        "entre les centres des communes de résidence et de travail.",
        "Taux de télétravail par catégorie socioprofessionnelle : " + " ; ".join(rates) + ".",
        "Taux de chaque commune : ces taux nationaux appliqués à la structure par catégorie des "
        "actifs occupés de 25 à 54 ans résidents (INSEE, recensement 2011, le plus récent "
        "disponible commune par commune) ; une commune sans cette structure prend le taux de "
        "l'ensemble des communes de la zone.",
        "Le taux de la commune de résidence est appliqué à ses navetteurs de plus de "
        f"{LONG_COMMUTE_KM:g} km : ceux qui vont travailler loin sont plus souvent cadres, "
        "l'effectif estimé est donc plutôt une borne basse.",
    )


@dataclass(frozen=True)
class _Batch:
    """Every query's answer for the points, by point key."""

    day: date
    near: dict[str, list[tuple[str, float]]]
    details: dict[str, StationFeatures]
    commune_rows: dict[str, _CommuneRow]
    residents: dict[str, list[tuple[int, int]]]
    commuters: dict[str, tuple[float | None, float | None, float | None]]
    status: str
    method: str
    notes: tuple[str, ...]
    flow_sources: tuple[str, ...]
    france_services: dict[str, tuple[int, str | None, str | None, float | None]] | None
    census: bool
    census_places: dict[str, list[ThirdPlace]]
    team: tuple[TeamThirdPlace, ...]


def _stations_fact(b: _Batch, key: str) -> SiteStations:
    gares = []
    for uic, km in b.near.get(key, []):
        f = b.details.get(uic)
        gares.append(
            NearbyStation(
                uic=uic,
                nom=f.nom if f else uic,
                commune_code=f.commune_code if f else None,
                distance_km=round(km, 2),
                departs_train=f.departs_train if f else None,
                departs_car=f.departs_car if f else None,
                metropole_nom=f.metropole_nom if f else None,
                duree_metropole_min=f.duree_metropole_min if f else None,
            )
        )
    return SiteStations(
        jour=b.day,
        rayon_km=STATIONS_KM,
        nombre=NEAREST_STATIONS,
        gares=tuple(gares),
        regle=(
            f"les {NEAREST_STATIONS} gares de voyageurs SNCF les plus proches à moins de "
            f"{STATIONS_KM:g} km à vol d'oiseau ; départs de trains et d'autocars du jour de "
            "référence (horaires GTFS TER et grandes lignes ; RER, Transilien et Intercités "
            "absents des horaires : départs non connus en Île-de-France) ; durée la plus courte "
            "vers une métropole en train, une correspondance au plus"
        ),
        sources=_STATION_SOURCES,
    )


def _residents_fact(b: _Batch, key: str) -> Residents:
    counts = b.residents.get(key) or [(0, 0)] * len(RADII_KM)
    (n5, p5), (n10, p10), (n20, p20) = counts
    return Residents(
        annee=POPULATION_YEAR,
        population_5km=p5 if n5 else None,  # no commune centre within the radius: not known
        population_10km=p10 if n10 else None,
        population_20km=p20 if n20 else None,
        communes_5km=n5,
        communes_10km=n10,
        communes_20km=n20,
        regle=(
            f"somme des populations municipales (recensement {POPULATION_YEAR}, en vigueur au "
            "1er janvier 2026) des communes dont le centre est à moins de 5, 10 ou 20 km à vol "
            "d'oiseau du site ; une commune compte entière ou pas du tout ; aucun centre de "
            "commune dans le rayon : donnée non disponible"
        ),
        sources=("cog", "centres"),
    )


def _commuters_fact(b: _Batch, key: str) -> LongCommuters:
    actifs, longs, tt = b.commuters.get(key, (None, None, None))
    share = round(100.0 * longs / actifs, 1) if actifs and longs is not None else None
    rate = round(100.0 * tt / longs, 1) if longs and tt is not None else None
    return LongCommuters(
        rayon_km=AREA_KM,
        seuil_km=LONG_COMMUTE_KM,
        actifs_residents=round(actifs, 1) if actifs is not None else None,
        navetteurs_longs=round(longs, 1) if longs is not None else None,
        part_navetteurs_longs_pct=share,
        taux_teletravail_pct=rate,
        teletravailleurs_estimes=round(tt, 1) if tt is not None else None,
        statut=b.status if actifs is not None else None,
        methode=b.method,
        hypotheses=b.notes,
        regle=(
            f"actifs occupés résidant dans les communes dont le centre est à moins de "
            f"{AREA_KM:g} km du site et travaillant à plus de {LONG_COMMUTE_KM:g} km de leur "
            "commune ; télétravailleurs : estimation (taux de télétravail estimé de leur "
            "commune)"
        ),
        sources=(*b.flow_sources, "csp_2011", "reference"),
    )


def _third_places_fact(b: _Batch, key: str, lat: float, lon: float) -> ThirdPlaces:
    places = list(b.census_places.get(key, []))
    for t in b.team:
        places.append(
            ThirdPlace(
                nom=t.nom,
                commune_code=None,
                distance_km=round(gc_km(lat, lon, t.lat, t.lon), 2),
                origine="équipe",
            )
        )
    places.sort(key=lambda p: (p.distance_km, p.nom))
    statut = (
        f"recensement France Tiers-Lieux : tiers-lieux à moins de {THIRD_PLACES_KM:g} km"
        if b.census
        else f"recensement France Tiers-Lieux : {NOT_AVAILABLE} (fichier absent de l'entrepôt)"
    )
    if b.team:
        statut += " ; tiers-lieux saisis par l'équipe, à toute distance"
    return ThirdPlaces(
        rayon_km=THIRD_PLACES_KM,
        recensement_disponible=b.census,
        statut=statut,
        lieux=tuple(places),
        sources=("tiers_lieux",) if b.census else (),
    )


def _facts(b: _Batch, key: str, lat: float, lon: float, commune: SiteCommune) -> SiteFacts:
    c = b.commune_rows[key]
    fs = b.france_services.get(key) if b.france_services is not None else None
    return SiteFacts(
        id=key,
        lat=lat,
        lon=lon,
        commune=commune,
        gares=_stations_fact(b, key),
        centre=CentreDistance(
            distance_km=c.centre_km,
            regle="distance à vol d'oiseau au centre géographique de la commune "
            "(geo.api.gouv.fr, pas la mairie)",
            sources=("centres",),
        ),
        residents=_residents_fact(b, key),
        navetteurs=_commuters_fact(b, key),
        programmes=Programmes(
            acv=c.acv,
            pvd=c.pvd,
            ort=c.ort,
            acv_signature=c.acv_signature,
            pvd_signature=c.pvd_signature,
            ort_signature=c.ort_signature,
            sources=("acv", "programmes_anct"),
        ),
        france_services=FranceServicesNearby(
            rayon_km=FRANCE_SERVICES_KM,
            nombre=fs[0] if fs else None,
            plus_proche_nom=fs[1] if fs else None,
            plus_proche_commune=fs[2] if fs else None,
            plus_proche_km=fs[3] if fs else None,
            regle=f"structures labellisées à moins de {FRANCE_SERVICES_KM:g} km à vol d'oiseau, "
            "et la plus proche où qu'elle soit",
            sources=("france_services",),
        ),
        foncier=CommuneLand(
            friches=c.friches,
            friches_sources=("cartofriches",),
            taux_vacance_pct=c.taux_vacance_pct,
            vacance_sources=("lovac",),
            regle="sites de friches référencés dans la commune (0 pour une commune absente de "
            "l'inventaire) ; part des logements du parc privé vacants au 1er janvier 2025",
        ),
        densite=Density(
            niveau=c.niveau_densite,
            libelle=c.libelle_densite,
            sources=("grille_densite",),
        ),
        tiers_lieux=_third_places_fact(b, key, lat, lon),
    )


def _check_team(places: Sequence[TeamThirdPlace]) -> None:
    """InputError (French) for a team-entered tiers-lieu without a name or off the globe."""
    for place in places:
        if not place.nom.strip():
            raise InputError(
                "Tiers-lieu saisi par l'équipe sans nom : donnez son nom.", field="tiers_lieu"
            )
        if not (
            math.isfinite(place.lat)
            and math.isfinite(place.lon)
            and -90 <= place.lat <= 90
            and -180 <= place.lon <= 180
        ):
            raise InputError(
                f"Tiers-lieu « {place.nom} » : latitude entre -90 et 90, longitude entre -180 et "
                f"180 degrés décimaux (lu : {place.lat}, {place.lon}).",
                field="tiers_lieu",
            )


def site_facts(
    con: duckdb.DuckDBPyConnection,
    points: Sequence[Point],
    *,
    tiers_lieux_equipe: Sequence[TeamThirdPlace] = (),
) -> list[SiteFacts]:
    """The facts of each site ``(id, lat, lon)`` (WGS84 degrees), in the order given.

    ``tiers_lieux_equipe``: tiers-lieux entered by the team, listed for every site with their
    distance. Rules and units: the module docstring and :mod:`teletravail.grille.site_models`.
    InputError (French) for a bad coordinate or a repeated id; LookupFailed for a point outside
    France; WarehouseError when ``con`` is not a derived warehouse."""
    checked = check_points(points)
    if not checked:
        return []
    _check_team(tiers_lieux_equipe)
    day = derived_day(con)
    communes = locate_communes(con, checked)
    pts = points_sql(checked)
    pairs = ", ".join(f"({sql_literal(k)}, {sql_literal(c.code)})" for k, c in communes.items())
    located = (
        f"SELECT q.key, q.lat, q.lon, m.commune_code FROM ({pts}) q "
        f"JOIN (VALUES {pairs}) m(key, commune_code) ON m.key = q.key"
    )
    centres = "SELECT code AS key, lat, lon FROM communes WHERE lat IS NOT NULL AND lon IS NOT NULL"
    area = within_sql(pts, centres, max(*RADII_KM, AREA_KM))
    near = _stations(con, pts)
    details = _station_details(con, {u for v in near.values() for u, _ in v})
    commuters, status, method, reference = long_commuters(
        con, f"SELECT * FROM ({area}) WHERE distance_km <= {AREA_KM!r}"
    )
    census = _loaded(con, "tiers_lieux")
    batch = _Batch(
        day=day,
        near=near,
        details=details,
        commune_rows=_commune_rows(con, located),
        residents=_residents(con, area),
        commuters=commuters,
        status=status,
        method=method,
        notes=_commuter_notes(con, method, reference),
        flow_sources=("mobpro",) if status == "mesure" else ("comparateur_2018", "centres"),
        france_services=_france_services(con, pts) if _loaded(con, "france_services") else None,
        census=census,
        census_places=_third_places(con, pts) if census else {},
        team=tuple(tiers_lieux_equipe),
    )
    return [_facts(batch, key, lat, lon, communes[key]) for key, lat, lon in checked]
