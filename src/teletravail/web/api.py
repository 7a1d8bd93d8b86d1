"""The JSON API under ``/api/v1`` (django-ninja; OpenAPI at ``/api/v1/openapi.json``).

Bodies reuse the CLI's JSON shapes (docs/territoire-json.md). Every error has the same French body:
``{"erreur": {"code": ..., "message": ..., "details": [...]}}`` — 404 ``introuvable``, 422
``entree_invalide``, 503 ``entrepot_indisponible``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Query, Schema
from ninja.errors import ValidationError
from pydantic import Field

from teletravail.errors import LookupFailed, WarehouseError
from teletravail.territory.card import TerritoryCard
from teletravail.web.territories import service

api = NinjaAPI(
    title="Télétravail et villes moyennes",
    version="1",
    description="Territoires (communes et EPCI) et leurs fiches ; chaque chiffre avec sa source.",
    urls_namespace="api-1",
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
    body = {"erreur": {"code": code, "message": message, "details": details or []}}
    return api.create_response(request, body, status=status)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    details = [
        {
            "champ": ".".join(
                str(p) for p in e.get("loc", ()) if p not in {"query", "path", "body"}
            ),
            "message": str(e.get("msg", "")),
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


@api.exception_handler(LookupFailed)
def _not_found(request: HttpRequest, exc: LookupFailed) -> HttpResponse:
    return error(request, 404, "introuvable", str(exc))


@api.exception_handler(WarehouseError)
def _no_warehouse(request: HttpRequest, exc: WarehouseError) -> HttpResponse:
    return error(request, 503, "entrepot_indisponible", str(exc))


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
