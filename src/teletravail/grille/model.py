"""The inputs of an evaluation with the grid: a project, its candidate sites, the scores given by
each assessor, the weights and an optional pairwise comparison of the themes (AHP).

Plain frozen pydantic models, so that the web layer can store them (one Django row per site, per
score, per weight) and call the same functions as the command line. Ids of themes and criteria are
those of ``grille.toml`` (:mod:`teletravail.grille.catalogue`); :func:`check_project` says in
French what is wrong (unknown criterion, score out of 0-4, negative weight…).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from teletravail.errors import InputError
from teletravail.grille.catalogue import FACTS, LEVELS, Grid, load_grid

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class Site(BaseModel):
    """A candidate site: ``id`` (short, unique in the project), name, address, commune, WGS84
    position (degrees, None when unknown) and facts computed from open data (keys of
    :data:`teletravail.grille.catalogue.FACTS`, None = donnée non disponible)."""

    model_config = _FROZEN

    id: str
    nom: str
    adresse: str = ""
    commune: str = ""
    lat: float | None = None
    lon: float | None = None
    faits: dict[str, float | None] = Field(default_factory=dict)


class Score(BaseModel):
    """One assessor's score of one criterion for one site: 0-4, or None (not scored)."""

    model_config = _FROZEN

    evaluateur: str
    site: str
    critere: str
    note: int | None
    commentaire: str = ""


class Weights(BaseModel):
    """Raw weights (any non-negative numbers; a missing key weighs 1: equal by default). The
    weight of a criterion is its theme's share of the theme weights times its share of the
    weights of its theme's criteria."""

    model_config = _FROZEN

    themes: dict[str, float] = Field(default_factory=dict)
    criteres: dict[str, float] = Field(default_factory=dict)


class PairwiseComparison(BaseModel):
    """AHP pairwise comparison of ``elements`` (theme ids, or the criterion ids of one theme):
    ``matrice[i][j]`` says how much more important ``elements[i]`` is than ``elements[j]`` on
    Saaty's 1-9 scale (reciprocal matrix)."""

    model_config = _FROZEN

    elements: list[str]
    matrice: list[list[float]]


class Project(BaseModel):
    """A project of a place adapted to telework and its candidate sites, scored with the grid.
    ``ahp``: optional pairwise comparison of the themes (their weights then come from it);
    ``ahp_criteres``: optional pairwise comparisons of the criteria of a theme (theme id ->
    comparison of its criteria)."""

    model_config = _FROZEN

    nom: str
    sites: list[Site]
    notes: list[Score] = Field(default_factory=list)
    poids: Weights = Field(default_factory=Weights)
    ahp: PairwiseComparison | None = None
    ahp_criteres: dict[str, PairwiseComparison] = Field(default_factory=dict)

    @property
    def assessors(self) -> list[str]:
        """The assessors in order of first appearance."""
        return list(dict.fromkeys(s.evaluateur for s in self.notes))


def check_project(project: Project, grid: Grid | None = None) -> None:
    """InputError in French listing every problem of :func:`project_problems`."""
    problems = project_problems(project, grid)
    if problems:
        raise InputError("Projet invalide : " + " ; ".join(problems) + ".", field="projet")


def project_problems(project: Project, grid: Grid | None = None) -> list[str]:
    """Every problem of a project, in French (empty when it is consistent with the grid): no
    site, a blank or duplicate site id, an unknown fact, a score of an unknown site or criterion
    or out of 0-4, the same assessor scoring a criterion of a site twice, a weight of an unknown
    theme or criterion or negative."""
    g = grid or load_grid()
    criteria = {c.id for c in g.criteria}
    themes = {t.id for t in g.themes}
    problems: list[str] = []
    if not project.sites:
        problems.append("le projet n'a aucun site")
    site_ids = [s.id for s in project.sites]
    for sid in dict.fromkeys(site_ids):
        if not sid.strip():
            problems.append("un site n'a pas d'identifiant")
        elif site_ids.count(sid) > 1:
            problems.append(f"identifiant de site en double « {sid} »")
    for site in project.sites:
        for key in site.faits:
            if key not in FACTS:
                problems.append(f"site « {site.id} » : fait inconnu « {key} »")
    seen: set[tuple[str, str, str]] = set()
    for s in project.notes:
        if s.site not in site_ids:
            problems.append(f"note de « {s.evaluateur} » pour un site inconnu « {s.site} »")
        if s.critere not in criteria:
            problems.append(f"note de « {s.evaluateur} » pour un critère inconnu « {s.critere} »")
        if s.note is not None and s.note not in LEVELS:
            problems.append(
                f"note {s.note} de « {s.evaluateur} » ({s.site}, {s.critere}) : attendu 0 à 4"
            )
        triple = (s.evaluateur, s.site, s.critere)
        if triple in seen:
            problems.append(f"« {s.evaluateur} » note deux fois {s.critere} pour {s.site}")
        seen.add(triple)
    for kind, weights, known in (
        ("thème", project.poids.themes, themes),
        ("critère", project.poids.criteres, criteria),
    ):
        for key, value in weights.items():
            if key not in known:
                problems.append(f"poids d'un {kind} inconnu « {key} »")
            elif not value >= 0:
                problems.append(f"poids négatif ou illisible du {kind} « {key} » : {value}")
    return problems
