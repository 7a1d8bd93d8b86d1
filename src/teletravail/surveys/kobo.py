"""Import of KoboToolbox exports ("Valeurs et en-têtes XML", group separator "/").

- CSV (``;`` or ``,``, detected on the header line; UTF-8 with or without BOM): one row per
  submission; columns are flat keys ("pratique/jours_teletravail") or bare question names (export
  without group names); a repeat may come as indexed columns "enfants[2]/age_enfant".
- XLSX: the first sheet is the main table (``_index``), every other sheet with a ``_parent_index``
  column is a repeat (matched by sheet name or by its columns), joined to its parent by
  ``_index``/``_parent_index`` (``_parent_table_name`` names the parent sheet when present).

``_uuid`` (or ``meta/instanceID`` "uuid:…", or ``uuid``) gives the submission id,
``_submission_time`` (or ``submitted_at``) its time (UTC when no offset). select_multiple is read
from its space-separated column (the 0/1 "question/choix" columns are ignored). Kobo metadata
columns (_id, _status, _submitted_by, _validation_status, _notes, _tags, _geolocation, username,
deviceid, start, end…) and unknown columns are ignored; calculate and note columns are left out
(the engine recomputes calculations). Answers are typed after the contract (int, float, list…).
Errors: :class:`ImportFileError` naming the file, sheet, line and column.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any, NoReturn

from openpyxl import load_workbook

from teletravail.errors import TeletravailError
from teletravail.surveys.form import Form, Question
from teletravail.surveys.sheets import SheetLimits, SheetTooLargeError, bounded_rows, check_archive
from teletravail.surveys.textcheck import submitted_at_problem

SKIPPED_KINDS = frozenset({"group", "repeat", "note", "calculate"})
UUID_COLUMNS = ("_uuid", "meta/instanceID", "instanceID", "uuid")
TIME_COLUMNS = ("_submission_time", "submitted_at")
REEXPORT = (
    "Ré-exportez les données depuis KoboToolbox avec le format « Valeurs et en-têtes XML » "
    "(XML values and headers) et le séparateur de groupes « / »."
)
Fail = Callable[[str], NoReturn]
#: Size limits of an XLSX export: 200,000 rows and 5,000 columns per sheet (a select_multiple
#: adds one 0/1 column per choice), reading stopped after 1,000 consecutive empty rows, 500 MB
#: uncompressed.
EXPORT_LIMITS = SheetLimits(
    rows=200_000, columns=5_000, empty_rows=1_000, uncompressed_bytes=500 * 1024 * 1024
)
INDEXED = re.compile(r"^(?P<name>[^\[\]/]+)\[(?P<index>\d+)\]$")


class ImportFileError(TeletravailError):
    """An export file cannot be imported. Attributes: ``filename``, ``sheet`` (XLSX), ``line``
    (1-based, the header being line 1), ``column`` (header), ``reason`` (French, says what to fix).
    """

    def __init__(
        self,
        filename: str,
        reason: str,
        *,
        sheet: str | None = None,
        line: int | None = None,
        column: str | None = None,
    ) -> None:
        self.filename = filename
        self.reason = reason
        self.sheet = sheet
        self.line = line
        self.column = column
        where = f"Fichier « {filename} »"
        if sheet is not None:
            where += f", feuille « {sheet} »"
        if line is not None:
            where += f", ligne {line}"
        if column is not None:
            where += f", colonne « {column} »"
        super().__init__(f"{where} : {reason}")


@dataclass(frozen=True, slots=True)
class ImportedSubmission:
    """One imported submission: ``uuid`` (without "uuid:"), ``submitted_at`` (aware datetime, None
    when the file has no submission time), ``data`` (nested answers of the contract)."""

    uuid: str
    submitted_at: datetime | None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Table:
    """One sheet: its name (None for CSV), header, and data rows with their line numbers."""

    name: str | None
    header: list[str]
    rows: list[tuple[int, list[Any]]]


# ---------------------------------------------------------------------------------------------
# Reading the file


def _decode(data: bytes, filename: str) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(filename, "encodage illisible : enregistrez le fichier en UTF-8.")


def _csv_reason(exc: csv.Error) -> str:
    """French reason for a CSV parsing error (the Python message is not shown)."""
    text = str(exc)
    if "field limit" in text:
        return (
            f"CSV illisible : une cellule dépasse {csv.field_size_limit()} caractères "
            "(guillemet sans doute non fermé)."
        )
    if "NUL" in text:
        return "CSV illisible : le fichier contient des caractères nuls (fichier binaire ?)."
    return "CSV illisible : vérifiez les guillemets et les retours à la ligne des cellules."


def _csv_table(data: bytes, filename: str) -> _Table:
    text = _decode(data, filename)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        lines = list(reader)
    except csv.Error as exc:
        raise ImportFileError(filename, _csv_reason(exc), line=reader.line_num) from None
    if not lines:
        raise ImportFileError(filename, "le fichier est vide.")
    header = [h.strip() for h in lines[0]]
    rows = [(i, row) for i, row in enumerate(lines[1:], start=2) if any(c.strip() for c in row)]
    return _Table(None, header, rows)


def _xlsx_tables(data: bytes, filename: str) -> list[_Table]:
    """The sheets of an XLSX export, bounded (see :data:`EXPORT_LIMITS`)."""
    try:
        check_archive(data, EXPORT_LIMITS)
    except SheetTooLargeError as exc:
        raise ImportFileError(filename, exc.reason) from None
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors on a damaged file
        raise ImportFileError(
            filename, "classeur XLSX illisible : vérifiez le fichier exporté."
        ) from exc
    tables: list[_Table] = []
    try:
        for ws in wb.worksheets:
            values = bounded_rows(ws, EXPORT_LIMITS, header_row=1)
            first = next(values, None)
            if first is None:
                continue
            header = ["" if h is None else str(h).strip() for h in first[1]]
            rows = [(i, list(r)) for i, r in values]
            tables.append(_Table(ws.title, header, rows))
    except SheetTooLargeError as exc:
        raise ImportFileError(filename, exc.reason, sheet=exc.sheet) from None
    finally:
        wb.close()
    if not tables:
        raise ImportFileError(filename, "le classeur ne contient aucune feuille remplie.")
    return tables


# ---------------------------------------------------------------------------------------------
# Values


def _choice_names(q: Question) -> set[str]:
    names = {c.name for c in q.choices}
    if q.or_other:
        names.add("other")
    return names


def _convert(q: Question, raw: object, fail: Fail) -> Any:  # noqa: ANN401 - typed answer
    """The typed answer of ``raw`` for question ``q``; ``fail(reason)`` raises."""
    if isinstance(raw, datetime) and q.kind in ("date", "datetime", "text"):
        return raw.date().isoformat() if q.kind == "date" else raw.isoformat()
    if isinstance(raw, date | time) and not isinstance(raw, datetime):
        return raw.isoformat()
    text = str(raw).strip()
    if q.kind in ("integer",):
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            fail(f"« {text} » n'est pas un nombre entier.")
        if not number.is_integer():
            fail(f"« {text} » n'est pas un nombre entier.")
        return int(number)
    if q.kind in ("decimal", "range"):
        try:
            return float(text.replace(",", "."))
        except ValueError:
            fail(f"« {text} » n'est pas un nombre.")
    if q.kind == "select_one":
        if q.choices and text not in _choice_names(q):
            fail(f"« {text} » n'est pas un nom de choix de la liste « {q.list_name} » ({REEXPORT})")
        return text
    if q.kind == "select_multiple":
        chosen = text.split()
        allowed = _choice_names(q)
        bad = [c for c in chosen if q.choices and c not in allowed]
        if bad:
            fail(
                f"« {bad[0]} » n'est pas un nom de choix de la liste « {q.list_name} » ({REEXPORT})"
            )
        return list(dict.fromkeys(chosen))
    if q.kind == "date":
        try:
            return date.fromisoformat(text[:10]).isoformat()
        except ValueError:
            fail(f"« {text} » n'est pas une date AAAA-MM-JJ.")
    if q.kind == "acknowledge":
        return text
    return text.removeprefix("'") if text[:2] in {"'=", "'+", "'-", "'@"} else text


def _put(target: dict[str, Any], keys: Sequence[str], value: object) -> None:
    node = target
    for key in keys[:-1]:
        match = INDEXED.match(key)
        if match:
            items = node.setdefault(match["name"], [])
            position = int(match["index"])
            while len(items) < position:
                items.append({})
            node = items[position - 1]
        else:
            node = node.setdefault(key, {})
    node[keys[-1]] = value


# ---------------------------------------------------------------------------------------------
# Columns


@dataclass(frozen=True, slots=True)
class _Target:
    """Where a column goes: the question and the keys from the table's container."""

    question: Question
    keys: tuple[str, ...]


def _relative(form: Form, q: Question, base: str) -> tuple[str, ...]:
    return tuple(q.path.removeprefix(base + "/").split("/"))


def _map_header(
    form: Form, header: Sequence[str], container: Question | None
) -> dict[int, _Target]:
    """Column index → target, for the questions of ``container`` (and indexed repeat columns)."""
    base = f"/{form.root}" if container is None else container.path
    root = f"/{form.root}/"
    by_key: dict[str, Question] = {}
    by_name: dict[str, Question] = {}
    for question in form.questions():
        if question.kind in SKIPPED_KINDS:
            continue
        by_key[question.path.removeprefix(root)] = question
        by_name[question.name] = question
    repeats = [r.path for r in form.repeats() if r.path.startswith(base + "/")]
    inside = {q.path for q in form.questions() if q.path.startswith(base + "/")}
    direct = {p for p in inside if not any(p.startswith(r + "/") for r in repeats)}
    mapped: dict[int, _Target] = {}
    for i, head in enumerate(header):
        clean = re.sub(r"\[\d+\]", "", head)
        q: Question | None = by_key.get(clean)
        if q is None and "/" not in clean:
            q = by_name.get(clean)
        if q is None or q.path not in (inside if "[" in head else direct):
            continue
        if "[" in head:  # indexed repeat column: keep the written keys
            keys = tuple(head.removeprefix(base.removeprefix(root) + "/").split("/"))
        else:
            keys = _relative(form, q, base)
        mapped[i] = _Target(q, keys)
    return mapped


def _find(header: Sequence[str], names: Sequence[str]) -> int | None:
    for name in names:
        if name in header:
            return header.index(name)
    return None


def _cell(row: Sequence[Any], index: int | None) -> Any:  # noqa: ANN401 - cell value
    if index is None or index >= len(row):
        return None
    value = row[index]
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return value


def _submitted(raw: object, fail: Fail) -> datetime | None:
    if raw is None:
        return None
    if isinstance(raw, datetime):
        moment = raw
    else:
        try:
            moment = datetime.fromisoformat(str(raw).strip().replace("Z", "+00:00"))
        except ValueError:
            fail(f"date de soumission « {raw} » illisible (attendu AAAA-MM-JJTHH:MM:SS).")
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    problem = submitted_at_problem(moment, datetime.now(UTC))
    if problem is not None:
        fail(f"{problem} Lu : « {raw} ».")
    return moment


def _fill(
    table: _Table,
    mapped: Mapping[int, _Target],
    row: Sequence[Any],
    line: int,
    filename: str,
    target: dict[str, Any],
) -> None:
    for i, tgt in mapped.items():
        raw = _cell(row, i)
        if raw is None:
            continue

        def fail(reason: str, column: str = table.header[i]) -> NoReturn:
            raise ImportFileError(filename, reason, sheet=table.name, line=line, column=column)

        _put(target, tgt.keys, _convert(tgt.question, raw, fail))


def _main(
    form: Form, table: _Table, filename: str
) -> tuple[list[ImportedSubmission], dict[int, dict[str, Any]]]:
    mapped = _map_header(form, table.header, None)
    if not mapped:
        raise ImportFileError(
            filename,
            "aucune colonne ne porte le nom d'une question du questionnaire : les "
            f"en-têtes sont sans doute des libellés. {REEXPORT}",
            sheet=table.name,
            line=1,
        )
    uuid_col = _find(table.header, UUID_COLUMNS)
    if uuid_col is None:
        raise ImportFileError(
            filename,
            "colonne « _uuid » (identifiant des réponses) absente. " + REEXPORT,
            sheet=table.name,
            line=1,
        )
    time_col = _find(table.header, TIME_COLUMNS)
    index_col = _find(table.header, ("_index",))
    out: list[ImportedSubmission] = []
    by_index: dict[int, dict[str, Any]] = {}
    seen: dict[str, int] = {}
    for line, row in table.rows:

        def fail(reason: str, column: int | None = None, line: int = line) -> NoReturn:
            raise ImportFileError(
                filename,
                reason,
                sheet=table.name,
                line=line,
                column=None if column is None else table.header[column],
            )

        raw_uuid = _cell(row, uuid_col)
        if raw_uuid is None:
            fail("identifiant de réponse vide.", uuid_col)
        uuid = str(raw_uuid).strip().removeprefix("uuid:")
        if uuid in seen:
            fail(
                f"identifiant « {uuid} » déjà vu ligne {seen[uuid]} (réponse en double).", uuid_col
            )
        seen[uuid] = line

        def fail_time(reason: str, line: int = line) -> NoReturn:
            fail(reason, time_col, line)

        submitted = _submitted(_cell(row, time_col), fail_time)
        data: dict[str, Any] = {}
        _fill(table, mapped, row, line, filename, data)
        out.append(ImportedSubmission(uuid, submitted, data))
        index = _cell(row, index_col)
        by_index[int(index) if index is not None else len(by_index) + 1] = data
    return out, by_index


def _repeat_for(form: Form, table: _Table) -> Question | None:
    repeats = form.repeats()
    for repeat in repeats:
        if table.name and repeat.name[:31] == table.name:
            return repeat
    best, score = None, 0
    for repeat in repeats:
        found = len(_map_header(form, table.header, repeat))
        if found > score:
            best, score = repeat, found
    return best


def _parent_repeat(form: Form, repeat: Question) -> Question | None:
    parents = [r for r in form.repeats() if repeat.path.startswith(r.path + "/")]
    return max(parents, key=lambda r: len(r.path)) if parents else None


def _join_repeats(
    form: Form, tables: Sequence[_Table], main_index: dict[int, dict[str, Any]], filename: str
) -> None:
    indexes: dict[str, dict[int, dict[str, Any]]] = {}  # repeat path -> _index -> instance
    pending = []
    for table in tables:
        if "_parent_index" not in table.header:
            continue
        repeat = _repeat_for(form, table)
        if repeat is None:
            continue
        pending.append((repeat, table))
    pending.sort(key=lambda p: p[0].path.count("/"))
    table_repeat = {t.name: r for r, t in pending}
    for repeat, table in pending:
        parent = _parent_repeat(form, repeat)
        base = f"/{form.root}" if parent is None else parent.path
        keys = tuple(repeat.path.removeprefix(base + "/").split("/"))
        mapped = _map_header(form, table.header, repeat)
        parent_col = table.header.index("_parent_index")
        index_col = _find(table.header, ("_index",))
        parent_table_col = _find(table.header, ("_parent_table_name",))
        own: dict[int, dict[str, Any]] = indexes.setdefault(repeat.path, {})
        for line, row in table.rows:
            raw_parent = _cell(row, parent_col)
            parent_rows = main_index if parent is None else indexes.get(parent.path, {})
            named = _cell(row, parent_table_col)
            if named is not None and str(named) in table_repeat:
                parent_rows = indexes.get(table_repeat[str(named)].path, {})
            try:
                holder = parent_rows[int(raw_parent)]
            except (TypeError, ValueError, KeyError):
                raise ImportFileError(
                    filename,
                    f"« _parent_index » = « {raw_parent} » ne correspond à aucune ligne "
                    "parente (colonne « _index »).",
                    sheet=table.name,
                    line=line,
                    column="_parent_index",
                ) from None
            instance: dict[str, Any] = {}
            _fill(table, mapped, row, line, filename, instance)
            node = holder
            for key in keys[:-1]:
                node = node.setdefault(key, {})
            node.setdefault(keys[-1], []).append(instance)
            index = _cell(row, index_col)
            own[int(index) if index is not None else len(own) + 1] = instance


def read_kobo_export(form: Form, data: bytes, filename: str) -> list[ImportedSubmission]:
    """The submissions of a KoboToolbox export (.csv or .xlsx) of ``form``, in file order.

    Raises :class:`ImportFileError` (French message with file, sheet, line and column).
    """
    lower = filename.lower()
    if lower.endswith(".csv"):
        tables = [_csv_table(data, filename)]
    elif lower.endswith((".xlsx", ".xlsm")):
        tables = _xlsx_tables(data, filename)
    else:
        raise ImportFileError(
            filename,
            "format non pris en charge : déposez l'export "
            "KoboToolbox en CSV (.csv) ou en Excel (.xlsx).",
        )
    submissions, main_index = _main(form, tables[0], filename)
    _join_repeats(form, tables[1:], main_index, filename)
    return submissions
