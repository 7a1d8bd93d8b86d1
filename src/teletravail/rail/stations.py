"""Reading the rail service of some stations: the stations of a territory and their rows of
``desserte_gares`` / ``departs_heure`` / ``desserte_metropoles`` (made by
:func:`teletravail.rail.service.compute_rail_service`) as models.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import duckdb
from pydantic import BaseModel, ConfigDict

from teletravail.errors import WarehouseError
from teletravail.rail.config import table_ref
from teletravail.rail.proximity import commune_stations_sql, missing_networks_sql


class MetropoleAccess(BaseModel):
    """Journeys with at most one change between a station and a métropole, one day.

    Times ``HH:MM`` of the service day (``24:10`` = 0:10 the next morning); durations in minutes.
    """

    model_config = ConfigDict(frozen=True)

    metropole_siren: str
    metropole_nom: str
    duree_min_minutes: int
    correspondances: int
    allers_avant_9h: int
    premiere_arrivee: str
    retours_apres_17h30: int
    dernier_retour: str | None


class StationService(BaseModel):
    """Service of one station on ``jour`` (``desservie`` False: no trip of the feeds stops there)."""

    model_config = ConfigDict(frozen=True)

    uic: str
    nom: str
    commune_code: str | None
    voyageurs_2023: int | None
    # distance (km, great circle) from the nearest centre of the territory's communes; whether
    # the station lies on the territory (else: a neighbouring commune's station within the radius)
    distance_km: float | None = None
    dans_territoire: bool = True
    jour: date
    desservie: bool
    departs_train: int
    departs_car: int
    destinations: int
    premier_depart: str | None
    dernier_depart: str | None
    flux: list[str]
    metropoles: list[MetropoleAccess]
    # Journeys that may use TER coaches, only where they differ from the train-only ones
    # (faster, more departures before 9:00, later return, or a métropole reachable by coach only).
    metropoles_avec_car: list[MetropoleAccess] = []


class HourlyDepartures(BaseModel):
    """Trips leaving a station in one hour of the service day (``heure`` 24 and more: after
    midnight), by train and by coach (definition of ``desserte_gares``)."""

    model_config = ConfigDict(frozen=True)

    heure: int
    train: int
    car: int


class MissingNetworkStation(BaseModel):
    """An OpenStreetMap station near the territory on a network absent from the GTFS feeds.

    Presence and mapped lines only: no timetable exists for it in the data.
    """

    model_config = ConfigDict(frozen=True)

    nom: str
    distance_km: float | None
    reseaux: list[str]
    lignes: list[str]


def _communes_of(kind: str, source: str | None) -> str:
    members = table_ref(source, "epci_membres")
    if kind == "commune":
        return "SELECT $code AS commune_code"
    return f"SELECT commune_code FROM {members} WHERE epci_siren = $code"


def territory_station_distances(
    con: duckdb.DuckDBPyConnection, *, kind: str, code: str, source: str | None = None
) -> dict[str, tuple[float | None, bool]]:
    """Stations serving a commune (``kind`` ``commune``, INSEE code) or an EPCI (``epci``, SIREN):
    UIC -> (distance in km from the nearest member centre, station on the territory). Rule of
    :mod:`teletravail.rail.proximity`: the stations of its communes and those within the declared
    radius of a member commune's centre, each once."""
    rows = con.execute(
        f"""
        SELECT c.uic, min(c.distance_km), bool_or(c.dans_commune)
        FROM ({commune_stations_sql(source)}) c
        WHERE c.commune_code IN ({_communes_of(kind, source)})
        GROUP BY c.uic
        """,
        {"code": code},
    ).fetchall()
    return {str(r[0]): (r[1], bool(r[2])) for r in rows}


def territory_stations(
    con: duckdb.DuckDBPyConnection,
    *,
    kind: str,
    code: str,
    source: str | None = None,
    distances: dict[str, tuple[float | None, bool]] | None = None,
) -> list[str]:
    """UICs (``stations.uic``) of the stations serving a commune or an EPCI (see
    :func:`territory_station_distances`): those on the territory first, busiest first
    (passengers 2023), then by name. ``distances``: that function's answer when the caller has
    it already (it is then not computed again)."""
    stations = table_ref(source, "stations")
    near = (
        distances
        if distances is not None
        else territory_station_distances(con, kind=kind, code=code, source=source)
    )
    if not near:
        return []
    rows = con.execute(
        f"SELECT uic FROM {stations} WHERE list_contains($uics, uic) "
        "ORDER BY voyageurs_2023 DESC NULLS LAST, nom",
        {"uics": list(near)},
    ).fetchall()
    uics = [str(r[0]) for r in rows]
    return [u for u in uics if near[u][1]] + [u for u in uics if not near[u][1]]


def territory_missing_networks(
    con: duckdb.DuckDBPyConnection, *, kind: str, code: str, source: str | None = None
) -> list[MissingNetworkStation]:
    """OpenStreetMap stations serving the territory (same rule) on networks absent from the
    feeds (RER, Transilien, Intercités, Corsican railway), nearest first. Empty when the
    ``osm_gares`` table is absent."""
    table = table_ref(source, "osm_gares").split(".")[-1]
    present = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = $t", {"t": table}
    ).fetchone()
    if not present or not present[0]:
        return []
    rows = con.execute(
        f"""
        SELECT any_value(o.nom), min(o.distance_km), any_value(o.reseaux), any_value(o.lignes)
        FROM ({missing_networks_sql(source)}) o
        WHERE o.commune_code IN ({_communes_of(kind, source)})
        GROUP BY o.osm_id ORDER BY 2 NULLS LAST, 1
        """,
        {"code": code},
    ).fetchall()
    return [
        MissingNetworkStation(
            nom=r[0],
            distance_km=_km(r[1]),
            reseaux=list(r[2]),
            lignes=list(r[3]),
        )
        for r in rows
    ]


def _km(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None


def load_station_services(
    con: duckdb.DuckDBPyConnection,
    uics: Sequence[str],
    *,
    day: date,
    source: str | None = None,
    distances: dict[str, tuple[float | None, bool]] | None = None,
) -> list[StationService]:
    """The service of ``uics`` on ``day`` (in the given order), read from ``desserte_gares`` and
    ``desserte_metropoles``; métropoles sorted by fastest journey. ``distances``: the answer of
    :func:`territory_station_distances` (distance and on-territory flag of each station)."""
    where = distances or {}
    if not uics:
        return []
    stations = table_ref(source, "stations")
    ids = list(uics)
    base = con.execute(
        f"""
        SELECT s.uic, s.nom, s.commune_code, s.voyageurs_2023, g.uic IS NOT NULL,
               coalesce(g.departs_train, 0), coalesce(g.departs_car, 0),
               coalesce(g.destinations, 0), g.premier_depart, g.dernier_depart,
               coalesce(g.feeds, []::VARCHAR[])
        FROM {stations} s
        LEFT JOIN desserte_gares g ON g.uic = s.uic AND g.jour = $day
        WHERE list_contains($uics, s.uic)
        """,
        {"uics": ids, "day": day},
    ).fetchall()
    links: dict[str, list[MetropoleAccess]] = {}
    coach: dict[str, list[MetropoleAccess]] = {}
    for row in con.execute(
        """
        WITH m AS (SELECT * FROM desserte_metropoles WHERE jour = $day AND list_contains($uics, uic))
        SELECT uic, metropole_siren, metropole_nom, duree_min_minutes, correspondances,
               allers_avant_9h, premiere_arrivee, retours_apres_17h30, dernier_retour, mode
        FROM m WHERE mode = 'train' OR NOT EXISTS (
            SELECT 1 FROM m t WHERE t.mode = 'train' AND t.uic = m.uic
              AND t.metropole_siren = m.metropole_siren
              AND t.duree_min_minutes = m.duree_min_minutes
              AND t.allers_avant_9h = m.allers_avant_9h
              AND t.premiere_arrivee = m.premiere_arrivee
              AND t.retours_apres_17h30 = m.retours_apres_17h30
              AND t.dernier_retour IS NOT DISTINCT FROM m.dernier_retour)
        ORDER BY uic, duree_min_minutes, metropole_nom
        """,
        {"uics": ids, "day": day},
    ).fetchall():
        target = links if row[9] == "train" else coach
        target.setdefault(str(row[0]), []).append(
            MetropoleAccess(
                metropole_siren=row[1],
                metropole_nom=row[2],
                duree_min_minutes=row[3],
                correspondances=row[4],
                allers_avant_9h=row[5],
                premiere_arrivee=row[6],
                retours_apres_17h30=row[7],
                dernier_retour=row[8],
            )
        )
    by_uic = {
        str(r[0]): StationService(
            uic=r[0],
            nom=r[1],
            commune_code=r[2],
            voyageurs_2023=r[3],
            distance_km=_km(where.get(str(r[0]), (None, True))[0]),
            dans_territoire=where.get(str(r[0]), (None, True))[1],
            jour=day,
            desservie=r[4],
            departs_train=r[5],
            departs_car=r[6],
            destinations=r[7],
            premier_depart=r[8],
            dernier_depart=r[9],
            flux=list(r[10]),
            metropoles=links.get(str(r[0]), []),
            metropoles_avec_car=coach.get(str(r[0]), []),
        )
        for r in base
    }
    return [by_uic[u] for u in ids if u in by_uic]


def _require_hours(con: duckdb.DuckDBPyConnection) -> None:
    row = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'departs_heure'"
    ).fetchone()
    if not row or not row[0]:
        raise WarehouseError(
            "Table « departs_heure » absente : calculez la desserte du jour de référence "
            "(teletravail.rail.service.compute_rail_service, ou la copie dérivée de l'entrepôt)."
        )


def station_departures_by_hour(
    con: duckdb.DuckDBPyConnection, uic: str, *, day: date | None = None
) -> tuple[HourlyDepartures, ...]:
    """Departures of station ``uic`` (``stations.uic``) per hour of ``day`` (the day of the
    ``departs_heure`` table when None), read from ``departs_heure``: every hour from the first to
    the last departure hour, the hours in between without departure filled with zeros (a true
    zero: the station is served that day, no train leaves in that hour); empty when no trip leaves
    the station that day. WarehouseError when the table is absent."""
    _require_hours(con)
    rows = con.execute(
        "SELECT heure, sum(departs_train)::INTEGER, sum(departs_car)::INTEGER FROM departs_heure "
        "WHERE uic = $uic AND ($day IS NULL OR jour = $day) GROUP BY heure ORDER BY heure",
        {"uic": uic, "day": day},
    ).fetchall()
    if not rows:
        return ()
    counts = {int(r[0]): (int(r[1]), int(r[2])) for r in rows}
    return tuple(
        HourlyDepartures(heure=h, train=counts.get(h, (0, 0))[0], car=counts.get(h, (0, 0))[1])
        for h in range(min(counts), max(counts) + 1)
    )


def busiest_territory_station(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    code: str,
    *,
    day: date | None = None,
    source: str | None = None,
) -> tuple[str, str] | None:
    """(uic, nom) of the station of the territory (``kind`` ``commune`` or ``epci``, rule of
    :func:`territory_stations`) with the most train departures on ``day`` (the day of
    ``departs_heure`` when None); ties: most coach departures, then smallest UIC. None when no
    station of the territory has a departure that day. WarehouseError when ``departs_heure`` is
    absent."""
    _require_hours(con)
    uics = territory_stations(con, kind=kind, code=code, source=source)
    if not uics:
        return None
    stations = table_ref(source, "stations")
    row = con.execute(
        f"""
        SELECT h.uic, any_value(s.nom)
        FROM departs_heure h JOIN {stations} s ON s.uic = h.uic
        WHERE list_contains($uics, h.uic) AND ($day IS NULL OR h.jour = $day)
        GROUP BY h.uic
        ORDER BY sum(h.departs_train) DESC, sum(h.departs_car) DESC, h.uic
        LIMIT 1
        """,
        {"uics": uics, "day": day},
    ).fetchone()
    return (str(row[0]), str(row[1])) if row else None
