"""The indicator catalogue, declared as data in ``indicators.toml`` and read into frozen dataclasses.

One declaration per indicator drives the computation (its id is a column of ``indicateurs_commune``
and ``indicateurs_epci``, produced by the SQL of its theme module), the reading per territory, the
generated methodology (``docs/methodologie/indicateurs.md``) and the tests. The same file declares
the telework rates by socio-professional category (CS) and the attractiveness score model (Senate
criteria, normalisation thresholds and weights).

``load_indicator_catalogue()`` validates everything and raises ``SourceError`` (naming the file, the
indicator and what to fix) on the first problem; ``catalogue_problems()`` lists them all (tests).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any, Literal, cast

from teletravail.errors import SourceError
from teletravail.opendata.catalogue import load_catalogue
from teletravail.opendata.loaders.reference import package_figures

CATALOGUE_FILE = "indicators.toml"
Level = Literal["commune", "epci"]
Nature = Literal["measured", "derived", "estimated"]
Kind = Literal["number", "text"]
IfMissing = Literal["zero", "skip"]

LEVELS: tuple[Level, ...] = ("commune", "epci")
NATURES: tuple[Nature, ...] = ("measured", "derived", "estimated")
NATURE_LABELS: dict[str, str] = {
    "measured": "mesure",
    "derived": "calcul",
    "estimated": "estimation",
}
LEVEL_KEYS: dict[str, str] = {"commune": "code", "epci": "siren"}
LEVEL_TABLES: dict[str, str] = {"commune": "indicateurs_commune", "epci": "indicateurs_epci"}

_HINT = (
    "Corrigez le catalogue des indicateurs du paquet (src/teletravail/diagnostic/indicators.toml)"
)
_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_INDICATOR_KEYS = {
    "id",
    "theme",
    "label",
    "unit",
    "definition",
    "formula",
    "sources",
    "levels",
    "nature",
    "aggregation",
    "assumptions",
    "figures",
    "requires",
    "kind",
    "decimals",
    "reference_date",
    "coverage",
}
_REQUIRED_TEXT = ("id", "theme", "label", "unit", "definition", "formula")


@dataclass(frozen=True)
class Theme:
    """A theme of the diagnostic and the module (``teletravail.diagnostic.<module>``) holding its SQL."""

    id: str
    order: int
    label: str
    module: str
    description: str


@dataclass(frozen=True)
class Indicator:
    """One indicator: what it is, how it is computed, from which sources, at which levels.

    ``figures`` are ids of ``reference_figures`` used in the computation; ``requires`` are optional
    sources without which the value is "donnée non disponible"; ``reference_date`` is the date the
    data describes, used to show its age; ``coverage`` the id of a text indicator saying what the
    value covers (communes, share of the population), shown next to it.
    """

    id: str
    theme: str
    label: str
    unit: str
    definition: str
    formula: str
    sources: tuple[str, ...]
    levels: tuple[Level, ...]
    nature: Nature
    aggregation: str
    assumptions: tuple[str, ...] = ()
    figures: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    kind: Kind = "number"
    decimals: int = 1
    reference_date: date | None = None
    coverage: str | None = None

    @property
    def nature_label(self) -> str:
        """French label of the nature: mesure, calcul, estimation."""
        return NATURE_LABELS[self.nature]


@dataclass(frozen=True)
class TeleworkRate:
    """Telework rate (%) applied to one census socio-professional category (CS 1 to 6).

    Either ``figure`` (id of a published figure in ``reference_figures``) or ``value`` set by a
    documented ``assumption``.
    """

    cs: int
    label: str
    figure: str | None = None
    value: float | None = None
    assumption: str | None = None


@dataclass(frozen=True)
class ScoreComponent:
    """A sub-indicator of a criterion: linear note, 0 at ``worst``, 100 at ``best``, clamped."""

    indicator: str
    weight: float
    worst: float
    best: float
    if_missing: IfMissing
    justification: str
    # indicator (text) that, when not NULL, says the data cannot tell: a missing value is then
    # left out (like ``skip``) instead of counting as 0 (networks absent from the timetables)
    unknown_if: str | None = None


@dataclass(frozen=True)
class Criterion:
    """One of the Senate's four criteria, scored in the indicator column ``indicator``."""

    indicator: str
    senat_rank: int
    weight: float
    components: tuple[ScoreComponent, ...]


@dataclass(frozen=True)
class ScoreModel:
    """The attractiveness score: criteria, overall indicator, method text."""

    indicator: str
    method: str
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True)
class IndicatorCatalogue:
    """Themes (in order), indicators (in declaration order), telework rates, score model."""

    themes: tuple[Theme, ...]
    indicators: tuple[Indicator, ...]
    telework_rates: tuple[TeleworkRate, ...]
    score: ScoreModel

    def indicator(self, indicator_id: str) -> Indicator:
        """The indicator with this id (KeyError when unknown)."""
        for ind in self.indicators:
            if ind.id == indicator_id:
                return ind
        raise KeyError(indicator_id)

    def theme(self, theme_id: str) -> Theme:
        """The theme with this id (KeyError when unknown)."""
        for th in self.themes:
            if th.id == theme_id:
                return th
        raise KeyError(theme_id)

    def of_theme(self, theme_id: str) -> tuple[Indicator, ...]:
        """Indicators of a theme, in declaration order."""
        return tuple(i for i in self.indicators if i.theme == theme_id)

    def at_level(self, level: Level) -> tuple[Indicator, ...]:
        """Indicators computed at ``level``, in theme then declaration order."""
        order = {t.id: t.order for t in self.themes}
        inds = [i for i in self.indicators if level in i.levels]
        return tuple(sorted(inds, key=lambda i: order.get(i.theme, 99)))


def _fail(problem: str) -> SourceError:
    return SourceError(CATALOGUE_FILE, problem, hint=_HINT)


def _strs(entry: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(f"{where} : « {key} » doit être une liste de textes non vides")
    return tuple(value)


def _indicator(entry: dict[str, Any], index: int) -> Indicator:
    where = f"indicateur n°{index} ({entry.get('id', '?')})"
    unknown = set(entry) - _INDICATOR_KEYS
    if unknown:
        raise _fail(f"{where} : clé(s) inconnue(s) {', '.join(sorted(unknown))}")
    for key in _REQUIRED_TEXT:
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise _fail(f"{where} : « {key} » manquant ou vide")
    ref = entry.get("reference_date")
    if ref is not None and not isinstance(ref, date):
        raise _fail(f"{where} : « reference_date » doit être une date AAAA-MM-JJ")
    decimals = entry.get("decimals", 1)
    if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 4:
        raise _fail(f"{where} : « decimals » doit être un entier de 0 à 4")
    aggregation = entry.get("aggregation", "")
    if not isinstance(aggregation, str):
        raise _fail(f"{where} : « aggregation » doit être un texte")
    return Indicator(
        id=entry["id"],
        theme=entry["theme"],
        label=entry["label"],
        unit=entry["unit"],
        definition=entry["definition"].strip(),
        formula=entry["formula"].strip(),
        sources=_strs(entry, "sources", where),
        levels=cast(tuple[Level, ...], _strs(entry, "levels", where)),
        nature=cast(Nature, entry.get("nature", "")),
        aggregation=aggregation.strip(),
        assumptions=_strs(entry, "assumptions", where),
        figures=_strs(entry, "figures", where),
        requires=_strs(entry, "requires", where),
        kind=cast(Kind, entry.get("kind", "number")),
        decimals=decimals,
        reference_date=ref,
        coverage=entry.get("coverage"),
    )


def _score(raw: dict[str, Any]) -> ScoreModel:
    try:
        criteria = tuple(
            Criterion(
                indicator=c["indicator"],
                senat_rank=int(c["senat_rank"]),
                weight=float(c["weight"]),
                components=tuple(
                    ScoreComponent(
                        indicator=p["indicator"],
                        weight=float(p["weight"]),
                        worst=float(p["worst"]),
                        best=float(p["best"]),
                        if_missing=p["if_missing"],
                        justification=p["justification"].strip(),
                        unknown_if=p.get("unknown_if"),
                    )
                    for p in c["component"]
                ),
            )
            for c in raw["criterion"]
        )
        return ScoreModel(
            indicator=raw["indicator"], method=raw["method"].strip(), criteria=criteria
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise _fail(f"méthode des scores ([score]) incomplète ou invalide ({exc!r})") from exc


def parse_catalogue(text: str) -> IndicatorCatalogue:
    """Parse the TOML text into an ``IndicatorCatalogue`` (structure only; see ``catalogue_problems``)."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _fail(f"TOML invalide ({exc})") from exc
    try:
        themes = tuple(
            sorted(
                (
                    Theme(
                        id=k,
                        order=int(v["order"]),
                        label=v["label"],
                        module=v["module"],
                        description=v["description"],
                    )
                    for k, v in raw["theme"].items()
                ),
                key=lambda t: t.order,
            )
        )
        rates = tuple(
            TeleworkRate(
                cs=int(r["cs"]),
                label=r["label"],
                figure=r.get("figure"),
                value=None if r.get("value") is None else float(r["value"]),
                assumption=r.get("assumption"),
            )
            for r in raw["telework_rate"]
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise _fail(f"thèmes ou taux de télétravail incomplets ({exc!r})") from exc
    entries = raw.get("indicator")
    if not isinstance(entries, list) or not entries:
        raise _fail("aucun indicateur ([[indicator]]) dans le fichier")
    indicators = tuple(_indicator(e, i) for i, e in enumerate(entries, start=1))
    return IndicatorCatalogue(
        themes=themes,
        indicators=indicators,
        telework_rates=rates,
        score=_score(raw.get("score", {})),
    )


def _indicator_problems(
    ind: IndicatorCatalogue, source_ids: set[str], optional_ids: set[str], figure_ids: set[str]
) -> list[str]:
    problems: list[str] = []
    theme_ids = {t.id for t in ind.themes}
    seen: set[str] = set()
    for i in ind.indicators:
        where = f"indicateur « {i.id} »"
        if not _ID_RE.match(i.id):
            problems.append(f"{where} : identifiant invalide (minuscules, chiffres, _)")
        if i.id in seen:
            problems.append(f"{where} : identifiant en double")
        seen.add(i.id)
        if i.theme not in theme_ids:
            problems.append(f"{where} : thème inconnu « {i.theme} »")
        if i.nature not in NATURES:
            problems.append(f"{where} : nature « {i.nature} » (attendu : {', '.join(NATURES)})")
        if i.kind not in ("number", "text"):
            problems.append(f"{where} : kind « {i.kind} » (attendu : number ou text)")
        if not i.levels or any(lv not in LEVELS for lv in i.levels):
            problems.append(f"{where} : niveaux {list(i.levels)} (attendu : commune, epci)")
        if "epci" in i.levels and not i.aggregation:
            problems.append(f"{where} : « aggregation » manquant (calcul de la valeur de l'EPCI)")
        if not i.sources:
            problems.append(f"{where} : aucune source")
        for s in i.sources:
            if s not in source_ids:
                problems.append(f"{where} : source inconnue du catalogue des sources « {s} »")
        for s in i.requires:
            if s not in i.sources or s not in optional_ids:
                problems.append(
                    f"{where} : « requires » doit citer une source facultative "
                    f"de ses sources (« {s} »)"
                )
        for f in i.figures:
            if f not in figure_ids:
                problems.append(f"{where} : chiffre de référence inconnu « {f} »")
        if i.figures and "reference" not in i.sources:
            problems.append(f"{where} : utilise des chiffres publiés sans la source « reference »")
        if i.coverage is not None:
            target = next((c for c in ind.indicators if c.id == i.coverage), None)
            if target is None or target.kind != "text" or not set(i.levels) & set(target.levels):
                problems.append(
                    f"{where} : « coverage » doit nommer un indicateur texte d'un même niveau "
                    f"(« {i.coverage} »)"
                )
        if i.nature == "estimated" and not i.assumptions:
            problems.append(f"{where} : une estimation doit déclarer ses hypothèses")
    return problems


def _score_problems(cat: IndicatorCatalogue) -> list[str]:
    problems: list[str] = []
    ids = {i.id: i for i in cat.indicators}
    model = cat.score
    if model.indicator not in ids:
        problems.append(f"score : indicateur global inconnu « {model.indicator} »")
    if sorted(c.senat_rank for c in model.criteria) != [1, 2, 3, 4]:
        problems.append("score : il faut exactement les quatre critères du Sénat (rangs 1 à 4)")
    for c in model.criteria:
        if c.indicator not in ids:
            problems.append(f"score : critère « {c.indicator} » sans déclaration d'indicateur")
        if c.weight <= 0 or not c.components:
            problems.append(f"score : critère « {c.indicator} » sans poids ou sans sous-indicateur")
        for p in c.components:
            target = ids.get(p.indicator)
            where = f"score : sous-indicateur « {p.indicator} » du critère « {c.indicator} »"
            if target is None or target.kind != "number":
                problems.append(f"{where} : indicateur numérique inconnu")
            elif set(target.levels) != set(LEVELS):
                problems.append(f"{where} : doit exister aux niveaux commune et EPCI")
            if p.unknown_if is not None and p.unknown_if not in ids:
                problems.append(f"{where} : « unknown_if » cite un indicateur inconnu")
            if p.weight <= 0:
                problems.append(f"{where} : poids non positif")
            if p.worst == p.best:
                problems.append(f"{where} : seuils « worst » et « best » égaux")
            if p.if_missing not in ("zero", "skip"):
                problems.append(f"{where} : if_missing doit valoir zero ou skip")
            if not p.justification:
                problems.append(f"{where} : seuils sans justification")
    return problems


def _rate_problems(cat: IndicatorCatalogue, figure_ids: set[str]) -> list[str]:
    problems: list[str] = []
    if sorted(r.cs for r in cat.telework_rates) != [1, 2, 3, 4, 5, 6]:
        problems.append("taux de télétravail : il faut un taux pour chaque CS de 1 à 6")
    for r in cat.telework_rates:
        if (r.figure is None) == (r.value is None):
            problems.append(f"taux de télétravail CS {r.cs} : donner soit figure, soit value")
        if r.figure is not None and r.figure not in figure_ids:
            problems.append(f"taux de télétravail CS {r.cs} : chiffre inconnu « {r.figure} »")
        if r.value is not None and not r.assumption:
            problems.append(f"taux de télétravail CS {r.cs} : valeur posée sans hypothèse")
    return problems


def catalogue_problems(cat: IndicatorCatalogue) -> list[str]:
    """Every problem of the catalogue against the source catalogue and the reference figures."""
    sources = load_catalogue()
    source_ids = {s.id for s in sources}
    optional_ids = {s.id for s in sources if not s.required}
    figure_ids = {f.id for f in package_figures()}
    return (
        _indicator_problems(cat, source_ids, optional_ids, figure_ids)
        + _score_problems(cat)
        + _rate_problems(cat, figure_ids)
    )


@cache
def load_indicator_catalogue() -> IndicatorCatalogue:
    """The package's validated indicator catalogue (``SourceError`` on the first problem)."""
    text = resources.files("teletravail.diagnostic").joinpath(CATALOGUE_FILE).read_text("utf-8")
    cat = parse_catalogue(text)
    problems = catalogue_problems(cat)
    if problems:
        raise _fail(
            problems[0] + (f" (et {len(problems) - 1} autre(s))" if len(problems) > 1 else "")
        )
    return cat
