"""Survey charts: SVG without inline style, values and intervals drawn."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from teletravail.surveys.analysis import analyse
from teletravail.surveys.charts import percent, render_needs, render_segment_shares
from tests.surveys.analysis_forms import residents_form
from tests.surveys.test_analysis import sample


def check_strict(svg: str) -> ET.Element:
    assert svg.startswith("<svg")
    assert "<style" not in svg and "style=" not in svg
    return ET.fromstring(svg)


def test_segment_shares_chart() -> None:
    result = analyse(residents_form(), sample(), segment="situation")
    svg = render_segment_shares(
        result.segments, "part_teletravail_actifs", title="Part des actifs qui télétravaillent"
    )
    check_strict(svg)
    assert "Part des actifs qui télétravaillent" in svg
    assert "60\u202f%" in svg  # salariés du privé: 6 / 10
    assert "masqué : moins de 5 répondants" in svg  # indépendants: 3 respondents
    assert "(n = 10)" in svg


def test_needs_ranked() -> None:
    result = analyse(residents_form(), sample())
    svg = render_needs(result.indicators)
    check_strict(svg)
    found = [m for m in ("Espace travail", "Tres haut debit", "Tiers-lieu") if m in svg]
    positions = [svg.index(m) for m in found]
    assert len(found) == 3 and positions == sorted(positions)  # drawn top-down, largest first


def test_percent() -> None:
    assert percent(0.4237) == "42,4\u202f%" and percent(0.6) == "60\u202f%"


def test_intervals_are_drawn_as_error_bars() -> None:
    from teletravail.surveys.charts import render_shares

    svg = render_shares(["A", "B"], [0.5, None], [0.4, None], [0.6, None], title="t")
    root = check_strict(svg)
    paths = [e for e in root.iter("{http://www.w3.org/2000/svg}path")]
    assert len(paths) == 1  # one interval: the hidden bar has none
    assert "masqué : moins de 5 répondants" in svg and "50\u202f%" in svg


def test_results_page_charts() -> None:
    from teletravail.surveys.charts import analysis_charts

    result = analyse(residents_form(), sample(), segment="situation")
    charts = analysis_charts(result)
    titles = [t for t, _ in charts]
    assert titles[0].startswith("Part des actifs qui télétravaillent, par")
    assert "Besoins exprimés" in titles and "Lieux de télétravail" in titles[1]
    for _, svg in charts:
        check_strict(svg)
    assert len(analysis_charts(analyse(residents_form(), sample()))) == len(charts) - 1
