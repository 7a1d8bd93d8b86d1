"""``teletravail enquete``: check and import XLSForm questionnaires, export their XForm."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from teletravail.cli.errors import handle_errors
from teletravail.surveys.errors import FormError
from teletravail.surveys.form import Form, Question
from teletravail.surveys.xlsform import load_xlsform

console = Console()

enquete_app = typer.Typer(
    help="Questionnaires d'enquête (XLSForm) : vérification, import, XForm ; purge des réponses échues.",
    no_args_is_help=True,
    add_completion=False,
)


class Format(StrEnum):
    """Output format."""

    text = "text"
    json = "json"


FileArg = Annotated[
    Path, typer.Argument(help="Fichier XLSForm (.xlsx, .xls, .csv ou .md).", show_default=False)
]


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise FormError(f"le fichier « {path} » est introuvable.") from None
    except IsADirectoryError:
        raise FormError(f"« {path} » est un dossier, pas un fichier XLSForm.") from None
    except OSError as exc:
        raise FormError(f"le fichier « {path} » ne peut pas être lu ({exc.strerror}).") from None


def _question_dict(question: Question) -> dict[str, Any]:
    return {
        "path": question.path,
        "name": question.name,
        "type": question.kind,
        "label": question.label,
        "required": question.required,
        "relevant": question.relevant,
        "constraint": question.constraint,
        "calculate": question.calculate,
        "choice_filter": question.choice_filter,
        "list_name": question.list_name,
        "choices": [c.name for c in question.choices],
        "analyse": question.analyse,
        "donnee_personnelle": question.donnee_personnelle,
        "theme": question.theme,
    }


def form_summary(form: Form) -> dict[str, Any]:
    """JSON-ready description of a form: id, title, version, sha256, warnings, questions."""
    return {
        "form_id": form.form_id,
        "title": form.title,
        "version": form.version,
        "sha256": form.sha256,
        "warnings": list(form.warnings),
        "metadata": list(form.metadata),
        "questions": [_question_dict(q) for q in form.questions()],
    }


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``count`` followed by the French singular (0 and 1) or plural noun phrase:
    "1 question", "0 question", "3 questions"."""
    words = singular if count <= 1 else (plural_form or f"{singular}s")
    return f"{count} {words}"


def _depth(question: Question) -> int:
    return question.path.count("/") - 2


def _required_text(question: Question) -> str:
    if question.required is None:
        return ""
    return "oui" if question.required == "true()" else question.required


@handle_errors
def importer(
    fichier: FileArg,
    format: Annotated[
        Format, typer.Option("--format", help="text (tableau) ou json.")
    ] = Format.text,
) -> None:
    """Vérifie un questionnaire XLSForm et affiche ses questions."""
    form = load_xlsform(_read(fichier), fichier.name)
    if format is Format.json:
        typer.echo(json.dumps(form_summary(form), ensure_ascii=False, indent=2))
        return
    console.print(
        f"[bold]{form.title}[/bold] — identifiant « {form.form_id} », "
        f"version « {form.version or 'non renseignée'} »"
    )
    table = Table(title_justify="left")
    for header in ("Nom", "Type", "Libellé", "Obligatoire", "Pertinence", "Analyse"):
        table.add_column(header)
    count = 0
    for question in form.questions():
        if question.kind not in ("group", "repeat"):
            count += 1
        table.add_row(
            "  " * _depth(question) + question.name,
            question.kind,
            question.label,
            _required_text(question),
            question.relevant or "",
            question.analyse,
        )
    console.print(table)
    console.print(f"{plural(count, 'question')}, formulaire valide.")
    for warning in form.warnings:
        console.print(f"[yellow]Avertissement :[/yellow] {warning}")


@handle_errors
def xform(
    fichier: FileArg,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Fichier XForm à écrire (sinon sortie standard)."),
    ] = None,
) -> None:
    """Convertit un XLSForm en XForm (XML ODK)."""
    form = load_xlsform(_read(fichier), fichier.name)
    if output is None:
        typer.echo(form.xform)
        return
    try:
        output.write_text(form.xform, encoding="utf-8")
    except OSError as exc:
        raise FormError(f"impossible d'écrire « {output} » ({exc.strerror}).") from None
    console.print(f"XForm écrit dans {output}.")


@handle_errors
def purger(
    jour: Annotated[
        str | None,
        typer.Option("--date", help="Jour à retenir (AAAA-MM-JJ ; défaut : aujourd'hui)."),
    ] = None,
) -> None:
    """Met à la corbeille les réponses des campagnes dont la date de fin de conservation est
    passée, et supprime définitivement celles dont le délai de restauration est écoulé (base de
    l'application web ; fait aussi chaque heure par le traitement de fond de « serve »)."""
    from datetime import date

    from teletravail.cli.web import setup_django
    from teletravail.errors import ConfigError

    try:
        today = date.fromisoformat(jour) if jour else None
    except ValueError:
        raise ConfigError(f"Date invalide « {jour} » : attendu AAAA-MM-JJ.") from None
    setup_django()
    from django.utils import timezone

    from teletravail.web.surveys.purge import purge_expired

    counts = purge_expired(today or timezone.localdate())
    console.print(
        f"{plural(counts.trashed, 'réponse mise à la corbeille', 'réponses mises à la corbeille')}"
        f", {plural(counts.deleted, 'réponse supprimée', 'réponses supprimées')} définitivement."
    )


enquete_app.command("importer")(importer)
enquete_app.command("xform")(xform)
enquete_app.command("purger")(purger)
