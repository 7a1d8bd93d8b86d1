"""One place where exceptions become user messages and exit codes (2 = fix your input)."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.text import Text

from teletravail.errors import TeletravailError

P = ParamSpec("P")
R = TypeVar("R")
err_console = Console(stderr=True)


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Print project errors as one French message and exit 2; unexpected ones exit 1 without a
    traceback (set TELETRAVAIL_DEBUG=1 to see it)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except TeletravailError as exc:
            err_console.print(Text.assemble(("Erreur : ", "bold red"), str(exc)), soft_wrap=True)
            raise typer.Exit(2) from None
        except KeyboardInterrupt:
            err_console.print("Interrompu.")
            raise typer.Exit(130) from None
        except Exception as exc:
            if os.environ.get("TELETRAVAIL_DEBUG"):
                raise
            err_console.print(
                Text.assemble(
                    ("Erreur inattendue : ", "bold red"),
                    f"{type(exc).__name__}: {exc}. Relancez avec TELETRAVAIL_DEBUG=1 pour le "
                    "détail et signalez-la.",
                ),
                soft_wrap=True,
            )
            raise typer.Exit(1) from None

    return wrapper
