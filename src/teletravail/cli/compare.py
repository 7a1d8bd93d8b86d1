"""``teletravail comparer Q1 Q2 …``: the headline figures of several territories side by side."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from teletravail.cli.common import DateOpt, EntrepotOpt
from teletravail.cli.errors import handle_errors
from teletravail.errors import ConfigError


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
    format_option: Annotated[str, typer.Option("--format", help="html, pdf ou xlsx.")] = "html",
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
    from teletravail.cli.common import check_output, parse_day, write_output
    from teletravail.derived import ensure_derived
    from teletravail.reports.comparison import (
        build_comparison,
        render_html,
        render_pdf,
        render_xlsx,
        resolve_territories,
    )
    from teletravail.warehouse import open_warehouse

    try:
        format = ComparisonFormat(format_option.strip().lower())
    except ValueError:
        raise ConfigError(
            f"Format inconnu « {format_option} » : choisissez html, pdf ou xlsx."
        ) from None
    target = output or Path(f"comparaison.{format.value}")
    check_output(target)
    path = settings.warehouse_path(entrepot)
    open_warehouse(path).close()  # clear message when absent
    entries = resolve_territories(path, territoires)
    derived, day = ensure_derived(path, day=parse_day(date_option))
    con = duckdb.connect(str(derived), read_only=True)
    try:
        comparison = build_comparison(con, entries, day=day)
    finally:
        con.close()
    if format is ComparisonFormat.pdf:
        write_output(target, render_pdf(comparison))
    elif format is ComparisonFormat.xlsx:
        write_output(target, render_xlsx(comparison))
    else:
        write_output(target, render_html(comparison))
    names = ", ".join(e.nom for e in entries)
    Console(stderr=True).print(f"Comparaison écrite : {target} ({names})")
