"""``teletravail territoire QUERY``: find a commune or an EPCI and print its card."""

from __future__ import annotations

import json
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from teletravail import settings
from teletravail.cli.errors import handle_errors
from teletravail.errors import LookupFailed
from teletravail.format_fr import format_number
from teletravail.territory.card import TerritoryCard, cached_card
from teletravail.territory.lookup import LookupResult, Tier, gazetteer_for
from teletravail.warehouse import require_warehouse_file

console = Console()

TIER_LABELS = {
    Tier.CODE: "code",
    Tier.POSTAL: "code postal",
    Tier.EXACT: "nom exact",
    Tier.WORD: "mots entiers du nom",
    Tier.PREFIX: "début d'un mot",
    Tier.APPROX: "nom approché",
}


class Format(StrEnum):
    """Output format."""

    text = "text"
    json = "json"


def _fmt_int(value: int | None) -> str:
    return "n.d." if value is None else f"{value:,}".replace(",", "\u202f")


def _signed(day: date | None) -> str:
    """The suffix « , convention signée le JJ/MM/AAAA » when the date is known, else nothing."""
    return f", convention signée le {day:%d/%m/%Y}" if day else ""


def _source_label(card: TerritoryCard, source_id: str) -> str:
    for s in card.sources:
        if s.id == source_id:
            return s.citation
    return source_id


def render_card(card: TerritoryCard) -> None:
    """Print a card as a Rich table: fact, value, source."""
    kind = "Commune" if card.type == "commune" else (card.epci_type_libelle or "EPCI").capitalize()
    table = Table(
        title=f"{card.nom} — {kind} ({card.code})", title_justify="left", show_lines=False
    )
    table.add_column("Indicateur", style="bold")
    table.add_column("Valeur")
    table.add_column("Source", style="dim")
    pop = card.population
    table.add_row(
        "Population", f"{_fmt_int(pop.valeur)} habitants", _source_label(card, pop.source)
    )
    if card.type == "commune":
        if card.departement and card.region:
            table.add_row(
                "Département, région",
                f"{card.departement.nom} ({card.departement.code}), {card.region.nom}",
                _source_label(card, "cog"),
            )
        table.add_row(
            "Intercommunalité",
            f"{card.epci.nom} ({card.epci.code})" if card.epci else "aucune",
            _source_label(card, "cog"),
        )
    else:
        table.add_row(
            "Type", f"{card.epci_type_libelle} ({card.epci_type})", _source_label(card, "cog")
        )
        table.add_row("Métropole", "oui" if card.metropole else "non", _source_label(card, "cog"))
        table.add_row("Communes membres", str(card.nb_communes), _source_label(card, "cog"))
        if card.departement and card.region:
            table.add_row(
                "Département principal",
                f"{card.departement.nom} ({card.departement.code}), {card.region.nom}",
                _source_label(card, "cog"),
            )
    if card.densite:
        table.add_row(
            "Densité (grille à 7 niveaux)",
            f"{card.densite.niveau} – {card.densite.libelle}" if card.densite.niveau else "n.d.",
            _source_label(card, "grille_densite"),
        )
    for d in card.repartition_densite:
        table.add_row(
            f"  Population en niveau {d.niveau if d.niveau is not None else '?'}",
            f"{_fmt_int(d.population)} hab. ({d.libelle or 'n.d.'})",
            _source_label(card, "grille_densite"),
        )
    if card.aire_attraction:
        a = card.aire_attraction
        value = (
            f"{a.nom} ({a.code}) : {a.categorie_libelle} ; {a.taille_libelle}"
            if a.code and a.code != "000"
            else (a.categorie_libelle or "n.d.")
        )
        table.add_row("Aire d'attraction des villes", value, _source_label(card, "aav2020"))
    if card.centralite:
        table.add_row(
            "Centralité (équipements et services)",
            card.centralite.libelle or "n.d.",
            _source_label(card, "centralites"),
        )
    if card.programmes:
        p = card.programmes
        table.add_row(
            "Action Cœur de Ville",
            f"oui ({p.id_acv}){_signed(p.acv_signature)}" if p.acv else "non",
            _source_label(card, "acv"),
        )
        table.add_row(
            "Petites villes de demain",
            f"oui{_signed(p.pvd_signature)}" if p.pvd else "non",
            _source_label(card, "programmes_anct"),
        )
        table.add_row(
            "Opération de revitalisation de territoire",
            f"oui{_signed(p.ort_signature)}" if p.ort else "non",
            _source_label(card, "programmes_anct"),
        )
    if card.type == "epci":
        acv = [m.nom for m in card.membres if m.acv]
        pvd = [m.nom for m in card.membres if m.pvd]
        table.add_row(
            "Communes Action Cœur de Ville", ", ".join(acv) or "aucune", _source_label(card, "acv")
        )
        table.add_row(
            "Communes Petites villes de demain",
            ", ".join(pvd) or "aucune",
            _source_label(card, "programmes_anct"),
        )
        top = ", ".join(f"{m.nom} ({_fmt_int(m.population)})" for m in card.membres[:8])
        more = f" et {len(card.membres) - 8} autres" if len(card.membres) > 8 else ""
        table.add_row("Principales communes", top + more, _source_label(card, "cog"))
    gares = card.gares
    table.add_row(
        "Gares de voyageurs",
        "\n".join(
            f"{g.nom} (UIC {g.uic}, segment {g.segment_drg or '?'}) : "
            f"{_fmt_int(g.voyageurs_2023)} voyageurs en 2023"
            + (
                f" — gare voisine, à {format_number(g.distance_km, 1)} km du centre"
                if not g.dans_territoire and g.distance_km is not None
                else ""
            )
            for g in gares[:10]
        )
        + (f"\n… et {len(gares) - 10} autres" if len(gares) > 10 else "")
        if gares
        else "aucune",
        _source_label(card, "gares"),
    )
    console.print(table)
    console.print("[dim]Sources :[/]")
    for s in card.sources:
        console.print(f"[dim]  • {s.titre} — {s.producteur}, {s.millesime} ({s.licence})[/]")


def _render_candidates(result: LookupResult) -> None:
    table = Table(
        title=f"Plusieurs territoires correspondent à « {result.query} »", title_justify="left"
    )
    for col in ("Code", "Nom", "Type", "Dépt / type", "Population", "Correspondance"):
        table.add_column(col)
    for m in result.matches:
        e = m.entry
        table.add_row(
            e.code, e.nom, e.kind, e.detail or "", _fmt_int(e.population), TIER_LABELS[m.tier]
        )
    console.print(table)
    console.print(
        "Précisez : le code INSEE ou le SIREN, ou le nom suivi du département "
        "(ex. « Saint-Paul 974 »)."
    )


def _candidates_json(result: LookupResult) -> list[dict[str, object]]:
    return [
        {
            "type": m.entry.kind,
            "code": m.entry.code,
            "nom": m.entry.nom,
            "detail": m.entry.detail,
            "population": m.entry.population,
            "correspondance": m.tier.name.lower(),
        }
        for m in result.matches
    ]


@handle_errors
def territoire(
    query: Annotated[str, typer.Argument(help="Nom, code INSEE, SIREN ou code postal.")],
    format: Annotated[Format, typer.Option("--format", help="text ou json.")] = Format.text,
    entrepot: Annotated[
        Path | None,
        typer.Option("--entrepot", help="Entrepôt DuckDB (défaut : TELETRAVAIL_WAREHOUSE)."),
    ] = None,
) -> None:
    """Trouver une commune ou un EPCI et afficher sa fiche (chaque chiffre avec sa source)."""
    path = settings.warehouse_path(entrepot)
    require_warehouse_file(path)
    result = gazetteer_for(path).search(query)
    if not result.matches:
        raise LookupFailed(
            f"Aucun territoire ne correspond à « {query} ». Essayez le nom de la commune ou "
            "de l'EPCI, son code INSEE (5 caractères), son SIREN (9 chiffres) ou un code postal."
        )
    if not result.resolved:
        if format is Format.json:
            typer.echo(
                json.dumps(
                    {
                        "statut": "ambigu",
                        "requete": query,
                        "candidats": _candidates_json(result),
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
        else:
            _render_candidates(result)
        return
    assert result.best is not None
    card = cached_card(path, result.best)  # DuckDB opened only the first time for a territory
    if format is Format.json:
        payload = {
            "statut": "trouve",
            "requete": query,
            "fiche": card.model_dump(mode="json"),
            "autres_candidats": _candidates_json(LookupResult(query, result.matches[1:])),
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        render_card(card)
        others = result.matches[1:5]
        if others:
            console.print(
                "[dim]Autres résultats : "
                + ", ".join(f"{m.entry.nom} ({m.entry.code})" for m in others)
                + "[/]"
            )
