"""Every error of the JSON API with the common French body, whatever produced it.

The API's own handlers (``teletravail.web.api``) answer with ``{"erreur": {"code", "message",
"details"}}``. Some errors are produced outside them: an unknown path under ``/api/v1/`` (Django's
URL resolver, an HTML page), a method the path does not accept (django-ninja's bare 405), a body
larger than Django's limit, an unexpected exception. :class:`ApiErrorsMiddleware` gives those the
same body, keyed by status:

- 400 ``requete_invalide``, 404 ``introuvable``, 405 ``methode_non_autorisee`` (``Allow`` kept),
  409 ``conflit``, 413 ``trop_volumineux``, 429 ``trop_de_requetes``, 500 ``erreur_interne``, any
  other status ``erreur``.

Texts are cleaned (:func:`teletravail.surveys.textcheck.clean_value`) so that an error quoting the
input never fails to encode.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from teletravail.surveys.textcheck import clean_value

API_PREFIX = "/api/v1/"
log = logging.getLogger("django.request")

#: Maximum size of a request body sent to the API, in bytes (256 KiB): an answer to the residents'
#: questionnaire is about 2 KB.
MAX_BODY_BYTES = 256 * 1024

MESSAGES: dict[int, tuple[str, str]] = {
    400: ("requete_invalide", "Requête invalide : vérifiez l'adresse, les en-têtes et le corps."),
    404: (
        "introuvable",
        "Adresse inconnue de l'API : la liste des adresses est sur /api/v1/docs.",
    ),
    405: ("methode_non_autorisee", "Méthode non autorisée sur cette adresse."),
    409: (
        "conflit",
        "Conflit : la ressource a changé depuis votre lecture ; relisez-la puis renvoyez.",
    ),
    413: (
        "trop_volumineux",
        f"Requête trop volumineuse : au plus {MAX_BODY_BYTES // 1024} Ko (262 144 octets).",
    ),
    429: ("trop_de_requetes", "Trop de requêtes : réessayez plus tard."),
    500: (
        "erreur_interne",
        "Erreur interne du serveur : réessayez plus tard ; si elle persiste, signalez-la.",
    ),
}


#: French texts of pydantic's validation errors (``type`` of the error), formatted with its
#: ``ctx``; see :func:`validation_message`.
VALIDATION_MESSAGES: dict[str, str] = {
    "missing": "Champ obligatoire absent.",
    "extra_forbidden": "Champ inconnu.",
    "string_type": "Texte attendu.",
    "string_too_short": "Texte trop court (longueur minimale : {min_length}).",
    "string_too_long": "Texte trop long : {max_length} caractères au plus.",
    "string_pattern_mismatch": "Texte de forme inattendue.",
    "bool_type": "Booléen attendu (true ou false).",
    "bool_parsing": "Booléen attendu (true ou false).",
    "int_type": "Nombre entier attendu.",
    "int_parsing": "Nombre entier attendu.",
    "int_from_float": "Nombre entier attendu.",
    "float_type": "Nombre attendu.",
    "float_parsing": "Nombre attendu.",
    "finite_number": "Nombre fini attendu.",
    "greater_than": "Valeur trop petite : plus de {gt} attendu.",
    "greater_than_equal": "Valeur trop petite : {ge} au moins.",
    "less_than": "Valeur trop grande : moins de {lt} attendu.",
    "less_than_equal": "Valeur trop grande : {le} au plus.",
    "dict_type": "Objet JSON attendu ({{…}}).",
    "model_type": "Objet JSON attendu ({{…}}).",
    "model_attributes_type": "Objet JSON attendu ({{…}}).",
    "list_type": "Liste attendue ([…]).",
    "too_short": "Liste trop courte (nombre minimal d'éléments : {min_length}).",
    "too_long": "Liste trop longue : {max_length} éléments au plus.",
    "literal_error": "Valeur non admise : {expected} attendu.",
    "enum": "Valeur non admise : {expected} attendu.",
    "uuid_type": "Identifiant UUID attendu (ex. 3f1c6a55-8d64-4f0e-9a57-2d0b8a8e7c11).",
    "uuid_parsing": "Identifiant UUID attendu (ex. 3f1c6a55-8d64-4f0e-9a57-2d0b8a8e7c11).",
    "uuid_version": "Identifiant UUID attendu (ex. 3f1c6a55-8d64-4f0e-9a57-2d0b8a8e7c11).",
    "datetime_type": "Date et heure attendues (AAAA-MM-JJTHH:MM:SS, avec ou sans fuseau).",
    "datetime_parsing": "Date et heure attendues (AAAA-MM-JJTHH:MM:SS, avec ou sans fuseau).",
    "datetime_from_date_parsing": (
        "Date et heure attendues (AAAA-MM-JJTHH:MM:SS, avec ou sans fuseau)."
    ),
    "datetime_object_invalid": (
        "Date et heure attendues (AAAA-MM-JJTHH:MM:SS, avec ou sans fuseau)."
    ),
    "date_type": "Date attendue (AAAA-MM-JJ).",
    "date_parsing": "Date attendue (AAAA-MM-JJ).",
    "date_from_datetime_parsing": "Date attendue (AAAA-MM-JJ).",
    "date_from_datetime_inexact": "Date attendue (AAAA-MM-JJ), sans heure.",
    "time_type": "Heure attendue (HH:MM:SS).",
    "time_parsing": "Heure attendue (HH:MM:SS).",
    "decimal_type": "Nombre décimal attendu.",
    "decimal_parsing": "Nombre décimal attendu.",
    "url_type": "Adresse web attendue.",
    "url_parsing": "Adresse web attendue.",
    "json_invalid": "JSON illisible.",
}
#: Prefixes pydantic puts before the message of a validator of ours (written in French).
_VALIDATOR_PREFIXES = ("Value error, ", "Assertion failed, ")


def validation_message(problem: Mapping[str, Any]) -> str:
    """The French text of one pydantic validation error (a dict of ``ValidationError.errors``):
    its type's text from :data:`VALIDATION_MESSAGES`, the message of a validator of ours, or a
    general text; never pydantic's English."""
    kind = str(problem.get("type", ""))
    template = VALIDATION_MESSAGES.get(kind)
    if template is not None:
        try:
            return template.format(**dict(problem.get("ctx") or {}))
        except (KeyError, IndexError, ValueError):
            return template.split(" : ")[0].rstrip(".") + "."
    text = str(problem.get("msg", ""))
    if kind in {"value_error", "assertion_error"}:
        for prefix in _VALIDATOR_PREFIXES:
            if text.startswith(prefix):
                return text[len(prefix) :]
    return "Valeur invalide."


def error_response(
    status: int, code: str, message: str, details: list[dict[str, str]] | None = None
) -> HttpResponse:
    """A response with the API's common error body (texts cleaned)."""
    body = {"erreur": {"code": code, "message": message, "details": details or []}}
    return JsonResponse(clean_value(body), status=status, json_dumps_params={"ensure_ascii": False})


def status_error(status: int, request: HttpRequest | None = None) -> HttpResponse:
    """The common body for ``status`` (see :data:`MESSAGES`)."""
    code, message = MESSAGES.get(status, ("erreur", "La requête n'a pas abouti."))
    if status == 405 and request is not None:
        message = f"Méthode {request.method} non autorisée sur cette adresse."
    return error_response(status, code, message)


def _is_json(response: HttpResponse) -> bool:
    return str(response.get("Content-Type", "")).startswith("application/json")


class ApiErrorsMiddleware:
    """Under ``/api/v1/``, an error response that is not JSON (status ≥ 400) is replaced by the
    common body for its status; an exception escaping the API gives a JSON 500 (logged)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not request.path.startswith(API_PREFIX)
            or _is_json(response)
        ):
            return response
        replaced = status_error(response.status_code, request)
        for header in ("Allow", "Retry-After", "WWW-Authenticate"):
            if response.has_header(header):
                replaced[header] = response[header]
        return replaced

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A JSON 500 for an exception raised under ``/api/v1/`` (logged with its traceback)."""
        if not request.path.startswith(API_PREFIX):
            return None
        log.error(
            "Erreur interne de l'API : %s",
            request.path,
            exc_info=exception,
            extra={"request": request},
        )
        return status_error(500)
