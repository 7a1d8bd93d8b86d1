"""Time the grid's ranking and sensitivity analysis: 50 sites × 40 criteria, three methods (WSM,
TOPSIS, PROMETHEE II), 1,000 weight draws (±20 %), as ``teletravail grille evaluer`` runs them.

Prints the import time of pymcdm (paid once per process), the base ranking by pymcdm, the
vectorised sensitivity, the whole ``rank_sites`` call, and a whole ``evaluate`` of a project of
50 sites scored by 3 assessors on the real grid (best of 5 runs each).

Usage: ``python benchmarks/grille.py``.
"""

from __future__ import annotations

import time

import numpy as np

from teletravail.grille.catalogue import load_grid
from teletravail.grille.evaluation import evaluate
from teletravail.grille.model import Project, Score, Site
from teletravail.grille.ranking import (
    METHODS,
    perturbed_weights,
    preferences,
    pymcdm_preferences,
    rank_sites,
    ranks,
)
from teletravail.grille.scoring import CriterionAggregate, SiteResult

SITES, CRITERIA, DRAWS = 50, 40, 1000


def _sites(rng: np.random.Generator) -> list[SiteResult]:
    out = []
    for i in range(SITES):
        medians = rng.integers(0, 9, size=CRITERIA) / 2.0
        aggs = [
            CriterionAggregate(
                site=f"s{i}",
                critere=f"c{j}",
                theme="t",
                notes={},
                nombre=3,
                mediane=float(m),
                minimum=None,
                maximum=None,
                q1=None,
                q3=None,
                etendue=None,
                desaccord=False,
            )
            for j, m in enumerate(medians)
        ]
        out.append(
            SiteResult(
                site=f"s{i}",
                nom=f"Site {i}",
                criteres=aggs,
                themes=[],
                score_global=None,
                forces=[],
                faiblesses=[],
                desaccords=[],
            )
        )
    return out


def _best(fn: object, runs: int = 5) -> float:
    assert callable(fn)
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    rng = np.random.default_rng(1)
    sites = _sites(rng)
    weights = {f"c{j}": w for j, w in enumerate(rng.uniform(0.5, 1.5, CRITERIA))}
    start = time.perf_counter()
    import pymcdm.methods  # noqa: F401

    print(f"import de pymcdm (une fois par processus) : {time.perf_counter() - start:.3f} s")
    matrix = np.array([[a.mediane for a in s.criteres] for s in sites], dtype=float)
    w = np.array(list(weights.values()))
    w /= w.sum()

    def base() -> None:
        for m in METHODS:
            ranks(pymcdm_preferences(matrix, w, m))

    def sensitivity() -> None:
        draws = perturbed_weights(w, DRAWS, 0.2, 1)
        for m in METHODS:
            ranks(preferences(matrix, draws, m))

    def whole() -> None:
        rank_sites(sites, weights, draws=DRAWS)

    print(f"{SITES} sites × {CRITERIA} critères, {DRAWS} tirages, 3 méthodes (meilleur de 5) :")
    print(f"  classement de base par pymcdm : {_best(base) * 1000:.1f} ms")
    print(f"  sensibilité vectorisée (numpy) : {_best(sensitivity) * 1000:.1f} ms")
    print(f"  rank_sites complet : {_best(whole) * 1000:.1f} ms (objectif < 200 ms)")

    grid = load_grid()
    project = Project(
        nom="banc",
        sites=[Site(id=f"s{i}", nom=f"Site {i}") for i in range(SITES)],
        notes=[
            Score(evaluateur=a, site=f"s{i}", critere=c.id, note=int(rng.integers(0, 5)))
            for a in ("Ana", "Ben", "Chloé")
            for i in range(SITES)
            for c in grid.criteria
        ],
    )
    print(
        f"evaluate (grille de {len(grid.criteria)} critères, {SITES} sites, 3 évaluateurs : "
        f"agrégation + classement + {DRAWS} tirages) : "
        f"{_best(lambda: evaluate(project, grid, draws=DRAWS)) * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
