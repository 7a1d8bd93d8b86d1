from __future__ import annotations

import pytest

from teletravail.territory.trigram import TrigramIndex, trigrams

NAMES = ["vitre", "vitrac", "sens", "saint omer", "fontainebleau", "albi", "libourne"]


def test_trigrams_are_padded() -> None:
    assert trigrams("sens") == {" se", "sen", "ens", "ns "}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("vitree", "vitre"),
        ("fontainbleau", "fontainebleau"),
        ("sanit omer", "saint omer"),
        ("libourn", "libourne"),
        ("xbourne", "libourne"),  # first letter wrong
    ],
)
def test_typo_finds_the_name(query: str, expected: str) -> None:
    index = TrigramIndex(NAMES)
    hits = index.search(query, limit=3)
    assert hits and NAMES[hits[0][0]] == expected
    assert all(75 <= score <= 100 for _, score in hits)
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)


@pytest.mark.parametrize("query", ["zzzz", "qqqqqqqq"])
def test_nothing_close(query: str) -> None:
    assert TrigramIndex(NAMES).search(query, limit=3) == []
