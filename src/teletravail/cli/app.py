"""The ``teletravail`` application and its sub-commands.

Each sub-command lives in its own module, imported only when that command runs: ``teletravail
--help`` and ``teletravail territoire …`` do not pay for DuckDB, the report modules, the survey
tooling or Django. The command list shown by ``--help`` comes from ``COMMANDS`` below, whose help
texts are the commands' own (a test checks they stay equal).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

import typer
import typer.main
from typer.core import TyperCommand, TyperGroup


@dataclass(frozen=True)
class LazyCommand:
    """Where a sub-command is defined and the help text ``--help`` lists for it."""

    module: str
    attribute: str  # a command function, or a ``typer.Typer`` for a group of commands
    help: str


# In the order ``--help`` lists them (commands, then groups of commands, as typer does).
COMMANDS: dict[str, LazyCommand] = {
    "territoire": LazyCommand(
        "teletravail.cli.territory",
        "territoire",
        "Trouver une commune ou un EPCI et afficher sa fiche (chaque chiffre avec sa source).",
    ),
    "impact": LazyCommand(
        "teletravail.cli.impact",
        "impact",
        "Émissions de CO2e évitées par le télétravail d'un trajet domicile-travail (ADEME Impact "
        "CO2),\npuis le bilan ADEME 2020 avec les effets rebond.",
    ),
    "desserte": LazyCommand(
        "teletravail.cli.rail",
        "desserte",
        "Desserte des gares d'une commune ou d'un EPCI : départs, destinations, accès aux "
        "métropoles.",
    ),
    "diagnostic": LazyCommand(
        "teletravail.cli.diagnostic",
        "diagnostic",
        "Produire le rapport de diagnostic télétravail d'une commune ou d'un EPCI.",
    ),
    "classement": LazyCommand(
        "teletravail.cli.ranking",
        "classement",
        "Classer les communes Action Cœur de Ville selon les critères d'attractivité du Sénat.",
    ),
    "gare": LazyCommand(
        "teletravail.cli.gare",
        "gare",
        "Portrait d'une gare face au portrait-robot du quartier de gare : niveaux, écarts, actions.",
    ),
    "comparer": LazyCommand(
        "teletravail.cli.compare",
        "comparer",
        "Comparer les chiffres clés de plusieurs territoires, côte à côte.",
    ),
    "scenario": LazyCommand(
        "teletravail.cli.scenario",
        "scenario",
        "Bilan carbone du télétravail d'un territoire, hypothèses issues de ses indicateurs.",
    ),
    "navettes": LazyCommand(
        "teletravail.cli.navettes",
        "navettes",
        "Où travaillent les actifs d'une commune ou d'un EPCI (estimation ou flux mesurés).",
    ),
    "serve": LazyCommand(
        "teletravail.cli.web",
        "serve",
        "Lancer l'application web (gunicorn + whitenoise) et son traitement de fond (imports,\n"
        "exports, purges) après avoir appliqué les migrations.",
    ),
    "createadmin": LazyCommand(
        "teletravail.cli.web",
        "createadmin",
        "Créer un administrateur national (accès à l'administration et à tous les territoires).",
    ),
    "data": LazyCommand(
        "teletravail.cli.data",
        "data_app",
        "Données ouvertes : construire et contrôler l'entrepôt.",
    ),
    "grille": LazyCommand(
        "teletravail.cli.grille",
        "grille_app",
        "Grille d'analyse d'un projet de lieu adapté au télétravail : modèle, évaluation, faits "
        "d'un site.",
    ),
    "programme": LazyCommand(
        "teletravail.cli.programme",
        "programme_app",
        "Programme d'actions d'un territoire : export (XLSX, PDF, synthèse) et import d'un "
        "tableur.",
    ),
    "enquete": LazyCommand(
        "teletravail.cli.survey",
        "enquete_app",
        "Questionnaires d'enquête (XLSForm) : vérification, import, XForm ; purge des réponses "
        "échues.",
    ),
}


def load_command(name: str) -> TyperCommand | TyperGroup:
    """The real command ``name``, importing its module now."""
    spec = COMMANDS[name]
    target: Any = getattr(importlib.import_module(spec.module), spec.attribute)
    holder = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
    if isinstance(target, typer.Typer):
        holder.add_typer(target, name=name)
    else:
        holder.command(name)(target)
        holder.command("_")(_main)  # two commands: typer then builds a group holding them
    group = typer.main.get_command(holder)
    assert isinstance(group, TyperGroup)
    command = group.commands[name]
    assert isinstance(command, TyperCommand | TyperGroup)
    return command


class LazyGroup(TyperGroup):
    """A typer group whose sub-commands are imported only when one of them runs.

    Its ``commands`` hold placeholders carrying the name and help text only (enough for
    ``--help`` and for suggesting a command on a typing error); resolving a command to run it, or
    to show its own ``--help``, imports its module."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:  # noqa: ANN401 - typer's own
        super().__init__(*args, **kwargs)
        for name, spec in COMMANDS.items():
            self.commands[name] = TyperCommand(name, help=spec.help)

    def resolve_command(
        self,
        ctx: Any,  # noqa: ANN401 - click's context type is private to typer
        args: list[str],
    ) -> tuple[str | None, Any, list[str]]:
        """The real command to run (its module imported now)."""
        name, command, rest = super().resolve_command(ctx, args)
        if name is not None and name in COMMANDS:
            return name, load_command(name), rest
        return name, command, rest


app = typer.Typer(
    cls=LazyGroup,
    help="Télétravail et villes moyennes : données ouvertes, territoires et diagnostics.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _main() -> None:
    """Télétravail et villes moyennes : données ouvertes, territoires et diagnostics."""
