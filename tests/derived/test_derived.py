"""The derived warehouse (rail service + indicators of a day) is built once, reused, and rebuilt
when the warehouse is rebuilt."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from teletravail import derived
from teletravail.derived import derived_path, ensure_derived
from teletravail.errors import ConfigError
from teletravail.opendata.build import build_warehouse
from tests.conftest import MINI_MIRROR

DAY = date(2025, 1, 28)


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    out = tmp_path / "w.duckdb"
    build_warehouse(MINI_MIRROR, out)
    return out


def test_built_once_then_reused(warehouse: Path) -> None:
    path, day = ensure_derived(warehouse, day=DAY)
    assert day == DAY and path == derived_path(warehouse, DAY, 5)
    con = duckdb.connect(str(path), read_only=True)
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    info = con.execute("SELECT jour, correspondance_min FROM derive_info").fetchone()
    con.close()
    assert {"indicateurs_commune", "indicateurs_epci", "desserte_gares"} <= tables
    assert info == (DAY, 5)
    stamp = path.stat().st_mtime_ns
    assert ensure_derived(warehouse, day=DAY) == (path, DAY)
    assert path.stat().st_mtime_ns == stamp  # reused, not recomputed
    assert not list(path.parent.glob(".*"))  # no temporary file left


def test_rebuilt_after_a_new_build(warehouse: Path) -> None:
    path, _ = ensure_derived(warehouse, day=DAY)
    stamp = path.stat().st_mtime_ns
    build_warehouse(MINI_MIRROR, warehouse)  # a new build: new build_info
    again, _ = ensure_derived(warehouse, day=DAY)
    assert again == path and again.stat().st_mtime_ns != stamp


def test_recomputed_when_the_code_changes(warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An upgrade that changes how indicators are computed must not leave stale columns."""
    path, _ = ensure_derived(warehouse, day=DAY)
    stamp = path.stat().st_mtime_ns
    assert ensure_derived(warehouse, day=DAY)[0].stat().st_mtime_ns == stamp
    monkeypatch.setattr(derived, "code_fingerprint", lambda: "autre-version")
    again, _ = ensure_derived(warehouse, day=DAY)
    assert again == path and again.stat().st_mtime_ns != stamp
    con = duckdb.connect(str(again), read_only=True)
    assert con.execute("SELECT code_empreinte FROM derive_info").fetchone() == ("autre-version",)
    con.close()


def test_code_fingerprint_is_stable_and_short() -> None:
    assert derived.code_fingerprint() == derived.code_fingerprint()
    assert len(derived.code_fingerprint()) == 16


def test_transfer_time_has_its_own_copy(warehouse: Path) -> None:
    five, _ = ensure_derived(warehouse, day=DAY)
    ten, _ = ensure_derived(warehouse, day=DAY, min_transfer_minutes=10)
    assert five != ten and ten.name.endswith("-10min.duckdb")


def test_day_outside_the_feeds(warehouse: Path) -> None:
    with pytest.raises(ConfigError, match="hors de la période"):
        ensure_derived(warehouse, day=date(2030, 1, 1))
    assert not (warehouse.parent / "derive").exists() or not list(
        (warehouse.parent / "derive").iterdir()
    )
