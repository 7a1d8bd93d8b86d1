"""Pieces shared by the commands: options and date parsing (resolving a query to one territory is
``teletravail.territory.resolve.resolve_one``, shared with the web pages)."""

from __future__ import annotations

import errno
import os
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from teletravail.errors import ConfigError

EntrepotOpt = Annotated[
    Path | None,
    typer.Option("--entrepot", help="Entrepôt DuckDB (défaut : TELETRAVAIL_WAREHOUSE)."),
]
DateOpt = Annotated[
    str | None, typer.Option("--date", help="Jour de référence de la desserte (AAAA-MM-JJ).")
]


def parse_day(text: str | None) -> date | None:
    """``YYYY-MM-DD`` -> date; a clear message otherwise."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ConfigError(
            f"Date illisible « {text} » : utilisez le format AAAA-MM-JJ, par exemple "
            "--date 2025-01-28."
        ) from None


_OS_REASONS = {
    errno.ENOENT: "dossier introuvable",
    errno.EACCES: "accès refusé",
    errno.EPERM: "accès refusé",
    errno.EROFS: "système de fichiers en lecture seule",
    errno.ENOSPC: "disque plein",
    errno.EISDIR: "c'est un dossier",
}


def check_output(target: Path) -> None:
    """ConfigError in French when ``target`` cannot be written: a folder, a missing folder, a
    read-only folder. Called before long computations so that the user learns it at once."""
    if target.is_dir():
        raise ConfigError(
            f"« {target} » est un dossier : indiquez un nom de fichier avec --output."
        )
    parent = target.parent
    if not parent.is_dir():
        raise ConfigError(
            f"Impossible d'écrire « {target} » : le dossier « {parent} » n'existe pas."
        )
    if not os.access(parent, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise ConfigError(f"Impossible d'écrire « {target} » : accès refusé.")


def write_output(target: Path, data: bytes | str) -> None:
    """Write ``data`` (text in UTF-8) to ``target``; ConfigError in French when the system refuses."""
    try:
        if isinstance(data, str):
            target.write_text(data, encoding="utf-8")
        else:
            target.write_bytes(data)
    except OSError as exc:
        reason = _OS_REASONS.get(exc.errno or 0, "erreur du système")
        raise ConfigError(f"Impossible d'écrire « {target} » : {reason}.") from None
