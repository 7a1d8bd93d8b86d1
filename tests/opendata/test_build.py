"""The whole build on the project's mini mirror: tables, checks, atomicity, optional sources."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb
import pytest

from teletravail.errors import SourceError, WarehouseError
from teletravail.opendata import checks
from teletravail.opendata.build import build_warehouse
from teletravail.opendata.catalogue import load_catalogue
from tests.conftest import FIXTURES, MINI_MIRROR


@pytest.fixture(scope="module")
def mini(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("mini") / "w.duckdb"
    build_warehouse(MINI_MIRROR, out)
    return out


def _one(path: Path, sql: str) -> object:
    con = duckdb.connect(str(path), read_only=True)
    try:
        row = con.execute(sql).fetchone()
        return row[0] if row else None
    finally:
        con.close()


def test_progress_and_report(tmp_path: Path) -> None:
    seen: list[str] = []
    report = build_warehouse(
        MINI_MIRROR, tmp_path / "w.duckdb", progress=lambda s, i, n: seen.append(s.id)
    )
    assert seen == [s.id for s in load_catalogue()]
    assert report.tables["communes"] == 18
    assert all(c.ok for c in report.checks)
    assert {s.source.id for s in report.states if not s.present} == {"mobpro", "tiers_lieux"}
    assert not list(tmp_path.glob(".*construction*"))


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT count(*) FROM communes", 18),
        ("SELECT epci_siren FROM communes WHERE code = '35360'", "200039022"),
        ("SELECT count(*) FROM epcis WHERE metropole", 4),
        ("SELECT count(*) FROM mobpro_flux", 0),
        ("SELECT count(*) FROM tiers_lieux", 0),
        ("SELECT count(*) FROM sources", len(load_catalogue())),
        ("SELECT count(*) FROM sources WHERE NOT chargee", 2),
    ],
)
def test_mini_tables(mini: Path, sql: str, expected: object) -> None:
    assert _one(mini, sql) == expected


def test_epci_centre_is_population_weighted(mini: Path) -> None:
    # CA du Pays de Saint-Omer holds 4 fixture communes; its centre lies among theirs.
    con = duckdb.connect(str(mini), read_only=True)
    lat, lon = con.execute("SELECT lat, lon FROM epcis WHERE siren = '200069037'").fetchone()
    expected = con.execute(
        "SELECT sum(lat * population) / sum(population), sum(lon * population) / sum(population) "
        "FROM communes WHERE epci_siren = '200069037'"
    ).fetchone()
    con.close()
    assert (lat, lon) == pytest.approx(expected)


def test_failed_build_keeps_previous(tmp_path: Path) -> None:
    target = tmp_path / "w.duckdb"
    build_warehouse(MINI_MIRROR, target)
    before = hashlib.sha256(target.read_bytes()).hexdigest()
    broken = tmp_path / "od"
    shutil.copytree(MINI_MIRROR, broken)
    (broken / "cog" / "epci.json").write_text('[{"code": "200039022", "nom": ')
    with pytest.raises(SourceError) as err:
        build_warehouse(broken, target)
    assert "epci.json" in str(err.value)
    assert hashlib.sha256(target.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["od", "w.duckdb"]


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="introuvable"):
        build_warehouse(tmp_path / "absent", tmp_path / "w.duckdb")
    assert not (tmp_path / "w.duckdb").exists()


def test_failing_check_aborts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    strict = (*checks.CHECKS, checks.DataCheck("toujours", "échoue", "SELECT 1"))
    monkeypatch.setattr(checks, "CHECKS", strict)
    with pytest.raises(WarehouseError, match="toujours"):
        build_warehouse(MINI_MIRROR, tmp_path / "w.duckdb")
    assert not (tmp_path / "w.duckdb").exists()


def test_optional_sources_loaded_when_present(tmp_path: Path) -> None:
    root = tmp_path / "od"
    shutil.copytree(MINI_MIRROR, root)
    shutil.copytree(FIXTURES / "optional", root, dirs_exist_ok=True)
    report = build_warehouse(root, tmp_path / "w.duckdb")
    assert report.tables["mobpro_flux"] > 0 and report.tables["tiers_lieux"] > 0


def test_negative_ridership_fails_the_check(tmp_path: Path) -> None:
    root = tmp_path / "od"
    shutil.copytree(MINI_MIRROR, root)
    path = root / "sncf" / "frequentation-gares.csv"
    path.write_text(
        path.read_text("utf-8").replace(
            "Tatinghem,87317099,62219,C,10,10,5,5,", "Tatinghem,87317099,62219,C,10,10,-5,-5,"
        ),
        "utf-8",
    )
    with pytest.raises(WarehouseError, match="frequentation_positive"):
        build_warehouse(root, tmp_path / "w.duckdb")
    assert not (tmp_path / "w.duckdb").exists()
