"""``teletravail data``: build, status, fetch and anomalies of the open-data warehouse."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from teletravail import settings
from teletravail.cli.errors import handle_errors
from teletravail.opendata.build import build_warehouse
from teletravail.opendata.catalogue import Source
from teletravail.opendata.fetch import fetch_all
from teletravail.opendata.status import source_statuses
from teletravail.territory.lookup import gazetteer_for
from teletravail.warehouse import open_warehouse

data_app = typer.Typer(
    help="Données ouvertes : construire et contrôler l'entrepôt.", no_args_is_help=True
)
console = Console()

SourceOpt = Annotated[
    Path | None,
    typer.Option("--source", help="Dossier des données ouvertes (défaut : TELETRAVAIL_OPENDATA)."),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output",
        help=(
            "Fichier DuckDB produit (défaut : TELETRAVAIL_WAREHOUSE, sinon teletravail.duckdb "
            "dans TELETRAVAIL_VAR ou var)."
        ),
    ),
]


@data_app.command("build")
@handle_errors
def build(source: SourceOpt = None, output: OutputOpt = None) -> None:
    """Construire l'entrepôt DuckDB à partir de toutes les sources disponibles (atomique)."""
    root = settings.opendata_dir(source)
    target = settings.warehouse_path(output)
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        task = progress.add_task("Chargement", total=None)

        def step(src: Source, index: int, total: int) -> None:
            progress.update(
                task, total=total, completed=index, description=f"Chargement : {src.id}"
            )

        report = build_warehouse(root, target, progress=step)
        progress.update(task, description="Répertoire des territoires")
        gazetteer_for(target)  # the lookup index kept beside the warehouse (territory/lookup.py)
        progress.update(
            task, completed=progress.tasks[0].total or 0, description="Chargement terminé"
        )
    table = Table(title=f"Entrepôt construit : {report.output} ({report.seconds:.1f} s)")
    table.add_column("Table")
    table.add_column("Lignes", justify="right")
    for name, rows in report.tables.items():
        table.add_row(name, f"{rows:,}".replace(",", "\u202f"))
    console.print(table)
    absent = [s.source for s in report.states if not s.present]
    for src in absent:
        console.print(
            f"[yellow]Source absente (facultative) :[/] {src.title} — fichiers attendus : "
            f"{', '.join(f.label for f in src.files)} ({src.url})"
        )
    total = sum(report.anomalies.values())
    console.print(
        f"Contrôles de données : {sum(c.ok for c in report.checks)}/{len(report.checks)} conformes. "
        f"Anomalies signalées : {total} "
        + (
            f"({', '.join(f'{k} : {v}' for k, v in sorted(report.anomalies.items()))}) — "
            "détail : teletravail data anomalies"
            if total
            else ""
        )
    )


@data_app.command("status")
@handle_errors
def status(source: SourceOpt = None, output: OutputOpt = None) -> None:
    """Lister les sources, millésimes, lignes chargées et état des empreintes."""
    try:
        root: Path | None = settings.opendata_dir(source)
    except Exception:
        root = None
    target = settings.warehouse_path(output)
    con = open_warehouse(target) if target.is_file() else None
    try:
        statuses = source_statuses(root if root and root.is_dir() else None, con)
    finally:
        if con is not None:
            con.close()
    table = Table(title="Sources de données ouvertes")
    for col in ("Source", "Producteur", "Millésime", "Licence", "Fichiers", "Lignes", "Anomalies"):
        table.add_column(col)
    for st in statuses:
        files = (
            "\n".join(f"{label} : {state}" for label, state in st.checksums.items())
            if st.checksums is not None
            else "(dossier non indiqué)"
        )
        if st.source.builtin:
            files = "intégrées au projet"
        rows = (
            "\n".join(f"{t} : {n:,}".replace(",", "\u202f") for t, n in st.rows.items())
            if st.rows is not None
            else "(pas d'entrepôt)"
        )
        table.add_row(
            st.source.id,
            st.source.producer,
            st.source.vintage,
            st.source.licence,
            files,
            rows,
            "" if st.anomalies is None else str(st.anomalies),
        )
    console.print(table)
    if con is None:
        console.print(f"[yellow]Aucun entrepôt à {target}[/] : lancez « teletravail data build ».")


@data_app.command("fetch")
@handle_errors
def fetch(
    dest: Annotated[
        Path | None,
        typer.Option(
            "--dest",
            help="Dossier cache (défaut : TELETRAVAIL_CACHE, sinon cache dans TELETRAVAIL_VAR ou var).",
        ),
    ] = None,
    only: Annotated[
        list[str] | None,
        typer.Option("--only", help="Identifiant de source à télécharger (répétable)."),
    ] = None,
) -> None:
    """Télécharger les fichiers officiels des producteurs (nécessite internet)."""
    target = dest or settings.cache_dir()
    results, manual = fetch_all(target, only=set(only) if only else None, progress=console.print)
    for r in results:
        console.print(
            f"{r.path} : {r.bytes:,} octets, empreinte {r.checksum}".replace(",", "\u202f")
        )
    for m in manual:
        console.print(
            f"[yellow]À télécharger depuis la page du producteur :[/] {m.label} ({m.url})"
        )
    console.print(f"Construisez ensuite l'entrepôt : teletravail data build --source {target}")


@data_app.command("anomalies")
@handle_errors
def anomalies(
    output: OutputOpt = None,
    source: Annotated[
        str | None, typer.Option("--de", help="Identifiant de source à filtrer.")
    ] = None,
    limit: Annotated[int, typer.Option(help="Nombre maximum de lignes affichées.")] = 50,
) -> None:
    """Afficher les lignes des sources non rattachées au COG 2026 (signalées, jamais supprimées)."""
    con = open_warehouse(settings.warehouse_path(output))
    try:
        rows = con.execute(
            "SELECT source, fichier, code, nom, probleme FROM anomalies "
            "WHERE ? IS NULL OR source = ? ORDER BY source, code LIMIT ?",
            [source, source, limit],
        ).fetchall()
        total = con.execute(
            "SELECT count(*) FROM anomalies WHERE ? IS NULL OR source = ?", [source, source]
        ).fetchone()
    finally:
        con.close()
    table = Table(title=f"Anomalies signalées ({total[0] if total else 0} au total)")
    for col in ("Source", "Fichier", "Code", "Nom", "Problème"):
        table.add_column(col)
    for r in rows:
        table.add_row(*(str(v) if v is not None else "" for v in r))
    console.print(table)
