"""Fixtures: a warehouse built from the project's mini mirror (Impact CO2 modes and reference figures)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from teletravail.impact.calculator import Method, load_method, load_modes
from teletravail.impact.models import ModeTransport
from teletravail.opendata.build import build_warehouse
from tests.conftest import MINI_MIRROR


@pytest.fixture(scope="session")
def mini_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of a warehouse built from tests/fixtures/opendata."""
    out = tmp_path_factory.mktemp("impact") / "mini.duckdb"
    build_warehouse(MINI_MIRROR, out)
    return out


@pytest.fixture
def wcon(mini_warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Read-only connection to the mini warehouse."""
    con = duckdb.connect(str(mini_warehouse), read_only=True)
    yield con
    con.close()


@pytest.fixture
def modes(wcon: duckdb.DuckDBPyConnection) -> dict[str, ModeTransport]:
    return load_modes(wcon)


@pytest.fixture
def method(wcon: duckdb.DuckDBPyConnection) -> Method:
    return load_method(wcon)
