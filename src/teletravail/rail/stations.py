"""Reading the rail service of some stations: the stations of a territory and their rows of
``desserte_gares`` / ``desserte_metropoles`` (made by :func:`compute_rail_service`) as models.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import duckdb
from pydantic import BaseModel, ConfigDict

from teletravail.rail.config import table_ref


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


def territory_stations(
    con: duckdb.DuckDBPyConnection, *, kind: str, code: str, source: str | None = None
) -> list[str]:
    """UICs (``stations.uic``) of the stations of a commune (``kind`` ``commune``, INSEE code) or
    an EPCI (``epci``, SIREN), busiest first (passengers 2023), then by name."""
    stations = table_ref(source, "stations")
    members = table_ref(source, "epci_membres")
    where = (
        "s.commune_code = $code"
        if kind == "commune"
        else f"s.commune_code IN (SELECT commune_code FROM {members} WHERE epci_siren = $code)"
    )
    rows = con.execute(
        f"SELECT s.uic FROM {stations} s WHERE {where} "
        "ORDER BY s.voyageurs_2023 DESC NULLS LAST, s.nom",
        {"code": code},
    ).fetchall()
    return [str(r[0]) for r in rows]


def load_station_services(
    con: duckdb.DuckDBPyConnection, uics: Sequence[str], *, day: date, source: str | None = None
) -> list[StationService]:
    """The service of ``uics`` on ``day`` (in the given order), read from ``desserte_gares`` and
    ``desserte_metropoles``; métropoles sorted by fastest journey."""
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
