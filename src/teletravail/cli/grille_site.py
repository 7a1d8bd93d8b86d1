"""``teletravail grille site --lat LAT --lon LON``: the data-backed facts of a candidate site for
a telework place (tool 2). The ``grille`` group registers :func:`site`."""

from __future__ import annotations

import io
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich import box
from rich.console import Console
from rich.table import Table

from teletravail import settings
from teletravail.cli.common import DateOpt, EntrepotOpt, check_output, parse_day, write_output
from teletravail.cli.errors import handle_errors
from teletravail.errors import InputError
from teletravail.grille.site import site_facts
from teletravail.grille.site_display import fact_rows
from teletravail.grille.site_models import SiteFacts, TeamThirdPlace
from teletravail.opendata.catalogue import load_catalogue

console = Console()
SITE_ID = "site"


class Format(StrEnum):
    """Output format."""

    text = "text"
    json = "json"


def parse_team_places(items: list[str]) -> list[TeamThirdPlace]:
    """``["La Cordée;48.12;-1.20", ...]`` -> team-entered tiers-lieux; InputError in French for a
    malformed item."""
    places: list[TeamThirdPlace] = []
    for item in items:
        parts = [p.strip() for p in item.split(";")]
        try:
            if len(parts) != 3 or not parts[0]:
                raise ValueError
            lat, lon = float(parts[1].replace(",", ".")), float(parts[2].replace(",", "."))
        except ValueError:
            raise InputError(
                f"Tiers-lieu illisible « {item} » : écrivez NOM;LATITUDE;LONGITUDE, par exemple "
                '--tiers-lieu "La Cordée;48.1190;-1.2050" (degrés décimaux).',
                field="tiers_lieu",
            ) from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise InputError(
                f"Tiers-lieu « {parts[0]} » : latitude entre -90 et 90, longitude entre -180 et "
                f"180 degrés (lu : {lat}, {lon}).",
                field="tiers_lieu",
            )
        places.append(TeamThirdPlace(nom=parts[0], lat=lat, lon=lon))
    return places


def _citations() -> dict[str, str]:
    return {s.id: s.citation for s in load_catalogue()}


def render_text(facts: SiteFacts, out: Console) -> None:
    """Rich tables: the facts with their sources, then the assumptions of the estimate."""
    citations = _citations()
    out.print(
        f"[bold]Site ({facts.lat}, {facts.lon}) — {facts.commune.nom} ({facts.commune.code})[/]"
    )
    out.print("Distances à vol d'oiseau (grand cercle), pas des distances par la route.")
    table = Table(title="Faits du site", title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("Fait", overflow="fold")
    table.add_column("Valeur", overflow="fold")
    table.add_column("Source", overflow="fold")
    for row in fact_rows(facts):
        table.add_row(row.libelle, row.valeur, " ; ".join(citations.get(s, s) for s in row.sources))
    out.print(table)
    out.print("[bold]Règles[/]")
    for name, rule in (
        ("Gares", facts.gares.regle),
        ("Habitants", facts.residents.regle),
        ("Navetteurs", facts.navetteurs.regle),
        ("France services", facts.france_services.regle),
        ("Foncier", facts.foncier.regle),
    ):
        out.print(f"- {name} : {rule}.")
    out.print("[bold]Hypothèses de l'estimation des télétravailleurs[/]")
    for note in facts.navetteurs.hypotheses:
        out.print(f"- {note}")


def payload(facts: SiteFacts) -> str:
    """JSON: every fact with its rule and source ids, and the citation of each source."""
    data = facts.model_dump(mode="json")
    used = sorted({s for row in fact_rows(facts) for s in row.sources})
    citations = _citations()
    data["citations"] = {s: citations.get(s, s) for s in used}
    return json.dumps(data, ensure_ascii=False, indent=2)


@handle_errors
def site(
    lat: Annotated[float, typer.Option("--lat", help="Latitude du site (degrés décimaux WGS84).")],
    lon: Annotated[float, typer.Option("--lon", help="Longitude du site (degrés décimaux WGS84).")],
    format: Annotated[Format, typer.Option("--format", help="text ou json.")] = Format.text,
    tiers_lieu: Annotated[
        list[str] | None,
        typer.Option(
            "--tiers-lieu",
            help="Tiers-lieu connu de l'équipe « NOM;LATITUDE;LONGITUDE », répétable.",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", help="Fichier produit (défaut : sortie standard)."),
    ] = None,
    date_option: DateOpt = None,
    entrepot: EntrepotOpt = None,
) -> None:
    """Faits d'un site candidat pour un lieu adapté au télétravail : gares, centre, habitants,
    navetteurs, programmes, services, foncier, densité, tiers-lieux, avec leurs sources."""
    team = parse_team_places(tiers_lieu or [])
    if output is not None:
        check_output(output)
    path = settings.warehouse_path(entrepot)
    from teletravail.derived import ensure_derived
    from teletravail.warehouse import open_warehouse

    open_warehouse(path).close()  # clear message when absent
    derived, _day = ensure_derived(path, day=parse_day(date_option))
    con = duckdb.connect(str(derived), read_only=True)
    try:
        facts = site_facts(con, [(SITE_ID, lat, lon)], tiers_lieux_equipe=team)[0]
    finally:
        con.close()
    if format is Format.json:
        text = payload(facts)
        if output is None:
            typer.echo(text)
        else:
            write_output(output, text + "\n")
        return
    if output is not None:
        buffer = io.StringIO()
        plain = Console(file=buffer, width=140, color_system=None, force_terminal=False)
        render_text(facts, plain)
        write_output(output, buffer.getvalue())
        return
    render_text(facts, console)
