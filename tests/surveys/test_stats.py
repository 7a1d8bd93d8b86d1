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


def test_mean_normal_interval_when_values_can_be_negative() -> None:
    values = np.array([-2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 13.0])
    # mean 5, sample sd = √(120 / 7), half = 1.96 × sd / √8: symmetric, may go below 0
    est = stats.mean(values)
    assert est.value == pytest.approx(5.0)
    half = 1.96 * math.sqrt(120 / 7) / math.sqrt(8)
    assert (est.ci_low, est.ci_high) == (pytest.approx(5 - half), pytest.approx(5 + half))
    assert stats.median(values) == 4.5


def test_mean_log_interval_for_non_negative_values() -> None:
    values = np.array([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0])
    # mean 5, se = √(32 / 7) / √8 = 0.75593; log scale: 5 × exp(±1.96 × 0.75593 / 5)
    est = stats.mean(values)
    se = math.sqrt(32 / 7) / math.sqrt(8)
    assert est.ci_low == pytest.approx(5 * math.exp(-1.96 * se / 5))
    assert est.ci_high == pytest.approx(5 * math.exp(1.96 * se / 5))
    assert est.ci_low == pytest.approx(3.71773, abs=1e-5)


def test_skewed_distances_never_give_a_negative_bound() -> None:
    """Commuting distances: most short, one long; the normal interval went below 0 km."""
    km = np.array([1.0, 1.0, 2.0, 2.0, 3.0, 150.0])
    m = float(km.mean())
    se = float(km.std(ddof=1)) / math.sqrt(6)
    assert m - 1.96 * se < 0  # what the normal interval gave (−21.9 km)
    est = stats.mean(km)
    assert est.ci_low is not None and est.ci_high is not None
    assert 0 < est.ci_low < m < est.ci_high
    assert est.ci_high - m > m - est.ci_low  # longer on the side of the skew
    # weighted too, and km a year (distance × 92 × days) as well
    weighted = stats.mean(km, np.array([1.0, 2.0, 1.0, 1.0, 3.0, 0.5]))
    assert weighted.ci_low is not None and weighted.ci_low > 0
    yearly = stats.mean(km * 92 * np.array([1.0, 0.5, 2.0, 1.0, 1.0, 4.0]))
    assert yearly.ci_low is not None and yearly.ci_low > 0
    zeros = stats.mean(np.zeros(6))
    assert (zeros.value, zeros.ci_low, zeros.ci_high) == (0.0, 0.0, 0.0)


def test_days_interval_stays_within_zero_and_the_upper_bound() -> None:
    days = np.array([5.0] * 28 + [1.0, 0.5])
    plain = stats.mean(days)  # log scale alone would pass 5 days
    assert plain.ci_high is not None and plain.ci_high > 5
    est = stats.mean(days, upper=5.0)
    assert est.ci_low is not None and est.ci_high is not None
    assert 0 < est.ci_low < est.value < est.ci_high < 5  # type: ignore[operator]
    q, se = float(days.mean()) / 5, float(days.std(ddof=1)) / math.sqrt(30)
    logit = math.log(q / (1 - q))
    assert est.ci_low == pytest.approx(5 / (1 + math.exp(-(logit - 1.96 * se / (5 * q * (1 - q))))))
    assert stats.mean(np.full(6, 5.0), upper=5.0).ci_high == 5.0
    few = stats.mean(np.array([0.5, 0.5, 0.5, 1.0, 0.5]), upper=5.0)
    assert few.ci_low is not None and few.ci_low > 0


def test_weighted_mean() -> None:
    values = np.array([1.0, 2.0, 3.0, 4.0, 10.0])
    weights = np.array([1.0, 1.0, 1.0, 1.0, 4.0])
    est = stats.mean(values, weights)
    assert est.value == pytest.approx(50 / 8)
    n_eff = 64 / 20
    var = float(np.dot(weights, (values - 6.25) ** 2)) / 8 * n_eff / (n_eff - 1)
    se = math.sqrt(var / n_eff)
    assert est.ci_high == pytest.approx(6.25 * math.exp(1.96 * se / 6.25))
    assert stats.median(values, weights) == 4.0  # cumulated weight 4 reaches half of 8 at 4
    assert stats.median(values, np.array([1.0, 1.0, 1.0, 1.0, 5.0])) == 10.0
    assert stats.median(values, np.ones(5)) == 3.0


def test_mean_hidden_and_total() -> None:
    assert stats.mean(np.array([1.0, 2.0])).hidden_reason == stats.HIDDEN_REASON
    assert stats.median(np.array([1.0])) is None
    tot = stats.total(np.arange(5, dtype=float), np.full(5, 2.0))
    assert tot.value == 20.0 and tot.ci_low is None
