"""A set of submissions to analyse (all of them, or one segment) and the estimates over it.

A :class:`Scope` holds the columns, the submission indices in scope and the optional weights; its
methods return :class:`teletravail.surveys.stats.Estimate` values computed with numpy.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from teletravail.surveys import stats
from teletravail.surveys.analysis_columns import BoolArray, Column, Columns, FloatArray, IntArray
from teletravail.surveys.analysis_models import Indicator


@dataclass(frozen=True, slots=True)
class Scope:
    """Submissions ``idx`` (indices into the rows) of ``cols``; ``weights`` covers every row
    (None: unweighted)."""

    cols: Columns
    idx: IntArray
    weights: FloatArray | None

    @property
    def n(self) -> int:
        """Number of submissions in scope."""
        return int(self.idx.shape[0])

    def subset(self, mask: BoolArray) -> Scope:
        """The submissions of this scope where ``mask`` (aligned with ``idx``) is True."""
        return Scope(self.cols, self.idx[mask], self.weights)

    def w(self, mask: BoolArray | None = None) -> FloatArray | None:
        """Weights of the scope's submissions (restricted to ``mask``), None when unweighted."""
        if self.weights is None:
            return None
        chosen = self.weights[self.idx]
        return chosen if mask is None else chosen[mask]

    # -- per-submission views (questions outside repeats) --------------------------------------

    def codes(self, name: str) -> IntArray:
        """select_one codes of ``name`` for the scope (−1 unanswered)."""
        column = self.cols.get(name)
        assert column.codes is not None, name
        return column.codes[self.idx]

    def is_in(self, name: str, values: Iterable[str]) -> BoolArray:
        """True where the select_one ``name`` is one of ``values``."""
        column = self.cols.get(name)
        wanted = [column.names.index(v) for v in values if v in column.names]
        return np.isin(self.codes(name), np.asarray(wanted, dtype=np.intp))

    def answered(self, name: str) -> BoolArray:
        """True where question ``name`` (select_one, select_multiple or number) is answered."""
        column = self.cols.get(name)
        if column.codes is not None:
            return column.codes[self.idx] >= 0
        if column.answered is not None:
            return column.answered[self.idx]
        if column.numbers is not None:
            return ~np.isnan(column.numbers[self.idx])
        texts = column.texts or []
        return np.fromiter((texts[i] is not None for i in self.idx), dtype=np.bool_)

    def numbers(self, name: str) -> FloatArray:
        """Numeric answers of ``name`` for the scope (NaN unanswered)."""
        column = self.cols.get(name)
        assert column.numbers is not None, name
        return column.numbers[self.idx]

    def matrix(self, name: str) -> BoolArray:
        """select_multiple choices of ``name`` for the scope (rows × choices)."""
        column = self.cols.get(name)
        assert column.matrix is not None, name
        return column.matrix[self.idx]

    # -- estimates -----------------------------------------------------------------------------

    def share(self, success: BoolArray, among: BoolArray) -> stats.Estimate:
        """Share of ``success`` among the submissions where ``among`` (masks aligned with idx)."""
        return stats.weighted_share(success[among], self.w(among))

    def mean(
        self, values: FloatArray, among: BoolArray, *, upper: float | None = None
    ) -> stats.Estimate:
        """Mean of ``values`` among ``among`` (NaN values excluded); ``upper``: the largest
        possible value, when there is one (days a week), for the interval."""
        keep = among & ~np.isnan(values)
        return stats.mean(values[keep], self.w(keep), upper=upper)

    def total(self, values: FloatArray, among: BoolArray) -> stats.Estimate:
        """Sum (weighted) of ``values`` among ``among`` (NaN values excluded)."""
        keep = among & ~np.isnan(values)
        return stats.total(values[keep], self.w(keep))


def indicator(
    ident: str,
    label: str,
    unit: str,
    estimate: stats.Estimate,
    questions: Sequence[str],
    note: str = "",
) -> Indicator:
    """An :class:`Indicator` from an estimate."""
    return Indicator(
        id=ident,
        label=label,
        unit=unit,
        value=estimate.value,
        ci_low=estimate.ci_low,
        ci_high=estimate.ci_high,
        n=estimate.n,
        hidden_reason=estimate.hidden_reason,
        questions=list(questions),
        note=note,
    )


def generic_indicators(scope: Scope, skip: Iterable[str] = ()) -> list[Indicator]:
    """Cross-tab indicators for any form: per question outside repeats, the share of each choice
    (select_one / select_multiple, id "question.choix"; for a select_one, secondary suppression
    among its choices) and the mean of numbers (id "question.moyenne")."""
    skipped = set(skip)
    out: list[Indicator] = []
    for name, placed in scope.cols.placed.items():
        q = placed.question
        if name in skipped or placed.repeat is not None:
            continue
        if q.kind in ("select_one", "select_multiple"):
            column: Column = scope.cols.get(name)
            among = scope.answered(name)
            estimates: list[stats.Estimate] = []
            counts: list[int] = []
            for pos in range(len(column.names)):
                if q.kind == "select_one":
                    success = scope.codes(name) == pos
                else:
                    success = scope.matrix(name)[:, pos]
                estimates.append(scope.share(success, among))
                counts.append(int(np.count_nonzero(success & among)))
            if q.kind == "select_one" and int(np.count_nonzero(among)) >= stats.MIN_CELL:
                extra = stats.complement([e.hidden for e in estimates], counts)
                if extra is not None:
                    estimates[extra] = stats.hidden(estimates[extra].n, stats.SECONDARY_REASON)
            for choice, label, estimate in zip(column.names, column.labels, estimates, strict=True):
                out.append(
                    indicator(
                        f"{name}.{choice}",
                        f"{q.label or name} : {label}",
                        "part",
                        estimate,
                        [name],
                    )
                )
        elif q.kind in ("integer", "decimal", "range"):
            values = scope.numbers(name)
            out.append(
                indicator(
                    f"{name}.moyenne",
                    f"{q.label or name} (moyenne)",
                    "",
                    scope.mean(values, np.ones(scope.n, dtype=np.bool_)),
                    [name],
                )
            )
    return out
