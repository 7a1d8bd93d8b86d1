"""Aggregation of several assessors' scores, weights, AHP consistency."""

from __future__ import annotations

import pytest

from teletravail.errors import InputError
from teletravail.grille.catalogue import load_grid
from teletravail.grille.evaluation import evaluate
from teletravail.grille.model import PairwiseComparison, Project, Score, Site, Weights
from teletravail.grille.weights import ahp_weights, effective_weights

GRID = load_grid()


def _project(notes: list[tuple[str, str, str, int | None]], **kw: object) -> Project:
    sites = [Site(id="a", nom="Gare"), Site(id="b", nom="Centre")]
    return Project(
        nom="Test",
        sites=sites,
        notes=[Score(evaluateur=e, site=s, critere=c, note=n) for e, s, c, n in notes],
        **kw,  # type: ignore[arg-type]
    )


def test_median_spread_and_disagreement() -> None:
    project = _project(
        [
            ("Ana", "a", "acces_gare", 1),
            ("Ben", "a", "acces_gare", 3),
            ("Chloé", "a", "acces_gare", 2),
            ("Dan", "a", "acces_gare", None),
            ("Ana", "a", "horaires", 2),
            ("Ben", "a", "horaires", 3),
            ("Ana", "b", "horaires", 4),
        ]
    )
    result = evaluate(project, draws=0)
    site = {s.site: s for s in result.sites}["a"]
    gare = next(a for a in site.criteres if a.critere == "acces_gare")
    assert gare.notes == {"Ana": 1, "Ben": 3, "Chloé": 2, "Dan": None}
    assert (gare.nombre, gare.mediane, gare.minimum, gare.maximum) == (3, 2.0, 1, 3)
    assert (gare.q1, gare.q3, gare.etendue) == (1.5, 2.5, 2)
    assert gare.desaccord
    horaires = next(a for a in site.criteres if a.critere == "horaires")
    assert horaires.mediane == 2.5 and not horaires.desaccord  # range 1
    alone = next(a for a in result.sites[1].criteres if a.critere == "horaires")
    assert alone.nombre == 1 and not alone.desaccord  # one assessor cannot disagree
    blank = next(a for a in site.criteres if a.critere == "recettes")
    assert blank.mediane is None and blank.nombre == 0 and not blank.desaccord
    assert site.desaccords == ["acces_gare"]


def test_theme_and_overall_scores_skip_blanks_never_count_zero() -> None:
    project = _project(
        [
            ("Ana", "a", "acces_gare", 4),
            ("Ana", "a", "proximite_centre", 2),
            ("Ana", "a", "recettes", 0),
        ]
    )
    site = evaluate(project, draws=0).sites[0]
    themes = {t.theme: t for t in site.themes}
    assert themes["localisation"].score == pytest.approx(3.0)
    assert (themes["localisation"].notes, themes["localisation"].non_notes) == (2, 3)
    assert themes["modele_economique"].score == 0.0
    assert themes["besoin"].score is None
    # equal theme weights: the overall score is the mean of the two scored themes
    assert site.score_global == pytest.approx(1.5)
    assert [f.critere for f in site.forces] == ["acces_gare"]
    assert [f.critere for f in site.faiblesses] == ["recettes"]
    assert site.faiblesses[0].recommandations == GRID.criterion("recettes").recommandations


def test_default_weights_are_equal_per_theme_then_per_criterion() -> None:
    w = effective_weights(_project([]), GRID)
    assert w.mode == "egaux"
    assert sum(w.criteres.values()) == pytest.approx(1.0)
    n_themes = len(GRID.themes)
    assert w.criteres["acces_gare"] == pytest.approx(1 / n_themes / 5)
    assert w.criteres["postes_travail"] == pytest.approx(1 / n_themes / 6)
    # the same weight typed everywhere (the workbook's 1s) is still « égaux »
    same = Weights(
        themes={t.id: 2.0 for t in GRID.themes}, criteres={c.id: 5.0 for c in GRID.criteria}
    )
    again = effective_weights(_project([], poids=same), GRID)
    assert again.mode == "egaux" and again.criteres == pytest.approx(w.criteres)


def test_entered_weights() -> None:
    weights = Weights(
        themes={"localisation": 3.0, "besoin": 1.0}
        | {t.id: 0.0 for t in GRID.themes if t.id not in ("localisation", "besoin")},
        criteres={"acces_gare": 2.0},
    )
    w = effective_weights(_project([], poids=weights), GRID)
    assert w.mode == "saisis"
    assert w.themes["localisation"] == pytest.approx(0.75)
    assert w.criteres["acces_gare"] == pytest.approx(0.75 * 2 / 6)
    assert w.criteres["recettes"] == 0.0


def test_ahp_saaty_textbook_matrix() -> None:
    # A classic 3 × 3 example: weights 0.637, 0.105, 0.258, λmax 3.0385, CR 0.033
    result = ahp_weights(
        PairwiseComparison(
            elements=["x", "y", "z"], matrice=[[1, 5, 3], [1 / 5, 1, 1 / 3], [1 / 3, 3, 1]]
        )
    )
    assert [round(v, 3) for v in result.poids.values()] == [0.637, 0.105, 0.258]
    assert result.lambda_max == pytest.approx(3.0385, abs=1e-4)
    assert result.rc == pytest.approx(0.033, abs=5e-4)
    assert not result.incoherent


def test_ahp_inconsistent_matrix_is_flagged_and_consistent_one_is_exact() -> None:
    bad = ahp_weights(
        PairwiseComparison(
            elements=["x", "y", "z"], matrice=[[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]]
        )
    )
    assert bad.incoherent and bad.rc > 0.10
    good = ahp_weights(
        PairwiseComparison(
            elements=["x", "y", "z"], matrice=[[1, 2, 4], [1 / 2, 1, 2], [1 / 4, 1 / 2, 1]]
        )
    )
    assert good.rc == pytest.approx(0.0, abs=1e-9)
    assert [round(v, 6) for v in good.poids.values()] == [
        round(4 / 7, 6),
        round(2 / 7, 6),
        round(1 / 7, 6),
    ]


def test_ahp_on_themes_sets_the_theme_weights() -> None:
    ids = [t.id for t in GRID.themes]
    matrix = [[1.0] * len(ids) for _ in ids]
    matrix[0][1], matrix[1][0] = 3.0, 1 / 3
    w = effective_weights(_project([], ahp=PairwiseComparison(elements=ids, matrice=matrix)), GRID)
    assert w.mode == "ahp" and w.ahp is not None
    assert w.themes["besoin"] > w.themes["sobriete"] > w.themes["localisation"]


def test_ahp_within_a_theme_sets_its_criteria_shares() -> None:
    crits = [c.id for c in GRID.of_theme("environnement")]  # 3 criteria
    comparison = PairwiseComparison(
        elements=crits, matrice=[[1, 2, 4], [1 / 2, 1, 2], [1 / 4, 1 / 2, 1]]
    )
    w = effective_weights(_project([], ahp_criteres={"environnement": comparison}), GRID)
    assert w.mode == "ahp" and w.ahp is None
    share = 1 / len(GRID.themes)
    assert w.themes["environnement"] == pytest.approx(share)
    assert [w.criteres[c] for c in crits] == pytest.approx(
        [share * 4 / 7, share * 2 / 7, share * 1 / 7]
    )
    assert w.ahp_criteres["environnement"].rc == pytest.approx(0.0, abs=1e-9)
    assert sum(w.criteres.values()) == pytest.approx(1.0)
    wrong = PairwiseComparison(elements=crits[:2], matrice=[[1, 2], [1 / 2, 1]])
    with pytest.raises(InputError, match="manquants : acces_sobre"):
        effective_weights(_project([], ahp_criteres={"environnement": wrong}), GRID)


@pytest.mark.parametrize(
    ("matrix", "message"),
    [
        ([[1, 2], [2, 1]], "attendu 0.5"),
        ([[1, 0], [0, 1]], "non strictement positive"),
        ([[2, 1], [1, 1]], "la diagonale vaut 1"),
        ([[1, 2]], "matrice carrée"),
    ],
)
def test_ahp_errors(matrix: list[list[float]], message: str) -> None:
    with pytest.raises(InputError, match=message):
        ahp_weights(PairwiseComparison(elements=["x", "y"], matrice=matrix))


@pytest.mark.parametrize(
    ("notes", "message"),
    [
        ([("Ana", "a", "acces_gare", 5)], "attendu 0 à 4"),
        ([("Ana", "z", "acces_gare", 1)], "site inconnu « z »"),
        ([("Ana", "a", "vue_sur_mer", 1)], "critère inconnu « vue_sur_mer »"),
        ([("Ana", "a", "acces_gare", 1), ("Ana", "a", "acces_gare", 2)], "note deux fois"),
    ],
)
def test_project_errors(notes: list[tuple[str, str, str, int | None]], message: str) -> None:
    with pytest.raises(InputError, match=message):
        evaluate(_project(notes), draws=0)


def test_every_project_problem_is_listed() -> None:
    from teletravail.grille.model import project_problems

    project = _project(
        [("Ana", "a", "acces_gare", 9), ("Ana", "z", "horaires", 1)],
        poids=Weights(criteres={"inconnu": 1.0}),
    )
    problems = project_problems(project)
    assert len(problems) == 3
    assert project_problems(_project([("Ana", "a", "acces_gare", 2)])) == []


def test_negative_weight_is_refused() -> None:
    with pytest.raises(InputError, match="poids négatif"):
        evaluate(_project([], poids=Weights(themes={"besoin": -1})), draws=0)


@pytest.mark.parametrize("values", [[3], [1, 4], [0, 2, 3], [1, 1, 2, 4], [0, 1, 2, 3, 4, 4, 4]])
def test_quantiles_equal_numpy_linear(values: list[int]) -> None:
    import numpy as np

    from teletravail.grille.scoring import quantile

    for q in (0.25, 0.5, 0.75):
        assert quantile(values, q) == pytest.approx(float(np.percentile(values, q * 100)))
