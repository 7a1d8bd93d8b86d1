"""Opening the built warehouse (read-only) with a clear message when it is absent or unusable."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from teletravail.errors import WarehouseError

if TYPE_CHECKING:
    import duckdb

REQUIRED_TABLES = ("communes", "epcis", "epci_membres", "stations", "sources")


def require_warehouse_file(path: Path) -> None:
    """WarehouseError (a clear French message) when no file is at ``path``."""
    if not path.is_file():
        raise WarehouseError(
            f"Entrepôt de données introuvable : {path}. Construisez-le avec "
            "« teletravail data build --source ../shared/opendata » (ou définissez "
            "TELETRAVAIL_WAREHOUSE)."
        )


def open_warehouse(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the warehouse at ``path`` (DuckDB is imported here: a module
    importing this one does not pay for it)."""
    require_warehouse_file(path)
    import duckdb

    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise WarehouseError(
            f"Entrepôt illisible : {path} ({str(exc).splitlines()[0]}). Reconstruisez-le avec "
            "« teletravail data build »."
        ) from exc
    present = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    missing = [t for t in REQUIRED_TABLES if t not in present]
    if missing:
        con.close()
        raise WarehouseError(
            f"Entrepôt incomplet ou d'une ancienne version : {path} (tables absentes : "
            f"{', '.join(missing)}). Reconstruisez-le avec « teletravail data build »."
        )
    return con


def derived_day(con: duckdb.DuckDBPyConnection, required: tuple[str, ...] = ()) -> date:
    """The reference day of a derived warehouse (``derive_info.jour``); WarehouseError in French
    when ``con`` is not one, or lacks one of the ``required`` tables."""
    import duckdb

    try:
        row = con.execute("SELECT jour FROM derive_info").fetchone()
        for table in required:
            con.execute(f'SELECT 1 FROM "{table}" LIMIT 0').fetchall()
    except duckdb.Error as exc:
        tables = ", ".join(("derive_info", *required))
        raise WarehouseError(
            f"Entrepôt dérivé attendu (tables {tables}) : ouvrez la copie dérivée de l'entrepôt "
            "(teletravail.derived.ensure_derived)."
        ) from exc
    if row is None or row[0] is None:
        raise WarehouseError(
            "Jour de référence absent de la table derive_info de l'entrepôt dérivé."
        )
    value = row[0]
    return value if isinstance(value, date) else date.fromisoformat(str(value))
