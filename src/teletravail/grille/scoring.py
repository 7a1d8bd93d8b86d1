"""Aggregate the assessors' scores: per site and criterion the median and the spread, the
criteria where assessors disagree, theme and overall scores, strengths, weaknesses and the
recommendations tied to the weakest criteria.

Rules (also in ``docs/methodologie/grille-projet.md``):

- a blank score (None) is « non noté »: left out, never counted as 0;
- per site and criterion: number of scores, median, minimum, maximum, first and third quartiles
  (linear interpolation), range = max − min; **disagreement** when at least two assessors scored
  and the range is at least :data:`DISAGREEMENT_RANGE` (2 levels);
- theme score of a site: mean of its criteria's medians weighted by the criteria's effective
  weights, over the criteria with a median (their count and the count without one are given);
  overall score: the same over the themes with a score; both on the 0-4 scale, None when nothing
  is scored;
- strengths: criteria with a median of at least 3 (« bon »), best first, at most 5; weaknesses:
  criteria with a median below 2 (« moyen »), weakest first, at most 5; ties broken by the
  heavier weight, then the grid's order. Each weakness brings its recommendations.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from teletravail.grille.catalogue import Grid, suggested_level
from teletravail.grille.model import Project
from teletravail.grille.weights import EffectiveWeights

DISAGREEMENT_RANGE = 2
STRENGTH_MIN = 3.0
WEAKNESS_BELOW = 2.0
MAX_LISTED = 5
_FROZEN = ConfigDict(frozen=True)


class CriterionAggregate(BaseModel):
    """One site × criterion: the scores by assessor (None = not scored) and their summary
    (0-4 scale; all None when nobody scored), the fact value and the score it suggests."""

    model_config = _FROZEN

    site: str
    critere: str
    theme: str
    notes: dict[str, int | None]
    nombre: int
    mediane: float | None
    minimum: int | None
    maximum: int | None
    q1: float | None
    q3: float | None
    etendue: int | None
    desaccord: bool
    fait: str | None = None
    fait_valeur: float | None = None
    note_suggeree: int | None = None


class ThemeScore(BaseModel):
    """A site's score in a theme (0-4, None when no criterion has a median)."""

    model_config = _FROZEN

    theme: str
    score: float | None
    notes: int
    non_notes: int


class Finding(BaseModel):
    """A strength or weakness: criterion, its median and, for a weakness, what to do."""

    model_config = _FROZEN

    critere: str
    libelle: str
    mediane: float
    recommandations: list[str] = []


class SiteResult(BaseModel):
    """A site's aggregate: per-criterion summaries (grid order), theme scores, overall score
    (0-4, None when nothing is scored), strengths, weaknesses and disagreements."""

    model_config = _FROZEN

    site: str
    nom: str
    criteres: list[CriterionAggregate]
    themes: list[ThemeScore]
    score_global: float | None
    forces: list[Finding]
    faiblesses: list[Finding]
    desaccords: list[str]


def quantile(ordered: list[int], q: float) -> float:
    """Quantile ``q`` (0-1) of sorted values with linear interpolation between the closest
    ranks (numpy's default ``linear`` method; plain Python, faster for a handful of scores)."""
    position = q * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (position - low) * (ordered[high] - ordered[low])


def _aggregate(
    site: str, criterion_id: str, theme: str, notes: dict[str, int | None]
) -> CriterionAggregate:
    given = sorted(v for v in notes.values() if v is not None)
    if not given:
        return CriterionAggregate(
            site=site,
            critere=criterion_id,
            theme=theme,
            notes=notes,
            nombre=0,
            mediane=None,
            minimum=None,
            maximum=None,
            q1=None,
            q3=None,
            etendue=None,
            desaccord=False,
        )
    lo, hi = given[0], given[-1]
    return CriterionAggregate(
        site=site,
        critere=criterion_id,
        theme=theme,
        notes=notes,
        nombre=len(given),
        mediane=quantile(given, 0.5),
        minimum=lo,
        maximum=hi,
        q1=quantile(given, 0.25),
        q3=quantile(given, 0.75),
        etendue=hi - lo,
        desaccord=len(given) >= 2 and hi - lo >= DISAGREEMENT_RANGE,
    )


def _weighted(values: list[tuple[float | None, float]]) -> float | None:
    known = [(v, w) for v, w in values if v is not None]
    total = sum(w for _, w in known)
    if not known or total <= 0:
        return None
    return sum(v * w for v, w in known) / total


def aggregate_project(project: Project, grid: Grid, weights: EffectiveWeights) -> list[SiteResult]:
    """Per-site aggregates of a checked project (:func:`teletravail.grille.model.check_project`)."""
    assessors = project.assessors
    table: dict[tuple[str, str], dict[str, int | None]] = {}
    for s in project.notes:
        table.setdefault((s.site, s.critere), {})[s.evaluateur] = s.note
    order = {c.id: n for n, c in enumerate(grid.criteria)}
    results = []
    for site in project.sites:
        aggs = []
        for c in grid.criteria:
            given = table.get((site.id, c.id), {})
            notes = {a: given.get(a) for a in assessors}
            agg = _aggregate(site.id, c.id, c.theme, notes)
            if c.fait is not None:
                value = site.faits.get(c.fait)
                agg = agg.model_copy(
                    update={
                        "fait": c.fait,
                        "fait_valeur": value,
                        "note_suggeree": suggested_level(c, value),
                    }
                )
            aggs.append(agg)
        by_id = {a.critere: a for a in aggs}
        themes = []
        for t in grid.themes:
            members = [by_id[c.id] for c in grid.of_theme(t.id)]
            score = _weighted([(a.mediane, weights.criteres[a.critere]) for a in members])
            known = sum(1 for a in members if a.mediane is not None)
            themes.append(
                ThemeScore(theme=t.id, score=score, notes=known, non_notes=len(members) - known)
            )
        overall = _weighted([(ts.score, weights.themes[ts.theme]) for ts in themes])
        scored = [a for a in aggs if a.mediane is not None]

        def key(a: CriterionAggregate, sign: float) -> tuple[float, float, int]:
            assert a.mediane is not None
            return (sign * a.mediane, -weights.criteres[a.critere], order[a.critere])

        strong = sorted(
            (a for a in scored if (a.mediane or 0) >= STRENGTH_MIN), key=lambda a: key(a, -1.0)
        )
        weak = sorted(
            (a for a in scored if (a.mediane or 0) < WEAKNESS_BELOW), key=lambda a: key(a, 1.0)
        )
        results.append(
            SiteResult(
                site=site.id,
                nom=site.nom,
                criteres=aggs,
                themes=themes,
                score_global=overall,
                forces=[
                    Finding(
                        critere=a.critere,
                        libelle=grid.criterion(a.critere).libelle,
                        mediane=a.mediane or 0.0,
                    )
                    for a in strong[:MAX_LISTED]
                ],
                faiblesses=[
                    Finding(
                        critere=a.critere,
                        libelle=grid.criterion(a.critere).libelle,
                        mediane=a.mediane or 0.0,
                        recommandations=list(grid.criterion(a.critere).recommandations),
                    )
                    for a in weak[:MAX_LISTED]
                ],
                desaccords=[a.critere for a in aggs if a.desaccord],
            )
        )
    return results
