"""Private API endpoints (a team's members): bearer token, then the rights of ``rules``.

Registered on the main API by :func:`register` (called at the end of ``teletravail.web.api``):
401 ``non_authentifie`` without a valid token, 403 ``interdit`` without rights on the territory
(whether or not it has a team), 404 ``introuvable`` for a national administrator when it has none.
"""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Router, Schema
from ninja.errors import AuthenticationError

from teletravail.web.accounts.models import Territory
from teletravail.web.accounts.tokens import ApiTokenAuth

router = Router(tags=["équipes"], auth=ApiTokenAuth())

_ERROR_REF = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


class TeamTerritory(Schema):
    """The territory of the team."""

    type: Literal["commune", "epci"]
    code: str
    nom: str


class TeamMember(Schema):
    """A member and their role on the territory."""

    identifiant: str
    courriel: str
    role: Literal["manager", "member", "reader"]
    role_libelle: str


class Team(Schema):
    """A territory's team."""

    territoire: TeamTerritory
    membres: list[TeamMember]


def _error(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    from teletravail.web.api import error  # the API's common error body (imported when called)

    return error(request, status, code, message)


@router.get(
    "/{kind}/{code}",
    response={200: Team},
    summary="Équipe d'un territoire (jeton requis)",
    url_name="equipe",
    openapi_extra={
        "responses": {
            "401": {"description": "Jeton absent ou invalide", **_ERROR_REF},
            "403": {"description": "Aucun droit sur ce territoire", **_ERROR_REF},
            "404": {"description": "Aucune équipe pour ce territoire", **_ERROR_REF},
        }
    },
)
def team(
    request: HttpRequest, kind: Literal["commune", "epci"], code: str
) -> dict[str, object] | HttpResponse:
    """Members and roles of the team of a commune (INSEE code) or an EPCI (SIREN)."""
    user = request.auth
    territory = Territory.objects.filter(kind=kind, code=code).first()
    if not user.has_perm("accounts.view_team", territory):
        return _error(request, 403, "interdit", "Ce jeton ne donne aucun droit sur ce territoire.")
    if territory is None:
        return _error(request, 404, "introuvable", "Aucune équipe pour ce territoire.")
    memberships = territory.memberships.select_related("user").order_by("role", "user__username")
    return {
        "territoire": {"type": territory.kind, "code": territory.code, "nom": territory.nom},
        "membres": [
            {
                "identifiant": m.user.get_username(),
                "courriel": m.user.email,
                "role": m.role,
                "role_libelle": m.get_role_display(),
            }
            for m in memberships
        ],
    }


def register(api: NinjaAPI) -> None:
    """Mount the private endpoints under ``/equipes`` and give 401 the common error body."""
    api.add_router("/equipes", router)

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = _error(
            request,
            401,
            "non_authentifie",
            "Jeton d'API absent ou invalide : en-tête « Authorization: Bearer <clé> ».",
        )
        response["WWW-Authenticate"] = "Bearer"
        return response
