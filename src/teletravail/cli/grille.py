"""``teletravail grille``: the analysis grid of a project of a place adapted to telework —
``modele`` writes the offline workbook, ``evaluer`` evaluates a filled one. (The ``site``
sub-command, facts of a site from open data, lives in its own module.)"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from teletravail.cli.common import check_output, write_output
from teletravail.cli.errors import handle_errors
from teletravail.errors import InputError

grille_app = typer.Typer(
    help="Grille d'analyse d'un projet de lieu adapté au télétravail : modèle, évaluation, faits "
    "d'un site.",
    no_args_is_help=True,
    add_completion=False,
)


class Format(StrEnum):
    """Output format of ``evaluer``."""

    text = "text"
    html = "html"
    pdf = "pdf"
    json = "json"
    xlsx = "xlsx"


@grille_app.command("modele")
@handle_errors
def modele(
    output: Annotated[Path, typer.Option("--output", help="Classeur à écrire (.xlsx).")] = Path(
        "projet.xlsx"
    ),
) -> None:
    """Écrire le classeur à remplir hors ligne : sites, évaluations, poids, AHP, mode d'emploi."""
    from teletravail.grille.workbook import write_template

    check_output(output)
    write_output(output, write_template())
    typer.echo(f"Modèle écrit : {output} (feuilles lisez-moi, sites, evaluations, poids, ahp)")


def _methods(values: list[str] | None) -> list[str]:
    from teletravail.grille.ranking import METHODS

    chosen = [m.strip().lower() for v in values or [] for m in v.split(",") if m.strip()]
    bad = [m for m in chosen if m not in METHODS]
    if bad:
        raise InputError(
            f"Méthode inconnue « {', '.join(bad)} » : --methode {'|'.join(METHODS)} "
            "(répétable ou séparées par des virgules).",
            field="methode",
        )
    return chosen or list(METHODS)


@grille_app.command("evaluer")
@handle_errors
def evaluer(
    classeur: Annotated[
        Path, typer.Argument(help="Classeur rempli (écrit par « teletravail grille modele »).")
    ],
    format: Annotated[
        Format, typer.Option("--format", help="text, html, pdf, json ou xlsx.")
    ] = Format.text,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            help="Fichier produit (défaut : sortie standard pour text et "
            "json, grille-<classeur>.<format> sinon).",
        ),
    ] = None,
    methode: Annotated[
        list[str] | None,
        typer.Option("--methode", help="wsm, topsis, promethee (répétable ; défaut : les trois)."),
    ] = None,
    tirages: Annotated[
        int, typer.Option("--tirages", help="Tirages de l'analyse de sensibilité (0 : aucune).")
    ] = 1000,
    amplitude: Annotated[
        float, typer.Option("--amplitude", help="Perturbation des poids (0,2 = ±20 %).")
    ] = 0.2,
    graine: Annotated[int, typer.Option("--graine", help="Graine du tirage.")] = 20231,
) -> None:
    """Évaluer un classeur rempli : synthèse par site, désaccords, classement, sensibilité."""
    from teletravail.grille import display
    from teletravail.grille.evaluation import evaluate
    from teletravail.grille.workbook import read_workbook

    methods = _methods(methode)
    if tirages < 0:
        raise InputError("--tirages doit être positif ou nul.", field="tirages")
    if output is not None:
        check_output(output)
    try:
        data = classeur.read_bytes()
    except FileNotFoundError:
        raise InputError(f"Classeur introuvable : « {classeur} ».", field="classeur") from None
    except IsADirectoryError:
        raise InputError(
            f"« {classeur} » est un dossier, pas un classeur.", field="classeur"
        ) from None
    project = read_workbook(data, classeur.name)
    ev = evaluate(
        project,
        methods=methods,  # type: ignore[arg-type]
        draws=tirages,
        amplitude=amplitude,
        seed=graine,
    )
    if format in (Format.text, Format.json):
        text = display.render_text(ev) if format is Format.text else display.render_json(ev) + "\n"
        if output is None:
            typer.echo(text, nl=False)
        else:
            write_output(output, text)
        return
    target = output or Path(f"grille-{classeur.stem}.{format.value}")
    if format is Format.xlsx:
        write_output(target, display.render_xlsx(ev))
    else:
        page = display.render_html(ev)
        write_output(target, display.render_pdf(page) if format is Format.pdf else page)
    typer.echo(f"Évaluation écrite : {target} ({len(ev.sites)} site(s))")
