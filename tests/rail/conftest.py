"""Fixtures of the rail tests: the synthetic network of ``network.py``. The integration tests use
the session fixture ``warehouse`` of tests/conftest.py (a warehouse built from the real mirror)."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pytest

from tests.rail.network import build_network


@pytest.fixture
def network() -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory connection holding the synthetic network's warehouse tables."""
    connection = duckdb.connect()
    build_network(connection)
    yield connection
    connection.close()
