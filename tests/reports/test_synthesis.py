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
from teletravail.reports.synthesis import (
    AreaMedians,
    Benchmarks,
    _no_metropolis,
    _peer_text,
    _position,
    area_medians,
    build_synthesis,
)
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


def _expected_area_medians(
    con: duckdb.DuckDBPyConnection, level: str, code: str, indicator: str
) -> tuple[str, float | None, float | None]:
    """(département, median of its territories of ``level`` — None under two values —, median
    of metropolitan France's), recomputed in Python from the tables: a commune's département and
    zone from ``communes``; an EPCI's, the département of most of its members' population."""
    communes = {
        r[0]: (r[1], r[2], r[3] or 0)
        for r in con.execute("SELECT code, departement, zone, population FROM communes").fetchall()
    }
    if level == "commune":
        where = {c: (d, z) for c, (d, z, _) in communes.items()}
        table, key = "indicateurs_commune", "code"
    else:
        pops: dict[str, dict[tuple[str, str], int]] = {}
        for siren, commune in con.execute(
            "SELECT epci_siren, commune_code FROM epci_membres"
        ).fetchall():
            if commune in communes:
                d, z, p = communes[commune]
                pops.setdefault(siren, {}).setdefault((d, z), 0)
                pops[siren][(d, z)] += p
        where = {s: min(by, key=lambda k: (-by[k], k[0])) for s, by in pops.items()}
        table, key = "indicateurs_epci", "siren"
    values = {
        r[0]: float(r[1])
        for r in con.execute(f"SELECT {key}, {indicator} FROM {table}").fetchall()
        if r[1] is not None and r[0] in where
    }
    dep = where[code][0]
    local = [v for c, v in values.items() if where[c][0] == dep]
    france = [v for c, v in values.items() if where[c][1] == "metro"]
    return (
        dep,
        statistics.median(local) if len(local) >= 2 else None,
        statistics.median(france) if france else None,
    )


@pytest.mark.parametrize(
    ("kind", "code", "noun"),
    [
        ("epci", "200039022", "EPCI"),
        ("commune", "35360", "communes"),
        ("epci", "200069037", "EPCI"),
    ],
)
def test_comparison_adds_the_departement_and_france_medians(
    con: duckdb.DuckDBPyConnection, derived: Path, kind: str, code: str, noun: str
) -> None:
    report, by_id = _report(con, _entry(derived, kind, code))
    assert report.synthese is not None
    tiles = {t.id: t for t in report.synthese.tuiles}
    pairs = {
        "teletravail": "taux_teletravail_estime",
        "navettes": "distance_navette_moyenne_km",
        "attractivite": "score_attractivite",
        "logement": "prix_m2_appartements_2022_2024",
    }
    names = {"35": "d'Ille-et-Vilaine", "62": "du Pas-de-Calais"}
    checked = 0
    for tile_id, indicator in pairs.items():
        v = by_id[indicator]
        text = tiles[tile_id].comparaison
        dep, local, france = _expected_area_medians(con, kind, code, indicator)
        if v.status != "disponible" or v.value is None:
            assert text is None  # nothing to compare
            continue
        assert text is not None
        if local is not None:
            assert f" {noun} {names[dep]} : {replace(v, value=local).text}" in text
            checked += 1
        else:  # missing (or the territory alone): the part is omitted, never 0
            assert names[dep] not in text
        assert france is not None
        assert text.endswith(
            f"des {noun} de France métropolitaine : {replace(v, value=france).text}"
        )
        assert text.count("médiane") == 1
    # Ille-et-Vilaine has 3 EPCIs and 4 communes of the fixture; CA du Pays de Saint-Omer is the
    # only EPCI of the Pas-de-Calais: no département part
    assert checked >= (0 if code == "200069037" else 2)
    population = tiles["population"].comparaison or ""
    assert population.startswith("médianes de 2018 à 2021 puis de 2021 à 2023 — ")
    assert f"{noun} de France métropolitaine : " in population


def _area_con(with_link: bool = True) -> duckdb.DuckDBPyConnection:
    """A small warehouse: EPCI E1 (Mayenne by population, one member in Ille-et-Vilaine), E2
    (Mayenne), E3 (Ille-et-Vilaine), E4 (Guadeloupe, a DOM), E5 (Saint-Pierre-et-Miquelon, a
    COM); commune values for the communes of Mayenne."""
    c = duckdb.connect()
    c.execute(
        "CREATE TABLE communes AS SELECT * FROM (VALUES "
        "('35001', '35', 'metro', 100), ('53001', '53', 'metro', 500), "
        "('53002', '53', 'metro', 300), ('35002', '35', 'metro', 200), "
        "('97101', '971', 'drom', 900), ('97501', '975', 'com', 50)) "
        "t(code, departement, zone, population)"
    )
    c.execute(
        "CREATE TABLE epci_membres AS SELECT * FROM (VALUES ('E1', '35001'), ('E1', '53001'), "
        "('E2', '53002'), ('E3', '35002'), ('E4', '97101'), ('E5', '97501')) "
        "t(epci_siren, commune_code)"
    )
    c.execute(
        "CREATE TABLE indicateurs_epci AS SELECT * FROM (VALUES "
        "('E1', 10.0, NULL), ('E2', 20.0, 100.0), ('E3', 30.0, 200.0), ('E4', 40.0, NULL), "
        "('E5', 50.0, 300.0)) t(siren, taux_teletravail_estime, prix_m2_appartements_2022_2024)"
    )
    c.execute(
        "CREATE TABLE indicateurs_commune AS SELECT * FROM (VALUES "
        "('53001', 1.0), ('53002', 3.0), ('35001', 5.0)) t(code, taux_teletravail_estime)"
    )
    link = ", 3 AS type_liaison" if with_link else ""
    c.execute(f"CREATE TABLE departements AS SELECT '53' AS code, 'Mayenne' AS nom{link}")
    return c


def test_area_medians_rules() -> None:
    c = _area_con()
    # E1: Mayenne (500 of its 600 inhabitants); prices: only E2 in Mayenne -> omitted
    dep, france = area_medians(c, "epci", "E1")
    assert (dep.kind, dep.label, dict(dep.medians)) == (
        "departement",
        "EPCI de la Mayenne",
        {"taux_teletravail_estime": 15.0},
    )
    assert (france.label, dict(france.medians)) == (
        "EPCI de France métropolitaine",
        {"taux_teletravail_estime": 20.0, "prix_m2_appartements_2022_2024": 150.0},
    )
    # E3 alone in Ille-et-Vilaine: no département medians at all
    (only,) = area_medians(c, "epci", "E3")
    assert only.kind == "france"
    # a DOM: metropolitan France and the DOM (E4), never the COM (E5)
    (dom,) = area_medians(c, "epci", "E4")
    assert (dom.label, dom.medians["taux_teletravail_estime"]) == (
        "EPCI de France métropolitaine et des DOM",
        25.0,
    )
    assert area_medians(c, "epci", "E9") == ()  # unknown territory
    (communes, _) = area_medians(c, "commune", "53001")
    assert (communes.label, communes.medians["taux_teletravail_estime"]) == (
        "communes de la Mayenne",
        2.0,
    )
    # a warehouse without the COG's type_liaison: the name without its « de »
    plain = area_medians(_area_con(with_link=False), "epci", "E2")
    assert plain[0].label == "EPCI du département Mayenne"


def test_missing_median_is_omitted_from_the_tile(con: duckdb.DuckDBPyConnection) -> None:
    (read,) = [
        v for v in read_indicators(con, "epci", "200039022") if v.id == "taux_teletravail_estime"
    ]
    rate = replace(read, value=12.0, status="disponible")
    bench = Benchmarks(
        peers={},
        areas=(
            AreaMedians(kind="departement", label="EPCI de la Mayenne", medians={}),
            AreaMedians(
                kind="france",
                label="EPCI de France métropolitaine",
                medians={"taux_teletravail_estime": 11.5},
            ),
        ),
    )
    assert _peer_text(bench, rate, "taux_teletravail_estime") == (
        "médiane des EPCI de France métropolitaine : 11,5 %"
    )
    assert _peer_text(Benchmarks(), rate, "taux_teletravail_estime") is None
    assert _peer_text(bench, None, "taux_teletravail_estime") is None


def test_rank_of_an_acv_commune_is_its_rank_in_the_acv_ranking(
    con: duckdb.DuckDBPyConnection, derived: Path
) -> None:
    from teletravail.reports.ranking import acv_ranking
    from teletravail.reports.synthesis import _rank

    columns, rows, _ = acv_ranking(con)
    keys = [c.key for c in columns]
    ranked = [r for r in rows if r[keys.index("rang")] is not None]
    checked = 0
    for row in ranked:
        code = str(row[keys.index("code")])
        score = row[keys.index("score_attractivite")]
        if not isinstance(score, int | float):
            continue
        found = _rank(con, _entry(derived, "commune", code), float(score))
        assert found == (row[keys.index("rang")], len(ranked), "communes Action Cœur de Ville")
        checked += 1
    assert checked >= 1
