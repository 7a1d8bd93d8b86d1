"""The synthesis charts on the fixture mirror's warehouse: figures as the indicators say, missing
values never drawn as 0, the estimate's reach said."""

from __future__ import annotations

import statistics
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb
import pytest

from teletravail.derived import ensure_derived
from teletravail.diagnostic.reading import IndicatorValue, read_indicators
from teletravail.format_fr import format_number
from teletravail.navettes.estimate import load_parameters
from teletravail.navettes.profile import SCENARIO_BANDS, CommuteProfile, Tranche
from teletravail.opendata.build import build_warehouse
from teletravail.reports.diagnostic import build_report
from teletravail.reports.graphs import _commuting_graph, _evolution_graph
from teletravail.reports.render import render_html, render_markdown
from teletravail.territory.lookup import Entry, gazetteer_for
from tests.conftest import MINI_MIRROR

DAY = date(2025, 1, 28)


@pytest.fixture(scope="module")
def derived(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("graphiques") / "mini.duckdb"
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


def _by_id(con: duckdb.DuckDBPyConnection, entry: Entry) -> dict[str, IndicatorValue]:
    return {v.id: v for v in read_indicators(con, entry.kind, entry.code)}


def test_peer_chart_is_the_score_of_the_territory_and_its_peers(
    con: duckdb.DuckDBPyConnection, derived: Path
) -> None:
    entry = _entry(derived, "epci", "200039022")
    report = build_report(con, entry, day=DAY)
    by_id = _by_id(con, entry)
    assert report.synthese is not None and report.pairs is not None
    graphs = {g.id: g for g in report.synthese.graphiques}
    score = by_id["score_attractivite"]
    if score.value is None:
        assert "pairs" not in graphs
        return
    chart = graphs["pairs"]
    assert chart.lignes[0] == (entry.nom, f"{format_number(float(score.value), 0)} sur 100")
    assert [r[0] for r in chart.lignes[1 : len(report.pairs.lignes)]] == [
        r.nom for r in report.pairs.lignes if not r.est_territoire
    ]
    # the dashed line is the median of the metropolitan EPCIs with a score
    scores = [
        r[0]
        for r in con.execute(
            """SELECT score_attractivite FROM indicateurs_epci WHERE score_attractivite IS NOT NULL
               AND siren IN (SELECT epci_siren FROM communes WHERE zone = 'metro')"""
        ).fetchall()
    ]
    assert chart.lignes[-1] == (
        "médiane des EPCI de France métropolitaine",
        f"{format_number(statistics.median(scores), 0)} sur 100",
    )
    ET.fromstring(chart.svg)


def test_every_chart_reaches_every_output(con: duckdb.DuckDBPyConnection, derived: Path) -> None:
    report = build_report(con, _entry(derived, "commune", "35360"), day=DAY)
    assert report.synthese is not None and report.synthese.graphiques
    page, markdown = render_html(report), render_markdown(report)
    for g in report.synthese.graphiques:
        assert g.svg in page and f'id="graphique-{g.id}"' in page
        assert f"### {g.titre}" in markdown
        assert all(len(row) == len(g.colonnes) for row in g.lignes)


def _value(ind: str, value: float | None) -> IndicatorValue:
    return IndicatorValue(
        id=ind,
        theme="evolution",
        label=ind,
        unit="habitants",
        value=value,
        decimals=0,
        nature="measured",
        nature_label="mesuré",
        definition="",
        formula="",
        aggregation="",
        assumptions=(),
        sources=(),
        figures=(),
        status="disponible" if value is not None else "sans_valeur",
    )


def test_population_index_skips_missing_years() -> None:
    by_id = {
        "population_2013": _value("population_2013", 1000.0),
        "population_2018": _value("population_2018", 1050.0),
        "population_2021": _value("population_2021", None),
        "population_2023": _value("population_2023", 1100.0),
        "emplois_2013": _value("emplois_2013", 400.0),
        "emplois_2018": _value("emplois_2018", 380.0),
    }
    chart = _evolution_graph(by_id)
    assert chart is not None
    assert chart.lignes == (
        ("2013", "1\u202f000", "400"),
        ("2018", "1\u202f050", "380"),
        ("2021", "n.d.", "n.d."),
        ("2023", "1\u202f100", "n.d."),
    )
    ns = "{http://www.w3.org/2000/svg}"
    lines = list(ET.fromstring(chart.svg).iter(f"{ns}polyline"))
    assert [len(p.get("points", "").split()) for p in lines] == [3, 2]  # no point at 0
    texts = ["".join(t.itertext()) for t in ET.fromstring(chart.svg).iter(f"{ns}text")]
    assert "105,0" in texts and "110,0" in texts and "95,0" in texts
    # without the 2013 base there is no index
    assert _evolution_graph({**by_id, "population_2013": _value("population_2013", None)}) is None


def _profile(statut: str, parts: list[float]) -> CommuteProfile:
    return CommuteProfile(
        territoire="T",
        type="commune",
        code="1",
        statut=statut,
        methode="modèle",
        reference="réf.",
        actifs=100.0,
        distance_moyenne_km=10.0,
        distance_mediane_km=8.0,
        part_plus_20km=10.0,
        part_travaillant_dans_territoire=50.0,
        destinations=(),
        tranches=tuple(
            Tranche(libelle=label, part=p, distance_moyenne_km=1.0)
            for (label, _, _), p in zip(SCENARIO_BANDS, parts, strict=True)
        ),
    )


def test_estimated_commutes_beyond_the_model_reach_are_not_zero() -> None:
    reach = max(load_parameters().cutoff_km, load_parameters().hub_radius_km)
    parts = [0.4, 0.3, 0.2, 0.1, 0.0]
    estimated = _commuting_graph(_profile("estimation", parts), {})
    measured = _commuting_graph(_profile("mesure", parts), {})
    assert estimated is not None and measured is not None
    beyond = [i for i, (_, lo, _) in enumerate(SCENARIO_BANDS) if lo >= reach]
    assert beyond  # the last band starts beyond the model's 50 km
    for i in beyond:
        assert estimated.lignes[i][1] == "n.d." and measured.lignes[i][1] == "0 %"
    assert estimated.nature == "estimation" and measured.nature == "mesure"
    assert f"{format_number(reach, 0)} km" in (estimated.note or "")
    assert estimated.lignes[0] == ("moins de 5 km", "40 %")


def test_rail_day_chart_is_the_busiest_station_hour_by_hour(
    con: duckdb.DuckDBPyConnection, derived: Path
) -> None:
    """The busiest station (most trains, then most coaches, then smallest UIC) hour by hour, from
    ``departs_heure``; the fixture mirror has no trip that day, so the table is written here."""
    from teletravail.reports.graphs import _rail_day_graph
    from teletravail.reports.model import StationService

    report = build_report(con, _entry(derived, "epci", "200039022"), day=DAY)
    assert report.synthese is not None
    assert "journee" not in {g.id for g in report.synthese.graphiques}  # no departure: no chart

    def station(uic: str, nom: str, train: int, car: int) -> StationService:
        return StationService(
            uic=uic,
            nom=nom,
            departs_train=train,
            departs_car=car,
            metropole=None,
            duree_min=None,
            allers_avant_9h=None,
            retours_apres_17h30=None,
        )

    served = report.model_copy(
        update={
            "desserte": (
                station("2", "Petite", 3, 9),
                station("1", "Grande", 5, 0),
                station("0", "Égale", 5, 0),
            )
        }
    )
    mem = duckdb.connect()
    mem.execute(
        "CREATE TABLE departs_heure (uic VARCHAR, jour DATE, heure INTEGER, "
        "departs_train INTEGER, departs_car INTEGER)"
    )
    mem.executemany(
        "INSERT INTO departs_heure VALUES (?, ?, ?, ?, ?)",
        [("0", DAY, 6, 2, 0), ("0", DAY, 9, 3, 0), ("1", DAY, 7, 5, 0), ("2", DAY, 8, 3, 9)],
    )
    chart = _rail_day_graph(mem, {}, served, DAY)
    assert chart is not None and "Égale" in chart.titre  # 5 trains, no coach, smallest UIC
    # every hour from the first to the last, the empty ones as true zeros
    assert chart.lignes == (
        ("6 h", "2", "0"),
        ("7 h", "0", "0"),
        ("8 h", "0", "0"),
        ("9 h", "3", "0"),
    )
    assert "5 départs de train et aucun départ de car" in (chart.note or "")
    assert chart.nature == "calcul" and "28/01/2025" in chart.source
    assert "absents des horaires" not in (chart.note or "")
    # trains of networks absent from the feeds (Transilien…) near the territory: said, not hidden
    networks = replace(
        _value("reseaux_hors_horaires", None), value="Transilien", status="disponible"
    )
    flagged = _rail_day_graph(mem, {"reseaux_hors_horaires": networks}, served, DAY)
    assert flagged is not None and "Transilien, absents des horaires" in (flagged.note or "")
    # a station without any departure in the table: no chart rather than an empty one
    mem.execute("DELETE FROM departs_heure WHERE uic = '0'")
    assert _rail_day_graph(mem, {}, served, DAY) is None
