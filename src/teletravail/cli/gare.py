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
from teletravail.errors import InputError, LookupFailed, WarehouseError
from teletravail.format_fr import agree_unit, format_number
from teletravail.gares.assess import Assessment, FeatureLevel, assess
from teletravail.gares.catalogue import Portrait, load_portrait
from teletravail.gares.resolve import StationChoice, resolve_station
from teletravail.opendata.catalogue import load_catalogue

console = Console()
_JOURS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_WHOLE_UNITS = frozenset({"€/m²", "actifs", "voyageurs par an"})
_OBSERVATION = re.compile(r"^\s*([a-z][a-z0-9_]*)\s*=\s*(-?\d+)\s*$")


class Format(StrEnum):
    """Output format."""

    text = "text"
    json = "json"


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


def _station_features(con: duckdb.DuckDBPyConnection, uic: str) -> dict[str, Any]:
    """The station's fields (``StationFeatures`` as a JSON-ready dict), imported lazily: the data
    side of the profile lives in its own module."""
    try:
        from teletravail.gares.features import (  # type: ignore[import-not-found, import-untyped, unused-ignore]
            station_features,
        )
    except ModuleNotFoundError as exc:
        if exc.name != "teletravail.gares.features":
            raise
        raise WarehouseError(
            "Le calcul des caractéristiques des gares (module teletravail.gares.features) n'est "
            "pas installé dans cette version."
        ) from None
    rows = station_features(con, uic=uic)
    if not rows:
        raise LookupFailed(f"La gare {uic} n'est pas une gare de voyageurs de l'entrepôt.")
    return dict(rows[0].model_dump(mode="json"))


def _hhmm(value: str) -> str:
    hours, _, minutes = value.partition(":")
    if hours.isdigit() and int(hours) >= 24:
        return f"{int(hours) - 24:02d}:{minutes} (lendemain)"
    return value


def _value_text(level: FeatureLevel, fields: dict[str, Any]) -> str:
    """A feature's value for people, with its unit and what qualifies it."""
    value = level.valeur
    if level.observation == "terrain":
        return "observé sur place" if value is not None else "à observer sur place"
    if value is None:
        return "donnée non disponible"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list):
        return ", ".join(value) if value else "aucune"
    if isinstance(value, str):
        return _hhmm(value) if level.unite == "heure" else value
    decimals = 0 if isinstance(value, int) or level.unite in _WHOLE_UNITS else 1
    text = f"{format_number(value, decimals)} {agree_unit(value, level.unite or '')}".strip()
    if level.champ == "duree_metropole_min" and fields.get("metropole_nom"):
        text += f" ({fields['metropole_nom']})"
    if level.champ == "navetteurs_metropole" and fields.get("navetteurs_statut"):
        text += f" ({fields['navetteurs_statut']})"
    return text


def _source_text(level: FeatureLevel, citations: dict[str, str]) -> str:
    if level.observation == "terrain":
        return "observation de l'équipe" if level.niveau is not None else "—"
    return " ; ".join(citations.get(s, s) for s in level.sources)


def _theme_title(assessment: Assessment, theme_id: str) -> str:
    t = next(t for t in assessment.themes if t.id == theme_id)
    level = f"niveau {t.niveau} « {t.niveau_libelle} »" if t.niveau is not None else "non évalué"
    mean = f", moyenne {format_number(t.moyenne, 2)}" if t.moyenne is not None else ""
    return (
        f"{t.libelle} : {level}{mean} ({t.connues} caractéristique(s) évaluée(s), "
        f"{t.inconnues} sans niveau)"
    )


def _render(
    choice: StationChoice,
    day: date,
    fields: dict[str, Any],
    assessment: Assessment,
    portrait: Portrait,
    out: Console,
) -> None:
    commune = fields.get("commune_nom")
    where = f" — {commune} ({fields.get('commune_code')})" if commune else ""
    out.print(f"[bold]Portrait de la gare {choice.nom} (UIC {choice.uic}){where}[/]")
    out.print(f"Gare retenue : {choice.regle}. Horaires du {_JOURS[day.weekday()]} {day:%d/%m/%Y}.")
    out.print("Échelle : " + ", ".join(f"{lv.valeur} {lv.libelle}" for lv in portrait.levels) + ".")
    citations = {s.id: s.citation for s in load_catalogue()}
    for theme in portrait.themes:
        table = Table(
            title=_theme_title(assessment, theme.id), title_justify="left", box=box.SIMPLE_HEAD
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
                level.libelle, _value_text(level, fields), shown, _source_text(level, citations)
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


def _payload(
    choice: StationChoice, day: date, fields: dict[str, Any], assessment: Assessment
) -> str:
    portrait = load_portrait()
    return json.dumps(
        {
            "gare": choice.model_dump(mode="json"),
            "jour": day.isoformat(),
            "echelle": [lv.model_dump(mode="json") for lv in portrait.levels],
            "caracteristiques_gare": fields,
            "evaluation": assessment.model_dump(mode="json"),
        },
        ensure_ascii=False,
        indent=2,
    )


@handle_errors
def gare(
    query: Annotated[
        str, typer.Argument(help="Gare (nom ou code UIC) ou commune (sa gare la plus desservie).")
    ],
    format: Annotated[Format, typer.Option("--format", help="text ou json.")] = Format.text,
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
        fields = _station_features(con, choice.uic)
    finally:
        con.close()
    assessment = assess(fields, observations)
    if format is Format.json:
        text = _payload(choice, day, fields, assessment)
        if output is None:
            typer.echo(text)
        else:
            write_output(output, text + "\n")
        return
    if output is not None:
        buffer = io.StringIO()
        plain = Console(file=buffer, width=120, color_system=None, force_terminal=False)
        _render(choice, day, fields, assessment, load_portrait(), plain)
        write_output(output, buffer.getvalue())
        return
    _render(choice, day, fields, assessment, load_portrait(), console)
