"""``teletravail scenario QUERY``: the telework CO2 scenario of a territory, assumptions editable."""

from __future__ import annotations

import json
from typing import Annotated

import duckdb
import typer
from rich.console import Console
from rich.table import Table

from teletravail import settings
from teletravail.cli.common import DateOpt, EntrepotOpt, parse_day
from teletravail.cli.errors import handle_errors
from teletravail.cli.territory import Format
from teletravail.derived import ensure_derived
from teletravail.diagnostic.reading import format_number
from teletravail.errors import ConfigError
from teletravail.impact.models import ScenarioResult
from teletravail.impact.scenario import scenario_for
from teletravail.impact.territory import territory_assumptions
from teletravail.territory.resolve import resolve_one
from teletravail.warehouse import open_warehouse

console = Console()


def parse_percent(text: str | None, what: str) -> float | None:
    """``"30"``, ``"30 %"`` or ``"12,5"`` -> 0.30 / 0.125; a clear message otherwise."""
    if text is None:
        return None
    try:
        value = float(text.replace("%", "").replace(",", ".").strip())
    except ValueError:
        raise ConfigError(
            f"{what} illisible « {text} » : donnez un pourcentage, par exemple 25."
        ) from None
    if not 0 <= value <= 100:
        raise ConfigError(f"{what} « {text} » hors de 0 à 100 %.")
    return value / 100


def parse_split(text: str | None) -> dict[str, float] | None:
    """``"voiturethermique=70,ter=20,velo=10"`` (percentages) -> shares 0-1 summing to 1."""
    if text is None:
        return None
    split: dict[str, float] = {}
    for part in text.split(","):
        slug, sep, share = part.partition("=")
        value = parse_percent(share, f"Part du mode « {slug.strip()} »") if sep else None
        if not slug.strip() or value is None:
            raise ConfigError(
                f"Répartition modale illisible « {part} » : écrivez mode=pourcentage séparés par "
                "des virgules, par exemple voiturethermique=70,ter=20,velo=10."
            )
        split[slug.strip()] = value
    if abs(sum(split.values()) - 1) > 0.005:
        raise ConfigError(
            f"La répartition modale fait {format_number(sum(split.values()) * 100, 1)} % : "
            "elle doit faire 100 %."
        )
    return split


def render_scenario(result: ScenarioResult) -> None:
    """Assumptions with their origin, then the results, as Rich tables."""
    a = result.hypotheses
    hyp = Table(title=f"Hypothèses du scénario — {a.territoire}", title_justify="left")
    for col in ("Hypothèse", "Valeur", "Origine"):
        hyp.add_column(col)
    o = a.origines
    hyp.add_row("Population", format_number(a.population, 0), o.get("population", ""))
    hyp.add_row("Actifs occupés", format_number(a.actifs_occupes, 0), o.get("actifs_occupes", ""))
    hyp.add_row(
        "Taux de télétravail",
        f"{format_number(a.taux_teletravail * 100, 1)} %",
        o.get("taux_teletravail", ""),
    )
    hyp.add_row(
        "Jours de télétravail par semaine",
        format_number(a.jours_teletravail, 1),
        o.get("jours_teletravail", ""),
    )
    hyp.add_row(
        "Part en flex office",
        f"{format_number(a.part_flex_office * 100, 0)} %",
        o.get("part_flex_office", ""),
    )
    hyp.add_row(
        "Répartition modale",
        ", ".join(f"{p.slug} {format_number(p.part * 100, 0)} %" for p in a.repartition_modale),
        o.get("repartition_modale", ""),
    )
    hyp.add_row(
        "Distances domicile-travail (aller)",
        ", ".join(
            f"{b.distance_km:g} km : {format_number(b.part * 100, 0)} %"
            for b in a.tranches_distance
        ),
        o.get("tranches_distance", ""),
    )
    console.print(hyp)
    res = Table(title="Résultats par an (estimation)", title_justify="left")
    for col in ("", "Brut", "Méthode Impact CO2", "Net des effets rebond"):
        res.add_column(col, justify="right")
    rows = [("Territoire", result.total), ("Par habitant", result.par_habitant)]
    if result.par_teletravailleur:
        rows.append(("Par télétravailleur", result.par_teletravailleur))
    for label, q in rows:
        res.add_row(
            f"{label} (kgCO2e)",
            format_number(q.kgco2e_evites_brut, 0),
            format_number(q.kgco2e_evites_impactco2, 0),
            format_number(q.kgco2e_evites_net, 0),
        )
        res.add_row(
            f"{label} (km)",
            format_number(q.km_evites_brut, 0),
            "",
            format_number(q.km_evites_net, 0),
        )
    console.print(res)
    console.print(
        f"Télétravailleurs : {format_number(result.teletravailleurs, 0)}. Sources : "
        "ADEME Impact CO2 (méthode du simulateur télétravail) ; ADEME / Greenworking "
        "2020 (effets rebond −31 %, flex office +52 %)."
    )
    for warning in result.avertissements:
        console.print(f"[yellow]{warning}[/]")


@handle_errors
def scenario(
    query: Annotated[str, typer.Argument(help="Commune ou EPCI : nom, code INSEE ou SIREN.")],
    taux_teletravail: Annotated[
        str | None,
        typer.Option("--taux-teletravail", help="Part des actifs qui télétravaillent, en %."),
    ] = None,
    jours: Annotated[
        str | None, typer.Option("--jours", help="Jours de télétravail par semaine (0 à 5).")
    ] = None,
    flex_office: Annotated[
        str | None,
        typer.Option("--flex-office", help="Part des télétravailleurs en flex office, en %."),
    ] = None,
    repartition: Annotated[
        str | None,
        typer.Option(
            "--repartition", help="Répartition modale, ex. voiturethermique=70,ter=20,velo=10."
        ),
    ] = None,
    format: Annotated[Format, typer.Option("--format", help="text ou json.")] = Format.text,
    date_option: DateOpt = None,
    entrepot: EntrepotOpt = None,
) -> None:
    """Bilan carbone du télétravail d'un territoire, hypothèses issues de ses indicateurs."""
    days: float | None = None
    if jours is not None:
        try:
            days = float(jours.replace(",", "."))
        except ValueError:
            raise ConfigError(
                f"Nombre de jours illisible « {jours} » : donnez un nombre de 0 à 5."
            ) from None
        if not 0 <= days <= 5:
            raise ConfigError(f"Nombre de jours « {jours} » hors de 0 à 5.")
    rate = parse_percent(taux_teletravail, "Taux de télétravail")
    flex = parse_percent(flex_office, "Part en flex office") or 0.0
    split = parse_split(repartition)
    path = settings.warehouse_path(entrepot)
    open_warehouse(path).close()
    entry = resolve_one(path, query)
    derived, _ = ensure_derived(path, day=parse_day(date_option))
    con = duckdb.connect(str(derived), read_only=True)
    try:
        a = territory_assumptions(
            con,
            entry.kind,
            entry.code,
            entry.nom,
            telework_rate=rate,
            telework_days=days,
            flex_office_share=flex,
            modal_split=split,
        )
        result = scenario_for(con, a)
    finally:
        con.close()
    if format is Format.json:
        typer.echo(json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2))
    else:
        render_scenario(result)
