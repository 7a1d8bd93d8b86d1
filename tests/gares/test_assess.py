"""Holding a station against the portrait-robot: levels, unknowns, themes, gaps, checklist."""

from __future__ import annotations

import pytest

from teletravail.errors import InputError
from teletravail.gares.assess import UNKNOWN_DATA, assess, level_of, theme_level
from teletravail.gares.catalogue import load_portrait


def _level(feature_id: str, value: object) -> int | None:
    return level_of(load_portrait().feature(feature_id), value)


@pytest.mark.parametrize(
    ("feature_id", "value", "expected"),
    [
        # croissant: seuils 1, 20, 50
        ("trains_par_jour", 0, 0),
        ("trains_par_jour", 1, 1),
        ("trains_par_jour", 19, 1),
        ("trains_par_jour", 20, 2),
        ("trains_par_jour", 49, 2),
        ("trains_par_jour", 50, 3),
        ("trains_par_jour", 312, 3),
        # croissant with negative thresholds: -10, 0, 15 (%)
        ("evolution_frequentation", -25.0, 0),
        ("evolution_frequentation", -10.0, 1),
        ("evolution_frequentation", 0.0, 2),
        ("evolution_frequentation", 14.9, 2),
        ("evolution_frequentation", 15.0, 3),
        # croissant with a skipped level: 1, 1, 2 France services
        ("france_services", 0, 0),
        ("france_services", 1, 2),
        ("france_services", 2, 3),
        # decroissant: 120, 75, 45 minutes
        ("duree_metropole", 150, 0),
        ("duree_metropole", 121, 0),
        ("duree_metropole", 120, 1),
        ("duree_metropole", 76, 1),
        ("duree_metropole", 75, 2),
        ("duree_metropole", 45, 3),
        ("duree_metropole", 12, 3),
        # decroissant in hours: 8:00, 7:00, 6:00
        ("premier_train", "08:01", 0),
        ("premier_train", "08:00", 1),
        ("premier_train", "06:31", 2),
        ("premier_train", "05:50", 3),
        # croissant in hours, service day past midnight: 18:00, 20:00, 22:00
        ("dernier_train", "17:59", 0),
        ("dernier_train", "19:30", 1),
        ("dernier_train", "21:59", 2),
        ("dernier_train", "24:10", 3),
        # booleen: oui 2, non 0
        ("wifi_gare", True, 2),
        ("wifi_gare", False, 0),
        # liste: non vide 3, vide 2
        ("lignes_urbaines", ["T1", "T2"], 3),
        ("lignes_urbaines", [], 2),
        # croissant where 0 is already satisfying: 0, 0, 1
        ("autres_gares", 0, 2),
        ("autres_gares", 1, 3),
        # unknown: never 0
        ("trains_par_jour", None, None),
        ("wifi_gare", None, None),
        ("lignes_urbaines", None, None),
        ("vacance_logements", float("nan"), None),
    ],
)
def test_level_thresholds_in_each_direction(
    feature_id: str, value: object, expected: int | None
) -> None:
    assert _level(feature_id, value) == expected


@pytest.mark.parametrize(
    ("feature_id", "value"),
    [
        ("trains_par_jour", "beaucoup"),
        ("trains_par_jour", True),
        ("premier_train", "6h30"),
        ("wifi_gare", "oui"),
        ("lignes_urbaines", "T1"),
    ],
)
def test_value_of_the_wrong_type_is_a_french_error(feature_id: str, value: object) -> None:
    with pytest.raises(InputError, match=f"Caractéristique « {feature_id} »"):
        _level(feature_id, value)


def test_unknown_data_has_no_level_and_no_gap() -> None:
    portrait = load_portrait()
    result = assess({"departs_train": None})  # absent keys and None alike
    data = [f for f in result.caracteristiques if f.observation == "donnee"]
    assert data and all(f.niveau is None for f in data)
    assert {f.niveau_libelle for f in data} == {UNKNOWN_DATA}
    assert {f.statut for f in data} == {"donnee_non_disponible"}
    assert result.ecarts == []
    assert all(t.niveau is None and t.niveau_libelle == "non évalué" for t in result.themes)
    assert sum(t.inconnues for t in result.themes) == len(portrait.features)
    terrain = [f.id for f in portrait.features if f.observation == "terrain"]
    assert [c.id for c in result.a_observer] == terrain
    assert all(len(c.reponses) == 4 and c.question for c in result.a_observer)


def test_theme_level_is_the_floor_of_the_mean_of_known_levels() -> None:
    assert theme_level([3, 1]) == (2, 2.0)
    assert theme_level([2, 1, None, None]) == (1, 1.5)
    assert theme_level([3, 2, 2, 2]) == (2, 2.25)
    assert theme_level([0]) == (0, 0.0)
    assert theme_level([None, None]) == (None, None)
    assert theme_level([]) == (None, None)


def test_assessment_levels_themes_gaps_and_checklist() -> None:
    features = {
        "departs_train": 64,  # 3
        "departs_car": 0,  # 0
        "premier_depart": "05:48",  # 3
        "dernier_depart": "22:41",  # 3
        "duree_metropole_min": 37,  # 3
        "allers_avant_9h": 7,  # 3
        "retours_apres_17h30": 5,  # 2
        "lignes_urbaines_1km": [],  # 2
        "autres_gares_1km": None,  # unknown
        "wifi": True,  # 2
        "voyageurs_2023": 1_094_295,  # 3
    }
    observations = {"stationnement_velo": 1, "espace_travail": 3, "mixite_usages": None}
    result = assess(features, observations)
    by_id = {f.id: f for f in result.caracteristiques}
    assert by_id["trains_par_jour"].niveau == 3
    assert by_id["trains_par_jour"].valeur == 64
    assert by_id["trains_par_jour"].sources == ["gtfs_ter", "gtfs_longue_distance"]
    assert by_id["autres_gares"].niveau is None
    assert by_id["stationnement_velo"].niveau_libelle == "à renforcer"
    assert by_id["mixite_usages"].statut == "non_observe"
    themes = {t.id: t for t in result.themes}
    # pôle multimodal: 3, 0, 3, 3, 3, 3, 2, 2 and the bike parking 1 -> 20 / 9 = 2.22 -> 2
    pole = themes["pole_multimodal"]
    assert (pole.niveau, pole.moyenne, pole.connues, pole.inconnues) == (2, 2.22, 9, 4)
    assert pole.niveau_libelle == "satisfaisant"
    # services: wifi 2 and the workspace 3 -> 2.5 -> 2
    assert (themes["services_en_gare"].niveau, themes["services_en_gare"].connues) == (2, 2)
    assert themes["quartier"].niveau is None and themes["quartier"].inconnues == 8
    assert themes["usages"].niveau == 3
    gaps = {g.id: g for g in result.ecarts}
    assert set(gaps) == {"cars_par_jour", "stationnement_velo"}
    assert gaps["cars_par_jour"].niveau_libelle == "absent"
    velo = gaps["stationnement_velo"].actions
    assert velo[0].texte.startswith("Installer une consigne vélo sécurisée")
    assert "SNCF Gares & Connexions" in velo[0].porteurs
    observed = {c.id for c in result.a_observer}
    assert "stationnement_velo" not in observed and "espace_travail" not in observed
    assert "mixite_usages" in observed


@pytest.mark.parametrize(
    ("observations", "words"),
    [
        ({"stationnement_velo": 4}, "Observation « stationnement_velo » : niveau « 4 »"),
        ({"stationnement_velo": -1}, "niveau « -1 » invalide"),
        ({"stationnement_velo": True}, "niveau « True » invalide"),
        ({"parking": 2}, "Observation « parking » inconnue"),
        ({"trains_par_jour": 2}, "Observation « trains_par_jour » inconnue"),
    ],
)
def test_bad_observation_is_a_french_error(observations: dict[str, int], words: str) -> None:
    with pytest.raises(InputError) as info:
        assess({}, observations)
    assert words in str(info.value)
