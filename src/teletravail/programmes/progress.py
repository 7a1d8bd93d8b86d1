"""How far a followed indicator has gone from its baseline towards its target."""

from __future__ import annotations

import math

from teletravail.programmes.model import FollowedIndicator


def progress_percent(
    baseline: float | None, current: float | None, target: float | None
) -> float | None:
    """Progress towards the target, in percent (0 to 100).

    Rule: ``(current − baseline) / (target − baseline) × 100``, clipped to [0, 100]: a value that
    moved away from the target is 0 %, a value beyond the target is 100 %. It works whichever the
    direction of the target (a rise or a fall wanted). ``None`` (« donnée non disponible ») when
    one of the three values is missing or not finite, or when the target equals the baseline (no
    change is aimed at, so no progress can be measured).
    """
    values = (baseline, current, target)
    if any(v is None or not math.isfinite(v) for v in values):
        return None
    assert baseline is not None and current is not None and target is not None
    if target == baseline:
        return None
    share = (current - baseline) / (target - baseline) * 100.0
    return min(100.0, max(0.0, share))


def indicator_progress(indicator: FollowedIndicator) -> float | None:
    """:func:`progress_percent` of a followed indicator (baseline, current value, target)."""
    return progress_percent(indicator.valeur_initiale, indicator.valeur_actuelle, indicator.cible)
