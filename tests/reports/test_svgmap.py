from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
import shapely

from teletravail.reports.svgmap import Area, MapPoint, class_breaks, render_choropleth


def _square(x: float, y: float, size: float = 0.05) -> bytes:
    return shapely.to_wkb(shapely.box(x, y, x + size, y + size))


AREAS = [
    Area("35360", "Vitré", _square(-1.20, 48.10), 12.0),
    Area("35001", "A", _square(-1.15, 48.10), 2.0),
    Area("35002", "B", _square(-1.20, 48.15), -4.0),
    Area("35003", "C", _square(-1.15, 48.15), None),
]


def test_breaks_are_quantiles() -> None:
    assert class_breaks([1, 2, 3, 4, 5], classes=4) == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert class_breaks([3, 3, 3]) == [3.0]
    assert class_breaks([]) == []


def test_svg_is_valid_and_labelled() -> None:
    svg = render_choropleth(
        AREAS,
        [MapPoint("gare", "Vitré", -1.18, 48.12)],
        title="Évolution de la population",
        unit="%",
        source="IGN 2018 ; INSEE",
    )
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    titles = [t.text for t in root.iter("{http://www.w3.org/2000/svg}title")]
    assert "Vitré : 12 %" in titles and "C : n.d." in titles and "Vitré" in titles
    fills = re.findall(r'<path d="[^"]+" fill="(#[0-9a-f]{6})"', svg)
    assert len(fills) == 4
    assert fills[3] == "#d9d9d9"  # missing value in grey
    assert fills[0] == "#08519c" and fills[2] == "#eff3ff"  # highest and lowest classes
    assert "donnée non disponible" in svg and "gare de voyageurs" in svg


@pytest.mark.parametrize(
    "lon", [-1.2, 55.4]
)  # Lambert-93 in metropolitan France, aeqd in La Réunion
def test_projection_keeps_squares_square(lon: float) -> None:
    svg = render_choropleth(
        [Area("x", "x", _square(lon, -21.0 if lon > 50 else 48.0, 0.01), 1.0)],
        title="t",
        unit="",
        source="s",
        simplify_m=0,
    )
    path = re.search(r'<path d="M([^"]+)Z"', svg)
    assert path is not None
    pts = [tuple(map(float, p.split(","))) for p in path.group(1).split()]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    # a 0.01° square is taller than wide by 1/cos(latitude) on the ground
    assert 1.0 < height / width < 1.6


def test_single_value_has_a_legend_entry() -> None:
    svg = render_choropleth([AREAS[0]], title="t", unit="%", source="s")
    assert "12 %" in svg.split("<g font-size")[1]


def test_legend_and_source_are_under_the_map() -> None:
    """The legend beside the map made a 640-unit drawing whose legend, shrunk to a phone's
    width, was about 6 px high: under the map, the drawing is as narrow as the map and its text
    at least 11 units high (about 9 px on a 390 px screen)."""
    svg = render_choropleth(
        AREAS,
        [MapPoint("gare", "Vitré", -1.18, 48.12), MapPoint("france_services", "FS", -1.14, 48.16)],
        title="t",
        unit="%",
        source="Fond : IGN Admin Express COG 2018 · indicateur : INSEE, RP 2011 · gares : SNCF",
    )
    root = ET.fromstring(svg)
    width = float(root.get("viewBox", "").split()[2])
    assert width <= 480
    bottom = max(
        float(y)
        for path in root.iter("{http://www.w3.org/2000/svg}path")
        for y in re.findall(r"[ML]?-?[\d.]+,(-?[\d.]+)", path.get("d", ""))
    )
    legend = root.find("{http://www.w3.org/2000/svg}g[@font-family]")
    assert legend is not None
    top = float(re.findall(r"translate\(0,([\d.]+)\)", legend.get("transform", ""))[0])
    assert top > bottom
    assert float(legend.get("font-size", "0")) >= 11
    for text in root.iter("{http://www.w3.org/2000/svg}text"):
        assert float(text.get("font-size", legend.get("font-size", "0"))) >= 11
        assert float(text.get("x", "0")) < width
