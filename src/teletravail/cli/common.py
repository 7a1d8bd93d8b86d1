"""Pieces shared by the commands: options and date parsing (resolving a query to one territory is
``teletravail.territory.resolve.resolve_one``, shared with the web pages)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from teletravail.errors import ConfigError

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
