"""Attractiveness to teleworkers along the Senate's four criteria (rapport d'information n°89).

The model (criteria, sub-indicators, thresholds, weights, treatment of missing values) is declared
as data in ``indicators.toml`` (``[score]``) and documented in the generated methodology. Each
sub-indicator gets a linear note from 0 (at ``worst``) to 100 (at ``best``), clamped; a criterion is
the weighted mean of the notes of its available sub-indicators; the overall score is the weighted
mean of the available criteria.

``sql(model, source)`` builds the SELECT that computes, from a table ``source`` holding one row per
territory (``niveau``, ``code`` and every indicator column), the columns ``niveau``, ``code``, one
score column per criterion and the overall score (0..100). ``component_note`` and ``weighted_mean``
are the same rules in Python, for reports that show each sub-indicator's note.
"""

from __future__ import annotations

from collections.abc import Sequence

from teletravail.diagnostic.catalogue import ScoreComponent, ScoreModel

THEME = "attractivite"


def component_note(
    value: float | None, comp: ScoreComponent, *, unknown: bool = False
) -> float | None:
    """Note 0..100 of one sub-indicator value (``None`` when missing and ``if_missing = skip``,
    or when missing and ``unknown``: the ``unknown_if`` indicator says the data cannot tell)."""
    if value is None:
        return 0.0 if comp.if_missing == "zero" and not unknown else None
    note = 100.0 * (value - comp.worst) / (comp.best - comp.worst)
    return max(0.0, min(100.0, note))


def weighted_mean(pairs: Sequence[tuple[float, float | None]]) -> float | None:
    """Mean of the known notes weighted by their weights (weights of missing notes left out)."""
    known = [(w, n) for w, n in pairs if n is not None]
    total = sum(w for w, _ in known)
    return sum(w * n for w, n in known) / total if total > 0 else None


def _note_sql(comp: ScoreComponent) -> str:
    # DuckDB's greatest/least skip NULLs: test the missing value explicitly.
    x = comp.indicator
    scaled = f"100.0 * ({x} - ({comp.worst!r})) / ({comp.best - comp.worst!r})"
    missing = "0.0" if comp.if_missing == "zero" else "NULL"
    if comp.if_missing == "zero" and comp.unknown_if:
        missing = f"CASE WHEN {comp.unknown_if} IS NULL THEN 0.0 END"
    return f"CASE WHEN {x} IS NULL THEN {missing} ELSE greatest(0.0, least(100.0, {scaled})) END"


def _mean_sql(terms: Sequence[tuple[float, str]]) -> str:
    num = " + ".join(f"coalesce({w!r} * ({t}), 0.0)" for w, t in terms)
    den = " + ".join(f"(CASE WHEN ({t}) IS NOT NULL THEN {w!r} ELSE 0.0 END)" for w, t in terms)
    return f"({num}) / nullif({den}, 0.0)"


def sql(model: ScoreModel, source: str) -> str:
    """SELECT niveau, code, <criterion scores>, <overall score> FROM ``source``."""
    criteria = [
        (c, _mean_sql([(p.weight, _note_sql(p)) for p in c.components])) for c in model.criteria
    ]
    inner = ",\n       ".join(f"{expr} AS {c.indicator}" for c, expr in criteria)
    overall = _mean_sql([(c.weight, c.indicator) for c, _ in criteria])
    names = ", ".join(c.indicator for c, _ in criteria)
    return f"""
WITH criteria AS (
SELECT niveau, code,
       {inner}
FROM {source}
)
SELECT niveau, code, {names},
       {overall} AS {model.indicator}
FROM criteria
"""
