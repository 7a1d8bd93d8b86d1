"""Resolve what a user typed to one passenger station: a UIC code, a station name or a territory.

Order of the rules (the first that answers wins):

1. digits other than an INSEE code (5) or a SIREN (9): a UIC code, 8 digits (``87471508``; the
   10-digit form ``0087471508`` is accepted), looked up in ``stations.uic`` and ``stations.uics``;
2. the whole station name, compared after :func:`teletravail.territory.normalize.normalize`
   (accents, case, hyphens: « Fontainebleau-Avon » is « Fontainebleau - Avon »); a trailing
   « Ville » of the commercial name is dropped when only that matches (« Albi-Ville » is « Albi »);
3. a commune or an EPCI named exactly (or by its code): its busiest station, the station serving
   it (rule of :func:`teletravail.rail.stations.territory_stations`) with the most train departures
   on the reference day (:func:`teletravail.rail.stations.busiest_territory_station`);
4. station names of which the query is the start of a word, and territories found by the
   gazetteer's other tiers: one answer is taken, several are listed in the French error.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

import duckdb
from pydantic import BaseModel, ConfigDict

from teletravail.errors import LookupFailed
from teletravail.rail.stations import busiest_territory_station
from teletravail.territory.lookup import Entry, Gazetteer, Tier
from teletravail.territory.normalize import normalize

_LISTED = 6


class StationChoice(BaseModel):
    """The station chosen for a query and how (``regle``, a French sentence for people)."""

    model_config = ConfigDict(frozen=True)

    uic: str
    nom: str
    par: Literal["uic", "nom", "territoire"]
    regle: str
    territoire: str | None = None  # "commune 35360" / "epci 200039022" when chosen by territory


def _stations(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, list[str]]]:
    rows = con.execute(
        "SELECT uic, nom, coalesce(uics, []::VARCHAR[]) FROM stations ORDER BY nom"
    ).fetchall()
    return [(str(r[0]), str(r[1] or ""), [str(u) for u in r[2]]) for r in rows]


def _by_uic(con: duckdb.DuckDBPyConnection, query: str, digits: str) -> StationChoice:
    uic = digits[2:] if len(digits) == 10 and digits.startswith("00") else digits
    if len(uic) != 8:
        raise LookupFailed(
            f"« {query} » : un code UIC de gare a 8 chiffres (87xxxxxx pour une gare française), "
            "un code INSEE de commune 5 caractères."
        )
    for code, nom, uics in _stations(con):
        if uic == code or uic in uics:
            return StationChoice(uic=code, nom=nom, par="uic", regle=f"code UIC {uic}")
    raise LookupFailed(
        f"Aucune gare de voyageurs n'a le code UIC « {uic} ». Vérifiez le code ou indiquez le nom "
        "de la gare ou sa commune."
    )


def _busiest(con: duckdb.DuckDBPyConnection, entry: Entry, day: date | None) -> StationChoice:
    kind = "la commune" if entry.kind == "commune" else "l'EPCI"
    found = busiest_territory_station(con, entry.kind, entry.code, day=day)
    when = f"le {day:%d/%m/%Y}" if day is not None else "le jour de référence"
    if found is None:
        raise LookupFailed(
            f"Aucune gare desservie {when} ne dessert {kind} {entry.nom} ({entry.code}). "
            "Indiquez le nom ou le code UIC d'une gare."
        )
    uic, nom = found
    return StationChoice(
        uic=uic,
        nom=nom,
        par="territoire",
        regle=f"gare qui dessert {kind} {entry.nom} ({entry.code}) avec le plus de départs de "
        f"trains {when}",
        territoire=f"{entry.kind} {entry.code}",
    )


def _word_start(name: str, norm: str) -> bool:
    return f" {name}".find(f" {norm}") >= 0


def resolve_station(
    con: duckdb.DuckDBPyConnection, gazetteer: Gazetteer, query: str, *, day: date | None = None
) -> StationChoice:
    """The one station named by ``query`` (rules in the module docstring). ``con`` holds
    ``stations`` and, for a territory, ``departs_heure`` (a derived warehouse); ``day`` the
    reference day of its timetables. LookupFailed in French, listing the candidates (up to six
    stations and six territories) when several match."""
    text = query.strip()
    if not text:
        raise LookupFailed(
            "Indiquez une gare : son nom, son code UIC (8 chiffres, 87xxxxxx) ou sa commune."
        )
    digits = re.sub(r"[\s.]", "", text)
    if digits.isdigit() and len(digits) not in (5, 9):
        return _by_uic(con, text, digits)
    stations = _stations(con)
    norm = normalize(text)
    exact = [s for s in stations if normalize(s[1]) == norm]
    if not exact and norm.endswith(" ville"):
        exact = [s for s in stations if normalize(s[1]) == norm.removesuffix(" ville")]
    if len(exact) == 1:
        return StationChoice(uic=exact[0][0], nom=exact[0][1], par="nom", regle="nom de la gare")
    result = gazetteer.search(text)
    territory = result.best if result.resolved else None
    if exact:
        partial = exact
    else:
        partial = [s for s in stations if norm and _word_start(normalize(s[1]), norm)]
        if territory is not None and result.matches[0].tier <= Tier.EXACT:
            try:
                return _busiest(con, territory, day)
            except LookupFailed:
                if not partial:  # else: the stations of that name are listed below
                    raise
        if len(partial) == 1 and territory is None:
            only = partial[0]
            return StationChoice(uic=only[0], nom=only[1], par="nom", regle="nom de la gare")
        if territory is not None and not partial:
            return _busiest(con, territory, day)
    names = [f"gare {nom} (UIC {uic})" for uic, nom, _ in partial[:_LISTED]]
    names += [
        f"{'commune' if m.entry.kind == 'commune' else 'EPCI'} {m.entry.nom} ({m.entry.code})"
        for m in result.matches[:_LISTED]
    ]
    if names:
        raise LookupFailed(
            f"« {query} » désigne plusieurs gares ou territoires : {', '.join(names)}. Précisez "
            "avec le nom complet de la gare, son code UIC ou le code INSEE de la commune."
        )
    raise LookupFailed(
        f"Aucune gare ni commune ne correspond à « {query} ». Essayez le nom de la gare, son code "
        "UIC (8 chiffres, 87xxxxxx) ou le nom ou le code INSEE de sa commune."
    )


def station_candidates(
    con: duckdb.DuckDBPyConnection,
    gazetteer: Gazetteer,
    query: str,
    *,
    day: date | None = None,
    limit: int = 20,
) -> list[StationChoice]:
    """The stations a search box should offer for ``query``: the one of :func:`resolve_station`
    when it finds a single answer; otherwise the stations whose name has a word starting with the
    query (alphabetical, at most ``limit``), then the busiest station of each territory the
    gazetteer finds (at most six), each station once. LookupFailed in French when nothing
    matches."""
    try:
        return [resolve_station(con, gazetteer, query, day=day)]
    except LookupFailed:
        norm = normalize(query.strip())
        if not norm:
            raise
        found: dict[str, StationChoice] = {}
        for uic, nom, _ in _stations(con):
            if len(found) < limit and _word_start(normalize(nom), norm):
                found[uic] = StationChoice(uic=uic, nom=nom, par="nom", regle="nom de la gare")
        for match in gazetteer.search(query).matches[:_LISTED]:
            try:
                choice = _busiest(con, match.entry, day)
            except LookupFailed:
                continue
            found.setdefault(choice.uic, choice)
        if not found:
            raise
        return list(found.values())
