"""What the territory views and the API share: search, entry by kind and code, card.

The warehouse is the one named by the ``TELETRAVAIL_WAREHOUSE`` Django setting. Each server process
keeps one read-only connection to it (opening one costs about 40 ms, see ``teletravail.web.warehouse``)
and caches the cards it built (about 30 ms each); a rebuilt warehouse (another file at the same path)
is picked up at the next request without a restart, and the cards of the old build are dropped.
Requests take a cursor of the shared connection.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Literal

import duckdb

from teletravail.errors import LookupFailed
from teletravail.territory.card import TerritoryCard, card_for
from teletravail.territory.lookup import Entry, LookupResult, gazetteer_for
from teletravail.web import warehouse as web_warehouse

Kind = Literal["commune", "epci"]
KIND_LABELS: dict[str, str] = {"commune": "Commune", "epci": "EPCI"}


def warehouse() -> Path:
    """The warehouse file the application reads, checked (WarehouseError when missing or
    unreadable) and reopened when a new build replaced it."""
    return Path(web_warehouse.current().path)


def cursor() -> duckdb.DuckDBPyConnection:
    """A cursor on this process's read-only connection to the current warehouse."""
    return web_warehouse.cursor()


def search(query: str, *, limit: int = 20) -> LookupResult:
    """Ranked candidates for a free-text query (name, INSEE code, SIREN or postal code)."""
    return gazetteer_for(warehouse()).search(query, limit=limit)


def entry(kind: str, code: str) -> Entry:
    """The commune or EPCI with this code; LookupFailed when there is none."""
    for e in gazetteer_for(warehouse()).by_code.get(code, []):
        if e.kind == kind:
            return e
    label = "commune (code INSEE)" if kind == "commune" else "EPCI (SIREN)"
    raise LookupFailed(f"Territoire introuvable : aucune {label} n'a le code « {code} ».")


@functools.lru_cache(maxsize=4096)
def _card(build: web_warehouse.Build, kind: str, code: str) -> TerritoryCard:
    con = web_warehouse.cursor()
    try:
        return card_for(con, entry(kind, code))
    finally:
        con.close()


web_warehouse.on_new_build(_card.cache_clear)


def card(kind: str, code: str) -> TerritoryCard:
    """The card of the commune or EPCI with this code (cached per warehouse build)."""
    return _card(web_warehouse.current(), kind, code)


def candidates_json(result: LookupResult) -> list[dict[str, object]]:
    """Candidates in the CLI's JSON shape (docs/territoire-json.md)."""
    return [
        {
            "type": m.entry.kind,
            "code": m.entry.code,
            "nom": m.entry.nom,
            "detail": m.entry.detail,
            "population": m.entry.population,
            "correspondance": m.tier.name.lower(),
        }
        for m in result.matches
    ]
