"""Forms imported as markdown or CSV are exported as .xlsx workbooks with the same content."""

from __future__ import annotations

from pathlib import Path

from teletravail.surveys.xlsform import load_xlsform
from teletravail.surveys.xlsform_export import xlsx_bytes, xlsx_filename

MINI = Path(__file__).parents[1] / "web" / "surveys" / "fixtures" / "mini.md"


def test_markdown_form_round_trips_through_xlsx() -> None:
    source = MINI.read_bytes()
    data = xlsx_bytes(source, "mini.md")
    assert data[:2] == b"PK"  # a zip: the xlsx container
    original, converted = load_xlsform(source, "mini.md"), load_xlsform(data, "mini.xlsx")
    assert converted.xform == original.xform
    assert [q.analyse for q in converted.questions()] == [q.analyse for q in original.questions()]
    assert xlsx_filename("mini.md") == "mini.xlsx"


def test_xlsx_is_returned_unchanged() -> None:
    data = xlsx_bytes(MINI.read_bytes(), "mini.md")
    assert xlsx_bytes(data, "f.xlsx") is data


def test_text_starting_with_equals_is_not_a_formula() -> None:
    md = MINI.read_text("utf-8").replace("Vos souhaits", "=SOMME(A1:A2)")
    data = xlsx_bytes(md.encode(), "mini.md")
    form = load_xlsform(data, "mini.xlsx")
    assert form.question("souhaits").label == "=SOMME(A1:A2)"
