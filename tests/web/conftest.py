"""Web fixtures: a warehouse built from the project's mini mirror, and the settings pointing at it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from teletravail.opendata.build import build_warehouse
from tests.conftest import MINI_MIRROR


@pytest.fixture(scope="session")
def web_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of a warehouse built from tests/fixtures/opendata."""
    out = tmp_path_factory.mktemp("web") / "mini.duckdb"
    build_warehouse(MINI_MIRROR, out)
    return out


@pytest.fixture(autouse=True)
def _warehouse_setting(settings: Settings, web_warehouse: Path) -> None:
    settings.TELETRAVAIL_WAREHOUSE = web_warehouse


@contextmanager
def test_connection_kept() -> Iterator[None]:
    """Requests sent straight to the WSGI application (schemathesis) inside a test's transaction:
    Django would close the database connection at the end of each request (``CONN_MAX_AGE`` 0),
    which on PostgreSQL leaves the test's transaction without a connection. Django's test client
    detaches that handler the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def kept_connection() -> Iterator[None]:
    """:func:`test_connection_kept` for a whole test (the schema is loaded through WSGI too)."""
    with test_connection_kept():
        yield
