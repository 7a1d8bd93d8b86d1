"""Derived data (rail service and indicators for a reference day), cached beside the warehouse.

The warehouse holds the open data as loaded. Indicators depend on a reference day (rail service)
and take seconds to compute, so they are computed once per (warehouse build, day, minimum transfer
time) into a copy of the warehouse, ``<warehouse dir>/derive/<name>-<day>-<minutes>min.duckdb``,
written atomically, and reused by every report until the warehouse is rebuilt or the code that
computes them changes (fingerprint of the indicator catalogue and of the diagnostic and rail
modules: after an upgrade, the next report recomputes them instead of showing stale columns).
"""

from __future__ import annotations

import hashlib
import os
import shutil
from datetime import date
from functools import cache, lru_cache
from pathlib import Path

import duckdb

from teletravail.diagnostic.compute import compute_indicators
from teletravail.rail.calendar import check_reference_day, default_reference_day
from teletravail.rail.service import compute_rail_service
from teletravail.warehouse import open_warehouse

_CODE_DIRS = ("diagnostic", "rail", "navettes")


@cache
def code_fingerprint() -> str:
    """SHA-256 (hex, 16 characters) of the files that compute the derived tables: the
    ``.py``, ``.toml`` and ``.sql`` files of the diagnostic, rail and commuting packages."""
    root = Path(__file__).parent
    digest = hashlib.sha256()
    for name in _CODE_DIRS:
        for path in sorted((root / name).rglob("*")):
            if path.suffix in {".py", ".toml", ".sql"} and path.is_file():
                digest.update(path.relative_to(root).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _built_at(con: duckdb.DuckDBPyConnection) -> str:
    row = con.execute("SELECT construit_le::VARCHAR FROM build_info").fetchone()
    return str(row[0]) if row else ""


def _day(con: duckdb.DuckDBPyConnection, day: date | None) -> date:
    if day is None:
        return default_reference_day(con)
    check_reference_day(con, day)
    return day


def resolve_day(warehouse: Path, day: date | None) -> date:
    """The reference day: ``day`` checked against the feeds' validity, else the default Tuesday."""
    con = open_warehouse(warehouse)
    try:
        return _day(con, day)
    finally:
        con.close()


def derived_path(warehouse: Path, day: date, min_transfer_minutes: int) -> Path:
    """Where the derived copy for this day and transfer time lives."""
    return (
        warehouse.parent
        / "derive"
        / f"{warehouse.stem}-{day.isoformat()}-{min_transfer_minutes}min.duckdb"
    )


# (derived file, its modification time in ns, warehouse build stamp, code fingerprint) already
# found current: later checks skip opening the file
_CURRENT: set[tuple[str, int, str, str]] = set()


def _is_current(path: Path, built_at: str) -> bool:
    try:
        key = (str(path), path.stat().st_mtime_ns, built_at, code_fingerprint())
    except OSError:
        return False
    if key in _CURRENT:
        return True
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return False
    try:
        row = con.execute(
            "SELECT entrepot_construit_le, code_empreinte FROM derive_info"
        ).fetchone()
        current = row is not None and row[0] == built_at and row[1] == code_fingerprint()
    except duckdb.Error:
        return False
    finally:
        con.close()
    if current:
        _CURRENT.add(key)
    return current


def _target(warehouse: Path, day: date | None, min_transfer_minutes: int) -> tuple[Path, date, str]:
    stat = warehouse.stat()
    chosen, built_at = _checked_day(str(warehouse), stat.st_size, stat.st_mtime_ns, day)
    return derived_path(warehouse, chosen, min_transfer_minutes), chosen, built_at


@lru_cache(maxsize=256)
def _checked_day(path: str, size: int, mtime_ns: int, day: date | None) -> tuple[date, str]:
    """The reference day (checked, or the default one) and the build stamp of the warehouse file
    at ``path`` (its size and modification time key the cache: a new build is read again)."""
    con = open_warehouse(Path(path))
    try:
        return _day(con, day), _built_at(con)
    finally:
        con.close()


def current_derived(
    warehouse: Path, *, day: date | None = None, min_transfer_minutes: int = 5
) -> tuple[Path | None, date]:
    """The reference day (``day`` checked, or the default one) and the path of its derived
    warehouse when it exists and is current, None when it still has to be computed
    (``ensure_derived``); ConfigError for a day the rail feeds do not cover. Takes milliseconds:
    a web request calls it, never ``ensure_derived`` for a new day."""
    target, chosen, built_at = _target(warehouse, day, min_transfer_minutes)
    return (target if _is_current(target, built_at) else None), chosen


def ensure_derived(
    warehouse: Path, *, day: date | None = None, min_transfer_minutes: int = 5
) -> tuple[Path, date]:
    """Path of the derived warehouse (built now if absent or stale) and its reference day."""
    target, chosen, built_at = _target(warehouse, day, min_transfer_minutes)
    if _is_current(target, built_at):
        return target, chosen
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}")
    try:
        shutil.copyfile(warehouse, tmp)
        con = duckdb.connect(str(tmp))
        try:
            # journeys by train only: the diagnostic and its cards do not show coach journeys
            compute_rail_service(
                con, day=chosen, min_transfer_minutes=min_transfer_minutes, modes=("train",)
            )
            compute_indicators(con, day=chosen)
            con.execute(
                "CREATE OR REPLACE TABLE derive_info AS SELECT ?::VARCHAR AS entrepot_construit_le, "
                "?::DATE AS jour, ?::INTEGER AS correspondance_min, ?::VARCHAR AS code_empreinte",
                [built_at, chosen, min_transfer_minutes, code_fingerprint()],
            )
            con.execute("CHECKPOINT")
        finally:
            con.close()
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + ".wal").unlink(missing_ok=True)
    return target, chosen
