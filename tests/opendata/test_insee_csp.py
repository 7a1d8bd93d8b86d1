from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from teletravail.errors import SourceError
from teletravail.opendata.context import LoadContext
from teletravail.opendata.loaders.insee_csp import load_csp_2011
from tests.conftest import MINI_MIRROR, make_ctx

REL = "insee/pop-act2554-csp-2011.csv"


def _run(con: duckdb.DuckDBPyConnection, root: Path, tmp: Path) -> LoadContext:
    ctx = make_ctx(con, "csp_2011", root, tmp)
    load_csp_2011(ctx)
    return ctx


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "od"
    (root / "insee").mkdir(parents=True)
    shutil.copy(MINI_MIRROR / REL, root / REL)
    return root / REL


def _line_of(path: Path, prefix: str) -> int:
    return next(
        i for i, ln in enumerate(path.read_text("utf-8").splitlines(), 1) if ln.startswith(prefix)
    )


def test_values(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    ctx = _run(cog_con, MINI_MIRROR, tmp_path)
    marseille = cog_con.execute(
        "SELECT cs3_emploi, cs3_chomeurs, cs5_emploi, nb_codes_sources FROM csp_2011 "
        "WHERE commune_code = '13055'"
    ).fetchone()
    assert marseille == (45959.0, 2628.0, 70602.0, 1)  # "45,959": comma = thousands
    # Arboys en Bugey = Arbignieu (01015) + Saint-Bois (01340) in 2011
    assert cog_con.execute(
        "SELECT cs4_emploi, actifs_25_54, nb_codes_sources FROM csp_2011 "
        "WHERE commune_code = '01015'"
    ).fetchone() == (50.0, 173.0, 2)
    # Paris only exists as arrondissements in the file: they are summed
    assert cog_con.execute(
        "SELECT nb_codes_sources FROM csp_2011 WHERE commune_code = '75056'"
    ).fetchone() == (2,)
    # overseas: département 971 + commune 101 -> 97101
    assert cog_con.execute(
        "SELECT cs1_emploi FROM csp_2011 WHERE commune_code = '97101'"
    ).fetchone() == (88.0,)
    problems = [(a.code, a.problem) for a in ctx.anomalies]
    assert any(c == "35999" and "absent du COG" in p for c, p in problems)
    assert any(c is None and p.startswith("1 ligne(s) vide(s)") for c, p in problems)


def test_malformed_number_names_physical_line(
    cog_con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    path = _copy(tmp_path)
    line = _line_of(path, "72,33,243")
    path.write_text(path.read_text("utf-8").replace('"1,945"', '"1.9.45"'), "utf-8")
    with pytest.raises(SourceError) as err:
        _run(cog_con, tmp_path / "od", tmp_path)
    assert err.value.line == line and err.value.value == "1.9.45"
    assert "pop-act2554-csp-2011.csv" in str(err.value)


def test_truncated_names_physical_line(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = _copy(tmp_path)
    line = _line_of(path, "72,33,243")
    lines = path.read_text("utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[: line - 1]) + lines[line - 1][:30], "utf-8")
    with pytest.raises(SourceError) as err:
        _run(cog_con, tmp_path / "od", tmp_path)
    assert err.value.line == line


def test_missing_header(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = _copy(tmp_path)
    path.write_text(path.read_text("utf-8").replace("RR,DR,CR", "XX,YY,ZZ"), "utf-8")
    with pytest.raises(SourceError, match="introuvable"):
        _run(cog_con, tmp_path / "od", tmp_path)


def test_missing_file(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="fichier introuvable"):
        _run(cog_con, tmp_path, tmp_path)
