"""``teletravail diagnostic QUERY``: the telework diagnostic report of a commune or an EPCI."""

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
from teletravail.reports.diagnostic import build_report
from teletravail.reports.render import render_html, render_json, render_markdown, render_pdf
from teletravail.territory.resolve import resolve_one
from teletravail.warehouse import open_warehouse

console = Console(stderr=True)


class ReportFormat(StrEnum):
    """Output format of the report."""

    html = "html"
    pdf = "pdf"
    json = "json"
    md = "md"


@handle_errors
def diagnostic(
    query: Annotated[str, typer.Argument(help="Commune ou EPCI : nom, code INSEE ou SIREN.")],
    format: Annotated[ReportFormat, typer.Option("--format", help="html, pdf, json ou md.")] = (
        ReportFormat.html
    ),
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            help="Fichier produit (défaut : diagnostic-CODE.html/.pdf ; "
            "json et md sur la sortie standard).",
        ),
    ] = None,
    date_option: DateOpt = None,
    correspondance_min: Annotated[
        int,
        typer.Option(
            "--correspondance-min",
            min=0,
            max=60,
            help="Temps minimal de correspondance, en minutes.",
        ),
    ] = 5,
    carte: Annotated[
        str | None, typer.Option("--carte", help="Indicateur communal de la carte.")
    ] = None,
    entrepot: EntrepotOpt = None,
) -> None:
    """Produire le rapport de diagnostic télétravail d'une commune ou d'un EPCI."""
    path = settings.warehouse_path(entrepot)
    open_warehouse(path).close()  # clear message when absent
    entry = resolve_one(path, query)
    if output is not None:
        check_output(output)  # before the computation, not after
    derived, day = ensure_derived(
        path, day=parse_day(date_option), min_transfer_minutes=correspondance_min
    )
    con = duckdb.connect(str(derived), read_only=True)
    try:
        report = build_report(con, entry, day=day, map_indicator=carte)
    finally:
        con.close()
    if format in (ReportFormat.json, ReportFormat.md) and output is None:
        typer.echo(render_json(report) if format is ReportFormat.json else render_markdown(report))
        return
    target = output or Path(f"diagnostic-{entry.code}.{format.value}")
    if format is ReportFormat.pdf:
        write_output(target, render_pdf(report))
    elif format is ReportFormat.html:
        write_output(target, render_html(report))
    elif format is ReportFormat.json:
        write_output(target, render_json(report))
    else:
        write_output(target, render_markdown(report))
    console.print(f"Rapport écrit : {target} ({entry.nom}, desserte du {day.strftime('%d/%m/%Y')})")
