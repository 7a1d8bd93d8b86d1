"""The glossary of the terms and acronyms used on the pages (/glossaire/), declared once.

Each term has an anchor (``/glossaire/#epci``) that pages link to, a short French definition and,
where relevant, the source of the definition.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class Term:
    """A glossary entry: anchor, term, expansion of an acronym, definition, source."""

    anchor: str
    term: str
    expansion: str
    definition: str
    source: str = ""


TERMS: tuple[Term, ...] = (
    Term(
        "aav",
        "AAV",
        "aire d'attraction des villes",
        "Ensemble de communes d'un seul tenant formé d'un pôle de population et d'emploi et des "
        "communes dont au moins 15 % des actifs occupés travaillent dans le pôle (la couronne).",
        "INSEE, zonage en aires d'attraction des villes 2020",
    ),
    Term(
        "acv",
        "ACV",
        "Action Cœur de Ville",
        "Programme national lancé en 2018 pour revitaliser le centre de 234 villes moyennes "
        "(logement, commerce, mobilité, services).",
        "ANCT, programme Action Cœur de Ville",
    ),
    Term(
        "ca",
        "CA",
        "communauté d'agglomération",
        "EPCI d'au moins 50 000 habitants d'un seul tenant autour d'une ou plusieurs communes "
        "centres de plus de 15 000 habitants.",
        "Code général des collectivités territoriales, art. L5216-1",
    ),
    Term(
        "cc",
        "CC",
        "communauté de communes",
        "EPCI regroupant des communes d'un seul tenant, en général rurales ou périurbaines, "
        "d'au moins 15 000 habitants sauf dérogation.",
        "Code général des collectivités territoriales, art. L5214-1",
    ),
    Term(
        "cog",
        "COG",
        "code officiel géographique",
        "Liste officielle des communes, départements, régions et de leurs codes, tenue par "
        "l'INSEE et mise à jour chaque 1er janvier.",
        "INSEE",
    ),
    Term(
        "cu",
        "CU",
        "communauté urbaine",
        "EPCI de plus de 250 000 habitants d'un seul tenant, aux compétences plus étendues "
        "qu'une communauté d'agglomération.",
        "Code général des collectivités territoriales, art. L5215-1",
    ),
    Term(
        "epci",
        "EPCI",
        "établissement public de coopération intercommunale",
        "Groupement de communes qui exercent ensemble des compétences (transports, "
        "développement économique, habitat…) : communauté de communes, d'agglomération, "
        "communauté urbaine ou métropole. Le SIREN à 9 chiffres l'identifie.",
        "Code général des collectivités territoriales",
    ),
    Term(
        "ftth",
        "FttH",
        "fibre optique jusqu'à l'abonné (Fiber to the Home)",
        "Réseau dont la fibre optique arrive jusque dans le logement ou le local ; la part des "
        "locaux raccordables mesure la couverture d'une commune.",
        "ARCEP",
    ),
    Term(
        "gtfs",
        "GTFS",
        "General Transit Feed Specification",
        "Format ouvert des horaires de transport public (arrêts, lignes, horaires, jours de "
        "circulation) publié par les opérateurs ; la desserte des gares en est calculée.",
        "SNCF, horaires TER et TGV",
    ),
    Term(
        "intervalle-de-confiance",
        "Intervalle de confiance",
        "",
        "Fourchette de valeurs qui contient la vraie valeur avec une probabilité donnée (ici "
        "95 %) ; plus l'enquête compte de réponses, plus la fourchette est étroite.",
    ),
    Term(
        "insee",
        "INSEE",
        "Institut national de la statistique et des études économiques",
        "Producteur de la statistique publique : recensement de la population, revenus, "
        "emploi, géographie officielle.",
    ),
    Term(
        "iris",
        "IRIS",
        "îlots regroupés pour l'information statistique",
        "Découpage des communes de plus de 5 000 habitants en quartiers d'environ 2 000 "
        "habitants, la plus petite maille de diffusion du recensement.",
        "INSEE",
    ),
    Term(
        "metropole",
        "Métropole",
        "",
        "EPCI de plus de 400 000 habitants (ou centre d'une zone d'emploi de cette taille) aux "
        "compétences les plus étendues ; la Métropole de Lyon est une collectivité à statut "
        "particulier.",
        "Code général des collectivités territoriales, art. L5217-1",
    ),
    Term(
        "ort",
        "ORT",
        "opération de revitalisation de territoire",
        "Convention entre l'État, l'intercommunalité et ses communes pour revitaliser un centre-"
        "ville (habitat, commerce, urbanisme), prévue par la loi ELAN de 2018.",
        "Code de la construction et de l'habitation, art. L303-2",
    ),
    Term(
        "pvd",
        "PVD",
        "Petites villes de demain",
        "Programme national lancé en 2020 pour les communes de moins de 20 000 habitants qui "
        "exercent des fonctions de centralité.",
        "ANCT, programme Petites villes de demain",
    ),
    Term(
        "siren",
        "SIREN",
        "",
        "Numéro à 9 chiffres qui identifie une entreprise ou un organisme public, dont chaque "
        "EPCI et chaque commune.",
        "INSEE, répertoire Sirene",
    ),
    Term(
        "teletravail-occasionnel",
        "Télétravail occasionnel",
        "",
        "Télétravail pratiqué moins d'un jour par semaine en moyenne.",
        "INSEE, Dares",
    ),
    Term(
        "teletravail-regulier",
        "Télétravail régulier",
        "",
        "Télétravail pratiqué au moins un jour par semaine.",
        "INSEE, Dares",
    ),
    Term(
        "tiers-lieu",
        "Tiers-lieu",
        "",
        "Lieu de travail partagé hors du domicile et de l'entreprise (espace de coworking, "
        "fablab, atelier partagé…), ouvert à plusieurs organisations et indépendants.",
        "France Tiers-Lieux",
    ),
    Term(
        "uc",
        "UC",
        "unité de consommation",
        "Unité qui rend comparables les revenus de ménages de tailles différentes : 1 pour le "
        "premier adulte, 0,5 pour chaque autre personne de 14 ans ou plus, 0,3 pour chaque "
        "enfant de moins de 14 ans.",
        "INSEE, échelle de l'OCDE modifiée",
    ),
)


# Acronyms linked to the glossary wherever a page's text uses them (whole words, case as written),
# and phrases that name a glossary term.
_LINKED = {t.term: t for t in TERMS if t.term.isupper() or t.term == "FttH"}
_PHRASES = {
    "intervalle de confiance": "intervalle-de-confiance",
    "unité de consommation": "uc",
    "IC 95 %": "intervalle-de-confiance",
}
LINK_PATTERN = re.compile(
    r"\b("
    + "|".join(re.escape(p) for p in sorted([*_LINKED, *_PHRASES], key=len, reverse=True))
    + r")(?![\w-])"
)


def link_terms(text: str, url: str) -> str:
    """``text`` as HTML (escaped) with each glossary acronym or phrase linked to its entry of
    the glossary page at ``url``, its expansion in an ``<abbr>`` title."""
    out: list[str] = []
    last = 0
    for m in LINK_PATTERN.finditer(text):
        word = m.group(1)
        term = _LINKED.get(word)
        anchor = term.anchor if term else _PHRASES[word]
        inner = (
            f'<abbr title="{escape(term.expansion)}">{escape(word)}</abbr>'
            if term and term.expansion
            else escape(word)
        )
        out += [escape(text[last : m.start()]), f'<a href="{url}#{anchor}">{inner}</a>']
        last = m.end()
    out.append(escape(text[last:]))
    return "".join(out)
