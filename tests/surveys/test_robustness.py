"""Hostile or clumsy files: oversized XLSX, personal data, pyxform internals, answer shapes."""

from __future__ import annotations

import io
import re
import time
import zipfile
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from teletravail.surveys.errors import FormError
from teletravail.surveys.form import Form
from teletravail.surveys.kobo import ImportFileError, read_kobo_export
from teletravail.surveys.sheets import (
    SheetLimits,
    SheetTooLargeError,
    bounded_rows,
    check_archive,
)
from teletravail.surveys.validation import check_submission
from teletravail.surveys.xlsform import load_xlsform

# --------------------------------------------------------------------------- helpers


def workbook_bytes(
    sheets: dict[str, list[list[Any]]],
    far_cell: tuple[str, str] | None = None,
    *,
    drop_dimension: bool = False,
) -> bytes:
    """An XLSX with the given sheets (rows of values); ``far_cell`` = (sheet, "XFD1048576")
    writes one value far away; ``drop_dimension`` removes every ``<dimension>`` element."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    if far_cell is not None:
        book[far_cell[0]][far_cell[1]] = "x"
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    if not drop_dimension:
        return data
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                content = re.sub(rb"<dimension[^>]*/>", b"", content)
            target.writestr(info, content)
    return out.getvalue()


SURVEY = [["type", "name", "label"], ["text", "ville", "Votre ville"]]


def load(text: str) -> Form:
    return load_xlsform(text.strip().encode("utf-8"), "f.md")


def refusal(text: str, filename: str = "f.md") -> FormError:
    with pytest.raises(FormError) as caught:
        load_xlsform(text.strip().encode("utf-8"), filename)
    return caught.value


def timed(function: Any, *args: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    try:
        result: Any = function(*args)
    except Exception as error:  # the test inspects it
        result = error
    return time.perf_counter() - start, result


# --------------------------------------------------------------------------- 1. oversized XLSX


def test_xlsform_with_a_cell_at_xfd1048576_is_refused_fast() -> None:
    data = workbook_bytes({"survey": SURVEY}, ("survey", "XFD1048576"))
    assert len(data) < 10_000
    elapsed, error = timed(load_xlsform, data, "enorme.xlsx")
    assert elapsed < 2
    assert isinstance(error, FormError)
    assert error.sheet == "survey"
    reason = error.reason.replace("\u202f", " ")
    assert "1 048 576 lignes" in reason and "200 000" in reason
    assert "XFD1048576" in error.reason


def test_too_many_declared_columns_is_refused() -> None:
    data = workbook_bytes({"survey": SURVEY, "choices": [["list_name", "name", "label"]]})
    data = workbook_bytes(
        {"survey": SURVEY, "choices": [["list_name", "name", "label"]]}, ("choices", "ZZ1")
    )
    with pytest.raises(FormError) as caught:
        load_xlsform(data, "large.xlsx")
    assert caught.value.sheet == "choices"
    assert "702 colonnes" in caught.value.reason and "500" in caught.value.reason


def test_undeclared_far_cell_is_bounded_and_the_form_imports() -> None:
    data = workbook_bytes({"survey": SURVEY}, ("survey", "XFD1048576"), drop_dimension=True)
    elapsed, form = timed(load_xlsform, data, "sans_dimension.xlsx")
    assert elapsed < 2
    assert isinstance(form, Form), form
    assert [q.name for q in form.questions()] == ["ville"]


def test_error_location_still_found_without_dimension() -> None:
    rows = [["type", "name", "label"], ["text", "a", "A"], ["integr", "b", "B"]]
    data = workbook_bytes({"survey": rows}, ("survey", "XFD1048576"), drop_dimension=True)
    elapsed, error = timed(load_xlsform, data, "f.xlsx")
    assert elapsed < 2
    assert isinstance(error, FormError)
    assert (error.row, error.column) == (3, "type")


def test_bounded_rows_caps_columns_and_stops_after_empty_rows() -> None:
    rows: list[list[Any]] = [[None, None], ["a", "b", None], ["1", "2", "caché"]]
    rows += [[None]] * 5 + [["après", "le", "vide"]]
    data = workbook_bytes({"s": rows}, drop_dimension=True)
    book = load_workbook(io.BytesIO(data), read_only=True)
    limits = SheetLimits(rows=100, columns=10, empty_rows=3)
    assert list(bounded_rows(book["s"], limits)) == [(2, ("a", "b")), (3, ("1", "2"))]
    book.close()


def test_bounded_rows_refuses_a_too_wide_header() -> None:
    data = workbook_bytes({"s": [["a"] * 12]}, drop_dimension=True)
    book = load_workbook(io.BytesIO(data), read_only=True)
    with pytest.raises(SheetTooLargeError) as caught:
        list(bounded_rows(book["s"], SheetLimits(columns=10)))
    assert caught.value.sheet == "s" and "10 colonnes" in caught.value.reason
    book.close()


def test_archive_size_limit() -> None:
    data = workbook_bytes({"survey": SURVEY})
    check_archive(data, SheetLimits())
    with pytest.raises(SheetTooLargeError):
        check_archive(data, SheetLimits(uncompressed_bytes=1_000))


@pytest.fixture(scope="module")
def kobo_form() -> Form:
    return load(
        """
| survey |
| | type | name | label |
| | integer | jours | Jours |
"""
    )


def test_kobo_export_with_a_far_cell_is_refused_fast(kobo_form: Form) -> None:
    rows = [["jours", "_uuid", "_submission_time"], [2, "u1", "2025-01-01T10:00:00"]]
    data = workbook_bytes({"data": rows}, ("data", "XFD1048576"))
    elapsed, error = timed(read_kobo_export, kobo_form, data, "export.xlsx")
    assert elapsed < 2
    assert isinstance(error, ImportFileError)
    assert error.sheet == "data" and "200\u202f000" in error.reason


def test_kobo_export_without_dimension_is_read_bounded(kobo_form: Form) -> None:
    rows = [["jours", "_uuid", "_id"], [2, "u1", 1], [3, "u2", 2]]
    data = workbook_bytes({"data": rows}, ("data", "XFD1048576"), drop_dimension=True)
    elapsed, rows_read = timed(read_kobo_export, kobo_form, data, "export.xlsx")
    assert elapsed < 2
    assert [(s.uuid, s.data) for s in rows_read] == [("u1", {"jours": 2}), ("u2", {"jours": 3})]


# --------------------------------------------------------------------------- 2. personal data


@pytest.mark.parametrize(
    ("row", "needle"),
    [
        ("| | text | q1 | Quel est votre nom et prénom ? |", "votre nom"),
        ("| | text | phone | Téléphone |", "phone"),
        ("| | text | name | Name |", "name"),
        ("| | text | first_name | Given |", "name"),
        ("| | text | firstName | Given |", "name"),
        ("| | text | nom_repondant | Vous |", "nom"),
        ("| | text | numero_tel | Numéro |", "tel"),
        ("| | date | date_de_naissance | Né le |", "naissance"),
        ("| | text | q2 | Votre adresse e-mail |", "Votre adresse"),
        ("| | text | q3 | Adresse ÉLECTRONIQUE |", "Adresse ÉLECTRONIQUE"),
        ("| | text | q4 | Numéro de  téléphone portable |", "Numéro de téléphone"),
        ("| | integer | q5 | Numéro de sécurité sociale |", "sécurité sociale"),
        ("| | text | q6 | Prénom de l'enfant |", "Prénom"),
        ("| | text | q7 | Adresse postale |", "Adresse postale"),
        ("| | date | q8 | Date de naissance |", "Date de naissance"),
        ("| | text | iban2 | Compte |", "iban"),
    ],
)
def test_personal_data_needs_a_purpose(row: str, needle: str) -> None:
    error = refusal(f"| survey |\n| | type | name | label |\n{row}")
    assert (error.sheet, error.row, error.column) == ("survey", 2, "donnee_personnelle")
    assert needle in error.reason
    form = load(f"| survey |\n| | type | name | label | donnee_personnelle |\n{row} rappel |")
    assert form.children[0].donnee_personnelle == "rappel"


@pytest.mark.parametrize(
    "row",
    [
        "| | integer | nombre_postes | Nombre de postes |",
        "| | text | employeur | Quel est le nom de votre employeur ? |",
        "| | text | nom_employeur | Nom de votre employeur |",
        "| | text | adresse_tiers_lieu | Adresse du tiers-lieu |",
        "| | text | ordinateur_portable | Modèle de l'ordinateur |",
        "| | integer | jours | Votre nombre de jours |",
        "| | text | teletravail | Télétravail |",
        "| | acknowledge | telephone | Vous avez un téléphone professionnel |",
        "| | note | intro | Ne donnez ni votre nom ni votre adresse. |",
    ],
)
def test_not_personal_data(row: str) -> None:
    form = load(f"| survey |\n| | type | name | label |\n{row}")
    assert len(form.children) == 1


def test_personal_select_is_not_free_entry() -> None:
    form = load(
        """
| survey |
| | type | name | label |
| | select_one oui_non | portable | Avez-vous votre numéro de téléphone professionnel ? |
| choices |
| | list_name | name | label |
| | oui_non | oui | Oui |
| | oui_non | non | Non |
"""
    )
    assert form.children[0].kind == "select_one"


# --------------------------------------------------------------------------- 3. pyxform internals


@pytest.mark.parametrize(
    ("filename", "text"),
    [
        ("f.csv", "type,name,label\ntext,a,A\n"),
        ("f.md", "| type | name | label |\n| text | a | A |\n"),
        ("f.csv", "survey,,,\n,type,name,label\n,text,a,A\nnotes,,,\n"),
    ],
)
def test_csv_without_sheet_column(filename: str, text: str) -> None:
    error = refusal(text, filename)
    assert "la première colonne doit nommer la feuille : survey, choices, settings" in str(error)
    assert "Error" not in str(error) and "__init__" not in str(error)


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("f.csv", b"type,name,label\ntext,a,A\n"),
        ("f.md", b"nothing here\n"),
        ("f.xls", b"\xd0\xcf\x11\xe0 broken"),
        ("f.xlsx", b"PK\x03\x04 broken"),
        ("f.csv", b"survey\n,type,name\n,begin group,g\n"),
    ],
)
def test_no_python_exception_name_reaches_the_user(filename: str, data: bytes) -> None:
    with pytest.raises(FormError) as caught:
        load_xlsform(data, filename)
    message = str(caught.value)
    assert not re.search(r"[A-Z]\w*(Error|Exception)\b|Traceback|__\w+__", message), message


# --------------------------------------------------------------------------- 4. answer shapes


@pytest.fixture(scope="module")
def shaped_form() -> Form:
    return load(
        """
| survey |
| | type | name | label |
| | start | debut | |
| | select_multiple lieux | lieux | Où ? |
| | begin_group | pratique | Pratique |
| | integer | jours | Jours |
| | end_group | | |
| | begin_repeat | enfants | Enfants |
| | integer | age | Âge |
| | end_repeat | | |
| choices |
| | list_name | name | label |
| | lieux | domicile | Domicile |
| | lieux | tiers_lieu | Tiers-lieu |
"""
    )


def test_select_multiple_duplicates_are_removed(shaped_form: Form) -> None:
    checked = check_submission(shaped_form, {"lieux": ["tiers_lieu", "domicile", "tiers_lieu"]})
    assert checked.ok and checked.data["lieux"] == ["tiers_lieu", "domicile"]
    checked = check_submission(shaped_form, {"lieux": "domicile domicile"})
    assert checked.data["lieux"] == ["domicile"]


def test_unknown_and_misplaced_keys_are_reported(shaped_form: Form) -> None:
    answers = {
        "x": 1,
        "jours": 2,
        "pratique": {"jours": 2, "y": 3},
        "enfants": [{"age": 4, "z": 5}],
        "debut": "2025-01-01T08:00:00",
    }
    checked = check_submission(shaped_form, answers)
    found = {(e.key, e.name, e.message) for e in checked.errors}
    assert found == {
        ("x", "x", "Question inconnue dans ce formulaire : « x »."),
        ("jours", "jours", "Question inconnue dans ce formulaire : « jours »."),
        ("pratique/y", "y", "Question inconnue dans ce formulaire : « y »."),
        ("enfants[1]/z", "z", "Question inconnue dans ce formulaire : « z »."),
    }
    assert checked.data["pratique"] == {"jours": 2}


def test_badly_shaped_containers_are_reported(shaped_form: Form) -> None:
    checked = check_submission(shaped_form, {"pratique": 3, "enfants": {"age": 2}})
    assert [e.key for e in checked.errors] == ["pratique", "enfants"]
    assert all("mal structurée" in e.message for e in checked.errors)
    checked = check_submission(shaped_form, {"enfants": ["a"], "lieux": {"a": 1}})
    assert [e.key for e in checked.errors] == ["enfants[1]", "lieux"]


# --------------------------------------------------------------------------- 5. wording


def test_missing_formula_names_the_column_as_written() -> None:
    error = refusal(
        "| survey |\n| | type | name | label | calculate |\n| | calculate | c | | |\n"
        "| | text | t | T | |"
    )
    assert (error.row, error.column) == (2, "calculate")
    error = refusal(
        "| survey |\n| | type | name | label | calculation |\n| | calculate | c | | |\n"
        "| | text | t | T | |"
    )
    assert error.column == "calculation"


def test_bad_expression_names_the_column_as_written() -> None:
    error = refusal(
        "| survey |\n| | type | name | label | relevance |\n| | text | t | T | ${t} = = 1 |"
    )
    assert (error.row, error.column) == (2, "relevance")


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ("| | begin group | g | G |\n| | text | a | A |", "« begin group » sans « end group »"),
        ("| | text | a | A |\n| | end_repeat | | |", "« end_repeat » sans « begin_repeat »"),
    ],
)
def test_unmatched_keyword_is_quoted_as_written(rows: str, expected: str) -> None:
    error = refusal(f"| survey |\n| | type | name | label |\n{rows}")
    assert expected in error.reason
