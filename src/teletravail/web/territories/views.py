"""Home page with the territory search, and the territory card page."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from teletravail.errors import LookupFailed
from teletravail.territory.card import EPCI_TYPES, POPULATION_VINTAGE
from teletravail.web.territories import service

MAX_QUERY = 200
# EPCI type -> its glossary entry (/glossaire/#anchor).
EPCI_ANCHORS = {"CC": "cc", "CA": "ca", "CU": "cu", "METRO": "metropole", "MET69": "metropole"}


def home(request: HttpRequest) -> HttpResponse:
    """Home page: the search form and, with ``?q=``, the matching territories."""
    typed = request.GET.get("q", "").strip()
    query = typed[:MAX_QUERY]
    error = ""
    if len(typed) > MAX_QUERY:
        error = f"La recherche compte {len(typed)} caractères : {MAX_QUERY} au plus."
    elif query and not any(c.isalnum() for c in query):
        error = (
            "Saisissez au moins une lettre ou un chiffre : le nom d'une commune ou d'un EPCI, "
            "un code INSEE (5 caractères), un SIREN (9 chiffres) ou un code postal (5 chiffres)."
        )
    results = service.search(query).matches if query and not error else ()
    title = ("Erreur — " if error else "") + (f"Recherche « {query} »" if query else "Accueil")
    return render(
        request,
        "territories/home.html",
        {
            "title": title,
            "query": query,
            "results": results,
            "kind_labels": service.KIND_LABELS,
            "error": error,
            "epci_types": EPCI_TYPES,
            "epci_anchors": EPCI_ANCHORS,
            "population_vintage": POPULATION_VINTAGE,
        },
    )


def territory(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    """The card of a commune or an EPCI: every figure with its source."""
    if kind not in service.KIND_LABELS:
        raise Http404("Type de territoire inconnu : « commune » ou « epci ».")
    try:
        card = service.card(kind, code)
    except LookupFailed as exc:
        raise Http404(str(exc)) from exc
    sources = {s.id: s for s in card.sources}
    return render(
        request,
        "territories/territory.html",
        {
            "title": card.nom,
            "card": card,
            "sources": sources,
            "epci_anchor": EPCI_ANCHORS.get(card.epci_type or "", "epci"),
        },
    )
