"""Settings read from the environment, with the defaults used by the quickstart.

- ``TELETRAVAIL_OPENDATA``: folder holding the open-data files (the mirror ``../shared/opendata``
  or the producers' official downloads laid out the same way).
- ``TELETRAVAIL_VAR``: folder of the local files (default ``var``); the defaults below live in it.
- ``TELETRAVAIL_WAREHOUSE``: path of the DuckDB warehouse file (default
  ``$TELETRAVAIL_VAR/teletravail.duckdb``).
- ``TELETRAVAIL_CACHE``: folder where ``teletravail data fetch`` stores official downloads
  (default ``$TELETRAVAIL_VAR/cache``).
"""

from __future__ import annotations

import os
from pathlib import Path

from teletravail.errors import ConfigError

DEFAULT_VAR = Path("var")
DEFAULT_WAREHOUSE = DEFAULT_VAR / "teletravail.duckdb"
DEFAULT_CACHE = DEFAULT_VAR / "cache"


def var_dir() -> Path:
    """Folder of the local files: ``TELETRAVAIL_VAR``, else ``var`` (relative to the current folder)."""
    return Path(os.environ.get("TELETRAVAIL_VAR") or DEFAULT_VAR)


def opendata_dir(explicit: Path | None = None) -> Path:
    """The open-data folder: the explicit option, else ``TELETRAVAIL_OPENDATA``."""
    if explicit is not None:
        return explicit
    value = os.environ.get("TELETRAVAIL_OPENDATA")
    if not value:
        raise ConfigError(
            "Dossier des données ouvertes inconnu : passez --source DOSSIER ou définissez "
            "TELETRAVAIL_OPENDATA (par exemple export TELETRAVAIL_OPENDATA=../shared/opendata)."
        )
    return Path(value)


def warehouse_path(explicit: Path | None = None) -> Path:
    """The warehouse file: the explicit option, else ``TELETRAVAIL_WAREHOUSE``, else
    ``teletravail.duckdb`` in the local files' folder (:func:`var_dir`)."""
    if explicit is not None:
        return explicit
    return Path(os.environ.get("TELETRAVAIL_WAREHOUSE") or var_dir() / DEFAULT_WAREHOUSE.name)


def cache_dir() -> Path:
    """Folder for official downloads made by ``teletravail data fetch`` (``TELETRAVAIL_CACHE``,
    else ``cache`` in the local files' folder)."""
    return Path(os.environ.get("TELETRAVAIL_CACHE") or var_dir() / DEFAULT_CACHE.name)
