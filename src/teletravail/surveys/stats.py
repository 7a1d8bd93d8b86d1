"""Survey statistics: shares with Wilson intervals, means with normal intervals, small-cell rule.

Every estimate is an :class:`Estimate` (value, 95 % interval, number of respondents, reason when
hidden). Shares are fractions in [0, 1]; means are in the unit of the answers.

- Wilson score interval (z = 1.96) for a share k/n.
- Weighted share p = Σ w·x / Σ w, interval: Wilson with the Kish effective sample size
  n_eff = (Σ w)² / Σ w² in place of n (n_eff = n when every weight is 1).
- Mean: standard error se = s/√n with s the sample standard deviation (n − 1); weighted:
  m = Σ w·x / Σ w, s² = Σ w (x − m)² / Σ w × n_eff / (n_eff − 1), se = s/√n_eff.
  Interval (:func:`mean_interval`): when every value is ≥ 0 (distances, km a year, days, euros)
  the mean cannot be negative, so the interval is computed on a transformed scale and mapped
  back — log scale m·exp(±z·se/m) (delta method), or, when an upper bound U is known (days a
  week), logit scale of m/U: U·expit(logit(m/U) ± z·se/(m(1 − m/U))). The bounds then stay in
  [0, +∞) or [0, U] and the interval is longer on the side of the skew. With a negative value
  the normal interval m ± z·se is used.
- Small cells: an estimate resting on fewer than :data:`MIN_CELL` respondents is hidden
  (value and interval None, ``hidden_reason`` = :data:`HIDDEN_REASON`), and so is a share whose
  numerator (respondents with the trait, unweighted) is between 1 and 4: share × n would give
  that count back.
- Secondary suppression (:func:`complement`): when exactly one cell of a set that adds up (the
  choices of a select_one, the segments of one indicator) is hidden, the next smallest cell is
  hidden too (:data:`SECONDARY_REASON`), so that the total minus the shown cells does not give
  the hidden one back.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Z95 = 1.96
MIN_CELL = 5
HIDDEN_REASON = "moins de 5 répondants"
SECONDARY_REASON = "masqué pour ne pas révéler une case de moins de 5 répondants"

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class Estimate:
    """One estimate: ``value`` (share in [0, 1] or mean), ``ci_low``/``ci_high`` (95 % interval),
    ``n`` (respondents it rests on, unweighted), ``hidden_reason`` (None when shown)."""

    value: float | None
    ci_low: float | None
    ci_high: float | None
    n: int
    hidden_reason: str | None = None

    @property
    def hidden(self) -> bool:
        """True when the small-cell rule hides the value."""
        return self.hidden_reason is not None


def small_count(count: int) -> bool:
    """True when ``count`` people (a numerator or a group size) is between 1 and MIN_CELL − 1:
    such a count is never published."""
    return 0 < count < MIN_CELL


def complement(hidden_cells: Sequence[bool], sizes: Sequence[int]) -> int | None:
    """Position of the cell to hide as well when exactly one cell of ``hidden_cells`` is hidden
    (secondary suppression): the shown cell with the smallest non-zero ``sizes`` (people), else
    the smallest shown cell; None when zero or several cells are hidden, or none is left."""
    if sum(1 for h in hidden_cells if h) != 1:
        return None
    shown = [i for i, h in enumerate(hidden_cells) if not h]
    if not shown:
        return None
    return min(shown, key=lambda i: (sizes[i] <= 0, sizes[i], i))


def hidden(n: int, reason: str = HIDDEN_REASON) -> Estimate:
    """An estimate hidden for ``reason`` (default: fewer than 5 respondents)."""
    return Estimate(None, None, None, n, reason)


def wilson(successes: float, n: float, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of the share ``successes / n`` (fractions in [0, 1]).

    ``n`` may be an effective (non-integer) sample size; n <= 0 gives (0, 1).
    """
    if n <= 0:
        return 0.0, 1.0
    p = min(1.0, max(0.0, successes / n))
    z2 = z * z
    denom = 1.0 + z2 / n
    centre = (p + z2 / (2.0 * n)) / denom
    half = z * math.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n)) / denom
    low = 0.0 if p == 0.0 else max(0.0, centre - half)
    high = 1.0 if p == 1.0 else min(1.0, centre + half)
    return low, high


def kish_n_eff(weights: FloatArray) -> float:
    """Kish effective sample size (Σ w)² / Σ w² (0 for no weights)."""
    total_sq = float(np.dot(weights, weights))
    if total_sq <= 0:
        return 0.0
    total = float(weights.sum())
    return total * total / total_sq


def share(successes: int, n: int) -> Estimate:
    """Unweighted share successes/n with its Wilson interval; hidden when n < MIN_CELL or when
    1 ≤ successes < MIN_CELL."""
    if n < MIN_CELL or small_count(successes):
        return hidden(n)
    low, high = wilson(successes, n)
    return Estimate(successes / n, low, high, n)


def weighted_share(success: BoolArray, weights: FloatArray | None = None) -> Estimate:
    """Share of True in ``success`` (one entry per respondent of the denominator).

    With ``weights`` (same length, positive): weighted share and Wilson interval on the Kish n_eff.
    Hidden when fewer than MIN_CELL respondents, or when 1 to MIN_CELL − 1 of them have the trait
    (unweighted count).
    """
    n = int(success.shape[0])
    if n < MIN_CELL or small_count(int(np.count_nonzero(success))):
        return hidden(n)
    if weights is None:
        return share(int(np.count_nonzero(success)), n)
    total = float(weights.sum())
    if total <= 0:
        return hidden(n, "pondérations nulles")
    p = float(weights[success].sum()) / total
    n_eff = kish_n_eff(weights)
    low, high = wilson(p * n_eff, n_eff)
    return Estimate(p, low, high, n)


def mean_interval(
    m: float, se: float, *, non_negative: bool, upper: float | None = None, z: float = Z95
) -> tuple[float, float]:
    """95 % interval of a mean ``m`` with standard error ``se`` (same unit as the values).

    ``non_negative`` (every value ≥ 0): log-transformed interval m·exp(±z·se/m), or with
    ``upper`` (every value ≤ upper) logit-transformed interval of m/upper; both never leave
    [0, upper]. m = 0 (all values 0) or m = upper gives (m, m). Otherwise m ± z·se.
    """
    if not non_negative or se <= 0.0:
        return m - z * se, m + z * se
    if upper is not None and upper > 0.0:
        q = m / upper
        if q <= 0.0 or q >= 1.0:
            return m, m
        spread = z * se / (upper * q * (1.0 - q))
        centre = math.log(q / (1.0 - q))
        return upper * _expit(centre - spread), upper * _expit(centre + spread)
    if m <= 0.0:
        return m, m
    factor = math.exp(z * se / m)
    return m / factor, m * factor


def _expit(x: float) -> float:
    """Inverse of the logit, 1 / (1 + e^−x), without overflow."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def mean(
    values: FloatArray, weights: FloatArray | None = None, *, upper: float | None = None
) -> Estimate:
    """Mean of ``values`` with a 95 % interval (weighted with Kish n_eff when ``weights``).

    The interval is :func:`mean_interval`: transformed (log, or logit of m/``upper`` when every
    value is ≤ ``upper``) when every value is ≥ 0, so that it never goes below 0; normal
    otherwise. Hidden when fewer than MIN_CELL values; with a single distinct value the interval
    is the value.
    """
    n = int(values.shape[0])
    if n < MIN_CELL:
        return hidden(n)
    if weights is None:
        m = float(values.mean())
        se = float(values.std(ddof=1)) / math.sqrt(n)
    else:
        total = float(weights.sum())
        if total <= 0:
            return hidden(n, "pondérations nulles")
        m = float(np.dot(weights, values)) / total
        n_eff = kish_n_eff(weights)
        dev = values - m
        var = float(np.dot(weights, dev * dev)) / total
        if n_eff > 1:
            var *= n_eff / (n_eff - 1.0)
        se = math.sqrt(var / n_eff) if n_eff > 0 else 0.0
    non_negative = bool(values.min() >= 0.0)
    bounded = upper if upper is not None and bool(values.max() <= upper) else None
    low, high = mean_interval(m, se, non_negative=non_negative, upper=bounded)
    return Estimate(m, low, high, n)


def median(values: FloatArray, weights: FloatArray | None = None) -> float | None:
    """Median (weighted: the smallest value whose cumulated weight reaches half the total);
    None when fewer than MIN_CELL values."""
    n = int(values.shape[0])
    if n < MIN_CELL:
        return None
    if weights is None:
        return float(np.median(values))
    order = np.argsort(values, kind="stable")
    cumulated = np.cumsum(weights[order])
    position = int(np.searchsorted(cumulated, cumulated[-1] / 2.0))
    return float(values[order][min(position, n - 1)])


def total(values: FloatArray, weights: FloatArray | None = None) -> Estimate:
    """Sum of ``values`` (weighted sum when ``weights``), no interval; hidden when n < MIN_CELL."""
    n = int(values.shape[0])
    if n < MIN_CELL:
        return hidden(n)
    value = float(values.sum()) if weights is None else float(np.dot(weights, values))
    return Estimate(value, None, None, n)
