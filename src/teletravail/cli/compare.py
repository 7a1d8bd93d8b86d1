"""``teletravail comparer Q1 Q2 …``: the headline figures of several territories side by side."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from teletravail.cli.common import DateOpt, EntrepotOpt
from teletravail.cli.errors import handle_errors


class ComparisonFormat(StrEnum):
    """Output format of the comparison."""

    html = "html"
    pdf = "pdf"
    xlsx = "xlsx"


@handle_errors
def comparer(
    territoires: Annotated[
        list[str],
        typer.Argument(
            help="De 2 à 12 communes ou EPCI : nom, code INSEE, SIREN ou type:code "
            "(epci:200039022)."
        ),
    ],
    format: Annotated[
        ComparisonFormat, typer.Option("--format", help="html, pdf ou xlsx.")
    ] = ComparisonFormat.html,
    output: Annotated[
        Path | None,
        typer.Option("--output", help="Fichier produit (défaut : comparaison.html/.pdf/.xlsx)."),
    ] = None,
    date_option: DateOpt = None,
    entrepot: EntrepotOpt = None,
) -> None:
    """Comparer les chiffres clés de plusieurs territoires, côte à côte."""
    # Imports kept here: the CLI must start fast (reports pull in pydantic models and duckdb).
    import duckdb
    from rich.console import Console

    from teletravail import settings
    from teletravail.cli.common import parse_day
    from teletravail.derived import ensure_derived
    from teletravail.reports.comparison import (
        build_comparison,
        render_html,
        render_pdf,
        render_xlsx,
        resolve_territories,
    )
    from teletravail.warehouse import open_warehouse

    path = settings.warehouse_path(entrepot)
    open_warehouse(path).close()  # clear message when absent
    entries = resolve_territories(path, territoires)
    derived, day = ensure_derived(path, day=parse_day(date_option))
    con = duckdb.connect(str(derived), read_only=True)
    try:
        comparison = build_comparison(con, entries, day=day)
    finally:
        con.close()
    target = output or Path(f"comparaison.{format.value}")
    if format is ComparisonFormat.pdf:
        target.write_bytes(render_pdf(comparison))
    elif format is ComparisonFormat.xlsx:
        target.write_bytes(render_xlsx(comparison))
    else:
        target.write_text(render_html(comparison), encoding="utf-8")
    names = ", ".join(e.nom for e in entries)
    Console(stderr=True).print(f"Comparaison écrite : {target} ({names})")
