"""``teletravail desserte QUERY``: rail service of the stations of a commune or an EPCI."""

from __future__ import annotations

import json
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from teletravail import settings
from teletravail.cli.common import parse_day, resolve_one
from teletravail.cli.errors import handle_errors
from teletravail.rail.calendar import FEED_LABELS, reference_day
from teletravail.rail.config import rail_settings
from teletravail.rail.service import compute_rail_service
from teletravail.rail.stations import (
    StationService,
    load_station_services,
    territory_stations,
)
from teletravail.territory.lookup import Entry
from teletravail.warehouse import open_warehouse

console = Console()
_JOURS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")

LIMITE = (
    "Horaires SNCF TER et grandes lignes (TGV INOUI, OUIGO, ICE, Lyria) : les trains Transilien "
    "et Intercités n'y figurent pas, une gare desservie seulement par eux apparaît sans desserte."
)


class Format(StrEnum):
    """Output format."""

    text = "text"
    json = "json"


def _hhmm(value: str | None) -> str:
    """Service-day time for people: ``24:10`` becomes ``00:10 (lendemain)``."""
    if value is None:
        return "—"
    hours, minutes = value.split(":")
    if int(hours) >= 24:
        return f"{int(hours) - 24:02d}:{minutes} (lendemain)"
    return value


def _h(hhmm: str) -> str:
    """``09:00`` -> ``9h``, ``17:30`` -> ``17h30``."""
    hours, minutes = hhmm.split(":")
    return f"{int(hours)}h" + ("" if minutes == "00" else minutes)


def _duration(minutes: int) -> str:
    return f"{minutes // 60} h {minutes % 60:02d}" if minutes >= 60 else f"{minutes} min"


def _render(entry: Entry, day: date, transfer: int, services: list[StationService]) -> None:
    cfg = rail_settings()
    kind = "commune" if entry.kind == "commune" else "EPCI"
    console.print(
        f"[bold]Desserte ferroviaire — {entry.nom} ({kind} {entry.code})[/]\n"
        f"Jour de référence : {_JOURS[day.weekday()]} {day:%d/%m/%Y} ; correspondance d'au moins {transfer} min, "
        "au plus une correspondance."
    )
    if not services:
        console.print("Aucune gare de voyageurs SNCF sur ce territoire.")
    for s in services:
        table = Table(title=f"{s.nom} (UIC {s.uic})", title_justify="left")
        table.add_column("Indicateur", style="bold")
        table.add_column("Valeur")
        if not s.desservie:
            table.add_row("Desserte", "aucun train ni car de ces horaires ce jour-là")
        else:
            table.add_row("Départs de trains", str(s.departs_train))
            table.add_row("Départs de cars", str(s.departs_car))
            table.add_row("Gares desservies sans correspondance", str(s.destinations))
            table.add_row(
                "Premier et dernier départ",
                f"{_hhmm(s.premier_depart)} – {_hhmm(s.dernier_depart)}",
            )
            table.add_row("Horaires", ", ".join(FEED_LABELS.get(f, f) for f in s.flux))
        console.print(table)
        if s.metropoles:
            mt = Table(
                title_justify="left",
                title="Métropoles accessibles dans la journée",
                box=box.SIMPLE_HEAD,
            )
            mt.add_column("Métropole", min_width=12, overflow="fold")
            for col in (
                "Durée",
                "Corr.",
                f"Allers <{_h(cfg.arrival_before)}",
                "1re arr.",
                f"Ret. ≥{_h(cfg.return_from)}",
                "Dern. ret.",
            ):
                mt.add_column(col, justify="right")
            for m in s.metropoles:
                mt.add_row(
                    m.metropole_nom,
                    _duration(m.duree_min_minutes),
                    str(m.correspondances),
                    str(m.allers_avant_9h),
                    _hhmm(m.premiere_arrivee),
                    str(m.retours_apres_17h30),
                    _hhmm(m.dernier_retour),
                )
            console.print(mt)
    console.print(
        "[dim]Durée : trajet le plus rapide vers une gare de la métropole ; Corr. : 1 s'il "
        "demande une correspondance. Allers et retours comptés sans doublon : un trajet parti plus "
        "tôt et arrivé plus tard qu'un autre n'est pas compté. Dern. ret. : heure de départ de "
        "la métropole du dernier retour possible.[/]"
    )
    console.print(f"[dim]Source : {LIMITE}[/]")


@handle_errors
def desserte(
    query: Annotated[str, typer.Argument(help="Commune ou EPCI : nom, code INSEE, SIREN.")],
    date_: Annotated[
        str | None,
        typer.Option(
            "--date",
            help="Jour de référence AAAA-MM-JJ (défaut : un mardi hors "
            "vacances scolaires dans la validité des horaires).",
        ),
    ] = None,
    correspondance_min: Annotated[
        int, typer.Option("--correspondance-min", help="Temps minimal de correspondance (min).")
    ] = 5,
    format: Annotated[Format, typer.Option("--format", help="text ou json.")] = Format.text,
    entrepot: Annotated[
        Path | None,
        typer.Option("--entrepot", help="Entrepôt DuckDB (défaut : TELETRAVAIL_WAREHOUSE)."),
    ] = None,
) -> None:
    """Desserte des gares d'une commune ou d'un EPCI : départs, destinations, accès aux métropoles."""
    wanted = parse_day(date_)
    path = settings.warehouse_path(entrepot)
    con = open_warehouse(path)
    try:
        entry = resolve_one(path, query)
        day = reference_day(con, wanted)
        compute_rail_service(con, day=day, min_transfer_minutes=correspondance_min, temporary=True)
        uics = territory_stations(con, kind=entry.kind, code=entry.code)
        services = load_station_services(con, uics, day=day)
    finally:
        con.close()
    if format is Format.json:
        payload = {
            "territoire": {"type": entry.kind, "code": entry.code, "nom": entry.nom},
            "jour": day.isoformat(),
            "jour_par_defaut": wanted is None,
            "correspondance_min": correspondance_min,
            "seuils": {
                "arrivee_avant": rail_settings().arrival_before,
                "retour_a_partir_de": rail_settings().return_from,
            },
            "gares": [s.model_dump(mode="json") for s in services],
            "limites": LIMITE,
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        _render(entry, day, correspondance_min, services)
