from __future__ import annotations

import json
from datetime import UTC, date, datetime

from teletravail.reports.model import DiagnosticReport, Figure, MapBlock, Theme
from teletravail.reports.render import fmt_int, render_html, render_json, render_markdown
from teletravail.territory.card import Population, TerritoryCard


def _report() -> DiagnosticReport:
    fig = Figure(
        id="taux",
        libelle="Taux <estimé>",
        valeur=12.5,
        texte="12,5 %",
        unite="%",
        nature="estimation",
        sources=("INSEE, RP 2011",),
        note="Hypothèses : x",
    )
    missing = Figure(
        id="flux",
        libelle="Flux",
        valeur=None,
        texte="donnée non disponible",
        unite="%",
        nature="dérivé",
        sources=("INSEE, MOBPRO RP 2022",),
        disponible=False,
        note="Déposez le fichier insee/base-flux…",
    )
    return DiagnosticReport(
        genere_le=datetime(2026, 11, 25, tzinfo=UTC),
        jour_reference=date(2025, 1, 28),
        territoire=TerritoryCard(
            type="commune", code="35360", nom="Vitré", population=Population(valeur=19365)
        ),
        resume=("Vitré compte 19 365 habitants.",),
        themes=(
            Theme(
                id="t",
                titre="Télétravail",
                figures=(fig, missing),
                graphique_svg="<svg><title>g</title></svg>",
            ),
        ),
        carte=MapBlock(indicateur="taux", libelle="Taux (%)", svg="<svg><title>c</title></svg>"),
    )


def test_html_escapes_text_and_inlines_svg() -> None:
    page = render_html(_report())
    assert "Taux &lt;estimé&gt;" in page and "<svg><title>g</title></svg>" in page
    assert "mardi 28/01/2025" in page  # French weekday whatever the locale
    assert 'class="num nd"' in page and "nature-estimation" in page
    assert "19\u202f365" in page


def test_json_drops_drawings() -> None:
    data = json.loads(render_json(_report()))
    assert "graphique_svg" not in data["themes"][0] and "svg" not in data["carte"]
    assert data["themes"][0]["figures"][1]["disponible"] is False
    assert data["schema_version"] == "1"


def test_markdown_table() -> None:
    text = render_markdown(_report())
    assert (
        "| Taux <estimé> (Hypothèses : x) | 12,5 % | Estimation (modèle) | INSEE, RP 2011 |" in text
    )


def test_fmt_int() -> None:
    assert fmt_int(1234567.4) == "1\u202f234\u202f567" and fmt_int(None) == "n.d."


def test_overlapping_pdf_pauses_leave_the_collector_on() -> None:
    """Two threads printing at once: the collector stays off until the last one ends, then is on
    again (saving and restoring it per call left it on under the second one, or off for good)."""
    import gc
    import threading

    from teletravail.reports import render

    assert gc.isenabled()
    first_in = threading.Event()
    second_in = threading.Event()
    first_out = threading.Event()
    seen: list[bool] = []

    def first() -> None:
        with render._gc_paused():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second() -> None:
        first_in.wait(5)
        with render._gc_paused():
            second_in.set()
            first_out.wait(5)
            seen.append(gc.isenabled())  # the first one has ended: still paused for this one

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert seen == [False]
    assert gc.isenabled()
