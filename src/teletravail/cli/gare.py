"""``teletravail gare QUERY``: a station held against the portrait-robot of the station district."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import duckdb
import typer
from rich import box
from rich.console import Console
from rich.table import Table

from teletravail import settings
from teletravail.cli.common import DateOpt, EntrepotOpt, check_output, parse_day, write_output
from teletravail.cli.errors import handle_errors
from teletravail.errors import InputError, LookupFailed
from teletravail.gares.assess import Assessment, assess
from teletravail.gares.carte import district_map
from teletravail.gares.catalogue import Portrait, load_portrait
from teletravail.gares.display import (
    CENTILE_NOTE,
    JOURS,
    portrait_payload,
    render_station_html,
    render_station_pdf,
    source_text,
    theme_title,
    value_text,
)
from teletravail.gares.features import StationFeatures, station_features
from teletravail.gares.ranking import acv_peer_rows, percentiles_among
from teletravail.gares.resolve import StationChoice, resolve_station
from teletravail.opendata.catalogue import load_catalogue

console = Console()
_OBSERVATION = re.compile(r"^\s*([a-z][a-z0-9_]*)\s*=\s*(-?\d+)\s*$")


class Format(StrEnum):
    """Output format."""

    text = "text"
    json = "json"
    html = "html"
    pdf = "pdf"


def parse_observations(items: list[str]) -> dict[str, int | None]:
    """``["stationnement_velo=2", ...]`` -> ``{"stationnement_velo": 2}``; InputError in French
    for a malformed item (levels and ids are checked by :func:`teletravail.gares.assess.assess`)."""
    found: dict[str, int | None] = {}
    for item in items:
        match = _OBSERVATION.match(item)
        if match is None:
            raise InputError(
                f"Observation illisible « {item} » : écrivez IDENTIFIANT=NIVEAU, par exemple "
                "--observation stationnement_velo=2 (niveau de 0 à 3).",
                field="observation",
            )
        found[match.group(1)] = int(match.group(2))
    return found


def _station_features(every: list[StationFeatures], uic: str) -> dict[str, Any]:
    """The station's fields (``StationFeatures`` as a JSON-ready dict) among every station's."""
    for row in every:
        if row.uic == uic:
            return dict(row.model_dump(mode="json"))
    raise LookupFailed(f"La gare {uic} n'est pas une gare de voyageurs de l'entrepôt.")


def _render(
    choice: StationChoice,
    day: date,
    fields: dict[str, Any],
    assessment: Assessment,
    portrait: Portrait,
    out: Console,
    centiles: dict[str, int] | None = None,
) -> None:
    commune = fields.get("commune_nom")
    where = f" — {commune} ({fields.get('commune_code')})" if commune else ""
    out.print(f"[bold]Portrait de la gare {choice.nom} (UIC {choice.uic}){where}[/]")
    out.print(f"Gare retenue : {choice.regle}. Horaires du {JOURS[day.weekday()]} {day:%d/%m/%Y}.")
    out.print("Échelle : " + ", ".join(f"{lv.valeur} {lv.libelle}" for lv in portrait.levels) + ".")
    if centiles:
        out.print(CENTILE_NOTE)
    citations = {s.id: s.citation for s in load_catalogue()}
    for theme in portrait.themes:
        table = Table(
            title=theme_title(assessment, theme.id), title_justify="left", box=box.SIMPLE_HEAD
        )
        table.add_column("Caractéristique", overflow="fold")
        table.add_column("Valeur", overflow="fold")
        table.add_column("Niveau", overflow="fold")
        table.add_column("Source", overflow="fold")
        for level in assessment.caracteristiques:
            if level.theme != theme.id:
                continue
            shown = (
                f"{level.niveau} {level.niveau_libelle}"
                if level.niveau is not None
                else level.niveau_libelle
            )
            table.add_row(
                level.libelle,
                value_text(level, fields, centiles),
                shown,
                source_text(level, citations, fields),
            )
        out.print(table)
    if assessment.ecarts:
        out.print("[bold]Écarts au portrait-robot et actions[/]")
        for gap in assessment.ecarts:
            out.print(f"- {gap.libelle} : niveau {gap.niveau} « {gap.niveau_libelle} »")
            for action in gap.actions:
                out.print(f"    • {action.texte} Porteurs : {', '.join(action.porteurs)}.")
    else:
        out.print("Aucun écart parmi les caractéristiques évaluées.")
    if assessment.a_observer:
        out.print("[bold]Observations à faire sur place[/]")
        for item in assessment.a_observer:
            out.print(f"- {item.libelle} (« {item.id} ») : {item.question}")
            for n, answer in enumerate(item.reponses):
                out.print(f"    {n}. {answer}")
    out.print(
        f"[dim]Règle des thèmes : {assessment.regle_theme}. Méthode : document « Portrait-robot "
        "du quartier de gare » (/methodologie/portrait-gare/).[/]"
    )


@handle_errors
def gare(
    query: Annotated[
        str, typer.Argument(help="Gare (nom ou code UIC) ou commune (sa gare la plus desservie).")
    ],
    format: Annotated[
        Format, typer.Option("--format", help="text, json, html ou pdf.")
    ] = Format.text,
    observation: Annotated[
        list[str] | None,
        typer.Option(
            "--observation",
            help="Observation de terrain IDENTIFIANT=NIVEAU (0 à 3), répétable.",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", help="Fichier produit (défaut : sortie standard)."),
    ] = None,
    date_option: DateOpt = None,
    entrepot: EntrepotOpt = None,
) -> None:
    """Portrait d'une gare face au portrait-robot du quartier de gare : niveaux, écarts, actions."""
    observations = parse_observations(observation or [])
    assess({}, observations)  # unknown ids and bad levels said before any computation
    if output is not None:
        check_output(output)
    path = settings.warehouse_path(entrepot)
    from teletravail.derived import ensure_derived
    from teletravail.territory.lookup import gazetteer_for
    from teletravail.warehouse import open_warehouse

    open_warehouse(path).close()  # clear message when absent
    derived, day = ensure_derived(path, day=parse_day(date_option))
    con = duckdb.connect(str(derived), read_only=True)
    try:
        choice = resolve_station(con, gazetteer_for(path), query, day=day)
        every = station_features(con)  # once: the station and its ACV peers
        fields = _station_features(every, choice.uic)
        map_svg = district_map(con, choice.uic) if format in (Format.html, Format.pdf) else None
        centiles = percentiles_among(acv_peer_rows(con, every), fields)
    finally:
        con.close()
    assessment = assess(fields, observations)
    if format in (Format.html, Format.pdf):
        page = render_station_html(
            choice, day, fields, assessment, load_portrait(), map_svg, centiles
        )
        target = output or Path(f"gare-{choice.uic}.{format.value}")
        write_output(target, render_station_pdf(page) if format is Format.pdf else page)
        console.print(f"Portrait écrit : {target} (gare {choice.nom}, horaires du {day:%d/%m/%Y})")
        return
    if format is Format.json:
        text = json.dumps(
            portrait_payload(choice, day, fields, assessment, centiles),
            ensure_ascii=False,
            indent=2,
        )
        if output is None:
            typer.echo(text)
        else:
            write_output(output, text + "\n")
        return
    if output is not None:
        buffer = io.StringIO()
        plain = Console(file=buffer, width=120, color_system=None, force_terminal=False)
        _render(choice, day, fields, assessment, load_portrait(), plain, centiles)
        write_output(output, buffer.getvalue())
        return
    _render(choice, day, fields, assessment, load_portrait(), console, centiles)
