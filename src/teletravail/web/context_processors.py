"""Template context shared by every page."""

from __future__ import annotations

from django.http import HttpRequest

SITE_TITLE = "Télétravail et villes moyennes"
SITE_TAGLINE = "Diagnostic territorial et outils de la Fabrique Prospective ANCT"


def site(request: HttpRequest) -> dict[str, object]:
    """The DSFR site configuration (kept in code: no database query per page)."""
    return {
        "SITE_CONFIG": {
            "site_title": SITE_TITLE,
            "site_tagline": SITE_TAGLINE,
            "header_brand": "République\nfrançaise",
            "footer_brand": "République\nfrançaise",
            "footer_description": SITE_TAGLINE,
            "mourning": False,
        },
        "skiplinks": [
            {"link": "#content", "label": "Contenu"},
            {"link": "#recherche", "label": "Recherche"},
            {"link": "#footer", "label": "Pied de page"},
        ],
    }
