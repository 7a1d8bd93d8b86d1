"""XLSForm import: the complete fixture, languages, metadata, and located errors."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from teletravail.surveys.errors import FormError
from teletravail.surveys.xlsform import form_cache, load_xlsform

FORMS = Path(__file__).parents[1] / "fixtures" / "forms"
COMPLET = (FORMS / "complet.md").read_bytes()


def md(survey: str, choices: str = "") -> bytes:
    text = "| survey |\n" + survey
    if choices:
        text += "| choices |\n" + choices
    return text.encode()


def xlsx(sheets: dict[str, list[list[object]]]) -> bytes:
    workbook = Workbook()
    assert workbook.active is not None
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_complete_form_tree() -> None:
    form = load_xlsform(COMPLET, "complet.md")
    assert (form.form_id, form.title, form.version, form.root) == (
        "complet",
        "Enquête complète",
        "2025-01",
        "data",
    )
    assert form.default_language == "Français (fr)"
    assert [m for m in form.metadata] == [("debut", "start"), ("fin", "end"), ("jour", "today")]
    assert len(form.warnings) == 1 and "appareil" in form.warnings[0]
    kinds = {q.kind for q in form.questions()}
    assert kinds >= {
        "note",
        "acknowledge",
        "text",
        "integer",
        "select_one",
        "group",
        "decimal",
        "select_multiple",
        "range",
        "calculate",
        "hidden",
        "date",
        "time",
        "datetime",
        "repeat",
    }
    age = form.question("age")
    assert age.path == "/data/age" and age.label == "Votre âge" and age.hint == "En années"
    assert age.required == "true()" and age.constraint == ". >= 15 and . <= 99"
    assert age.constraint_message == "L'âge doit être compris entre 15 et 99 ans."
    assert age.analyse == "profil"
    assert form.question("accord").required_message == "Merci de donner votre accord."
    dep = form.question("departement")
    assert dep.choice_filter is not None and "/data/region" in dep.choice_filter
    assert dep.appearance == "minimal"
    assert [c.extra.get("region") for c in dep.choices] == ["occitanie", "occitanie", "bretagne"]
    lieux = form.question("lieux")
    assert lieux.or_other and lieux.default == "domicile"
    assert lieux.choices[-1].name == "other" and lieux.choices[-1].label == "Autre"
    assert form.question("lieux_other").path == "/data/pratique/lieux_other"
    assert form.question("jours").path == "/data/pratique/jours"
    assert form.question("pratique").relevant == "/data/teletravail  = 'oui'"
    assert form.question("satisfaction").parameters == {"start": "0", "end": "10", "step": "1"}
    assert form.question("heures").calculate is not None
    repeat = form.question("lieux_freq")
    assert form.repeats() == (repeat,)
    assert repeat.repeat_count == "/data/nb_lieux"
    assert form.question("visites").relevant == "../lieu_nom != ''"
    assert form.question("version_lue").readonly
    assert form.question("nom").donnee_personnelle == "Recontacter les volontaires"
    assert form.question("commentaire").theme == "souhaits"
    assert form.sha256 and "<h:html" in form.xform


def test_english_when_no_french() -> None:
    data = md(
        "| | type | name | label::English (en) | label::Deutsch (de) |\n"
        "| | text | a | Town | Stadt |\n"
    )
    assert load_xlsform(data, "f.md").question("a").label == "Town"


def test_form_cache_reuses_forms() -> None:
    assert form_cache(COMPLET, "complet.md") is form_cache(COMPLET, "complet.md")


def test_xlsx_import_and_row_location() -> None:
    good = xlsx(
        {
            "survey": [["type", "name", "label"], ["text", "a", "A"], ["integer", "b", "B"]],
            "settings": [["form_id", "version"], ["x", "3"]],
        }
    )
    form = load_xlsform(good, "f.xlsx")
    assert form.form_id == "x" and form.version == "3"
    bad = xlsx(
        {"survey": [["type", "name", "label"], ["text", "a", "A"], [], ["integr", "b", "B"]]}
    )
    with pytest.raises(FormError) as caught:
        load_xlsform(bad, "f.xlsx")
    assert (caught.value.sheet, caught.value.row, caught.value.column) == ("survey", 4, "type")
    assert str(caught.value).startswith("Feuille « survey », ligne 4, colonne « type » :")


SURVEY = "| | type | name | label |\n"
INVALID = [
    (
        "reference",
        md(
            "| | type | name | label | relevant |\n| | text | a | A | |\n"
            "| | text | b | B | ${zz} > 2 |\n"
        ),
        ("survey", 3, "relevant"),
        "${zz}",
    ),
    (
        "unknown type",
        md(SURVEY + "| | text | a | A |\n| | integr | b | B |\n"),
        ("survey", 3, "type"),
        "integr",
    ),
    (
        "duplicate name",
        md(SURVEY + "| | text | a | A |\n| | text | a | B |\n"),
        ("survey", 3, "name"),
        "unique",
    ),
    (
        "unclosed group",
        md(SURVEY + "| | begin_group | g | G |\n| | text | a | A |\n"),
        ("survey", 2, "type"),
        "end_group",
    ),
    ("bad name", md(SURVEY + "| | text | 1a | A |\n"), ("survey", 2, "name"), "lettre"),
    (
        "no label",
        md(SURVEY + "| | text | x | A |\n| | text | a | |\n"),
        ("survey", 3, "label"),
        "libellé",
    ),
    (
        "syntax",
        md("| | type | name | label | constraint |\n| | integer | a | A | (. > 2 |\n"),
        ("survey", 2, "constraint"),
        "mal formée",
    ),
    (
        "unknown function",
        md(
            "| | type | name | label | relevant |\n| | text | a | A | |\n"
            "| | text | b | B | foo(${a}) |\n"
        ),
        ("survey", 3, "relevant"),
        "foo",
    ),
    (
        "duplicate choice",
        md(
            SURVEY + "| | select_one l | a | A |\n",
            "| | list_name | name | label |\n| | l | x | X |\n| | l | x | Y |\n",
        ),
        ("choices", 3, "name"),
        "unique",
    ),
    (
        "missing calculation",
        md(
            "| | type | name | label | calculation |\n| | text | a | A | |\n"
            "| | calculate | c | | |\n"
        ),
        ("survey", 3, "calculation"),
        "formule",
    ),
    (
        "missing list",
        md(
            SURVEY + "| | select_one xx | a | A |\n",
            "| | list_name | name | label |\n| | l | x | X |\n",
        ),
        ("survey", 2, "type"),
        "xx",
    ),
    (
        "image",
        md(SURVEY + "| | text | a | A |\n| | image | photo | Photo |\n"),
        ("survey", 3, "type"),
        "image",
    ),
    (
        "geopoint",
        md(SURVEY + "| | geopoint | gps | Position |\n"),
        ("survey", 2, "type"),
        "position",
    ),
    (
        "personal data",
        md(SURVEY + "| | text | a | A |\n| | text | email | Courriel |\n"),
        ("survey", 3, "donnee_personnelle"),
        "donnée personnelle",
    ),
    (
        "rank",
        md(SURVEY + "| | rank l | r | R |\n", "| | list_name | name | label |\n| | l | x | X |\n"),
        ("survey", 2, "type"),
        "rank",
    ),
    (
        "bad choice filter",
        md(
            "| | type | name | label | choice_filter |\n| | select_one l | a | A | x = ${nope} |\n",
            "| | list_name | name | label |\n| | l | x | X |\n",
        ),
        ("survey", 2, "choice_filter"),
        "${nope}",
    ),
    ("missing type column", md("| | name | label |\n| | a | A |\n"), ("survey", 1, "type"), "type"),
]


@pytest.mark.parametrize(
    ("data", "where", "needle"), [c[1:] for c in INVALID], ids=[c[0] for c in INVALID]
)
def test_invalid_forms_are_located(data: bytes, where: tuple[str, int, str], needle: str) -> None:
    with pytest.raises(FormError) as caught:
        load_xlsform(data, "form.md")
    error = caught.value
    assert (error.sheet, error.row, error.column) == where, str(error)
    assert needle in error.reason
    assert str(error).startswith(f"Feuille « {where[0]} », ligne {where[1]}, colonne")


@pytest.mark.parametrize(
    ("data", "filename", "needle"),
    [
        (b"", "vide.xlsx", "vide"),
        (b"not a zip at all", "faux.xlsx", "classeur Excel"),
        (b"hello", "f.pdf", "extensions acceptées"),
        (xlsx({"choices": [["list_name", "name", "label"]]}), "f.xlsx", "« survey »"),
        (b"\xff\xfe\x00bad", "f.csv", "UTF-8"),
        (b"| choices |\n| | list_name | name | label |\n| | l | x | X |\n", "f.md", "survey"),
    ],
)
def test_unreadable_files(data: bytes, filename: str, needle: str) -> None:
    with pytest.raises(FormError) as caught:
        load_xlsform(data, filename)
    assert needle in str(caught.value)
