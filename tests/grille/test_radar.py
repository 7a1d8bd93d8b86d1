"""The radar chart: accessible, no inline style, French numbers, a missing value never drawn."""

from __future__ import annotations

import re

from teletravail.grille.radar import radar


def test_radar_is_accessible_and_lists_values() -> None:
    svg = radar(["Besoin", "Accès", "Sobriété"], [2.5, 4.0, 1.0], title="Site A")
    assert svg.startswith("<svg") and 'role="img"' in svg and 'aria-label="Site A"' in svg
    assert "<title>Site A</title>" in svg
    desc = re.search(r"<desc>(.*?)</desc>", svg)
    assert desc is not None
    assert desc.group(1) == "Site A : Besoin 2,5 sur 4 ; Accès 4,0 sur 4 ; Sobriété 1,0 sur 4."
    assert "<style" not in svg and "style=" not in svg and "<script" not in svg
    assert svg.count("<polygon") == 5  # four rings and the filled outline


def test_missing_value_is_nd_and_not_drawn() -> None:
    svg = radar(["Besoin", "Accès", "Sobriété", "Offre"], [2.0, None, 3.0, 1.0], title="Site B")
    assert "Accès n.d." in svg and ">n.d.</text>" in svg
    assert svg.count("<circle") == 3  # one marker per known value
    assert svg.count("<polygon") == 4  # rings only: no filled outline through a missing axis
    # segments join only neighbours both known: Sobriété–Offre and Offre–Besoin
    assert svg.count('stroke="#000091" stroke-width="2"') == 2
