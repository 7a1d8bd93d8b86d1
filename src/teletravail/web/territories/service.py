"""What the territory views and the API share: search, entry by kind and code, card.

The warehouse is the one named by the ``TELETRAVAIL_WAREHOUSE`` Django setting. Each server process
keeps one read-only connection to it (opening one costs about 40 ms) and caches the cards it built
(about 30 ms each); both caches are keyed by the file's modification time, so a rebuilt warehouse
is picked up without a restart. Requests take a cursor of the shared connection.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Literal

import duckdb
from django.conf import settings

from teletravail.errors import LookupFailed
from teletravail.territory.card import TerritoryCard, card_for
from teletravail.territory.lookup import Entry, LookupResult, gazetteer_for
from teletravail.warehouse import open_warehouse

Kind = Literal["commune", "epci"]
KIND_LABELS: dict[str, str] = {"commune": "Commune", "epci": "EPCI"}


def warehouse() -> Path:
    """The warehouse file the application reads."""
    return Path(settings.TELETRAVAIL_WAREHOUSE)


@functools.lru_cache(maxsize=2)
def _connection(path: str, mtime_ns: int) -> duckdb.DuckDBPyConnection:
    return open_warehouse(Path(path))  # a clear WarehouseError when absent or stale


def _stamp() -> tuple[str, int]:
    path = warehouse()
    try:
        return str(path), path.stat().st_mtime_ns
    except OSError:
        open_warehouse(path)  # raises the WarehouseError that says how to build it
        raise


def cursor() -> duckdb.DuckDBPyConnection:
    """A cursor on this process's read-only connection to the current warehouse."""
    return _connection(*_stamp()).cursor()


def search(query: str, *, limit: int = 20) -> LookupResult:
    """Ranked candidates for a free-text query (name, INSEE code, SIREN or postal code)."""
    path, mtime = _stamp()
    _connection(path, mtime)  # checks the warehouse once per build
    return gazetteer_for(Path(path)).search(query, limit=limit)


def entry(kind: str, code: str) -> Entry:
    """The commune or EPCI with this code; LookupFailed when there is none."""
    for e in gazetteer_for(warehouse()).by_code.get(code, []):
        if e.kind == kind:
            return e
    label = "commune (code INSEE)" if kind == "commune" else "EPCI (SIREN)"
    raise LookupFailed(f"Territoire introuvable : aucune {label} n'a le code « {code} ».")


@functools.lru_cache(maxsize=4096)
def _card(path: str, mtime_ns: int, kind: str, code: str) -> TerritoryCard:
    con = _connection(path, mtime_ns).cursor()
    try:
        return card_for(con, entry(kind, code))
    finally:
        con.close()


def card(kind: str, code: str) -> TerritoryCard:
    """The card of the commune or EPCI with this code (cached per warehouse build)."""
    return _card(*_stamp(), kind, code)


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
