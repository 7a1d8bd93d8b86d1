"""Regressions found by importing real XLSForms from the ODK / KoboToolbox world.

Each form here is small and written for the test; it reproduces one feature seen in public forms
(KoboToolbox exports, pyxform test forms, ODK documentation).
"""

from __future__ import annotations

from datetime import date
from xml.etree import ElementTree as ET

import pytest

from teletravail.surveys.errors import FormError
from teletravail.surveys.instance import initial_answers
from teletravail.surveys.validation import check_submission
from teletravail.surveys.xlsform import load_xlsform
from teletravail.surveys.xpath import compile_expression, evaluate, make_context, to_string


def load(text: str) -> object:
    return load_xlsform(text.strip().encode("utf-8"), "f.md")


def refusal(text: str) -> FormError:
    with pytest.raises(FormError) as caught:
        load(text)
    return caught.value


# --------------------------------------------------------------------------- import


def test_kobo_internal_columns_are_ignored() -> None:
    form = load(
        """
| survey |
| | type | name | label | $kuid | $autoname |
| | select_one yn | ok | D'accord ? | k1 | ok |
| choices |
| | list_name | name | label | $kuid |
| | yn | oui | Oui | c1 |
| | yn | non | Non | c2 |
"""
    )
    question = form.question("ok")  # type: ignore[attr-defined]
    assert [c.name for c in question.choices] == ["oui", "non"]
    assert all("$kuid" not in c.extra for c in question.choices)


def test_upper_case_headers_still_give_the_row() -> None:
    error = refusal(
        """
| SURVEY |
| | TYPE | NAME | LABEL |
| | text | a | A |
| | select_one_external c1 | b | B |
| CHOICES |
| | LIST_NAME | NAME | LABEL |
| | c1 | x | X |
"""
    )
    assert (error.sheet, error.row, error.column) == ("survey", 3, "type")
    assert "external_choices" in error.reason


def test_legacy_type_aliases_are_mapped() -> None:
    form = load(
        """
| survey |
| | type | name | label |
| | q int | a | A |
| | add text prompt | b | B |
| | percentage | c | Pourcentage |
| | get start time | debut | |
| | imei | appareil | |
"""
    )
    kinds = {q.name: q.kind for q in form.questions()}  # type: ignore[attr-defined]
    assert kinds == {"a": "integer", "b": "text", "c": "integer"}
    assert form.metadata == (("debut", "start"),)  # type: ignore[attr-defined]
    assert any("appareil" in w for w in form.warnings)  # type: ignore[attr-defined]
    errors = check_submission(form, {"c": 120}).errors  # type: ignore[arg-type]
    assert [e.name for e in errors] == ["c"]  # constraint 0..100 of the alias


def test_phone_number_needs_a_purpose() -> None:
    error = refusal(
        """
| survey |
| | type | name | label |
| | phone number | contact | Numéro |
"""
    )
    assert (error.row, error.column) == (2, "donnee_personnelle")
    form = load(
        """
| survey |
| | type | name | label | donnee_personnelle |
| | phone number | contact | Numéro | rappel pour l'entretien |
"""
    )
    assert form.question("contact").kind == "text"  # type: ignore[attr-defined]
    errors = check_submission(form, {"contact": "06 12"}).errors  # type: ignore[arg-type]
    assert [e.name for e in errors] == ["contact"]


@pytest.mark.parametrize(
    ("survey", "where", "needle"),
    [
        ("| | include | autre | Autre |", (3, "type"), "include"),
        (
            "| | begin loop over c1 | boucle | B |\n| | integer | n | N |\n| | end loop | | |",
            (3, "type"),
            "boucles",
        ),
        ("| | range | r | R | increment=2 |", (3, "parameters"), "increment"),
        ("| | calculate | p | | pulldata('f', 'a', 'b', 'c') |", (3, "calculation"), "CSV"),
    ],
)
def test_unsupported_features_are_refused_with_a_place(
    survey: str, where: tuple[int, str], needle: str
) -> None:
    header = "| | type | name | label | " + (
        "parameters |" if "range" in survey else "calculation |" if "pulldata" in survey else ""
    )
    text = "| survey |\n" + header + "\n| | text | t | T |\n" + survey + "\n"
    text += "| choices |\n| | list_name | name | label |\n| | c1 | a | A |\n"
    error = refusal(text)
    assert (error.sheet, error.row, error.column) == ("survey", *where)
    assert needle in error.reason
    assert "This section" not in str(error) and "The accepted" not in str(error)


# --------------------------------------------------------------------------- choices


def test_choices_from_repeat_answers() -> None:
    form = load(
        """
| survey |
| | type | name | label | choice_filter |
| | begin_repeat | membres | Membres | |
| | text | pseudo | Pseudonyme | |
| | integer | age | Âge | |
| | end_repeat | | | |
| | select_one ${pseudo} | referent | Référent | ${age} >= 18 |
"""
    )
    members = [{"pseudo": "Ana", "age": 40}, {"pseudo": "Léo", "age": 9}]
    assert check_submission(form, {"membres": members, "referent": "Ana"}).ok  # type: ignore[arg-type]
    errors = check_submission(form, {"membres": members, "referent": "Léo"}).errors  # type: ignore[arg-type]
    assert [e.name for e in errors] == ["referent"]


def test_randomized_choices_keep_their_filter() -> None:
    form = load(
        """
| survey |
| | type | name | label | choice_filter | parameters |
| | select_one r | region | Région | | |
| | select_one d | dep | Département | region = ${region} | randomize=true |
| choices |
| | list_name | name | label | region |
| | r | bre | Bretagne | |
| | r | idf | Île-de-France | |
| | d | 29 | Finistère | bre |
| | d | 75 | Paris | idf |
"""
    )
    assert form.question("dep").choice_filter is not None  # type: ignore[attr-defined]
    assert check_submission(form, {"region": "bre", "dep": "29"}).ok  # type: ignore[arg-type]
    assert not check_submission(form, {"region": "bre", "dep": "75"}).ok  # type: ignore[arg-type]


# --------------------------------------------------------------------------- defaults


def test_dynamic_defaults_are_evaluated_not_copied() -> None:
    form = load(
        """
| survey |
| | type | name | label | default |
| | integer | base | Base | 4 |
| | integer | double | Double | ${base} * 2 |
| | date | jour | Jour | today() |
| | text | statique | Statique | f-4 |
| | integer | compteur | Compteur | if(${last-saved#compteur} = '', 1, ${last-saved#compteur} + 1) |
| | integer | hasard | Hasard | random() |
"""
    )
    question = form.question("double")  # type: ignore[attr-defined]
    assert question.default is None and question.default_expression is not None
    answers = initial_answers(form, today=date(2024, 5, 2))  # type: ignore[arg-type]
    assert answers["base"] == 4 and answers["double"] == 8
    assert answers["jour"] == "2024-05-02" and answers["statique"] == "f-4"
    assert answers["compteur"] == 1 and answers["hasard"] == 0
    assert check_submission(form, answers).ok  # type: ignore[arg-type]


def test_invalid_dynamic_default_is_located() -> None:
    error = refusal(
        """
| survey |
| | type | name | label | default |
| | integer | a | A | 1 + inconnue(2) |
"""
    )
    assert (error.row, error.column) == (2, "default")


# --------------------------------------------------------------------------- XPath (ODK spec)


XML = "<data><e></e><m>a b c</m><d>2024-01-31</d><r><x/></r><r><x/></r><r><x/></r></data>"


def run(expression: str, item_path: str | None = None) -> str:
    root = ET.fromstring(XML)
    ctx = make_context(ET.ElementTree(root), today=date(2024, 6, 1), instances={}, choice_labels={})
    item = ctx.root
    if item_path is not None:
        item = evaluate(compile_expression(item_path), ctx, ctx.root)[0]  # type: ignore[index]
    return to_string(evaluate(compile_expression(expression), ctx, item))


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("selected(/data/m, 'b')", "true"),
        ("selected(/data/e, '')", "false"),
        ("count-selected(/data/e)", "0"),
        ("count-selected(/data/m)", "3"),
        ("selected-at(/data/m, 1)", "b"),
        ("selected-at(/data/m, 5)", ""),
        ("if(/data/e = '', 'vide', 'plein')", "vide"),
        ("coalesce(/data/e, 'x')", "x"),
        ("concat('a', /data/e, 'b')", "ab"),
        ("substr('bonjour', 0, 3)", "bon"),
        ("substr('bonjour', 3)", "jour"),
        ("string-length(/data/e)", "0"),
        ("int(-2.7)", "-2"),
        ("int(/data/e)", "NaN"),
        ("round(2.5)", "3"),
        ("round(3.14159, 2)", "3.14"),
        ("round(1234.5, -2)", "1200"),
        ("number(/data/e)", "NaN"),
        ("/data/e + 1", "NaN"),
        ("date(/data/d + 1)", "2024-02-01"),
        ("date('2024-02-28') + 2 > date('2024-03-01')", "false"),
        ("decimal-date-time('1970-01-02T12:00:00Z')", "1.5"),
        ("decimal-date-time('2024-01-31')", "19753"),
        ("format-date(date('2024-01-31'), '%Y/%m/%d')", "2024/01/31"),
        ("boolean-from-string('true')", "true"),
        ("boolean-from-string('1')", "true"),
        ("boolean-from-string('yes')", "false"),
        ("regex('75001', '^[0-9]{5}$')", "true"),
        ("regex('7500', '^[0-9]{5}$')", "false"),
        ("count-non-empty(/data/r/x)", "0"),
        ("checklist(1, 2, true(), false(), true())", "true"),
        ("weighted-checklist(3, -1, true(), 2, true(), 2)", "true"),
        ("decimal-time('06:00:00Z')", "0.25"),
        (
            "digest('abc', 'SHA-256', 'hex')",
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        ),
        ("base64-decode('w6k=')", "é"),
        ("exp10(2)", "100"),
    ],
)
def test_odk_spec_functions(expression: str, expected: str) -> None:
    assert run(expression) == expected


def test_position_inside_a_repeat() -> None:
    assert run("position(..)", "/data/r[2]/x") == "2"
    assert run("position(current()/..)", "/data/r[3]/x") == "3"


def test_random_is_between_zero_and_one() -> None:
    assert 0 <= float(run("random()")) < 1
