import re
import time
from datetime import date

import pytest

from teletravail.programmes.model import Action, FollowedIndicator, Funding, Programme
from teletravail.programmes.summary import (
    SUMMARY_ACTIONS,
    programme_figures,
    render_programme_html,
    render_programme_pdf,
    render_summary_html,
)
from teletravail.reports.render import html_to_pdf
from tests.programmes.sample import sample_programme

TODAY = date(2026, 5, 15)
LABEL = "Vitré Communauté (EPCI 200039022)"


def _heavy(n: int = 25) -> Programme:
    """A programme that fills the summary: a long vision, four indicators, every action in
    progress or planned, long titles and owners."""
    base = sample_programme(n)
    actions = [
        a.model_copy(
            update={
                "statut": "en_cours" if k % 2 else "prevue",
                "porteur": "Communauté d'agglomération et syndicat mixte des transports",
            }
        )
        for k, a in enumerate(base.actions)
    ]
    fourth = base.indicateurs[0].model_copy(update={"libelle": "Trains par jour vers Rennes"})
    return base.model_copy(
        update={
            "vision": "Un territoire des courtes distances, sobre et accueillant. " * 40,
            "actions": actions,
            "indicateurs": [*base.indicateurs, fourth],
        }
    )


def test_figures() -> None:
    programme = Programme(
        territoire="T",
        themes=["Mobilité", "Vie locale"],
        actions=[
            Action(
                titre="A",
                theme="Mobilité",
                budget=100.0,
                statut="en_cours",
                financements=[Funding(source="Région", montant=60.0), Funding(source="Ville")],
            ),
            Action(
                titre="B",
                theme="Mobilité",
                budget=None,
                statut="prevue",
                financements=[Funding(source="Région", montant=10.0)],
            ),
            Action(
                titre="C",
                theme="Culture",
                budget=1000.0,
                statut="abandonnee",
                financements=[Funding(source="État", montant=900.0)],
            ),
        ],
        indicateurs=[
            FollowedIndicator(
                source="enquete",
                reference="r",
                libelle="L",
                unite="%",
                valeur_initiale=10,
                cible=20,
                valeur_actuelle=12.5,
            )
        ],
    )
    f = programme_figures(programme)
    assert [(c.libelle, c.nombre) for c in f.par_statut] == [
        ("Idée", 0),
        ("Prévue", 1),
        ("En cours", 1),
        ("Réalisée", 0),
        ("Abandonnée", 1),
    ]
    assert [(c.libelle, c.nombre) for c in f.par_theme] == [
        ("Mobilité", 2),
        ("Vie locale", 0),
        ("Culture", 1),
    ]
    # dropped actions are left out; an unknown budget is counted apart, never as 0
    assert f.budget_total == 100.0 and f.budget_connu == 1 and f.budget_inconnu == 1
    assert [(s.source, s.montant, s.actions, s.sans_montant) for s in f.financements] == [
        ("Région", 70.0, 2, 0),
        ("Ville", None, 1, 1),
    ]
    assert f.financement_total == 70.0
    (ind,) = f.indicateurs
    assert ind.avancement == pytest.approx(25.0)
    assert ind.initiale == "10 %" and ind.actuelle == "12,5 %"


def test_figures_without_budgets() -> None:
    f = programme_figures(Programme(territoire="T", actions=[Action(titre="A", theme="X")]))
    assert f.budget_total is None and f.financement_total is None and f.financements == []


def test_summary_html_shows_the_parts() -> None:
    html = render_summary_html(_heavy(), TODAY, LABEL)
    assert "<h1>Programme d'actions — Vitré Communauté (EPCI 200039022)</h1>" in html
    assert "horizon 2040" in html
    assert "Texte complet dans le programme." in html  # the long vision is cut
    assert 'class="graphique"' in html and "Calendrier des actions" in html
    assert "Part des actifs en télétravail" in html and "38 %" in html  # (21-18.5)/(25-18.5)
    assert "donnée non disponible" in html  # an indicator without current value
    rows = re.findall(r'<tr><th scope="row">[^<]*<span class="theme">', html)
    assert len(rows) == SUMMARY_ACTIONS
    assert f"Et {25 - SUMMARY_ACTIONS} autres actions en cours ou prévues" in html
    assert " style=" not in html and "<script" not in html


def test_summary_pdf_is_one_page_for_25_actions() -> None:
    html = render_summary_html(_heavy(25), TODAY, LABEL)
    start = time.perf_counter()
    pdf, pages = html_to_pdf(html)
    elapsed = time.perf_counter() - start
    assert pdf.startswith(b"%PDF")
    assert pages == 1
    assert elapsed < 20  # about 1.5 s on the development machine


def test_full_programme_has_every_action_and_field() -> None:
    programme = sample_programme(12)
    html = render_programme_html(programme, TODAY, LABEL)
    for a in programme.actions:
        assert f"<h3>{a.titre}</h3>".replace("'", "&#39;") in html
    assert "État : DSIL : 20" in html  # fundings with their sources
    assert "Indicateur du diagnostic : Part des actifs en télétravail élevée" in html
    assert "<h2>Numérique (0 action)</h2>" in html
    assert "Aucune action dans ce thème." in html
    pdf = render_programme_pdf(html)
    assert pdf.startswith(b"%PDF")


def test_empty_programme_renders() -> None:
    programme = Programme(territoire="Ville (12345)")
    html = render_summary_html(programme, TODAY, "Ville")
    assert "Vision non rédigée." in html
    assert "Aucun indicateur suivi." in html and "Aucune action en cours ou prévue." in html
    assert "Aucune action datée" in html
    _pdf, pages = html_to_pdf(html)
    assert pages == 1
    full = render_programme_html(programme, TODAY, "Ville")
    assert full.count("Aucune action dans ce thème.") == 4  # the four default themes
