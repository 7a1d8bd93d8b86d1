"""Suggested actions from a station's gaps and a project's grid weaknesses, their themes and the
combined list."""

from __future__ import annotations

import pytest

from teletravail.gares.assess import assess
from teletravail.gares.catalogue import load_portrait
from teletravail.grille.catalogue import load_grid
from teletravail.grille.evaluation import evaluate
from teletravail.grille.model import Project, Score, Site
from teletravail.programmes.model import DEFAULT_THEMES, Motive
from teletravail.programmes.suggestions import (
    GRID_THEMES,
    STATION_FEATURE_THEMES,
    STATION_THEMES,
    Suggestion,
    grid_suggestions,
    station_suggestions,
    station_theme,
    suggestions_for,
    to_action,
)

UIC = "87471003"


def _station() -> list[Suggestion]:
    # 10 trains: level 1 « à renforcer »; no wifi: level 0; 0.5 km to the centre: level 3 (no
    # gap); brownfields unknown: no level, no suggestion; no workspace seen on site: level 0.
    assessment = assess(
        {
            "departs_train": 10,
            "wifi": False,
            "distance_centre_km": 0.5,
            "friches_commune": None,
        },
        {"espace_travail": 0},
    )
    return station_suggestions(assessment, UIC, "Vitré")


def test_station_one_suggestion_per_action_of_each_gap_lowest_level_first() -> None:
    got = _station()
    assert [(s.motif.reference, s.niveau) for s in got] == [
        (f"{UIC}:wifi_gare", 0.0),
        (f"{UIC}:espace_travail", 0.0),
        (f"{UIC}:trains_par_jour", 1.0),
        (f"{UIC}:trains_par_jour", 1.0),
    ]
    portrait = load_portrait()
    trains = portrait.feature("trains_par_jour")
    assert [s.titre for s in got[2:]] == [a.texte for a in trains.action]
    assert got[2].porteurs == trains.action[0].porteurs
    assert [s.theme for s in got] == [
        "Vie locale",
        "Immobilier et bureaux",
        "Mobilité",
        "Mobilité",
    ]
    assert {s.motif.url for s in got} == {f"/gares/{UIC}/"}
    assert all(s.motif.type == "gare" for s in got)


def test_station_description_gives_the_figure_and_its_source() -> None:
    trains = _station()[2]
    assert "Gare de Vitré" in trains.description
    assert "niveau 1 « à renforcer »" in trains.description
    assert "10 départs par jour" in trains.description
    assert "SNCF, GTFS TER 2025" in trains.description
    workspace = _station()[1]
    assert "observation de terrain" in workspace.description


def test_station_fields_name_the_metropolis_and_the_estimated_commuters_source() -> None:
    fields = {
        "duree_metropole_min": 130,
        "metropole_nom": "Rennes",
        "navetteurs_metropole": 5,
        "navetteurs_statut": "estimation",
    }
    got = station_suggestions(assess(fields), UIC, "Vitré", fields=fields)
    by_ref = {s.motif.reference.split(":")[1]: s.description for s in got}
    assert "2 h 10 min (Rennes)" in by_ref["duree_metropole"]
    assert "estimation du modèle de navettes" in by_ref["navetteurs_metropole"]
    bare = station_suggestions(assess(fields), UIC, "Vitré")
    assert "estimation du modèle" not in bare[-1].description


def test_station_without_gap_suggests_nothing() -> None:
    assessment = assess({"departs_train": 80, "wifi": True, "friches_commune": None})
    assert station_suggestions(assessment, UIC, "Vitré") == []


def test_station_themes_cover_the_profile() -> None:
    portrait = load_portrait()
    assert {t.id for t in portrait.themes} == set(STATION_THEMES)
    ids = {f.id for f in portrait.features}
    assert set(STATION_FEATURE_THEMES) <= ids
    for f in portrait.features:
        assert station_theme(f.theme, f.id) in DEFAULT_THEMES
    assert set(STATION_THEMES.values()) | set(STATION_FEATURE_THEMES.values()) <= set(
        DEFAULT_THEMES
    )


def test_grid_themes_cover_the_grid() -> None:
    grid = load_grid()
    assert {t.id for t in grid.themes} == set(GRID_THEMES)
    assert set(GRID_THEMES.values()) <= set(DEFAULT_THEMES)


def _evaluation() -> list[Suggestion]:
    project = Project(
        nom="Tiers-lieu",
        sites=[Site(id="a", nom="Gare"), Site(id="b", nom="Centre")],
        notes=[
            Score(evaluateur=e, site=s, critere=c, note=n)
            for e, s, c, n in [
                ("Ana", "a", "acces_gare", 0),
                ("Ben", "a", "acces_gare", 1),  # median 0.5
                ("Ana", "b", "acces_gare", 1),  # median 1
                ("Ana", "a", "recettes", 1),  # weak for a only
                ("Ana", "b", "recettes", 3),  # a strength, not a weakness
                ("Ana", "a", "horaires", 2),  # « moyen »: not weak
            ]
        ],
    )
    return grid_suggestions(evaluate(project, draws=0), 12, "Tiers-lieu")


def test_grid_one_suggestion_per_recommendation_deduplicated_across_sites() -> None:
    grid = load_grid()
    got = _evaluation()
    access = list(grid.criterion("acces_gare").recommandations)
    income = list(grid.criterion("recettes").recommandations)
    assert [s.titre for s in got] == access + income
    assert [s.motif.reference for s in got] == ["12:acces_gare"] * len(access) + [
        "12:recettes"
    ] * len(income)
    assert [s.niveau for s in got] == [0.5] * len(access) + [1.0] * len(income)
    assert got[0].theme == "Mobilité" and got[-1].theme == "Immobilier et bureaux"
    assert "les sites Gare (médiane 0,5 sur 4), Centre (médiane 1 sur 4)" in got[0].description
    assert "le site Gare (médiane 1 sur 4)" in got[-1].description
    assert all(s.motif.url == "/grille/projets/12/resultats/" for s in got)
    assert all(s.motif.type == "grille" and s.porteurs == [] for s in got)
    assert "horaires" not in {s.motif.reference.split(":")[1] for s in got}


def _make(titre: str, theme: str, niveau: float | None, ref: str) -> Suggestion:
    return Suggestion(
        titre=titre,
        theme=theme,
        motif=Motive(type="gare", reference=ref, libelle=ref),
        source_label="test",
        niveau=niveau,
    )


def test_combined_list_is_ordered_and_without_duplicates() -> None:
    gares = [_make("B", "Mobilité", 1, "g1"), _make("A", "Mobilité", 0, "g2")]
    grilles = [_make("C", "Vie locale", 1.5, "p1"), _make("D", "Vie locale", 0.5, "p2")]
    diagnostic = [
        _make("Z", "Mobilité", 90, "d1"),
        _make("B", "Mobilité", 10, "d2"),  # same action as a station gap: the station's kept
        _make("B", "Vie locale", 10, "d3"),  # same text, other theme: kept
    ]
    got = suggestions_for(gares=gares, grilles=grilles, diagnostic=diagnostic)
    assert [s.motif.reference for s in got] == ["g2", "g1", "p2", "p1", "d1", "d3"]


@pytest.mark.parametrize("empty", [{}, {"gares": []}])
def test_combined_empty(empty: dict[str, list[Suggestion]]) -> None:
    assert suggestions_for(**empty) == []


def test_station_and_grid_combined_with_real_suggestions() -> None:
    station, grid = _station(), _evaluation()
    got = suggestions_for(gares=station, grilles=grid)
    assert got == station + grid  # no shared action
    assert suggestions_for(gares=station + station) == station


def test_every_declared_action_fits_a_programme_action() -> None:
    """The profile's actions and the grid's recommendations become valid actions (title at
    most 300 characters), with their motive and examples of who leads them."""
    station = _station()
    for s in station + _evaluation():
        action = to_action(s)
        assert action.motifs == [s.motif] and action.statut == "idee"
    trains = to_action(station[2])
    assert trains.porteur == "Région (AOM TER)" and trains.partenaires == "intercommunalité"
    assert to_action(_evaluation()[0]).porteur == ""
    portrait = load_portrait()
    texts = [a.texte for f in portrait.features for a in f.action]
    texts += [r for c in load_grid().criteria for r in c.recommandations]
    assert max(len(t) for t in texts) <= 300
