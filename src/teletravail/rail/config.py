"""Declared data of the rail package: settings (``service.toml``) and school holidays
(``school_holidays.toml``), read once and validated into frozen dataclasses.

Also the one helper that names a warehouse table, optionally qualified by a catalog or schema
(``source="w"`` reads ``w.gtfs_stops`` from a warehouse ATTACHed as ``w``).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from teletravail.errors import ConfigError

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?")
_HHMM = re.compile(r"(\d{1,2}):([0-5]\d)")


def table_ref(source: str | None, table: str) -> str:
    """SQL name of warehouse ``table``, qualified by ``source`` (catalog or ``catalog.schema``)."""
    if source is None or source == "":
        return table
    if not _IDENT.fullmatch(source):
        raise ConfigError(
            f"Nom de base de données invalide : « {source} » (attendu : un identifiant SQL, "
            "par exemple « w » ou « w.main »)."
        )
    return f"{source}.{table}"


@dataclass(frozen=True)
class RailSettings:
    """Settings of ``service.toml``. Times are seconds since the service day's midnight."""

    reference_weekday: int  # 0 = Monday ... 6 = Sunday
    holiday_zones: tuple[str, ...]
    arrival_before_secs: int  # outbound journeys counted when arriving strictly before this
    return_from_secs: int  # return journeys counted when leaving at or after this
    default_transfer_minutes: int
    train_route_types: tuple[int, ...]
    coach_route_types: tuple[int, ...]
    coach_stop_prefixes: tuple[str, ...]  # stop_id prefixes of coach stop points
    train_stop_prefixes: tuple[str, ...]  # stop_id prefixes of train stop points
    arrival_before: str  # the same thresholds as written (HH:MM), for labels
    return_from: str
    station_radius_km: float  # a station serves a commune within this distance of its centre
    missing_network_types: tuple[tuple[str, str], ...]  # (OSM type, network label)
    intercites_lines: str  # regular expression of Intercités line references (OSM)
    corsica_lines: str  # regular expression of Corsican railway line references (OSM)
    corsica_departements: tuple[str, ...]


@dataclass(frozen=True)
class HolidayPeriod:
    """Holidays of some zones: days ``start <= d < resume`` (``resume``: classes start again)."""

    name: str
    zones: tuple[str, ...]
    start: date
    resume: date


@dataclass(frozen=True)
class SchoolYear:
    """One school year of the calendar: the days it covers, its holidays and public holidays."""

    label: str
    source: str
    first_day: date
    last_day: date
    holidays: tuple[HolidayPeriod, ...]
    public_holidays: tuple[date, ...]


def _secs(text: str, key: str) -> int:
    m = _HHMM.fullmatch(text)
    if not m:
        raise ConfigError(f"service.toml : « {key} » doit être une heure HH:MM (lu : « {text} »).")
    return int(m.group(1)) * 3600 + int(m.group(2)) * 60


def _read(name: str) -> dict[str, Any]:
    text = resources.files("teletravail.rail").joinpath(name).read_text("utf-8")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"teletravail/rail/{name} illisible : {exc}. Corrigez ce fichier."
        ) from exc


@cache
def rail_settings() -> RailSettings:
    """The settings declared in ``service.toml``."""
    raw = _read("service.toml")
    try:
        ref, thresholds, modes = raw["jour_reference"], raw["seuils"], raw["modes"]
        return RailSettings(
            reference_weekday=int(ref["jour_semaine"]),
            holiday_zones=tuple(str(z) for z in ref["zones"]),
            arrival_before_secs=_secs(thresholds["arrivee_avant"], "arrivee_avant"),
            return_from_secs=_secs(thresholds["retour_a_partir_de"], "retour_a_partir_de"),
            default_transfer_minutes=int(thresholds["correspondance_min_defaut"]),
            train_route_types=tuple(int(t) for t in modes["train"]),
            coach_route_types=tuple(int(t) for t in modes["car"]),
            coach_stop_prefixes=tuple(str(p) for p in modes.get("car_points_arret", ())),
            train_stop_prefixes=tuple(str(p) for p in modes.get("train_points_arret", ())),
            arrival_before=str(thresholds["arrivee_avant"]),
            return_from=str(thresholds["retour_a_partir_de"]),
            station_radius_km=float(raw["proximite"]["rayon_km"]),
            missing_network_types=tuple(
                (str(k), str(v)) for k, v in raw["reseaux_hors_horaires"]["types"].items()
            ),
            intercites_lines=str(raw["reseaux_hors_horaires"]["lignes_intercites"]),
            corsica_lines=str(raw["reseaux_hors_horaires"]["lignes_corse"]),
            corsica_departements=tuple(
                str(d) for d in raw["reseaux_hors_horaires"]["departements_corse"]
            ),
        )
    except KeyError as exc:
        raise ConfigError(f"teletravail/rail/service.toml : clé absente {exc}.") from exc


@cache
def school_calendar() -> tuple[SchoolYear, ...]:
    """The school years declared in ``school_holidays.toml``."""
    raw = _read("school_holidays.toml")
    years: list[SchoolYear] = []
    try:
        for y in raw["annee"]:
            years.append(
                SchoolYear(
                    label=str(y["libelle"]),
                    source=str(y["source"]),
                    first_day=y["debut"],
                    last_day=y["fin"],
                    holidays=tuple(
                        HolidayPeriod(
                            name=str(v["nom"]),
                            zones=tuple(str(z) for z in v["zones"]),
                            start=v["debut"],
                            resume=v["reprise"],
                        )
                        for v in y["vacances"]
                    ),
                    public_holidays=tuple(y.get("jours_feries", ())),
                )
            )
    except KeyError as exc:
        raise ConfigError(f"teletravail/rail/school_holidays.toml : clé absente {exc}.") from exc
    return tuple(years)
