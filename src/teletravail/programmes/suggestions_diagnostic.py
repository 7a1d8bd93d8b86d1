"""Suggested actions from a diagnostic's weak indicators, after the table
``suggestions_diagnostic.toml`` (indicator, direction, threshold with its justification, one or two
actions with their programme theme and examples of who leads them).

An indicator is weak when its value is known (a figure « donnée non disponible » never suggests
anything) and worse than the table's threshold ``seuil``, or worse than the comparison median by
more than 5 % and short of the table's ``bon`` value, when the caller gives the medians
(:func:`comparison_medians` reads them from the synthesis'
:class:`~teletravail.reports.synthesis.Benchmarks`). The Senate's four attractiveness criteria
come first, lowest score first, then the other indicators in the table's order.
"""

from __future__ import annotations

import math
import statistics
import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from teletravail.errors import ConfigError
from teletravail.format_fr import agree_unit, format_number
from teletravail.programmes.model import DEFAULT_THEMES, Motive
from teletravail.programmes.suggestions_model import Suggestion
from teletravail.reports.model import DiagnosticReport, Figure
from teletravail.reports.render import row_anchor
from teletravail.reports.synthesis import Benchmarks

TABLE_FILE = Path(__file__).with_name("suggestions_diagnostic.toml")
DIAGNOSTIC_SOURCE = "Diagnostic du territoire"
#: Relative gap to the median under which a value is not called worse (as the synthesis'
#: « proche »).
CLOSE = 0.05


class TableAction(BaseModel):
    """An action of the table: its text, programme theme and examples of who leads it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    titre: str = Field(min_length=1, max_length=300)
    theme: str
    porteurs: list[str] = Field(default_factory=list)


class TableEntry(BaseModel):
    """An indicator of the table: ``sens`` (``croissant``: more is better), ``seuil`` (in the
    indicator's unit: weak when worse) and why, ``bon`` (never weak at or better than it, whatever
    the comparison median), whether it is a Senate criterion, its actions."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    sens: Literal["croissant", "decroissant"]
    seuil: float
    bon: float
    justification: str
    critere_senat: bool = False
    action: list[TableAction] = Field(min_length=1, max_length=2)


class Median(NamedTuple):
    """A comparison median (in the indicator's unit) and whose it is, as written after « la »
    (« médiane des territoires comparables »)."""

    valeur: float
    libelle: str


@cache
def load_table(path: Path = TABLE_FILE) -> tuple[TableEntry, ...]:
    """The validated table (ConfigError naming the file, entry and problem)."""
    try:
        data = tomllib.loads(path.read_text("utf-8"))
        entries = tuple(TableEntry.model_validate(e) for e in data.get("indicateur", []))
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise ConfigError(f"Fichier {path.name} illisible : {exc}") from exc
    for e in entries:
        if _worse(e.bon, e.seuil, e.sens):
            raise ConfigError(
                f"Fichier {path.name}, indicateur « {e.id} » : « bon » ({e.bon}) doit être au "
                f"moins aussi bon que « seuil » ({e.seuil}) dans le sens « {e.sens} »."
            )
        for a in e.action:
            if a.theme not in DEFAULT_THEMES:
                raise ConfigError(
                    f"Fichier {path.name}, indicateur « {e.id} » : thème « {a.theme} » inconnu, "
                    f"attendu l'un de {', '.join(DEFAULT_THEMES)}."
                )
    return entries


def comparison_medians(bench: Benchmarks) -> dict[str, Median]:
    """Per indicator, the median to compare with: the comparable territories' when they have
    values, else the département's, else France's (indicators of the synthesis tiles only)."""
    out: dict[str, Median] = {}
    for ind, values in bench.peers.items():
        if values:
            out[ind] = Median(statistics.median(values), "médiane des territoires comparables")
    for area in bench.areas:  # département first, then France
        for ind, value in area.medians.items():
            out.setdefault(ind, Median(value, f"médiane des {area.label}"))
    return out


def _worse(value: float, reference: float, sens: str, *, margin: float = 0.0) -> bool:
    gap = abs(reference) * margin
    return value < reference - gap if sens == "croissant" else value > reference + gap


def _figures(report: DiagnosticReport) -> dict[str, tuple[str, Figure]]:
    """Indicator id -> (theme id, figure) of the report's themes (first occurrence)."""
    out: dict[str, tuple[str, Figure]] = {}
    for theme in report.themes:
        for fig in theme.figures:
            out.setdefault(fig.id, (theme.id, fig))
    return out


def _amount(value: float, unit: str) -> str:
    decimals = 0 if value == int(value) else 1
    return f"{format_number(value, decimals)} {agree_unit(value, unit)}".strip()


def diagnostic_suggestions(
    report: DiagnosticReport, *, medianes: Mapping[str, Median] | None = None
) -> list[Suggestion]:
    """The actions of the table for the report's weak indicators (see the module). Motive: type
    ``indicateur``, reference the indicator id, page the diagnostic at the figure's row
    (``/territoires/<type>/<code>/diagnostic/#l-<theme>-<indicator>``). ``medianes``: indicator
    id -> comparison median (:func:`comparison_medians`), optional."""
    figures = _figures(report)
    card = report.territoire
    base = f"/territoires/{card.type}/{card.code}/diagnostic/"
    weak: list[tuple[tuple[int, float, int], TableEntry, str, Figure, list[str]]] = []
    for order, entry in enumerate(load_table()):
        found = figures.get(entry.id)
        if found is None:
            continue
        theme_id, fig = found
        if not fig.disponible or fig.valeur is None or math.isnan(fig.valeur):
            continue
        reasons: list[str] = []
        if _worse(fig.valeur, entry.seuil, entry.sens):
            side = "sous le" if entry.sens == "croissant" else "au-dessus du"
            reasons.append(
                f"valeur {side} seuil de {_amount(entry.seuil, fig.unite)} ({entry.justification})"
            )
        median = (medianes or {}).get(entry.id)
        if (
            median is not None
            and not math.isnan(median.valeur)
            and _worse(fig.valeur, median.valeur, entry.sens, margin=CLOSE)
            and _worse(fig.valeur, entry.bon, entry.sens)
        ):
            word = "inférieure" if entry.sens == "croissant" else "supérieure"
            reasons.append(
                f"valeur {word} à la {median.libelle} ({_amount(median.valeur, fig.unite)}) "
                "de plus de 5 %"
            )
        if not reasons:
            continue
        key = (0, fig.valeur, order) if entry.critere_senat else (1, 0.0, order)
        weak.append((key, entry, theme_id, fig, reasons))
    weak.sort(key=lambda w: w[0])
    out: list[Suggestion] = []
    for _, entry, theme_id, fig, reasons in weak:
        sources = " ; ".join(fig.sources) or "source non chargée"
        description = (
            f"{card.nom} : {fig.libelle.rstrip('.')} = {fig.texte} "
            f"(source : {sources}), {' et '.join(reasons)}."
        )
        motive = Motive(
            type="indicateur",
            reference=entry.id,
            libelle=f"{fig.libelle} : {fig.texte}"[:500],
            url=f"{base}#{row_anchor(theme_id, fig)}",
        )
        for action in entry.action:
            out.append(
                Suggestion(
                    titre=action.titre,
                    theme=action.theme,
                    description=description,
                    porteurs=list(action.porteurs),
                    motif=motive,
                    source_label=DIAGNOSTIC_SOURCE,
                    niveau=fig.valeur,
                )
            )
    return out
