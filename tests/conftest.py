"""Shared fixtures: the project's tiny open-data mirror and loader contexts over it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

# Rich reads the terminal width once, when a console is created (at import of the CLI modules):
# give every test process the same wide terminal, so that assertions do not depend on wrapping.
os.environ["COLUMNS"] = "200"

from teletravail.opendata.build import BuildReport, build_warehouse
from teletravail.opendata.catalogue import get_source
from teletravail.opendata.context import LoadContext

FIXTURES = Path(__file__).parent / "fixtures"
MINI_MIRROR = FIXTURES / "opendata"


def mirror_dir() -> Path | None:
    """The real open-data mirror (TELETRAVAIL_OPENDATA), or None when unset or absent."""
    value = os.environ.get("TELETRAVAIL_OPENDATA")
    if value and Path(value).is_dir():
        return Path(value)
    return None


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory DuckDB connection with the fixture COG 2026 loaded (commune_codes included)."""
    connection = duckdb.connect()
    yield connection
    connection.close()


def make_ctx(
    connection: duckdb.DuckDBPyConnection, source_id: str, root: Path, workdir: Path
) -> LoadContext:
    """A loader context for catalogue source ``source_id`` reading files under ``root``."""
    return LoadContext(con=connection, root=root, source=get_source(source_id), workdir=workdir)


@pytest.fixture
def cog_con(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> duckdb.DuckDBPyConnection:
    """Connection where the fixture COG (communes, codes, EPCIs) is already loaded."""
    from teletravail.opendata.loaders.cog import load_cog

    load_cog(make_ctx(con, "cog", MINI_MIRROR, tmp_path))
    return con


# Integration fixtures: one warehouse built from the real mirror per test session, shared by every
# test package (skipped without TELETRAVAIL_OPENDATA).
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
