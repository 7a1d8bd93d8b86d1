"""``teletravail classement acv``: the 245 Action Cœur de Ville communes ranked on attractiveness."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich.console import Console

from teletravail import settings
from teletravail.cli.common import DateOpt, EntrepotOpt, check_output, parse_day, write_output
from teletravail.cli.errors import handle_errors
from teletravail.derived import ensure_derived
from teletravail.errors import ConfigError
from teletravail.reports.ranking import acv_ranking
from teletravail.reports.tables import export_table
from teletravail.warehouse import open_warehouse

console = Console(stderr=True)


class TableFormat(StrEnum):
    """Output format of the ranking."""

    csv = "csv"
    xlsx = "xlsx"
    html = "html"
    json = "json"


@handle_errors
def classement(
    liste: Annotated[str, typer.Argument(help="Liste à classer : acv (Action Cœur de Ville).")],
    format: Annotated[TableFormat, typer.Option("--format", help="csv, xlsx, html ou json.")] = (
        TableFormat.html
    ),
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            help="Fichier produit (défaut : classement-acv.FORMAT ; csv et "
            "json sur la sortie standard).",
        ),
    ] = None,
    date_option: DateOpt = None,
    entrepot: EntrepotOpt = None,
) -> None:
    """Classer les communes Action Cœur de Ville selon les critères d'attractivité du Sénat."""
    if liste.lower() != "acv":
        raise ConfigError(f"Liste inconnue « {liste} » : seule « acv » est disponible.")
    path = settings.warehouse_path(entrepot)
    open_warehouse(path).close()
    if output is not None:
        check_output(output)  # before the computation, not after
    derived, _ = ensure_derived(path, day=parse_day(date_option))
    con = duckdb.connect(str(derived), read_only=True)
    try:
        columns, rows, notes = acv_ranking(con)
    finally:
        con.close()
    title = "Classement des communes Action Cœur de Ville : attractivité pour les télétravailleurs"
    data = export_table(columns, rows, format.value, title=title, notes=notes)
    if output is None and format in (TableFormat.csv, TableFormat.json):
        typer.echo(data.decode("utf-8").lstrip("\ufeff"), nl=False)
        return
    target = output or Path(f"classement-acv.{format.value}")
    write_output(target, data)
    console.print(f"Classement écrit : {target} ({len(rows)} communes)")
