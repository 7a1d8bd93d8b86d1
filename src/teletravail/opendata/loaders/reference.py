"""Published reference figures (telework, commuting, environmental impact, territories).

Table ``reference_figures``: id (unique), theme (teletravail, deplacements, environnement,
territoires), label (French), value (DOUBLE; NULL for a qualitative item such as a criterion of
the Sénat report or an EPCI of the Fabrique Prospective), unit ('%', 'km', 'min',
'kgCO2e/passager.km', …), detail, source (publication, e.g. "Insee Focus n°263"), year (INTEGER,
the year the figure describes; NULL when the publication does not say).

The figures are typed in the package file ``reference_figures.toml`` from the project's
reference notes (shared/reference/FACTS.md); no download is involved (builtin source).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from teletravail.errors import SourceError
from teletravail.opendata.context import LoadContext

FIGURES_FILE = "reference_figures.toml"
_HINT = "Corrigez le fichier de chiffres de référence du paquet (reference_figures.toml)"
_REQUIRED = ("id", "theme", "label", "source")
_ALLOWED = {"id", "theme", "label", "value", "unit", "detail", "source", "year"}


@dataclass(frozen=True)
class Figure:
    """One published figure with its source and year."""

    id: str
    theme: str
    label: str
    value: float | None
    unit: str | None
    detail: str | None
    source: str
    year: int | None


def _figure(entry: dict[str, Any], index: int, origin: str) -> Figure:
    """Validate one ``[[figure]]`` table (``index`` is 1-based)."""
    where = f"chiffre n°{index} ({entry.get('id', '?')})"
    unknown = set(entry) - _ALLOWED
    if unknown:
        raise SourceError(
            origin, f"{where} : clé(s) inconnue(s) {', '.join(sorted(unknown))}", hint=_HINT
        )
    for key in _REQUIRED:
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise SourceError(origin, f"{where} : « {key} » manquant ou vide", hint=_HINT)
    value = entry.get("value")
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise SourceError(origin, f"{where} : valeur non numérique", value=str(value), hint=_HINT)
    year = entry.get("year")
    if year is not None and (
        isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2100
    ):
        raise SourceError(origin, f"{where} : année invalide", value=str(year), hint=_HINT)
    for key in ("unit", "detail"):
        if key in entry and not isinstance(entry[key], str):
            raise SourceError(origin, f"{where} : « {key} » doit être un texte", hint=_HINT)
    return Figure(
        id=entry["id"],
        theme=entry["theme"],
        label=entry["label"],
        value=float(value) if value is not None else None,
        unit=entry.get("unit"),
        detail=entry.get("detail") or None,
        source=entry["source"],
        year=year,
    )


def read_figures(text: str, origin: str = FIGURES_FILE) -> list[Figure]:
    """Parse and validate the TOML text of the reference figures."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(origin, f"TOML invalide ({exc})", hint=_HINT) from exc
    entries = raw.get("figure")
    if not isinstance(entries, list) or not entries:
        raise SourceError(origin, "aucun chiffre ([[figure]]) dans le fichier", hint=_HINT)
    figures = [_figure(e, i, origin) for i, e in enumerate(entries, start=1)]
    seen: set[str] = set()
    for fig in figures:
        if fig.id in seen:
            raise SourceError(origin, "identifiant en double", value=fig.id, hint=_HINT)
        seen.add(fig.id)
    return figures


def package_figures() -> list[Figure]:
    """The figures shipped with the package."""
    text = resources.files("teletravail.opendata").joinpath(FIGURES_FILE).read_text("utf-8")
    return read_figures(text)


def load_reference_figures(ctx: LoadContext) -> None:
    """Builtin source ``reference`` -> ``reference_figures``."""
    figures = package_figures()
    ctx.con.execute(
        """CREATE OR REPLACE TABLE reference_figures (
            id VARCHAR PRIMARY KEY, theme VARCHAR NOT NULL, label VARCHAR NOT NULL,
            value DOUBLE, unit VARCHAR, detail VARCHAR, source VARCHAR NOT NULL, year INTEGER)"""
    )
    ctx.con.executemany(
        "INSERT INTO reference_figures VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(f.id, f.theme, f.label, f.value, f.unit, f.detail, f.source, f.year) for f in figures],
    )
