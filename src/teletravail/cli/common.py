"""Pieces shared by the commands: options, date parsing, resolving a query to one territory."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from teletravail.errors import ConfigError, LookupFailed
from teletravail.territory.lookup import Entry, gazetteer_for

EntrepotOpt = Annotated[
    Path | None,
    typer.Option("--entrepot", help="Entrepôt DuckDB (défaut : TELETRAVAIL_WAREHOUSE)."),
]
DateOpt = Annotated[
    str | None, typer.Option("--date", help="Jour de référence de la desserte (AAAA-MM-JJ).")
]


def parse_day(text: str | None) -> date | None:
    """``YYYY-MM-DD`` -> date; a clear message otherwise."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ConfigError(
            f"Date illisible « {text} » : utilisez le format AAAA-MM-JJ, par exemple "
            "--date 2025-01-28."
        ) from None


def resolve_one(path: Path, query: str) -> Entry:
    """The single territory matching ``query``; LookupFailed listing the candidates otherwise."""
    result = gazetteer_for(path).search(query)
    if not result.matches:
        raise LookupFailed(
            f"Aucun territoire ne correspond à « {query} ». Essayez le nom de la commune ou de "
            "l'EPCI, son code INSEE (5 caractères) ou son SIREN (9 chiffres)."
        )
    if not result.resolved or result.best is None:
        names = ", ".join(f"{m.entry.nom} ({m.entry.code})" for m in result.matches[:6])
        raise LookupFailed(
            f"« {query} » désigne plusieurs territoires : {names}. Précisez avec le code INSEE "
            "ou le SIREN."
        )
    return result.best
