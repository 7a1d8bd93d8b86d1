"""``teletravail impact``: the yearly CO2e a commuter's telework avoids (ADEME Impact CO2 method),
then the fuller ADEME 2020 balance, every line with its source."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from teletravail import settings
from teletravail.cli.errors import handle_errors
from teletravail.errors import ConfigError, InputError
from teletravail.impact.calculator import cite, fr_number, impact_for
from teletravail.impact.models import ImpactResult
from teletravail.warehouse import open_warehouse

console = Console()


# Fields of the impact inputs (InputError.field) -> options of this command.
CLI_OPTIONS = {
    "mode": "MODE",
    "distance": "--distance",
    "jours_teletravail": "--jours-teletravail",
    "jours_bureau": "--jours-bureau",
    "occupants": "--occupants",
}


class Format(StrEnum):
    """Output format."""

    text = "text"
    json = "json"


def parse_number(text: str, option: str) -> float:
    """A number typed by the user, French decimal comma accepted ('12,5')."""
    try:
        return float(text.strip().replace("\u202f", "").replace(" ", "").replace(",", "."))
    except ValueError:
        raise ConfigError(
            f"Valeur invalide pour {option} : « {text} ». Indiquez un nombre (ex. {option} 2 ou "
            f"{option} 2,5)."
        ) from None


def parse_int(text: str, option: str) -> int:
    """A whole number typed by the user."""
    value = parse_number(text, option)
    if not value.is_integer():
        raise ConfigError(
            f"Valeur invalide pour {option} : « {text} ». Indiquez un nombre entier (ex. "
            f"{option} 2)."
        )
    return int(value)


def _kg(value: float) -> str:
    return f"{fr_number(value)} kgCO2e/an"


def _days(value: float) -> str:
    return f"{fr_number(value)} jour{'s' if value > 1 else ''}"


class _Sources:
    """Numbered source notes: each table line cites [n], the full references follow the table."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def ref(self, text: str) -> str:
        if text not in self.items:
            self.items.append(text)
        return f"[{self.items.index(text) + 1}]"

    def print(self) -> None:
        for number, text in enumerate(self.items, start=1):
            console.print(f"[dim]  [{number}] {text}[/]", soft_wrap=True)


def _table(title: str, first: str) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold")
    table.add_column(first)
    table.add_column("Valeur", justify="right", no_wrap=True)
    table.add_column("Calcul")
    table.add_column("Source", no_wrap=True)
    return table


def _formula(text: str) -> str:
    """'émis = 600,576 × 3 jours = 1 801,728 kgCO2e/an' -> '600,576 × 3 jours'."""
    return text.split(" = ")[1] if text.count(" = ") >= 2 else text


def render_impact(result: ImpactResult) -> None:
    """Print the Impact CO2 result first, then the ADEME 2020 balance, each line with its source."""
    e, m, r, b = result.entree, result.mode, result.impact_co2, result.bilan_ademe_2020
    trips, share = r.parametres
    src = _Sources()
    impactco2 = src.ref(f"{m.source}, millésime {m.millesime or 'inconnu'} (facteur du mode)")
    name = f"{m.nom} – {m.sous_type}" if m.sous_type else m.nom
    factor = f"{fr_number(m.facteur_kgco2e_par_km, 6)} kgCO2e/passager.km"
    if e.occupants > 1:
        factor += f" ÷ {e.occupants} occupants"
    table = _table("Méthode ADEME Impact CO2 (simulateur télétravail)", "Poste")
    table.add_row(
        f"Mode : {name} ({m.slug})",
        fr_number(r.facteur_par_personne_kgco2e_par_km, 6),
        factor,
        impactco2,
    )
    table.add_row("Distance aller", f"{fr_number(e.distance_km)} km", "saisie", "")
    table.add_row(
        "Trajets par an (un jour de présence par semaine)",
        fr_number(r.trajets_par_an),
        "2 trajets × (52 − 5 − 1) semaines",
        src.ref(cite(trips)),
    )
    table.add_row(
        "Émissions d'un jour de présence par semaine",
        _kg(r.emissions_jour_hebdo_kgco2e_par_an),
        _formula(r.calculs[0]),
        src.ref(cite(trips)),
    )
    table.add_row(
        f"Émis : {_days(e.jours_bureau)} au bureau par semaine",
        _kg(r.emis_kgco2e_par_an),
        _formula(r.calculs[1]),
        src.ref(cite(trips)),
    )
    table.add_row(
        f"Évité : {_days(e.jours_teletravail)} de télétravail par semaine",
        _kg(r.evite_kgco2e_par_an),
        _formula(r.calculs[2]),
        src.ref(cite(share)),
    )
    console.print(table)
    ademe = _table("Bilan ADEME 2020 avec les effets rebond (estimation)", "Effet")
    for effect in b.effets:
        label = effect.libelle
        if effect.compris_dans:
            label = f"  dont {label[0].lower()}{label[1:]}"
        sign = "+" if effect.kgco2e_par_an > 0 else ""
        source = f"{effect.source}, {effect.annee}" if effect.annee else effect.source
        ademe.add_row(
            label, f"{sign}{fr_number(effect.kgco2e_par_an)}", effect.calcul, src.ref(source)
        )
    rates = {effect.id: effect.taux for effect in b.effets}
    kept = fr_number((1 + rates["effets_rebond"]) * 100, 2)
    flex = fr_number(rates["flex_office"] * 100, 2)
    ademe.add_row(
        "Bilan net (effet principal − effets rebond)",
        fr_number(b.bilan_net_kgco2e_par_an),
        f"effet principal × {kept} %",
        "",
    )
    ademe.add_row(
        "Bilan net si flex office",
        fr_number(b.bilan_flex_office_kgco2e_par_an),
        f"effet principal × ({kept} % + {flex} %)",
        "",
    )
    console.print(ademe)
    console.print(
        "[dim]kgCO2e/an ; positif : émissions évitées, négatif : émissions ajoutées ; "
        "les lignes « dont » sont comprises dans le total des effets rebond.[/]"
    )
    console.print("[dim]Sources :[/]")
    src.print()
    for warning in result.avertissements:
        console.print(f"[yellow]• {warning}[/]")


@handle_errors
def impact(
    mode: Annotated[
        str,
        typer.Option(
            "--mode",
            help="Mode de transport (slug ADEME Impact CO2, ex. voiturethermique, ter, tgv).",
        ),
    ],
    distance: Annotated[
        str, typer.Option("--distance", help="Distance domicile-travail aller, en km (ex. 12,5).")
    ],
    jours_teletravail: Annotated[
        str, typer.Option("--jours-teletravail", help="Jours de télétravail par semaine.")
    ],
    jours_bureau: Annotated[
        str | None,
        typer.Option(
            "--jours-bureau", help="Jours au bureau par semaine (défaut : 5 − télétravail)."
        ),
    ] = None,
    occupants: Annotated[
        str, typer.Option("--occupants", help="Personnes dans la voiture, conducteur compris.")
    ] = "1",
    format: Annotated[Format, typer.Option("--format", help="text ou json.")] = Format.text,
    entrepot: Annotated[
        Path | None,
        typer.Option("--entrepot", help="Entrepôt DuckDB (défaut : TELETRAVAIL_WAREHOUSE)."),
    ] = None,
) -> None:
    """Émissions de CO2e évitées par le télétravail d'un trajet domicile-travail (ADEME Impact CO2),
    puis le bilan ADEME 2020 avec les effets rebond."""
    distance_km = parse_number(distance, "--distance")
    telework_days = parse_number(jours_teletravail, "--jours-teletravail")
    office_days = None if jours_bureau is None else parse_number(jours_bureau, "--jours-bureau")
    people = parse_int(occupants, "--occupants")
    con = open_warehouse(settings.warehouse_path(entrepot))
    try:
        result = impact_for(
            con,
            mode,
            distance_km=distance_km,
            telework_days=telework_days,
            office_days=office_days,
            occupants=people,
        )
    except InputError as exc:  # the domain names a field: the CLI names its option
        option = CLI_OPTIONS.get(exc.field, "")
        raise ConfigError(f"{exc} (option {option})" if option else str(exc)) from None
    finally:
        con.close()
    if format is Format.json:
        typer.echo(result.model_dump_json(indent=2))
    else:
        render_impact(result)
