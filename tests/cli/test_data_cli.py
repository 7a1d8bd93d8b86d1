"""`teletravail data ...` in-process on the mini mirror: build, status, anomalies, errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from teletravail.cli import app
from teletravail.opendata.checks import CHECKS
from tests.conftest import MINI_MIRROR

runner = CliRunner()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "w.duckdb"
    result = runner.invoke(
        app, ["data", "build", "--source", str(MINI_MIRROR), "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "communes" in result.output and f"{len(CHECKS)}/{len(CHECKS)} conformes" in result.output
    assert "Source absente (facultative)" in result.output
    return out


def test_status(built: Path) -> None:
    result = runner.invoke(
        app,
        ["data", "status", "--source", str(MINI_MIRROR), "--output", str(built)],
        env={"COLUMNS": "250"},
    )
    assert result.exit_code == 0, result.output
    assert "COG 2026" in result.output
    assert "différent" in result.output  # the mini mirror's files are not the mirror's
    assert "absent" in result.output  # MOBPRO and tiers-lieux


def test_status_without_warehouse(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["data", "status", "--source", str(MINI_MIRROR), "--output", str(tmp_path / "n")]
    )
    assert result.exit_code == 0
    assert "teletravail data build" in result.output


def test_anomalies(built: Path) -> None:
    result = runner.invoke(
        app,
        ["data", "anomalies", "--output", str(built), "--de", "gares"],
        env={"COLUMNS": "250"},
    )
    assert result.exit_code == 0, result.output
    assert "99999" in result.output  # the fixture station with an unknown commune code


def test_build_without_source_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TELETRAVAIL_OPENDATA", raising=False)
    result = runner.invoke(app, ["data", "build", "--output", str(tmp_path / "w.duckdb")])
    assert result.exit_code == 2
    assert "TELETRAVAIL_OPENDATA" in result.output and "Traceback" not in result.output


def test_fetch_offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import teletravail.opendata.fetch as fetch

    # Point one catalogue URL at a closed local port: what a machine without internet sees.
    real = fetch.plan

    def offline_plan(sources=None):  # type: ignore[no-untyped-def]
        downloads, manual = real(sources)
        return [(s, rel, "http://127.0.0.1:9/" + rel, sha) for s, rel, _, sha in downloads], manual

    monkeypatch.setattr(fetch, "plan", offline_plan)
    result = runner.invoke(app, ["data", "fetch", "--only", "cog", "--dest", str(tmp_path)])
    assert result.exit_code == 2
    assert "Téléchargement impossible" in result.output and "Traceback" not in result.output
