"""The grid declaration: what it covers, and the French errors of its strict loader."""

from __future__ import annotations

from pathlib import Path

import pytest

from teletravail.errors import SourceError
from teletravail.grille.catalogue import FACTS, load_grid, parse_grid, suggested_level

TOML = Path(__file__).resolve().parents[2] / "src" / "teletravail" / "grille" / "grille.toml"


def test_grid_covers_the_issue_themes() -> None:
    grid = load_grid()
    assert [t.libelle for t in grid.themes] == [
        "Besoin et demande",
        "Localisation et accès",
        "Sobriété foncière et bâtimentaire",
        "Offre et services",
        "Modèle économique",
        "Gouvernance et partenariats",
        "Vie locale et inclusion",
        "Bilan environnemental",
    ]
    assert [lv.valeur for lv in grid.levels] == [0, 1, 2, 3, 4]
    assert all(len(c.niveaux) == 5 and c.recommandations for c in grid.criteria)
    used = {c.fait for c in grid.criteria if c.fait}
    assert used == set(FACTS), "every fact of the contract informs a criterion"


@pytest.mark.parametrize(
    ("criterion", "value", "level"),
    [
        ("acces_gare", 0.3, 4),
        ("acces_gare", 0.4, 4),
        ("acces_gare", 0.41, 3),
        ("acces_gare", 3.0, 1),
        ("acces_gare", 3.5, 0),
        ("desserte_ferroviaire", 0, 0),
        ("desserte_ferroviaire", 20, 3),
        ("desserte_ferroviaire", None, None),
        ("reemploi_batiment", 4, None),  # a fact without thresholds only informs
    ],
)
def test_suggested_level_follows_the_thresholds(
    criterion: str, value: float | None, level: int | None
) -> None:
    assert suggested_level(load_grid().criterion(criterion), value) == level


def _mutated(old: str, new: str) -> str:
    text = TOML.read_text("utf-8")
    assert old in text
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            'id = "acces_gare"\n',
            'id = "acces_gare"\nbidule = 1\n',
            "critère « acces_gare », clé « bidule » : clé inconnue",
        ),
        (
            'question = "À quelle distance de la gare est le site ?"\n',
            "",
            "critère « acces_gare », clé « question » : clé manquante",
        ),
        (
            'fait = "distance_gare_km"',
            'fait = "distance_lune_km"',
            "critère « acces_gare », clé « fait » : fait inconnu",
        ),
        (
            "seuils = [3, 1.5, 0.8, 0.4]",
            "seuils = [3, 1.5, 2, 0.4]",
            "les seuils d'un sens décroissant doivent décroître",
        ),
        ("seuils = [3, 1.5, 0.8, 0.4]", "seuils = [3, 1.5, 0.8]", "il faut quatre seuils"),
        (
            'sens = "decroissant"\nseuils = [3, 1.5, 0.8, 0.4]',
            'sens = "decroissant"',
            "« sens » et « seuils » vont ensemble",
        ),
        (
            'theme = "localisation"\nlibelle = "Accès à pied',
            'theme = "ailleurs"\nlibelle = "Accès à pied',
            "clé « theme » : thème inconnu",
        ),
        (
            'sens = "decroissant"\nseuils = [3,',
            'sens = "oblique"\nseuils = [3,',
            "valeur non admise",
        ),
        (
            '  "À moins de 400 m : en face de la gare ou presque.",\n',
            "",
            "il faut une description par niveau (5)",
        ),
        ("[[niveau]]\nvaleur = 4", "[[niveau]]\nvaleur = 5", "il faut les niveaux 0, 1, 2, 3 et 4"),
        ('id = "stationnement"', 'id = "acces_gare"', "identifiant en double"),
        ("valeur = 0\n", 'valeur = "zéro"\n', "doit être un entier"),
    ],
)
def test_loader_errors_name_the_place_key_and_value(old: str, new: str, expected: str) -> None:
    with pytest.raises(SourceError) as info:
        parse_grid(_mutated(old, new), "grille.toml")
    message = str(info.value)
    assert expected in message, message
    assert message.startswith("grille.toml : ")
    assert "Corrigez la grille du paquet" in message


def test_invalid_toml_is_reported() -> None:
    with pytest.raises(SourceError, match="TOML invalide"):
        parse_grid("[[critere]\n", "x.toml")


def test_problem_count_is_said() -> None:
    text = _mutated('fait = "distance_gare_km"', 'fait = "x"')
    text = text.replace('fait = "departs_train"', 'fait = "y"', 1)
    with pytest.raises(SourceError, match=r"et 1 autre problème\)"):
        parse_grid(text, "g.toml")
