"""The SVG chart drawer: well-formed, CSP-safe, French numbers, missing values never drawn as 0."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from teletravail.reports import svgchart
from teletravail.reports.svgchart import Series

NS = "{http://www.w3.org/2000/svg}"


def _rects(svg: str) -> list[ET.Element]:
    return [e for e in ET.fromstring(svg).iter(f"{NS}rect")]


def test_bars_values_reference_and_highlight() -> None:
    svg = svgchart.bars(
        ["Vitré", "Fougères", "Sens"],
        [12.5, None, -3.4],
        title="Évolution 2013-2018",
        unit="%",
        highlight=0,
        reference=("France", 2.1),
    )
    root = ET.fromstring(svg)  # well-formed
    texts = ["".join(t.itertext()) for t in root.iter(f"{NS}text")]
    assert "12,5 %" in texts and "n.d." in texts and "\u22123,4 %" in texts
    assert "France : 2,1 %" in texts
    # two bars only: the missing value has none (it would read as 0)
    bars = [r for r in _rects(svg) if r.get("fill") in (svgchart.BAR, svgchart.HIGHLIGHT)]
    assert len(bars) == 2 and bars[0].get("fill") == svgchart.HIGHLIGHT


def test_negative_bar_label_is_left_of_its_bar() -> None:
    svg = svgchart.bars(["A", "B"], [10.0, -5.0], title="t", unit="%")
    root = ET.fromstring(svg)
    bar = next(r for r in _rects(svg) if "B : " in "".join(r.itertext()))
    label = next(t for t in root.iter(f"{NS}text") if "".join(t.itertext()) == "\u22125,0 %")
    assert label.get("text-anchor") == "end"
    assert float(label.get("x", "0")) <= float(bar.get("x", "0"))
    # the bar of a positive value starts at the zero line, right of the negative bar
    positive = next(r for r in _rects(svg) if "A : " in "".join(r.itertext()))
    assert float(positive.get("x", "0")) == pytest.approx(
        float(bar.get("x", "0")) + float(bar.get("width", "0")), abs=0.2
    )


@pytest.mark.parametrize(
    "svg",
    [
        svgchart.bars(["Vitré", "Sens"], [12.5, 3.0], title="Part des cadres", unit="%"),
        svgchart.columns(
            ["6 h", "7 h"],
            [Series("Trains", [3, 4]), Series("Cars", [1, None])],
            title="Part des cadres",
            unit="départs",
        ),
        svgchart.lines(
            [2013, 2018], [Series("Population", [100.0, 101.5])], title="Part des cadres", unit=""
        ),
    ],
)
def test_charts_render_under_a_strict_content_security_policy(svg: str) -> None:
    """No <style>, no style attribute, no script: a CSP without 'unsafe-inline' would drop them;
    the title is the text alternative."""
    root = ET.fromstring(svg)
    assert "<style" not in svg and "style=" not in svg and "<script" not in svg
    assert root.get("role") == "img" and root.get("aria-label") == "Part des cadres"
    assert root.find(f"{NS}title") is not None and root.find(f"{NS}desc") is not None


def test_labels_from_data_are_escaped_and_shortened() -> None:
    name = "Communauté de communes <du> Pays & de la Haute-Vallée de l'Ognon et des Trois Rivières"
    svg = svgchart.bars([name, "B"], [1.0, 2.0], title="t & u", unit="km")
    root = ET.fromstring(svg)
    texts = ["".join(t.itertext()) for t in root.iter(f"{NS}text")]
    assert any(t.endswith("…") and name in t for t in texts)  # full name kept as a tooltip


def test_columns_stack_and_mark_missing_categories() -> None:
    svg = svgchart.columns(
        ["6 h", "7 h", "8 h"],
        [Series("Trains", [2, 5, None]), Series("Cars", [1, 0, None])],
        title="Départs",
        unit="départs",
    )
    root = ET.fromstring(svg)
    tips = ["".join(r.itertext()) for r in _rects(svg) if r.find(f"{NS}title") is not None]
    assert tips == [
        "6 h · Trains : 2 départs",
        "6 h · Cars : 1 départ",
        "7 h · Trains : 5 départs",
    ]
    assert "n.d." in ["".join(t.itertext()) for t in root.iter(f"{NS}text")]
    # stacked: the coach column sits on the train column
    train6, car6 = [r for r in _rects(svg) if r.find(f"{NS}title") is not None][:2]
    assert float(car6.get("y", "0")) + float(car6.get("height", "0")) == pytest.approx(
        float(train6.get("y", "0")), abs=0.2
    )


def test_lines_skip_missing_points_and_space_years() -> None:
    svg = svgchart.lines(
        [2013, 2018, 2021, 2023],
        [
            Series("Population", [100.0, 102.0, 103.0, 104.0]),
            Series("Emplois", [100.0, 98.0, None, None]),
        ],
        title="Évolution",
        unit="indice",
    )
    root = ET.fromstring(svg)
    polylines = list(root.iter(f"{NS}polyline"))
    assert len(polylines) == 2
    points = [p.split(",") for p in polylines[1].get("points", "").split()]
    assert len(points) == 2  # the jobs line stops at 2018: no point at 0 for 2021 and 2023
    xs = [float(x) for x, _ in (p.split(",") for p in polylines[0].get("points", "").split())]
    # 2013→2018 is five years, 2018→2021 three: the gaps are proportional
    assert (xs[1] - xs[0]) / (xs[2] - xs[1]) == pytest.approx(5 / 3, rel=0.01)


def test_nice_ticks() -> None:
    assert svgchart.nice_ticks(0, 9.3) == [0, 2, 4, 6, 8, 10]
    assert svgchart.nice_ticks(0, 1) == [0, 0.2, 0.4, 0.6, 0.8, 1.0]
    ticks = svgchart.nice_ticks(96.5, 104.2)
    assert ticks[0] <= 96.5 and ticks[-1] >= 104.2 and len(ticks) <= 8
    assert re.fullmatch(r"\d+", svgchart.value_label(12, "", 0))


def test_value_labels_in_french() -> None:
    """The peer chart read « 135 minutes » (a third duration format), the hourly departures
    « 1 départs »."""
    assert svgchart.value_label(135, "minutes", 0) == "2 h 15 min"
    assert svgchart.value_label(45, "minutes", 0) == "45 min"
    assert svgchart.value_label(0, "départs", 0) == "0 départ"
    assert svgchart.value_label(1, "départs", 0) == "1 départ"
    assert svgchart.value_label(2, "départs", 0) == "2 départs"
    assert svgchart.value_label(-3.2, "%", 1) == "\u22123,2 %"


def _extents(svg: str) -> list[tuple[str, float, float]]:
    """Each text of ``svg`` with its estimated left and right ends (its anchor, font size and
    the drawer's own width estimate, which is wider than the browser's rendering)."""
    root = ET.fromstring(svg)
    out = []
    for text in root.iter(f"{NS}text"):
        title = text.find(f"{NS}title")
        shown = (text.text or "") + (title.tail if title is not None and title.tail else "")
        size = float(text.get("font-size", str(svgchart.SIZE)))
        width = svgchart.text_width(shown, size)
        x = float(text.get("x", "0"))
        left = {"middle": x - width / 2, "end": x - width}.get(text.get("text-anchor", ""), x)
        out.append((shown, left, left + width))
    return out


@pytest.mark.parametrize(
    ("values", "reference"),
    [
        # the EPCI attractiveness chart of the web diagnostic: line near the middle, long label
        ([85, 83, 49, 61, 62, 44], ("médiane des EPCI de France métropolitaine", 50.0)),
        ([85, 83, 49, 61, 62, 44], ("médiane des communes Action Cœur de Ville", 61.0)),
        ([10, 20], ("médiane des EPCI de France métropolitaine", 19.0)),
        ([10, 20], ("médiane", 1.0)),
    ],
)
def test_reference_label_stays_inside_the_drawing(
    values: list[float], reference: tuple[str, float]
) -> None:
    """The label of the reference line was anchored at the line's end and ran off the left edge
    (« édiane des EPCI… » on the diagnostic page, the first letters cut)."""
    svg = svgchart.bars(
        [f"CA territoire {i}" for i in range(len(values))],
        [float(v) for v in values],
        title="Note d'attractivité pour les télétravailleurs",
        unit="sur 100",
        decimals=0,
        reference=reference,
    )
    label = next(e for e in _extents(svg) if e[0].startswith(reference[0]))
    assert label[1] >= 0 and label[2] <= svgchart.WIDTH, label


def test_last_axis_tick_stays_inside_the_drawing() -> None:
    """Survey results whose shares are all hidden have no value text at the bars' end: the
    « 100 % » tick centred on the plot's end was cut by the right edge."""
    ticks = [(v / 4, f"{v * 25} %") for v in range(5)]
    for values in ([None, None], [1.0, 0.5]):
        svg = svgchart.bars(
            ["À mon domicile", "Dans un tiers-lieu"],
            values,
            title="Lieux de télétravail",
            unit="%",
            texts=["masqué : moins de 5 répondants"] * 2 if values[0] is None else None,
            domain=(0.0, 1.0),
            axis=ticks,
        )
        for shown, left, right in _extents(svg):
            assert left >= 0 and right <= svgchart.WIDTH, (shown, left, right)
