from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import duckdb
import pytest

from teletravail.errors import SourceError
from teletravail.opendata.context import LoadContext
from teletravail.opendata.loaders.mobpro import create_empty_mobpro_flux, load_mobpro
from tests.conftest import FIXTURES, make_ctx

OPTIONAL = FIXTURES / "optional"
CSV_NAME = "base-flux-mobilite-domicile-lieu-travail-2022.csv"
FIXTURE = OPTIONAL / "insee" / CSV_NAME


@pytest.fixture
def loaded(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> LoadContext:
    ctx = make_ctx(cog_con, "mobpro", OPTIONAL, tmp_path)
    load_mobpro(ctx)
    return ctx


def write_root(tmp_path: Path, name: str, text: str) -> Path:
    root = tmp_path / "od"
    (root / "insee").mkdir(parents=True, exist_ok=True)
    (root / "insee" / name).write_text(text, encoding="utf-8")
    return root


def test_rows_kept_and_vintage(loaded: LoadContext) -> None:
    con = loaded.con
    assert con.execute("SELECT count(*), sum(flux) FROM mobpro_flux").fetchone() == (
        12,
        pytest.approx(14523.3561, abs=1e-3),
    )
    assert con.execute("SELECT DISTINCT millesime FROM mobpro_flux").fetchall() == [("2022",)]


@pytest.mark.parametrize(
    ("res_src", "trav_src", "res", "trav"),
    [
        ("35360", "35238", "35360", "35238"),  # current codes
        ("01340", "01015", "01015", "01015"),  # commune déléguée
        ("75101", "75102", "75056", "75056"),  # Paris arrondissements
        ("69381", "13201", "69123", "13055"),  # Lyon and Marseille arrondissements
        ("35999", "35238", None, "35238"),  # unknown: kept, NULL, reported
        ("62765", "99131", "62765", None),  # abroad: kept, NULL
    ],
)
def test_codes_mapped(
    loaded: LoadContext, res_src: str, trav_src: str, res: str | None, trav: str | None
) -> None:
    row = loaded.con.execute(
        "SELECT commune_residence, commune_travail FROM mobpro_flux "
        "WHERE code_residence_source = ? AND code_travail_source = ?",
        [res_src, trav_src],
    ).fetchone()
    assert row == (res, trav)


def test_additive_aggregation(loaded: LoadContext) -> None:
    # 75101 -> 75102 and 75102 -> 75101 are both Paris -> Paris once mapped
    assert loaded.con.execute(
        "SELECT sum(flux) FROM mobpro_flux "
        "WHERE commune_residence = '75056' AND commune_travail = '75056'"
    ).fetchone() == (pytest.approx(180.75),)


def test_anomalies(loaded: LoadContext) -> None:
    assert [(a.code, a.name) for a in loaded.anomalies] == [
        ("35999", "Commune inconnue"),
        ("99131", "Belgique"),
    ]
    assert "étranger" in loaded.anomalies[1].problem
    assert loaded.con.execute(
        "SELECT etranger FROM mobpro_flux WHERE code_travail_source = '99131'"
    ).fetchone() == (True,)


def test_official_zip(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    root = tmp_path / "od"
    (root / "insee").mkdir(parents=True)
    with zipfile.ZipFile(
        root / "insee" / "base-flux-mobilite-domicile-lieu-travail-2022_csv.zip", "w"
    ) as zf:
        zf.writestr("meta_base-flux-mobilite-domicile-lieu-travail-2022.csv", "COD_VAR;LIB_VAR\n")
        zf.write(FIXTURE, CSV_NAME)
    load_mobpro(make_ctx(cog_con, "mobpro", root, tmp_path / "work"))
    assert cog_con.execute("SELECT count(*) FROM mobpro_flux").fetchone() == (12,)


def test_older_vintage_detected(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    root = write_root(
        tmp_path,
        "base-flux-mobilite-domicile-lieu-travail-2021.csv",
        "CODGEO;LIBGEO;DCLT;L_DCLT;NBFLUX_C21_ACTOCC15P\n35360;Vitré;35238;Rennes;790.25\n",
    )
    load_mobpro(make_ctx(cog_con, "mobpro", root, tmp_path))
    assert cog_con.execute("SELECT flux, millesime FROM mobpro_flux").fetchall() == [
        (790.25, "2021")
    ]


def test_newest_file_chosen(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    root = write_root(
        tmp_path,
        "base-csv-flux-mobilite-domicile-lieu-travail-2019.csv",
        "CODGEO;LIBGEO;DCLT;L_DCLT;NBFLUX_C19_ACTOCC15P\n35360;Vitré;35238;Rennes;700\n",
    )
    shutil.copy(FIXTURE, root / "insee" / CSV_NAME)
    ctx = make_ctx(cog_con, "mobpro", root, tmp_path)
    load_mobpro(ctx)
    assert cog_con.execute("SELECT DISTINCT millesime FROM mobpro_flux").fetchall() == [("2022",)]
    assert ctx.anomalies[0].file == CSV_NAME and "2 fichiers" in ctx.anomalies[0].problem


def test_create_empty(con: duckdb.DuckDBPyConnection) -> None:
    create_empty_mobpro_flux(con)
    assert con.execute("SELECT count(*) FROM mobpro_flux").fetchone() == (0,)
    names = [r[0] for r in con.execute("DESCRIBE mobpro_flux").fetchall()]
    assert names[:2] == ["commune_residence", "commune_travail"] and "flux" in names


def test_missing_file(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="fichier introuvable"):
        load_mobpro(make_ctx(cog_con, "mobpro", tmp_path, tmp_path))


def test_truncated_file(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    text = FIXTURE.read_text(encoding="utf-8")
    root = write_root(tmp_path, CSV_NAME, text[: text.index("62765;Saint-Omer;99131") + 18])
    with pytest.raises(SourceError) as err:
        load_mobpro(make_ctx(cog_con, "mobpro", root, tmp_path))
    assert err.value.path.name == CSV_NAME
    assert err.value.line == 8


def test_malformed_flux(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    text = FIXTURE.read_text(encoding="utf-8").replace(";812.5", ";812,5")
    root = write_root(tmp_path, CSV_NAME, text)
    with pytest.raises(SourceError) as err:
        load_mobpro(make_ctx(cog_con, "mobpro", root, tmp_path))
    assert (err.value.line, err.value.column, err.value.value) == (
        5,
        "NBFLUX_C22_ACTOCC15P",
        "812,5",
    )
    assert CSV_NAME in str(err.value)


def test_missing_flux_column(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    root = write_root(tmp_path, CSV_NAME, "CODGEO;LIBGEO;DCLT;L_DCLT;NB\n35360;Vitré;35238;R;1\n")
    with pytest.raises(SourceError, match="NBFLUX") as err:
        load_mobpro(make_ctx(cog_con, "mobpro", root, tmp_path))
    assert err.value.line == 1
