"""The nature of a figure, in one vocabulary for the web pages and the reports.

Codes and labels (``NATURES``), declared once:

- ``publiee``: « Donnée publiée », a value published by the source (INSEE, SNCF...), as is;
- ``calcul``: « Calcul », computed from published values by the formula shown;
- ``estimation``: « Estimation (modèle) », modelled from national rates and stated assumptions;
- ``mesure_locale``: « Mesure locale », measured by a local survey of the territory;
- ``non_disponible``: « Donnée non disponible », the source is not loaded or has no value here.

A figure without a value is always ``non_disponible``, whatever its catalogue nature.
"""

from __future__ import annotations

from dataclasses import dataclass

from teletravail.reports.model import Figure

# Start of the source cited by every value measured by a local survey (reports.diagnostic).
LOCAL_SURVEY_SOURCE = "Enquête locale"


@dataclass(frozen=True)
class Nature:
    """A nature of figure: code, label (badge) and description (methodology, glossary)."""

    code: str
    label: str
    description: str


NATURES: dict[str, Nature] = {
    n.code: n
    for n in (
        Nature(
            "publiee",
            "Donnée publiée",
            "valeur publiée par la source (INSEE, SNCF, ANCT…), reprise telle quelle.",
        ),
        Nature(
            "calcul", "Calcul", "calculée à partir de données publiées, selon la formule indiquée."
        ),
        Nature(
            "estimation",
            "Estimation (modèle)",
            "modélisée à partir de taux nationaux publiés et d'hypothèses indiquées ; remplacée "
            "par la mesure locale quand une enquête du territoire en fournit une.",
        ),
        Nature(
            "mesure_locale",
            "Mesure locale",
            "mesurée par une enquête locale du territoire, avec son intervalle de confiance.",
        ),
        Nature(
            "non_disponible",
            "Donnée non disponible",
            "la source n'est pas chargée ou ne publie pas de valeur pour ce territoire.",
        ),
    )
}

# Catalogue natures (indicators.toml) and report natures (Figure.nature) -> codes above.
_CATALOGUE = {"measured": "publiee", "derived": "calcul", "estimated": "estimation"}
_REPORT = {"mesuré": "publiee", "dérivé": "calcul", "estimation": "estimation"}


def catalogue_nature(nature: str) -> Nature:
    """The nature of a catalogue indicator ("measured", "derived", "estimated")."""
    return NATURES[_CATALOGUE.get(nature, "calcul")]


def synthesis_nature(nature: str, *, source: str, available: bool = True) -> Nature:
    """The nature of a synthesis tile or chart (``Tuile.nature``, ``Graphique.nature``:
    "estimation", "calcul", "mesure") in the same vocabulary as the figures: a "mesure" is a
    local survey's measure when its source is the survey, a published value otherwise (tiles
    read « Mesure » for a published house price as for a survey's measure)."""
    if not available:
        return NATURES["non_disponible"]
    if nature == "mesure":
        return NATURES["mesure_locale" if source.startswith(LOCAL_SURVEY_SOURCE) else "publiee"]
    return NATURES.get(nature, NATURES["calcul"])


def figure_nature(figure: Figure) -> Nature:
    """The nature of a figure of a report: not available first, then a local survey's measure,
    then the catalogue's nature."""
    if not figure.disponible:
        return NATURES["non_disponible"]
    if figure.nature == "mesuré" and any(s.startswith(LOCAL_SURVEY_SOURCE) for s in figure.sources):
        return NATURES["mesure_locale"]
    return NATURES[_REPORT.get(figure.nature, "calcul")]
