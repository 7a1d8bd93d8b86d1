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
    assert co2.nature == "estimation" and any("ADEME" in s for s in co2.sources)


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
    header = [c.value for c in ws[1]]
    assert header[0] == "Indicateur" and header[-3:] == ["Unité", "Nature", "Sources"]
    assert ws.max_row == 1 + len(ROWS)
    assert ws.cell(row=2, column=1).value == ROWS[0].libelle
    sources = [c.value for c in wb["Sources"]["A"] if c.value]
    assert any("ADEME" in s for s in sources)


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
