"""The ``teletravail`` application and its sub-commands."""

from __future__ import annotations

import typer

from teletravail.cli.compare import comparer
from teletravail.cli.data import data_app
from teletravail.cli.diagnostic import diagnostic
from teletravail.cli.impact import impact
from teletravail.cli.navettes import navettes
from teletravail.cli.rail import desserte
from teletravail.cli.ranking import classement
from teletravail.cli.scenario import scenario
from teletravail.cli.survey import enquete_app
from teletravail.cli.territory import territoire
from teletravail.cli.web import createadmin, serve

app = typer.Typer(
    help="Télétravail et villes moyennes : données ouvertes, territoires et diagnostics.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(data_app, name="data")
app.add_typer(enquete_app, name="enquete")
app.command("territoire")(territoire)
app.command("impact")(impact)
app.command("desserte")(desserte)
app.command("diagnostic")(diagnostic)
app.command("classement")(classement)
app.command("comparer")(comparer)
app.command("scenario")(scenario)
app.command("navettes")(navettes)
app.command("serve")(serve)
app.command("createadmin")(createadmin)
