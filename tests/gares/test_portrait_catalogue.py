"""The portrait-robot declaration: what it covers, and the French errors of its strict loader."""

from __future__ import annotations

from pathlib import Path

import pytest

from teletravail.errors import SourceError
from teletravail.gares.catalogue import (
    CONTEXT_FIELDS,
    FIELDS,
    load_portrait,
    parse_portrait,
)

TOML = Path(__file__).resolve().parents[2] / "src" / "teletravail" / "gares" / "portrait.toml"


def test_profile_covers_the_themes_and_every_measurable_field() -> None:
    portrait = load_portrait()
    assert [t.libelle for t in portrait.themes] == [
        "Pôle multimodal",
        "Services en gare",
        "Quartier",
        "Usages",
    ]
    assert [lv.libelle for lv in portrait.levels] == [
        "absent",
        "à renforcer",
        "satisfaisant",
        "exemplaire",
    ]
    champs = [f.champ for f in portrait.features if f.observation == "donnee"]
    assert len(champs) == len(set(champs))
    # every contract field is either levelled by exactly one feature or context
    assert set(champs) | CONTEXT_FIELDS == set(FIELDS)
    assert not set(champs) & CONTEXT_FIELDS
    terrain = [f for f in portrait.features if f.observation == "terrain"]
    assert 8 <= len(terrain) <= 12
    for theme in portrait.themes:
        assert portrait.of_theme(theme.id), theme.id
    for f in portrait.features:
        assert f.actions and all(a.porteurs for a in f.actions), f.id


def test_fields_match_the_station_features_model() -> None:
    features = pytest.importorskip(
        "teletravail.gares.features", reason="module de données des gares pas encore fusionné"
    )
    assert tuple(features.StationFeatures.model_fields) == FIELDS


def _broken(old: str, new: str) -> str:
    text = TOML.read_text("utf-8")
    assert old in text, old
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            'champ = "departs_train"',
            'champ = "departs_trains"',
            [
                "caractéristique « trains_par_jour »",
                "clé « champ »",
                "champ inconnu",
                "departs_trains",
            ],
        ),
        (
            'champ = "departs_train"',
            'champ = "nom"',
            ["« trains_par_jour »", "clé « champ »", "champ de contexte", "« nom »"],
        ),
        (
            "seuils = [1, 20, 50]",
            "seuils = [50, 20, 1]",
            ["« trains_par_jour »", "clé « seuils »", "doivent croître", "[50.0, 20.0, 1.0]"],
        ),
        (
            "seuils = [120, 75, 45]",
            "seuils = [45, 75, 120]",
            ["« duree_metropole »", "clé « seuils »", "doivent décroître"],
        ),
        (
            "seuils = [1, 20, 50]",
            'seuils = "1-20-50"',
            ["« trains_par_jour »", "clé « seuils »", "doit être une liste", "1-20-50"],
        ),
        (
            "seuils = [1, 20, 50]",
            "seuils = [1, 20]",
            ["« trains_par_jour »", "clé « seuils »", "trois seuils"],
        ),
        (
            'sens = "croissant"',
            'sens = "montant"',
            ["« trains_par_jour »", "clé « sens »", "valeur non admise", "montant"],
        ),
        (
            'id = "trains_par_jour"',
            'id = "trains_par_jour"\ncouleur = "rouge"',
            ["« trains_par_jour »", "clé « couleur »", "clé inconnue", "rouge"],
        ),
        (
            'id = "cars_par_jour"',
            'id = "trains_par_jour"',
            ["« trains_par_jour »", "clé « id »", "identifiant en double"],
        ),
        (
            'theme = "usages"',
            'theme = "usage"',
            ["« frequentation »", "clé « theme »", "thème inconnu", "« usage »"],
        ),
        (
            'sources = ["france_services"]',
            'sources = ["maisons_services"]',
            ["« france_services »", "clé « sources »", "source inconnue", "maisons_services"],
        ),
        (
            "niveau_oui = 2",
            "niveau_oui = 5",
            ["« wifi_gare »", "clé « niveau_oui »", "niveau attendu de 0 à 3", "« 5 »"],
        ),
        (
            '  "Aucun stationnement vélo, ou seulement des arceaux non abrités.",\n',
            "",
            ["« stationnement_velo »", "clé « reponses »", "une réponse non vide par niveau"],
        ),
        (
            'question = "Existe-t-il un stationnement vélo',
            'champ = "wifi"\nquestion = "Existe-t-il un stationnement vélo',
            ["« stationnement_velo »", "clé « champ »", "sans objet pour une observation"],
        ),
        (
            'unite = "départs par jour"',
            "unite = 3",
            ["« trains_par_jour »", "clé « unite »", "doit être un texte", "« 3 »"],
        ),
    ],
)
def test_bad_declaration_names_file_feature_key_and_value(
    old: str, new: str, expected: list[str]
) -> None:
    with pytest.raises(SourceError) as info:
        parse_portrait(_broken(old, new), "essai.toml")
    message = str(info.value)
    assert message.startswith("essai.toml : "), message
    for words in expected:
        assert words in message, (words, message)


def test_invalid_toml_and_missing_key_are_said_in_french() -> None:
    with pytest.raises(SourceError, match=r"essai\.toml : TOML invalide"):
        parse_portrait("[[theme]\n", "essai.toml")
    with pytest.raises(SourceError) as info:
        parse_portrait(_broken('pourquoi = "Un télétravailleur qui ne va', 'x = "'), "essai.toml")
    assert "clé « pourquoi » : clé manquante" in str(info.value)
