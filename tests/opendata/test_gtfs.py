from __future__ import annotations

import zipfile
from pathlib import Path

import duckdb
import pytest

from teletravail.errors import SourceError
from teletravail.opendata.loaders.gtfs import load_gtfs_longue_distance, load_gtfs_ter
from teletravail.opendata.loaders.sncf_stations import load_stations
from tests.conftest import FIXTURES, MINI_MIRROR, make_ctx

GTFS_SRC = FIXTURES / "gtfs_src"
ZIPS = {"ter": "export-ter-gtfs-last.zip", "longue_distance": "export_gtfs_voyages.zip"}
SOURCE_IDS = {"ter": "gtfs_ter", "longue_distance": "gtfs_longue_distance"}
LOADERS = {"ter": load_gtfs_ter, "longue_distance": load_gtfs_longue_distance}


def build_zip(
    src: Path, dest: Path, *, skip: tuple[str, ...] = (), edit: dict[str, str] | None = None
) -> None:
    """Zip the GTFS ``.txt`` files of ``src`` (deterministic: sorted, fixed timestamps)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(dest, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(src.glob("*.txt")):
            if path.name in skip:
                continue
            info = zipfile.ZipInfo(path.name, date_time=(2025, 1, 22, 0, 40, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            text = (edit or {}).get(path.name, path.read_text(encoding="utf-8"))
            zf.writestr(info, text.encode("utf-8"))


def make_root(
    tmp_path: Path, feed: str, *, skip: tuple[str, ...] = (), edit: dict[str, str] | None = None
) -> Path:
    """A mirror holding only ``feed``'s zip, built from the fixture sources (maybe altered)."""
    root = tmp_path / f"od-{feed}"
    build_zip(GTFS_SRC / feed, root / "sncf" / "gtfs" / ZIPS[feed], skip=skip, edit=edit)
    return root


def load(con: duckdb.DuckDBPyConnection, feed: str, root: Path, workdir: Path) -> list[str]:
    ctx = make_ctx(con, SOURCE_IDS[feed], root, workdir)
    LOADERS[feed](ctx)
    return [a.problem for a in ctx.anomalies]


@pytest.mark.parametrize("feed", ["ter", "longue_distance"])
def test_committed_zip_matches_sources(feed: str) -> None:
    with zipfile.ZipFile(MINI_MIRROR / "sncf" / "gtfs" / ZIPS[feed]) as zf:
        members = {n: zf.read(n).decode() for n in zf.namelist()}
    sources = {p.name: p.read_text(encoding="utf-8") for p in (GTFS_SRC / feed).glob("*.txt")}
    assert members == sources
    assert (MINI_MIRROR / "sncf" / "gtfs" / ZIPS[feed]).stat().st_size < 20_000


@pytest.fixture
def both(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> duckdb.DuckDBPyConnection:
    assert load(con, "ter", MINI_MIRROR, tmp_path) == []
    assert load(con, "longue_distance", MINI_MIRROR, tmp_path) == []
    return con


@pytest.mark.parametrize(
    ("table", "ter", "longue_distance"),
    [
        ("gtfs_agency", 1, 1),
        ("gtfs_feed_info", 1, 1),
        ("gtfs_stops", 9, 7),
        ("gtfs_routes", 2, 1),
        ("gtfs_trips", 3, 2),
        ("gtfs_stop_times", 6, 4),
        ("gtfs_calendar_dates", 3, 2),
        ("gtfs_calendar", 0, 1),
    ],
)
def test_row_counts_per_feed(
    both: duckdb.DuckDBPyConnection, table: str, ter: int, longue_distance: int
) -> None:
    rows = dict(both.execute(f"SELECT feed, count(*) FROM {table} GROUP BY feed").fetchall())
    assert rows.get("ter", 0) == ter
    assert rows.get("longue_distance", 0) == longue_distance


@pytest.mark.parametrize(
    ("stop_id", "uic"),
    [
        ("StopArea:OCE87471003", "87471003"),
        ("StopPoint:OCETrain TER-87471003", "87471003"),
        ("StopPoint:OCECar TER-87471003", "87471003"),
        ("StopPoint:OCECar-87471557", "87471557"),
        ("StopPoint:OCETramTrain-71793150", "71793150"),
        ("StopPoint:OCETGV INOUI-87751008", "87751008"),
        ("StopPoint:OCEOUIGO-87471003", "87471003"),
        ("StopPoint:OCEICE-80021402", "80021402"),
    ],
)
def test_uic_parsed_from_stop_id(both: duckdb.DuckDBPyConnection, stop_id: str, uic: str) -> None:
    rows = both.execute("SELECT DISTINCT uic FROM gtfs_stops WHERE stop_id = ?", [stop_id])
    assert rows.fetchall() == [(uic,)]


def test_stop_columns_and_optional_columns(both: duckdb.DuckDBPyConnection) -> None:
    row = both.execute(
        "SELECT stop_name, stop_lat, stop_lon, location_type, parent_station FROM gtfs_stops "
        "WHERE feed = 'ter' AND stop_id = 'StopPoint:OCETrain TER-87471300'"
    ).fetchone()
    assert row == ("Vitré", 48.1226, -1.20788, 0, "StopArea:OCE87471300")
    # The long-distance fixture's routes.txt has no colour columns: NULL, not an error.
    assert both.execute(
        "SELECT route_color, route_type FROM gtfs_routes WHERE feed = 'longue_distance'"
    ).fetchall() == [(None, 2)]
    types = dict(
        both.execute(
            "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'gtfs_stop_times'"
        ).fetchall()
    )
    assert types["arrival_secs"] == "INTEGER" and types["arrival_time"] == "VARCHAR"


@pytest.mark.parametrize(
    ("feed", "trip", "seq", "arrival", "secs"),
    [
        ("ter", "OCESN1001F1:2025-01-22T00:42:25Z", 0, "07:28:00", 7 * 3600 + 28 * 60),
        ("ter", "OCESN1002F1:2025-01-22T00:42:25Z", 1, "24:05:00", 24 * 3600 + 5 * 60),
        ("longue_distance", "OCESN5301F1:2024-11-29T10:03:28Z", 1, "31:20:00", 31 * 3600 + 1200),
    ],
)
def test_times_in_seconds_past_midnight(
    both: duckdb.DuckDBPyConnection, feed: str, trip: str, seq: int, arrival: str, secs: int
) -> None:
    row = both.execute(
        "SELECT arrival_time, arrival_secs, departure_secs FROM gtfs_stop_times "
        "WHERE feed = ? AND trip_id = ? AND stop_sequence = ?",
        [feed, trip, seq],
    ).fetchone()
    assert row == (arrival, secs, secs)


def test_dates_and_calendar(both: duckdb.DuckDBPyConnection) -> None:
    import datetime as dt

    assert both.execute(
        "SELECT date, exception_type FROM gtfs_calendar_dates WHERE feed = 'longue_distance' "
        "ORDER BY date"
    ).fetchall() == [(dt.date(2024, 12, 21), 1), (dt.date(2024, 12, 28), 2)]
    assert both.execute(
        "SELECT saturday, monday, start_date FROM gtfs_calendar WHERE feed = 'longue_distance'"
    ).fetchall() == [(True, False, dt.date(2024, 12, 20))]
    assert both.execute(
        "SELECT feed, feed_start_date, feed_version FROM gtfs_feed_info ORDER BY feed"
    ).fetchall() == [
        ("longue_distance", dt.date(2024, 12, 20), "2024-12-20"),
        ("ter", dt.date(2025, 1, 22), "2025-01-22"),
    ]


def test_reload_is_idempotent(both: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    before = both.execute("SELECT feed, count(*) FROM gtfs_stop_times GROUP BY ALL ORDER BY 1")
    expected = before.fetchall()
    load(both, "ter", MINI_MIRROR, tmp_path / "again")
    after = both.execute("SELECT feed, count(*) FROM gtfs_stop_times GROUP BY ALL ORDER BY 1")
    assert after.fetchall() == expected
    leftovers = both.execute(
        "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE '\\_%' ESCAPE '\\'"
    ).fetchall()
    assert leftovers == []


def test_stations_link_to_gtfs(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    load_stations(make_ctx(cog_con, "gares", MINI_MIRROR, tmp_path))
    load(cog_con, "ter", MINI_MIRROR, tmp_path)
    load(cog_con, "longue_distance", MINI_MIRROR, tmp_path)
    linked = cog_con.execute(
        "SELECT s.nom FROM stations s WHERE EXISTS "
        "(SELECT 1 FROM gtfs_stops g WHERE g.uic = s.uic) ORDER BY 1"
    ).fetchall()
    assert linked == [("Cesson-Sévigné",), ("Marseille Saint-Charles",), ("Rennes",), ("Vitré",)]


def test_dangling_references_reported(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    extra = (GTFS_SRC / "ter" / "stop_times.txt").read_text() + (
        "OCESN9999F1:2025-01-22T00:42:25Z,09:00:00,09:00:00,"
        "StopPoint:OCETrain TER-87000000,0,,0,1,\n"
    )
    root = make_root(tmp_path, "ter", edit={"stop_times.txt": extra})
    problems = load(con, "ter", root, tmp_path)
    assert any("1 horaire(s) à un arrêt absent de stops.txt" in p for p in problems)
    assert any("course absente de trips.txt" in p for p in problems)


# -- bad input -----------------------------------------------------------------------------------


def test_missing_zip(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="fichier introuvable"):
        load(con, "ter", tmp_path, tmp_path)


def test_truncated_zip(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    root = make_root(tmp_path, "ter")
    archive = root / "sncf" / "gtfs" / ZIPS["ter"]
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) // 2])
    with pytest.raises(SourceError, match="tronquée ou corrompue") as err:
        load(con, "ter", root, tmp_path)
    assert err.value.path.name == ZIPS["ter"]


def test_corrupt_member(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    root = make_root(tmp_path, "ter")
    archive = root / "sncf" / "gtfs" / ZIPS["ter"]
    with zipfile.ZipFile(archive) as zf:
        info = zf.getinfo("stop_times.txt")
    data = bytearray(archive.read_bytes())
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for i in range(start + 5, start + info.compress_size - 5):
        data[i] ^= 0x5A
    archive.write_bytes(bytes(data))
    with pytest.raises(SourceError) as err:
        load(con, "ter", root, tmp_path)
    assert err.value.path.name == ZIPS["ter"]


@pytest.mark.parametrize(
    ("skip", "expected"),
    [
        (("stop_times.txt",), "stop_times.txt"),
        (("stops.txt", "trips.txt"), "stops.txt, trips.txt"),
        (("calendar_dates.txt",), "calendar_dates.txt (ou calendar.txt)"),
    ],
)
def test_missing_member(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, skip: tuple[str, ...], expected: str
) -> None:
    root = make_root(tmp_path, "ter", skip=skip)
    with pytest.raises(SourceError, match="obligatoire") as err:
        load(con, "ter", root, tmp_path)
    assert expected in err.value.problem


def test_feed_with_calendar_only(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    root = make_root(tmp_path, "longue_distance", skip=("calendar_dates.txt",))
    assert load(con, "longue_distance", root, tmp_path) == []
    assert con.execute("SELECT count(*) FROM gtfs_calendar").fetchone() == (1,)
    assert con.execute("SELECT count(*) FROM gtfs_calendar_dates").fetchone() == (0,)


@pytest.mark.parametrize(
    ("member", "old", "new", "line", "column"),
    [
        ("routes.txt", "TER1,Rennes - Vitré,", "TER1,Rennes, Vitré,", 2, None),
        (
            "stops.txt",
            "StopArea:OCE87471557,Cesson-Sévigné,,48.1190000",
            "StopArea:OCE87471557,Cesson-Sévigné,,nord",
            7,
            "stop_lat",
        ),
        ("stop_times.txt", "24:05:00,24:05:00", "24h05,24:05:00", 5, "arrival_time"),
        ("calendar_dates.txt", "000001,20250123,1", "000001,2025-01-23,1", 3, "date"),
        ("trips.txt", "1002,1,2,", "1002,sud,2,", 3, "direction_id"),
    ],
)
def test_malformed_value_names_member_and_line(
    con: duckdb.DuckDBPyConnection,
    tmp_path: Path,
    member: str,
    old: str,
    new: str,
    line: int,
    column: str | None,
) -> None:
    text = (GTFS_SRC / "ter" / member).read_text(encoding="utf-8")
    assert old in text
    root = make_root(tmp_path, "ter", edit={member: text.replace(old, new, 1)})
    with pytest.raises(SourceError) as err:
        load(con, "ter", root, tmp_path)
    assert err.value.path.name == ZIPS["ter"]
    assert f"« {member} »" in err.value.problem
    assert err.value.line == line
    if column is not None:
        assert err.value.column == column
    assert "ligne" in str(err.value)


def test_truncated_member(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    text = (GTFS_SRC / "ter" / "stop_times.txt").read_text(encoding="utf-8")
    root = make_root(tmp_path, "ter", edit={"stop_times.txt": text[: text.index("\n") + 1]})
    with pytest.raises(SourceError, match="incomplet"):
        load(con, "ter", root, tmp_path)


def test_missing_required_column(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    text = (GTFS_SRC / "ter" / "trips.txt").read_text(encoding="utf-8")
    root = make_root(tmp_path, "ter", edit={"trips.txt": text.replace("service_id", "service")})
    with pytest.raises(SourceError, match="service_id"):
        load(con, "ter", root, tmp_path)
