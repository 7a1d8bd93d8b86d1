"""Attractiveness scores: the SQL and the Python rules agree on every territory."""

from __future__ import annotations

import duckdb
import pytest

from teletravail.diagnostic.attractiveness import component_note, weighted_mean
from teletravail.diagnostic.catalogue import ScoreComponent, load_indicator_catalogue

CAT = load_indicator_catalogue()


def comp(if_missing: str = "skip", worst: float = 120.0, best: float = 30.0) -> ScoreComponent:
    return ScoreComponent("x", 1.0, worst, best, if_missing, "test")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "expected"),
    [(120.0, 0.0), (30.0, 100.0), (75.0, 50.0), (10.0, 100.0), (500.0, 0.0), (60.0, 200 / 3)],
)
def test_linear_note_between_declared_thresholds(value: float, expected: float) -> None:
    assert component_note(value, comp()) == pytest.approx(expected)


def test_missing_values() -> None:
    assert component_note(None, comp("zero")) == 0.0
    assert component_note(None, comp("skip")) is None
    assert weighted_mean([(0.4, 75.0), (0.2, None), (0.4, 25.0)]) == pytest.approx(50.0)
    assert weighted_mean([(1.0, None)]) is None


@pytest.mark.parametrize("level", ["commune", "epci"])
def test_sql_scores_match_the_python_rules(diag: duckdb.DuckDBPyConnection, level: str) -> None:
    table = "indicateurs_commune" if level == "commune" else "indicateurs_epci"
    cursor = diag.execute(f"SELECT * FROM {table}")
    columns = [d[0] for d in cursor.description or []]
    rows = [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()]
    assert rows
    for row in rows:
        criteria = []
        for c in CAT.score.criteria:
            note = weighted_mean(
                [
                    (
                        p.weight,
                        component_note(
                            row[p.indicator],
                            p,
                            unknown=p.unknown_if is not None and row[p.unknown_if] is not None,
                        ),
                    )
                    for p in c.components
                ]
            )
            assert row[c.indicator] == pytest.approx(note), (row[columns[0]], c.indicator)
            criteria.append((c.weight, note))
        assert row[CAT.score.indicator] == pytest.approx(weighted_mean(criteria))
