from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from teletravail.errors import SourceError
from teletravail.opendata.loaders.cog import load_centres, load_cog
from tests.conftest import MINI_MIRROR, make_ctx


def test_cog_tables(cog_con: duckdb.DuckDBPyConnection) -> None:
    n = cog_con.execute("SELECT count(*) FROM cog_communes").fetchone()
    assert n == (18,)
    assert cog_con.execute(
        "SELECT nom, population > 15000 FROM cog_communes WHERE code = '35360'"
    ).fetchone() == ("Vitré", True)
    metros = cog_con.execute("SELECT count(*) FROM epcis WHERE metropole").fetchone()
    assert metros == (4,)
    # how each name takes « de »: de l'Ain, des Bouches-du-Rhône
    links = cog_con.execute(
        "SELECT code, type_liaison, zone FROM departements WHERE code IN ('01', '13') ORDER BY code"
    ).fetchall()
    assert links == [("01", 5, "metro"), ("13", 4, "metro")]


@pytest.mark.parametrize(
    ("code", "expected", "kind"),
    [
        ("35360", "35360", "actuelle"),
        ("75101", "75056", "arrondissement"),
        ("69381", "69123", "arrondissement"),
        ("01340", "01015", "deleguee"),
        ("62807", "62757", "ancien"),
    ],
)
def test_commune_codes(
    cog_con: duckdb.DuckDBPyConnection, code: str, expected: str, kind: str
) -> None:
    row = cog_con.execute(
        "SELECT commune_code, kind FROM commune_codes WHERE code = ?", [code]
    ).fetchone()
    assert row == (expected, kind)


def test_centres(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    ctx = make_ctx(cog_con, "centres", MINI_MIRROR, tmp_path)
    load_centres(ctx)
    lat, lon = cog_con.execute(
        "SELECT lat, lon FROM commune_centres WHERE commune_code = '35360'"
    ).fetchone()
    assert 48.0 < lat < 48.3 and -1.3 < lon < -1.1


def test_centres_api_format(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    root = tmp_path / "od"
    (root / "geo").mkdir(parents=True)
    (root / "geo" / "communes-centres.json").write_text(
        '[{"code": "35360", "nom": "Vitré", "centre": {"type": "Point", '
        '"coordinates": [-1.19, 48.11]}, "population": 18000}]'
    )
    load_centres(make_ctx(cog_con, "centres", root, tmp_path))
    assert cog_con.execute("SELECT lat, lon FROM commune_centres").fetchall() == [(48.11, -1.19)]


def test_truncated_json_names_line(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    root = tmp_path / "od"
    (root / "cog").mkdir(parents=True)
    text = (MINI_MIRROR / "cog" / "communes.json").read_text()
    (root / "cog" / "communes.json").write_text(text[: len(text) // 2])
    with pytest.raises(SourceError) as err:
        load_cog(make_ctx(con, "cog", root, tmp_path))
    assert "communes.json" in str(err.value)
    assert err.value.line is not None and err.value.line > 1


def test_missing_file(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="fichier introuvable"):
        load_cog(make_ctx(con, "cog", tmp_path, tmp_path))
