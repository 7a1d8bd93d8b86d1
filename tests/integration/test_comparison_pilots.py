"""The comparison of the six pilot EPCIs on the real mirror."""

from __future__ import annotations

import io
from pathlib import Path

import duckdb
from openpyxl import load_workbook

from teletravail.derived import ensure_derived
from teletravail.diagnostic.reading import NOT_AVAILABLE, read_indicators
from teletravail.reports.comparison import (
    ROWS,
    build_comparison,
    render_html,
    render_xlsx,
    resolve_territories,
)

PILOTS = (
    "CA de l'Albigeois",
    "CA du Pays de Fontainebleau",
    "CA du Pays de Saint-Omer",
    "CA du Grand Sénonais",
    "CA du Libournais",
    "CA Vitré Communauté",
)


def test_six_pilot_epcis_side_by_side(warehouse: Path) -> None:
    entries = resolve_territories(warehouse, PILOTS)
    assert [e.kind for e in entries] == ["epci"] * 6
    assert entries[-1].code == "200039022"
    derived, day = ensure_derived(warehouse)
    con = duckdb.connect(str(derived), read_only=True)
    try:
        comparison = build_comparison(con, entries, day=day)
        vitre = {v.id: v for v in read_indicators(con, "epci", "200039022")}
    finally:
        con.close()
    rows = {r.id: r for r in comparison.lignes}
    assert len(rows) == len(ROWS)
    # each cell is the indicator's own text (Vitré Communauté, last column)
    assert rows["population_2023"].cellules[-1].valeur == vitre["population_2023"].value
    assert rows["zone_abc"].cellules[-1].texte == vitre["zone_abc"].text
    assert rows["taux_teletravail"].cellules[-1].texte == vitre["taux_teletravail_estime"].text
    # the headline figures are known for every pilot on the real mirror
    for rid in ("taux_teletravail", "population_2023", "score_attractivite", "co2_net"):
        assert all(c.disponible and c.texte != NOT_AVAILABLE for c in rows[rid].cellules), rid
    assert rows["co2_net"].nature == "Estimation (modèle)"
    html = render_html(comparison)
    assert "size: A4 landscape" in html and "<script" not in html
    wb = load_workbook(io.BytesIO(render_xlsx(comparison)))
    sheet = wb["Comparaison"]
    assert sheet.max_row == 3 + 1 + len(ROWS)  # title, date, blank line, header, figures
    assert sheet.max_column == 1 + 6 + 3
    assert [c.value for c in sheet[4]][1:7] == [f"{e.nom} ({e.code})" for e in entries]
