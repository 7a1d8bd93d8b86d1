"""The diagnostic report on paper: appendix of long notes, print stylesheet, PDF page breaks."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from teletravail.cli import app
from teletravail.reports.model import DiagnosticReport, Figure, Theme
from teletravail.reports.render import (
    _INLINE_SVG,
    NOTE_INLINE_MAX,
    _svg_as_image,
    build_appendix,
    css_string,
    render_html,
)
from teletravail.reports.svgmap import _wrap
from teletravail.territory.card import Population, TerritoryCard

LONG = "Hypothèses : " + "taux national par catégorie sociale appliqué aux actifs ; " * 8
OTHER = "Pour un EPCI : approximation : " + "moyenne des communes pondérée ; " * 6


def _figure(i: int, note: str | None) -> Figure:
    return Figure(
        id=f"f{i}",
        # long enough to take five lines: a row WeasyPrint could split (orphans and widows 2)
        libelle=f"Indicateur numéro {i} " + "dont le libellé est long " * 12,
        valeur=float(i),
        texte=f"{i},0 %",
        unite="%",
        nature="estimation",
        sources=("INSEE, RP 2021 (IRIS) ; INSEE, RP 2013 et 2018, Filosofi 2019",),
        note=note,
    )


def _report(rows: int = 6) -> DiagnosticReport:
    notes = [LONG, "donnée du 01/01/2018, vieille de 8 ans", OTHER, None, LONG]
    figures = tuple(_figure(i, notes[i % len(notes)]) for i in range(rows))
    half = len(figures) // 2
    return DiagnosticReport(
        genere_le=datetime(2026, 12, 4, tzinfo=UTC),
        jour_reference=date(2025, 1, 28),
        territoire=TerritoryCard(
            type="epci",
            code="248900334",
            nom="CA du Grand Sénonais",
            population=Population(valeur=59706),
        ),
        resume=("Une phrase.",),
        themes=(
            Theme(id="a", titre="Thème A", figures=figures[:half]),
            Theme(id="b", titre="Thème B", figures=figures[half:]),
        ),
        hypotheses_impact=("Répartition modale : voiture 74 %",),
    )


class _Cells(HTMLParser):
    """Text of every table cell, of every note in a cell, and every element id of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[str] = []
        self.notes: list[str] = []
        self.ids: set[str] = set()
        self._in_cell = False
        self._note_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(str(attributes["id"]))
        if tag == "td":
            self._in_cell = True
            self.cells.append("")
        elif tag == "span" and self._in_cell:
            if self._note_depth:
                self._note_depth += 1
            elif "note" in (attributes.get("class") or "").split():
                self._note_depth = 1
                self.notes.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self._in_cell = False
        elif tag == "span" and self._note_depth:
            self._note_depth -= 1

    def handle_data(self, data: str) -> None:
        if self._in_cell:
            self.cells[-1] += data
        if self._note_depth:
            self.notes[-1] += data


def _cells(page: str) -> _Cells:
    parser = _Cells()
    parser.feed(page)
    return parser


def test_long_notes_go_to_the_appendix_with_back_references() -> None:
    report = _report()
    page = render_html(report)
    parsed = _cells(page)
    assert 'id="annexe"' in page and "Annexe : hypothèses et méthodes" in page
    # No table cell holds a long note; short notes stay in their cell.
    assert parsed.notes and all(len(note) <= NOTE_INLINE_MAX for note in parsed.notes)
    assert not any(LONG.strip() in cell or OTHER.strip() in cell for cell in parsed.cells)
    assert any("vieille de 8 ans" in cell for cell in parsed.cells)
    # Identical notes share one entry, numbered in reading order; each entry links back to rows.
    appendix = build_appendix(report)
    assert [e.number for e in appendix.entries] == [1, 2]
    assert [len(e.rows) for e in appendix.entries] == [3, 1]
    assert page.count(LONG.strip()) == 1 and page.count(OTHER.strip()) == 1
    assert 'href="#annexe-1">voir annexe n°1</a>' in page
    for entry in appendix.entries:
        assert f'id="annexe-{entry.number}"' in page
        for row in entry.rows:
            assert row.anchor in parsed.ids and f'href="#{row.anchor}"' in page
    # The scenario assumptions are in the appendix too.
    assert 'id="annexe-scenario"' in page and "voiture 74 %" in page


def test_no_appendix_without_long_notes() -> None:
    report = _report().model_copy(update={"hypotheses_impact": ()})
    short = tuple(
        t.model_copy(
            update={"figures": tuple(f.model_copy(update={"note": None}) for f in t.figures)}
        )
        for t in report.themes
    )
    page = render_html(report.model_copy(update={"themes": short}))
    assert "Annexe : hypothèses et méthodes" not in page


def _css() -> str:
    return (
        resources.files("teletravail.reports")
        .joinpath("templates", "report.css")
        .read_text("utf-8")
    )


def _rules(css: str, selector: str) -> str:
    """Declarations of every rule whose selector list is exactly ``selector``."""
    return " ".join(re.findall(rf"(?:^|\n)\s*{re.escape(selector)}\s*\{{([^}}]*)\}}", css))


def test_print_stylesheet_break_rules() -> None:
    css = _css()
    assert "break-inside: avoid" in _rules(css, "tr")
    assert "table-header-group" in _rules(css, "thead")
    assert "break-after: avoid" in _rules(css, "h2")
    assert "break-inside: avoid" in _rules(css, "figure")
    assert "@media print" in css
    page_rule = css[css.index("@page") : css.index("body {")]
    assert "counter(page)" in page_rule and "@bottom-left" in page_rule
    # The stylesheet is inlined in the self-contained page.
    page = render_html(_report())
    assert "break-inside: avoid" in page and "@media print" in page


def _pdf_pages(html: str) -> list[Any]:
    weasyprint = pytest.importorskip("weasyprint")
    return list(weasyprint.HTML(string=html).render().pages)


def _descendants(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", ()):
        yield from _descendants(child)


def _row_ids_per_page(html: str) -> list[list[str]]:
    """For each PDF page, the ids of the table rows laid out on it (WeasyPrint layout boxes)."""
    out = []
    for page in _pdf_pages(html):
        ids = [
            box.element.get("id")
            for box in _descendants(page._page_box)
            if getattr(box, "element_tag", None) == "tr" and box.element.get("id")
        ]
        out.append(list(dict.fromkeys(ids)))
    return out


def test_pdf_never_splits_a_table_row() -> None:
    pages = _row_ids_per_page(render_html(_report(rows=90)))
    assert len(pages) >= 3  # the tables do cross pages
    seen: dict[str, int] = {}
    for number, ids in enumerate(pages, 1):
        for ident in ids:
            assert ident not in seen, f"row {ident} on pages {seen[ident]} and {number}"
            seen[ident] = number
    assert len(seen) == 90


def test_map_source_wrapped_to_the_svg_width() -> None:
    text = (
        "Fond : IGN Admin Express COG 2018 · indicateur : INSEE, RP 2011, publications citées "
        "(voir chaque chiffre) · gares : SNCF · France services : ANCT 2024"
    )
    lines = _wrap(text, 110)
    assert len(lines) == 2 and all(len(line) <= 110 for line in lines)
    assert " · ".join(lines) == text
    assert _wrap("court", 110) == ["court"]


def test_pilot_pdf_pages(warehouse: Path, tmp_path: Path) -> None:
    """Grand Sénonais (mirror): long notes only in the appendix, no row split, under 24 pages
    (32 before the appendix and the fixed table layout)."""
    out = tmp_path / "sens.html"
    result = CliRunner().invoke(
        app,
        [
            "diagnostic",
            "CA du Grand Sénonais",
            "--output",
            str(out),
            "--entrepot",
            str(warehouse),
        ],
    )
    assert result.exit_code == 0, result.output
    page = out.read_text("utf-8")
    parsed = _cells(page)
    assert "Annexe : hypothèses et méthodes" in page
    assert "voir annexe n°" in page
    assert parsed.notes and max(len(note) for note in parsed.notes) <= NOTE_INLINE_MAX
    pages = _row_ids_per_page(page)
    assert len(pages) < 24
    rows = [ident for ids in pages for ident in ids]
    assert len(rows) == len(set(rows))


def test_footer_names_the_territory() -> None:
    assert css_string('A "b" </style>\\') == '"A \\22 b\\22  \\3C /style\\3E \\5C "'
    page = render_html(_report())
    assert '@bottom-left { content: "Diagnostic télétravail — CA du Grand Sénonais"; }' in page
    odd = _report().model_copy(
        update={
            "territoire": TerritoryCard(
                type="commune", code="1", nom="X </style>", population=Population(valeur=1)
            )
        }
    )
    assert "X </style>" not in render_html(odd)


def test_pdf_drawings_become_images_with_their_text_alternative() -> None:
    html = '<p><svg role="img" aria-label="Carte &amp; gares" width="10"><title>t</title></svg></p>'
    out = _INLINE_SVG.sub(_svg_as_image, html)
    assert "<svg" not in out and 'alt="Carte &amp; gares"' in out
    data = out.split("base64,", 1)[1].split('"', 1)[0]
    svg = base64.b64decode(data).decode("utf-8")
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"') and "<title>t</title>" in svg
