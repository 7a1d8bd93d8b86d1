"""Build the DuckDB warehouse from the open-data folder, atomically.

The new warehouse is written to a temporary file beside the target and moved into place only when
every source has loaded and every data check passes: on any error the previous warehouse stays intact.
"""

from __future__ import annotations

import importlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import duckdb
import numpy as np

from teletravail import __version__
from teletravail.errors import SourceError, WarehouseError
from teletravail.navettes.estimate import store_flows
from teletravail.opendata.catalogue import Source, checksum_state, load_catalogue
from teletravail.opendata.checks import CheckResult, run_checks
from teletravail.opendata.context import Anomaly, LoadContext

ProgressFn = Callable[[Source, int, int], None]


@dataclass(frozen=True)
class SourceState:
    """Availability of one catalogue source in a folder: loaded or absent, checksum per file."""

    source: Source
    present: bool
    checksums: dict[str, str]


@dataclass
class BuildReport:
    """What a build did: row counts per table, anomalies per source, checks, seconds (wall time)."""

    output: Path
    tables: dict[str, int] = field(default_factory=dict)
    states: list[SourceState] = field(default_factory=list)
    anomalies: dict[str, int] = field(default_factory=dict)
    checks: list[CheckResult] = field(default_factory=list)
    seconds: float = 0.0


def inspect_sources(root: Path) -> list[SourceState]:
    """Presence and checksum state of every catalogue source's files under ``root``."""
    states = []
    for source in load_catalogue():
        sums = {f.label: checksum_state(f, root) for f in source.files}
        present = source.builtin or all(s != "absent" for s in sums.values())
        states.append(SourceState(source, present, sums))
    return states


def _preflight(root: Path) -> list[SourceState]:
    if not root.is_dir():
        raise SourceError(
            root,
            "dossier des données ouvertes introuvable",
            hint="Indiquez le dossier du miroir (../shared/opendata) avec --source ou "
            "TELETRAVAIL_OPENDATA, ou lancez « teletravail data fetch »",
        )
    states = inspect_sources(root)
    missing = [
        (s.source, label)
        for s in states
        if s.source.required and not s.present
        for label, state in s.checksums.items()
        if state == "absent"
    ]
    if missing:
        source, label = missing[0]
        others = (
            f" ({len(missing) - 1} autre(s) fichier(s) manquant(s) aussi)"
            if len(missing) > 1
            else ""
        )
        raise SourceError(
            root / label,
            f"fichier introuvable{others}",
            hint=f"Ce fichier de la source « {source.title} » ({source.producer}, {source.vintage}) "
            f"se télécharge depuis {source.url} ; ou lancez « teletravail data fetch »",
        )
    return states


def _create_empty(con: duckdb.DuckDBPyConnection, source: Source) -> None:
    module = importlib.import_module(source.parser.partition(":")[0])
    for table in source.tables:
        getattr(module, f"create_empty_{table}")(con)


def _load_one(ctx: LoadContext) -> None:
    try:
        ctx.source.loader()(ctx)
    except SourceError:
        raise
    except duckdb.Error as exc:
        files = ", ".join(f.label for f in ctx.source.files)
        raise SourceError(
            ctx.root / (ctx.source.files[0].label if ctx.source.files else ctx.source.id),
            f"données inattendues dans la source « {ctx.source.title} » ({files}) : "
            + str(exc).splitlines()[0][:300],
            hint="Vérifiez que les fichiers sont ceux du producteur, complets, au format attendu",
        ) from exc


def _load_sources(
    con: duckdb.DuckDBPyConnection,
    root: Path,
    workdir: Path,
    states: list[SourceState],
    progress: ProgressFn | None,
    meanwhile: Callable[[], object],
) -> list[Anomaly]:
    """Run every loader; sources marked ``parallel`` go, in catalogue order, to a second thread
    with its own cursor, started once the sources before them are loaded. ``meanwhile`` runs in
    the main thread once its own loaders are done, before waiting for the second thread (it must
    not read the parallel sources' tables). Returns the anomalies."""
    contexts: list[LoadContext] = []
    pending: list[Future[None]] = []
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="chargement") as worker:
        try:
            for index, state in enumerate(states):
                if progress:
                    progress(state.source, index, len(states))
                if not state.present:
                    _create_empty(con, state.source)
                    continue
                if state.source.parallel:
                    ctx = LoadContext(
                        con=con.cursor(), root=root, source=state.source, workdir=workdir
                    )
                    pending.append(worker.submit(_load_one, ctx))
                else:
                    ctx = LoadContext(con=con, root=root, source=state.source, workdir=workdir)
                    _load_one(ctx)
                contexts.append(ctx)
            meanwhile()
        finally:
            # wait for the second thread even when the main one failed
            errors = [f.exception() for f in pending]
            for ctx in contexts:
                if ctx.con is not con:
                    ctx.con.close()
        for error in errors:
            if error is not None:
                raise error
    return [a for ctx in contexts for a in ctx.anomalies]


def _write_metadata(
    con: duckdb.DuckDBPyConnection, states: list[SourceState], anomalies: list[Anomaly], root: Path
) -> None:
    con.execute(
        "CREATE OR REPLACE TABLE anomalies (source VARCHAR, fichier VARCHAR, code VARCHAR, "
        "nom VARCHAR, probleme VARCHAR)"
    )
    if anomalies:
        columns = {
            "source": [a.source for a in anomalies],
            "fichier": [a.file for a in anomalies],
            "code": [a.code for a in anomalies],
            "nom": [a.name for a in anomalies],
            "probleme": [a.problem for a in anomalies],
        }
        con.register("anomalies_rows", {k: np.asarray(v, dtype=object) for k, v in columns.items()})
        con.execute(
            "INSERT INTO anomalies SELECT source, fichier, code, nom, probleme FROM anomalies_rows"
        )
        con.unregister("anomalies_rows")
    con.execute(
        """CREATE OR REPLACE TABLE sources (id VARCHAR PRIMARY KEY, titre VARCHAR,
        producteur VARCHAR, licence VARCHAR, millesime VARCHAR, url VARCHAR, tables VARCHAR[],
        fichiers VARCHAR[], empreintes VARCHAR[], chargee BOOLEAN, obligatoire BOOLEAN,
        citation VARCHAR)"""
    )
    con.executemany(
        "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                s.source.id,
                s.source.title,
                s.source.producer,
                s.source.licence,
                s.source.vintage,
                s.source.url,
                list(s.source.tables),
                list(s.checksums),
                list(s.checksums.values()),
                s.present,
                s.source.required,
                s.source.citation or f"{s.source.producer}, {s.source.vintage}",
            )
            for s in states
        ],
    )
    con.execute(
        "CREATE OR REPLACE TABLE build_info AS SELECT ?::TIMESTAMP AS construit_le, "
        "?::VARCHAR AS dossier_source, ?::VARCHAR AS version",
        [datetime.now(UTC).replace(tzinfo=None), str(root.resolve()), __version__],
    )


def _table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    names = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY table_name"
        ).fetchall()
    ]
    counts = {}
    for name in names:
        row = con.execute(f'SELECT count(*) FROM "{name}"').fetchone()
        counts[name] = int(row[0]) if row else 0
    return counts


def build_warehouse(root: Path, output: Path, *, progress: ProgressFn | None = None) -> BuildReport:
    """Load every available source under ``root`` into a new warehouse at ``output``.

    Raises SourceError (bad or missing input) or WarehouseError (failed data checks); in both cases
    nothing is written at ``output``.
    """
    started = time.perf_counter()
    states = _preflight(root)
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.parent / f".{output.name}.construction-{os.getpid()}"
    workdir = Path(tempfile.mkdtemp(prefix="teletravail-build-"))
    report = BuildReport(output=output, states=states)
    anomalies: list[Anomaly] = []
    try:
        tmp.unlink(missing_ok=True)
        con = duckdb.connect(str(tmp))
        try:
            sql = (
                resources.files("teletravail.opendata").joinpath("assemble.sql").read_text("utf-8")
            )
            anomalies.extend(
                _load_sources(
                    con, root, workdir, states, progress, meanwhile=lambda: con.execute(sql)
                )
            )
            # derived step: estimated home-to-work flows (issue 10, teletravail.navettes)
            store_flows(con)
            _write_metadata(con, states, anomalies, root)
            report.checks = run_checks(con)
            failed = [c for c in report.checks if not c.ok]
            if failed:
                detail = "; ".join(
                    f"{c.check.name} ({c.check.description}) : {c.violations} ligne(s), "
                    f"par exemple {list(c.examples[:3])}"
                    for c in failed
                )
                raise WarehouseError(
                    f"Contrôles de données en échec, entrepôt non remplacé : {detail}"
                )
            report.tables = _table_counts(con)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        tmp.replace(output)
    finally:
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + ".wal").unlink(missing_ok=True)
        shutil.rmtree(workdir, ignore_errors=True)
    for a in anomalies:
        report.anomalies[a.source] = report.anomalies.get(a.source, 0) + 1
    report.seconds = time.perf_counter() - started
    return report
