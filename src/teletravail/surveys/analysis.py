"""Analysis of the answers to a form: :func:`analyse`.

Two layers (definitions: docs/methodologie/enquetes.md):

- generic, for any form: per closed question the share of each choice (Wilson 95 % interval), per
  numeric question n, mean (normal 95 % interval), median, minimum and maximum; free-text answers
  grouped by the question's ``theme`` with optional manual tags;
- residents indicators (:mod:`teletravail.surveys.analysis_residents`) when the form has the
  residents questions.

Optional weights (a numeric question), and segments (any select_one question, or the free-text
``commune_residence``): the main indicators per segment value. A value resting on fewer than 5
respondents, or a count of 1 to 4 people, is hidden, with secondary suppression where a hidden cell
could be recomputed from the others (select_one choices, segments). Columns are read once into numpy arrays: 100 000 submissions take well
under 2 s (benchmarks/survey_analysis.py).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from teletravail.errors import TeletravailError
from teletravail.impact.calculator import Method
from teletravail.impact.models import ModeTransport
from teletravail.surveys import stats
from teletravail.surveys.analysis_columns import (
    CLOSED,
    NUMERIC,
    Column,
    Columns,
    FloatArray,
    IntArray,
    as_number,
)
from teletravail.surveys.analysis_models import (
    ChoiceShare,
    Indicator,
    QuestionSummary,
    Segment,
    SurveyAnalysis,
    TagCount,
    TextAnswer,
    TextQuestion,
    ThemeGroup,
)
from teletravail.surveys.analysis_residents import (
    ModeFactors,
    is_residents,
    mode_factors,
    residents_indicators,
)
from teletravail.surveys.analysis_scope import Scope, generic_indicators
from teletravail.surveys.form import Form

#: Free-text questions analysed as segments or keys, not listed as qualitative answers.
NOT_FREE_TEXT = frozenset({"commune_residence"})
NO_THEME = "sans thème"
EMPTY_SEGMENT = "aucune réponse"

Tags = Mapping[tuple[int, str], Sequence[str]]


class AnalysisError(TeletravailError):
    """The analysis cannot be made as asked (unknown segment or weight question, bad weight)."""


def _numeric_values(column: Column) -> FloatArray | None:
    """The numbers of a numeric question, or of a calculate whose answered values are all
    numbers (at least one); None otherwise."""
    if column.numbers is not None:
        return column.numbers
    if column.question.kind != "calculate" or column.texts is None:
        return None
    numbers = np.asarray([np.nan if t is None else as_number(t) for t in column.texts])
    answered = np.asarray([t is not None for t in column.texts], dtype=np.bool_)
    if not answered.any() or np.isnan(numbers[answered]).any():
        return None
    return numbers


_DATED = re.compile(r"\b(?:today|now)\s*\(")


def weight_choices(form: Form, rows: Sequence[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """(name, label) of the questions usable as weights: asked once per submission (outside any
    repeat), integer / decimal / range, or calculate with numeric values in ``rows``. A
    calculation from the date of answering (``today()``, ``now()``: the shipped residents'
    ``annee_enquete``) describes the interview, not the respondent: it is not offered."""
    cols = Columns(form, rows if isinstance(rows, list) else list(rows))
    out: list[tuple[str, str]] = []
    for name, placed in cols.placed.items():
        q = placed.question
        if placed.repeat is not None or q.kind not in NUMERIC | {"calculate"}:
            continue
        if q.kind == "calculate" and _DATED.search(q.calculate or ""):
            continue
        if q.kind in NUMERIC or _numeric_values(cols.get(name)) is not None:
            out.append((name, q.label or name))
    return out


def _weights(cols: Columns, weight_field: str) -> FloatArray:
    kind = cols.placed[weight_field].question.kind if cols.has(weight_field) else ""
    if kind not in NUMERIC | {"calculate"}:
        raise AnalysisError(
            f"Pondération impossible : « {weight_field} » n'est pas une question numérique du "
            "questionnaire hors répétition. Choisissez une question de type integer, decimal ou "
            "un calcul (calculate) à valeurs numériques."
        )
    column = cols.get(weight_field)
    if column.placed.repeat is not None:
        raise AnalysisError(
            f"Pondération impossible : « {weight_field} » est dans une répétition. Choisissez une "
            "question posée une fois par réponse."
        )
    weights = _numeric_values(column)
    if weights is None:
        raise AnalysisError(
            f"Pondération impossible : le calcul « {weight_field} » a des valeurs non numériques. "
            "Choisissez une question dont toutes les valeurs sont des nombres."
        )
    bad = np.flatnonzero(~(weights > 0))
    if bad.size:
        raise AnalysisError(
            f"Pondération « {weight_field} » absente ou non strictement positive pour la réponse "
            f"n° {int(bad[0]) + 1} ({bad.size} réponse(s) concernée(s)). Corrigez ces réponses ou "
            "analysez sans pondération."
        )
    return weights


def _summary(
    column: Column, in_scope: np.ndarray[Any, np.dtype[np.bool_]], weights: FloatArray | None
) -> QuestionSummary:
    q = column.question
    units = in_scope[column.owner]
    unit_w = None if weights is None else weights[column.owner]
    base: dict[str, Any] = {
        "name": q.name,
        "path": q.path,
        "label": q.label or q.name,
        "kind": q.kind,
        "repeat": column.placed.repeat,
    }
    if column.numbers is not None:
        keep = units & ~np.isnan(column.numbers)
        values = column.numbers[keep]
        w = None if unit_w is None else unit_w[keep]
        est = stats.mean(values, w)
        shown = not est.hidden
        return QuestionSummary(
            **base,
            n=est.n,
            mean=est.value,
            ci_low=est.ci_low,
            ci_high=est.ci_high,
            median=stats.median(values, w),
            minimum=float(values.min()) if shown else None,
            maximum=float(values.max()) if shown else None,
            hidden_reason=est.hidden_reason,
        )
    if column.codes is not None:
        keep = units & (column.codes >= 0)
        chosen = column.codes[keep]
        k = len(column.names)
        counts = np.bincount(chosen, minlength=k)
        wsums = (
            counts.astype(np.float64)
            if unit_w is None
            else np.bincount(chosen, weights=unit_w[keep], minlength=k)
        )
    else:
        assert column.matrix is not None and column.answered is not None
        keep = units & column.answered
        sub = column.matrix[keep]
        counts = sub.sum(axis=0)
        wsums = counts.astype(np.float64) if unit_w is None else unit_w[keep] @ sub
    n = int(np.count_nonzero(keep))
    w_keep = None if unit_w is None else unit_w[keep]
    total = float(n) if w_keep is None else float(w_keep.sum())
    n_eff = float(n) if w_keep is None else stats.kish_n_eff(w_keep)
    hidden_cells = [n < stats.MIN_CELL or total <= 0 or stats.small_count(int(c)) for c in counts]
    if column.codes is not None and n >= stats.MIN_CELL:
        # select_one: the counts add up to n, so a single hidden choice would be n − the others.
        extra = stats.complement(hidden_cells, [int(c) for c in counts])
    else:
        extra = None
    choices: list[ChoiceShare] = []
    for pos, (name, label) in enumerate(zip(column.names, column.labels, strict=True)):
        if hidden_cells[pos] or pos == extra:
            reason = stats.SECONDARY_REASON if pos == extra else stats.HIDDEN_REASON
            choices.append(
                ChoiceShare(
                    name=name,
                    label=label,
                    count=None,
                    value=None,
                    ci_low=None,
                    ci_high=None,
                    hidden_reason=reason,
                )
            )
            continue
        p = float(wsums[pos]) / total
        low, high = stats.wilson(p * n_eff, n_eff)
        choices.append(
            ChoiceShare(
                name=name, label=label, count=int(counts[pos]), value=p, ci_low=low, ci_high=high
            )
        )
    return QuestionSummary(
        **base,
        n=n,
        choices=choices,
        hidden_reason=stats.HIDDEN_REASON if n < stats.MIN_CELL else None,
    )


def _texts(cols: Columns, tags: Tags | None) -> tuple[list[TextQuestion], list[ThemeGroup]]:
    texts: list[TextQuestion] = []
    themes: dict[str, list[TextQuestion]] = {}
    for name, placed in cols.placed.items():
        q = placed.question
        if q.kind != "text" or name in NOT_FREE_TEXT or q.donnee_personnelle:
            continue
        column = cols.get(name)
        assert column.texts is not None
        answers: list[TextAnswer] = []
        counter: Counter[str] = Counter()
        for text, owner in zip(column.texts, column.owner.tolist(), strict=True):
            if text is None:
                continue
            given = list(tags.get((owner, name), ())) if tags else []
            counter.update(given)
            answers.append(
                TextAnswer.model_construct(submission_index=owner, text=text, tags=given)
            )
        item = TextQuestion(
            name=name,
            label=q.label or name,
            theme=q.theme,
            n=len(answers),
            answers=answers,
            tags=[TagCount(tag=t, count=c) for t, c in counter.most_common()],
        )
        texts.append(item)
        themes.setdefault(q.theme, []).append(item)
    groups = [
        ThemeGroup(
            theme=theme,
            label=theme or NO_THEME,
            questions=[t.name for t in items],
            n_answers=sum(t.n for t in items),
        )
        for theme, items in themes.items()
    ]
    return texts, groups


def _segment_values(cols: Columns, segment: str) -> tuple[list[tuple[str, str, IntArray]], str]:
    """(value, label, submission indices) per segment value, and the segment question's label."""
    if not cols.has(segment):
        raise AnalysisError(
            f"Segmentation impossible : le questionnaire n'a pas de question « {segment} »."
        )
    placed = cols.placed[segment]
    q = placed.question
    if placed.repeat is not None or q.kind not in ("select_one", "text"):
        raise AnalysisError(
            f"Segmentation impossible : « {segment} » doit être une question à choix unique "
            "(select_one) ou un texte court posé une fois par réponse."
        )
    column = cols.get(segment)
    out: list[tuple[str, str, IntArray]] = []
    if column.codes is not None:
        order = np.argsort(column.codes, kind="stable")
        sorted_codes = column.codes[order]
        bounds = np.searchsorted(sorted_codes, np.arange(len(column.names) + 1))
        for pos, (name, label) in enumerate(zip(column.names, column.labels, strict=True)):
            out.append((name, label, order[bounds[pos] : bounds[pos + 1]]))
    else:
        assert column.texts is not None
        groups: dict[str, list[int]] = {}
        spelling: dict[str, str] = {}
        for i, text in enumerate(column.texts):
            if text is None:
                continue
            key = " ".join(text.split()).casefold()
            groups.setdefault(key, []).append(i)
            spelling.setdefault(key, " ".join(text.split()))
        for key, members in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            out.append((key, spelling[key], np.asarray(members, dtype=np.intp)))
    return out, q.label or segment


def _segments(
    values: Sequence[tuple[str, str, IntArray]],
    compute: Callable[[IntArray], list[Indicator]],
) -> list[Segment]:
    """Segments with primary and secondary suppression (docs/methodologie/enquetes.md).

    A segment of 1 to 4 respondents is hidden whole, size included; when it is the only one, the
    next smallest segment is hidden whole too. Then, per indicator, when a single segment hides
    it (with at least one respondent behind it), the shown segment where it rests on the fewest
    respondents hides it too.
    """
    sizes = [int(members.shape[0]) for _, _, members in values]
    small = [stats.small_count(size) for size in sizes]
    extra = stats.complement(small, [size if size >= stats.MIN_CELL else 0 for size in sizes])
    if extra is not None and sizes[extra] < stats.MIN_CELL:
        extra = None  # only empty segments are left: nothing to protect with
    computed: list[list[Indicator] | None] = [
        None if small[i] or i == extra or sizes[i] == 0 else compute(members)
        for i, (_, _, members) in enumerate(values)
    ]
    ids = list(dict.fromkeys(ind.id for found in computed if found for ind in found))
    for ident in ids:
        at: list[int] = []
        hidden_cells: list[bool] = []
        weights: list[int] = []
        for i, found in enumerate(computed):
            if sizes[i] == 0:
                continue
            ind = None if found is None else next((x for x in found if x.id == ident), None)
            if found is not None and (ind is None or (ind.hidden_reason and ind.n == 0)):
                continue  # absent, or hidden with nobody behind it: nothing to recompute
            at.append(i)
            hidden_cells.append(ind is None or ind.hidden_reason is not None)
            weights.append(0 if ind is None or ind.hidden_reason else ind.n)
        pick = stats.complement(hidden_cells, weights)
        if pick is None:
            continue
        found = computed[at[pick]]
        assert found is not None
        computed[at[pick]] = [
            x.model_copy(
                update={
                    "value": None,
                    "ci_low": None,
                    "ci_high": None,
                    "hidden_reason": stats.SECONDARY_REASON,
                }
            )
            if x.id == ident
            else x
            for x in found
        ]
    out: list[Segment] = []
    for i, (value, label, _) in enumerate(values):
        found = computed[i]
        if sizes[i] == 0:
            out.append(Segment(value=value, label=label, n=0, hidden_reason=EMPTY_SEGMENT))
        elif found is None:
            reason = stats.SECONDARY_REASON if i == extra else stats.HIDDEN_REASON
            out.append(Segment(value=value, label=label, n=None, hidden_reason=reason))
        else:
            out.append(Segment(value=value, label=label, n=sizes[i], indicators=found))
    return out


def analyse(
    form: Form,
    rows: Sequence[Mapping[str, Any]],
    *,
    segment: str | None = None,
    weight_field: str | None = None,
    modes: Mapping[str, ModeTransport] | None = None,
    method: Method | None = None,
    tags: Tags | None = None,
) -> SurveyAnalysis:
    """Analyse ``rows`` (nested answer dicts of the contract, one per submission) of ``form``.

    ``segment``: question name whose values split the main indicators; ``weight_field``: numeric
    question giving each submission's weight; ``modes``/``method``: the Impact CO2 modes and the
    published figures (:func:`teletravail.impact.calculator.load_modes` / ``load_method``) for the
    emissions avoided (hidden without them); ``tags``: manual tags of free-text answers keyed by
    (0-based submission index, question name). Raises :class:`AnalysisError`.
    """
    rows = rows if isinstance(rows, list) else list(rows)
    cols = Columns(form, rows)
    weights = _weights(cols, weight_field) if weight_field else None
    everyone = np.arange(cols.n, dtype=np.intp)
    scope = Scope(cols, everyone, weights)
    in_scope = np.ones(cols.n, dtype=np.bool_)
    questions = [
        _summary(cols.get(name), in_scope, weights)
        for name, placed in cols.placed.items()
        if placed.question.kind in CLOSED | NUMERIC
    ]
    texts, themes = _texts(cols, tags)
    residents = is_residents(set(cols.placed))
    notes: list[str] = []
    factors: ModeFactors | None = None
    if residents and modes is not None and method is not None:
        factors = mode_factors(modes, method)
    elif residents:
        notes.append(
            "Émissions évitées non calculées : facteurs d'émission de l'entrepôt non "
            "fournis (construisez l'entrepôt avec « teletravail data build »)."
        )

    def main(sc: Scope) -> list[Indicator]:
        if residents:
            return residents_indicators(sc, factors)
        return generic_indicators(sc, skip=[segment] if segment else [])

    indicators = residents_indicators(scope, factors) if residents else []
    segments: list[Segment] = []
    segment_label = None
    if segment:
        values, segment_label = _segment_values(cols, segment)
        segments = _segments(values, lambda members: main(Scope(cols, members, weights)))
    if weights is not None:
        assert weight_field is not None
        label = cols.placed[weight_field].question.label or weight_field
        notes.append(
            f"Résultats pondérés par « {label} » (question {weight_field}) ; intervalles "
            "calculés sur l'effectif efficace de Kish."
        )
    return SurveyAnalysis(
        form_id=form.form_id,
        title=form.title,
        version=form.version,
        n_submissions=cols.n,
        weight_field=weight_field,
        n_effective=float(cols.n) if weights is None else stats.kish_n_eff(weights),
        residents=residents,
        questions=questions,
        texts=texts,
        themes=themes,
        indicators=indicators,
        segment=segment,
        segment_label=segment_label,
        segments=segments,
        notes=notes,
    )
