"""State of the sources: files present and checksums in a folder, rows loaded in a warehouse."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from teletravail.opendata.build import inspect_sources
from teletravail.opendata.catalogue import Source, load_catalogue


@dataclass(frozen=True)
class SourceStatus:
    """One source: catalogue entry, checksum state per file (None when no folder was given),
    rows per table in the warehouse (None when there is no warehouse)."""

    source: Source
    checksums: dict[str, str] | None
    rows: dict[str, int] | None
    anomalies: int | None


def source_statuses(root: Path | None, con: duckdb.DuckDBPyConnection | None) -> list[SourceStatus]:
    """Status of every catalogue source, from the folder ``root`` and/or an open warehouse."""
    states = {s.source.id: s.checksums for s in inspect_sources(root)} if root else {}
    counts: dict[str, int] = {}
    anomalies: dict[str, int] = {}
    if con is not None:
        for (name,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall():
            row = con.execute(f'SELECT count(*) FROM "{name}"').fetchone()
            counts[name] = int(row[0]) if row else 0
        anomalies = dict(
            con.execute("SELECT source, count(*) FROM anomalies GROUP BY source").fetchall()
        )
    result = []
    for source in load_catalogue():
        rows = {t: counts.get(t, 0) for t in source.tables} if con is not None else None
        result.append(
            SourceStatus(
                source,
                states.get(source.id) if root else None,
                rows,
                anomalies.get(source.id, 0) if con is not None else None,
            )
        )
    return result
