"""Exports of the submissions of a form: CSV (main table) and XLSX (main table + one sheet per repeat).

Columns: ``uuid``, ``submitted_at`` (ISO 8601), ``source``, then one column per question outside
repeats (flat key: instance path without the root, "pratique/jours_teletravail"; groups, repeats
and notes have no column). select_multiple: the chosen names separated by spaces. An unanswered
question is an empty cell.

- CSV: ``;`` separator, UTF-8 with BOM (Excel opens it with accents right), decimal comma; a text
  answer starting with = + - @ is prefixed with ' so that a spreadsheet never runs it as a formula.
- XLSX: sheet "reponses" (first column ``_index``, the row number 1, 2, …), then one sheet per
  repeat, named after it, with ``_index`` (row number in that sheet), ``_parent_index`` (``_index``
  of the parent row: the submission, or the enclosing repeat instance), ``_submission_uuid``, then
  one column per question of the repeat (flat key "enfants/age_enfant"). Numbers are numbers, text
  is always stored as text (never a formula). This is the layout of KoboToolbox XLSX exports, so
  :func:`teletravail.surveys.kobo.read_kobo_export` reads it back.

Texts are cleaned as :func:`teletravail.surveys.textcheck.clean_text` does (answers stored before
the characters were checked): no control character (XML forbids them in a workbook), no lone
surrogate (not encodable in UTF-8), so a stored answer never makes an export fail.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from teletravail.surveys.form import Form, Question
from teletravail.surveys.textcheck import clean_text

NO_COLUMN = frozenset({"group", "repeat", "note"})
MAIN_SHEET = "reponses"
HEAD = ("uuid", "submitted_at", "source")
REPEAT_HEAD = ("_index", "_parent_index", "_submission_uuid")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_SHEET_TITLE = 31


def _flat_key(form: Form, question: Question) -> str:
    return question.path.removeprefix(f"/{form.root}/")


def _leaves(nodes: Sequence[Question]) -> Iterable[Question]:
    """Questions with a value under ``nodes``, through groups, not into repeats."""
    for q in nodes:
        if q.kind == "group":
            yield from _leaves(q.children)
        elif q.kind not in NO_COLUMN:
            yield q


def columns(form: Form, repeat: Question | None = None) -> list[str]:
    """Flat keys of the question columns of the main table (or of ``repeat``'s sheet)."""
    nodes = form.children if repeat is None else repeat.children
    return [_flat_key(form, q) for q in _leaves(nodes)]


def _field(submission: object, name: str) -> Any:  # noqa: ANN401 - duck-typed
    if isinstance(submission, Mapping):
        return submission.get(name)
    return getattr(submission, name)


class _Sheets:
    """Rows of the main table and of each repeat sheet, filled submission by submission."""

    def __init__(self, form: Form) -> None:
        self.form = form
        self.main: list[dict[str, Any]] = []
        self.repeats: dict[str, list[dict[str, Any]]] = {r.path: [] for r in form.repeats()}

    def add(self, uuid: str, data: Mapping[str, Any]) -> dict[str, Any]:
        row: dict[str, Any] = {"_index": len(self.main) + 1}
        self.main.append(row)
        self._fill(data, self.form.children, row, row["_index"], uuid)
        return row

    def _fill(
        self,
        node: Mapping[str, Any],
        children: Sequence[Question],
        row: dict[str, Any],
        parent_index: int,
        uuid: str,
    ) -> None:
        for q in children:
            value = node.get(q.name) if isinstance(node, Mapping) else None
            if q.kind == "group":
                self._fill(
                    value if isinstance(value, Mapping) else {}, q.children, row, parent_index, uuid
                )
            elif q.kind == "repeat":
                instances = value if isinstance(value, list) else []
                sheet = self.repeats[q.path]
                for instance in instances:
                    sub: dict[str, Any] = {
                        "_index": len(sheet) + 1,
                        "_parent_index": parent_index,
                        "_submission_uuid": uuid,
                    }
                    sheet.append(sub)
                    if isinstance(instance, Mapping):
                        self._fill(instance, q.children, sub, sub["_index"], uuid)
            elif q.kind not in NO_COLUMN and value is not None:
                row[_flat_key(self.form, q)] = value


def _iso(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    return "" if value is None else clean_text(str(value))


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, list | tuple):
        return clean_text(" ".join(str(v) for v in value))
    if isinstance(value, float):
        text = repr(value)
        return text.removesuffix(".0").replace(".", ",")
    if isinstance(value, int):
        return str(value)
    text = clean_text(str(value))
    return f"'{text}" if text.startswith(FORMULA_START) else text


def export_csv(form: Form, submissions: Iterable[Any]) -> bytes:
    """The main table of ``submissions`` (objects or mappings with ``uuid``, ``submitted_at``,
    ``source``, ``data``) as CSV bytes: ``;`` separator, UTF-8 with BOM, one row per submission."""
    keys = columns(form)
    sheets = _Sheets(form)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([*HEAD, *keys])
    for submission in submissions:
        row = sheets.add(str(_field(submission, "uuid")), _field(submission, "data") or {})
        writer.writerow(
            [
                clean_text(str(_field(submission, "uuid"))),
                _iso(_field(submission, "submitted_at")),
                clean_text(str(_field(submission, "source") or "")),
                *(_csv_cell(row.get(k)) for k in keys),
            ]
        )
    return buffer.getvalue().encode("utf-8-sig", errors="replace")


def _xlsx_cell(value: object) -> Any:  # noqa: ANN401 - cell value
    if isinstance(value, list | tuple):
        return clean_text(" ".join(str(v) for v in value))
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None  # an XLSX cell cannot hold inf or NaN
    if isinstance(value, int | float) or value is None:
        return value
    return clean_text(str(value))


def _append(ws: Worksheet, values: Sequence[Any]) -> None:
    """Append a row; a text answer starting with "=" stays text (never a formula).

    Cells are typed before the append: reading the row back through ``ws.max_row`` scans every
    cell of the sheet, which made an export of n answers cost n² (24 s for 2,000 answers)."""
    cells = []
    for value in values:
        cell = Cell(ws, value=value)
        if cell.data_type == "f":
            cell.data_type = "s"
        cells.append(cell)
    ws.append(cells)


def sheet_title(repeat: Question, taken: set[str]) -> str:
    """Sheet name of a repeat: its name, cut to 31 characters, made unique."""
    base = repeat.name[:MAX_SHEET_TITLE]
    title, counter = base, 2
    while title in taken:
        suffix = f"_{counter}"
        title = base[: MAX_SHEET_TITLE - len(suffix)] + suffix
        counter += 1
    taken.add(title)
    return title


def export_xlsx(form: Form, submissions: Iterable[Any]) -> bytes:
    """``submissions`` as an XLSX workbook: sheet "reponses" and one sheet per repeat."""
    keys = columns(form)
    sheets = _Sheets(form)
    wb = Workbook()
    main = wb.active
    assert main is not None
    main.title = MAIN_SHEET
    _append(main, ["_index", *HEAD, *keys])
    for submission in submissions:
        uuid = str(_field(submission, "uuid"))
        row = sheets.add(uuid, _field(submission, "data") or {})
        _append(
            main,
            [
                row["_index"],
                clean_text(uuid),
                _iso(_field(submission, "submitted_at")),
                _field(submission, "source") or "",
                *(_xlsx_cell(row.get(k)) for k in keys),
            ],
        )
    taken = {MAIN_SHEET}
    for repeat in form.repeats():
        ws = wb.create_sheet(sheet_title(repeat, taken))
        repeat_keys = columns(form, repeat)
        _append(ws, [*REPEAT_HEAD, *repeat_keys])
        for sub in sheets.repeats[repeat.path]:
            _append(
                ws, [*(sub[h] for h in REPEAT_HEAD), *(_xlsx_cell(sub.get(k)) for k in repeat_keys)]
            )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
