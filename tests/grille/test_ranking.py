"""Ranking of sites (WSM, TOPSIS, PROMETHEE II by pymcdm), the vectorised equivalents, and the
sensitivity analysis."""

from __future__ import annotations

import numpy as np
import pytest

from teletravail.errors import InputError
from teletravail.grille.catalogue import load_grid
from teletravail.grille.display import render_html, render_text
from teletravail.grille.evaluation import evaluate
from teletravail.grille.model import Project, Score, Site
from teletravail.grille.ranking import (
    METHODS,
    preferences,
    pymcdm_preferences,
    rank_sites,
    ranks,
)

GRID = load_grid()

# Three sites, two criteria scored by one assessor; equal theme weights make their weights equal
# only if they share a theme, so use two criteria of the same theme (localisation).
HAND = {"A": (4, 0), "B": (2, 2), "C": (1, 3)}


def _hand_project() -> Project:
    return Project(
        nom="Main",
        sites=[Site(id=k, nom=f"Site {k}") for k in HAND],
        notes=[
            Score(evaluateur="Ana", site=k, critere=c, note=v)
            for k, (x, y) in HAND.items()
            for c, v in (("acces_gare", x), ("proximite_centre", y))
        ],
    )


def test_three_methods_on_a_hand_checked_example() -> None:
    result = evaluate(_hand_project(), draws=0)
    ranking = result.classement
    assert ranking is not None
    assert ranking.criteres_utilises == ["acces_gare", "proximite_centre"]
    assert ranking.poids == {"acces_gare": 0.5, "proximite_centre": 0.5}
    assert "recettes" in ranking.criteres_ecartes
    by = {m.methode: m for m in ranking.methodes}
    # WSM: mean score / 4 -> A 0.5, B 0.5, C 0.5: all tied
    assert by["wsm"].preferences == pytest.approx({"A": 0.5, "B": 0.5, "C": 0.5})
    assert by["wsm"].rangs == {"A": 2.0, "B": 2.0, "C": 2.0}
    # TOPSIS, min-max: A (1, 0), B (1/3, 2/3), C (0, 1); weights 1/2:
    # A: d+ = d- = 0.5; B: d+ = d- = sqrt(5)/6; C: d+ = d- = 0.5 -> all 0.5
    assert by["topsis"].preferences == pytest.approx({"A": 0.5, "B": 0.5, "C": 0.5})
    # PROMETHEE II usual: A beats B and C on c1, loses to both on c2 -> net 0;
    # B beats C on c1, loses to A; on c2 beats A, loses to C -> 0; C -> 0
    assert by["promethee"].preferences == pytest.approx({"A": 0.0, "B": 0.0, "C": 0.0})


def test_hand_example_with_a_clear_winner() -> None:
    project = Project(
        nom="Main",
        sites=[Site(id=k, nom=k) for k in ("A", "B", "C")],
        notes=[
            Score(evaluateur="Ana", site=k, critere=c, note=v)
            for k, vals in {"A": (4, 3), "B": (2, 2), "C": (0, 4)}.items()
            for c, v in zip(("acces_gare", "proximite_centre"), vals, strict=True)
        ],
    )
    ranking = evaluate(project, draws=0).classement
    assert ranking is not None
    by = {m.methode: m for m in ranking.methodes}
    # WSM: A (4+3)/8 = 0.875, B 0.5, C 0.5
    assert by["wsm"].preferences == pytest.approx({"A": 0.875, "B": 0.5, "C": 0.5})
    assert by["wsm"].rangs == {"A": 1.0, "B": 2.5, "C": 2.5}
    # TOPSIS min-max: c1 A 1, B 0.5, C 0; c2 A 0.5, B 0, C 1 (w = 1/2 each)
    # A: d+ = 0.25, d- = sqrt(0.25 + 0.0625) -> 0.559/(0.559+0.25)
    d_minus = np.sqrt(0.5**2 + 0.25**2)
    assert by["topsis"].preferences["A"] == pytest.approx(d_minus / (d_minus + 0.25))
    assert by["topsis"].rangs["A"] == 1.0
    # PROMETHEE II usual, n-1 = 2: A: c1 beats B, C (+2), c2 beats B, loses to C (+1 −1)
    # -> (0.5·2 + 0.5·0)/2 = 0.5; B: c1 +1 −1, c2 −2 -> −0.5; C: c1 −2, c2 +2 -> 0
    assert by["promethee"].preferences == pytest.approx({"A": 0.5, "B": -0.5, "C": 0.0})
    assert by["promethee"].rangs == {"A": 1.0, "B": 3.0, "C": 2.0}


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_vectorised_methods_equal_pymcdm_for_base_weights(method: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    matrix = rng.integers(0, 9, size=(12, 9)) / 2.0
    matrix[:, 3] = 2.0  # a criterion where all sites tie
    w = rng.uniform(0.2, 1.0, 9)
    w /= w.sum()
    ours = preferences(matrix, w, method)[0]  # type: ignore[arg-type]
    theirs = pymcdm_preferences(matrix, w, method)  # type: ignore[arg-type]
    assert np.allclose(ours, theirs, atol=1e-12)


def test_ranks_share_ties() -> None:
    assert ranks(np.array([0.1, 0.5, 0.5, 0.9])).tolist() == [4.0, 2.5, 2.5, 1.0]
    two = ranks(np.array([[1.0, 2.0], [2.0, 1.0]]))
    assert two.tolist() == [[2.0, 1.0], [1.0, 2.0]]


def _random_project(seed: int) -> Project:
    rng = np.random.default_rng(seed)
    sites = [Site(id=f"s{i}", nom=f"Site {i}") for i in range(5)]
    notes = [
        Score(evaluateur=a, site=s.id, critere=c.id, note=int(rng.integers(0, 5)))
        for a in ("Ana", "Ben", "Chloé")
        for s in sites
        for c in GRID.criteria
    ]
    return Project(nom="Aléatoire", sites=sites, notes=notes)


def test_sensitivity_is_reproducible_with_a_seed_and_bounded() -> None:
    project = _random_project(7)
    one = evaluate(project, draws=300, seed=11).classement
    two = evaluate(project, draws=300, seed=11).classement
    other = evaluate(project, draws=300, seed=12).classement
    assert one is not None and two is not None and other is not None
    assert one.sensibilite == two.sensibilite
    assert one.sensibilite != other.sensibilite
    assert one.sensibilite is not None
    for method in METHODS:
        rows = [r for r in one.sensibilite.sites if r.methode == method]
        assert len(rows) == 5
        assert all(0.0 <= r.part_rang_conserve <= 1.0 for r in rows)
        # at least one site is first in each draw
        assert sum(r.part_premier for r in rows) >= 1.0 - 1e-9


def test_zero_amplitude_keeps_every_rank() -> None:
    ranking = evaluate(_random_project(3), draws=50, amplitude=0.0).classement
    assert ranking is not None and ranking.sensibilite is not None
    assert all(r.part_rang_conserve == 1.0 for r in ranking.sensibilite.sites)
    firsts = [r for r in ranking.sensibilite.sites if r.rang_base == 1.0]
    assert firsts and all(r.part_premier == 1.0 for r in firsts)


def test_a_dominant_site_stays_first() -> None:
    project = _random_project(5)
    notes = [n for n in project.notes if n.site != "s0"] + [
        Score(evaluateur="Ana", site="s0", critere=c.id, note=4) for c in GRID.criteria
    ]
    ranking = evaluate(project.model_copy(update={"notes": notes}), draws=200).classement
    assert ranking is not None and ranking.sensibilite is not None
    for r in ranking.sensibilite.sites:
        if r.site == "s0":
            assert r.rang_base == 1.0 and r.part_premier == 1.0


def test_no_ranking_for_one_site_or_without_common_criteria() -> None:
    one = Project(nom="x", sites=[Site(id="a", nom="A")])
    assert evaluate(one).classement is None
    apart = Project(
        nom="x",
        sites=[Site(id="a", nom="A"), Site(id="b", nom="B")],
        notes=[
            Score(evaluateur="Ana", site="a", critere="acces_gare", note=2),
            Score(evaluateur="Ana", site="b", critere="horaires", note=2),
        ],
    )
    result = evaluate(apart)
    assert result.classement is None
    assert result.classement_absent is not None and "aucun critère" in result.classement_absent


def test_a_site_without_any_score_is_left_out_of_the_ranking() -> None:
    project = _hand_project()
    project = project.model_copy(update={"sites": [*project.sites, Site(id="D", nom="Vide")]})
    result = evaluate(project, draws=5)
    assert result.classement is not None and result.sites_non_classes == ["D"]
    assert set(result.classement.methodes[0].rangs) == {"A", "B", "C"}
    assert result.sites[-1].score_global is None
    html = render_html(result)
    assert "Sites sans aucune note, non classés : Vide." in html
    assert "Sites sans aucune note, non classés : Vide." in render_text(result)


def test_bad_method_and_amplitude() -> None:
    sites = evaluate(_random_project(1), draws=0).sites
    weights = evaluate(_random_project(1), draws=0).poids.criteres
    with pytest.raises(InputError, match="Méthode inconnue"):
        rank_sites(sites, weights, methods=["electre"])  # type: ignore[list-item]
    with pytest.raises(InputError, match="amplitude"):
        rank_sites(sites, weights, amplitude=1.5)


def test_identical_sites_tie_with_every_method() -> None:
    project = Project(
        nom="x",
        sites=[Site(id="a", nom="A"), Site(id="b", nom="B")],
        notes=[
            Score(evaluateur="Ana", site=k, critere=c, note=2)
            for k in ("a", "b")
            for c in ("acces_gare", "horaires")
        ],
    )
    ranking = evaluate(project, draws=20).classement
    assert ranking is not None and ranking.sensibilite is not None
    for m in ranking.methodes:
        assert m.rangs == {"a": 1.5, "b": 1.5}, m.methode
    assert all(
        r.part_rang_conserve == 1.0 and r.part_premier == 1.0 for r in ranking.sensibilite.sites
    )


def test_promethee_matches_the_published_pymcdm_example() -> None:
    # pymcdm's documented PROMETHEE II example (usual preference function): net flows
    # [0.1, -0.3, 0.2] for these three alternatives and weights
    matrix = np.array([[4.0, 3, 2], [3, 2, 4], [5, 1, 3]])
    weights = np.array([0.5, 0.3, 0.2])
    assert np.allclose(preferences(matrix, weights, "promethee")[0], [0.1, -0.3, 0.2])
