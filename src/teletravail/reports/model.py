"""The diagnostic report as data: what every renderer (HTML, Markdown, JSON, PDF) draws from.

The JSON form (``DiagnosticReport.model_dump(mode="json")``) is stable and versioned by
``schema_version``; it is documented in ``docs/diagnostic-json.md``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from teletravail.territory.card import SourceRef, TerritoryCard


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Figure(_Frozen):
    """One indicator of the territory: value in ``unite``, text as displayed, nature, sources."""

    id: str
    libelle: str
    valeur: float | None
    texte: str
    unite: str
    nature: Literal["mesuré", "dérivé", "estimation"]
    sources: tuple[str, ...]  # short citations with vintage, e.g. "INSEE, RP 2013 et 2018"
    disponible: bool = True
    note: str | None = None  # e.g. the file that would provide a missing figure, or assumptions


class Theme(_Frozen):
    """A theme of the diagnostic with its figures and, optionally, a chart (inline SVG)."""

    id: str
    titre: str
    figures: tuple[Figure, ...]
    graphique_svg: str | None = None


class PeerRow(_Frozen):
    """One territory of the comparison table (the territory itself first)."""

    code: str
    nom: str
    est_territoire: bool
    valeurs: tuple[str, ...]  # displayed values, in the order of ``PeerTable.colonnes``


class PeerTable(_Frozen):
    """Comparable territories side by side, with the rule that chose them."""

    regle: str
    colonnes: tuple[str, ...]
    lignes: tuple[PeerRow, ...]


class StationService(_Frozen):
    """Rail service of one station of the territory on the reference day."""

    uic: str
    nom: str
    departs_train: int | None
    departs_car: int | None
    metropole: str | None
    duree_min: int | None
    allers_avant_9h: int | None
    retours_apres_17h30: int | None
    # French precision shown after the name: station outside the territory (distance to the
    # centre), no TGV call in the long-distance feed
    precision: str | None = None


class MapBlock(_Frozen):
    """The territory's communes shaded by an indicator (inline SVG) and what it shows."""

    indicateur: str
    libelle: str
    svg: str


class MesureLocale(_Frozen):
    """A value measured by a local survey campaign, shown beside (and used in place of) the
    national estimate ``indicateur`` (e.g. ``taux_teletravail_estime``).

    ``valeur``, ``ic_bas`` and ``ic_haut``: a share 0-1 for the telework rate (the figure shows
    it in %, like the estimate), days a week for ``jours_teletravail``; ``effectif`` is the
    number of respondents the value rests on. ``remplace``: the rule of
    ``teletravail.surveys.measure_rule`` is met (closed reference campaign, narrow interval), so
    the measure replaces the estimate in the summary and the CO2 scenario; otherwise it is
    provisional and ``raisons`` says why. ``publiee``: the team published it (public pages and
    API); an unpublished measure is only shown to the team.
    """

    indicateur: Literal["taux_teletravail_estime", "jours_teletravail"]
    libelle: str
    valeur: float
    ic_bas: float | None = None
    ic_haut: float | None = None
    effectif: int
    campagne: str
    debut: date
    fin: date
    url: str | None = None
    questions: tuple[str, ...] = ()
    remplace: bool = False
    raisons: tuple[str, ...] = ()
    publiee: bool = False


class Comparaison(_Frozen):
    """A national estimate and the local measure of the same quantity, side by side: for each,
    the value as displayed, its 95 % interval (or why there is none), its sample and its dates;
    ``statut`` says which one the diagnostic uses."""

    indicateur: str
    libelle: str
    estimation: str
    estimation_intervalle: str
    estimation_echantillon: str
    estimation_dates: str
    mesure: str
    mesure_intervalle: str
    mesure_echantillon: str
    mesure_dates: str
    statut: Literal["remplace", "provisoire"]
    raisons: tuple[str, ...] = ()
    publiee: bool = False


class Tuile(_Frozen):
    """A headline tile of the synthesis: one figure of the territory with what it compares to.

    ``valeur``: the value as displayed (« donnée non disponible » when the data cannot say, never
    0); ``detail``: a second line (interval, morning trains, CO2 avoided, rank…); ``nature``:
    ``estimation`` (model applied to national rates, scenario), ``calcul`` (computed by the project
    from published data: timetables, scores, changes) or ``mesure`` (a value as published, or
    measured by the local survey); ``comparaison``: the same figure for the
    comparable territories, the territories of the same level in the département and in France
    (medians, each omitted without value) or a national value; ``source``: short citations with their
    vintage; ``ancre``: the id of the detail section in the report and the web page
    (``t-<theme>``).
    """

    id: str
    libelle: str
    valeur: str
    detail: str | None = None
    nature: Literal["estimation", "calcul", "mesure"]
    disponible: bool = True
    comparaison: str | None = None
    source: str
    ancre: str


class Lacune(_Frozen):
    """A gap in the data of one theme: the indicators without a value and the file or survey
    that would provide them (``remede``); ``complet``: no indicator of the theme has a value."""

    theme: str
    titre: str
    indicateurs: tuple[str, ...]
    complet: bool = False
    remede: str


class Graphique(_Frozen):
    """A chart of the synthesis: its SVG (drawn by :mod:`teletravail.reports.svgchart`) and the
    same figures as a table (``colonnes``, ``lignes`` of displayed texts: the chart's accessible
    alternative, and what the Markdown and JSON outputs carry). ``nature`` as for a tile;
    ``source``: short citations with vintage; ``note``: how to read it, its limits."""

    id: str
    titre: str
    svg: str
    nature: Literal["estimation", "calcul", "mesure"]
    source: str
    note: str | None = None
    colonnes: tuple[str, ...]
    lignes: tuple[tuple[str, ...], ...]


class Synthesis(_Frozen):
    """What the diagnostic opens with: headline tiles, three to five sentences on what the
    figures mean for the territory, and the main data gaps."""

    tuiles: tuple[Tuile, ...]
    phrases: tuple[str, ...] = ()
    lacunes: tuple[Lacune, ...] = ()
    graphiques: tuple[Graphique, ...] = ()


class DiagnosticReport(_Frozen):
    """Everything a diagnostic report shows, in reading order."""

    schema_version: Literal["1"] = "1"
    genere_le: datetime
    jour_reference: date | None
    territoire: TerritoryCard
    resume: tuple[str, ...]
    themes: tuple[Theme, ...]
    desserte: tuple[StationService, ...] = ()
    carte: MapBlock | None = None
    pairs: PeerTable | None = None
    impact: tuple[Figure, ...] = ()
    hypotheses_impact: tuple[str, ...] = ()
    sources: tuple[SourceRef, ...] = ()
    mesures_locales: tuple[MesureLocale, ...] = ()
    comparaisons: tuple[Comparaison, ...] = ()
    synthese: Synthesis | None = None
