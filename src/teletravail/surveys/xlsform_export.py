"""Any accepted XLSForm (.xlsx, .xls, .csv or markdown) written back as an .xlsx workbook.

ODK Central and KoboToolbox take .xlsx (or .xls) files: a form imported as markdown or CSV is
converted, sheet by sheet and column by column, from what pyxform read (the same rows and cells,
columns in the order of the source's header). An .xlsx file is returned unchanged.
"""

from __future__ import annotations

import io
from pathlib import PurePath
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from teletravail.surveys.errors import FormError

SHEETS = ("survey", "choices", "settings", "external_choices", "entities", "osm")


def _columns(header: list[dict[str, Any]] | None, rows: list[dict[str, Any]]) -> list[str]:
    """Column names: the source header's order, then any other key found in the rows."""
    names: list[str] = []
    for source in ([header[0]] if header else []) + rows:
        for key in source:
            if key not in names:
                names.append(str(key))
    return names


def xlsx_bytes(data: bytes, filename: str) -> bytes:
    """The XLSForm ``data`` (read as ``filename``'s type) as .xlsx bytes (FormError if unreadable)."""
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".xlsx":
        return data
    from pyxform.xls2json_backends import get_xlsform

    try:
        book = get_xlsform(xlsform=data, file_type=suffix)
    except Exception as exc:  # pyxform raises many types for unreadable files
        raise FormError(
            f"le fichier « {filename} » n'a pas pu être converti en XLSX ({exc})."
        ) from None
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in SHEETS:
        rows = getattr(book, sheet, None)
        if not rows:
            continue
        header = getattr(book, f"{sheet}_header", None)
        columns = _columns(header, rows)
        ws = workbook.create_sheet(sheet)
        for j, name in enumerate(columns, start=1):
            _write(ws, 1, j, name)
        for i, row in enumerate(rows, start=2):
            for j, name in enumerate(columns, start=1):
                _write(ws, i, j, row.get(name))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _write(ws: Worksheet, row: int, column: int, value: object) -> None:
    """Write a cell as text, never as a formula (openpyxl reads a leading ``=`` as one)."""
    if value is None:
        return
    cell = ws.cell(row=row, column=column, value=str(value))
    cell.data_type = "s"


def xlsx_filename(filename: str) -> str:
    """``filename`` with the .xlsx extension."""
    return str(PurePath(filename).with_suffix(".xlsx"))
