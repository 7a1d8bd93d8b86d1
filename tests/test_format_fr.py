"""French numbers, durations and counts (teletravail.format_fr) and the template filters."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from teletravail import format_fr


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (19365, 0, "19\u202f365"),
        (-3, 0, "\u22123"),  # a real minus sign, not a hyphen
        (-1234.5, 1, "\u22121\u202f234,5"),
        (-0.01, 1, "0,0"),  # no "−0,0"
        (12.5, 2, "12,50"),
    ],
)
def test_format_number(value: float, decimals: int, text: str) -> None:
    assert format_fr.format_number(value, decimals) == text


@pytest.mark.parametrize(
    ("value", "text"), [(1.5, "1,5"), (2.0, "2"), (0.25, "0,25"), (-0.5, "\u22120,5")]
)
def test_format_decimal(value: float, text: str) -> None:
    assert format_fr.format_decimal(value) == text


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (65, "1 h 05 min"),
        (45, "45 min"),
        (120, "2 h"),
        (0, "0 min"),
        (None, "–"),
        (64.6, "1 h 05 min"),
    ],
)
def test_one_duration_format(minutes: float | None, text: str) -> None:
    assert format_fr.format_duration(minutes) == text


@pytest.mark.parametrize(
    ("count", "text"),
    [(0, "0 départ"), (1, "1 départ"), (2, "2 départs"), (19365, "19\u202f365 départs")],
)
def test_count_singular_for_zero_and_one(count: int, text: str) -> None:
    assert format_fr.count_text(count, "départ") == text


@pytest.mark.parametrize(
    ("count", "unit", "text"),
    [
        (0, "départs par jour", "départ par jour"),
        (1, "locaux", "local"),
        (1, "tiers-lieux", "tiers-lieu"),
        (1, "habitants/km²", "habitants/km²"),
        (0, "%", "%"),
        (3, "gares", "gares"),
        (1, "mois", "mois"),
    ],
)
def test_agree_unit(count: float, unit: str, text: str) -> None:
    assert format_fr.agree_unit(count, unit) == text


def test_vintage_without_repeated_word() -> None:
    assert format_fr.vintage("millésime 2018 (géographie 2021)") == "2018 (géographie 2021)"
    assert format_fr.vintage("feed_version 2025-01-22") == "version 2025-01-22"


def test_template_filters() -> None:
    template = Template(
        "{% load format_fr %}{{ p|compte:'habitant' }}|{{ z|compte:'départ' }}|{{ m|duree }}|"
        "{{ x|nombre:1 }}|{{ n|accord:'affichée' }}|{{ v|millesime }}"
    )
    text = template.render(
        Context({"p": 19365, "z": 0, "m": 65, "x": -2.25, "n": 1, "v": "millésime 2018"})
    )
    assert text == "19\u202f365 habitants|0 départ|1 h 05 min|\u22122,2|affichée|2018"
