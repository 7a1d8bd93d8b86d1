"""``teletravail grille``: the analysis grid of a project of a place adapted to telework —
``modele`` writes the offline workbook, ``evaluer`` evaluates a filled one. (The ``site``
sub-command, facts of a site from open data, lives in its own module.)"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from teletravail.cli.common import DateOpt, EntrepotOpt, check_output, parse_day, write_output
from teletravail.cli.errors import handle_errors
from teletravail.errors import InputError
from teletravail.grille.model import Project

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


def _with_facts(project: Project, entrepot: Path | None, day_text: str | None) -> Project:
    """The project with its located sites' facts computed from the derived warehouse."""
    import duckdb

    from teletravail import settings
    from teletravail.derived import ensure_derived
    from teletravail.grille.site_grid import with_facts
    from teletravail.warehouse import open_warehouse

    path = settings.warehouse_path(entrepot)
    open_warehouse(path).close()  # clear message when absent
    derived, _ = ensure_derived(path, day=parse_day(day_text))
    con = duckdb.connect(str(derived), read_only=True)
    try:
        return with_facts(con, project)[0]
    finally:
        con.close()


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
    faits: Annotated[
        bool,
        typer.Option(
            "--faits",
            help="Calculer les faits des sites localisés (lat, lon) à partir de l'entrepôt ; un "
            "fait saisi dans le classeur est gardé.",
        ),
    ] = False,
    date_option: DateOpt = None,
    entrepot: EntrepotOpt = None,
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
    if faits:
        project = _with_facts(project, entrepot, date_option)
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


def _register_site() -> None:
    from teletravail.cli.grille_site import site

    grille_app.command("site")(site)


_register_site()
