"""``teletravail navettes QUERY``: where the employed residents of a commune or an EPCI work."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from teletravail import format_fr, settings
from teletravail.cli.errors import handle_errors
from teletravail.cli.territory import Format
from teletravail.navettes.profile import CommuteProfile, commute_profile
from teletravail.territory.resolve import resolve_one
from teletravail.warehouse import open_warehouse

console = Console()


def _n(value: float, decimals: int = 0) -> str:
    return format_fr.format_decimal(value, decimals)


def render_profile(p: CommuteProfile) -> None:
    """Print the profile: summary lines, then the main destinations."""
    word = "Estimation" if p.statut == "estimation" else "Mesure"
    console.print(f"[bold]{p.territoire} ({p.code}) — navettes domicile-travail[/]")
    console.print(f"{word} : {p.methode} ({p.reference}).")
    inside = "la commune" if p.type == "commune" else "l'EPCI"
    console.print(
        f"Actifs occupés résidents : {_n(p.actifs)} ; distance moyenne {_n(p.distance_moyenne_km, 1)}"
        f" km, médiane {_n(p.distance_mediane_km, 1)} km (aller, à vol d'oiseau) ; "
        f"{_n(p.part_plus_20km, 1)} % à plus de 20 km ; {_n(p.part_travaillant_dans_territoire, 1)}"
        f" % travaillent dans {inside}."
    )
    table = Table(title="Principales destinations", title_justify="left")
    for col in ("Commune de travail", "Code", "Actifs", "Part", "Distance"):
        table.add_column(col)
    for d in p.destinations:
        table.add_row(
            d.nom, d.code, _n(d.actifs), f"{_n(d.part, 1)} %", f"{_n(d.distance_km, 1)} km"
        )
    console.print(table)
    if p.statut == "estimation":
        console.print(
            "[dim]Estimation : flux calculés par un modèle à partir des actifs occupés et des "
            "emplois de chaque commune (INSEE, RP 2018), calé sur des chiffres nationaux publiés "
            "(Insee Première n°1605) ; voir docs/methodologie/navettes.md. Ils seront remplacés "
            "par les flux mesurés (MOBPRO) quand ce fichier sera dans les données.[/]"
        )


@handle_errors
def navettes(
    query: Annotated[str, typer.Argument(help="Commune ou EPCI : nom, code INSEE ou SIREN.")],
    format: Annotated[Format, typer.Option("--format", help="text ou json.")] = Format.text,
    top: Annotated[int, typer.Option("--top", help="Nombre de destinations affichées.")] = 10,
    entrepot: Annotated[
        Path | None,
        typer.Option("--entrepot", help="Entrepôt DuckDB (défaut : TELETRAVAIL_WAREHOUSE)."),
    ] = None,
) -> None:
    """Où travaillent les actifs d'une commune ou d'un EPCI (estimation ou flux mesurés)."""
    path = settings.warehouse_path(entrepot)
    con = open_warehouse(path)
    try:
        entry = resolve_one(path, query)
        profile = commute_profile(con, entry.kind, entry.code, entry.nom, top=top)
    finally:
        con.close()
    if profile is None:
        message = (
            f"{entry.nom} ({entry.code}) : donnée non disponible (aucun actif occupé résident "
            "dans les flux domicile-travail)."
        )
        if format is Format.json:
            typer.echo(
                json.dumps(
                    {"statut": "donnee_non_disponible", "message": message},
                    ensure_ascii=False,
                    indent=2,
                )
            )
        else:
            console.print(message)
        return
    if format is Format.json:
        typer.echo(json.dumps(profile.model_dump(mode="json"), ensure_ascii=False, indent=2))
    else:
        render_profile(profile)
