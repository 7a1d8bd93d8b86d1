"""Reference day and active services of the GTFS feeds.

- :func:`feed_validity`: per feed, the first and last day of validity (``gtfs_feed_info`` when it
  gives them, else the span of ``gtfs_calendar_dates`` added days and ``gtfs_calendar`` ranges).
- :func:`common_validity`: the days when every loaded feed is valid (intersection).
- :func:`default_reference_day`: the first day of the declared weekday (Tuesday) in the common
  validity that is neither a school holiday of zones A, B or C nor a public holiday
  (``school_holidays.toml``) and on which every feed runs at least one trip.
- :func:`check_reference_day`: a user-given day, or a French :class:`ConfigError` naming the
  validity range.
- :func:`active_trips_sql`: SQL of the trips running on a day (``feed``, ``trip_id``,
  ``route_type``), after ``calendar`` weekdays and ranges, plus ``calendar_dates`` additions,
  minus its removals. Times of those trips are counted from that day's midnight (service day),
  so a trip of the previous day running past midnight is not part of the day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import duckdb

from teletravail.errors import ConfigError, WarehouseError
from teletravail.rail.config import rail_settings, school_calendar, table_ref

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_JOURS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
FEED_LABELS = {"ter": "TER", "longue_distance": "grandes lignes (TGV INOUI, OUIGO, ICE, Lyria)"}


@dataclass(frozen=True)
class FeedValidity:
    """Validity of one feed: days ``start`` to ``end`` included."""

    feed: str
    start: date
    end: date


def _fr(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def feed_validity(
    con: duckdb.DuckDBPyConnection, *, source: str | None = None
) -> tuple[FeedValidity, ...]:
    """Validity of each feed that has trips, sorted by feed name."""
    trips = table_ref(source, "gtfs_trips")
    info = table_ref(source, "gtfs_feed_info")
    dates = table_ref(source, "gtfs_calendar_dates")
    cal = table_ref(source, "gtfs_calendar")
    rows = con.execute(
        f"""
        WITH feeds AS (SELECT DISTINCT feed FROM {trips}),
        fi AS (SELECT feed, min(feed_start_date) AS s, max(feed_end_date) AS e
               FROM {info} GROUP BY feed),
        spans AS (
            SELECT feed, min(date) AS s, max(date) AS e FROM {dates}
            WHERE exception_type = 1 GROUP BY feed
            UNION ALL
            SELECT feed, min(start_date), max(end_date) FROM {cal} GROUP BY feed),
        sp AS (SELECT feed, min(s) AS s, max(e) AS e FROM spans GROUP BY feed)
        SELECT f.feed, coalesce(fi.s, sp.s), coalesce(fi.e, sp.e)
        FROM feeds f LEFT JOIN fi USING (feed) LEFT JOIN sp USING (feed)
        ORDER BY f.feed
        """
    ).fetchall()
    if not rows:
        raise WarehouseError(
            "Aucun horaire GTFS dans l'entrepôt (tables gtfs_* vides) : reconstruisez-le avec "
            "« teletravail data build » à partir d'un miroir contenant les flux SNCF TER et "
            "longue distance."
        )
    out: list[FeedValidity] = []
    for feed, start, end in rows:
        if start is None or end is None:
            raise WarehouseError(
                f"Le flux GTFS « {feed} » n'a ni calendrier ni période de validité : "
                "vérifiez son archive et reconstruisez l'entrepôt."
            )
        out.append(FeedValidity(str(feed), start, end))
    return tuple(out)


def _ranges(validity: tuple[FeedValidity, ...]) -> str:
    return " ; ".join(
        f"{FEED_LABELS.get(v.feed, v.feed)} du {_fr(v.start)} au {_fr(v.end)}" for v in validity
    )


def common_validity(
    con: duckdb.DuckDBPyConnection, *, source: str | None = None
) -> tuple[date, date]:
    """First and last day on which every loaded feed is valid."""
    validity = feed_validity(con, source=source)
    start = max(v.start for v in validity)
    end = min(v.end for v in validity)
    if start > end:
        raise WarehouseError(
            f"Les flux GTFS n'ont aucun jour de validité en commun ({_ranges(validity)}) : "
            "rechargez des flux publiés à la même période."
        )
    return start, end


def holiday_of(day: date, zones: tuple[str, ...]) -> str | None:
    """Name of the school holiday or public holiday covering ``day`` in any of ``zones``;
    ``""`` when ``day`` is a school day; None when no declared school year covers it."""
    for year in school_calendar():
        if not year.first_day <= day <= year.last_day:
            continue
        if day in year.public_holidays:
            return "jour férié"
        for period in year.holidays:
            if period.start <= day < period.resume and set(period.zones) & set(zones):
                return period.name
        return ""
    return None


def active_trips_sql(day: date, *, source: str | None = None) -> str:
    """SELECT of the trips running on ``day``: columns feed, trip_id, route_type (INTEGER)."""
    weekday = _WEEKDAYS[day.weekday()]
    d = f"DATE '{day.isoformat()}'"
    trips = table_ref(source, "gtfs_trips")
    routes = table_ref(source, "gtfs_routes")
    dates = table_ref(source, "gtfs_calendar_dates")
    cal = table_ref(source, "gtfs_calendar")
    return f"""
        WITH services AS (
            (SELECT feed, service_id FROM {cal}
             WHERE {weekday} AND {d} BETWEEN start_date AND end_date
             UNION
             SELECT feed, service_id FROM {dates} WHERE date = {d} AND exception_type = 1)
            EXCEPT
            SELECT feed, service_id FROM {dates} WHERE date = {d} AND exception_type = 2)
        SELECT t.feed, t.trip_id, r.route_type
        FROM {trips} t
        JOIN services s ON s.feed = t.feed AND s.service_id = t.service_id
        JOIN {routes} r ON r.feed = t.feed AND r.route_id = t.route_id
    """


def _feeds_running(con: duckdb.DuckDBPyConnection, day: date, source: str | None) -> set[str]:
    rows = con.execute(f"SELECT DISTINCT feed FROM ({active_trips_sql(day, source=source)})")
    return {str(r[0]) for r in rows.fetchall()}


def default_reference_day(con: duckdb.DuckDBPyConnection, *, source: str | None = None) -> date:
    """The first declared weekday (Tuesday) of the feeds' common validity outside school holidays
    of the declared zones (A, B, C) and public holidays, on which every feed runs trips."""
    settings = rail_settings()
    validity = feed_validity(con, source=source)
    start, end = common_validity(con, source=source)
    feeds = {v.feed for v in validity}
    day = start + timedelta(days=(settings.reference_weekday - start.weekday()) % 7)
    uncovered: list[date] = []
    while day <= end:
        holiday = holiday_of(day, settings.holiday_zones)
        if holiday is None:
            uncovered.append(day)
        elif holiday == "" and _feeds_running(con, day, source) == feeds:
            return day
        day += timedelta(days=7)
    jour = _JOURS[settings.reference_weekday]
    if uncovered:
        raise ConfigError(
            f"Impossible de choisir le jour de référence : le calendrier scolaire déclaré "
            f"(teletravail/rail/school_holidays.toml) ne couvre pas le {_fr(uncovered[0])}, "
            f"dans la validité des horaires ({_ranges(validity)}). Ajoutez l'année scolaire à ce "
            "fichier ou donnez un jour avec --date AAAA-MM-JJ."
        )
    raise ConfigError(
        f"Aucun {jour} hors vacances scolaires (zones {', '.join(settings.holiday_zones)}) où "
        f"circulent tous les flux, dans leur validité commune du {_fr(start)} au {_fr(end)} : "
        "donnez un jour avec --date AAAA-MM-JJ."
    )


def check_reference_day(
    con: duckdb.DuckDBPyConnection, day: date, *, source: str | None = None
) -> date:
    """``day`` when every feed is valid that day, else a ConfigError naming the validity."""
    validity = feed_validity(con, source=source)
    start, end = common_validity(con, source=source)
    if not start <= day <= end:
        raise ConfigError(
            f"Le {_fr(day)} est hors de la période où tous les horaires GTFS sont valables "
            f"({_ranges(validity)}) : choisissez avec --date un jour entre le {_fr(start)} et le "
            f"{_fr(end)} (format AAAA-MM-JJ, par exemple --date {start.isoformat()})."
        )
    return day


def reference_day(
    con: duckdb.DuckDBPyConnection, day: date | None = None, *, source: str | None = None
) -> date:
    """The checked user day, or the default reference day when ``day`` is None."""
    if day is None:
        return default_reference_day(con, source=source)
    return check_reference_day(con, day, source=source)
