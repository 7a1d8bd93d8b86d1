"""Integration fixtures: one warehouse built from the real open-data mirror per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from teletravail.opendata.build import BuildReport, build_warehouse
from tests.conftest import mirror_dir


@pytest.fixture(scope="session")
def mirror() -> Path:
    """The open-data mirror (TELETRAVAIL_OPENDATA); integration tests skip without it."""
    root = mirror_dir()
    if root is None:
        pytest.skip("TELETRAVAIL_OPENDATA ne désigne pas le miroir des données ouvertes")
    return root


@pytest.fixture(scope="session")
def built(mirror: Path, tmp_path_factory: pytest.TempPathFactory) -> BuildReport:
    """The build report of a warehouse built from the mirror."""
    out = tmp_path_factory.mktemp("entrepot") / "teletravail.duckdb"
    return build_warehouse(mirror, out)


@pytest.fixture(scope="session")
def warehouse(built: BuildReport) -> Path:
    """Path of the warehouse built from the mirror."""
    return built.output
