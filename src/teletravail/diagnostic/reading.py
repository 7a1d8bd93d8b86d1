"""Reading the computed indicators of one territory, each with everything needed to explain it.

``read_indicators(con, level, code)`` returns, in theme then declaration order, one
``IndicatorValue`` per indicator declared at that level: value and unit, French label, definition,
formula, nature (mesure, calcul, estimation), assumptions, sources with their vintage (read from the
warehouse's ``sources`` table), the published figures used (``reference_figures``), the age of the
data when it is old, the rail reference day, what the value covers (``coverage``), and a status:

- ``disponible``: a value;
- ``non_disponible``: "donnée non disponible": an optional source is not loaded; the message names the
  file to place in the open-data folder (``missing_files``) and where to download it;
- ``sans_valeur``: the source is loaded but has no value for this territory (statistical secrecy,
  commune absent from the source, no station...).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

import duckdb

from teletravail import format_fr
from teletravail.diagnostic.catalogue import (
    LEVEL_KEYS,
    LEVEL_TABLES,
    LEVELS,
    Indicator,
    load_indicator_catalogue,
)
from teletravail.errors import LookupFailed, WarehouseError
from teletravail.opendata.catalogue import get_source

Status = Literal["disponible", "non_disponible", "sans_valeur"]
NOT_AVAILABLE = "donnée non disponible"
_RAIL_THEME = "ferroviaire"
_LEVEL_NAMES = {"commune": "la commune", "epci": "l'EPCI"}


@dataclass(frozen=True)
class SourceRef:
    """A source cited by an indicator: catalogue id, short citation, vintage, whether it is loaded."""

    id: str
    citation: str
    vintage: str
    loaded: bool


@dataclass(frozen=True)
class FigureRef:
    """A published figure used by an indicator (table ``reference_figures``)."""

    id: str
    label: str
    value: float | None
    unit: str | None
    source: str
    year: int | None


@dataclass(frozen=True)
class IndicatorValue:
    """One indicator of one territory, with its explanation (see the module docstring)."""

    id: str
    theme: str
    label: str
    unit: str
    value: float | str | None
    decimals: int
    nature: str
    nature_label: str
    definition: str
    formula: str
    aggregation: str
    assumptions: tuple[str, ...]
    sources: tuple[SourceRef, ...]
    figures: tuple[FigureRef, ...]
    status: Status
    message: str | None = None
    missing_files: tuple[str, ...] = ()
    age_years: int | None = None
    note: str | None = None

    @property
    def text(self) -> str:
        """The value as shown to users: French number format and unit, or the status message."""
        if self.status == "non_disponible":
            return NOT_AVAILABLE
        if self.value is None:
            return "non renseigné"
        if isinstance(self.value, str):
            return self.value
        if self.unit == "minutes":  # one format for durations: "1 h 05 min"
            return format_fr.format_duration(self.value)
        unit = format_fr.agree_unit(self.value, self.unit)  # "0 départ", "1 gare"
        return f"{format_number(self.value, self.decimals)} {unit}"


def format_number(value: float, decimals: int) -> str:
    """French formatting: narrow no-break space between thousands, decimal comma, minus sign
    U+2212 (see :mod:`teletravail.format_fr`)."""
    return format_fr.format_number(value, decimals)


def _age_years(ref: date, today: date) -> int:
    years = today.year - ref.year
    if (today.month, today.day) < (ref.month, ref.day):
        years -= 1
    return max(years, 0)


def _missing_message(source_id: str) -> tuple[str, tuple[str, ...]]:
    source = get_source(source_id)
    files = tuple(f.label for f in source.files)
    urls = [f.download_url for f in source.files if f.download_url]
    where = f" (téléchargement : {urls[0]})" if urls else f" (voir {source.url})"
    msg = (
        f"{NOT_AVAILABLE} : la source « {source.title} » ({source.citation}) n'est pas chargée. "
        f"L'administrateur de l'application peut déposer le fichier {', '.join(files)} dans le "
        f"dossier des données ouvertes{where}, puis reconstruire l'entrepôt de données."
    )
    return msg, files


class _Context:
    """Warehouse-wide facts shared by all indicators of a reading: sources, figures, rail day."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.sources = {
            r[0]: SourceRef(r[0], r[1] or "", r[2] or "", bool(r[3]))
            for r in con.execute("SELECT id, citation, millesime, chargee FROM sources").fetchall()
        }
        self.figures = {
            r[0]: FigureRef(*r)
            for r in con.execute(
                "SELECT id, label, value, unit, source, year FROM reference_figures"
            ).fetchall()
        }
        tables = {
            r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        }
        row = (
            con.execute("SELECT jour_desserte FROM indicateurs_info").fetchone()
            if "indicateurs_info" in tables
            else None
        )
        self.rail_day: date | None = row[0] if row else None

    def value(self, ind: Indicator, raw: object, today: date) -> IndicatorValue:
        sources = tuple(self.sources.get(s, SourceRef(s, s, "inconnu", False)) for s in ind.sources)
        figures = tuple(self.figures[f] for f in ind.figures if f in self.figures)
        status: Status = "disponible"
        message: str | None = None
        missing: tuple[str, ...] = ()
        unloaded = [
            s for s in ind.requires if not self.sources.get(s, SourceRef(s, "", "", False)).loaded
        ]
        value: float | str | None = raw if isinstance(raw, float | str) else None
        if isinstance(raw, int):
            value = float(raw)
        if unloaded:
            status, value = "non_disponible", None
            message, missing = _missing_message(unloaded[0])
        elif value is None:
            status = "sans_valeur"
            message = (
                "valeur non renseignée pour ce territoire (secret statistique, commune "
                "absente de la source ou sans objet)"
            )
        note = None
        if ind.theme == _RAIL_THEME and self.rail_day is not None:
            note = f"jour de référence des horaires : {self.rail_day.isoformat()}"
        age = _age_years(ind.reference_date, today) if ind.reference_date else None
        if age is not None:
            note = f"donnée du {ind.reference_date:%d/%m/%Y}, vieille de {age} ans"
        return IndicatorValue(
            id=ind.id,
            theme=ind.theme,
            label=ind.label,
            unit=ind.unit,
            value=value,
            decimals=ind.decimals,
            nature=ind.nature,
            nature_label=ind.nature_label,
            definition=ind.definition,
            formula=ind.formula,
            aggregation=ind.aggregation,
            assumptions=ind.assumptions,
            sources=sources,
            figures=figures,
            status=status,
            message=message,
            missing_files=missing,
            age_years=age,
            note=note,
        )


def read_indicators(
    con: duckdb.DuckDBPyConnection, level: str, code: str, *, today: date | None = None
) -> list[IndicatorValue]:
    """Every indicator of the commune (INSEE code) or EPCI (SIREN) ``code``.

    ``today`` (default: the current date) dates the age of old data. Raises ``WarehouseError`` when
    the indicators were not computed, ``LookupFailed`` when the territory has no row.
    """
    if level not in LEVELS:
        raise LookupFailed(f"Niveau territorial inconnu « {level} » : utilisez commune ou epci.")
    cat = load_indicator_catalogue()
    table, key = LEVEL_TABLES[level], LEVEL_KEYS[level]
    try:
        cursor = con.execute(f"SELECT * FROM {table} WHERE {key} = ?", [code])
    except duckdb.CatalogException as exc:
        raise WarehouseError(
            f"Indicateurs non calculés (table {table} absente) : lancez le calcul des indicateurs "
            "(teletravail.diagnostic.compute.compute_indicators) sur l'entrepôt."
        ) from exc
    row = cursor.fetchone()
    if row is None:
        raise LookupFailed(
            f"Aucun indicateur pour {_LEVEL_NAMES[level]} « {code} » : vérifiez le code "
            "(code INSEE à 5 caractères pour une commune, SIREN à 9 chiffres pour un EPCI)."
        )
    columns = [d[0] for d in cursor.description or []]
    values = dict(zip(columns, row, strict=True))
    ctx = _Context(con)
    when = today or date.today()
    result = [ctx.value(ind, values.get(ind.id), when) for ind in cat.at_level(level)]
    texts = {v.id: v.value for v in result if isinstance(v.value, str)}
    for index, ind in enumerate(cat.at_level(level)):
        covered = texts.get(ind.coverage) if ind.coverage else None
        if covered:
            note = result[index].note
            text = f"Couverture : {covered}."
            result[index] = replace(result[index], note=f"{text} {note}" if note else text)
    return result
