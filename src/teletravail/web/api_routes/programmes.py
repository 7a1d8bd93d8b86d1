"""A territory's vision and programme of actions (issue 14): team endpoints.

Private (API token, tag « programmes », under ``/equipes``), rights as on the programme pages
(``teletravail.web.programmes.access``): the territory's team reads (any role); members and
managers contribute (actions, comments); managers decide (vision, themes, publication, deleting an
action). Any token reads a published programme, never its comments nor its history.

- ``GET``/``PUT /equipes/{kind}/{code}/programme`` — the programme; its vision, horizon, themes and
  publication;
- ``POST /equipes/{kind}/{code}/programme/actions`` — a new action;
- ``GET``/``PUT``/``PATCH``/``DELETE /equipes/programmes/actions/{id}`` — an action (with its
  history and comments for the team);
- ``POST /equipes/programmes/actions/{id}/commentaires`` — a comment on an action;
- ``GET /equipes/programmes/publies`` — the published programmes (``published_router``: mounted
  before the team route ``/equipes/{kind}/{code}``, which would take this two-segment path).

403 without the right, whether or not the programme or the action exists; 404 after.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Annotated, Any, Literal, TypeVar

from django import forms as django_forms
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from ninja import Path, Router, Schema
from ninja.responses import Status
from pydantic import Field

from teletravail.programmes.model import STATUSES, Action, FollowedIndicator, Funding, Motive
from teletravail.surveys.textcheck import text_problem
from teletravail.web.accounts.models import Territory
from teletravail.web.accounts.tokens import ApiTokenAuth
from teletravail.web.api import Error
from teletravail.web.api_routes.common import error
from teletravail.web.programmes import service
from teletravail.web.programmes.forms import ActionForm, CommentForm, VisionForm
from teletravail.web.programmes.models import (
    ActionComment,
    ProgrammeAction,
    TerritoryProgramme,
)

team_router: Router = Router(tags=["programmes"], auth=ApiTokenAuth())
published_router: Router = Router(tags=["programmes"], auth=ApiTokenAuth())

MAX_ID = 2**31 - 1  # the largest primary key of the database
MAX_ACTIONS = service.MAX_ACTIONS
MAX_FUNDINGS = 20
ActionId = Annotated[int, Path(ge=1, le=MAX_ID, description="Identifiant de l'action.")]

_ERROR_REF = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
_ERRORS = {
    "401": {"description": "Jeton absent ou invalide", **_ERROR_REF},
    "403": {"description": "Aucun droit sur ce programme", **_ERROR_REF},
    "404": {"description": "Programme ou action introuvable", **_ERROR_REF},
}


class ProgrammeTerritory(Schema):
    """The programme's territory."""

    type: Literal["commune", "epci"]
    code: str
    nom: str


class CommentOut(Schema):
    """A team member's comment on an action."""

    id: int
    auteur: str = Field(description="Identifiant de l'auteur (« — » s'il a été supprimé).")
    texte: str
    ecrit_le: str = Field(description="Date et heure (ISO 8601).")


class HistoryEntry(Schema):
    """A version of the action: when, by whom, which fields changed."""

    date: str = Field(description="Date et heure de l'enregistrement (ISO 8601).")
    auteur: str = Field(description="Identifiant de l'auteur (« — » inconnu).")
    type: Literal["creation", "modification"]
    champs: list[str] = Field(description="Champs modifiés (vide à la création).")
    changements: list[str] = Field(description="Les changements en clair.")


class ActionOut(Action):
    """An action of the programme (fields of the library's ``Action``) with its identifier; its
    comments and history only for the territory's team (null otherwise)."""

    id: int
    statut_libelle: str
    url: str = Field(description="Adresse de l'action dans l'API.")
    commentaires: list[CommentOut] | None = Field(
        description="Commentaires de l'équipe (null hors de l'équipe)."
    )


class ActionDetail(ActionOut):
    """An action with its history of changes (null outside the team)."""

    historique: list[HistoryEntry] | None = Field(
        description="Versions successives, la plus récente d'abord (null hors de l'équipe)."
    )


class IndicatorOut(FollowedIndicator):
    """A followed indicator and its progress toward the target."""

    progression: float | None = Field(
        description="Part du chemin parcouru de la valeur initiale à la cible (0 à 100 %), null "
        "si une valeur manque."
    )


class ProgrammeOut(Schema):
    """The programme of a territory: vision, themes, actions, followed indicators."""

    territoire: ProgrammeTerritory
    vision: str
    horizon: int | None = Field(description="Année de l'horizon de la vision.")
    themes: list[str]
    publie: bool
    publie_le: str | None
    modifie_le: str
    equipe: bool = Field(description="Le jeton est celui d'un membre de l'équipe du territoire.")
    actions: list[ActionOut]
    budget_total: float = Field(description="Somme des budgets renseignés des actions (€).")
    indicateurs: list[IndicatorOut]
    indicateurs_absents: str | None = Field(
        description="Pourquoi les valeurs actuelles n'ont pu être mises à jour (null : à jour)."
    )


class ProgrammeInput(Schema):
    """The vision, its horizon, the themes and the publication (managers)."""

    vision: str = Field(max_length=10000, description="Vision à long terme (texte).")
    horizon: int | None = Field(description="Année de l'horizon (2025 à 2100), ou null.")
    themes: list[str] = Field(max_length=100, description="Thèmes (1 à 20, 200 caractères).")
    publie: bool | None = Field(
        None,
        description="Publier aux autres territoires (true) ou retirer (false) ; null : inchangé.",
    )


class FundingInput(Schema):
    """A source of funding and its amount (euros, null when not known yet)."""

    source: str = Field(max_length=1000)
    montant: float | None = None


class ActionInput(Schema):
    """An action (members and managers); checked as on the action form."""

    titre: str = Field(max_length=1000)
    theme: str = Field(max_length=1000, description="Un des thèmes du programme.")
    description: str = Field("", max_length=10000)
    porteur: str = Field("", max_length=1000)
    partenaires: str = Field("", max_length=2000)
    budget: float | None = Field(None, description="Budget en euros (≥ 0), ou null.")
    financements: list[FundingInput] = Field(default_factory=list, max_length=100)
    debut: date | None = None
    fin: date | None = None
    statut: str = Field("idee", max_length=100, description="Code : " + ", ".join(STATUSES) + ".")


class NewActionInput(ActionInput):
    """A new action, with what motivated it (facultatif)."""

    motifs: list[Motive] = Field(default_factory=list, max_length=20)


class ActionPatch(Schema):
    """Fields of an action to change; those absent keep their value."""

    titre: str | None = Field(None, max_length=1000)
    theme: str | None = Field(None, max_length=1000)
    description: str | None = Field(None, max_length=10000)
    porteur: str | None = Field(None, max_length=1000)
    partenaires: str | None = Field(None, max_length=2000)
    budget: float | None = None
    financements: list[FundingInput] | None = Field(None, max_length=100)
    debut: date | None = None
    fin: date | None = None
    statut: str | None = Field(None, max_length=100)


class CommentInput(Schema):
    """A comment on an action."""

    texte: str = Field(max_length=10000)


class PublishedProgramme(Schema):
    """A programme a territory published."""

    territoire: ProgrammeTerritory
    horizon: int | None
    actions: int = Field(description="Nombre d'actions.")
    publie_le: str | None
    url: str = Field(description="Adresse du programme dans l'API.")


def _denied(perm: str) -> HttpResponse:
    what = {service.READ: "lire", service.CONTRIBUTE: "modifier"}.get(perm, "gérer")
    return error(403, "interdit", f"Ce jeton ne permet pas de {what} ce programme.")


def _programme(
    request: HttpRequest, perm: str, kind: str, code: str
) -> TerritoryProgramme | HttpResponse:
    """The programme once ``perm`` is checked (``service.READ`` also lets any token read a
    published programme); created empty for the team on first use. 403 whether or not it exists."""
    user: AbstractBaseUser = request.auth
    territory = Territory.objects.filter(kind=kind, code=code).first()
    if territory is not None and user.has_perm(perm, territory):
        return service.programme_of(territory)
    found = (
        TerritoryProgramme.objects.filter(territory=territory).first()
        if territory is not None
        else None
    )
    if perm == service.READ and found is not None and service.may_read(user, found):
        return found
    if territory is None and user.has_perm(perm, None):
        return error(404, "introuvable", "Aucune équipe pour ce territoire.")
    return _denied(perm)


def _action(request: HttpRequest, perm: str, pk: int) -> ProgrammeAction | HttpResponse:
    """The action once ``perm`` is checked on its programme (403 whether or not it exists)."""
    user: AbstractBaseUser = request.auth
    found = ProgrammeAction.objects.select_related("programme__territory").filter(pk=pk).first()
    allowed = user.has_perm(perm, found.programme.territory if found else None) or (
        found is not None and perm == service.READ and service.may_read(user, found.programme)
    )
    if not allowed:
        return _denied(perm)
    if found is None:
        return error(404, "introuvable", f"Aucune action n'a l'identifiant {pk}.")
    return found


_Recorded = TypeVar("_Recorded", TerritoryProgramme, ProgrammeAction, ActionComment)


def _by(instance: _Recorded, request: HttpRequest) -> _Recorded:
    """The instance with the token's owner as the author of its history record (the history
    middleware only knows the session's user)."""
    instance._history_user = request.auth  # read by simple_history
    return instance


def _refused(message: str, problems: list[tuple[str, str]]) -> HttpResponse:
    return error(422, "entree_invalide", message, [{"champ": c, "message": m} for c, m in problems])


def _form_problems(form: django_forms.Form) -> list[tuple[str, str]]:
    return [
        (name if name != "__all__" else "", str(message))
        for name, messages in form.errors.items()
        for message in messages
    ]


def _username(user: AbstractBaseUser | None) -> str:
    return user.get_username() if user is not None else "—"


def _comments(action: ProgrammeAction) -> list[dict[str, Any]]:
    return [
        {
            "id": c.pk,
            "auteur": _username(c.author),
            "texte": c.texte,
            "ecrit_le": c.created.isoformat(),
        }
        for c in sorted(action.comments.all(), key=lambda c: (c.created, c.pk))
    ]


def _action_body(action: ProgrammeAction, team: bool) -> dict[str, Any]:
    statut = action.statut if action.statut in STATUSES else "idee"
    return {
        "id": action.pk,
        "titre": action.titre,
        "theme": action.theme,
        "description": action.description,
        "porteur": action.porteur,
        "partenaires": action.partenaires,
        "budget": service.budget_value(action.budget),
        "financements": [f.model_dump() for f in service.fundings_of(action.financements)],
        "debut": action.debut,
        "fin": action.fin,
        "statut": statut,
        "statut_libelle": STATUSES[statut],
        "motifs": [m.model_dump() for m in service.motives_of(action.motifs)],
        "url": reverse("api-1:equipe-programme-action", kwargs={"action_id": action.pk}),
        "commentaires": _comments(action) if team else None,
    }


_IGNORED = {"updated", "updated_by"}


def _history(action: ProgrammeAction) -> list[dict[str, Any]]:
    """The versions of the action, the most recent first, with the fields each one changed."""
    labels = {
        f.name: capfirst(str(f.verbose_name))
        for f in ProgrammeAction._meta.get_fields()
        if hasattr(f, "verbose_name")
    }
    out = []
    previous = None
    for record in action.history.select_related("history_user").order_by(
        "history_date", "history_id"
    ):
        if previous is None:
            entry = {"type": "creation", "champs": [], "changements": ["création"]}
        else:
            changes = [c for c in record.diff_against(previous).changes if c.field not in _IGNORED]
            entry = {
                "type": "modification",
                "champs": [c.field for c in changes],
                "changements": [
                    f"{labels.get(c.field, c.field)} : {STATUSES.get(str(c.old), c.old)} → "
                    f"{STATUSES.get(str(c.new), c.new)}"
                    if c.field == "statut"
                    else f"{labels.get(c.field, c.field)} modifié"
                    for c in changes
                ]
                or ["enregistrée sans changement"],
            }
        out.append(
            {
                "date": record.history_date.isoformat(),
                "auteur": _username(record.history_user),
                **entry,
            }
        )
        previous = record
    return list(reversed(out))


def _programme_body(programme: TerritoryProgramme, user: AbstractBaseUser) -> dict[str, Any]:
    territory = programme.territory
    team = service.is_team(user, territory)
    problem = service.refresh_indicators(programme) if team else ""
    query = programme.actions.all().order_by("theme", "debut", "titre", "pk")
    actions = list(query.prefetch_related("comments__author") if team else query)
    return {
        "territoire": {"type": territory.kind, "code": territory.code, "nom": territory.nom},
        "vision": programme.vision,
        "horizon": programme.horizon,
        "themes": service.themes_of(programme),
        "publie": programme.publie,
        "publie_le": programme.publie_le.isoformat() if programme.publie_le else None,
        "modifie_le": programme.updated.isoformat(),
        "equipe": team,
        "actions": [_action_body(a, team) for a in actions],
        "budget_total": sum(float(a.budget) for a in actions if a.budget is not None),
        "indicateurs": [
            {
                **service.followed(i).model_dump(),
                "progression": service.progress(i),
            }
            for i in programme.indicators.all().order_by("libelle", "pk")
        ],
        "indicateurs_absents": problem or None,
    }


def _funding_problems(items: list[FundingInput]) -> tuple[list[dict[str, Any]], list[Any]]:
    """The fundings as stored ({source, montant}) and one problem per refused value."""
    out: list[dict[str, Any]] = []
    problems: list[tuple[str, str]] = []
    if len(items) > MAX_FUNDINGS:
        problems.append(("financements", f"Au plus {MAX_FUNDINGS} sources de financement."))
    for n, item in enumerate(items):
        where = f"financements.{n}"
        source = item.source.strip()
        problem = text_problem(item.source)
        if problem:
            problems.append((f"{where}.source", problem))
        elif not source:
            problems.append((f"{where}.source", "Indiquez la source du financement."))
        elif len(source) > 200:
            problems.append((f"{where}.source", "Une source a au plus 200 caractères."))
        amount = item.montant
        if amount is not None and (not math.isfinite(amount) or amount < 0):
            problems.append(
                (f"{where}.montant", f"Montant invalide « {amount} » : un nombre d'euros ≥ 0.")
            )
        out.append({"source": source, "montant": amount})
    if not problems:
        # the library's model accepts them (kept as the page stores them)
        out = [Funding.model_validate(f).model_dump() for f in out]
    return out, problems


def _checked_action(
    values: dict[str, Any], programme: TerritoryProgramme
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The model fields of an action checked as on the action form, or every problem."""
    themes = service.themes_of(programme)
    data = {
        "titre": values["titre"],
        "theme": values["theme"],
        "description": values["description"],
        "porteur": values["porteur"],
        "partenaires": values["partenaires"],
        "budget": "" if values["budget"] is None else repr(float(values["budget"])),
        "financements": "",
        "debut": values["debut"].isoformat() if values["debut"] else "",
        "fin": values["fin"].isoformat() if values["fin"] else "",
        "statut": values["statut"],
    }
    form = ActionForm(data, themes=themes)
    problems: list[tuple[str, str]] = []
    for name, message in _form_problems(form):
        if name == "theme" and values["theme"] not in themes:
            message = (
                f"Thème inconnu « {str(values['theme'])[:200]} » : un des thèmes du programme ("
                + ", ".join(f"« {t} »" for t in themes)
                + ")."
            )
        elif name == "statut" and values["statut"] not in STATUSES:
            message = (
                f"Statut inconnu « {str(values['statut'])[:100]} » : un de "
                + ", ".join(STATUSES)
                + "."
            )
        elif name == "budget" and values["budget"] is not None and values["budget"] < 0:
            message = "Le budget est un montant en euros positif ou nul."
        problems.append((name, message))
    fundings, more = _funding_problems(values["financements"])
    problems += more
    if problems:
        return {}, problems
    fields = service.action_fields(form.cleaned_data)
    fields["financements"] = fundings
    return fields, []


def _input_values(
    body: ActionInput | ActionPatch, action: ProgrammeAction | None
) -> dict[str, Any]:
    """The action's values: the body's, and for a partial change the stored ones it omits."""
    values: dict[str, Any] = {}
    if action is not None:
        values = {
            "titre": action.titre,
            "theme": action.theme,
            "description": action.description,
            "porteur": action.porteur,
            "partenaires": action.partenaires,
            "budget": service.budget_value(action.budget),
            "financements": [FundingInput(**f) for f in _stored_fundings(action)],
            "debut": action.debut,
            "fin": action.fin,
            "statut": action.statut,
        }
    sent = body.model_fields_set if isinstance(body, ActionPatch) else set(ActionInput.model_fields)
    for name in sent:
        value = getattr(body, name)
        if isinstance(body, ActionPatch) and value is None and name not in _NULLABLE:
            continue  # null on a text field: unchanged
        values[name] = value
    return values


_NULLABLE = {"budget", "debut", "fin"}


def _stored_fundings(action: ProgrammeAction) -> list[dict[str, Any]]:
    return [f.model_dump() for f in service.fundings_of(action.financements)]


@team_router.get(
    "/{kind}/{code}/programme",
    response={200: ProgrammeOut},
    summary="Programme d'actions d'un territoire (jeton requis)",
    url_name="equipe-programme",
    openapi_extra={"responses": _ERRORS},
)
def programme_detail(
    request: HttpRequest, kind: Literal["commune", "epci"], code: str
) -> HttpResponse | dict[str, Any]:
    """The vision, themes, actions (comments for the team only) and followed indicators with
    their progress; the team's token reads it always (created empty on first read), any token
    once it is published."""
    found = _programme(request, service.READ, kind, code)
    if isinstance(found, HttpResponse):
        return found
    return _programme_body(found, request.auth)


@team_router.put(
    "/{kind}/{code}/programme",
    response={200: ProgrammeOut, 422: Error},
    summary="Vision, thèmes et publication du programme (jeton d'un gestionnaire)",
    url_name="equipe-programme-vision",
    openapi_extra={"responses": _ERRORS},
)
def programme_update(
    request: HttpRequest, kind: Literal["commune", "epci"], code: str, body: ProgrammeInput
) -> HttpResponse | dict[str, Any]:
    """Replace the vision, the horizon (2025 to 2100) and the themes (1 to 20, each once), and
    publish or withdraw the programme. 422 ``entree_invalide`` with one detail per problem, and
    one per theme removed while actions still use it; nothing is saved then."""
    found = _programme(request, service.MANAGE, kind, code)
    if isinstance(found, HttpResponse):
        return found
    problems: list[tuple[str, str]] = []
    for n, theme in enumerate(body.themes):
        if "\n" in theme or "\r" in theme:
            problems.append((f"themes.{n}", "Un thème tient sur une ligne."))
    form = VisionForm(
        {
            "vision": body.vision,
            "horizon": "" if body.horizon is None else str(body.horizon),
            "themes": "\n".join(body.themes),
        }
    )
    if not problems and form.is_valid():
        for missing in service.themes_in_use(found, form.cleaned_data["themes"]):
            problems.append(
                (
                    "themes",
                    f"Des actions utilisent encore le thème « {missing} » : changez d'abord "
                    "leur thème.",
                )
            )
    elif not problems:
        problems = _form_problems(form)
    if problems:
        return _refused("Programme refusé, rien n'a été enregistré.", problems)
    found.vision = form.cleaned_data["vision"]
    found.horizon = form.cleaned_data["horizon"]
    found.themes = form.cleaned_data["themes"]
    if body.publie is not None and body.publie != found.publie:
        found.publie = body.publie
        found.publie_le = timezone.now() if body.publie else None
    found.updated_by = request.auth
    _by(found, request).save()
    return _programme_body(found, request.auth)


@team_router.post(
    "/{kind}/{code}/programme/actions",
    response={201: ActionDetail, 422: Error},
    summary="Ajouter une action au programme (jeton d'un membre ou gestionnaire)",
    url_name="equipe-programme-actions",
    openapi_extra={"responses": _ERRORS},
)
def action_create(
    request: HttpRequest, kind: Literal["commune", "epci"], code: str, body: NewActionInput
) -> HttpResponse | Status[dict[str, Any]]:
    """A new action, checked as on the action form: 422 ``entree_invalide`` with one detail per
    problem (end before start, unknown theme, status not a code of ``STATUSES``, negative budget,
    bad funding, control characters); nothing is saved then."""
    found = _programme(request, service.CONTRIBUTE, kind, code)
    if isinstance(found, HttpResponse):
        return found
    if found.actions.count() >= MAX_ACTIONS:
        return _refused(
            "Action refusée.", [("", f"Un programme compte au plus {MAX_ACTIONS} actions.")]
        )
    fields, problems = _checked_action(_input_values(body, None), found)
    if problems:
        return _refused("Action refusée : corrigez les champs indiqués.", problems)
    action = ProgrammeAction(
        programme=found,
        motifs=[m.model_dump(mode="json") for m in body.motifs],
        updated_by=request.auth,
        **fields,
    )
    _by(action, request).save()
    return Status(201, {**_action_body(action, True), "historique": _history(action)})


@team_router.get(
    "/programmes/actions/{action_id}",
    response={200: ActionDetail},
    summary="Une action : champs, commentaires et historique (jeton requis)",
    url_name="equipe-programme-action",
    openapi_extra={"responses": _ERRORS},
)
def action_detail(request: HttpRequest, action_id: ActionId) -> HttpResponse | dict[str, Any]:
    """The action; its comments and history (date, author, changed fields) for the team only."""
    found = _action(request, service.READ, action_id)
    if isinstance(found, HttpResponse):
        return found
    team = service.is_team(request.auth, found.programme.territory)
    return {**_action_body(found, team), "historique": _history(found) if team else None}


def _save(
    request: HttpRequest, action_id: int, body: ActionInput | ActionPatch
) -> HttpResponse | dict[str, Any]:
    found = _action(request, service.CONTRIBUTE, action_id)
    if isinstance(found, HttpResponse):
        return found
    fields, problems = _checked_action(_input_values(body, found), found.programme)
    if problems:
        return _refused("Action refusée, rien n'a été enregistré.", problems)
    for name, value in fields.items():
        setattr(found, name, value)
    found.updated_by = request.auth
    _by(found, request).save()
    return {**_action_body(found, True), "historique": _history(found)}


@team_router.put(
    "/programmes/actions/{action_id}",
    response={200: ActionDetail, 422: Error},
    summary="Remplacer une action (jeton d'un membre ou gestionnaire)",
    url_name="equipe-programme-action-remplacer",
    openapi_extra={"responses": _ERRORS},
)
def action_replace(
    request: HttpRequest, action_id: ActionId, body: ActionInput
) -> HttpResponse | dict[str, Any]:
    """Every field of the action (its motives kept), checked as on creation; kept in its history."""
    return _save(request, action_id, body)


@team_router.patch(
    "/programmes/actions/{action_id}",
    response={200: ActionDetail, 422: Error},
    summary="Modifier des champs d'une action (jeton d'un membre ou gestionnaire)",
    url_name="equipe-programme-action-modifier",
    openapi_extra={"responses": _ERRORS},
)
def action_change(
    request: HttpRequest, action_id: ActionId, body: ActionPatch
) -> HttpResponse | dict[str, Any]:
    """The fields sent (the others keep their value; null empties ``budget``, ``debut``,
    ``fin``), the whole action then checked as on creation; kept in its history."""
    return _save(request, action_id, body)


@team_router.delete(
    "/programmes/actions/{action_id}",
    response={204: None},
    summary="Supprimer une action (jeton d'un gestionnaire)",
    url_name="equipe-programme-action-supprimer",
    openapi_extra={"responses": _ERRORS},
)
def action_delete(request: HttpRequest, action_id: ActionId) -> HttpResponse | Status[None]:
    """Delete the action and its comments (kept in the history)."""
    found = _action(request, service.MANAGE, action_id)
    if isinstance(found, HttpResponse):
        return found
    _by(found, request).delete()
    return Status(204, None)


@team_router.post(
    "/programmes/actions/{action_id}/commentaires",
    response={201: CommentOut, 422: Error},
    summary="Commenter une action (jeton d'un membre ou gestionnaire)",
    url_name="equipe-programme-action-commentaires",
    openapi_extra={"responses": _ERRORS},
)
def comment_create(
    request: HttpRequest, action_id: ActionId, body: CommentInput
) -> HttpResponse | Status[dict[str, Any]]:
    """A comment (2 000 characters at most, no control character), read by the team only."""
    found = _action(request, service.CONTRIBUTE, action_id)
    if isinstance(found, HttpResponse):
        return found
    form = CommentForm({"texte": body.texte})
    if not form.is_valid():
        return _refused("Commentaire refusé.", _form_problems(form))
    comment = ActionComment(action=found, author=request.auth, texte=form.cleaned_data["texte"])
    _by(comment, request).save()
    return Status(
        201,
        {
            "id": comment.pk,
            "auteur": _username(comment.author),
            "texte": comment.texte,
            "ecrit_le": comment.created.isoformat(),
        },
    )


@published_router.get(
    "/programmes/publies",
    response={200: list[PublishedProgramme]},
    summary="Programmes publiés par les territoires (jeton requis)",
    url_name="equipe-programmes-publies",
    openapi_extra={"responses": {"401": _ERRORS["401"]}},
)
def published(request: HttpRequest) -> list[dict[str, Any]]:
    """The programmes the territories published (any token), by territory name."""
    found = (
        TerritoryProgramme.objects.filter(publie=True)
        .select_related("territory")
        .annotate(nb_actions=Count("actions"))
        .order_by("territory__nom", "pk")
    )
    return [
        {
            "territoire": {
                "type": p.territory.kind,
                "code": p.territory.code,
                "nom": p.territory.nom,
            },
            "horizon": p.horizon,
            "actions": p.nb_actions,
            "publie_le": p.publie_le.isoformat() if p.publie_le else None,
            "url": reverse(
                "api-1:equipe-programme",
                kwargs={"kind": p.territory.kind, "code": p.territory.code},
            ),
        }
        for p in found
    ]
