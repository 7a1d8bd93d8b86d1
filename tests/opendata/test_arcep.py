from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from teletravail.errors import SourceError
from teletravail.opendata.context import LoadContext
from teletravail.opendata.loaders.arcep import load_ftth
from tests.conftest import MINI_MIRROR, make_ctx

COMMUNES = "arcep/ftth-communes-2018T1.csv"
HISTORY = "arcep/ftth-communes-historique.csv"


def _run(con: duckdb.DuckDBPyConnection, root: Path, tmp: Path) -> LoadContext:
    ctx = make_ctx(con, "ftth_2018", root, tmp)
    load_ftth(ctx)
    return ctx


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "od"
    (root / "arcep").mkdir(parents=True)
    for rel in (COMMUNES, HISTORY):
        shutil.copy(MINI_MIRROR / rel, root / rel)
    return root


def test_ftth_values(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    ctx = _run(cog_con, MINI_MIRROR, tmp_path)
    paris = cog_con.execute(
        "SELECT logements, etablissements, zone_tres_dense, locaux_raccordables, taux_ftth, "
        "trimestre FROM ftth_2018 WHERE commune_code = '75056'"
    ).fetchone()
    assert paris[:4] == (1362182.0, 149289.0, True, 1484108.0)  # "1 362 182" with NBSP
    assert paris[4] == pytest.approx(1484108 / (1362182 + 149289))
    assert paris[5] == "2018-T1"
    # La Chapelle-Fleurigné = La Chapelle-Janson (35062) + Fleurigné (35112) in 2018
    merged = cog_con.execute(
        "SELECT logements, etablissements, locaux_raccordables, commune_rurale, operateurs_oi, "
        "nb_codes_sources FROM ftth_2018 WHERE commune_code = '35062'"
    ).fetchone()
    assert merged == (1058.0, 39.0, 16.0, True, "THDB", 2)
    assert cog_con.execute(
        "SELECT count(*) = count(DISTINCT commune_code), max(taux_ftth) <= 1 FROM ftth_2018"
    ).fetchone() == (True, True)
    assert [a.code for a in ctx.anomalies if "absent du COG" in a.problem] == ["99999", "99999"]


def test_ftth_history(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    _run(cog_con, MINI_MIRROR, tmp_path)
    rows = cog_con.execute(
        "SELECT champ, trimestre, valeur FROM ftth_historique WHERE commune_code = '35062' "
        "ORDER BY champ, trimestre"
    ).fetchall()
    assert rows == [
        ("categorie", "2017-T3", 0.0),
        ("categorie", "2017-T4", 0.0),
        ("categorie", "2018-T1", 0.0),  # class of the row with the current code
        ("locaux_raccordables", "2017-T3", 12.0),
        ("locaux_raccordables", "2017-T4", 16.0),
        ("locaux_raccordables", "2018-T1", 16.0),
    ]


def test_malformed_count(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    root = _copy(tmp_path)
    path = root / COMMUNES
    text = path.read_text("utf-8")
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if ln.startswith("35360,"))
    path.write_text(
        text.replace(
            "35360,Vitré,53,35,200039022, 8\u00a0779", "35360,Vitré,53,35,200039022, 8x779"
        ),
        "utf-8",
    )
    with pytest.raises(SourceError) as err:
        _run(cog_con, root, tmp_path)
    assert err.value.line == line and err.value.column == "Logements"
    assert "ftth-communes-2018T1.csv" in str(err.value)


def test_truncated_history(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    root = _copy(tmp_path)
    path = root / HISTORY
    lines = path.read_text("utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:10]) + "35360,Locaux Ra", "utf-8")
    with pytest.raises(SourceError) as err:
        _run(cog_con, root, tmp_path)
    assert err.value.line == 11 and "historique" in str(err.value)


def test_history_without_quarter(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    root = _copy(tmp_path)
    path = root / HISTORY
    lines = path.read_text("utf-8").splitlines(keepends=True)
    kept = [",".join(ln.rstrip("\n").split(",")[:4]) + "\n" for ln in lines]
    path.write_text("".join(kept), "utf-8")
    with pytest.raises(SourceError, match="2018-T1 absent"):
        _run(cog_con, root, tmp_path)


def test_missing_files(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="fichier introuvable"):
        _run(cog_con, tmp_path, tmp_path)
    root = _copy(tmp_path)
    (root / HISTORY).unlink()
    with pytest.raises(SourceError, match="fichier introuvable"):
        _run(cog_con, root, tmp_path)
