"""The synthesis of a diagnostic (tiles, sentences, gaps) on the fixture mirror's warehouse."""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb
import pytest

from teletravail.derived import ensure_derived
from teletravail.diagnostic.catalogue import load_indicator_catalogue
from teletravail.diagnostic.reading import NOT_AVAILABLE, IndicatorValue, read_indicators
from teletravail.opendata.build import build_warehouse
from teletravail.reports.diagnostic import build_report
from teletravail.reports.model import DiagnosticReport, MesureLocale
from teletravail.reports.render import render_json, render_markdown
from teletravail.reports.synthesis import _no_metropolis, _position, build_synthesis
from teletravail.territory.lookup import Entry, gazetteer_for
from tests.conftest import MINI_MIRROR

DAY = date(2025, 1, 28)
TILES = ("teletravail", "train", "navettes", "attractivite", "population", "logement")
MEASURE = MesureLocale(
    indicateur="taux_teletravail_estime",
    libelle="Part des actifs occupés qui télétravaillent (enquête locale)",
    valeur=0.4,
    ic_bas=0.35,
    ic_haut=0.45,
    effectif=320,
    campagne="Télétravail à Vitré 2026",
    debut=date(2026, 3, 1),
    fin=date(2026, 4, 30),
    remplace=True,
    publiee=True,
)


@pytest.fixture(scope="module")
def derived(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synthese") / "mini.duckdb"
    build_warehouse(MINI_MIRROR, out)
    path, _ = ensure_derived(out, day=DAY)
    return path


@pytest.fixture
def con(derived: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(derived), read_only=True)
    yield connection
    connection.close()


def _entry(derived: Path, kind: str, code: str) -> Entry:
    return next(e for e in gazetteer_for(derived).by_code[code] if e.kind == kind)


def _report(
    con: duckdb.DuckDBPyConnection, entry: Entry, measures: tuple[MesureLocale, ...] = ()
) -> tuple[DiagnosticReport, dict[str, IndicatorValue]]:
    report = build_report(con, entry, day=DAY, measures=measures)
    by_id = {v.id: v for v in read_indicators(con, entry.kind, entry.code)}
    return report, by_id


@pytest.mark.parametrize(("kind", "code"), [("commune", "35360"), ("epci", "200039022")])
def test_tiles_say_the_indicator_values(
    con: duckdb.DuckDBPyConnection, derived: Path, kind: str, code: str
) -> None:
    report, by_id = _report(con, _entry(derived, kind, code))
    synthesis = report.synthese
    assert synthesis is not None
    assert tuple(t.id for t in synthesis.tuiles) == TILES  # 5 to 7 tiles, in reading order
    themes = {t.id for t in load_indicator_catalogue().themes}
    tiles = {t.id: t for t in synthesis.tuiles}
    for tile in synthesis.tuiles:
        assert tile.ancre.removeprefix("t-") in themes and tile.source and tile.libelle
        assert tile.valeur != "0" and not tile.valeur.startswith("0 ")
        assert tile.disponible == (tile.valeur != NOT_AVAILABLE)
    pairs = {
        "teletravail": "taux_teletravail_estime",
        "train": "duree_min_metropole",
        "navettes": "distance_navette_moyenne_km",
        "attractivite": "score_attractivite",
        "logement": "prix_m2_appartements_2022_2024",
    }
    for tile_id, indicator in pairs.items():
        v = by_id[indicator]
        expected = v.text if v.status == "disponible" and v.value is not None else NOT_AVAILABLE
        if tile_id == "train" and _no_metropolis(by_id):  # timetables complete, no métropole
            expected = "aucune métropole dans la journée"
        assert tiles[tile_id].valeur == expected, tile_id
    assert tiles["teletravail"].nature == "estimation"
    evolution = by_id["evolution_population_2018_2021"]
    if evolution.status == "disponible" and evolution.value is not None:
        assert evolution.text in tiles["population"].valeur
    co2 = next((f for f in report.impact if f.id == "co2_net"), None)
    detail = tiles["navettes"].detail or ""
    assert (co2.texte if co2 else NOT_AVAILABLE) in detail
    assert 3 <= len(synthesis.phrases) <= 5


def test_comparison_is_the_median_of_the_comparable_territories(
    con: duckdb.DuckDBPyConnection, derived: Path
) -> None:
    report, by_id = _report(con, _entry(derived, "epci", "200039022"))
    assert report.pairs is not None and report.synthese is not None
    codes = [r.code for r in report.pairs.lignes if not r.est_territoire]
    rows = con.execute(
        "SELECT taux_teletravail_estime FROM indicateurs_epci WHERE list_contains(?, siren)",
        [codes],
    ).fetchall()
    values = [float(r[0]) for r in rows if r[0] is not None]
    tile = report.synthese.tuiles[0]
    if values:
        median = statistics.median(values)
        v = by_id["taux_teletravail_estime"]
        assert tile.comparaison is not None
        assert replace(v, value=median).text in tile.comparaison
    else:
        assert tile.comparaison is None


def test_measured_rate_replaces_the_estimate_with_its_interval(
    con: duckdb.DuckDBPyConnection, derived: Path
) -> None:
    report, _ = _report(con, _entry(derived, "commune", "35360"), (MEASURE,))
    assert report.synthese is not None
    tile = report.synthese.tuiles[0]
    assert tile.nature == "mesure" and tile.valeur == "40,0 %"
    assert tile.detail is not None and "35,0 à 45,0 %" in tile.detail
    assert "Télétravail à Vitré 2026" in tile.source and "320 répondants" in tile.source
    assert "40,0 %" in report.synthese.phrases[0]
    # no « survey » gap once the measure replaces the estimate
    assert not any("enquête locale" in g.remede for g in report.synthese.lacunes)
    provisional = MEASURE.model_copy(update={"remplace": False, "raisons": ("campagne ouverte",)})
    report, _ = _report(con, _entry(derived, "commune", "35360"), (provisional,))
    assert report.synthese is not None and report.synthese.tuiles[0].nature == "estimation"


def test_gaps_name_the_file_that_would_fill_them(
    con: duckdb.DuckDBPyConnection, derived: Path
) -> None:
    entry = _entry(derived, "epci", "200039022")
    report, by_id = _report(con, entry)
    assert report.synthese is not None
    gaps = {g.theme: g for g in report.synthese.lacunes}
    unloaded = [v for v in by_id.values() if v.status == "non_disponible"]
    for v in unloaded:  # every unavailable indicator is in its theme's gap, with its file
        assert v.label in gaps[v.theme].indicateurs
        assert all(f in gaps[v.theme].remede for f in v.missing_files)
    for theme, gap in gaps.items():
        items = [v for v in by_id.values() if v.theme == theme]
        if items:
            assert gap.complet == all(v.status != "disponible" for v in items)
    assert gaps["teletravail"].remede.startswith("enquête locale")
    # the same synthesis from the public function, as « comparer » calls it
    again = build_synthesis(con, entry, DAY, by_id, report)
    assert [t.valeur for t in again.tuiles] == [t.valeur for t in report.synthese.tuiles]


def test_synthesis_in_json_and_markdown(con: duckdb.DuckDBPyConnection, derived: Path) -> None:
    report, _ = _report(con, _entry(derived, "commune", "35360"))
    assert report.synthese is not None
    assert '"synthese"' in render_json(report)
    text = render_markdown(report)
    assert "## Synthèse" in text
    assert text.index("## Synthèse") < text.index("## En bref")
    for tile in report.synthese.tuiles:
        assert tile.valeur in text


def test_position_against_the_median() -> None:
    assert _position(10.0, 10.2) == "proche"
    assert _position(12.0, 10.0) == "au-dessus"
    assert _position(8.0, 10.0) == "en dessous"
    assert _position(1.0, 0.0) == "proche"
