from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from teletravail.errors import SourceError
from teletravail.opendata.context import LoadContext
from teletravail.opendata.loaders.cog import load_centres
from tests.conftest import MINI_MIRROR, make_ctx

FILES = {
    "acv": "anct/action-coeur-de-ville.csv",
    "pvd": "anct/petites-villes-de-demain.csv",
    "france_services": "anct/france-services-20240801.csv",
}


@pytest.fixture
def geo_con(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> duckdb.DuckDBPyConnection:
    load_centres(make_ctx(cog_con, "centres", MINI_MIRROR, tmp_path))
    return cog_con


def _run(con: duckdb.DuckDBPyConnection, source: str, root: Path, tmp: Path) -> LoadContext:
    ctx = make_ctx(con, source, root, tmp)
    ctx.source.loader()(ctx)
    return ctx


def test_acv(geo_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    ctx = _run(geo_con, "acv", MINI_MIRROR, tmp_path)
    assert geo_con.execute(
        "SELECT commune_code, id_acv, siren_epci, population FROM acv WHERE lib_com = 'Vitré'"
    ).fetchone() == ("35360", "acv-220", "200039022", 18603)
    assert geo_con.execute("SELECT count(*) FROM acv").fetchone() == (8,)
    # Les Abymes is drawn near metropolitan France in ANCT's layer: moved to its centre
    lat, lon, lat_src = geo_con.execute(
        "SELECT lat, lon, lat_source FROM acv WHERE commune_code = '97101'"
    ).fetchone()
    assert 15 < lat < 17 and -62 < lon < -61 and lat_src == pytest.approx(45.4613)
    problems = {a.code: a.problem for a in ctx.anomalies}
    assert "absent du COG" in problems["99999"]
    assert "remplacées par le centre" in problems["97101"]


def test_pvd(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    ctx = _run(cog_con, "pvd", MINI_MIRROR, tmp_path)
    rows = {
        r[0]: r[1:]
        for r in cog_con.execute(
            "SELECT insee_com, commune_code, id_pvd, siren_epci, lib_epci, population FROM pvd"
        ).fetchall()
    }
    assert rows["60591"] == ("60591", "pvd-32-60-1", "200067999", "CA du Beauvaisis, Oise", 1873)
    assert rows["62807"][:2] == ("62757", None)  # former code mapped, empty id -> NULL
    assert rows["999999"][0] is None and rows["999999"][2] is None  # "NA" -> NULL
    assert [(a.code, a.name) for a in ctx.anomalies] == [("999999", "Trifouilly-les-Oies")]


def test_france_services(geo_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    ctx = _run(geo_con, "france_services", MINI_MIRROR, tmp_path)
    paris = geo_con.execute(
        "SELECT commune_code, insee_com, prise_rdv, h_mardi, type_fs, format_fs, "
        "date_labellisation::VARCHAR FROM france_services WHERE id_fs = '9001'"
    ).fetchone()
    assert paris == ("75056", "75101", True, None, "Antenne", "Itinérant", "2023-03-15")
    rennes = geo_con.execute(
        "SELECT nom, complement_adresse, lat, prise_rdv FROM france_services WHERE id_fs = '212'"
    ).fetchone()
    assert rennes == ("France services Pimms Médiation Rennes", "Le Quadri", 48.087386, False)
    assert [a.code for a in ctx.anomalies] == ["99999"]


def test_france_services_bad_flag(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    root = tmp_path / "od"
    (root / "anct").mkdir(parents=True)
    text = (MINI_MIRROR / FILES["france_services"]).read_text("utf-8")
    (root / FILES["france_services"]).write_text(text.replace('"Oui"', '"Peut-être"'), "utf-8")
    with pytest.raises(SourceError) as err:
        _run(cog_con, "france_services", root, tmp_path)
    assert err.value.line == 3 and err.value.value == "Peut-être"  # first "Oui" (Rennes)


@pytest.mark.parametrize("source", sorted(FILES))
def test_missing_file(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path, source: str) -> None:
    with pytest.raises(SourceError, match="fichier introuvable"):
        _run(cog_con, source, tmp_path, tmp_path)


@pytest.mark.parametrize("source", sorted(FILES))
def test_truncated_file(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path, source: str) -> None:
    root = tmp_path / "od"
    (root / "anct").mkdir(parents=True)
    lines = (MINI_MIRROR / FILES[source]).read_text("utf-8").splitlines(keepends=True)
    (root / FILES[source]).write_text("".join(lines[:2]) + lines[2][:12], "utf-8")
    with pytest.raises(SourceError) as err:
        _run(cog_con, source, root, tmp_path)
    assert err.value.line == 3 and Path(FILES[source]).name in str(err.value)


def test_malformed_population(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    root = tmp_path / "od"
    (root / "anct").mkdir(parents=True)
    text = (MINI_MIRROR / FILES["acv"]).read_text("utf-8")
    (root / FILES["acv"]).write_text(text.replace(",18603,", ",18 603,"), "utf-8")
    with pytest.raises(SourceError) as err:
        _run(cog_con, "acv", root, tmp_path)
    assert err.value.line == 3 and err.value.value == "18 603"
