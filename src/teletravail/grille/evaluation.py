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
    rank_sites,
)
from teletravail.grille.scoring import DISAGREEMENT_RANGE, SiteResult, aggregate_project
from teletravail.grille.weights import EffectiveWeights, effective_weights


class Evaluation(BaseModel):
    """Everything computed for a project: its name, the assessors, the effective weights, each
    site's aggregate (grid order of criteria) and the ranking (None with fewer than two sites or
    when no criterion is scored for every site: ``classement_absent`` says why)."""

    model_config = ConfigDict(frozen=True)

    projet: str
    evaluateurs: list[str]
    poids: EffectiveWeights
    sites: list[SiteResult]
    classement: Ranking | None
    classement_absent: str | None = None
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
    if len(sites) < 2:
        reason = "un seul site : pas de classement"
    elif not any(
        all(s.criteres[k].mediane is not None for s in sites) for k in range(len(g.criteria))
    ):
        reason = "aucun critère n'a de note pour tous les sites : pas de classement"
    else:
        ranking = rank_sites(
            sites, weights.criteres, methods=methods, draws=draws, amplitude=amplitude, seed=seed
        )
    return Evaluation(
        projet=project.nom,
        evaluateurs=project.assessors,
        poids=weights,
        sites=sites,
        classement=ranking,
        classement_absent=reason,
    )
