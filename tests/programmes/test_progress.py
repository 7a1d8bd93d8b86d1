import math

import pytest

from teletravail.programmes.model import FollowedIndicator
from teletravail.programmes.progress import indicator_progress, progress_percent


@pytest.mark.parametrize(
    ("baseline", "current", "target", "expected"),
    [
        (10.0, 15.0, 20.0, 50.0),  # a rise wanted, half done
        (10.0, 10.0, 20.0, 0.0),
        (10.0, 20.0, 20.0, 100.0),
        (10.0, 25.0, 20.0, 100.0),  # beyond the target: clipped
        (10.0, 5.0, 20.0, 0.0),  # moved away: clipped
        (100.0, 80.0, 60.0, 50.0),  # a fall wanted
        (100.0, 120.0, 60.0, 0.0),
        (100.0, 40.0, 60.0, 100.0),
        (0.0, 1.0, 3.0, 100 / 3),
    ],
)
def test_progress_rule(baseline: float, current: float, target: float, expected: float) -> None:
    result = progress_percent(baseline, current, target)
    assert result is not None
    assert result == pytest.approx(expected)


@pytest.mark.parametrize(
    ("baseline", "current", "target"),
    [
        (None, 1.0, 2.0),
        (0.0, None, 2.0),
        (0.0, 1.0, None),
        (5.0, 5.0, 5.0),  # target equals baseline: nothing to measure
        (0.0, math.nan, 2.0),
    ],
)
def test_missing_is_none_not_zero(
    baseline: float | None, current: float | None, target: float | None
) -> None:
    assert progress_percent(baseline, current, target) is None


def test_indicator_progress() -> None:
    ind = FollowedIndicator(
        source="diagnostic",
        reference="taux_teletravail",
        libelle="Part des actifs en télétravail",
        unite="%",
        valeur_initiale=20.0,
        cible=30.0,
        valeur_actuelle=24.0,
    )
    assert indicator_progress(ind) == pytest.approx(40.0)
    assert indicator_progress(ind.model_copy(update={"valeur_actuelle": None})) is None
