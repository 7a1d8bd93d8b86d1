from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from teletravail.errors import SourceError
from teletravail.opendata.context import LoadContext
from teletravail.opendata.loaders.ademe import load_base_carbone, load_impactco2
from tests.conftest import MINI_MIRROR, make_ctx

BASE = "ademe/base-carbone-v22.csv"
IMPACT = "ademe/impactco2-deplacement.json"


def _run(con: duckdb.DuckDBPyConnection, source: str, root: Path, tmp: Path) -> LoadContext:
    ctx = make_ctx(con, source, root, tmp)
    (load_base_carbone if source == "base_carbone" else load_impactco2)(ctx)
    return ctx


def _factor(con: duckdb.DuckDBPyConnection, source: str, ident: str) -> tuple[object, ...]:
    row = con.execute(
        "SELECT mode, sous_type, kgco2e_par_unite, unite, detail, archive FROM emission_factors "
        "WHERE source = ? AND identifiant = ?",
        [source, ident],
    ).fetchone()
    assert row is not None
    return tuple(row)


def test_base_carbone(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    _run(con, "base_carbone", MINI_MIRROR, tmp_path)
    car = _factor(con, "Base Carbone v22", "27970")
    assert car[:4] == ("Voiture", "Motorisation moyenne 2018", 0.218, "kgCO2e/km")
    assert "Carburant (amont/combustion) 0.192 + Fabrication 0.0256" in str(car[4])
    ter = _factor(con, "Base Carbone v22", "28146")
    assert ter[2] == pytest.approx(0.0296) and ter[3] == "kgCO2e/passager.km"
    assert _factor(con, "Base Carbone v22", "21737")[5] is True  # archived value
    # only elements of "Transport de personnes …" (not statistics, food or fuels, not posts)
    ids = {r[0] for r in con.execute("SELECT identifiant FROM emission_factors").fetchall()}
    assert ids == {"27970", "28146", "21737"}


def test_impactco2(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    ctx = _run(con, "impactco2", MINI_MIRROR, tmp_path)
    expected = {
        "4": ("Voiture", "Moteur thermique", 0.2176),
        "5": ("Voiture", "Moteur électrique", 0.1034),
        "15": ("TER", None, 0.02769),
        "2": ("TGV", None, 0.00293),
        "8": ("Vélo à assistance électrique", None, 0.01095),
        "7": ("Vélo ou marche", None, 0.0),
        "1.2": ("Avion", "Moyen courrier", 0.184661),
    }
    for ident, (mode, sub, value) in expected.items():
        row = _factor(con, "Impact CO2", ident)
        assert row[:2] == (mode, sub)
        assert row[2] == pytest.approx(value)
        assert row[3] == "kgCO2e/passager.km"
    assert "7 traînées de condensation" in str(_factor(con, "Impact CO2", "1.1")[4])
    # trottinette and e-bike share the slug "veloelectrique" in the producer's file
    assert [a.code for a in ctx.anomalies] == ["veloelectrique"]


def test_both_sources_share_the_table(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    _run(con, "base_carbone", MINI_MIRROR, tmp_path)
    _run(con, "impactco2", MINI_MIRROR, tmp_path)
    _run(con, "base_carbone", MINI_MIRROR, tmp_path)  # reloading replaces only its own rows
    counts = dict(
        con.execute("SELECT source, count(*) FROM emission_factors GROUP BY 1").fetchall()
    )
    assert counts == {"Base Carbone v22": 3, "Impact CO2": 12}


def test_base_carbone_malformed_value_names_physical_line(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    # the fuel element 27061 spans several lines; the car element is placed after it
    lines = (MINI_MIRROR / BASE).read_text("utf-8").splitlines(keepends=True)
    car = [ln for ln in lines if ln.startswith(("Elément;27970", "Poste;27970"))]
    rest = [ln for ln in lines if ln not in car]
    car[0] = car[0].replace(";0,218;", ";0,2x8;")
    text = "".join(rest + car)
    root = tmp_path / "od"
    (root / "ademe").mkdir(parents=True)
    (root / BASE).write_text(text, "utf-8")
    line = text.splitlines().index(car[0].rstrip("\n")) + 1
    with pytest.raises(SourceError) as err:
        _run(con, "base_carbone", root, tmp_path)
    assert err.value.line == line and err.value.value == "0,2x8"
    assert err.value.column == "Total poste non décomposé"


def test_base_carbone_truncated(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    text = (MINI_MIRROR / BASE).read_text("utf-8")
    root = tmp_path / "od"
    (root / "ademe").mkdir(parents=True)
    (root / BASE).write_text(text[: text.index("Elément;27970") + 40], "utf-8")
    with pytest.raises(SourceError) as err:
        _run(con, "base_carbone", root, tmp_path)
    assert err.value.line == 8


def test_impactco2_truncated(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    text = (MINI_MIRROR / IMPACT).read_text("utf-8")
    root = tmp_path / "od"
    (root / "ademe").mkdir(parents=True)
    (root / IMPACT).write_text(text[: len(text) // 2], "utf-8")
    with pytest.raises(SourceError) as err:
        _run(con, "impactco2", root, tmp_path)
    assert err.value.line is not None and "impactco2-deplacement.json" in str(err.value)


def test_impactco2_malformed_value(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    modes = json.loads((MINI_MIRROR / IMPACT).read_text("utf-8"))
    modes[1]["ecv"][0]["value"] = "beaucoup"
    root = tmp_path / "od"
    (root / "ademe").mkdir(parents=True)
    (root / IMPACT).write_text(json.dumps(modes), "utf-8")
    with pytest.raises(SourceError, match="contenu JSON inattendu"):
        _run(con, "impactco2", root, tmp_path)


@pytest.mark.parametrize("source", ["base_carbone", "impactco2"])
def test_missing_file(con: duckdb.DuckDBPyConnection, tmp_path: Path, source: str) -> None:
    with pytest.raises(SourceError, match="fichier introuvable"):
        _run(con, source, tmp_path, tmp_path)


def test_base_carbone_without_transport(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    lines = (MINI_MIRROR / BASE).read_text("utf-8").splitlines(keepends=True)
    root = tmp_path / "od"
    (root / "ademe").mkdir(parents=True)
    shutil.copy(MINI_MIRROR / BASE, root / BASE)
    (root / BASE).write_text("".join(lines[:3]), "utf-8")
    with pytest.raises(SourceError, match="Transport de personnes"):
        _run(con, "base_carbone", root, tmp_path)
