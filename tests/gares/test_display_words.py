"""Station values as a user reads them (issue 9, section 4): a duration in the one format of the
site (« 1 h 24 min », not « 84 minutes »), counts that agree (« 1 caractéristique évaluée »)."""

from __future__ import annotations

from teletravail.gares.assess import FeatureLevel
from teletravail.gares.display import value_text


def _level(value: float, unit: str, field: str) -> FeatureLevel:
    return FeatureLevel(
        id="f",
        theme="t",
        libelle="Trajet le plus rapide vers une métropole",
        observation="donnee",
        champ=field,
        valeur=value,
        unite=unit,
        niveau=2,
        niveau_libelle="satisfaisant",
        statut="evalue",
        sources=[],
    )


def test_durations_in_the_site_s_format() -> None:
    fields = {"metropole_nom": "Rennes Métropole"}
    level = _level(84, "minutes", "duree_metropole_min")
    assert value_text(level, fields) == "1 h 24 min (Rennes Métropole)"
    assert value_text(_level(45, "minutes", "duree_metropole_min"), {}) == "45 min"


def test_counted_units_agree() -> None:
    assert value_text(_level(1, "départs", "departs_train"), {}) == "1 départ"
    assert value_text(_level(12, "départs", "departs_train"), {}) == "12 départs"
