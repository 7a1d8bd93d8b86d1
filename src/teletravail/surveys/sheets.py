"""Bounded reading of XLSX workbooks (XLSForms and KoboToolbox exports).

A worksheet declares its size (``<dimension ref="A1:XFD1048576">``) and openpyxl's read-only
mode pads every row to that width and fills every gap row: a 5 KB file with one cell at
XFD1048576 then means 17 billion empty cells. This module refuses oversized workbooks before any
other reader touches them, and reads rows with the columns capped to the header's last non-empty
cell, stopping after a run of empty rows.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from openpyxl.utils import get_column_letter

#: Default limits: declared rows and columns of a sheet, consecutive empty rows read before
#: stopping, total uncompressed size of the workbook's parts (bytes).
MAX_ROWS = 200_000
MAX_COLUMNS = 500
MAX_EMPTY_ROWS = 1_000
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class SheetLimits:
    """Limits of one reader: ``rows`` and ``columns`` (declared size of a sheet),
    ``empty_rows`` (consecutive empty rows after which reading stops), ``uncompressed_bytes``
    (sum of the uncompressed sizes of the workbook's zip members)."""

    rows: int = MAX_ROWS
    columns: int = MAX_COLUMNS
    empty_rows: int = MAX_EMPTY_ROWS
    uncompressed_bytes: int = MAX_UNCOMPRESSED_BYTES


class SheetTooLargeError(ValueError):
    """A workbook or sheet exceeds a :class:`SheetLimits`. ``sheet`` is the sheet name (None for
    the whole workbook), ``reason`` the French explanation (limit and how to fix)."""

    def __init__(self, reason: str, sheet: str | None = None) -> None:
        self.reason = reason
        self.sheet = sheet
        super().__init__(reason)


_FIX = (
    "supprimez les lignes et colonnes vides situées après les données (dans Excel, Ctrl+Fin "
    "montre la dernière cellule utilisée) puis réenregistrez le fichier."
)


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", "\u202f")


def check_archive(data: bytes, limits: SheetLimits) -> None:
    """Refuse a workbook whose zip members decompress to more than ``limits.uncompressed_bytes``
    (raises :class:`SheetTooLargeError`; a file that is not a zip is left to the caller)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    if total > limits.uncompressed_bytes:
        megabytes = limits.uncompressed_bytes // (1024 * 1024)
        raise SheetTooLargeError(
            f"le classeur décompressé dépasse {_thousands(megabytes)} Mo : il est trop "
            f"volumineux pour être lu ; {_FIX}"
        )


def check_dimension(worksheet: Any, limits: SheetLimits) -> None:  # noqa: ANN401 - openpyxl
    """Refuse a read-only worksheet whose declared size exceeds ``limits`` (rows, columns).

    Raises :class:`SheetTooLargeError` naming the sheet, its declared last cell and the limit.
    The reason does not repeat the sheet name (callers place it). A sheet without a declared
    size passes (:func:`bounded_rows` still bounds the reading).
    """
    rows = worksheet.max_row
    columns = worksheet.max_column
    title = str(worksheet.title)
    last = (
        f"{get_column_letter(columns)}{rows}"
        if isinstance(rows, int) and isinstance(columns, int) and 0 < columns <= 16384
        else None
    )
    declared = f" (dernière cellule déclarée : {last})" if last else ""
    if isinstance(rows, int) and rows > limits.rows:
        raise SheetTooLargeError(
            f"la feuille déclare {_thousands(rows)} lignes{declared}, au-delà de la "
            f"limite de {_thousands(limits.rows)} lignes ; {_FIX}",
            sheet=title,
        )
    if isinstance(columns, int) and columns > limits.columns:
        raise SheetTooLargeError(
            f"la feuille déclare {_thousands(columns)} colonnes{declared}, au-delà "
            f"de la limite de {_thousands(limits.columns)} colonnes ; {_FIX}",
            sheet=title,
        )


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def bounded_rows(
    worksheet: Any,  # noqa: ANN401 - openpyxl read-only worksheet
    limits: SheetLimits,
    *,
    header_row: int | None = None,
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(1-based row number, cell values) of a read-only worksheet, bounded.

    The header is the first non-empty row (or row ``header_row`` when given, even if empty); it
    is yielded first, cut after its last non-empty cell, and every following row is cut to that
    width. Reading stops after ``limits.empty_rows`` consecutive empty rows; empty rows are not
    yielded. Raises :class:`SheetTooLargeError` when the header is wider than ``limits.columns``.
    Yields nothing for an empty sheet (or an empty ``header_row``).
    """
    check_dimension(worksheet, limits)
    title = str(worksheet.title)
    probe = limits.columns + 1
    header: tuple[Any, ...] | None = None
    number = 0
    empty_run = 0
    for number, row in enumerate(
        worksheet.iter_rows(values_only=True, max_col=probe, max_row=header_row), start=1
    ):
        if header_row is not None and number < header_row:
            continue
        if any(not _is_empty(v) for v in row):
            header = tuple(row)
            break
        if header_row is not None:
            return
        empty_run += 1
        if empty_run >= limits.empty_rows:
            return
    if header is None:
        return
    width = max(i for i, v in enumerate(header, start=1) if not _is_empty(v))
    if width > limits.columns:
        raise SheetTooLargeError(
            f"la ligne d'en-tête compte plus de {_thousands(limits.columns)} colonnes ; {_FIX}",
            sheet=title,
        )
    yield number, header[:width]
    empty_run = 0
    for current, row in enumerate(
        worksheet.iter_rows(values_only=True, min_row=number + 1, max_col=width),
        start=number + 1,
    ):
        if any(not _is_empty(v) for v in row):
            empty_run = 0
            yield current, tuple(row)
            continue
        empty_run += 1
        if empty_run >= limits.empty_rows:
            return
