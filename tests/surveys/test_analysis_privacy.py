"""Small cells: no count of 1 to 4 people published, secondary suppression, weights choice."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import Workbook

from teletravail.surveys import stats
from teletravail.surveys.analysis import AnalysisError, analyse, weight_choices
from teletravail.surveys.charts import render_segment_shares
from teletravail.surveys.form import Form
from teletravail.surveys.xlsform import load_xlsform
from teletravail.web.surveys import display
from tests.surveys.analysis_forms import residents_form
from tests.surveys.test_analysis import by_id, person


def _form(survey: list[tuple[str, ...]], choices: list[tuple[str, str, str]]) -> Form:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "survey"
    ws.append(("type", "name", "label", "calculation"))
    for row in survey:
        ws.append(row + ("",) * (4 - len(row)))
    sheet = wb.create_sheet("choices")
    sheet.append(("list_name", "name", "label"))
    for choice in choices:
        sheet.append(choice)
    buffer = io.BytesIO()
    wb.save(buffer)
    return load_xlsform(buffer.getvalue(), "petit.xlsx")


def taille_form() -> Form:
    return _form(
        [
            ("select_one taille", "taille", "Taille"),
            ("select_multiple outil", "outils", "Outils"),
            ("integer", "salaries", "Salariés"),
            ("calculate", "coef", "", "2"),
            ("calculate", "code", "", "'a'"),
            ("begin_repeat", "sites", "Sites"),
            ("integer", "surface", "Surface"),
            ("end_repeat", "", ""),
        ],
        [
            ("taille", "tpe", "TPE"),
            ("taille", "pme", "PME"),
            ("taille", "eti", "ETI"),
            ("outil", "visio", "Visio"),
            ("outil", "vpn", "VPN"),
        ],
    )


def taille_rows() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for i, size in enumerate(["tpe"] * 6 + ["pme"] * 5 + ["eti"] * 2):
        rows.append(
            {
                "taille": size,
                "outils": ["visio"] + (["vpn"] if i < 2 else []),
                "salaries": 10 + i,
                "coef": str(1 + i % 2),
                "code": "a",
            }
        )
    return rows


def test_choices_of_one_to_four_people_show_no_count() -> None:
    result = analyse(taille_form(), taille_rows())
    questions = {q.name: q for q in result.questions}
    taille = {c.name: c for c in questions["taille"].choices}
    # ETI: 2 people → hidden, no count; PME (next smallest) hidden too, else 13 − 6 − 5 = 2
    assert (taille["eti"].count, taille["eti"].value) == (None, None)
    assert taille["eti"].hidden_reason == stats.HIDDEN_REASON
    assert (taille["pme"].count, taille["pme"].value) == (None, None)
    assert taille["pme"].hidden_reason == stats.SECONDARY_REASON
    assert (taille["tpe"].count, taille["tpe"].value) == (6, pytest.approx(6 / 13))
    # select_multiple: counts do not add up, no secondary suppression
    outils = {c.name: c for c in questions["outils"].choices}
    assert outils["vpn"].count is None and outils["vpn"].value is None
    assert outils["visio"].count == 13 and outils["visio"].value == 1.0
    rows = display.question_rows(questions["taille"])
    assert [(r.value, r.n) for r in rows] == [
        (display.number(6 / 13, "part"), 6),
        ("masqué", None),
        ("masqué", None),
    ]


def test_question_with_few_answers_shows_no_count() -> None:
    rows = [{"taille": "tpe", "salaries": 3}] * 3
    result = analyse(taille_form(), rows)
    questions = {q.name: q for q in result.questions}
    assert all(c.count is None for c in questions["taille"].choices)
    shown = display.question_rows(questions["taille"]) + display.question_rows(
        questions["salaries"]
    )
    assert all(r.n is None and r.value == "masqué" for r in shown)
    assert questions["salaries"].median is None and questions["salaries"].mean is None


def test_hidden_segment_and_its_complement() -> None:
    """The review's case: 70 % of 10 overall, Vitré 4 of 7: Châteaubourg (3 of 3) must not be
    computable, so Vitré is hidden too, and no size of a hidden segment is printed."""
    rows = [person("salarie_prive", "regulier", commune="Vitré") for _ in range(4)]
    rows += [person("salarie_prive", "non", commune="Vitré") for _ in range(3)]
    rows += [person("salarie_prive", "regulier", commune="Châteaubourg") for _ in range(3)]
    result = analyse(residents_form(), rows, segment="commune_residence")
    assert by_id(result)["part_teletravail_actifs"].value == pytest.approx(0.7)
    segments = {s.value: s for s in result.segments}
    small, other = segments["châteaubourg"], segments["vitré"]
    assert (small.n, small.hidden_reason, small.indicators) == (None, stats.HIDDEN_REASON, [])
    assert (other.n, other.hidden_reason, other.indicators) == (None, stats.SECONDARY_REASON, [])
    svg = render_segment_shares(result.segments, "part_teletravail_actifs", title="Part")
    assert "n = 3" not in svg and "n = 7" not in svg
    assert "Châteaubourg (moins de 5)" in svg and "Vitré (effectif masqué)" in svg
    assert display.segment_size(small) == "moins de 5 réponses"
    assert display.segment_size(other) == "effectif masqué"


def test_indicator_hidden_in_one_segment_is_hidden_in_the_next_smallest() -> None:
    rows = [person("salarie_prive", "regulier", commune="A") for _ in range(5)]
    rows += [person("salarie_prive", "non", commune="A") for _ in range(5)]
    rows += [person("salarie_prive", "regulier", commune="B") for _ in range(2)]  # 2 of 8
    rows += [person("salarie_prive", "non", commune="B") for _ in range(6)]
    rows += [person("salarie_prive", "regulier", commune="C") for _ in range(5)]
    rows += [person("salarie_prive", "non", commune="C") for _ in range(2)]
    result = analyse(residents_form(), rows, segment="commune_residence")
    segments = {s.value: by_id(s.indicators) for s in result.segments}
    assert [s.n for s in result.segments] == [10, 8, 7]  # all sizes ≥ 5 are printed
    assert segments["b"]["part_teletravail_actifs"].hidden_reason == stats.HIDDEN_REASON
    # C (7 actives) is the smallest other segment for this indicator: hidden as well
    assert segments["c"]["part_teletravail_actifs"].value is None
    assert segments["c"]["part_teletravail_actifs"].hidden_reason == stats.SECONDARY_REASON
    assert segments["a"]["part_teletravail_actifs"].value == pytest.approx(0.5)
    # the mean distance is hidden nowhere (nobody answered it: n = 0 everywhere)
    assert all(s["distance_km_moyenne"].n == 0 for s in segments.values())
    rows_c = display.indicator_rows(list(segments["c"].values()))
    assert all(r.n is None for r in rows_c if r.value == "masqué")


def test_generic_segments_hide_the_complement_choice() -> None:
    form = taille_form()
    rows = taille_rows()
    for i, row in enumerate(rows):
        row["taille"] = "tpe" if i < 10 else "pme"  # PME: 3 of 13
    result = analyse(form, rows, segment="taille")
    segments = {s.value: s for s in result.segments}
    assert segments["pme"].n is None and segments["tpe"].n is None  # 3 → next smallest hidden
    assert segments["eti"].n == 0 and segments["eti"].hidden_reason == "aucune réponse"


def test_weight_choices_and_calculate_weights() -> None:
    form, rows = taille_form(), taille_rows()
    assert weight_choices(form, rows) == [("salaries", "Salariés"), ("coef", "coef")]
    result = analyse(form, rows, weight_field="coef")
    # weights 1, 2, 1, 2…: Σw = 19, Σw² = 7 + 6 × 4 = 31
    assert result.n_effective == pytest.approx(19**2 / 31)
    assert any("coef" in note and "Kish" in note for note in result.notes)
    with pytest.raises(AnalysisError, match="valeurs non numériques"):
        analyse(form, rows, weight_field="code")
    with pytest.raises(AnalysisError, match="répétition"):
        analyse(form, rows, weight_field="surface")


def test_a_calculation_from_the_date_of_answering_is_no_weight() -> None:
    """The shipped residents' ``annee_enquete`` (``int(format-date(today(), '%Y'))``) was offered
    as a weight on the results page, by its name."""
    from teletravail.surveys.instruments import instrument_bytes
    from teletravail.surveys.xlsform import load_xlsform

    form = load_xlsform(instrument_bytes("residents"), "residents.xlsx")
    assert form.question("annee_enquete").kind == "calculate"
    rows = [{"annee_enquete": "2026", "profil": {"situation": "retraite"}}] * 6
    assert "annee_enquete" not in {name for name, _ in weight_choices(form, rows)}
