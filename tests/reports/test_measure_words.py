"""A measured value and the estimate beside it, as a user reads them (issue 9, sections 3 and 4):
one decimal for a figure and its interval, "1,6 jour" below 2 (the rule of format_fr), and the
survey questions by their wording, never by their names."""

from __future__ import annotations

from datetime import date

from teletravail.reports.measures import (
    QUESTION_WORDS,
    comparisons,
    days_text,
    interval_text,
    questions_text,
    value_text,
)
from teletravail.reports.model import MesureLocale


def _days(value: float, low: float, high: float) -> MesureLocale:
    return MesureLocale(
        indicateur="jours_teletravail",
        libelle="Jours de télétravail par semaine des télétravailleurs (enquête locale)",
        valeur=value,
        ic_bas=low,
        ic_haut=high,
        effectif=40,
        campagne="Enquête 2025",
        debut=date(2025, 1, 4),
        fin=date(2025, 2, 23),
        questions=("teletravail", "jours_teletravail"),
    )


def test_days_agree_with_the_figure_shown() -> None:
    assert days_text(1.6) == "1,6 jour"
    assert days_text(1.96) == "2,0 jours"  # the noun agrees with what is shown, not 1.96
    assert days_text(2.5) == "2,5 jours"
    assert days_text(1.3, high=1.9) == "1,3 à 1,9 jour"
    assert days_text(1.6, high=2.4) == "1,6 à 2,4 jours"


def test_days_interval_has_the_figure_s_decimals() -> None:
    """It read « 2,0 jours » beside « 2,00 à 2,00 jours »."""
    m = _days(1.6125, 1.3512, 1.8888)
    assert value_text(m) == "1,6 jour"
    assert interval_text(m).startswith("1,4 à 1,9 jour (±0,27 jour, 95 %")
    (side_by_side,) = comparisons([m], {})
    assert side_by_side.estimation == "1,9 jour"  # the national 1.9 days a week
    assert side_by_side.mesure == "1,6 jour"


def test_questions_read_as_worded() -> None:
    """The diagnostic read « Questions : teletravail, jours_teletravail »."""
    text = questions_text(_days(1.6, 1.3, 1.9))
    assert text == (
        "« Télétravaillez-vous ? », "
        "« En moyenne, combien de jours par semaine télétravaillez-vous ? »"
    )
    assert "_" not in "".join(QUESTION_WORDS.values())


def test_question_words_are_the_shipped_questionnaire_s() -> None:
    """The words are those of the residents' questionnaire the measure comes from."""
    from teletravail.surveys.instruments import instrument_bytes
    from teletravail.surveys.xlsform import load_xlsform

    form = load_xlsform(instrument_bytes("residents"), "residents.xlsx")
    for name, words in QUESTION_WORDS.items():
        assert words == f"« {form.question(name).label} »", name
