"""When a value measured by a local survey replaces the national estimate: the rule, in one place.

A measure (telework share of active workers, telework days a week) replaces the estimate of the
diagnostic and of the CO2 scenario only when ALL of these hold:

1. its campaign is the territory's reference campaign (chosen by the team) and is **closed**
   (the day after its closing date): answers no longer change;
2. it rests on at least :data:`MIN_RESPONDENTS` respondents;
3. its 95 % interval is narrow enough: half-width (high − low) / 2 of at most
   :data:`MAX_HALF_WIDTH_SHARE` (10 percentage points) for a share (Wilson interval), of at most
   :data:`MAX_HALF_WIDTH_DAYS` day a week for the days.

Otherwise it is shown beside the estimate as « provisoire », with the reasons. Documented in
docs/methodologie/enquetes.md (section « Mesure de référence »).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from teletravail.diagnostic.reading import format_number

#: Fewest respondents a measure may rest on to replace the estimate.
MIN_RESPONDENTS = 30
#: Widest half-width of the 95 % interval of a share (fraction: 0.10 = 10 points).
MAX_HALF_WIDTH_SHARE = 0.10
#: Widest half-width of the 95 % interval of the telework days (days a week).
MAX_HALF_WIDTH_DAYS = 0.5

Kind = Literal["part", "jours"]


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether a measure replaces the estimate: ``replaces``, and the French ``reasons`` why not
    (empty when it replaces); ``half_width`` in the measure's unit (None without interval)."""

    replaces: bool
    reasons: tuple[str, ...]
    half_width: float | None


def half_width(low: float | None, high: float | None) -> float | None:
    """(high − low) / 2, None when a bound is missing."""
    if low is None or high is None:
        return None
    return (high - low) / 2.0


def judge(kind: Kind, *, closed: bool, n: int, low: float | None, high: float | None) -> Verdict:
    """The rule applied to one measure (``kind``: "part" for a share 0-1, "jours" for days)."""
    reasons: list[str] = []
    if not closed:
        reasons.append("campagne en cours")
    width = half_width(low, high)
    limit = MAX_HALF_WIDTH_SHARE if kind == "part" else MAX_HALF_WIDTH_DAYS
    if width is None:
        reasons.append("pas d'intervalle de confiance")
    elif width > limit + 1e-12:
        if kind == "part":
            reasons.append(
                f"intervalle trop large : ±{format_number(width * 100, 1)} points "
                f"(au plus ±{format_number(limit * 100, 0)})"
            )
        else:
            reasons.append(
                f"intervalle trop large : ±{format_number(width, 2)} jour "
                f"(au plus ±{format_number(limit, 1)})"
            )
    if n < MIN_RESPONDENTS:
        reasons.append(f"{n} répondants (au moins {MIN_RESPONDENTS})")
    return Verdict(replaces=not reasons, reasons=tuple(reasons), half_width=width)


def rule_text() -> str:
    """The rule in one French sentence (dashboard, diagnostic notes)."""
    return (
        "Une mesure remplace l'estimation nationale lorsque la campagne de référence est close, "
        f"qu'elle repose sur au moins {MIN_RESPONDENTS} répondants et que son intervalle de "
        f"confiance à 95 % a une demi-largeur d'au plus "
        f"{format_number(MAX_HALF_WIDTH_SHARE * 100, 0)} points pour une part "
        f"({format_number(MAX_HALF_WIDTH_DAYS, 1)} jour pour les jours de télétravail) ; "
        "avant cela, elle est affichée à côté de l'estimation, comme mesure provisoire."
    )
