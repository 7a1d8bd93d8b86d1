"""Opening the built warehouse (read-only) with a clear message when it is absent or unusable."""

from __future__ import annotations

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
