"""The synthesis of CA Vitré Communauté (SIREN 200039022) on the real mirror: each tile says the
value computed in the warehouse, with its comparison and its rank."""

from __future__ import annotations

import re
import statistics
from datetime import date
from pathlib import Path

import duckdb
import pytest

from teletravail.derived import ensure_derived
from teletravail.format_fr import format_duration, format_number
from teletravail.reports.diagnostic import build_report
from teletravail.reports.model import DiagnosticReport
from teletravail.territory.lookup import gazetteer_for
from tests.reports.test_synthesis import _expected_area_medians

SIREN = "200039022"
DAY = date(2025, 1, 28)


@pytest.fixture(scope="module")
def vitre(warehouse: Path) -> tuple[DiagnosticReport, dict[str, object], Path]:
    derived, _ = ensure_derived(warehouse, day=DAY)
    entry = next(e for e in gazetteer_for(warehouse).by_code[SIREN] if e.kind == "epci")
    con = duckdb.connect(str(derived), read_only=True)
    try:
        report = build_report(con, entry, day=DAY)
        cursor = con.execute("SELECT * FROM indicateurs_epci WHERE siren = ?", [SIREN])
        row = cursor.fetchone()
        assert row is not None
        values = dict(zip([d[0] for d in cursor.description or []], row, strict=True))
    finally:
        con.close()
    return report, values, derived


def test_vitre_tiles_say_the_warehouse_values(
    vitre: tuple[DiagnosticReport, dict[str, object], Path],
) -> None:
    report, values, _ = vitre
    assert report.synthese is not None
    tiles = {t.id: t for t in report.synthese.tuiles}
    assert 5 <= len(tiles) <= 7
    rate = values["taux_teletravail_estime"]
    assert isinstance(rate, float)
    assert tiles["teletravail"].valeur == f"{format_number(rate, 1)} %"
    duration, morning = values["duree_min_metropole"], values["allers_avant_9h"]
    assert isinstance(duration, int | float) and isinstance(morning, int | float)
    assert tiles["train"].valeur == format_duration(duration)
    assert f"{format_number(morning, 0)} départs arrivant avant 9 h" in (
        tiles["train"].detail or ""
    )
    assert "Rennes" in (tiles["train"].detail or "")  # the métropole of the Vitré line
    distance = values["distance_navette_moyenne_km"]
    assert isinstance(distance, float)
    assert tiles["navettes"].valeur == f"{format_number(distance, 1)} km"
    co2 = next(f for f in report.impact if f.id == "co2_net")
    assert co2.texte in (tiles["navettes"].detail or "")
    score = values["score_attractivite"]
    assert isinstance(score, float)
    assert tiles["attractivite"].valeur == f"{format_number(score, 0)} sur 100"
    evolution = values["evolution_population_2018_2021"]
    assert isinstance(evolution, float) and evolution > 0  # a growing territory
    assert tiles["population"].valeur == f"+{format_number(evolution, 1)} % de 2018 à 2021"
    price = values["prix_m2_appartements_2022_2024"]
    assert isinstance(price, float)
    assert tiles["logement"].valeur == f"{format_number(price, 0)} €/m²"
    assert f"zone {values['zone_abc']}" in (tiles["logement"].detail or "")
    assert 3 <= len(report.synthese.phrases) <= 5
    assert all(t.source and t.ancre.startswith("t-") for t in tiles.values())


def test_vitre_rank_and_peer_median(
    vitre: tuple[DiagnosticReport, dict[str, object], Path],
) -> None:
    report, values, derived = vitre
    assert report.synthese is not None and report.pairs is not None
    tiles = {t.id: t for t in report.synthese.tuiles}
    peers = [r.code for r in report.pairs.lignes if not r.est_territoire]
    con = duckdb.connect(str(derived), read_only=True)
    try:
        better, at_least, count = con.execute(
            """SELECT count(*) FILTER (WHERE score_attractivite > $s),
                      count(*) FILTER (WHERE score_attractivite >= $s), count(*)
               FROM indicateurs_epci WHERE score_attractivite IS NOT NULL AND siren IN (
                   SELECT epci_siren FROM communes WHERE zone = 'metro')""",
            {"s": values["score_attractivite"]},
        ).fetchone() or (0, 0, 0)
        rates = [
            float(r[0])
            for r in con.execute(
                "SELECT taux_teletravail_estime FROM indicateurs_epci "
                "WHERE list_contains(?, siren) AND taux_teletravail_estime IS NOT NULL",
                [peers],
            ).fetchall()
        ]
        dep, local, france = _expected_area_medians(con, "epci", SIREN, "taux_teletravail_estime")
    finally:
        con.close()
    detail = tiles["attractivite"].detail or ""
    found = re.match(r"(\d+)(?:er|e) sur ", detail)
    assert found is not None, detail
    rank = int(found.group(1))
    assert better + 1 <= rank <= at_least  # ties broken by population, as in the ACV ranking
    assert f"sur {format_number(count, 0)} EPCI de France métropolitaine" in detail
    median = statistics.median(rates)
    # then the medians of the EPCIs of its département (Ille-et-Vilaine, by population) and of
    # metropolitan France, recomputed in Python
    assert dep == "35" and local is not None and france is not None
    assert tiles["teletravail"].comparaison == (
        f"médiane des {len(rates)} territoires comparables : {format_number(median, 1)} % ; "
        f"des EPCI d'Ille-et-Vilaine : {format_number(local, 1)} % ; "
        f"des EPCI de France métropolitaine : {format_number(france, 1)} %"
    )


def test_vitre_commune_rank_is_its_acv_rank(
    vitre: tuple[DiagnosticReport, dict[str, object], Path], warehouse: Path
) -> None:
    from teletravail.reports.ranking import acv_ranking

    _, _, derived = vitre
    entry = next(e for e in gazetteer_for(warehouse).by_code["35360"] if e.kind == "commune")
    con = duckdb.connect(str(derived), read_only=True)
    try:
        report = build_report(con, entry, day=DAY)
        _, rows, _ = acv_ranking(con)
    finally:
        con.close()
    ranked = [r for r in rows if r[0] is not None]
    vitre_row = next(r for r in rows if r[1] == "35360")
    assert report.synthese is not None
    tile = next(t for t in report.synthese.tuiles if t.id == "attractivite")
    assert tile.detail == f"{vitre_row[0]}e sur {len(ranked)} communes Action Cœur de Ville"
