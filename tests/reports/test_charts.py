from __future__ import annotations

import xml.etree.ElementTree as ET

from teletravail.reports.charts import render_bars


def test_bars_svg_with_values_and_reference() -> None:
    svg = render_bars(
        ["Vitré", "Fougères", "Sens"],
        [12.5, None, -3.4],
        title="Évolution 2013-2018",
        unit="%",
        highlight=0,
        reference=("France", 2.1),
    )
    ET.fromstring(svg)  # well-formed
    assert "12,5 %" in svg and "n.d." in svg and "-3,4 %" in svg
    assert "Évolution 2013-2018" in svg and "France" in svg
    assert svg.count("#000091") >= 1  # the highlighted bar


def test_bars_svg_renders_under_a_strict_content_security_policy() -> None:
    """No <style> element nor style attribute (a CSP without 'unsafe-inline' styles would drop
    them and paint the chart black in the web page); colours as presentation attributes; the
    title as the chart's text alternative."""
    svg = render_bars(["Vitré", "Sens"], [12.5, 3.0], title="Part des cadres", unit="%")
    root = ET.fromstring(svg)
    assert "<style" not in svg and "style=" not in svg
    assert root.get("role") == "img" and root.get("aria-label") == "Part des cadres"
    assert 'fill="#6a6af4"' in svg  # the bars' colour survives as an attribute
