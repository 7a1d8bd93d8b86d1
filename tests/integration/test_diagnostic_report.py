"""Diagnostic reports of the six Fabrique Prospective EPCIs and the ACV ranking, on the mirror."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from teletravail.cli import app

runner = CliRunner()
PILOTS = {
    "Vitré Communauté": "200039022",
    "Albigeois": "248100737",
    "CA du Pays de Fontainebleau": "200072346",
    "Pays de Saint-Omer": "200069037",
    "Grand Sénonais": "248900334",
    "CA du Libournais": "200070092",
}


def _run(warehouse: Path, *args: str) -> str:
    result = runner.invoke(app, [*args, "--entrepot", str(warehouse)])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize(("query", "siren"), PILOTS.items())
def test_pilot_json_every_figure_sourced(warehouse: Path, query: str, siren: str) -> None:
    report = json.loads(_run(warehouse, "diagnostic", query, "--format", "json"))
    assert report["territoire"]["code"] == siren and report["territoire"]["type"] == "epci"
    assert report["jour_reference"] == "2025-01-28"  # a Tuesday outside school holidays
    figures = [f for t in report["themes"] for f in t["figures"]] + report["impact"]
    assert len(figures) > 60
    assert all(f["sources"] for f in figures), [f["id"] for f in figures if not f["sources"]]
    cited = {s["citation"] for s in report["sources"]}
    assert {c for f in figures for c in f["sources"]} - cited <= {
        "ADEME, Impact CO2 (2024)",
        "ADEME / Greenworking 2020",
    }
    assert report["resume"] and report["pairs"]["lignes"][0]["est_territoire"]
    estimates = [f for f in figures if f["nature"] == "estimation"]
    assert estimates and all(
        f["note"] or f["id"].startswith("co2") or f["id"] in ("teletravailleurs", "km_net")
        for f in estimates
    )


def test_vitre_figures_match_the_data(warehouse: Path) -> None:
    import duckdb

    report = json.loads(_run(warehouse, "diagnostic", "Vitré Communauté", "--format", "json"))
    figures = {f["id"]: f for t in report["themes"] for f in t["figures"]}
    con = duckdb.connect(str(warehouse), read_only=True)
    pop13, pop18, pop23 = con.execute(
        """SELECT sum(k.p13_pop), sum(k.p18_pop), sum(c.population)
           FROM communes c JOIN comparateur_2018 k ON k.commune_code = c.code
           WHERE c.epci_siren = '200039022'"""
    ).fetchone()
    con.close()
    assert figures["population_2023"]["valeur"] == pytest.approx(pop23)
    assert figures["population_2023"]["valeur"] == report["territoire"]["population"]["valeur"]
    assert figures["evolution_population_2013_2018"]["valeur"] == pytest.approx(
        (pop18 - pop13) / pop13 * 100, abs=0.01
    )
    assert figures["taux_teletravail_estime"]["nature"] == "estimation"


def test_html_report_is_self_contained(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "vitre.html"
    result = runner.invoke(
        app, ["diagnostic", "Vitré Communauté", "--output", str(out), "--entrepot", str(warehouse)]
    )
    assert result.exit_code == 0, result.output
    page = out.read_text("utf-8")
    assert "Diagnostic télétravail — CA Vitré Communauté" in page
    assert page.count("<svg") >= 3  # map and charts inline
    assert not re.search(r'(src|href)="https?://', page)  # nothing fetched from the network
    assert "mardi 28/01/2025" in page and "Sources et millésimes" in page


def test_pdf_report(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "sens.pdf"
    result = runner.invoke(
        app,
        [
            "diagnostic",
            "Sens",
            "--format",
            "pdf",
            "--output",
            str(out),
            "--entrepot",
            str(warehouse),
        ],
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF") and out.stat().st_size > 20_000


def test_markdown_report(warehouse: Path) -> None:
    text = _run(warehouse, "diagnostic", "35360", "--format", "md")
    assert text.startswith("# Diagnostic télétravail — Vitré")
    assert "| Indicateur | Valeur | Nature | Source |" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["diagnostic", "Saint-Denis"], "plusieurs territoires"),
        (["diagnostic", "Vitré", "--date", "2030-01-01"], "hors de la période"),
        (["diagnostic", "Vitré", "--date", "demain"], "AAAA-MM-JJ"),
        (["classement", "pvd"], "choisissez « acv »"),
    ],
)
def test_errors_are_clear(warehouse: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, [*args, "--entrepot", str(warehouse)])
    assert result.exit_code == 2
    assert message in " ".join(result.output.split()) and "Traceback" not in result.output


def test_acv_ranking_json(warehouse: Path) -> None:
    data = json.loads(_run(warehouse, "classement", "acv", "--format", "json"))
    rows = data["lignes"]
    assert len(rows) == 245 and len({r["code"] for r in rows}) == 245
    ranked = [r for r in rows if r["rang"] is not None]
    scores = [r["score_attractivite"] for r in ranked if r["score_attractivite"] is not None]
    assert scores == sorted(scores, reverse=True) and len(scores) >= 225
    assert [r["rang"] for r in ranked] == list(range(1, len(ranked) + 1))
    overseas = rows[len(ranked) :]
    assert len(overseas) == 16 and all(r["code"].startswith("97") for r in overseas)
    keys = set(rows[0])
    assert {"score_services", "score_transport", "score_dynamisme", "score_proximite"} <= keys
    assert any("Sénat" in n for n in data["notes"])


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "html"])
def test_acv_ranking_files(warehouse: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"acv.{fmt}"
    result = runner.invoke(
        app,
        ["classement", "acv", "--format", fmt, "--output", str(out), "--entrepot", str(warehouse)],
    )
    assert result.exit_code == 0, result.output
    if fmt == "csv":
        lines = out.read_text("utf-8-sig").splitlines()
        assert len(lines) == 246 and lines[0].startswith("Rang;Code INSEE;Commune")
    elif fmt == "xlsx":
        ws = load_workbook(io.BytesIO(out.read_bytes())).active
        assert ws.max_row >= 245 + 4
    else:
        page = out.read_text("utf-8")
        assert page.count("<tr>") == 246 and "aria-sort" in page  # header + 245 rows


def test_map_indicator_option(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "carte.html"
    ok = runner.invoke(
        app,
        [
            "diagnostic",
            "Grand Sénonais",
            "--carte",
            "taux_pauvrete_2019",
            "--output",
            str(out),
            "--entrepot",
            str(warehouse),
        ],
    )
    assert ok.exit_code == 0, ok.output
    assert "Carte : Taux de pauvreté" in out.read_text("utf-8")
    bad = runner.invoke(
        app, ["diagnostic", "Grand Sénonais", "--carte", "nimporte", "--entrepot", str(warehouse)]
    )
    assert bad.exit_code == 2
    assert "taux_teletravail_estime" in bad.output and "Traceback" not in bad.output


def test_scenario_defaults_from_indicators(warehouse: Path) -> None:
    data = json.loads(_run(warehouse, "scenario", "Vitré Communauté", "--format", "json"))
    a = data["hypotheses"]
    assert a["population"] == 83_737 and a["origines"]["taux_teletravail"].startswith("estimation")
    teleworkers = a["actifs_occupes"] * a["taux_teletravail"]
    assert data["teletravailleurs"] == pytest.approx(teleworkers, rel=1e-6)
    assert data["total"]["kgco2e_evites_net"] < data["total"]["kgco2e_evites_brut"]


def test_scenario_user_assumptions(warehouse: Path) -> None:
    base = json.loads(_run(warehouse, "scenario", "Sens", "--format", "json", "--jours", "1"))
    more = json.loads(
        _run(
            warehouse,
            "scenario",
            "Sens",
            "--format",
            "json",
            "--jours",
            "2",
            "--taux-teletravail",
            str(base["hypotheses"]["taux_teletravail"] * 100),
            "--repartition",
            "voiturethermique=100",
        )
    )
    assert more["hypotheses"]["origines"]["jours_teletravail"] == "valeur saisie par l'utilisateur"
    assert more["hypotheses"]["repartition_modale"] == [
        {"slug": "voiturethermique", "part": 1.0, "occupants": 1}
    ]
    # all by petrol car, twice the days: more than twice the default mix's gross savings
    assert more["total"]["kgco2e_evites_brut"] > 2 * base["total"]["kgco2e_evites_brut"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--repartition", "voiturethermique=70,ter=20"], "elle doit faire 100 %"),
        (["--taux-teletravail", "150"], "hors de 0 à 100"),
        (["--jours", "beaucoup"], "illisible"),
        (["--repartition", "fusee=100"], "fusee"),
    ],
)
def test_scenario_bad_input(warehouse: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["scenario", "Sens", *args, "--entrepot", str(warehouse)])
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split()) and "Traceback" not in result.output


def test_ile_de_france_rail_caveat_and_epci_income_note(warehouse: Path) -> None:
    report = json.loads(
        _run(warehouse, "diagnostic", "CA du Pays de Fontainebleau", "--format", "json")
    )
    assert any("Transilien" in line for line in report["resume"])
    figures = {f["id"]: f for t in report["themes"] for f in t["figures"]}
    assert "Transilien" in (figures["departs_train_jour"]["note"] or "")
    assert "secret statistique" in (figures["taux_pauvrete_2019"]["note"] or "")
    vitre = json.loads(_run(warehouse, "diagnostic", "35360", "--format", "json"))
    assert not any("Transilien" in line for line in vitre["resume"])
    rate = {f["id"]: f for t in vitre["themes"] for f in t["figures"]}["taux_teletravail_estime"]
    assert "52,2" in rate["note"] and "enquête Emploi 2022" in rate["note"]
