"""Survey statistics checked against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from teletravail.surveys import stats


def test_wilson_12_of_40() -> None:
    # p = 0.3, z² = 3.8416: centre = (0.3 + 0.04802) / 1.09604 = 0.317543,
    # half-width = 1.96 × √(0.00525 + 0.00060025) / 1.09604 = 0.136796
    low, high = stats.wilson(12, 40)
    assert low == pytest.approx(0.18075, abs=1e-5)
    assert high == pytest.approx(0.45430, abs=1e-5)


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [
        (0, 10, 0.0, 0.27754),  # z²/n / (1 + z²/n) = 0.38416 / 1.38416
        (10, 10, 0.72246, 1.0),
        (5, 10, 0.23659, 0.76341),
    ],
)
def test_wilson_edges(k: int, n: int, low: float, high: float) -> None:
    got = stats.wilson(k, n)
    assert got[0] == pytest.approx(low, abs=1e-5)
    assert got[1] == pytest.approx(high, abs=1e-5)


def test_share_hidden_below_five() -> None:
    est = stats.share(2, 4)
    assert est.value is None and est.ci_low is None and est.n == 4
    assert est.hidden_reason == "moins de 5 répondants"
    shown = stats.share(5, 8)
    assert shown.value == 0.625 and not shown.hidden
    assert stats.share(0, 5).value == 0.0  # nobody: no count of 1 to 4 to protect


@pytest.mark.parametrize("k", [1, 2, 3, 4])
def test_share_hidden_when_one_to_four_people(k: int) -> None:
    """share × n would give the count back: 2 of 100 is hidden, as is 2 of 100 weighted."""
    est = stats.share(k, 100)
    assert est.value is None and est.hidden_reason == stats.HIDDEN_REASON and est.n == 100
    success = np.array([True] * k + [False] * (100 - k))
    assert stats.weighted_share(success, np.full(100, 2.5)).value is None
    assert stats.weighted_share(success).hidden


def test_small_count_and_complement() -> None:
    assert [stats.small_count(c) for c in (0, 1, 4, 5)] == [False, True, True, False]
    # one hidden cell (3): hide the smallest non-zero shown one (7), not the empty one
    assert stats.complement([False, True, False, False], [12, 3, 0, 7]) == 3
    assert stats.complement([False, True, True], [12, 3, 2]) is None  # two hidden already
    assert stats.complement([False, False], [12, 3]) is None  # none hidden
    assert stats.complement([True], [3]) is None  # nothing left to hide


def test_weighted_share_uses_kish_n_eff() -> None:
    success = np.array([True] * 5 + [False] * 5)
    weights = np.array([5.0] + [1.0] * 9)
    # p = 9 / 14; n_eff = 14² / (25 + 9) = 196 / 34 = 5.764706
    assert stats.kish_n_eff(weights) == pytest.approx(196 / 34)
    est = stats.weighted_share(success, weights)
    assert est.value == pytest.approx(9 / 14)
    low, high = stats.wilson(9 / 14 * 196 / 34, 196 / 34)
    assert (est.ci_low, est.ci_high) == (pytest.approx(low), pytest.approx(high))
    assert high - low > stats.wilson(5, 10)[1] - stats.wilson(5, 10)[0]  # wider than unweighted
    assert est.n == 10


def test_unit_weights_equal_unweighted() -> None:
    success = np.array([True] * 12 + [False] * 28)
    a = stats.weighted_share(success, np.ones(40))
    b = stats.weighted_share(success)
    assert a.value == pytest.approx(b.value)
    assert a.ci_low == pytest.approx(b.ci_low)


def test_mean_normal_interval() -> None:
    values = np.array([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0])
    # mean 5, sample sd = √(32 / 7) = 2.13809, half = 1.96 × 2.13809 / √8 = 1.48163
    est = stats.mean(values)
    assert est.value == pytest.approx(5.0)
    assert est.ci_low == pytest.approx(5 - 1.96 * math.sqrt(32 / 7) / math.sqrt(8))
    assert est.ci_high == pytest.approx(6.48163, abs=1e-5)
    assert stats.median(values) == 4.5


def test_weighted_mean() -> None:
    values = np.array([1.0, 2.0, 3.0, 4.0, 10.0])
    weights = np.array([1.0, 1.0, 1.0, 1.0, 4.0])
    est = stats.mean(values, weights)
    assert est.value == pytest.approx(50 / 8)
    n_eff = 64 / 20
    var = float(np.dot(weights, (values - 6.25) ** 2)) / 8 * n_eff / (n_eff - 1)
    assert est.ci_high == pytest.approx(6.25 + 1.96 * math.sqrt(var / n_eff))
    assert stats.median(values, weights) == 4.0  # cumulated weight 4 reaches half of 8 at 4
    assert stats.median(values, np.array([1.0, 1.0, 1.0, 1.0, 5.0])) == 10.0
    assert stats.median(values, np.ones(5)) == 3.0


def test_mean_hidden_and_total() -> None:
    assert stats.mean(np.array([1.0, 2.0])).hidden_reason == stats.HIDDEN_REASON
    assert stats.median(np.array([1.0])) is None
    tot = stats.total(np.arange(5, dtype=float), np.full(5, 2.0))
    assert tot.value == 20.0 and tot.ci_low is None
