"""The JSON API under ``/api/v1`` (django-ninja; OpenAPI at ``/api/v1/openapi.json``).

Bodies reuse the CLI's JSON shapes (docs/territoire-json.md). Every error has the same French body:
``{"erreur": {"code": ..., "message": ..., "details": [...]}}`` — 404 ``introuvable``, 422
``entree_invalide`` (also a body that is not a JSON object), 503 ``entrepot_indisponible``, 413
``trop_volumineux`` (body over 256 Ko), 429 ``trop_de_requetes``, 405 ``methode_non_autorisee``,
500 ``erreur_interne``; with a token (routes under ``/equipes``), 401 ``non_authentifie``, 403
``interdit`` and 409 ``conflit`` (a team's record saved by someone else since the ``version``
sent: reload it, then send again). A reference day whose derived warehouse is not computed yet answers 202
with a :class:`Pending` body and a ``Retry-After`` header (computed by the task worker, never
inside the request). Errors raised outside the API's handlers get it from
:class:`teletravail.web.api_errors.ApiErrorsMiddleware`.
"""

from __future__ import annotations

import json
import logging
from typing import Annotated, Any, Literal

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Query, Schema
from ninja.errors import HttpError, ValidationError
from ninja.parser import Parser
from pydantic import Field

from teletravail.errors import LookupFailed, WarehouseError
from teletravail.territory.card import TerritoryCard
from teletravail.web.api_errors import (
    MAX_BODY_BYTES,
    error_response,
    status_error,
    validation_message,
)
from teletravail.web.territories import service


class BodyTooLarge(ValueError):
    """A request body over :data:`teletravail.web.api_errors.MAX_BODY_BYTES` (``size`` bytes)."""

    def __init__(self, size: int) -> None:
        self.size = size
        super().__init__(f"{size} octets")


class BodyNotObject(ValueError):
    """A request body that is valid JSON but not an object."""


class JsonObjectParser(Parser):
    """JSON bodies: at most 256 Ko, an object (anything else is refused before validation)."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        """The body as a dict; raises BodyTooLarge, BodyNotObject or a JSON/UTF-8 error."""
        raw = request.body
        if len(raw) > MAX_BODY_BYTES:
            raise BodyTooLarge(len(raw))
        data = json.loads(raw)
        if not isinstance(data, dict):
            raise BodyNotObject(type(data).__name__)
        return data


api = NinjaAPI(
    title="Télétravail et villes moyennes",
    version="1",
    description="Territoires (communes et EPCI) et leurs fiches ; chaque chiffre avec sa source.",
    urls_namespace="api-1",
    parser=JsonObjectParser(),
)


class ErrorDetail(Schema):
    """One problem with the input: where, and what."""

    champ: str
    message: str


class ErrorBody(Schema):
    """The error itself."""

    code: str
    message: str
    details: list[ErrorDetail] = Field(default_factory=list)


class Error(Schema):
    """Body of every error response."""

    erreur: ErrorBody


class Pending(Schema):
    """Body of a 202 answer: the derived warehouse of the reference day is being computed in the
    background (10 to 30 s); ask again after ``reessayer_dans`` seconds (also the ``Retry-After``
    header)."""

    statut: Literal["calcul_en_cours"]
    message: str
    jour: str = Field(description="Jour de référence en cours de calcul (AAAA-MM-JJ).")
    reessayer_dans: int = Field(description="Délai conseillé avant de réessayer, en secondes.")


class Candidate(Schema):
    """A territory matching a search (same shape as ``teletravail territoire --format json``)."""

    type: Literal["commune", "epci"]
    code: str
    nom: str
    detail: str | None
    population: int | None
    correspondance: Literal["code", "postal", "exact", "prefix", "word", "approx"]


class SearchResult(Schema):
    """Search result: ``trouve`` (one best match), ``ambigu`` (several at the same rank), ``aucun``."""

    statut: Literal["trouve", "ambigu", "aucun"]
    requete: str
    candidats: list[Candidate]


class SearchParams(Schema):
    """Search parameters."""

    q: Annotated[
        str,
        Field(min_length=1, max_length=200, description="Nom, code INSEE, SIREN ou code postal."),
    ]


def error(
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    details: list[dict[str, str]] | None = None,
) -> HttpResponse:
    """An error response with the common body."""
    return error_response(status, code, message, details)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    details = [
        {
            "champ": ".".join(
                str(p) for p in e.get("loc", ()) if p not in {"query", "path", "body"}
            ),
            "message": validation_message(e),
        }
        for e in exc.errors
    ]
    return error(
        request,
        422,
        "entree_invalide",
        "Entrée invalide : corrigez les paramètres indiqués.",
        details,
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    cause = exc.__cause__
    if isinstance(cause, BodyTooLarge | RequestDataTooBig):
        size = f" ({cause.size} octets)" if isinstance(cause, BodyTooLarge) else ""
        return error(
            request,
            413,
            "trop_volumineux",
            f"Requête trop volumineuse{size} : le corps doit faire au plus "
            f"{MAX_BODY_BYTES // 1024} Ko ({MAX_BODY_BYTES} octets).",
        )
    if exc.status_code == 400:  # the body could not be read (django-ninja's parser)
        if isinstance(cause, BodyNotObject):
            message = "Corps de la requête invalide : un objet JSON ({…}) est attendu."
        else:
            message = "Corps de la requête illisible : envoyez un objet JSON valide, en UTF-8."
        return error(request, 422, "entree_invalide", message, [{"champ": "", "message": message}])
    return status_error(exc.status_code, request)


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return error(
        request,
        413,
        "trop_volumineux",
        f"Requête trop volumineuse : le corps doit faire au plus {MAX_BODY_BYTES // 1024} Ko "
        f"({MAX_BODY_BYTES} octets).",
    )


@api.exception_handler(Http404)
def _unknown(request: HttpRequest, exc: Http404) -> HttpResponse:
    return status_error(404, request)


_log = logging.getLogger("django.request")


@api.exception_handler(Exception)
def _internal(request: HttpRequest, exc: Exception) -> HttpResponse:
    _log.error("Erreur interne de l'API : %s", request.path, exc_info=exc)
    return status_error(500, request)


@api.exception_handler(LookupFailed)
def _not_found(request: HttpRequest, exc: LookupFailed) -> HttpResponse:
    return error(request, 404, "introuvable", str(exc))


#: The public 503 text: the warehouse's own message (server path, command line) goes to the log.
NO_WAREHOUSE = (
    "Données pas encore disponibles : l'entrepôt de données du serveur est absent ou illisible, "
    "l'administrateur doit le construire. Réessayez plus tard."
)


@api.exception_handler(WarehouseError)
def _no_warehouse(request: HttpRequest, exc: WarehouseError) -> HttpResponse:
    _log.warning("Entrepôt indisponible pour %s : %s", request.path, exc)
    return error(request, 503, "entrepot_indisponible", NO_WAREHOUSE)


@api.get(
    "/territoires", response=SearchResult, tags=["territoires"], summary="Rechercher un territoire"
)
def search_territories(request: HttpRequest, params: Query[SearchParams]) -> dict[str, Any]:
    """Communes and EPCIs matching ``q`` (accents, case and hyphens ignored), best first."""
    result = service.search(params.q)
    statut = "aucun" if not result.matches else ("trouve" if result.resolved else "ambigu")
    return {"statut": statut, "requete": params.q, "candidats": service.candidates_json(result)}


@api.get(
    "/territoires/{kind}/{code}",
    response={200: TerritoryCard, 404: Error, 422: Error},
    tags=["territoires"],
    summary="Fiche d'un territoire",
    url_name="territoire",
)
def territory_card(
    request: HttpRequest, kind: Literal["commune", "epci"], code: str
) -> TerritoryCard:
    """The card of a commune (INSEE code) or an EPCI (SIREN), as ``fiche`` in the CLI's JSON."""
    return service.card(kind, code)


# Private endpoints (API token): a territory's team, under /equipes.
from teletravail.web.accounts.api import register as _register_accounts  # noqa: E402
from teletravail.web.api_routes import programmes as _programme_routes  # noqa: E402

# /equipes/programmes/publies before the team route /equipes/{kind}/{code}, which would take it
api.add_router("/equipes", _programme_routes.published_router)
_register_accounts(api)

# Public open-data endpoints: indicators, diagnostic, scenario, ACV ranking, impact.
from teletravail.web.api_routes import impact as _impact_routes  # noqa: E402
from teletravail.web.api_routes import ranking as _ranking_routes  # noqa: E402
from teletravail.web.api_routes import territory as _territory_routes  # noqa: E402

api.add_router("", _territory_routes.router)
api.add_router("", _ranking_routes.router)
api.add_router("", _impact_routes.router)

# Survey campaigns: answers sent with the campaign's public token.
from teletravail.web.api_routes import surveys as _survey_routes  # noqa: E402

api.add_router("", _survey_routes.router)

# Station district portrait: public routes, and the team's assessments under /equipes.
from teletravail.web.api_routes import gares as _gares_routes  # noqa: E402

api.add_router("", _gares_routes.router)
api.add_router("/equipes", _gares_routes.team_router)

# Analysis grid of a project of a place adapted to telework (issue 13): team routes (token).
from teletravail.web.api_routes import grille as _grille_routes  # noqa: E402

api.add_router("/equipes", _grille_routes.team_router)

# Vision and programme of actions (issue 14): team routes (token).
api.add_router("/equipes", _programme_routes.team_router)
