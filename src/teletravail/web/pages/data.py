"""What the public pages and the API share: warehouse connections, derived data, source states.

The base warehouse is the ``TELETRAVAIL_WAREHOUSE`` Django setting, opened read-only; indicators
come from the derived copy for a reference day, computed by the task worker when a request asks for
a new day (``teletravail.web.api_routes.common.ready_day``), never inside the request.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from teletravail import settings as project_settings
from teletravail.errors import TeletravailError
from teletravail.impact.calculator import load_modes
from teletravail.opendata.status import SourceStatus, source_statuses
from teletravail.warehouse import open_warehouse
from teletravail.web.territories import service


@contextmanager
def base_connection() -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the warehouse (WarehouseError when absent or stale)."""
    con = open_warehouse(service.warehouse())
    try:
        yield con
    finally:
        con.close()


@contextmanager
def read_only(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to a derived warehouse."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        yield con
    finally:
        con.close()


def mode_choices() -> list[tuple[str, str]]:
    """(slug, French name) of every Impact CO2 transport mode, in Impact CO2 order."""
    with base_connection() as con:
        modes = load_modes(con)
    return [
        (slug, f"{m.nom} – {m.sous_type}" if m.sous_type else m.nom) for slug, m in modes.items()
    ]


@dataclass(frozen=True)
class BuildInfo:
    """When and from which folder the warehouse was built."""

    built_at: datetime | None
    source_folder: str | None
    version: str | None


@dataclass(frozen=True)
class SourcesState:
    """Everything the data sources page shows."""

    statuses: list[SourceStatus]
    loaded: dict[str, bool]
    build: BuildInfo | None
    opendata: Path | None
    warehouse_error: str | None


def readable_opendata() -> Path | None:
    """The open-data folder (``TELETRAVAIL_OPENDATA``) when it is set and readable."""
    try:
        root = project_settings.opendata_dir()
    except TeletravailError:
        return None
    return root if root.is_dir() and os.access(root, os.R_OK | os.X_OK) else None


_cache_lock = threading.Lock()
_cache: dict[tuple[str, str, str], SourcesState] = {}


def sources_state() -> SourcesState:
    """Source statuses, loaded flags and build info; checksums are computed once per build."""
    root = readable_opendata()
    try:
        con = open_warehouse(service.warehouse())
    except TeletravailError as exc:
        return SourcesState(source_statuses(root, None), {}, None, root, str(exc))
    try:
        row = con.execute("SELECT construit_le, dossier_source, version FROM build_info").fetchone()
        build = BuildInfo(*row) if row else None
        key = (str(root), str(service.warehouse()), str(build.built_at if build else ""))
        with _cache_lock:
            cached = _cache.get(key)
        if cached is not None:
            return cached
        loaded = {
            r[0]: bool(r[1]) for r in con.execute("SELECT id, chargee FROM sources").fetchall()
        }
        state = SourcesState(source_statuses(root, con), loaded, build, root, None)
    finally:
        con.close()
    with _cache_lock:
        _cache.clear()
        _cache[key] = state
    return state
