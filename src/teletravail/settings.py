"""Settings read from the environment, with the defaults used by the quickstart.

- ``TELETRAVAIL_OPENDATA``: folder holding the open-data files (the mirror ``../shared/opendata``
  or the producers' official downloads laid out the same way).
- ``TELETRAVAIL_WAREHOUSE``: path of the DuckDB warehouse file (default ``var/teletravail.duckdb``).
- ``TELETRAVAIL_CACHE``: folder where ``teletravail data fetch`` stores official downloads
  (default ``var/cache``).
"""

from __future__ import annotations

import os
from pathlib import Path

from teletravail.errors import ConfigError

DEFAULT_WAREHOUSE = Path("var") / "teletravail.duckdb"
DEFAULT_CACHE = Path("var") / "cache"


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
    """The warehouse file: the explicit option, else ``TELETRAVAIL_WAREHOUSE``, else the default."""
    if explicit is not None:
        return explicit
    return Path(os.environ.get("TELETRAVAIL_WAREHOUSE") or DEFAULT_WAREHOUSE)


def cache_dir() -> Path:
    """Folder for official downloads made by ``teletravail data fetch``."""
    return Path(os.environ.get("TELETRAVAIL_CACHE") or DEFAULT_CACHE)
