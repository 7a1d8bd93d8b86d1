"""Result models of the survey analysis (:func:`teletravail.surveys.analysis.analyse`).

Shares are fractions in [0, 1] (unit "part"); intervals are 95 %; ``n`` is always the number of
respondents (unweighted) the value rests on; a value resting on fewer than 5 respondents, or a
share of 1 to 4 people, is hidden (``value`` None, ``hidden_reason`` "moins de 5 répondants"), and
secondary suppression hides one more cell when a single hidden cell could be recomputed (rules:
:mod:`teletravail.surveys.stats`). A hidden cell carries no count of people.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ChoiceShare(_Model):
    """Share of the respondents of a question who chose ``name`` (select_one: one choice each;
    select_multiple: shares do not add up to 1). ``count`` is the unweighted number who chose it,
    None when the cell is hidden (1 to 4 people, question answered by fewer than 5, or secondary
    suppression)."""

    name: str
    label: str
    count: int | None
    value: float | None
    ci_low: float | None
    ci_high: float | None
    hidden_reason: str | None = None


class QuestionSummary(_Model):
    """Summary of one closed or numeric question.

    ``n``: respondents who answered (for a question inside a repeat: answered repeat instances,
    ``repeat`` names the repeat). select_one / select_multiple: ``choices`` (form order, then values
    outside the list). integer / decimal / range: ``mean`` with ``ci_low``/``ci_high``, ``median``,
    ``minimum``, ``maximum`` (unit of the answers).
    """

    name: str
    path: str
    label: str
    kind: str
    repeat: str | None = None
    n: int
    choices: list[ChoiceShare] = []
    mean: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    median: float | None = None
    minimum: float | None = None
    maximum: float | None = None
    hidden_reason: str | None = None


class TextAnswer(_Model):
    """One free-text answer: ``submission_index`` (0-based position in the rows analysed),
    ``text``, ``tags`` (manual tags given to :func:`analyse`)."""

    submission_index: int
    text: str
    tags: list[str] = []


class TagCount(_Model):
    """How many answers of a free-text question carry ``tag``."""

    tag: str
    count: int


class TextQuestion(_Model):
    """A free-text question and its answers, with its qualitative ``theme`` (XLSForm column
    ``theme``, "" when absent) and the count of each manual tag (most frequent first)."""

    name: str
    label: str
    theme: str
    n: int
    answers: list[TextAnswer]
    tags: list[TagCount] = []


class ThemeGroup(_Model):
    """The free-text questions of one theme ("" = sans thème) and their number of answers."""

    theme: str
    label: str
    questions: list[str]
    n_answers: int


class Indicator(_Model):
    """One survey indicator (documented in docs/methodologie/enquetes.md).

    ``unit``: "part" (fraction in [0, 1]), "jours/semaine", "km", "km/an", "kgCO2e/an"…;
    ``value``/``ci_low``/``ci_high``: None when hidden (``hidden_reason``) or without interval
    (totals); ``n``: respondents the value rests on; ``questions``: names of the questions used.
    """

    id: str
    label: str
    unit: str
    value: float | None
    ci_low: float | None = None
    ci_high: float | None = None
    n: int
    hidden_reason: str | None = None
    questions: list[str]
    note: str = ""


class Segment(_Model):
    """The main indicators for the respondents whose segment question has ``value``.

    ``n``: respondents in the segment; a segment of 1 to 4 respondents is hidden (``indicators``
    empty, ``hidden_reason``, ``n`` None), and when it is the only one, so is the next smallest
    segment (secondary suppression). A segment value nobody gave has ``n`` 0 and no indicators.
    Within shown segments, an indicator hidden in a single segment is also hidden in the segment
    where it rests on the fewest respondents."""

    value: str
    label: str
    n: int | None
    hidden_reason: str | None = None
    indicators: list[Indicator] = []


class SurveyAnalysis(_Model):
    """The analysis of the answers to one form.

    ``n_submissions``: rows analysed; ``weight_field``: numeric question used as weight (None:
    unweighted) and ``n_effective`` its Kish effective size ((Σw)²/Σw²; = n when unweighted);
    ``questions``: generic summaries of closed and numeric questions; ``texts`` and ``themes``:
    free-text answers and their themes; ``indicators``: the residents indicators when the form
    has the residents questions, else an empty list; ``segment``/``segments``: main indicators per
    value of the segment question; ``notes``: French remarks on the data and method.
    """

    form_id: str
    title: str
    version: str
    n_submissions: int
    weight_field: str | None = None
    n_effective: float
    residents: bool
    questions: list[QuestionSummary]
    texts: list[TextQuestion]
    themes: list[ThemeGroup]
    indicators: list[Indicator]
    segment: str | None = None
    segment_label: str | None = None
    segments: list[Segment] = []
    notes: list[str] = []
