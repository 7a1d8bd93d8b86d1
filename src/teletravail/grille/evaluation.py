"""One call that evaluates a project with the grid: check it, weigh, aggregate, rank, test the
ranking's sensitivity. The command line, the report and (later) the web pages call this."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from teletravail.grille.catalogue import Grid, load_grid
from teletravail.grille.model import Project, check_project
from teletravail.grille.ranking import (
    DEFAULT_AMPLITUDE,
    DEFAULT_DRAWS,
    DEFAULT_SEED,
    METHODS,
    Method,
    Ranking,
    decision_matrix,
    rank_sites,
)
from teletravail.grille.scoring import DISAGREEMENT_RANGE, SiteResult, aggregate_project
from teletravail.grille.weights import EffectiveWeights, effective_weights


class Evaluation(BaseModel):
    """Everything computed for a project: its name, the assessors, the effective weights, each
    site's aggregate (grid order of criteria) and the ranking of the sites with at least one
    score (``sites_non_classes``: the others). The ranking is None with fewer than two scored
    sites or when no criterion of positive weight is scored for all of them:
    ``classement_absent`` says why."""

    model_config = ConfigDict(frozen=True)

    projet: str
    evaluateurs: list[str]
    poids: EffectiveWeights
    sites: list[SiteResult]
    classement: Ranking | None
    classement_absent: str | None = None
    sites_non_classes: list[str] = []
    regle_desaccord: str = (
        f"au moins deux évaluateurs et un écart d'au moins {DISAGREEMENT_RANGE} niveaux entre la "
        "note la plus basse et la plus haute"
    )


def evaluate(
    project: Project,
    grid: Grid | None = None,
    *,
    methods: Sequence[Method] = METHODS,
    draws: int = DEFAULT_DRAWS,
    amplitude: float = DEFAULT_AMPLITUDE,
    seed: int = DEFAULT_SEED,
) -> Evaluation:
    """Evaluate ``project`` (InputError in French when it is inconsistent with the grid)."""
    g = grid or load_grid()
    check_project(project, g)
    weights = effective_weights(project, g)
    sites = aggregate_project(project, g, weights)
    ranking: Ranking | None = None
    reason: str | None = None
    ranked = [s for s in sites if any(a.mediane is not None for a in s.criteres)]
    unranked = [s.site for s in sites if s not in ranked]
    if len(ranked) < 2:
        reason = "il faut au moins deux sites notés pour les classer"
    elif not decision_matrix(ranked, weights.criteres)[1]:
        reason = (
            "aucun critère de poids positif n'a de note pour tous les sites notés : pas de "
            "classement"
        )
    else:
        ranking = rank_sites(
            ranked, weights.criteres, methods=methods, draws=draws, amplitude=amplitude, seed=seed
        )
    return Evaluation(
        projet=project.nom,
        evaluateurs=project.assessors,
        poids=weights,
        sites=sites,
        classement=ranking,
        classement_absent=reason,
        sites_non_classes=unranked,
    )
