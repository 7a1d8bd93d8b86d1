"""SNCF timetables (GTFS): TER and long-distance feeds, appended into shared tables by ``feed``.

Each loader extracts its zip's members, reads each one from its header (GTFS optional columns may
be absent: they become NULL), deletes its own feed's rows and inserts the new ones, so that
loading again is idempotent and both feeds live side by side (``feed`` = ``'ter'`` or
``'longue_distance'``).
The first loader to run creates the tables with the explicit schemas below.

Tables (every one starts with ``feed`` VARCHAR):
- ``gtfs_agency``: agency_id, agency_name, agency_url, agency_timezone, agency_lang.
- ``gtfs_feed_info``: feed_publisher_name, feed_publisher_url, feed_lang, feed_start_date DATE,
  feed_end_date DATE, feed_version.
- ``gtfs_stops``: stop_id, stop_name, stop_lat, stop_lon (WGS84 degrees), location_type INTEGER
  (0 stop point, 1 station), parent_station, uic VARCHAR (8-digit UIC parsed from the SNCF ids
  ``StopPoint:OCE<mode>-<UIC8>`` and ``StopArea:OCE<UIC8>``; NULL for any other id).
- ``gtfs_routes``: route_id, agency_id, route_short_name, route_long_name, route_type INTEGER
  (2 rail, 3 bus), route_color, route_text_color.
- ``gtfs_trips``: trip_id, route_id, service_id, trip_headsign, direction_id INTEGER, block_id,
  shape_id.
- ``gtfs_stop_times``: trip_id, stop_sequence INTEGER, stop_id, arrival_time, departure_time
  (text ``HH:MM:SS`` as in the file), arrival_secs, departure_secs (INTEGER seconds since the
  service day's midnight; hours may reach 24 or more for trips running past midnight),
  pickup_type, drop_off_type INTEGER.
- ``gtfs_calendar_dates``: service_id, date DATE, exception_type INTEGER (1 added, 2 removed).
- ``gtfs_calendar``: service_id, monday..sunday BOOLEAN, start_date, end_date DATE (empty when the
  feed has no calendar.txt, which is the case of both SNCF feeds).

A corrupt or truncated zip, a missing required member (stops, stop_times, trips, routes, and
calendar_dates or calendar) or a malformed value gives a SourceError naming the zip, the member,
and the line. Dangling references (stop_times to unknown stops, trips to unknown routes) are
reported as anomalies.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import duckdb

from teletravail.errors import SourceError
from teletravail.opendata.context import LoadContext

_HINT = (
    "Vérifiez que l'archive GTFS est complète (téléchargez-la de nouveau depuis "
    "transport.data.gouv.fr, ou lancez « teletravail data fetch »)"
)

# Final tables: column -> DuckDB type (``feed`` first in every table).
SCHEMAS: dict[str, dict[str, str]] = {
    "gtfs_agency": {
        "agency_id": "VARCHAR",
        "agency_name": "VARCHAR",
        "agency_url": "VARCHAR",
        "agency_timezone": "VARCHAR",
        "agency_lang": "VARCHAR",
    },
    "gtfs_feed_info": {
        "feed_publisher_name": "VARCHAR",
        "feed_publisher_url": "VARCHAR",
        "feed_lang": "VARCHAR",
        "feed_start_date": "DATE",
        "feed_end_date": "DATE",
        "feed_version": "VARCHAR",
    },
    "gtfs_stops": {
        "stop_id": "VARCHAR",
        "stop_name": "VARCHAR",
        "stop_lat": "DOUBLE",
        "stop_lon": "DOUBLE",
        "location_type": "INTEGER",
        "parent_station": "VARCHAR",
        "uic": "VARCHAR",
    },
    "gtfs_routes": {
        "route_id": "VARCHAR",
        "agency_id": "VARCHAR",
        "route_short_name": "VARCHAR",
        "route_long_name": "VARCHAR",
        "route_type": "INTEGER",
        "route_color": "VARCHAR",
        "route_text_color": "VARCHAR",
    },
    "gtfs_trips": {
        "trip_id": "VARCHAR",
        "route_id": "VARCHAR",
        "service_id": "VARCHAR",
        "trip_headsign": "VARCHAR",
        "direction_id": "INTEGER",
        "block_id": "VARCHAR",
        "shape_id": "VARCHAR",
    },
    "gtfs_stop_times": {
        "trip_id": "VARCHAR",
        "stop_sequence": "INTEGER",
        "stop_id": "VARCHAR",
        "arrival_time": "VARCHAR",
        "departure_time": "VARCHAR",
        "arrival_secs": "INTEGER",
        "departure_secs": "INTEGER",
        "pickup_type": "INTEGER",
        "drop_off_type": "INTEGER",
    },
    "gtfs_calendar_dates": {
        "service_id": "VARCHAR",
        "date": "DATE",
        "exception_type": "INTEGER",
    },
    "gtfs_calendar": {
        "service_id": "VARCHAR",
        "monday": "BOOLEAN",
        "tuesday": "BOOLEAN",
        "wednesday": "BOOLEAN",
        "thursday": "BOOLEAN",
        "friday": "BOOLEAN",
        "saturday": "BOOLEAN",
        "sunday": "BOOLEAN",
        "start_date": "DATE",
        "end_date": "DATE",
    },
}

_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class _Member:
    """How to read one GTFS file: its table, required columns, typed columns read from the file.

    ``types`` maps a file column to the DuckDB type used when reading (default VARCHAR).
    """

    name: str
    table: str
    required: tuple[str, ...]
    types: dict[str, str]


_MEMBERS = (
    _Member("agency", "gtfs_agency", ("agency_name",), {}),
    _Member("feed_info", "gtfs_feed_info", ("feed_publisher_name",), {}),
    _Member(
        "stops",
        "gtfs_stops",
        ("stop_id",),
        {"stop_lat": "DOUBLE", "stop_lon": "DOUBLE", "location_type": "INTEGER"},
    ),
    _Member("routes", "gtfs_routes", ("route_id", "route_type"), {"route_type": "INTEGER"}),
    _Member(
        "trips", "gtfs_trips", ("route_id", "service_id", "trip_id"), {"direction_id": "INTEGER"}
    ),
    _Member(
        "stop_times",
        "gtfs_stop_times",
        ("trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"),
        {"stop_sequence": "INTEGER", "pickup_type": "INTEGER", "drop_off_type": "INTEGER"},
    ),
    _Member(
        "calendar_dates",
        "gtfs_calendar_dates",
        ("service_id", "date", "exception_type"),
        {"exception_type": "INTEGER"},
    ),
    _Member(
        "calendar",
        "gtfs_calendar",
        ("service_id", *_DAYS, "start_date", "end_date"),
        dict.fromkeys(_DAYS, "INTEGER"),
    ),
)
_ALWAYS = ("stops", "stop_times", "trips", "routes")
_DATE_COLUMNS = {"feed_start_date", "feed_end_date", "date", "start_date", "end_date"}
_TIME_RE = r"^\s*(\d{1,3}):([0-5]\d):([0-5]\d)\s*$"
_UIC_RE = r"^Stop(?:Point|Area):OCE(?:.*-)?(\d{8})$"


def _create_on(con: duckdb.DuckDBPyConnection, table: str, *, replace: bool = False) -> None:
    cols = ", ".join(["feed VARCHAR", *(f"{n} {t}" for n, t in SCHEMAS[table].items())])
    verb = "CREATE OR REPLACE TABLE" if replace else "CREATE TABLE IF NOT EXISTS"
    con.execute(f"{verb} {table} ({cols})")


def _member_names(archive: Path) -> dict[str, str]:
    """GTFS file stem -> member name in the zip (members may sit in one sub-folder)."""
    try:
        with zipfile.ZipFile(archive) as zf:
            names = zf.namelist()
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise SourceError(
            archive, "archive zip illisible (tronquée ou corrompue)", hint=_HINT
        ) from exc
    found: dict[str, str] = {}
    for name in names:
        m = re.fullmatch(r"(?:[^/]*/)?([a-z_]+)\.txt", name)
        if m and m.group(1) not in found:
            found[m.group(1)] = name
    return found


def _extract(ctx: LoadContext, archive: Path, member: str) -> Path:
    pattern = "^" + re.escape(member) + "$"
    try:
        return ctx.extract(archive, pattern)
    except (zlib.error, RuntimeError, NotImplementedError, ValueError) as exc:
        raise SourceError(
            archive, f"{_where(member)} : contenu compressé illisible ({exc})", hint=_HINT
        ) from exc


def _where(member: str) -> str:
    return f"fichier « {member} » de l'archive"


def _in_member(archive: Path, member: str, err: SourceError) -> SourceError:
    """Re-address an error raised on an extracted file to ``archive`` and its member."""
    return SourceError(
        archive,
        f"{_where(member)} : {err.problem}",
        line=err.line,
        column=err.column,
        value=err.value,
        hint=_HINT,
    )


def _read_member(
    ctx: LoadContext,
    archive: Path,
    member_name: str,
    spec: _Member,
    scratch: str,
    min_rows: int,
) -> tuple[Path, set[str]]:
    """Read one member into table ``scratch``; returns the extracted file and its columns."""
    path = _extract(ctx, archive, member_name)
    try:
        header = ctx.header(path, delim=",")
        ctx.require_columns(path, header, list(spec.required))
        columns: dict[str, str] = {}
        for index, name in enumerate(header, start=1):
            key = name if re.fullmatch(r"[a-z_][a-z0-9_]*", name) and name not in columns else None
            columns[key or f"extra_{index}"] = spec.types.get(name, "VARCHAR")
        ctx.read_csv(scratch, path, columns=columns, delim=",", min_rows=min_rows)
    except SourceError as err:
        raise _in_member(archive, member_name, err) from err
    return path, set(columns)


def _check(
    ctx: LoadContext,
    archive: Path,
    member_name: str,
    path: Path,
    *,
    scratch: str,
    column: str,
    bad: str,
    problem: str,
) -> None:
    rows = ctx.con.execute(f"SELECT {column} FROM {scratch} WHERE {bad} LIMIT 1").fetchall()
    if not rows:
        return
    value = "" if rows[0][0] is None else str(rows[0][0])
    raise SourceError(
        archive,
        f"{_where(member_name)} : {problem}",
        line=LoadContext.find_line(path, column, value),
        column=column,
        value=value,
        hint=_HINT,
    )


def _secs(col: str) -> str:
    return (
        f"TRY_CAST(regexp_extract({col}, '{_TIME_RE}', 1) AS INTEGER) * 3600 + "
        f"TRY_CAST(regexp_extract({col}, '{_TIME_RE}', 2) AS INTEGER) * 60 + "
        f"TRY_CAST(regexp_extract({col}, '{_TIME_RE}', 3) AS INTEGER)"
    )


def _expr(table: str, column: str, present: set[str]) -> str:
    """SQL giving final ``column`` of ``table`` from the raw member (NULL when absent)."""
    typ = SCHEMAS[table][column]
    if table == "gtfs_stops" and column == "uic":
        return f"nullif(regexp_extract(trim(stop_id), '{_UIC_RE}', 1), '')"
    if column in ("arrival_secs", "departure_secs"):
        src = column.replace("_secs", "_time")
        return f"CASE WHEN nullif(trim({src}), '') IS NOT NULL THEN {_secs(src)} END"
    if column not in present:
        return f"NULL::{typ}"
    if column in _DATE_COLUMNS:
        return f"strptime(nullif(trim({column}), ''), '%Y%m%d')::DATE"
    if typ == "BOOLEAN":
        return f"{column} = 1"
    if typ == "VARCHAR":
        return f"nullif(trim({column}), '')" if column != "stop_id" else f"trim({column})"
    return column


def _validate(
    ctx: LoadContext,
    archive: Path,
    member_name: str,
    path: Path,
    spec: _Member,
    scratch: str,
    present: set[str],
) -> None:
    """Values DuckDB would not reject while reading but that the tables cannot hold."""
    for column in sorted(_DATE_COLUMNS & present):
        _check(
            ctx,
            archive,
            member_name,
            path,
            scratch=scratch,
            column=column,
            bad=f"nullif(trim({column}), '') IS NOT NULL "
            f"AND try_strptime(trim({column}), '%Y%m%d') IS NULL",
            problem="date illisible (AAAAMMJJ attendu)",
        )
    if spec.name == "stop_times":
        for column in ("arrival_time", "departure_time"):
            _check(
                ctx,
                archive,
                member_name,
                path,
                scratch=scratch,
                column=column,
                bad=f"nullif(trim({column}), '') IS NOT NULL "
                f"AND NOT regexp_matches({column}, '{_TIME_RE}')",
                problem="heure illisible (HH:MM:SS attendu)",
            )
    if spec.name == "calendar":
        for column in _DAYS:
            _check(
                ctx,
                archive,
                member_name,
                path,
                scratch=scratch,
                column=column,
                bad=f"{column} IS NULL OR {column} NOT IN (0, 1)",
                problem="valeur inattendue (0 ou 1 attendu)",
            )
    for column in sorted({"stop_id", "trip_id", "route_id", "service_id"} & set(spec.required)):
        _check(
            ctx,
            archive,
            member_name,
            path,
            scratch=scratch,
            column=column,
            bad=f"nullif(trim({column}), '') IS NULL",
            problem="identifiant vide",
        )


def _load_feed(ctx: LoadContext, feed: str) -> None:
    archive = ctx.path("zip")
    members = _member_names(archive)
    missing = [f"{m}.txt" for m in _ALWAYS if m not in members]
    if "calendar_dates" not in members and "calendar" not in members:
        missing.append("calendar_dates.txt (ou calendar.txt)")
    if missing:
        raise SourceError(
            archive,
            "fichier(s) GTFS obligatoire(s) absent(s) de l'archive : " + ", ".join(missing),
            hint=_HINT,
        )
    # Either calendar file may be empty when the other one exists; the others may not.
    optional = {"agency", "feed_info"}
    if "calendar" in members and "calendar_dates" in members:
        optional |= {"calendar", "calendar_dates"}
    for table in SCHEMAS:
        _create_on(ctx.con, table)
    scratch_tables: list[str] = []
    try:
        loaded: list[tuple[_Member, str]] = []
        for spec in _MEMBERS:
            if spec.name not in members:
                continue
            scratch = f"_gtfs_{feed}_{spec.name}"
            scratch_tables.append(scratch)
            member_name = members[spec.name]
            path, present = _read_member(
                ctx, archive, member_name, spec, scratch, 0 if spec.name in optional else 1
            )
            _validate(ctx, archive, member_name, path, spec, scratch, present)
            loaded.append((spec, scratch))
            select = ", ".join(_expr(spec.table, c, present) for c in SCHEMAS[spec.table])
            ctx.con.execute(f"CREATE OR REPLACE TABLE {scratch} AS SELECT {select} FROM {scratch}")
            path.unlink(missing_ok=True)
        # Replace this feed's rows only once every member has been read and checked.
        for table in SCHEMAS:
            ctx.con.execute(f"DELETE FROM {table} WHERE feed = ?", [feed])
        for spec, scratch in loaded:
            ctx.con.execute(f"INSERT INTO {spec.table} SELECT ?, * FROM {scratch}", [feed])
    finally:
        for scratch in scratch_tables:
            ctx.con.execute(f"DROP TABLE IF EXISTS {scratch}")
    _report_dangling(ctx, archive, feed)


def _report_dangling(ctx: LoadContext, archive: Path, feed: str) -> None:
    """One anomaly per kind of dangling reference, with its count and first identifiers."""
    checks = (
        (
            "stop_times.txt",
            "stop_id",
            "gtfs_stop_times",
            "gtfs_stops",
            "horaire(s) à un arrêt absent de stops.txt",
        ),
        (
            "trips.txt",
            "route_id",
            "gtfs_trips",
            "gtfs_routes",
            "course(s) d'une ligne absente de routes.txt",
        ),
        (
            "stop_times.txt",
            "trip_id",
            "gtfs_stop_times",
            "gtfs_trips",
            "horaire(s) d'une course absente de trips.txt",
        ),
    )
    for member, key, child, parent, problem in checks:
        (row,) = ctx.con.execute(
            f"SELECT count(*), list(DISTINCT {key} ORDER BY {key})[1:5] FROM {child} "
            f"WHERE feed = $1 AND {key} NOT IN (SELECT {key} FROM {parent} WHERE feed = $1)",
            [feed],
        ).fetchall()
        if row[0]:
            examples = [str(v) for v in row[1]]
            ctx.anomaly(
                f"{archive.name}/{member}",
                examples[0],
                None,
                f"{row[0]} {problem} (par exemple {', '.join(examples)})",
            )


def load_gtfs_ter(ctx: LoadContext) -> None:
    """Load the TER feed (``feed = 'ter'``)."""
    _load_feed(ctx, "ter")


def load_gtfs_longue_distance(ctx: LoadContext) -> None:
    """Load the long-distance feed, TGV INOUI, OUIGO, ICE, Lyria (``feed = 'longue_distance'``)."""
    _load_feed(ctx, "longue_distance")
