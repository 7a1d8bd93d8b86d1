"""Web fixtures: a warehouse built from the project's mini mirror, and the settings pointing at it."""

from __future__ import annotations

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
