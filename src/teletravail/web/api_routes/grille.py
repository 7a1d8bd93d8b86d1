"""Analysis grid of a project of a place adapted to telework (issue 13, tool 2): team endpoints.

Private (API token, tag « grille », under ``/equipes``), rights as on the grid pages
(``teletravail.web.accounts.rules``): reading needs any role on the territory; creating a project,
adding a site, scoring and setting the weights need member or manager.

- ``GET``/``POST /equipes/{kind}/{code}/projets`` — the territory's projects, a new one;
- ``GET /equipes/grille/projets/{id}`` — a project: its sites with their facts from open data, the
  weights and the evaluation (the JSON of ``teletravail grille evaluer --format json``);
- ``POST /equipes/grille/projets/{id}/sites`` — a candidate site (its facts are computed at once);
- ``PUT /equipes/grille/projets/{id}/sites/{site}/notes`` — the calling assessor's scores of a site;
- ``PUT /equipes/grille/projets/{id}/poids`` — weights of the themes and criteria, or AHP comparisons.

403 without the right on the project's territory, whether or not the project exists; 404 after.
A project's routes are under ``/equipes/grille/projets/{id}``: ``/equipes/projets/{id}`` would be
taken by the team route ``/equipes/{kind}/{code}``.
"""

from __future__ import annotations

import json
import math
from typing import Annotated, Any, Literal

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Path, Router, Schema
from ninja.responses import Status
from pydantic import Field

from teletravail.errors import InputError
from teletravail.grille import display
from teletravail.grille.catalogue import Grid, load_grid
from teletravail.grille.evaluation import Evaluation
from teletravail.grille.model import PairwiseComparison, Project, Weights
from teletravail.grille.site_models import SiteFacts
from teletravail.grille.weights import AhpResult, ahp_weights, effective_weights
from teletravail.surveys.textcheck import text_problem
from teletravail.web.accounts.models import Territory
from teletravail.web.accounts.tokens import ApiTokenAuth
from teletravail.web.api import Error
from teletravail.web.api_routes.common import error
from teletravail.web.grille import service
from teletravail.web.grille.models import MAX_DESCRIPTION, GridProject, GridScore, GridSite

team_router: Router = Router(tags=["grille"], auth=ApiTokenAuth())

MAX_ID = 2**31 - 1  # the largest primary key of the database
ProjectId = Annotated[int, Path(ge=1, le=MAX_ID, description="Identifiant du projet.")]
SiteCode = Annotated[str, Path(max_length=20, description="Code du site dans le projet (s1…).")]

READ = "accounts.view_territory"
CONTRIBUTE = "accounts.contribute_territory"
SAATY_MIN, SAATY_MAX = 1 / 9, 9.0
_ERROR_REF = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
_ERRORS = {
    "401": {"description": "Jeton absent ou invalide", **_ERROR_REF},
    "403": {"description": "Aucun droit sur ce territoire", **_ERROR_REF},
    "404": {"description": "Projet, site ou équipe introuvable", **_ERROR_REF},
}
_FIELDS = (("note_", "notes."), ("commentaire_", "commentaires."))


class ProjectSummary(Schema):
    """A project of the territory."""

    id: int
    nom: str
    description: str
    sites: int = Field(description="Nombre de sites candidats.")
    modifie_le: str = Field(description="Dernière modification du projet (ISO 8601).")
    url: str = Field(description="Adresse du projet dans l'API.")


class ProjectInput(Schema):
    """A new project."""

    nom: str = Field(max_length=200, description="Nom du projet (obligatoire).")
    description: str = Field("", max_length=MAX_DESCRIPTION, description="Facultatif.")


class SiteInput(Schema):
    """A candidate site: name, address, commune and position (WGS84, decimal degrees)."""

    nom: str = Field(max_length=200, description="Nom du site (obligatoire).")
    adresse: str = Field("", max_length=300)
    commune: str = Field("", max_length=200)
    lat: float = Field(ge=-90, le=90, description="Latitude, degrés décimaux (ex. 48.1229).")
    lon: float = Field(ge=-180, le=180, description="Longitude, degrés décimaux (ex. -1.2096).")


class GridSiteOut(Schema):
    """A candidate site with its facts from open data (null while not computed)."""

    code: str = Field(description="Identifiant du site dans le projet (s1, s2…).")
    nom: str
    adresse: str
    commune: str
    lat: float
    lon: float
    faits: SiteFacts | None = Field(
        description="Faits du site tirés des données ouvertes (null : pas encore calculés)."
    )
    faits_jour: str | None = Field(description="Jour de référence des faits (AAAA-MM-JJ).")
    faits_erreur: str | None = Field(description="Pourquoi les faits n'ont pu être calculés.")


class NewSiteOut(GridSiteOut):
    """The site added; ``faits_absents`` says why its facts are not there yet (null: computed)."""

    faits_absents: str | None


class ProjectWeights(Schema):
    """Weights of the themes and criteria (1 when not set) and the optional AHP comparison."""

    themes: dict[str, float]
    criteres: dict[str, float]
    ahp: PairwiseComparison | None


class TeamTerritory(Schema):
    """The project's territory."""

    type: Literal["commune", "epci"]
    code: str
    nom: str


class ProjectOut(Schema):
    """A project with its sites, weights and evaluation (null with ``evaluation_absente`` when
    the scores or weights cannot be evaluated)."""

    id: int
    nom: str
    description: str
    territoire: TeamTerritory
    cree_le: str
    modifie_le: str
    sites: list[GridSiteOut]
    faits_absents: str | None = Field(
        description="Pourquoi les faits des sites ne sont pas à jour (null : ils le sont)."
    )
    poids: ProjectWeights
    evaluation: Evaluation | None = Field(
        description="JSON de ``teletravail grille evaluer --format json``: scores, classement "
        "par trois méthodes, stabilité."
    )
    evaluation_absente: str | None = Field(description="Pourquoi il n'y a pas d'évaluation.")


class ScoresInput(Schema):
    """The caller's scores of a site; a criterion absent from ``notes`` keeps its score."""

    notes: dict[str, Any] = Field(
        default_factory=dict, description="Critère -> note de 0 à 4, ou null (non noté)."
    )
    commentaires: dict[str, Any] = Field(
        default_factory=dict, description="Critère -> commentaire (1 000 caractères au plus)."
    )


class ScoresOut(Schema):
    """Every score of the caller on the site, after saving."""

    site: str
    evaluateur: str
    notes: dict[str, int | None]
    commentaires: dict[str, str]


class AhpInput(Schema):
    """Pairwise comparison of the themes (Saaty's scale: 1/9 to 9, reciprocal matrix)."""

    elements: list[Any] = Field(description="Identifiants des thèmes, tous, chacun une fois.")
    matrice: list[Any] = Field(description="matrice[i][j] : importance de i par rapport à j.")


class WeightsInput(Schema):
    """The weights (0 to 100; a theme or criterion absent weighs 1); with ``ahp``, the theme
    weights come from the comparison."""

    themes: dict[str, Any] = Field(default_factory=dict)
    criteres: dict[str, Any] = Field(default_factory=dict)
    ahp: AhpInput | None = None


class WeightsOut(ProjectWeights):
    """The weights saved and the AHP result (consistency ratio ``rc``, incoherent above 0.10)."""

    resultat_ahp: AhpResult | None


def _territory(request: HttpRequest, perm: str, kind: str, code: str) -> Territory | HttpResponse:
    user: AbstractBaseUser = request.auth
    territory = Territory.objects.filter(kind=kind, code=code).first()
    if not user.has_perm(perm, territory):
        what = "lire" if perm == READ else "modifier"
        return error(403, "interdit", f"Ce jeton ne permet pas de {what} les projets de lieux.")
    if territory is None:
        return error(404, "introuvable", "Aucune équipe pour ce territoire.")
    return territory


def _project(request: HttpRequest, perm: str, project_id: int) -> GridProject | HttpResponse:
    """The project once ``perm`` is checked on its territory (403 whether or not it exists)."""
    user: AbstractBaseUser = request.auth
    found = GridProject.objects.select_related("territory").filter(pk=project_id).first()
    if not user.has_perm(perm, found.territory if found else None):
        what = "lire" if perm == READ else "modifier"
        return error(403, "interdit", f"Ce jeton ne permet pas de {what} ce projet de lieu.")
    if found is None:
        return error(404, "introuvable", f"Aucun projet n'a l'identifiant {project_id}.")
    return found


def _refused(message: str, problems: list[tuple[str, str]]) -> HttpResponse:
    details = []
    for champ, text in problems:
        for prefix, key in _FIELDS:
            if champ.startswith(prefix):
                champ = key + champ.removeprefix(prefix)
        details.append({"champ": champ, "message": text})
    return error(422, "entree_invalide", message, details)


def _text_problems(values: dict[str, str], required: tuple[str, ...]) -> list[tuple[str, str]]:
    problems = []
    for name, value in values.items():
        problem = text_problem(value)
        if problem:
            problems.append((name, problem))
        elif name in required and not value.strip():
            problems.append((name, "Champ obligatoire : donnez un nom."))
    return problems


def _facts_missing(state: service.FactsState) -> str | None:
    """Why the facts could not be computed now, or None."""
    if state.problem:
        return f"Faits des sites non calculés : {state.problem}"
    if state.pending:
        return (
            "Faits des sites en cours de calcul (desserte ferroviaire du jour de référence, une "
            "trentaine de secondes au plus) : relisez le projet ensuite."
        )
    return None


def _site_body(site: GridSite) -> dict[str, Any]:
    facts = service.site_fact_model(site)
    return {
        "code": site.code,
        "nom": site.nom,
        "adresse": site.adresse,
        "commune": site.commune,
        "lat": site.lat,
        "lon": site.lon,
        "faits": facts.model_dump(mode="json") if facts is not None else None,
        "faits_jour": site.faits_jour.isoformat() if site.faits_jour else None,
        "faits_erreur": service.facts_error(site) or None,
    }


def _project_url(project: GridProject) -> str:
    return reverse("api-1:equipe-projet", kwargs={"project_id": project.pk})


def _weights_body(project: GridProject, grid: Grid) -> dict[str, Any]:
    stored = service.to_project(project, grid)
    return {
        "themes": {t.id: stored.poids.themes.get(t.id, 1.0) for t in grid.themes},
        "criteres": {c.id: stored.poids.criteres.get(c.id, 1.0) for c in grid.criteria},
        "ahp": stored.ahp.model_dump(mode="json") if stored.ahp else None,
    }


def _project_body(project: GridProject, facts: service.FactsState | None) -> dict[str, Any]:
    grid = load_grid()
    evaluation: dict[str, Any] | None = None
    absent: str | None = None
    try:
        evaluation = json.loads(display.render_json(service.evaluation(project)))
    except InputError as exc:
        absent = str(exc)
    territory = project.territory
    return {
        "id": project.pk,
        "nom": project.nom,
        "description": project.description,
        "territoire": {"type": territory.kind, "code": territory.code, "nom": territory.nom},
        "cree_le": project.created.isoformat(),
        "modifie_le": project.updated.isoformat(),
        "sites": [_site_body(site) for site in project.sites.order_by("code")],
        "faits_absents": _facts_missing(facts) if facts is not None else None,
        "poids": _weights_body(project, grid),
        "evaluation": evaluation,
        "evaluation_absente": absent,
    }


@team_router.get(
    "/{kind}/{code}/projets",
    response={200: list[ProjectSummary], 422: Error},
    summary="Projets de lieux d'un territoire (jeton requis)",
    url_name="equipe-projets",
    openapi_extra={"responses": _ERRORS},
)
def project_list(
    request: HttpRequest, kind: Literal["commune", "epci"], code: str
) -> HttpResponse | list[dict[str, Any]]:
    """The territory's projects of a place adapted to telework, by name (any role)."""
    territory = _territory(request, READ, kind, code)
    if isinstance(territory, HttpResponse):
        return territory
    return [
        {
            "id": p.pk,
            "nom": p.nom,
            "description": p.description,
            "sites": p.nb_sites,
            "modifie_le": p.updated.isoformat(),
            "url": _project_url(p),
        }
        for p in territory.grid_projects.annotate(nb_sites=Count("sites")).order_by("nom", "pk")
    ]


@team_router.post(
    "/{kind}/{code}/projets",
    response={201: ProjectOut, 422: Error},
    summary="Créer un projet de lieu (jeton d'un membre ou gestionnaire)",
    url_name="equipe-projet-creer",
    openapi_extra={"responses": _ERRORS},
)
def create_project(
    request: HttpRequest, kind: Literal["commune", "epci"], code: str, body: ProjectInput
) -> HttpResponse | Status[dict[str, Any]]:
    """A new project (no site yet): 422 ``entree_invalide`` naming the field for an empty name
    or a control character."""
    territory = _territory(request, CONTRIBUTE, kind, code)
    if isinstance(territory, HttpResponse):
        return territory
    problems = _text_problems({"nom": body.nom, "description": body.description}, ("nom",))
    if problems:
        return _refused("Projet refusé : corrigez les champs indiqués.", problems)
    project = GridProject.objects.create(
        territory=territory,
        nom=body.nom.strip(),
        description=body.description.strip(),
        created_by=request.auth,
    )
    return Status(201, _project_body(project, None))


@team_router.get(
    "/grille/projets/{project_id}",
    response={200: ProjectOut},
    summary="Un projet de lieu : sites, faits, poids, évaluation (jeton requis)",
    url_name="equipe-projet",
    openapi_extra={"responses": _ERRORS},
)
def project_detail(request: HttpRequest, project_id: ProjectId) -> HttpResponse | dict[str, Any]:
    """The project (any role): its sites with their facts from open data (computed now when the
    reference day's derived warehouse is ready, else null until it is), the weights, and the
    evaluation — each site's scores by theme, disagreements, the ranking by three methods and
    its stability — or ``evaluation_absente`` saying why there is none."""
    found = _project(request, READ, project_id)
    if isinstance(found, HttpResponse):
        return found
    return _project_body(found, service.refresh_facts(found))


def _next_code(project: GridProject) -> str:
    used = set(project.sites.values_list("code", flat=True))
    n = 1
    while f"s{n}" in used:
        n += 1
    return f"s{n}"


@team_router.post(
    "/grille/projets/{project_id}/sites",
    response={201: NewSiteOut, 422: Error},
    summary="Ajouter un site candidat (jeton d'un membre ou gestionnaire)",
    url_name="equipe-projet-sites",
    openapi_extra={"responses": _ERRORS},
)
def add_site(
    request: HttpRequest, project_id: ProjectId, body: SiteInput
) -> HttpResponse | Status[dict[str, Any]]:
    """A candidate site, its code the first free one of s1, s2…; its facts are computed from open
    data for the reference day (``TELETRAVAIL_REFERENCE_DAY``, else the feeds' default day). While
    that day's derived warehouse is computed in the background, the site is kept without facts
    (``faits_absents`` says why; they come with the next read of the project). 422
    ``entree_invalide`` for a bad position, a point outside France (nothing added) or a project
    that already has its maximum of sites."""
    found = _project(request, CONTRIBUTE, project_id)
    if isinstance(found, HttpResponse):
        return found
    problems = _text_problems(
        {"nom": body.nom, "adresse": body.adresse, "commune": body.commune}, ("nom",)
    )
    if problems:
        return _refused("Site refusé : corrigez les champs indiqués.", problems)
    if found.sites.count() >= service.MAX_SITES:
        return _refused(
            "Site refusé.",
            [("", f"Un projet compte au plus {service.MAX_SITES} sites candidats.")],
        )
    with transaction.atomic():
        site = GridSite.objects.create(
            project=found,
            code=_next_code(found),
            nom=body.nom.strip(),
            adresse=body.adresse.strip(),
            commune=body.commune.strip(),
            lat=body.lat,
            lon=body.lon,
        )
    state = service.refresh_facts(found, [site])
    site.refresh_from_db()
    problem = service.facts_error(site)
    if problem:
        site.delete()
        return _refused("Site non ajouté.", [("lat", problem)])
    return Status(201, {**_site_body(site), "faits_absents": _facts_missing(state)})


@team_router.put(
    "/grille/projets/{project_id}/sites/{site}/notes",
    response={200: ScoresOut, 422: Error},
    summary="Enregistrer ses notes d'un site (jeton d'un membre ou gestionnaire)",
    url_name="equipe-projet-notes",
    openapi_extra={"responses": _ERRORS},
)
def save_scores(
    request: HttpRequest, project_id: ProjectId, site: SiteCode, body: ScoresInput
) -> HttpResponse | dict[str, Any]:
    """The calling assessor's scores (0 to 4, null: not scored) and comments of the site
    ``site`` (its code, s1…), all or nothing: 422 ``entree_invalide`` with one detail per refused
    value (``notes.<critère>``, ``commentaires.<critère>``)."""
    found = _project(request, CONTRIBUTE, project_id)
    if isinstance(found, HttpResponse):
        return found
    target = found.sites.filter(code=site).first()
    if target is None:
        return error(404, "introuvable", f"Le projet n'a pas de site « {site} ».")
    *_, problems = service.check_scores(body.notes, body.commentaires)
    if problems:
        return _refused("Notes refusées, rien n'a été enregistré.", problems)
    user: AbstractBaseUser = request.auth
    try:
        service.save_scores(target, user, body.notes, body.commentaires)
    except InputError as exc:  # checked above; kept for a rule added to ``save_scores`` only
        return _refused("Notes refusées, rien n'a été enregistré.", [(exc.field or "", str(exc))])
    stored = GridScore.objects.filter(site=target, assessor=user).order_by("critere")
    return {
        "site": target.code,
        "evaluateur": user.get_username(),
        "notes": {s.critere: s.note for s in stored},
        "commentaires": {s.critere: s.commentaire for s in stored if s.commentaire},
    }


def _weight_problems(
    values: dict[str, Any], known: set[str], field: str
) -> tuple[dict[str, float], list[tuple[str, str]]]:
    clean: dict[str, float] = {}
    problems: list[tuple[str, str]] = []
    for key, value in values.items():
        name = f"{field}.{key}"
        if key not in known:
            problems.append((name, f"Identifiant inconnu « {key[:60]} »."))
        elif (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or not 0 <= value <= 100
        ):
            problems.append((name, f"Poids invalide « {value} » : un nombre de 0 à 100."))
        else:
            clean[key] = float(value)
    return clean, problems


def _ahp_problems(
    ahp: AhpInput, themes: list[str]
) -> tuple[PairwiseComparison | None, list[tuple[str, str]]]:
    """The comparison in the grid's theme order, or every problem of it."""
    problems: list[tuple[str, str]] = []
    elements = ahp.elements
    if not all(isinstance(e, str) for e in elements) or sorted(elements) != sorted(themes):
        problems.append(
            (
                "ahp.elements",
                "Il faut chaque thème une fois : " + ", ".join(themes) + ".",
            )
        )
        return None, problems
    n = len(elements)
    matrix = ahp.matrice
    if len(matrix) != n or any(not isinstance(row, list) or len(row) != n for row in matrix):
        problems.append(("ahp.matrice", f"Il faut une matrice carrée de {n} lignes et colonnes."))
        return None, problems
    for i in range(n):
        for j in range(n):
            v = matrix[i][j]
            where = f"ahp.matrice.{i}.{j}"
            if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
                problems.append((where, f"Valeur illisible « {v} » : un nombre de 1/9 à 9."))
            elif not SAATY_MIN * 0.999 <= v <= SAATY_MAX * 1.001:
                problems.append((where, f"Valeur « {v} » hors de l'échelle de Saaty (1/9 à 9)."))
            elif i == j and abs(v - 1) > 1e-9:
                problems.append((where, "La diagonale vaut 1."))
    if problems:
        return None, problems
    for i in range(n):
        for j in range(i + 1, n):
            if abs(matrix[i][j] * matrix[j][i] - 1) > 0.01:
                problems.append(
                    (
                        f"ahp.matrice.{j}.{i}",
                        f"Matrice non réciproque : {elements[i]} / {elements[j]} = "
                        f"{matrix[i][j]:g}, il faut {elements[j]} / {elements[i]} = "
                        f"{1 / matrix[i][j]:.3g}.",
                    )
                )
    if problems:
        return None, problems
    order = [elements.index(t) for t in themes]  # stored in the grid's order (the page's)
    return PairwiseComparison(
        elements=themes,
        matrice=[[float(matrix[a][b]) for b in order] for a in order],
    ), []


@team_router.put(
    "/grille/projets/{project_id}/poids",
    response={200: WeightsOut, 422: Error},
    summary="Poids des thèmes et des critères (jeton d'un membre ou gestionnaire)",
    url_name="equipe-projet-poids",
    openapi_extra={"responses": _ERRORS},
)
def save_weights(
    request: HttpRequest, project_id: ProjectId, body: WeightsInput
) -> HttpResponse | dict[str, Any]:
    """Replace the weights: ``themes`` and ``criteres`` (id -> 0 to 100; absent: 1), ``ahp``
    (themes compared by pairs on Saaty's scale, the theme weights then come from it; null: none).
    422 ``entree_invalide`` listing every problem (unknown id, weight out of range, matrix not
    square, not reciprocal or off the scale, no theme of positive weight); nothing is saved."""
    found = _project(request, CONTRIBUTE, project_id)
    if isinstance(found, HttpResponse):
        return found
    grid = load_grid()
    theme_ids = [t.id for t in grid.themes]
    themes, problems = _weight_problems(body.themes, set(theme_ids), "themes")
    criteria, more = _weight_problems(body.criteres, {c.id for c in grid.criteria}, "criteres")
    problems += more
    comparison: PairwiseComparison | None = None
    if body.ahp is not None:
        comparison, more = _ahp_problems(body.ahp, theme_ids)
        problems += more
    weights = Weights(
        themes={t: themes.get(t, 1.0) for t in theme_ids},
        criteres={c.id: criteria.get(c.id, 1.0) for c in grid.criteria},
    )
    result: AhpResult | None = None
    if not problems:
        try:
            effective_weights(Project(nom=found.nom, sites=[], poids=weights, ahp=comparison), grid)
            result = ahp_weights(comparison) if comparison is not None else None
        except InputError as exc:
            problems.append((exc.field or "", str(exc)))
    if problems:
        return _refused("Poids refusés, rien n'a été enregistré.", problems)
    found.poids = weights.model_dump(mode="json")
    found.ahp = comparison.model_dump(mode="json") if comparison is not None else None
    found.save(update_fields=["poids", "ahp", "updated"])
    return {**_weights_body(found, grid), "resultat_ahp": result}
