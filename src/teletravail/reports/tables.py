"""Export a table (columns with units, rows of values) to CSV, XLSX, HTML or JSON.

CSV follows French spreadsheet habits: UTF-8 with BOM, ``;`` separator, decimal comma. XLSX keeps
numbers as numbers. HTML is one self-contained page whose columns sort on click (inline script, no
CDN). JSON is ``{"colonnes": [...], "lignes": [{...}]}`` with numbers as numbers.
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Cell = str | int | float | bool | None
Format = Literal["csv", "xlsx", "html", "json"]


@dataclass(frozen=True)
class Column:
    """A column: key (JSON name), French label, unit ("" when none)."""

    key: str
    libelle: str
    unite: str = ""

    @property
    def header(self) -> str:
        """Label with its unit in parentheses."""
        return f"{self.libelle} ({self.unite})" if self.unite else self.libelle


@dataclass(frozen=True)
class Sheet:
    """A further XLSX sheet after the table: a bold header row, rows, column widths (characters,
    one per column, optional)."""

    name: str
    header: Sequence[str]
    rows: Sequence[Sequence[Cell]]
    widths: Sequence[float] = ()


def _text(value: Cell, *, decimal: str = ",") -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", decimal)
    return str(value)


def export_table(
    columns: Sequence[Column],
    rows: Sequence[Sequence[Cell]],
    fmt: Format,
    *,
    title: str,
    notes: Sequence[str] = (),
    sheet: str = "classement",
    widths: Sequence[float] = (),
    extra_sheets: Sequence[Sheet] = (),
) -> bytes:
    """The table in ``fmt``; ``title`` and ``notes`` (sources, method) head the HTML and XLSX.

    XLSX only: ``sheet`` names the table's sheet; ``widths`` (characters, one per column) sets
    the column widths and wraps the table's text; ``extra_sheets`` follow the table's sheet.
    """
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow([c.header for c in columns])
        writer.writerows([[_text(v) for v in row] for row in rows])
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")
    if fmt == "json":
        data = {
            "titre": title,
            "notes": list(notes),
            "colonnes": [{"cle": c.key, "libelle": c.libelle, "unite": c.unite} for c in columns],
            "lignes": [{c.key: v for c, v in zip(columns, row, strict=True)} for row in rows],
        }
        return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    if fmt == "xlsx":
        return _xlsx(columns, rows, title, notes, sheet, widths, extra_sheets)
    return _html(columns, rows, title, notes).encode("utf-8")


def _xlsx(
    columns: Sequence[Column],
    rows: Sequence[Sequence[Cell]],
    title: str,
    notes: Sequence[str],
    sheet: str,
    widths: Sequence[float],
    extra_sheets: Sequence[Sheet],
) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=13)
    for note in notes:
        ws.append([note])
    ws.append([])
    ws.append([c.header for c in columns])
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([("oui" if v else "non") if isinstance(v, bool) else v for v in row])
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    ws.auto_filter.ref = f"A{header_row}:{ws.cell(row=ws.max_row, column=len(columns)).coordinate}"
    if widths:
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        for table_row in ws.iter_rows(min_row=header_row):
            for cell in table_row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for extra in extra_sheets:
        other = wb.create_sheet(extra.name)
        other.append(list(extra.header))
        for cell in other[1]:
            cell.font = Font(bold=True)
        for extra_row in extra.rows:
            other.append(list(extra_row))
        for i, width in enumerate(extra.widths, start=1):
            other.column_dimensions[get_column_letter(i)].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


_SORT_SCRIPT = """
document.querySelectorAll('th button').forEach(function (btn, col) {
  btn.addEventListener('click', function () {
    var table = btn.closest('table'), body = table.tBodies[0];
    var asc = btn.getAttribute('aria-sort') !== 'ascending';
    table.querySelectorAll('th button').forEach(function (b) { b.removeAttribute('aria-sort'); });
    btn.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[col].dataset.v, y = b.cells[col].dataset.v;
      var nx = parseFloat(x), ny = parseFloat(y);
      var cmp = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : String(x).localeCompare(String(y), 'fr');
      if (x === '' && y !== '') return 1;
      if (y === '' && x !== '') return -1;
      return asc ? cmp : -cmp;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  });
});
"""


def _html(
    columns: Sequence[Column], rows: Sequence[Sequence[Cell]], title: str, notes: Sequence[str]
) -> str:
    head = "".join(
        f'<th scope="col"><button type="button">{html.escape(c.header)}</button></th>'
        for c in columns
    )
    body = []
    for row in rows:
        cells = []
        for value in row:
            raw = (
                ""
                if value is None
                else (str(int(value)) if isinstance(value, bool) else str(value))
            )
            cls = (
                ' class="num"'
                if isinstance(value, int | float) and not isinstance(value, bool)
                else ""
            )
            cells.append(f'<td data-v="{html.escape(raw)}"{cls}>{html.escape(_text(value))}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    notes_html = "".join(f'<p class="note">{html.escape(n)}</p>' for n in notes)
    return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
body {{ font-family: Arial, "DejaVu Sans", sans-serif; margin: 1rem; color: #161616; }}
h1 {{ color: #000091; font-size: 1.4rem; }}
table {{ border-collapse: collapse; font-size: .85rem; }}
th, td {{ border-bottom: 1px solid #e5e5e5; padding: .25rem .4rem; text-align: left; }}
th button {{ font: inherit; font-weight: bold; background: none; border: 0; cursor: pointer; text-align: left; padding: 0; }}
th button[aria-sort=ascending]::after {{ content: " ▲"; }}
th button[aria-sort=descending]::after {{ content: " ▼"; }}
td.num {{ text-align: right; }}
.note {{ color: #555; font-size: .8rem; }}
</style></head>
<body><h1>{html.escape(title)}</h1>{notes_html}
<p class="note">Cliquez sur un en-tête de colonne pour trier.</p>
<table><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>
<script>{_SORT_SCRIPT}</script></body></html>
"""
