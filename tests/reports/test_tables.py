from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook

from teletravail.reports.tables import Column, export_table

COLUMNS = [
    Column("code", "Code"),
    Column("nom", "Commune"),
    Column("score", "Score", "sur 100"),
    Column("acv", "ACV"),
]
ROWS = [["35360", "Vitré", 71.25, True], ["89387", "Sens", None, True]]


def test_csv_french_spreadsheet() -> None:
    data = export_table(COLUMNS, ROWS, "csv", title="t").decode("utf-8")
    assert data.startswith("\ufeffCode;Commune;Score (sur 100);ACV\r\n")
    assert "35360;Vitré;71,25;oui\r\n" in data
    assert "89387;Sens;;oui" in data


def test_json_keeps_numbers() -> None:
    data = json.loads(export_table(COLUMNS, ROWS, "json", title="Classement", notes=["src"]))
    assert data["lignes"][0] == {"code": "35360", "nom": "Vitré", "score": 71.25, "acv": True}
    assert data["colonnes"][2] == {"cle": "score", "libelle": "Score", "unite": "sur 100"}
    assert data["notes"] == ["src"]


def test_xlsx_numbers_and_header() -> None:
    wb = load_workbook(
        io.BytesIO(
            export_table(COLUMNS, ROWS, "xlsx", title="Classement", notes=["Source : INSEE"])
        )
    )
    ws = wb.active
    assert ws["A1"].value == "Classement" and ws["A2"].value == "Source : INSEE"
    assert [c.value for c in ws[4]] == ["Code", "Commune", "Score (sur 100)", "ACV"]
    assert ws["C5"].value == pytest.approx(71.25) and ws["D5"].value == "oui"


def test_html_sortable_and_escaped() -> None:
    page = export_table(COLUMNS, [["1", "<b>x</b>", 1.5, False]], "html", title="T").decode()
    assert "&lt;b&gt;x&lt;/b&gt;" in page and "<b>x</b>" not in page
    assert page.count('<th scope="col"><button') == 4 and "aria-sort" in page
    assert 'data-v="1.5"' in page and "https://" not in page  # self-contained


def test_xlsx_sheet_name_widths_and_extra_sheet() -> None:
    from teletravail.reports.tables import Sheet

    notes = Sheet("Sources", ("Source", "Lignes"), [["INSEE", "Score"], [], ["une note"]], (50, 60))
    wb = load_workbook(
        io.BytesIO(
            export_table(
                COLUMNS,
                ROWS,
                "xlsx",
                title="T",
                sheet="Comparaison",
                widths=(10, 20, 30, 40),
                extra_sheets=(notes,),
            )
        )
    )
    assert wb.sheetnames == ["Comparaison", "Sources"]
    ws = wb["Comparaison"]
    assert [ws.column_dimensions[c].width for c in "ABCD"] == [10, 20, 30, 40]
    assert ws["A3"].alignment.wrap_text
    src = wb["Sources"]
    assert [[c.value for c in r] for r in src.iter_rows()] == [
        ["Source", "Lignes"],
        ["INSEE", "Score"],
        [None, None],
        ["une note", None],
    ]
    assert src["A1"].font.b and src.column_dimensions["B"].width == 60
    plain = load_workbook(io.BytesIO(export_table(COLUMNS, ROWS, "xlsx", title="T")))
    assert plain.sheetnames == ["classement"]  # the ranking's workbook is unchanged
    assert not plain.active["A3"].alignment.wrap_text
