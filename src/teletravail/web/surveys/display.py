"""French display of analysis figures: shares as percentages, other units with a decimal comma."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from teletravail.surveys.analysis_models import Indicator, QuestionSummary

HIDDEN = "masqué"


def number(value: float | None, unit: str) -> str:
    """``0.423, "part"`` → ``"42,3 %"``; ``12.0, "km"`` → ``"12,0 km"``; None → ``"–"``."""
    if value is None:
        return "–"
    if unit == "part":
        return f"{value * 100:.1f} %".replace(".", ",")
    text = f"{value:,.1f}".replace(",", " ").replace(".", ",")
    return f"{text} {unit}".strip()


@dataclass(frozen=True)
class Row:
    """One line of an indicators table."""

    label: str
    value: str
    interval: str
    n: int
    hidden_reason: str
    note: str


def indicator_rows(indicators: Sequence[Indicator | _Share]) -> list[Row]:
    """Rows of the indicators table (``Indicator`` models of the analysis)."""
    rows: list[Row] = []
    for ind in indicators:
        if ind.hidden_reason:
            rows.append(Row(ind.label, HIDDEN, "", ind.n, ind.hidden_reason, ind.note))
            continue
        interval = (
            f"{number(ind.ci_low, ind.unit)} – {number(ind.ci_high, ind.unit)}"
            if ind.ci_low is not None and ind.ci_high is not None
            else ""
        )
        rows.append(Row(ind.label, number(ind.value, ind.unit), interval, ind.n, "", ind.note))
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
    n: int
    hidden_reason: str | None
    unit: str = "part"
    note: str = ""
