"""Template context shared by every page."""

from __future__ import annotations

from django.http import HttpRequest

SITE_TITLE = "Télétravail et villes moyennes"
SITE_TAGLINE = "Diagnostic territorial et outils de la Fabrique Prospective ANCT"
#: Pages (URL names) holding a search form ``id="recherche"``: only there does the skip link
#: « Recherche » appear (elsewhere it led nowhere).
SEARCH_PAGES = frozenset({"home", "team_new", "diagnostics:compare"})


def skiplinks(request: HttpRequest) -> list[dict[str, str]]:
    """The DSFR skip links of a page: content, menu, the search form where there is one, footer."""
    links = [{"link": "#content", "label": "Contenu"}, {"link": "#navigation", "label": "Menu"}]
    match = request.resolver_match
    if match is not None and match.view_name in SEARCH_PAGES:
        links.append({"link": "#recherche", "label": "Recherche"})
    return [*links, {"link": "#footer", "label": "Pied de page"}]


#: Sections of the main menu and the paths they hold: the menu marks the section of the page
#: (``aria-current``, drawn by the DSFR), so that one sees where one is.
NAV_SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("territoires", ("/territoires/", "/comparer/")),
    ("classement", ("/classement/",)),
    ("gares", ("/gares/",)),
    ("impact", ("/impact/",)),
    ("methodologie", ("/methodologie/", "/glossaire/")),
    ("sources", ("/sources/",)),
    ("equipes", ("/equipes/", "/grille/", "/programmes/")),
    ("enquetes", ("/enquetes/",)),
)


def nav_section(path: str) -> str:
    """The menu's section of the page at ``path`` ("" for pages outside the menu)."""
    if path == "/":
        return "territoires"
    return next((name for name, prefixes in NAV_SECTIONS if path.startswith(prefixes)), "")


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
        "skiplinks": skiplinks(request),
        "nav_section": nav_section(request.path),
    }
