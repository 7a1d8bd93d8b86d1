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
from teletravail.cli.common import parse_day
from teletravail.cli.errors import handle_errors
from teletravail.rail.calendar import FEED_LABELS, reference_day
from teletravail.rail.config import rail_settings
from teletravail.rail.service import compute_rail_service
from teletravail.rail.stations import (
    MetropoleAccess,
    MissingNetworkStation,
    StationService,
    load_station_services,
    territory_missing_networks,
    territory_station_distances,
    territory_stations,
)
from teletravail.territory.lookup import Entry
from teletravail.territory.resolve import resolve_one
from teletravail.warehouse import open_warehouse

console = Console()
_JOURS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")

LIMITE = (
    "Horaires SNCF TER et grandes lignes (TGV INOUI, OUIGO, ICE, Lyria) : les RER, Transilien, "
    "Intercités et Chemins de fer de la Corse n'y figurent pas ; les gares de ces réseaux proches "
    "du territoire sont listées d'après OpenStreetMap (extrait du 18/05/2026, ODbL), sans horaires."
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


def _metro_table(title: str, rows: list[MetropoleAccess]) -> Table:
    cfg = rail_settings()
    mt = Table(title_justify="left", title=title, box=box.SIMPLE_HEAD)
    mt.add_column("Métropole", min_width=12, overflow="fold")
    for col in (
        "Durée",
        "Corr.",
        f"Départs arr. <{_h(cfg.arrival_before)}",
        "1re arr.",
        f"Ret. ≥{_h(cfg.return_from)}",
        "Dern. ret.",
    ):
        mt.add_column(col, justify="right")
    for m in rows:
        mt.add_row(
            m.metropole_nom,
            _duration(m.duree_min_minutes),
            str(m.correspondances),
            str(m.allers_avant_9h),
            _hhmm(m.premiere_arrivee),
            str(m.retours_apres_17h30),
            _hhmm(m.dernier_retour),
        )
    return mt


def _render(
    entry: Entry,
    day: date,
    transfer: int,
    services: list[StationService],
    missing: list[MissingNetworkStation],
) -> None:
    kind = "commune" if entry.kind == "commune" else "EPCI"
    console.print(
        f"[bold]Desserte ferroviaire — {entry.nom} ({kind} {entry.code})[/]\n"
        f"Jour de référence : {_JOURS[day.weekday()]} {day:%d/%m/%Y} ; correspondance d'au moins {transfer} min, "
        "au plus une correspondance."
    )
    radius = rail_settings().station_radius_km
    if not services:
        console.print(
            f"Aucune gare de voyageurs SNCF sur ce territoire ni à moins de {radius:g} km du "
            "centre de ses communes."
        )
    for s in services:
        where = "" if s.dans_territoire else ", hors du territoire"
        km = (
            f", {s.distance_km:.1f} km du centre".replace(".", ",")
            if s.distance_km is not None
            else ""
        )
        table = Table(title=f"{s.nom} (UIC {s.uic}{km}{where})", title_justify="left")
        table.add_column("Indicateur", style="bold")
        table.add_column("Valeur")
        if not s.desservie:
            table.add_row(
                "Desserte",
                "aucun train ni car des horaires disponibles (TER, grandes lignes) ce jour-là"
                + (
                    " ; desserte par les réseaux absents des horaires : donnée non disponible"
                    if missing
                    else ""
                ),
            )
        else:
            table.add_row("Départs de trains", str(s.departs_train))
            table.add_row("Départs de cars", str(s.departs_car))
            table.add_row("Gares desservies sans correspondance", str(s.destinations))
            table.add_row(
                "Premier et dernier départ",
                f"{_hhmm(s.premier_depart)} – {_hhmm(s.dernier_depart)}",
            )
            table.add_row("Horaires", ", ".join(FEED_LABELS.get(f, f) for f in s.flux))
            table.add_row(
                "Arrêt TGV (flux grandes lignes)",
                "oui" if "longue_distance" in s.flux else "aucun ce jour-là",
            )
        console.print(table)
        if s.metropoles:
            console.print(
                _metro_table("Métropoles accessibles dans la journée, en train", s.metropoles)
            )
        if s.metropoles_avec_car:
            console.print(
                _metro_table(
                    "En acceptant les cars TER (seulement ce qui change par rapport au train)",
                    s.metropoles_avec_car,
                )
            )
    if missing:
        mt = Table(
            title=f"Gares proches sur des réseaux absents des horaires (OpenStreetMap, à moins de "
            f"{radius:g} km) : desserte non chiffrée",
            title_justify="left",
            box=box.SIMPLE_HEAD,
        )
        mt.add_column("Gare")
        mt.add_column("Distance", justify="right")
        mt.add_column("Réseaux")
        mt.add_column("Lignes", overflow="fold")
        for m in missing:
            km = f"{m.distance_km:.1f} km".replace(".", ",") if m.distance_km is not None else "—"
            mt.add_row(m.nom, km, ", ".join(m.reseaux), ", ".join(m.lignes) or "—")
        console.print(mt)
    console.print(
        "[dim]Durée : trajet le plus rapide vers une gare de la métropole ; Corr. : 1 s'il "
        "demande une correspondance. Départs arr. <9h : trains distincts qui, pris à la gare, "
        "permettent d'arriver dans la métropole avant 9 h (directement ou avec une correspondance). "
        "Retours comptés sans doublon : un retour parti plus tôt et arrivé plus tard qu'un autre "
        "n'est pas compté. Dern. ret. : heure de départ de la métropole du dernier retour possible. "
        "Les cars TER (y compris ceux que le flux range sous des lignes de train) sont comptés à "
        "part.[/]"
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
        distances = territory_station_distances(con, kind=entry.kind, code=entry.code)
        uics = territory_stations(con, kind=entry.kind, code=entry.code, distances=distances)
        services = load_station_services(con, uics, day=day, distances=distances)
        missing = territory_missing_networks(con, kind=entry.kind, code=entry.code)
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
            "rayon_km": rail_settings().station_radius_km,
            "gares": [s.model_dump(mode="json") for s in services],
            "gares_reseaux_hors_horaires": [m.model_dump(mode="json") for m in missing],
            "limites": LIMITE,
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        _render(entry, day, correspondance_min, services, missing)
