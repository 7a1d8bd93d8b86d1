"""Loaders of the housing complements (Cartofriches, LOVAC, DVF, rent map, ABC zoning, Sitadel,
ANCT programmes) on the fixture mirror, and their refusal of bad input."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import duckdb
import pytest

from teletravail.errors import SourceError
from teletravail.opendata.context import LoadContext
from tests.conftest import MINI_MIRROR, make_ctx

FILES = {
    "cartofriches": ["cerema/cartofriches-communes.json.gz"],
    "lovac": ["cerema/lovac2025-communes.csv"],
    "dvf": ["dgfip/dvf-appartements-communes.csv"],
    "carte_loyers": ["anil/carte-loyers-appartement.csv.gz", "anil/carte-loyers-maison.csv.gz"],
    "zonage_abc": ["dhup/zonage-abc-communes.json"],
    "sitadel": ["sdes/sitadel-logements-communes.json.gz"],
    "programmes_anct": ["anct/programmes-acv-pvd-ort.json"],
}


def _run(con: duckdb.DuckDBPyConnection, source: str, root: Path, tmp: Path) -> LoadContext:
    ctx = make_ctx(con, source, root, tmp)
    ctx.source.loader()(ctx)
    return ctx


def _copy(source: str, tmp: Path) -> Path:
    root = tmp / "od"
    for rel in FILES[source]:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(MINI_MIRROR / rel, root / rel)
    return root


def test_cartofriches(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    ctx = _run(cog_con, "cartofriches", MINI_MIRROR, tmp_path)
    rows = cog_con.execute(
        "SELECT insee_com, commune_code, nb_sites, surface_m2, nb_avec_projet, nb_sans_projet, "
        "nb_potentielles FROM friches_communes ORDER BY insee_com"
    ).fetchall()
    assert ("81004", "81004", 12, 705368.0, 7, 4, 1) in rows
    assert ("33243", "33243", 9, 22212.0, 9, 0, 0) in rows
    # A commune déléguée is attached to its commune nouvelle; an unknown code is reported.
    assert ("01340", "01015", 2, 15000.0, 0, 1, 1) in rows
    assert ("97127", None, 1, 500.0, 0, 0, 1) in rows
    assert [a.code for a in ctx.anomalies] == ["97127"]


def test_lovac_blank_is_null(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    _run(cog_con, "lovac", MINI_MIRROR, tmp_path)
    rows = dict(
        (r[0], r[1:])
        for r in cog_con.execute(
            "SELECT insee_com, commune_code, taux_vacance_pct, taux_vacance_longue_pct "
            "FROM lovac_communes"
        ).fetchall()
    )
    assert rows["33243"] == ("33243", 9.59, 4.88)
    assert rows["62757"] == ("62757", None, None)  # blank = statistical secrecy, never 0
    assert rows["75101"][0] == "75056"  # arrondissement attached to Paris


def test_dvf(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    _run(cog_con, "dvf", MINI_MIRROR, tmp_path)
    row = cog_con.execute(
        "SELECT nb_ventes, prix_m2_q1, prix_m2_median, prix_m2_q3, nb_ventes_petits, "
        "prix_m2_median_petits FROM dvf_appartements WHERE insee_com = '81004'"
    ).fetchone()
    assert row == (891, 1983.31, 2384.09, 2857.32, 487, 2575.0)


def test_loyers_decimal_commas(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    _run(cog_con, "carte_loyers", MINI_MIRROR, tmp_path)
    rows = cog_con.execute(
        "SELECT type_bien, round(loyer_m2, 4), round(loyer_m2_bas, 4), round(loyer_m2_haut, 4), "
        "maille, nb_obs_commune FROM loyers_communes WHERE commune_code = '33243' ORDER BY 1"
    ).fetchall()
    assert rows == [
        ("appartement", 12.9465, 10.4823, 15.9899, "commune", 3961),
        ("maison", 10.9836, 8.7104, 13.8501, "commune", 1427),
    ]


def test_zonage_abc(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    _run(cog_con, "zonage_abc", MINI_MIRROR, tmp_path)
    zones = dict(cog_con.execute("SELECT commune_code, zone FROM zonage_abc").fetchall())
    assert zones["33243"] == "B1" and zones["75056"] == "Abis"


def test_sitadel_blank_is_null(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    ctx = _run(cog_con, "sitadel", MINI_MIRROR, tmp_path)
    libourne = cog_con.execute(
        "SELECT sum(autorises), sum(commences), count(*), count(commences) FROM sitadel_logements "
        "WHERE commune_code = '33243'"
    ).fetchone()
    # sdes/sitadel-logements-communes.json.gz, communes -> 33243: a sums to 1648 (2013-2025),
    # s to 1204 (2013-2024), the 2025 start is -1 (blank).
    assert libourne == (1648, 1204, 13, 12)
    # The former commune 01340 (4 years) is attached to 01015 and kept beside it.
    rows = cog_con.execute(
        "SELECT insee_com, annee, autorises, commences FROM sitadel_logements "
        "WHERE commune_code = '01015' AND annee = 2016 ORDER BY insee_com"
    ).fetchall()
    assert rows == [("01015", 2016, 1, 1), ("01340", 2016, 3, None)]
    assert ctx.anomalies == []


def test_programmes(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    import datetime as dt

    ctx = _run(cog_con, "programmes_anct", MINI_MIRROR, tmp_path)
    row = cog_con.execute(
        "SELECT acv, acv_signature, pvd, pvd_signature, ort, ort_signature FROM programmes_anct "
        "WHERE commune_code = '33243'"
    ).fetchone()
    assert row == (True, dt.date(2024, 12, 27), False, None, True, dt.date(2020, 1, 9))
    assert [a.code for a in ctx.anomalies] == ["97127"]


@pytest.mark.parametrize("source", sorted(FILES))
def test_missing_file(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path, source: str) -> None:
    with pytest.raises(SourceError, match="fichier introuvable"):
        _run(cog_con, source, tmp_path, tmp_path)


def test_lovac_bad_rate_names_line(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    root = _copy("lovac", tmp_path)
    path = root / FILES["lovac"][0]
    path.write_text(path.read_text("utf-8").replace("62040;5.28;", "62040;5,2 8;"), "utf-8")
    with pytest.raises(SourceError) as err:
        _run(cog_con, "lovac", root, tmp_path)
    assert (err.value.line, err.value.column, err.value.value) == (
        3,
        "taux_vacance_25_pct",
        "5,2 8",
    )


def test_dvf_truncated(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    root = _copy("dvf", tmp_path)
    path = root / FILES["dvf"][0]
    lines = path.read_text("utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:2]) + lines[2][:12], "utf-8")
    with pytest.raises(SourceError) as err:
        _run(cog_con, "dvf", root, tmp_path)
    assert err.value.line == 3


def test_loyers_interval_checked(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    root = _copy("carte_loyers", tmp_path)
    path = root / FILES["carte_loyers"][1]
    text = gzip.decompress(path.read_bytes()).decode("utf-8")
    lines = text.splitlines(keepends=True)
    lines[4] = lines[4].replace("33243;33;10,98", "33243;33;20,98")
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write("".join(lines))
    with pytest.raises(SourceError) as err:
        _run(cog_con, "carte_loyers", root, tmp_path)
    assert err.value.line == 5 and "intervalle" in str(err.value)
    assert "carte-loyers-maison.csv.gz" in str(err.value)


def test_sitadel_negative_refused(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    root = _copy("sitadel", tmp_path)
    path = root / FILES["sitadel"][0]
    text = gzip.decompress(path.read_bytes()).decode("utf-8")
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write(text.replace('"a": [124,', '"a": [-5,').replace('"a":[124,', '"a":[-5,'))
    with pytest.raises(SourceError) as err:
        _run(cog_con, "sitadel", root, tmp_path)
    assert err.value.column == "communes.33243.a[0]" and err.value.value == "-5"


def test_bad_json_names_line(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    root = _copy("zonage_abc", tmp_path)
    path = root / FILES["zonage_abc"][0]
    path.write_text(path.read_text("utf-8").replace('"B1"', "B1", 1), "utf-8")
    with pytest.raises(SourceError) as err:
        _run(cog_con, "zonage_abc", root, tmp_path)
    assert err.value.line is not None and "JSON invalide" in str(err.value)


def test_unknown_zone_refused(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    root = _copy("zonage_abc", tmp_path)
    path = root / FILES["zonage_abc"][0]
    path.write_text(path.read_text("utf-8").replace('"B1"', '"B3"', 1), "utf-8")
    with pytest.raises(SourceError) as err:
        _run(cog_con, "zonage_abc", root, tmp_path)
    assert err.value.value == "'B3'"
