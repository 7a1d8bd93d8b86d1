"""French display of analysis figures: shares as percentages, other units with a decimal comma.

Small cells: a hidden row shows its reason and no count of people ("Effectif" empty), and no
count between 1 and 4 is ever printed (docs/methodologie/enquetes.md, secret statistique)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from teletravail.diagnostic.reading import format_number
from teletravail.surveys.analysis_models import Indicator, QuestionSummary, Segment
from teletravail.surveys.exports_labelled import labelled_answer
from teletravail.surveys.form import Question
from teletravail.surveys.stats import HIDDEN_REASON, small_count

HIDDEN = "masqué"


def answer_text(question: Question | None, value: object) -> str:
    """An answer as the respondent reads it: choice labels, not codes ("25 à 34 ans", not
    "de_25_34"); several choices separated by " ; "."""
    shown = labelled_answer(question, value) if question is not None else value
    if isinstance(shown, list | tuple):
        return ", ".join(map(str, shown))
    return "" if shown is None else str(shown)


def number(value: float | None, unit: str) -> str:
    """``0.423, "part"`` → ``"42,3 %"``; ``12.0, "km"`` → ``"12,0 km"``; None → ``"–"``."""
    if value is None:
        return "–"
    if unit == "part":
        return f"{format_number(value * 100, 1)} %"
    return f"{format_number(value, 1)} {unit}".strip()


def segment_size(segment: Segment) -> str:
    """Size of a segment for its heading: "12 réponses", "aucune réponse", and for a hidden
    segment "moins de 5 réponses" or "effectif masqué" (secondary suppression), never its
    number."""
    if segment.n is None:
        return (
            "moins de 5 réponses" if segment.hidden_reason == HIDDEN_REASON else "effectif masqué"
        )
    if segment.n == 0:
        return "aucune réponse"
    return f"{segment.n} réponse{'s' if segment.n > 1 else ''}"


@dataclass(frozen=True)
class Row:
    """One line of an indicators table; ``n`` is the "Effectif" column (None: not printed)."""

    label: str
    value: str
    interval: str
    n: int | None
    hidden_reason: str
    note: str


def indicator_rows(indicators: Sequence[Indicator | _Share]) -> list[Row]:
    """Rows of the indicators table (``Indicator`` models of the analysis)."""
    rows: list[Row] = []
    for ind in indicators:
        if ind.hidden_reason:
            rows.append(Row(ind.label, HIDDEN, "", None, ind.hidden_reason, ind.note))
            continue
        interval = (
            f"{number(ind.ci_low, ind.unit)} – {number(ind.ci_high, ind.unit)}"
            if ind.ci_low is not None and ind.ci_high is not None
            else ""
        )
        shown_n = None if ind.n is None or small_count(ind.n) else ind.n
        rows.append(Row(ind.label, number(ind.value, ind.unit), interval, shown_n, "", ind.note))
    return rows


def question_rows(question: QuestionSummary) -> list[Row]:
    """Rows of a question summary: one per choice (shares), or the mean of a numeric question."""
    if question.choices:
        return indicator_rows(
            [
                _Share(c.label or c.name, c.value, c.ci_low, c.ci_high, c.count, c.hidden_reason)
                for c in question.choices
            ]
        )
    return indicator_rows(
        [
            _Share(
                "Moyenne",
                question.mean,
                question.ci_low,
                question.ci_high,
                question.n,
                question.hidden_reason,
                unit="",
            )
        ]
    )


@dataclass(frozen=True)
class _Share:
    label: str
    value: float | None
    ci_low: float | None
    ci_high: float | None
    n: int | None
    hidden_reason: str | None
    unit: str = "part"
    note: str = ""
