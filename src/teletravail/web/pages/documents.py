"""The French methodology documents (``docs/methodologie/*.md``) as web pages.

The Markdown files ship with the package: ``src/teletravail/methodologie`` is a link to
``docs/methodologie`` (one copy of each text, edited where it has always been), and the package data
of ``pyproject.toml`` puts the files in the installed package. A checkout where the link is a plain
file (Git without symbolic links) still finds them in the repository's ``docs`` folder.

They are rendered with markdown-it-py: CommonMark plus tables, raw HTML disabled (a ``<`` in a
document is shown, never interpreted), tables wrapped in the DSFR ``fr-table`` container, second-level
headings given an anchor, and links between the documents turned into links between the pages.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererProtocol
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

import teletravail


@dataclass(frozen=True)
class Document:
    """One methodology document: URL slug, file name, short label and what it explains (for the
    links to it)."""

    slug: str
    filename: str
    label: str
    summary: str


DOCUMENTS: tuple[Document, ...] = (
    Document(
        "synthese",
        "synthese.md",
        "Synthèse du diagnostic",
        "les six chiffres clés et leurs comparaisons, les règles des phrases, les données "
        "manquantes et la lecture des quatre graphiques.",
    ),
    Document(
        "navettes",
        "navettes.md",
        "Navettes domicile-travail",
        "où travaillent les actifs de chaque territoire ; le modèle qui estime les trajets "
        "domicile-travail, sa comparaison avec des flux observés (tableau de validation) et son "
        "usage dans le scénario carbone.",
    ),
    Document(
        "desserte-ferroviaire",
        "desserte-ferroviaire.md",
        "Desserte ferroviaire des gares",
        "trains et cars comptés à part, gares à moins de 5 km qui desservent une commune, "
        "réseaux absents des horaires (donnée non disponible, pas un zéro), départs arrivant "
        "dans la métropole avant 9 h.",
    ),
    Document(
        "impact-teletravail",
        "impact-teletravail.md",
        "Impact environnemental du télétravail",
        "méthode ADEME Impact CO2, bilan ADEME avec effets rebond, scénarios territoriaux et "
        "hypothèses par défaut.",
    ),
    Document(
        "enquetes",
        "enquetes.md",
        "Enquêtes locales",
        "calcul de chaque résultat, intervalles de confiance, secret statistique et règle selon "
        "laquelle une enquête remplace l'estimation nationale.",
    ),
    Document(
        "portrait-gare",
        "portrait-gare.md",
        "Portrait-robot du quartier de gare",
        "l'échelle des niveaux, chaque caractéristique du quartier de gare (calculée ou observée "
        "sur place), ses seuils, son intérêt pour le télétravail et les actions qui comblent un "
        "écart.",
    ),
    Document(
        "grille-projet",
        "grille-projet.md",
        "Grille d'analyse d'un projet de lieu",
        "les critères d'un lieu adapté au télétravail et leurs niveaux, les faits calculés qui "
        "suggèrent une note, l'agrégation des notes de plusieurs évaluateurs, les poids (AHP), "
        "le classement des sites (WSM, TOPSIS, PROMETHEE II) et l'analyse de sensibilité.",
    ),
    Document(
        "programmes",
        "programmes.md",
        "Programmes d'actions",
        "les statuts des actions, le budget et les financements, l'avancement des indicateurs "
        "suivis, le calendrier, la synthèse pour le conseil et le classeur du programme.",
    ),
)
BY_SLUG = {d.slug: d for d in DOCUMENTS}

# Links written between the documents (relative to docs/methodologie/) and their web pages; a link to
# any other file of the repository becomes plain text.
_LINKS = {
    **{d.filename: f"/methodologie/{d.slug}/" for d in DOCUMENTS},
    "indicateurs.md": "/methodologie/",
    "../sources.md": "/sources/",
}


def documents_dir() -> Path:
    """The folder holding the methodology Markdown files (installed package first)."""
    packaged = Path(teletravail.__file__).resolve().parent / "methodologie"
    if packaged.is_dir():
        return packaged
    return Path(teletravail.__file__).resolve().parents[2] / "docs" / "methodologie"


def _slugify(text: str) -> str:
    """An ASCII anchor from a heading ("Réseaux absents…" -> "reseaux-absents")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "section"


@dataclass(frozen=True)
class Section:
    """A second-level heading of a document: anchor and its text as HTML (code kept as code), for
    the summary."""

    anchor: str
    title_html: str


@dataclass(frozen=True)
class Rendered:
    """A rendered document: its first heading (page title), the HTML of the rest, its sections."""

    title: str
    html: str
    sections: tuple[Section, ...]


def _fixed(
    html: str,
) -> Callable[[RendererProtocol, Sequence[Token], int, OptionsDict, EnvType], str]:
    """A render rule that always writes ``html`` (a markdown-it rule is bound to the renderer)."""

    def rule(
        renderer: RendererProtocol,
        tokens: Sequence[Token],
        idx: int,
        options: OptionsDict,
        env: EnvType,
    ) -> str:
        return html

    return rule


def _renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.add_render_rule("table_open", _fixed('<div class="fr-table">\n<table>\n'))
    md.add_render_rule("table_close", _fixed("</table>\n</div>\n"))
    # column headers get their scope; the alignment markdown-it writes as a style attribute is
    # dropped (the content security policy forbids inline styles)
    md.add_render_rule("th_open", _fixed('<th scope="col">'))
    md.add_render_rule("td_open", _fixed("<td>"))
    return md


_MD = _renderer()


def _rewrite_links(tokens: list[Token]) -> None:
    """Point links between documents at their pages; drop links to other repository files."""
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        children: list[Token] = []
        dropped = 0  # link_open tokens removed, whose link_close must go too
        for child in token.children:
            if child.type == "link_open":
                href = str(child.attrGet("href") or "")
                target, _, anchor = href.partition("#")
                if href.startswith(("http://", "https://", "mailto:", "#")):
                    pass
                elif target in _LINKS:
                    child.attrSet("href", _LINKS[target] + (f"#{anchor}" if anchor else ""))
                else:
                    dropped += 1
                    continue
            elif child.type == "link_close" and dropped:
                dropped -= 1
                continue
            children.append(child)
        token.children = children


def render_document(text: str) -> Rendered:
    """Render one Markdown document: the first ``#`` heading becomes the title (taken out of the
    HTML, the page shows it as its ``h1``); ``##`` headings get an anchor (for the summary)."""
    tokens = _MD.parse(text)
    title = ""
    sections: list[Section] = []
    used: set[str] = set()
    kept: list[Token] = []
    skip = 0
    for i, token in enumerate(tokens):
        if skip:
            skip -= 1
            continue
        if token.type == "heading_open" and token.tag == "h1" and not title:
            title = tokens[i + 1].content
            skip = 2  # the inline text and heading_close
            continue
        if token.type == "heading_open" and token.tag == "h2":
            heading = tokens[i + 1].content
            anchor = base = _slugify(heading.replace("`", ""))
            n = 2
            while anchor in used:
                anchor, n = f"{base}-{n}", n + 1
            used.add(anchor)
            token.attrSet("id", anchor)
            sections.append(Section(anchor, _MD.renderInline(heading)))
        kept.append(token)
    _rewrite_links(kept)
    html = _MD.renderer.render(kept, _MD.options, {})
    return Rendered(title=title, html=html, sections=tuple(sections))


def load_document(slug: str) -> tuple[Document, Rendered] | None:
    """The document of ``slug`` rendered, or None when no document has that slug."""
    doc = BY_SLUG.get(slug)
    if doc is None:
        return None
    path = documents_dir() / doc.filename
    return doc, _rendered(str(path), path.stat().st_mtime_ns)


@lru_cache(maxsize=64)
def _rendered(path: str, mtime_ns: int) -> Rendered:
    """The document at ``path`` rendered once per process for each modification time
    (``mtime_ns``, nanoseconds): an edited file is rendered again at its next request."""
    return render_document(Path(path).read_text(encoding="utf-8"))
