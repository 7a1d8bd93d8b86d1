"""One vocabulary for the nature of a figure (web and reports)."""

from __future__ import annotations

import pytest

from teletravail.diagnostic.catalogue import load_indicator_catalogue
from teletravail.reports.model import Figure
from teletravail.reports.nature import NATURES, catalogue_nature, figure_nature


def _figure(nature: str, *, disponible: bool = True, source: str = "INSEE, RP 2018") -> Figure:
    return Figure(
        id="x",
        libelle="X",
        valeur=1.0 if disponible else None,
        texte="1" if disponible else "donnée non disponible",
        unite="",
        nature=nature,  # type: ignore[arg-type]
        sources=(source,),
        disponible=disponible,
    )


@pytest.mark.parametrize("nature", ["mesuré", "dérivé", "estimation"])
def test_a_missing_figure_is_never_badged_measured(nature: str) -> None:
    """A figure without a value was badged « mesuré » (success colour) on the diagnostic."""
    assert figure_nature(_figure(nature, disponible=False)).label == "Donnée non disponible"


def test_published_calculated_estimated_and_local() -> None:
    assert figure_nature(_figure("mesuré")).label == "Donnée publiée"
    assert figure_nature(_figure("dérivé")).label == "Calcul"
    assert figure_nature(_figure("estimation")).label == "Estimation (modèle)"
    local = _figure("mesuré", source="Enquête locale « Mobilités », du 01/03/2026 au 31/03/2026")
    assert figure_nature(local).label == "Mesure locale"


def test_every_catalogue_nature_has_a_label() -> None:
    labels = {n.label for n in NATURES.values()}
    for ind in load_indicator_catalogue().indicators:
        assert catalogue_nature(ind.nature).label in labels


def test_synthesis_tiles_and_charts_use_the_figures_vocabulary() -> None:
    """Tiles read « Estimation », « Calcul », « Mesure » (a published price as a survey's)."""
    from teletravail.reports.nature import LOCAL_SURVEY_SOURCE, NATURES, synthesis_nature

    assert synthesis_nature("mesure", source="DVF (2024)").label == "Donnée publiée"
    survey = f"{LOCAL_SURVEY_SOURCE} « Enquête 2025 », du 04/01/2025 au 23/02/2025"
    assert synthesis_nature("mesure", source=survey).label == "Mesure locale"
    assert synthesis_nature("estimation", source="").label == NATURES["estimation"].label
    assert synthesis_nature("calcul", source="").label == "Calcul"
    assert synthesis_nature("mesure", source="x", available=False).code == "non_disponible"
