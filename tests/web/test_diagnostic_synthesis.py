"""The web diagnostic opens with its synthesis, has a table of contents, collapses the themes
without data into one « données manquantes » note, and offers a print button."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from django.test import Client
from django.utils.html import escape

from teletravail.derived import ensure_derived
from teletravail.web.diagnostics import service

DAY = "2025-01-28"
STATIC = Path(__file__).parents[2] / "src" / "teletravail" / "web"


@pytest.fixture
def client(db: None) -> Iterator[Client]:
    service.clear_caches()
    yield Client()
    service.clear_caches()


@pytest.mark.parametrize(("kind", "code"), [("commune", "35360"), ("epci", "200039022")])
def test_page_opens_with_the_synthesis(
    client: Client, web_warehouse: Path, kind: str, code: str
) -> None:
    response = client.get(f"/territoires/{kind}/{code}/diagnostic/", {"date": DAY})
    assert response.status_code == 200
    html = response.content.decode()
    derived, _ = ensure_derived(web_warehouse, day=date.fromisoformat(DAY))
    report = service.diagnostic_data(kind, code, derived, date.fromisoformat(DAY)).report
    synthesis = report.synthese
    assert synthesis is not None
    # the synthesis comes first: before the summary, the map and every theme
    start = html.index('id="synthese"')
    assert start < html.index('id="resume"') < html.index('<h2 id="t-')
    assert start < html.index('class="fr-summary')
    tiles = re.findall(r'data-tuile="([a-z_]+)"', html)
    assert tiles == [t.id for t in synthesis.tuiles] and 5 <= len(tiles) <= 7
    ids = set(re.findall(r'id="([^"]+)"', html))
    for tile in synthesis.tuiles:
        assert escape(tile.valeur) in html and escape(tile.source) in html
        block = html[html.index(f'data-tuile="{tile.id}"') :]
        href = re.search(r'href="#([^"]+)"', block)
        assert href is not None and href.group(1) in ids  # each tile links to its detail
    for sentence in synthesis.phrases:
        assert escape(sentence.split(" ")[0]) in html
    # the table of contents lists every section of the page, in order
    toc = html[html.index('class="fr-summary') : html.index("</nav>", html.index("fr-summary"))]
    anchors = re.findall(r'href="#([^"]+)"', toc)
    assert anchors[0] == "synthese" and "sources" in anchors
    assert all(a in ids for a in anchors)
    headings = re.findall(r'<h2 id="([^"]+)"', html)
    assert [h for h in headings if h in anchors] == anchors
    # the themes without any value collapse into one note that names what would fill them
    collapsed = [g for g in synthesis.lacunes if g.complet]
    for gap in collapsed:
        assert f'<h2 id="t-{gap.theme}">' not in html
        assert escape(gap.remede) in html
    assert ('id="donnees-manquantes"' in html) == bool(collapsed)
    # print button, driven by a static script (no inline script under the CSP)
    assert "data-imprimer" in html and "diagnostics/imprimer.js" in html
    assert "<script>" not in html.replace("<script src=", "")


def test_print_script_is_a_static_file() -> None:
    script = STATIC / "diagnostics" / "static" / "diagnostics" / "imprimer.js"
    assert "window.print()" in script.read_text("utf-8")
    css = (STATIC / "pages" / "static" / "pages" / "site.css").read_text("utf-8")
    assert "position: sticky" in css and ".diagnostic-grille" in css


def test_pdf_button_gives_the_report_as_pdf(client: Client) -> None:
    html = client.get("/territoires/commune/35360/diagnostic/", {"date": DAY}).content.decode()
    link = re.search(r'href="(\?[^"]*format=pdf[^"]*)"', html)
    assert link is not None and f"date={DAY}" in link.group(1)
    response = client.get(
        "/territoires/commune/35360/diagnostic/" + link.group(1).replace("&amp;", "&")
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
