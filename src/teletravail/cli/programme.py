"""``teletravail programme``: a territory's programme of actions exported (XLSX, PDF, one-page
summary) or brought in from a spreadsheet, in the web application's database."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from teletravail import settings
from teletravail.cli.common import EntrepotOpt, check_output, write_output
from teletravail.cli.errors import handle_errors
from teletravail.errors import InputError, LookupFailed

programme_app = typer.Typer(
    help="Programme d'actions d'un territoire : export (XLSX, PDF, synthèse) et import d'un "
    "tableur.",
    no_args_is_help=True,
    add_completion=False,
)


class Format(StrEnum):
    """Export format."""

    xlsx = "xlsx"
    pdf = "pdf"
    synthese = "synthese"


def _territory(query: str, entrepot: Path | None, *, create: bool) -> object:
    """The Territory of the web database named by ``query`` (created when ``create``)."""
    from teletravail.cli.web import setup_django
    from teletravail.territory.resolve import resolve_one

    entry = resolve_one(settings.warehouse_path(entrepot), query)
    setup_django()
    from teletravail.web.accounts.models import Territory

    found = Territory.objects.filter(kind=entry.kind, code=entry.code).first()
    if found is None and create:
        found = Territory.objects.create(kind=entry.kind, code=entry.code, nom=entry.nom)
    if found is None:
        raise LookupFailed(
            f"Aucun programme pour {entry.nom} ({entry.code}) : son équipe n'existe pas encore "
            "dans l'application (importez d'abord un tableur, ou créez l'équipe)."
        )
    return found


@programme_app.command("exporter")
@handle_errors
def exporter(
    query: Annotated[str, typer.Argument(help="Commune ou EPCI (nom ou code).")],
    format: Annotated[
        Format,
        typer.Option("--format", help="xlsx, pdf (programme complet) ou synthese (une page)."),
    ] = Format.xlsx,
    output: Annotated[
        Path | None, typer.Option("--output", help="Fichier produit (défaut : nom du programme).")
    ] = None,
    entrepot: EntrepotOpt = None,
) -> None:
    """Exporter le programme d'actions d'un territoire : tableur, PDF complet ou synthèse."""
    if output is not None:
        check_output(output)
    territory = _territory(query, entrepot, create=False)
    from teletravail.web.programmes import transfer
    from teletravail.web.programmes.models import TerritoryProgramme

    programme = TerritoryProgramme.objects.filter(territory=territory).first()
    if programme is None:
        raise LookupFailed(f"Aucun programme pour {territory} : rien à exporter.")
    kind = format.value
    target = output or Path(transfer.filename(programme, kind))  # type: ignore[arg-type]
    write_output(target, transfer.document(programme, kind, date.today()))  # type: ignore[arg-type]
    typer.echo(f"Programme écrit : {target} ({programme.actions.count()} action(s), {territory})")


@programme_app.command("importer")
@handle_errors
def importer(
    fichier: Annotated[Path, typer.Argument(help="Classeur XLSX (forme de l'export).")],
    territoire: Annotated[str, typer.Option("--territoire", help="Commune ou EPCI (nom ou code).")],
    entrepot: EntrepotOpt = None,
) -> None:
    """Importer un programme tenu dans un tableur (tout ou rien, chaque case fausse signalée)."""
    try:
        data = fichier.read_bytes()
    except FileNotFoundError:
        raise InputError(f"Classeur introuvable : « {fichier} ».", field="fichier") from None
    except IsADirectoryError:
        raise InputError(
            f"« {fichier} » est un dossier, pas un classeur.", field="fichier"
        ) from None
    territory = _territory(territoire, entrepot, create=True)
    from teletravail.web.programmes import service, transfer

    programme = service.programme_of(territory)  # type: ignore[arg-type]
    report = transfer.import_workbook(programme, data, fichier.name, None)
    typer.echo(
        f"Import terminé pour {territory} : {report.actions_ajoutees} action(s) ajoutée(s), "
        f"{report.actions_mises_a_jour} mise(s) à jour, {report.indicateurs} indicateur(s), "
        f"{report.themes_ajoutes} thème(s) ajouté(s)."
    )
