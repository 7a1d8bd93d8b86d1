"""Station district portrait (issue 12, tool 3): public and team endpoints.

Public (open data, tag « gares »):

- ``GET /gares?q=`` — stations matching a name, a UIC code, a commune or an EPCI;
- ``GET /gares/{uic}`` — a station's portrait, the JSON of ``teletravail gare UIC --format json``
  (:func:`teletravail.gares.display.portrait_payload`);
- ``GET /gares/classement/acv`` — the ranking of the ACV communes' main stations.

Private (API token, tag « équipes », under ``/equipes``): ``GET`` and ``PUT
/equipes/{kind}/{code}/gares/{uic}`` — the team's field observations of a station of its territory
(``teletravail.web.gares.assessments``: checks, 409 on a concurrent save, history). 403 without
rights on the territory, whether or not it has a team; 404 when the station does not serve it.

Every route takes ``date`` (reference day of the timetables, AAAA-MM-JJ); 202 with ``Retry-After``
while the day's derived warehouse is computed in the background.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any, Literal

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Query, Router, Schema
from pydantic import Field

from teletravail.errors import ConfigError, InputError, LookupFailed
from teletravail.gares.assess import Assessment
from teletravail.gares.display import portrait_payload
from teletravail.gares.features import StationFeatures
from teletravail.gares.resolve import StationChoice
from teletravail.reports.tables import export_table
from teletravail.web.accounts.models import Territory
from teletravail.web.accounts.tokens import ApiTokenAuth
from teletravail.web.api import Error, Pending
from teletravail.web.api_routes.common import day_error, error, invalid, json_response, ready_day
from teletravail.web.api_routes.ranking import RankingTable
from teletravail.web.gares import assessments, service
from teletravail.web.gares.models import StationAssessment

router: Router = Router(tags=["gares"])
team_router: Router = Router(tags=["équipes"], auth=ApiTokenAuth())

UIC = re.compile(r"[0-9]{8}")
RANKING_TITLE = (  # the title of ``teletravail classement gares``
    "Gares principales des communes Action Cœur de Ville face au portrait-robot du quartier de gare"
)
_ERROR_REF = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
_TEAM_ERRORS = {
    "401": {"description": "Jeton absent ou invalide", **_ERROR_REF},
    "403": {"description": "Aucun droit sur ce territoire", **_ERROR_REF},
    "404": {
        "description": "Gare inconnue, qui ne dessert pas ce territoire, ou territoire sans équipe",
        **_ERROR_REF,
    },
}
_FIELDS = (("niveau_", "observations."), ("commentaire_", "commentaires."))


class DayParams(Schema):
    """Reference day of the timetables (default: a Tuesday outside school holidays)."""

    date: dt.date | None = Field(None, description="Jour de référence de la desserte (AAAA-MM-JJ).")


class SearchParams(DayParams):
    """A station search."""

    q: str = Field(
        min_length=1,
        max_length=service.MAX_QUERY,
        description="Nom de la gare, code UIC (8 chiffres), commune ou EPCI (nom ou code).",
    )


class StationFound(Schema):
    """A station matching the search, with the rule that chose it and its portrait's API URL."""

    uic: str
    nom: str
    commune_code: str | None
    commune_nom: str | None
    regle: str = Field(description="Pourquoi cette gare : nom, code UIC ou gare du territoire.")
    departs_train: int | None = Field(description="Départs de trains du jour de référence.")
    url: str = Field(description="Adresse du portrait de la gare dans l'API.")


class Level(Schema):
    """A level of the scale (0 to 3)."""

    valeur: int
    libelle: str


class StationPortrait(Schema):
    """The JSON of ``teletravail gare UIC --format json``."""

    gare: StationChoice
    jour: str = Field(description="Jour de référence des horaires (AAAA-MM-JJ).")
    echelle: list[Level]
    caracteristiques_gare: StationFeatures
    evaluation: Assessment
    centiles_acv: dict[str, int] = Field(
        description="Champ -> centile (0 à 100) parmi les gares principales des communes ACV."
    )


class TeamTerritory(Schema):
    """The team's territory."""

    type: Literal["commune", "epci"]
    code: str
    nom: str


class StationRef(Schema):
    """The station assessed."""

    uic: str
    nom: str


class HistoryEntry(Schema):
    """One saved version: when (ISO 8601), who, what changed (French lines)."""

    date: str
    auteur: str
    changements: list[str]


class TeamAssessment(Schema):
    """A team's assessment of a station; ``version`` 0 and empty observations before the first
    save. ``evaluation``: the portrait with the team's observations applied."""

    territoire: TeamTerritory
    gare: StationRef
    version: int = Field(description="Nombre de versions enregistrées ; à renvoyer avec PUT.")
    observations: dict[str, int] = Field(description="Caractéristique -> niveau observé (0 à 3).")
    commentaires: dict[str, str]
    notes: str
    modifiee_le: str | None = Field(description="Dernier enregistrement (ISO 8601).")
    modifiee_par: str | None
    evaluation: Assessment
    historique: list[HistoryEntry] = Field(description="Versions, la plus récente d'abord.")


class AssessmentInput(Schema):
    """The team's observations: the whole assessment (what is absent is removed)."""

    observations: dict[str, Any] = Field(
        default_factory=dict,
        description="Caractéristique de terrain -> niveau 0 à 3, ou null (non observée).",
    )
    commentaires: dict[str, Any] = Field(
        default_factory=dict, description="Caractéristique -> commentaire (1 000 caractères)."
    )
    notes: Any = Field("", description="Notes de l'équipe (texte, 5 000 caractères).")
    version: int | None = Field(
        None,
        description=(
            "Version lue avant la modification (``version`` de GET) ; 409 si quelqu'un a "
            "enregistré entre-temps. null : enregistrer sans vérifier."
        ),
    )


def _ready(day: dt.date | None) -> tuple[Path, dt.date] | HttpResponse:
    try:
        return ready_day(day)
    except ConfigError as exc:
        return day_error(exc)


def _bad_uic(uic: str) -> HttpResponse | None:
    if UIC.fullmatch(uic):
        return None
    return invalid(f"Code UIC invalide « {uic[:40]} » : 8 chiffres, par exemple 87471508.", "uic")


def _portrait_url(uic: str, day: dt.date | None) -> str:
    url = reverse("api-1:gare", kwargs={"uic": uic})
    return f"{url}?date={day.isoformat()}" if day else url


@router.get(
    "/gares",
    response={200: list[StationFound], 202: Pending, 404: Error, 422: Error},
    summary="Rechercher une gare",
    url_name="gares",
)
def search(request: HttpRequest, params: Query[SearchParams]) -> HttpResponse | list[Any]:
    """Passenger stations matching ``q`` (404 ``introuvable`` when none): the one station when
    ``q`` names a single one; otherwise those whose name has a word starting with ``q`` (20 at
    most), then the busiest station of each commune or EPCI found (6 at most)."""
    ready = _ready(params.date)
    if isinstance(ready, HttpResponse):
        return ready
    derived, day = ready
    return [
        {
            "uic": choice.uic,
            "nom": choice.nom,
            "commune_code": features.commune_code,
            "commune_nom": features.commune_nom,
            "regle": choice.regle,
            "departs_train": features.departs_train,
            "url": _portrait_url(choice.uic, params.date),
        }
        for choice, features in service.search(derived, day, params.q)
    ]


@router.get(
    "/gares/classement/acv",
    response={200: RankingTable, 202: Pending, 422: Error},
    summary="Classement des gares principales des communes Action Cœur de Ville",
    url_name="classement-gares-acv",
)
def ranking(request: HttpRequest, params: Query[DayParams]) -> HttpResponse:
    """The main station of every ACV commune on the profile's data-backed features (the table
    of ``teletravail classement gares --format json``: title, notes with sources, columns, rows)."""
    ready = _ready(params.date)
    if isinstance(ready, HttpResponse):
        return ready
    table = service.ranking(*ready)
    return json_response(
        export_table(table.columns, table.rows, "json", title=RANKING_TITLE, notes=table.notes)
    )


@router.get(
    "/gares/{uic}",
    response={200: StationPortrait, 202: Pending, 404: Error, 422: Error},
    summary="Portrait d'une gare face au portrait-robot du quartier de gare",
    url_name="gare",
)
def portrait(request: HttpRequest, uic: str, params: Query[DayParams]) -> HttpResponse:
    """Levels 0 to 3 of every feature, themes, gaps with actions, field observations to make
    (``uic``: the station's 8-digit UIC code)."""
    bad = _bad_uic(uic)
    if bad is not None:
        return bad
    ready = _ready(params.date)
    if isinstance(ready, HttpResponse):
        return ready
    derived, day = ready
    shown = service.portrait(derived, day, uic)
    payload = portrait_payload(shown.choice, day, shown.fields, shown.assessment, shown.centiles)
    return json_response(json.dumps(payload, ensure_ascii=False))


def _team_body(
    territory: Territory, derived: Path, day: dt.date, uic: str, found: StationAssessment | None
) -> dict[str, Any]:
    # what can be shown of the stored record (levels 0-3 of features still in the profile)
    observations, comments, notes = assessments.stored(found)
    shown = service.portrait(derived, day, uic, observations)
    updated_by = found.updated_by if found else None
    return {
        "territoire": {"type": territory.kind, "code": territory.code, "nom": territory.nom},
        "gare": {"uic": uic, "nom": shown.choice.nom},
        "version": assessments.version_of(found),
        "observations": observations,
        "commentaires": comments,
        "notes": notes,
        "modifiee_le": found.updated.isoformat() if found else None,
        "modifiee_par": updated_by.get_username() if updated_by is not None else None,
        "evaluation": shown.assessment.model_dump(mode="json"),
        "historique": [
            {**entry, "date": entry["date"].isoformat()}  # type: ignore[attr-defined]
            for entry in (assessments.history(found) if found else [])
        ],
    }


def _team_station(
    request: HttpRequest, kind: str, code: str, uic: str, day: dt.date | None, perm: str
) -> tuple[Territory, Path, dt.date, str] | HttpResponse:
    """The territory, derived warehouse, day and station name of a team route, or the answer
    to give instead (403, 404, 422, 202)."""
    user: AbstractBaseUser = request.auth
    territory = Territory.objects.filter(kind=kind, code=code).first()
    if not user.has_perm(perm, territory):
        what = "lire" if perm == "accounts.view_territory" else "modifier"
        return error(
            403,
            "interdit",
            f"Ce jeton ne permet pas de {what} les évaluations de gares de ce territoire.",
        )
    if territory is None:
        return error(404, "introuvable", "Aucune équipe pour ce territoire.")
    bad = _bad_uic(uic)
    if bad is not None:
        return bad
    ready = _ready(day)
    if isinstance(ready, HttpResponse):
        return ready
    derived, chosen = ready
    nom = service.station(derived, chosen, uic).nom  # LookupFailed -> 404
    if (kind, code) not in service.served_territories(derived, uic):
        raise LookupFailed(
            f"La gare {nom} ({uic}) ne dessert pas {territory.nom} ({code}) : une équipe évalue "
            "les gares de son territoire (sur une de ses communes ou à proximité de leur centre)."
        )
    return territory, derived, chosen, nom


@team_router.get(
    "/{kind}/{code}/gares/{uic}",
    response={200: TeamAssessment, 202: Pending, 422: Error},
    summary="Évaluation d'une gare par l'équipe (jeton requis)",
    url_name="equipe-gare",
    openapi_extra={"responses": _TEAM_ERRORS},
)
def team_assessment(
    request: HttpRequest,
    kind: Literal["commune", "epci"],
    code: str,
    uic: str,
    params: Query[DayParams],
) -> HttpResponse | dict[str, Any]:
    """The team's field observations, comments and notes on a station of its territory, the
    portrait with those observations applied and the history of the saves (any role)."""
    found = _team_station(request, kind, code, uic, params.date, "accounts.view_territory")
    if isinstance(found, HttpResponse):
        return found
    territory, derived, day, _ = found
    saved = StationAssessment.objects.filter(territory=territory, uic=uic).first()
    return _team_body(territory, derived, day, uic, saved)


@team_router.put(
    "/{kind}/{code}/gares/{uic}",
    response={200: TeamAssessment, 202: Pending, 409: Error, 422: Error},
    summary="Enregistrer l'évaluation d'une gare (jeton d'un membre ou gestionnaire)",
    url_name="equipe-gare-enregistrer",
    openapi_extra={"responses": _TEAM_ERRORS},
)
def save_assessment(
    request: HttpRequest,
    kind: Literal["commune", "epci"],
    code: str,
    uic: str,
    body: AssessmentInput,
    params: Query[DayParams],
) -> HttpResponse | dict[str, Any]:
    """Replace the team's assessment of the station (all or nothing): 422 ``entree_invalide``
    listing every refused value, 409 ``conflit`` when someone saved since ``version``."""
    found = _team_station(request, kind, code, uic, params.date, "accounts.contribute_territory")
    if isinstance(found, HttpResponse):
        return found
    territory, derived, day, nom = found
    *_, problems = assessments.check(body.observations, body.commentaires, body.notes)
    if problems:
        return _refused([(p.champ, p.message) for p in problems])
    try:
        saved = assessments.save(
            territory,
            uic,
            nom,
            observations=body.observations,
            commentaires=body.commentaires,
            notes=body.notes,
            user=request.auth,
            version=body.version,
        )
    except assessments.Conflict as exc:
        return error(409, "conflit", str(exc))
    except InputError as exc:  # checked above; kept for a rule added to ``save`` only
        return _refused([(exc.field or "", str(exc))])
    return _team_body(territory, derived, day, uic, saved)


def _refused(problems: list[tuple[str, str]]) -> HttpResponse:
    details = []
    for champ, message in problems:
        for prefix, key in _FIELDS:
            if champ.startswith(prefix):
                champ = key + champ.removeprefix(prefix)
        details.append({"champ": champ, "message": message})
    return error(
        422,
        "entree_invalide",
        "Évaluation refusée, rien n'a été enregistré : corrigez les valeurs indiquées.",
        details,
    )
