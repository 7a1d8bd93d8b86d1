from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from teletravail.errors import SourceError
from teletravail.opendata.context import LoadContext
from teletravail.opendata.loaders.mobpro_detail import load_mobpro_detail
from tests.conftest import MINI_MIRROR, make_ctx

NAME = "mobpro2014-meuse-detail.csv"


@pytest.fixture
def loaded(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> LoadContext:
    ctx = make_ctx(cog_con, "mobpro_detail_2014", MINI_MIRROR, tmp_path)
    load_mobpro_detail(ctx)
    return ctx


def test_rows_and_weights(loaded: LoadContext) -> None:
    assert loaded.con.execute("SELECT count(*), sum(poids) FROM mobpro_detail_2014").fetchone() == (
        6,
        pytest.approx(24.75),
    )


def test_codes_attached(loaded: LoadContext) -> None:
    rows = loaded.con.execute(
        "SELECT code_residence_source, code_travail_source, commune_residence, commune_travail, "
        "etranger, cs1 FROM mobpro_detail_2014"
    ).fetchall()
    assert ("01340", "01015", "01015", "01015", False, 4) in rows  # commune déléguée
    assert ("35062", "35360", "35062", "35360", False, 6) in rows
    assert ("62765", "99131", "62765", None, True, 6) in rows  # abroad
    assert ("35999", "35238", None, "35238", False, 2) in rows  # unknown code kept
    assert any(a.code == "35999" for a in loaded.anomalies)


@pytest.mark.parametrize(
    ("line", "column", "value"),
    [("35360;35238;7;40;4.5", "CS1", "7"), ("35360;35238;3;40;-1", "IPONDI", "-1")],
)
def test_bad_value_refused(
    cog_con: duckdb.DuckDBPyConnection, tmp_path: Path, line: str, column: str, value: str
) -> None:
    root = tmp_path / "od"
    (root / "insee").mkdir(parents=True)
    (root / "insee" / NAME).write_text(
        "COMMUNE;DCLT;CS1;AGEREVQ;IPONDI\n35360;35360;5;25;4.0\n" + line + "\n", encoding="utf-8"
    )
    with pytest.raises(SourceError) as err:
        load_mobpro_detail(make_ctx(cog_con, "mobpro_detail_2014", root, tmp_path))
    assert err.value.line == 3
    assert err.value.column == column
    assert err.value.value == value
