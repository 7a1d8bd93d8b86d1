"""A territory's diagnostic with values measured by a local survey (issue 5), on the mirror."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from teletravail.derived import ensure_derived
from teletravail.reports.diagnostic import build_report
from teletravail.reports.model import MesureLocale
from teletravail.territory.lookup import Gazetteer

DAY = date(2025, 1, 28)
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
    questions=("situation", "teletravail"),
    remplace=True,
    publiee=True,
)


@pytest.fixture(scope="module")
def vitre(warehouse: Path) -> tuple[duckdb.DuckDBPyConnection, object]:
    path, _ = ensure_derived(warehouse, day=DAY)
    con = duckdb.connect(str(path), read_only=True)
    entry = Gazetteer.from_warehouse(con).search("200039022").best
    return con, entry


def test_measured_rate_shown_before_the_estimate_and_used_in_the_scenario(vitre) -> None:
    con, entry = vitre
    plain = build_report(con, entry, day=DAY)
    report = build_report(con, entry, day=DAY, measures=[MEASURE])
    theme = next(t for t in report.themes if t.id == "teletravail")
    ids = [f.id for f in theme.figures]
    assert ids.index("taux_teletravail_mesure") == ids.index("taux_teletravail_estime") - 1
    measured = theme.figures[ids.index("taux_teletravail_mesure")]
    assert measured.nature == "mesuré" and measured.valeur == pytest.approx(40.0)
    assert measured.texte == "40,0 % (IC 95 % : 35,0 à 45,0 %)"
    assert measured.libelle == MEASURE.libelle  # no « provisoire »: it replaces the estimate
    assert measured.sources == (
        "Enquête locale « Télétravail à Vitré 2026 », du 01/03/2026 au 30/04/2026, 320 répondants",
    )
    assert any(line.startswith("Mesure locale : 40,0 %") for line in report.resume)
    assert not any(line.startswith("Mesure locale") for line in plain.resume)
    # the scenario's teleworkers are the same employed residents times the measured rate
    before = next(f for f in plain.impact if f.id == "teletravailleurs")
    after = next(f for f in report.impact if f.id == "teletravailleurs")
    estimate = next(f for f in plain.themes if f.id == "teletravail").figures
    rate = next(f.valeur for f in estimate if f.id == "taux_teletravail_estime")
    assert rate and before.valeur and after.valeur
    assert after.valeur == pytest.approx(before.valeur / (rate / 100) * 0.4, rel=1e-6)
    assert "mesuré par l'enquête locale" in after.libelle
    assert any("mesuré : Enquête locale" in h for h in report.hypotheses_impact)
    assert report.mesures_locales == (MEASURE,)


def test_provisional_measure_is_shown_but_leaves_the_scenario_alone(vitre) -> None:
    """A measure that does not meet the rule is shown beside the estimate, labelled provisional
    with its reasons, and the CO2 scenario keeps the estimate (it used to take the measure)."""
    con, entry = vitre
    provisional = MEASURE.model_copy(
        update={"remplace": False, "raisons": ("campagne en cours",), "publiee": False}
    )
    plain = build_report(con, entry, day=DAY)
    report = build_report(con, entry, day=DAY, measures=[provisional])
    figures = next(t for t in report.themes if t.id == "teletravail").figures
    shown = next(f for f in figures if f.id == "taux_teletravail_mesure")
    assert shown.libelle.endswith("mesure provisoire")
    assert shown.note and "provisoire (campagne en cours)" in shown.note
    assert "non publiée" in shown.note
    assert [f.valeur for f in report.impact] == [f.valeur for f in plain.impact]
    assert any(line.startswith("Mesure locale provisoire : 40,0 %") for line in report.resume)
    (comparison,) = report.comparaisons
    assert comparison.statut == "provisoire" and comparison.raisons == ("campagne en cours",)
    assert comparison.estimation_intervalle.startswith("aucun : ")
    assert comparison.mesure_echantillon == "320 actifs répondants"
