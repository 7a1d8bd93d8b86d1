from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from teletravail.territory.normalize import fold, normalize


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Saint-Omer", "saint omer"),
        ("st omer", "saint omer"),
        ("ST-OMER", "saint omer"),
        ("saint omer", "saint omer"),
        ("Vitré", "vitre"),
        ("  L'Haÿ-les-Roses ", "l hay les roses"),
        ("Œuilly", "oeuilly"),
        ("Ste-Foy-la-Grande", "sainte foy la grande"),
        ("Communauté d'agglomération du Grand Sénonais", "ca du grand senonais"),
        ("CA du Grand Sénonais", "ca du grand senonais"),
        ("Communauté de communes du Val d'Ille", "cc du val d ille"),
    ],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected


@given(st.text())
def test_fold_is_idempotent_and_ascii(text: str) -> None:
    once = fold(text)
    assert fold(once) == once
    assert all(c.isascii() for c in once)
    assert "  " not in once and once == once.strip()
