"""The comparison of several territories over the mini mirror's warehouse."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

from teletravail.derived import ensure_derived
from teletravail.diagnostic.reading import NOT_AVAILABLE, read_indicators
from teletravail.errors import LookupFailed
from teletravail.opendata.build import build_warehouse
from teletravail.reports.comparison import (
    ROWS,
    Comparison,
    build_comparison,
    render_html,
    render_pdf,
    render_xlsx,
    resolve_territories,
)
from teletravail.territory.lookup import gazetteer_for
from tests.conftest import MINI_MIRROR

DAY = date(2025, 1, 28)  # a Tuesday on which every feed of the mini mirror runs
VITRE_EPCI = "200039022"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("comparison") / "mini.duckdb"
    build_warehouse(MINI_MIRROR, out)
    return out


@pytest.fixture(scope="module")
def comparison(warehouse: Path) -> Comparison:
    entries = resolve_territories(warehouse, [f"epci:{VITRE_EPCI}", "35360"])
    derived, day = ensure_derived(warehouse, day=DAY)
    con = duckdb.connect(str(derived), read_only=True)
    try:
        return build_comparison(con, entries, day=day)
    finally:
        con.close()


def test_rows_and_columns(comparison: Comparison, warehouse: Path) -> None:
    assert [t.code for t in comparison.territoires] == [VITRE_EPCI, "35360"]
    assert [r.id for r in comparison.lignes] == [s.id for s in ROWS]
    derived, _ = ensure_derived(warehouse, day=DAY)
    con = duckdb.connect(str(derived), read_only=True)
    try:
        epci = {v.id: v for v in read_indicators(con, "epci", VITRE_EPCI)}
    finally:
        con.close()
    for row in comparison.lignes:
        assert len(row.cellules) == 2
        assert row.nature
        for cell in row.cellules:  # never 0 or empty for a missing value
            assert cell.texte
            assert cell.disponible or cell.texte == NOT_AVAILABLE
    by_row = {r.id: r for r in comparison.lignes}
    pop = epci["population_2023"]
    assert by_row["population_2023"].cellules[0].valeur == pop.value
    assert by_row["population_2023"].unite == "habitants"
    assert by_row["population_2023"].sources
    co2 = by_row["co2_net"]
    assert co2.nature == "Estimation (modèle)" and any("ADEME" in s for s in co2.sources)


def test_resolution_errors_are_french_and_name_the_query(warehouse: Path) -> None:
    with pytest.raises(LookupFailed, match="« Zzyzx-sur-Rien »"):
        resolve_territories(warehouse, [f"epci:{VITRE_EPCI}", "Zzyzx-sur-Rien"])
    with pytest.raises(LookupFailed, match="au moins 2"):
        resolve_territories(warehouse, ["35360"])
    with pytest.raises(LookupFailed, match="Au plus 12"):
        resolve_territories(warehouse, ["35360"] * 13)
    with pytest.raises(LookupFailed, match="déjà dans la comparaison"):
        resolve_territories(warehouse, ["35360", "commune:35360"])
    with pytest.raises(LookupFailed, match="aucune EPCI"):
        resolve_territories(warehouse, ["35360", "epci:999999999"])
    gazetteer = gazetteer_for(warehouse)
    assert gazetteer.by_code.get(VITRE_EPCI)


def test_html_is_self_contained_and_csp_friendly(comparison: Comparison) -> None:
    html = render_html(comparison)
    assert "<script" not in html and "style=" not in html
    assert not re.search(r"(src|href)=\"https?://", html)
    for row in comparison.lignes:
        assert row.libelle.replace("'", "&#39;") in html
    assert "estimation" in html and "ADEME" in html
    assert "size: A4;" in html  # 2 territories: portrait


def test_pdf_and_landscape(comparison: Comparison) -> None:
    assert render_pdf(comparison).startswith(b"%PDF")
    wide = comparison.model_copy(update={"territoires": comparison.territoires * 3})
    assert "size: A4 landscape" in render_html(wide)


def test_xlsx_sheets(comparison: Comparison) -> None:
    wb = load_workbook(io.BytesIO(render_xlsx(comparison)))
    assert wb.sheetnames == ["Comparaison", "Sources"]
    ws = wb["Comparaison"]
    assert ws["A1"].value.startswith("Comparaison de territoires")
    assert ws["A2"].value.startswith("Comparaison produite le ")
    assert "desserte ferroviaire du 28/01/2025" in ws["A2"].value
    header = [c.value for c in ws[4]]
    names = [f"{t.nom} ({t.code})" for t in comparison.territoires]
    assert header == ["Indicateur", *names, "Unité", "Nature", "Sources"]
    assert ws.freeze_panes == "A5"
    body = [[c.value for c in r] for r in ws.iter_rows(min_row=5)]
    assert len(body) == len(ROWS) == len(comparison.lignes)
    for values, row in zip(body, comparison.lignes, strict=True):
        assert values[0] == row.libelle
        assert values[1:3] == [c.texte for c in row.cellules]  # as displayed, never empty
        assert values[3] == (row.unite or None) and values[4] == row.nature
        assert values[5] == (" ; ".join(row.sources) or None)
    src = wb["Sources"]
    assert [c.value for c in src[1]] == ["Source (millésime)", "Lignes concernées"]
    first_column = [c.value for c in src["A"] if c.value]
    assert set(comparison.sources) <= set(first_column)
    assert all(note in first_column for note in comparison.notes)
    co2 = next(r for r in comparison.lignes if r.id == "co2_net")
    ademe = next(r for r in src.iter_rows(values_only=True) if r[0] and "ADEME" in r[0])
    assert co2.libelle in ademe[1]


def test_cli_writes_each_format_and_refuses_unknown(warehouse: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from teletravail.cli.app import app

    runner = CliRunner()
    base = [
        "comparer",
        f"epci:{VITRE_EPCI}",
        "35360",
        "--entrepot",
        str(warehouse),
        "--date",
        DAY.isoformat(),
    ]
    for fmt, magic in (("html", b"<!DOCTYPE html>"), ("pdf", b"%PDF"), ("xlsx", b"PK")):
        out = tmp_path / f"c.{fmt}"
        result = runner.invoke(app, [*base, "--format", fmt, "--output", str(out)])
        assert result.exit_code == 0, result.output
        assert out.read_bytes().startswith(magic)
    result = runner.invoke(app, [*base[:2], "Zzyzx-sur-Rien", *base[3:]])
    assert result.exit_code == 2
    assert "« Zzyzx-sur-Rien »" in result.output


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--format", "docx"], "Format inconnu « docx » : choisissez html, pdf ou xlsx."),
        (["--output", "/nonexistent-dir/c.html"], "le dossier « /nonexistent-dir » n'existe pas"),
        (["--output", "{tmp}"], "est un dossier : indiquez un nom de fichier"),
    ],
)
def test_cli_bad_format_or_output_is_french_without_traceback(
    warehouse: Path, tmp_path: Path, extra: list[str], message: str
) -> None:
    from typer.testing import CliRunner

    from teletravail.cli.app import app

    args = ["comparer", f"epci:{VITRE_EPCI}", "35360", "--entrepot", str(warehouse)]
    args += [a.replace("{tmp}", str(tmp_path)) for a in extra]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output and "Erreur inattendue" not in result.output


def test_cli_read_only_output_folder(warehouse: Path, tmp_path: Path) -> None:
    import os

    from typer.testing import CliRunner

    from teletravail.cli.app import app

    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        # root ignores the mode: then a folder where no file can be created
        writable = os.access(folder, os.W_OK)
        target = Path("/proc/comparaison.html") if writable else folder / "c.html"
        args = ["comparer", f"epci:{VITRE_EPCI}", "35360", "--entrepot", str(warehouse)]
        args += ["--date", DAY.isoformat(), "--output", str(target)]
        result = CliRunner().invoke(app, args)
    finally:
        folder.chmod(0o700)
    assert result.exit_code == 2
    assert f"Impossible d'écrire « {target} »" in " ".join(result.output.split())
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("queries", "message"),
    [
        (["Zzyzx-sur-Rien", "35360"], "Aucun territoire ne correspond à « Zzyzx-sur-Rien »"),
        (["35360", "35360"], "déjà dans la comparaison"),
        (["35360"], "Indiquez au moins 2 territoires à comparer (1 indiqué)."),
        (["35360"] * 13, "Au plus 12 territoires peuvent être comparés (13 indiqués)."),
    ],
)
def test_cli_bad_territories_are_french_without_traceback(
    warehouse: Path, queries: list[str], message: str
) -> None:
    from typer.testing import CliRunner

    from teletravail.cli.app import app

    result = CliRunner().invoke(app, ["comparer", *queries, "--entrepot", str(warehouse)])
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output


def test_published_measure_replaces_the_estimated_rate(warehouse: Path) -> None:
    from tests.reports.test_synthesis import MEASURE as measure  # 40 %, 35 to 45 %, published

    entries = resolve_territories(warehouse, [f"epci:{VITRE_EPCI}", "35360"])
    derived, day = ensure_derived(warehouse, day=DAY)
    con = duckdb.connect(str(derived), read_only=True)
    try:
        c = build_comparison(con, entries, day=day, measures={VITRE_EPCI: [measure]})
    finally:
        con.close()
    rate = next(r for r in c.lignes if r.id == "taux_teletravail")
    cell = rate.cellules[0]
    assert cell.texte == (
        "40,0 %, intervalle 35,0 à 45,0 % (±5,0 points, Wilson à 95 %) — mesure locale"
    )
    assert cell.valeur == pytest.approx(40.0) and cell.nature == "mesure_locale"
    assert rate.cellules[1].nature == "estimation"  # the commune keeps its estimate
    assert rate.nature == "Mesure locale / Estimation (modèle)"  # the figures' vocabulary


@pytest.mark.parametrize(
    "command",
    [["diagnostic", "35360"], ["classement", "acv", "--format", "xlsx"]],
    ids=["diagnostic", "classement"],
)
def test_other_reports_refuse_an_unwritable_output_at_once(
    warehouse: Path, tmp_path: Path, command: list[str]
) -> None:
    """The diagnostic and the ranking check their --output before computing, in French."""
    from typer.testing import CliRunner

    from teletravail.cli.app import app

    for target, message in (
        (tmp_path / "absent" / "r.out", "n'existe pas"),
        (tmp_path, "est un dossier"),
    ):
        args = [*command, "--entrepot", str(warehouse), "--output", str(target)]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 2, result.output
        assert message in " ".join(result.output.split())
        assert "Traceback" not in result.output and "Erreur inattendue" not in result.output
