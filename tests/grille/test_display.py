"""The evaluation shown to people: text, HTML report (radar per site), XLSX export."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook

from teletravail.grille.display import render_html, render_text, render_xlsx
from teletravail.grille.evaluation import Evaluation, evaluate
from teletravail.grille.model import Project, Score, Site


def _evaluation() -> Evaluation:
    notes = [
        Score(evaluateur=e, site=s, critere=c, note=n)
        for e, s, c, n in [
            ("Ana", "a", "acces_gare", 4),
            ("Ben", "a", "acces_gare", 1),
            ("Ana", "b", "acces_gare", 2),
            ("Ana", "a", "recettes", 0),
            ("Ana", "b", "recettes", 3),
        ]
    ]
    sites = [
        Site(id="a", nom="Halle", faits={"distance_gare_km": 0.3, "friches_commune": None}),
        Site(id="b", nom="Médiathèque"),
    ]
    return evaluate(Project(nom="Vitré", sites=sites, notes=notes), draws=10)


def test_html_report() -> None:
    html = render_html(_evaluation())
    body = html.split("</style>", 1)[1]
    assert "style=" not in body and "<script" not in body
    assert html.count('role="img"') == 2  # one radar per site
    desc = re.findall(r"<desc>(.*?)</desc>", html)[0]
    assert "Besoin et demande n.d." in desc and "Localisation et accès 2,5 sur 4" in desc
    assert "Désaccords entre évaluateurs : Accès à pied depuis la gare" in html
    assert "0,3 km (note suggérée 4)" in html
    assert "donnée non disponible" in html  # the blank fact, never 0
    assert "<strong>Recettes diversifiées</strong> (0,0)" in html
    # the weakness « recettes » (0) of site a brings its recommendation
    assert "Développer la location de salles" in html


def test_text_and_xlsx() -> None:
    ev = _evaluation()
    text = render_text(ev)
    assert "Site Halle (a) : note globale" in text
    assert "Besoin et demande : n.d. (0 critère noté, 4 non notés)" in text
    assert "PROMETHEE II" in text and "Sensibilité : 10 tirages" in text
    wb = load_workbook(io.BytesIO(render_xlsx(ev)))
    rows = list(wb["criteres"].iter_rows(values_only=True))
    header = rows[0]
    gare = next(r for r in rows if r[0] == "a" and r[2] == "acces_gare")
    assert gare[header.index("Ana")] == 4 and gare[header.index("Ben")] == 1
    assert gare[header.index("médiane")] == 2.5 and gare[header.index("désaccord")] == "oui"
    blank = next(r for r in rows if r[0] == "a" and r[2] == "horaires")
    assert blank[header.index("médiane")] is None  # not scored: blank, never 0
