"""What a loader receives: the open warehouse connection, its source, and safe readers.

Every reader turns a parsing failure into a :class:`SourceError` naming the file, the line and the
column, so that a loader never lets a raw DuckDB or Python traceback reach the user.
"""

from __future__ import annotations

import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from teletravail.errors import SourceError
from teletravail.opendata.catalogue import Source

_LINE_RE = re.compile(r"CSV Error on Line: (\d+)")
_COLUMN_RE = re.compile(r'(?:converting column|column) "([^"]+)"')
_VALUE_RE = re.compile(r'Could not convert string "([^"]*)"')
_FIX_HINT = (
    "Vérifiez que le fichier est complet et au format du producteur "
    "(téléchargez-le de nouveau, ou lancez « teletravail data fetch »)"
)


@dataclass
class Anomaly:
    """A source row that could not be attached to the COG 2026 (or another reported oddity)."""

    source: str
    file: str
    code: str | None
    name: str | None
    problem: str


@dataclass
class LoadContext:
    """Connection and helpers given to each loader.

    ``root`` is the open-data folder; ``workdir`` a scratch folder removed after the build.
    """

    con: duckdb.DuckDBPyConnection
    root: Path
    source: Source
    workdir: Path
    anomalies: list[Anomaly] = field(default_factory=list)

    # -- files ---------------------------------------------------------------------------------
    def path(self, key: str) -> Path:
        """The single existing file for catalogue entry ``key``; SourceError when absent."""
        return self.paths(key)[0]

    def paths(self, key: str) -> list[Path]:
        """Every existing file for catalogue entry ``key`` (a glob may match several)."""
        entry = self.source.file(key)
        found = entry.resolve(self.root)
        if not found:
            raise SourceError(
                self.root / entry.label,
                "fichier introuvable",
                hint=(
                    f"Placez-y le fichier « {self.source.title} » ({self.source.producer}, "
                    f"{self.source.vintage}), téléchargeable depuis {self.source.url}, "
                    "ou indiquez le bon dossier avec --source / TELETRAVAIL_OPENDATA"
                ),
            )
        if entry.pattern is not None and len(found) < entry.count:
            raise SourceError(
                self.root / entry.pattern,
                f"{len(found)} fichier(s) trouvé(s), {entry.count} attendus",
                hint="Recopiez le dossier complet depuis la source officielle",
            )
        return found

    def extract(self, archive: Path, member_pattern: str) -> Path:
        """Extract the zip member whose name matches ``member_pattern`` (a regex) into workdir."""
        try:
            with zipfile.ZipFile(archive) as zf:
                names = [n for n in zf.namelist() if re.search(member_pattern, n)]
                if not names:
                    raise SourceError(
                        archive,
                        f"l'archive ne contient aucun fichier correspondant à « {member_pattern} »",
                        hint=_FIX_HINT,
                    )
                target = self.workdir / self.source.id
                target.mkdir(parents=True, exist_ok=True)
                return Path(zf.extract(names[0], target))
        except zipfile.BadZipFile as exc:
            raise SourceError(
                archive, "archive zip illisible (tronquée ou corrompue)", hint=_FIX_HINT
            ) from exc
        except (EOFError, zipfile.LargeZipFile, OSError) as exc:
            raise SourceError(archive, f"archive zip illisible ({exc})", hint=_FIX_HINT) from exc

    def read_json(self, path: Path) -> Any:  # noqa: ANN401 - JSON documents are untyped
        """Parse a JSON file; a syntax error names its line and column."""
        try:
            with path.open(encoding="utf-8") as fh:
                return json.load(fh)
        except json.JSONDecodeError as exc:
            raise SourceError(
                path,
                f"JSON invalide ({exc.msg}, colonne {exc.colno})",
                line=exc.lineno,
                hint=_FIX_HINT,
            ) from exc
        except UnicodeDecodeError as exc:
            raise SourceError(path, "encodage non UTF-8", hint=_FIX_HINT) from exc

    def read_json_table(
        self,
        table: str,
        path: Path,
        *,
        columns: dict[str, str],
        select: str = "*",
        min_rows: int = 1,
    ) -> int:
        """Create ``table`` from a JSON array of objects, keeping the typed ``columns``.

        Keys absent from an object give NULL. ``select`` is SQL over the raw relation ``src``.
        A malformed document is re-read with Python's parser to name its line and column.
        """
        cols = "{" + ", ".join(f"'{k}': '{v}'" for k, v in columns.items()) + "}"
        quoted = str(path).replace("'", "''")
        sql = (
            f"CREATE OR REPLACE TABLE {table} AS WITH src AS (SELECT * FROM read_json('{quoted}', "
            f"format='array', columns={cols}, maximum_object_size=268435456)) SELECT {select} FROM src"
        )
        try:
            self.con.execute(sql)
        except duckdb.Error as exc:
            self.read_json(path)  # raises with line and column when the JSON itself is broken
            raise SourceError(
                path, "contenu JSON inattendu : " + str(exc).splitlines()[0][:200], hint=_FIX_HINT
            ) from exc
        row = self.con.execute(f"SELECT count(*) FROM {table}").fetchone()
        count = int(row[0]) if row else 0
        if count < min_rows:
            raise SourceError(
                path,
                f"fichier incomplet : {count} élément(s), au moins {min_rows} attendus",
                hint=_FIX_HINT,
            )
        return count

    def header(
        self, path: Path, *, delim: str, skip: int = 0, encoding: str = "utf-8-sig"
    ) -> list[str]:
        """Column names of a CSV file (after ``skip`` lines), BOM and quotes removed."""
        try:
            with path.open(encoding=encoding, newline="") as fh:
                for _ in range(skip):
                    fh.readline()
                line = fh.readline()
        except UnicodeDecodeError as exc:
            raise SourceError(path, "encodage inattendu", hint=_FIX_HINT) from exc
        import csv

        row = next(csv.reader([line.rstrip("\r\n")], delimiter=delim), [])
        return [c.strip().lstrip("\ufeff") for c in row]

    def require_columns(
        self, path: Path, header: list[str], expected: list[str], *, line: int = 1
    ) -> None:
        """SourceError naming the first expected column missing from ``header``."""
        missing = [c for c in expected if c not in header]
        if missing:
            raise SourceError(
                path,
                f"colonne(s) attendue(s) absente(s) : {', '.join(missing)}",
                line=line,
                hint=f"En-tête lu : {', '.join(header[:12])}{'…' if len(header) > 12 else ''}. "
                + _FIX_HINT,
            )

    def read_csv(
        self,
        table: str,
        path: Path,
        *,
        columns: dict[str, str],
        delim: str = ",",
        skip: int = 0,
        header: bool = True,
        min_rows: int = 1,
        select: str = "*",
        encoding: str = "utf-8",
    ) -> int:
        """Create ``table`` from a CSV read with an explicit dialect and typed ``columns``.

        ``columns`` maps every column of the file, in order, to a DuckDB type (names are yours;
        the file's header is skipped). ``select`` may rename/cast (SQL over the raw relation
        ``src``). Returns the row count; fewer than ``min_rows`` rows means a truncated file.
        """
        cols = "{" + ", ".join(f"'{k}': '{v}'" for k, v in columns.items()) + "}"
        quoted = str(path).replace("'", "''")
        sql = (
            f"CREATE OR REPLACE TABLE {table} AS WITH src AS (SELECT * FROM read_csv('{quoted}', "
            f"delim='{delim}', quote='\"', escape='\"', header={str(header).lower()}, "
            f"skip={skip}, auto_detect=false, columns={cols}, encoding='{encoding}', "
            f"strict_mode=true)) SELECT {select} FROM src"
        )
        try:
            self.con.execute(sql)
        except duckdb.Error as exc:
            raise self.csv_error(path, exc) from exc
        row = self.con.execute(f"SELECT count(*) FROM {table}").fetchone()
        count = int(row[0]) if row else 0
        if count < min_rows:
            raise SourceError(
                path,
                f"fichier incomplet : {count} ligne(s) de données, au moins {min_rows} attendues",
                hint=_FIX_HINT,
            )
        return count

    def reject_first(
        self,
        table: str,
        path: Path,
        *,
        where: str,
        value: str,
        column: str,
        problem: str,
        hint: str = _FIX_HINT,
    ) -> None:
        """SourceError on the first row (by ``_line``, the line in the file) of ``table`` matching
        the SQL condition ``where``; ``value`` is the SQL expression shown as the offending value."""
        row = self.con.execute(
            f"SELECT _line, {value} FROM {table} WHERE {where} ORDER BY _line LIMIT 1"
        ).fetchone()
        if row is not None:
            raise SourceError(
                path,
                problem,
                line=int(row[0]),
                column=column,
                value="" if row[1] is None else str(row[1]),
                hint=hint,
            )

    @staticmethod
    def find_line(path: Path, column: str, value: str, *, delim: str = ",") -> int | None:
        """1-based line of the first data row whose ``column`` holds ``value`` (for messages)."""
        import csv

        try:
            with path.open(encoding="utf-8-sig", newline="") as fh:
                reader = csv.reader(fh, delimiter=delim)
                header = [c.strip().lstrip("\ufeff") for c in next(reader, [])]
                if column not in header:
                    return None
                idx = header.index(column)
                for row in reader:
                    if len(row) > idx and row[idx] == value:
                        return reader.line_num
        except (OSError, UnicodeDecodeError, csv.Error):
            return None
        return None

    @staticmethod
    def csv_error(path: Path, exc: Exception) -> SourceError:
        """Turn a DuckDB CSV error into a SourceError with line, column and value when known."""
        text = str(exc)
        line_m = _LINE_RE.search(text)
        col_m = _COLUMN_RE.search(text)
        val_m = _VALUE_RE.search(text)
        if "Expected Number of Columns" in text:
            found = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", text)
            problem = (
                f"ligne incomplète ou mal formée ({found.group(2)} colonnes au lieu de "
                f"{found.group(1)})"
                if found
                else "ligne mal formée"
            )
        elif val_m:
            problem = "valeur illisible"
        elif "unterminated quotes" in text.lower() or "quote" in text.lower():
            problem = "guillemets non fermés (fichier tronqué ?)"
        else:
            problem = "fichier CSV illisible : " + text.splitlines()[0][:200]
        return SourceError(
            path,
            problem,
            line=int(line_m.group(1)) if line_m else None,
            column=col_m.group(1) if col_m and val_m else None,
            value=val_m.group(1) if val_m else None,
            hint=_FIX_HINT,
        )

    # -- anomalies and the COG 2026 ------------------------------------------------------------
    def anomaly(self, file: Path | str, code: str | None, name: str | None, problem: str) -> None:
        """Record a reported anomaly (never a silent drop)."""
        self.anomalies.append(Anomaly(self.source.id, Path(file).name, code, name, problem))

    def map_communes(
        self, table: str, *, code_col: str, name_col: str | None, file: Path, what: str = "ligne"
    ) -> int:
        """Add ``commune_code`` (COG 2026) to ``table`` from its ``code_col``.

        Uses the ``commune_codes`` table built by the COG loader (current codes, communes
        déléguées/associées, arrondissements municipaux, former codes). Rows that cannot be attached
        keep a NULL ``commune_code`` and are recorded as anomalies by name. Returns their count.
        """
        self.con.execute(
            f"""
            CREATE OR REPLACE TABLE {table} AS
            SELECT t.*, m.commune_code
            FROM {table} t LEFT JOIN commune_codes m ON m.code = t.{code_col}
            """
        )
        name_expr = f"t.{name_col}" if name_col else "NULL"
        rows = self.con.execute(
            f"SELECT t.{code_col}, {name_expr} FROM {table} t "
            f"WHERE t.commune_code IS NULL AND t.{code_col} IS NOT NULL ORDER BY 1"
        ).fetchall()
        for code, name in rows:
            self.anomaly(
                file,
                code,
                name,
                f"{what} : code commune absent du COG 2026 et sans correspondance connue",
            )
        return len(rows)
