import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest

from teletravail.programmes.model import STATUSES, Action, Programme
from teletravail.programmes.timeline import ROW, STATUS_COLOURS, timeline_svg
from tests.programmes.sample import sample_programme

NS = {"s": "http://www.w3.org/2000/svg"}
TODAY = date(2026, 5, 15)


def _programme(actions: list[Action]) -> Programme:
    return Programme(territoire="Ville (12345)", actions=actions)


def test_svg_follows_the_chart_rules() -> None:
    svg = timeline_svg(sample_programme(20), TODAY)
    root = ET.fromstring(svg)  # well-formed XML
    assert root.get("role") == "img" and root.get("class") == "graphique"
    assert root.get("aria-label") == "Calendrier des actions"
    assert root.get("width") == "500"
    assert root.find("s:title", NS) is not None and root.find("s:desc", NS) is not None
    assert "<style" not in svg and " style=" not in svg and "<script" not in svg
    sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)"', svg)]
    assert sizes and min(sizes) >= 11


def test_bars_markers_and_undated_actions() -> None:
    actions = [
        Action(
            titre="Navette",
            theme="Mobilité",
            debut=date(2025, 3, 1),
            fin=date(2026, 6, 30),
            statut="en_cours",
        ),
        Action(titre="Inauguration", theme="Vie locale", debut=date(2026, 9, 1), statut="prevue"),
        Action(titre="Étude de faisabilité", theme="Mobilité", statut="idee"),
    ]
    svg = timeline_svg(_programme(actions), TODAY)
    root = ET.fromstring(svg)
    desc = root.find("s:desc", NS).text
    assert "Navette (Mobilité), du 01/03/2025 au 30/06/2026, en cours" in desc
    assert "Inauguration (Vie locale), à partir du 01/09/2026, prévue" in desc
    assert "sans calendrier : Étude de faisabilité (idée)" in desc
    bars = [
        r for r in root.iter("{http://www.w3.org/2000/svg}rect") if r.get("height") == str(ROW - 6)
    ]
    assert len(bars) == 1 and bars[0].get("fill") == STATUS_COLOURS["en_cours"]
    diamonds = list(root.iter("{http://www.w3.org/2000/svg}path"))
    assert len(diamonds) == 1 and diamonds[0].get("fill") == STATUS_COLOURS["prevue"]
    # the undated action is not drawn as a row, only named in the note under the chart
    labels = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "Étude de faisabilité" not in labels
    assert any(t and t.startswith("Sans calendrier (1)") for t in labels)
    # themes as headings, years as ticks, the legend names every status
    assert "Mobilité" in labels and "Vie locale" in labels
    assert {"2025", "2026"} <= set(labels)
    for label in STATUSES.values():
        assert label in labels
    # the bar runs from start to end: its width is proportional to its length
    left = float(bars[0].get("x"))
    width = float(bars[0].get("width"))
    assert 180 <= left < left + width <= 500


def test_today_line_position() -> None:
    actions = [Action(titre="A", theme="T", debut=date(2025, 1, 1), fin=date(2026, 12, 31))]
    svg = timeline_svg(_programme(actions), date(2026, 1, 1))
    line = re.search(r'<line x1="([\d.]+)"[^>]*stroke="#e1000f" stroke-width="2">', svg)
    assert line is not None
    x = float(line.group(1))
    assert x == pytest.approx(180 + (494 - 180) * 365 / 730, abs=0.2)
    assert "Aujourd'hui : 01/01/2026" in svg


def test_long_titles_are_shortened_with_the_full_title_as_tooltip() -> None:
    title = "Transformer l'ancienne caserne en pôle de bureaux partagés et de services au public"
    actions = [
        Action(
            titre=title,
            theme="Immobilier et bureaux",
            debut=date(2025, 1, 1),
            fin=date(2026, 1, 1),
            statut="realisee",
        )
    ]
    svg = timeline_svg(_programme(actions), TODAY)
    assert (
        f"<title>{title.replace(chr(39), '&#x27;')} : du 01/01/2025 au 01/01/2026, réalisée</title>"
        in svg
    )
    shown = [t for t in re.findall(r">([^<>]*…)</text>", svg)]
    assert shown and all(len(s) < len(title) for s in shown)


def test_height_grows_with_the_actions() -> None:
    small = ET.fromstring(timeline_svg(sample_programme(5), TODAY))
    big = ET.fromstring(timeline_svg(sample_programme(25), TODAY))
    assert float(big.get("height")) > float(small.get("height")) + 15 * ROW


def test_no_dated_action() -> None:
    svg = timeline_svg(_programme([]), TODAY)
    assert "Aucune action datée" in svg
    assert "aucune action" in ET.fromstring(svg).find("s:desc", NS).text
