"""What an answer may hold (characters, numbers, repeats), and exports and charts that never fail
on an answer stored before those checks (issue 9)."""

from __future__ import annotations

import csv
import io
import math
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from teletravail.surveys.charts import render_shares
from teletravail.surveys.exports import export_csv, export_xlsx
from teletravail.surveys.form import Form
from teletravail.surveys.kobo import ImportFileError, read_kobo_export
from teletravail.surveys.textcheck import clean_text, submitted_at_problem, text_problem
from teletravail.surveys.validation import MAX_REPEAT_INSTANCES, check_submission
from teletravail.surveys.xlsform import load_xlsform

FORM = """
| survey |
| | type | name | label |
| | text | remarque | Remarque |
| | decimal | distance | Distance (km) |
| | integer | age | Âge |
| | range | note | Note |
| | begin_repeat | enfants | Enfants |
| | text | activite | Activité |
| | end_repeat | | |

| settings |
| | form_id | form_title | version |
| | limites | Limites | 1 |
"""


@pytest.fixture(scope="module")
def form() -> Form:
    return load_xlsform(FORM.strip().encode(), "limites.md")


@pytest.mark.parametrize(
    ("answers", "key"),
    [
        ({"remarque": "a\x00b"}, "remarque"),
        ({"remarque": "\ud800"}, "remarque"),
        ({"remarque": "bip\x07"}, "remarque"),
        ({"remarque": "\x85"}, "remarque"),
        ({"enfants": [{"activite": "Léa"}, {"activite": "x\x1b"}]}, "enfants[2]/activite"),
        ({"re\x00marque": "x"}, "remarque"),
    ],
)
def test_control_characters_and_invalid_unicode_are_refused(
    form: Form, answers: dict[str, object], key: str
) -> None:
    checked = check_submission(form, answers)
    assert [e.key for e in checked.errors] == [key]
    message = checked.errors[0].message
    assert message.startswith(("Texte refusé", "Nom de question refusé")), message
    assert "U+" in message and not checked.data


def test_tab_and_new_lines_are_kept_in_free_text(form: Form) -> None:
    text = "Ligne 1\r\nLigne 2\n\tfin, $\\frac{1}{$ et 🚲 (paire UTF-16 bien formée)"
    checked = check_submission(form, {"remarque": text})
    assert checked.ok and checked.data["remarque"] == text.strip()


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan, 1e400, "inf", "NaN", "1e400"])
def test_non_finite_decimals_are_refused_not_raised(form: Form, value: object) -> None:
    checked = check_submission(form, {"distance": value})
    assert [(e.key, e.message) for e in checked.errors] == [("distance", "Saisissez un nombre.")]


@pytest.mark.parametrize("value", [math.inf, 1e400, "1" * 30, 10**16])
def test_out_of_range_integers_are_refused(form: Form, value: object) -> None:
    checked = check_submission(form, {"age": value, "note": math.inf})
    assert {e.key for e in checked.errors} == {"age", "note"}


def test_repeats_are_bounded_like_the_web_form(form: Form) -> None:
    assert MAX_REPEAT_INSTANCES == 50  # the web form's "add" button stops at 50
    ok = check_submission(form, {"enfants": [{"activite": "A"}] * 50})
    assert ok.ok and len(ok.data["enfants"]) == 50
    refused = check_submission(form, {"enfants": [{"activite": "A"}] * 40_000})
    assert [(e.key, e.message) for e in refused.errors] == [
        ("enfants", "Trop de répétitions pour « enfants » : 40000 (au plus 50).")
    ]


def test_text_rule_and_cleaning() -> None:
    assert text_problem("é\t\r\n🚲") is None
    assert text_problem("\ufffe") is not None and text_problem("\x7f") is not None
    assert clean_text("a\x00b\ud800c\x0bd") == "ab\ufffdcd"


def test_submission_time_limits() -> None:
    now = datetime(2026, 12, 4, 12, tzinfo=UTC)
    assert submitted_at_problem(datetime(2026, 12, 1, tzinfo=UTC), now) is None
    assert submitted_at_problem(datetime(1999, 12, 31, tzinfo=UTC), now) is not None
    assert submitted_at_problem(datetime(2026, 12, 6, tzinfo=UTC), now) is not None
    late = datetime.fromisoformat("9999-12-31T23:00:00-14:00")  # beyond datetime.max in UTC
    assert submitted_at_problem(late, now) is not None


def test_kobo_submission_time_out_of_range_is_refused(form: Form) -> None:
    data = "_uuid;_submission_time;remarque\n0b9d8a1e-2f40-4c55-9a3e-6c1f2d3e4a5b;9999-12-31T23:00:00-14:00;x\n"
    with pytest.raises(ImportFileError) as caught:
        read_kobo_export(form, data.encode(), "export.csv")
    assert "date d'envoi hors limites" in str(caught.value) and caught.value.line == 2


def test_kobo_rows_with_control_characters_are_refused_by_the_engine(form: Form) -> None:
    data = "_uuid;remarque\n0b9d8a1e-2f40-4c55-9a3e-6c1f2d3e4a5b;a\x01b\n"
    (row,) = read_kobo_export(form, data.encode(), "export.csv")
    assert [e.key for e in check_submission(form, row.data).errors] == ["remarque"]


# Answers stored before the checks (or written to the database directly): exports never fail.
STORED = [
    {
        "uuid": "0b9d8a1e-2f40-4c55-9a3e-6c1f2d3e4a5b",
        "submitted_at": datetime(2026, 11, 2, 9, tzinfo=UTC),
        "source": "api",
        "data": {
            "remarque": "nul\x00 surrogate\ud800 bip\x07 $\\frac{1}{$",
            "distance": math.inf,
            "enfants": [{"activite": "\udfff\x1f"}],
        },
    }
]


def test_xlsx_export_cleans_stored_answers(form: Form) -> None:
    workbook = load_workbook(io.BytesIO(export_xlsx(form, STORED)))
    main = list(workbook["reponses"].iter_rows(values_only=True))
    header, row = main[0], main[1]
    values = dict(zip(header, row, strict=True))
    assert values["remarque"] == "nul surrogate\ufffd bip $\\frac{1}{$"
    assert values["distance"] is None
    enfants = list(workbook["enfants"].iter_rows(values_only=True))
    assert enfants[1][-1] == "\ufffd"


def test_csv_export_cleans_stored_answers(form: Form) -> None:
    text = export_csv(form, STORED).decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(text), delimiter=";"))
    values = dict(zip(header, row, strict=True))
    assert values["remarque"] == "nul surrogate\ufffd bip $\\frac{1}{$"


def test_chart_labels_are_plain_text() -> None:
    svg = render_shares(
        ["$\\frac{1}{$ (n = 5)", "a\x00b\ud800", "$x$"],
        [0.5, 0.25, None],
        [0.4, 0.2, None],
        [0.6, 0.3, None],
        title="Part $\\frac{1}{$",
    )
    assert "$\\frac{1}{$ (n = 5)" in svg and "ab\ufffd" in svg and "$x$" in svg
