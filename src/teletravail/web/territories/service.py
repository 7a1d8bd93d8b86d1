"""What the territory views and the API share: search, entry by kind and code, card.

The warehouse is the one named by the ``TELETRAVAIL_WAREHOUSE`` Django setting, opened read-only
for each card (DuckDB read-only connections are cheap) and indexed once by the gazetteer cache.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

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


def search(query: str, *, limit: int = 20) -> LookupResult:
    """Ranked candidates for a free-text query (name, INSEE code, SIREN or postal code)."""
    path = warehouse()
    open_warehouse(path).close()  # a clear WarehouseError when the file is absent or stale
    return gazetteer_for(path).search(query, limit=limit)


def entry(kind: str, code: str) -> Entry:
    """The commune or EPCI with this code; LookupFailed when there is none."""
    for e in gazetteer_for(warehouse()).by_code.get(code, []):
        if e.kind == kind:
            return e
    label = "commune (code INSEE)" if kind == "commune" else "EPCI (SIREN)"
    raise LookupFailed(f"Territoire introuvable : aucune {label} n'a le code « {code} ».")


def card(kind: str, code: str) -> TerritoryCard:
    """The card of the commune or EPCI with this code."""
    path = warehouse()
    con = open_warehouse(path)
    try:
        return card_for(con, entry(kind, code))
    finally:
        con.close()


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
