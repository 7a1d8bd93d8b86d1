"""``teletravail classement acv|gares``: the 245 Action Cœur de Ville communes ranked on
attractiveness, or their main stations against the portrait-robot of the station district."""

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
    liste: Annotated[
        str,
        typer.Argument(
            help="Liste à classer : acv (communes Action Cœur de Ville) ou gares (leurs gares "
            "principales face au portrait-robot du quartier de gare)."
        ),
    ],
    format: Annotated[TableFormat, typer.Option("--format", help="csv, xlsx, html ou json.")] = (
        TableFormat.html
    ),
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            help="Fichier produit (défaut : classement-LISTE.FORMAT ; csv et "
            "json sur la sortie standard).",
        ),
    ] = None,
    date_option: DateOpt = None,
    entrepot: EntrepotOpt = None,
) -> None:
    """Classer les communes Action Cœur de Ville selon les critères d'attractivité du Sénat."""
    which = liste.strip().lower()
    if which not in ("acv", "gares"):
        raise ConfigError(
            f"Liste inconnue « {liste} » : choisissez « acv » (communes Action Cœur de Ville) "
            "ou « gares » (leurs gares principales)."
        )
    path = settings.warehouse_path(entrepot)
    open_warehouse(path).close()
    if output is not None:
        check_output(output)  # before the computation, not after
    derived, _ = ensure_derived(path, day=parse_day(date_option))
    con = duckdb.connect(str(derived), read_only=True)
    try:
        if which == "gares":
            from teletravail.gares.ranking import acv_station_ranking

            columns, rows, notes = acv_station_ranking(con)
            title = (
                "Gares principales des communes Action Cœur de Ville face au portrait-robot du "
                "quartier de gare"
            )
        else:
            columns, rows, notes = acv_ranking(con)
            title = (
                "Classement des communes Action Cœur de Ville : attractivité pour les "
                "télétravailleurs"
            )
    finally:
        con.close()
    data = export_table(columns, rows, format.value, title=title, notes=notes)
    if output is None and format in (TableFormat.csv, TableFormat.json):
        typer.echo(data.decode("utf-8").lstrip("\ufeff"), nl=False)
        return
    target = output or Path(f"classement-{which}.{format.value}")
    write_output(target, data)
    console.print(f"Classement écrit : {target} ({len(rows)} communes)")
