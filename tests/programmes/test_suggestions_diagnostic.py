"""Suggested actions from a diagnostic's weak indicators."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from teletravail.diagnostic.catalogue import load_indicator_catalogue
from teletravail.errors import ConfigError
from teletravail.gares.catalogue import load_portrait
from teletravail.programmes.model import DEFAULT_THEMES
from teletravail.programmes.suggestions import diagnostic_suggestions, suggestions_for
from teletravail.programmes.suggestions_diagnostic import (
    Median,
    comparison_medians,
    load_table,
)
from teletravail.reports.model import DiagnosticReport, Figure, Theme
from teletravail.reports.synthesis import AreaMedians, Benchmarks
from teletravail.territory.card import Population, TerritoryCard


def _fig(ind: str, value: float | None, unit: str = "sur 100") -> Figure:
    return Figure(
        id=ind,
        libelle=f"Libellé {ind}",
        valeur=value,
        texte="donnée non disponible" if value is None else f"{value} {unit}",
        unite=unit,
        nature="dérivé",
        sources=("Projet, note 2025",),
        disponible=value is not None,
    )


def _report(*themes: Theme) -> DiagnosticReport:
    return DiagnosticReport(
        genere_le=datetime(2026, 11, 25, tzinfo=UTC),
        jour_reference=None,
        territoire=TerritoryCard(
            type="commune", code="35360", nom="Vitré", population=Population(valeur=19365)
        ),
        resume=(),
        themes=themes,
    )


REPORT = _report(
    Theme(
        id="attractivite",
        titre="Attractivité",
        figures=(
            _fig("score_services", 30.0),
            _fig("score_transport", 20.0),
            _fig("score_dynamisme", 70.0),  # not weak
            _fig("score_proximite", None),  # unknown: never a suggestion
        ),
    ),
    Theme(
        id="tiers_lieux",
        titre="Tiers-lieux",
        figures=(_fig("tiers_lieux_pour_10000_hab", 0.8, "tiers-lieux pour 10 000 habitants"),),
    ),
    Theme(
        id="ferroviaire",
        titre="Desserte",
        figures=(_fig("departs_train_jour", 12.0, "départs par jour"),),
    ),
)


def test_weak_senate_criteria_first_lowest_first_then_table_order() -> None:
    got = diagnostic_suggestions(REPORT)
    refs = [s.motif.reference for s in got]
    assert list(dict.fromkeys(refs)) == ["score_transport", "score_services", "departs_train_jour"]
    table = {e.id: e for e in load_table()}
    assert [s.titre for s in got] == [
        a.titre
        for ind in ("score_transport", "score_services", "departs_train_jour")
        for a in table[ind].action
    ]
    first = got[0]
    assert first.motif.type == "indicateur"
    assert (
        first.motif.url == "/territoires/commune/35360/diagnostic/#l-attractivite-score_transport"
    )
    assert "20.0 sur 100" in first.description and "Projet, note 2025" in first.description
    assert "valeur sous le seuil de 50 sur 100" in first.description
    assert first.porteurs and first.theme in DEFAULT_THEMES


def test_missing_values_never_suggest() -> None:
    report = _report(
        Theme(
            id="attractivite",
            titre="A",
            figures=tuple(
                _fig(i, None)
                for i in ("score_services", "score_transport", "score_dynamisme", "score_proximite")
            ),
        )
    )
    medians = {"score_services": Median(80.0, "médiane des territoires comparables")}
    assert diagnostic_suggestions(report, medianes=medians) == []


def test_worse_than_the_comparison_median_is_weak_within_five_percent_is_not() -> None:
    label = "médiane des territoires comparables"
    assert "tiers_lieux_pour_10000_hab" not in {
        s.motif.reference for s in diagnostic_suggestions(REPORT)
    }
    near = {"tiers_lieux_pour_10000_hab": Median(0.83, label)}  # 0.8 within 5 % of 0.83
    assert "tiers_lieux_pour_10000_hab" not in {
        s.motif.reference for s in diagnostic_suggestions(REPORT, medianes=near)
    }
    far = {"tiers_lieux_pour_10000_hab": Median(1.2, label)}
    got = [
        s
        for s in diagnostic_suggestions(REPORT, medianes=far)
        if s.motif.reference == "tiers_lieux_pour_10000_hab"
    ]
    assert len(got) == 1
    assert "valeur inférieure à la médiane des territoires comparables (1,2 tiers-lieu pour" in (
        got[0].description
    )
    assert got[0].motif.url.endswith("#l-tiers_lieux-tiers_lieux_pour_10000_hab")


def test_a_good_value_is_never_weak_whatever_the_median() -> None:
    """Vitré: 20 minutes to Rennes, the département's median 19: nothing to suggest (the
    value is better than the table's « bon », 45 minutes)."""
    report = _report(
        Theme(
            id="ferroviaire",
            titre="Desserte",
            figures=(_fig("duree_min_metropole", 20.0, "minutes"),),
        )
    )
    label = "médiane des communes d'Ille-et-Vilaine"
    assert diagnostic_suggestions(report, medianes={"duree_min_metropole": Median(19, label)}) == []
    report = _report(
        Theme(
            id="ferroviaire",
            titre="Desserte",
            figures=(_fig("duree_min_metropole", 60.0, "minutes"),),  # under the 75 threshold
        )
    )
    assert diagnostic_suggestions(report) == []
    (got,) = diagnostic_suggestions(report, medianes={"duree_min_metropole": Median(50, label)})
    assert "valeur supérieure à la médiane des communes d'Ille-et-Vilaine (50 minutes)" in (
        got.description
    )


def test_lower_is_better_indicator() -> None:
    report = _report(
        Theme(
            id="services",
            titre="Services",
            figures=(_fig("distance_france_services_km", 14.0, "km"),),
        )
    )
    (got,) = diagnostic_suggestions(report)
    assert "valeur au-dessus du seuil de 10 km" in got.description
    report = _report(
        Theme(
            id="services",
            titre="Services",
            figures=(_fig("distance_france_services_km", 4.0, "km"),),
        )
    )
    assert diagnostic_suggestions(report) == []


def test_comparison_medians_prefer_peers_then_departement_then_france() -> None:
    bench = Benchmarks(
        peers={"score_attractivite": [40.0, 50.0, 70.0], "duree_min_metropole": []},
        areas=(
            AreaMedians("departement", "communes d'Ille-et-Vilaine", {"duree_min_metropole": 60.0}),
            AreaMedians(
                "france",
                "communes de France métropolitaine",
                {"duree_min_metropole": 80.0, "score_attractivite": 30.0, "prix": 2.0},
            ),
        ),
    )
    got = comparison_medians(bench)
    assert got["score_attractivite"] == Median(50.0, "médiane des territoires comparables")
    assert got["duree_min_metropole"] == Median(60.0, "médiane des communes d'Ille-et-Vilaine")
    assert got["prix"] == Median(2.0, "médiane des communes de France métropolitaine")


def test_table_names_known_indicators_and_themes() -> None:
    known = {i.id for i in load_indicator_catalogue().indicators}
    for entry in load_table():
        assert entry.id in known, entry.id
        assert entry.bon == entry.seuil or (entry.bon > entry.seuil) == (entry.sens == "croissant")
        assert all(a.theme in DEFAULT_THEMES for a in entry.action)
    senate = {c.indicator for c in load_indicator_catalogue().score.criteria}
    assert {e.id for e in load_table() if e.critere_senat} == senate


def test_rail_actions_repeat_the_station_profile_so_duplicates_merge() -> None:
    portrait_texts = {a.texte for f in load_portrait().features for a in f.action}
    for ind in ("departs_train_jour", "duree_min_metropole", "allers_avant_9h"):
        entry = next(e for e in load_table() if e.id == ind)
        assert {a.titre for a in entry.action} <= portrait_texts
    # the train action of a weak diagnostic appears once beside the same station action
    got = diagnostic_suggestions(REPORT)
    merged = suggestions_for(gares=[], diagnostic=got + got)
    assert len(merged) == len({(s.titre, s.theme) for s in got})


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('seuil = 50.0\nbon = 75.0\ntheme_action = "Logement"', "thème « Logement » inconnu"),
        ('seuil = 50.0\nbon = 25.0\ntheme_action = "Mobilité"', r"« bon » \(25\.0\) doit être"),
        ('seuil = "x"\nbon = 75.0\ntheme_action = "Mobilité"', "illisible"),
    ],
)
def test_a_bad_table_says_what_to_fix(tmp_path: Path, body: str, message: str) -> None:
    values = dict(line.split(" = ", 1) for line in body.splitlines())
    text = (
        '[[indicateur]]\nid = "score_services"\nsens = "croissant"\n'
        f'seuil = {values["seuil"]}\nbon = {values["bon"]}\njustification = "j"\n'
        f'[[indicateur.action]]\ntitre = "t"\ntheme = {values["theme_action"]}\n'
    )
    path = tmp_path / "table.toml"
    path.write_text(text, "utf-8")
    with pytest.raises(ConfigError, match=message) as err:
        load_table(path)
    assert "table.toml" in str(err.value)
