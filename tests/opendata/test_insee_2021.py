"""Loaders of the INSEE 2021 complements on the fixture mirror (real rows of the mirror's files)."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import duckdb
import pytest

from teletravail.errors import SourceError
from teletravail.opendata.context import LoadContext
from tests.conftest import MINI_MIRROR, make_ctx

RP = "insee/rp2021-iris.parquet"
LOG = "insee/rp2021-logement-communes.json.gz"
FILO = "insee/filosofi2021-communes.json"
FILO_IRIS = "insee/filosofi2021-iris.json.gz"
CHOMAGE = "insee/chomage-zones-emploi-2021-2025.json"


def _run(con: duckdb.DuckDBPyConnection, source: str, root: Path, tmp: Path) -> LoadContext:
    ctx = make_ctx(con, source, root, tmp)
    ctx.source.loader()(ctx)
    return ctx


def _copy(tmp_path: Path, *relative: str) -> Path:
    root = tmp_path / "od"
    for rel in relative:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(MINI_MIRROR / rel, root / rel)
    return root


def _rewrite_json(path: Path, change: object) -> None:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:  # type: ignore[operator]
        doc = json.load(fh)
    change(doc)  # type: ignore[operator]
    with opener(path, "wt", encoding="utf-8") as fh:  # type: ignore[operator]
        json.dump(doc, fh)


def test_rp2021_iris_summed_by_commune(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    ctx = _run(cog_con, "rp2021_iris", MINI_MIRROR, tmp_path)
    # Vitré: 7 IRIS, 18,998 inhabitants in 2021 (sum of the parquet's `pop` for com = 35360)
    assert cog_con.execute(
        "SELECT population, nb_iris FROM rp2021_communes WHERE commune_code = '35360'"
    ).fetchone() == (18998.0, 7)
    # Paris: only the fixture's arrondissements 1 and 2, summed into 75056
    paris = cog_con.execute(
        "SELECT nb_iris FROM rp2021_communes WHERE commune_code = '75056'"
    ).fetchone()
    assert paris == (31,)
    assert cog_con.execute(
        "SELECT count(*) FROM rp2021_iris WHERE commune_code IS NULL"
    ).fetchone() == (0,)
    assert not [a for a in ctx.anomalies if "absent du COG" in a.problem]


def test_logement_2021_drops_arrondissements(
    cog_con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    ctx = _run(cog_con, "logement_2021", MINI_MIRROR, tmp_path)
    row = cog_con.execute(
        "SELECT logements, residences_secondaires, logements_vacants, nb_codes_sources "
        "FROM logement_2021 WHERE commune_code = '75056'"
    ).fetchone()
    assert row is not None and row[3] == 1  # the whole city, arrondissements ignored
    assert any("arrondissements" in a.problem for a in ctx.anomalies)


def test_logement_2021_former_code_and_unknown(
    cog_con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    root = _copy(tmp_path, LOG)

    def change(doc: dict) -> None:  # type: ignore[type-arg]
        doc["communes"]["35112"] = {"log": 10, "rp": 8, "rsec": 1, "vac": 1}  # former 35062
        doc["communes"]["99999"] = {"log": 5, "rp": 5, "rsec": 0, "vac": 0}

    _rewrite_json(root / LOG, change)
    ctx = _run(cog_con, "logement_2021", root, tmp_path)
    assert cog_con.execute(
        "SELECT nb_codes_sources FROM logement_2021 WHERE commune_code = '35062'"
    ).fetchone() == (2,)
    assert [a.code for a in ctx.anomalies if "sans correspondance" in a.problem] == ["99999"]


def test_logement_2021_refuses_inconsistent_counts(
    cog_con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    root = _copy(tmp_path, LOG)
    _rewrite_json(
        root / LOG,
        lambda d: d["communes"]["35360"].update(vac=9000),
    )
    with pytest.raises(SourceError) as err:
        _run(cog_con, "logement_2021", root, tmp_path)
    assert err.value.column == "communes.35360"


def test_filosofi_2021_paris_is_an_approximation(
    cog_con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    _run(cog_con, "rp2021_iris", MINI_MIRROR, tmp_path)
    _run(cog_con, "filosofi_2021", MINI_MIRROR, tmp_path)
    assert cog_con.execute(
        "SELECT revenu_median, revenu_approche FROM filosofi_2021 WHERE commune_code = '35360'"
    ).fetchone() == (23060.0, False)
    median, approx = cog_con.execute(
        "SELECT revenu_median, revenu_approche FROM filosofi_2021 WHERE commune_code = '75056'"
    ).fetchone() or (None, None)
    assert approx is True
    # weighted mean of the arrondissements 1 and 2 (medians and 2021 populations of the fixture)
    parts = cog_con.execute(
        "SELECT sum(population) FILTER (WHERE commune_source = '75101'), "
        "sum(population) FILTER (WHERE commune_source = '75102') FROM rp2021_iris"
    ).fetchone()
    assert parts is not None
    doc = json.loads((MINI_MIRROR / FILO).read_text("utf-8"))["communes"]
    expected = (doc["75101"]["median_eur"] * parts[0] + doc["75102"]["median_eur"] * parts[1]) / (
        parts[0] + parts[1]
    )
    assert median == pytest.approx(expected)


def test_filosofi_2021_refuses_bad_value(
    cog_con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    root = _copy(tmp_path, FILO, RP)
    _rewrite_json(root / FILO, lambda d: d["communes"]["35360"].update(median_eur="23 060"))
    _run(cog_con, "rp2021_iris", root, tmp_path)
    with pytest.raises(SourceError) as err:
        _run(cog_con, "filosofi_2021", root, tmp_path)
    assert err.value.column == "communes.35360.median_eur"
    assert "23 060" in err.value.render()


def test_filosofi_2021_iris(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    _run(cog_con, "rp2021_iris", MINI_MIRROR, tmp_path)
    _run(cog_con, "filosofi_2021_iris", MINI_MIRROR, tmp_path)
    rows = cog_con.execute(
        "SELECT count(*), min(revenu_median), max(revenu_median), count(population) "
        "FROM filosofi_2021_iris WHERE commune_code = '35360'"
    ).fetchone()
    assert rows is not None and rows[0] >= 2 and rows[0] == rows[3]
    assert rows[1] < rows[2]


def test_filosofi_2021_iris_refuses_bad_rate(
    cog_con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    root = _copy(tmp_path, FILO_IRIS, RP)
    code = "353600101"

    def change(doc: dict) -> None:  # type: ignore[type-arg]
        doc["iris"][code] = {"median_eur": 20000, "poverty_rate_pct": 140}

    _rewrite_json(root / FILO_IRIS, change)
    _run(cog_con, "rp2021_iris", root, tmp_path)
    with pytest.raises(SourceError) as err:
        _run(cog_con, "filosofi_2021_iris", root, tmp_path)
    assert err.value.column == f"iris.{code}.poverty_rate_pct" and err.value.value == "140"


def test_chomage_ze(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    _run(cog_con, "chomage_ze", MINI_MIRROR, tmp_path)
    assert cog_con.execute(
        "SELECT ze_code FROM chomage_ze_communes WHERE commune_code = '62765'"
    ).fetchone() == ("3219",)
    series = cog_con.execute(
        "SELECT trimestre, taux_chomage FROM chomage_ze WHERE ze_code = '3219' ORDER BY trimestre"
    ).fetchall()
    assert len(series) == 20 and series[0][0] == "2021-T1" and series[-1][0] == "2025-T4"
    assert cog_con.execute("SELECT count(*) FROM chomage_france").fetchone() == (20,)


def test_chomage_ze_refuses_short_series(
    cog_con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    root = _copy(tmp_path, CHOMAGE)
    _rewrite_json(root / CHOMAGE, lambda d: d["zes"]["3219"]["rate_pct"].pop())
    with pytest.raises(SourceError) as err:
        _run(cog_con, "chomage_ze", root, tmp_path)
    assert err.value.column == "zes.3219.rate_pct"


def test_truncated_gzip_refused(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    root = _copy(tmp_path, LOG)
    data = (root / LOG).read_bytes()
    (root / LOG).write_bytes(data[: len(data) // 2])
    with pytest.raises(SourceError):
        _run(cog_con, "logement_2021", root, tmp_path)
