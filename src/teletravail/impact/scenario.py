"""Territory telework scenarios: emissions and km avoided per year by the residents who telework.

For each distance band b (representative one-way distance d_b, share s_b) and mode m (share p_m,
factor f_m in kgCO2e/passenger-km, occupants o_m):

- teleworkers T = actifs_occupes × taux_teletravail; T_bm = T × s_b × p_m;
- one weekly office day = f_m / o_m × d_b × 92 (kgCO2e/an per person, ADEME Impact CO2);
- kgCO2e avoided, gross = T_bm × n × that (n = telework days per week; ADEME main effect);
  Impact CO2 method = 0.75 × gross; net = gross × (1 − 31 %) × (1 + 52 % × part_flex_office) (ADEME 2020);
- passenger-km avoided, gross = T_bm × n × d_b × 92; net = 69 % of gross (ADEME 2020: a telework
  day cuts that day's trips by 69 %).

Totals, per inhabitant (÷ population) and per teleworker (÷ T). Every value is an estimation; the
assumptions object (:class:`ScenarioAssumptions`) says where each input comes from. Defaults
(:func:`default_assumptions`) are declared in ``scenario_defaults.toml``: published figures by
their ``reference_figures`` id (read from the package's ``reference_figures.toml``), the rest as
labelled project assumptions. Units: kgCO2e/an and km/an, rounded to 3 decimals.
"""

from __future__ import annotations

import functools
import math
import tomllib
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any

import duckdb

from teletravail.errors import ConfigError
from teletravail.impact.calculator import (
    MAX_DAYS_PER_WEEK,
    MAX_DISTANCE_KM,
    MAX_OCCUPANTS,
    Method,
    fr_number,
    fraction,
    get_mode,
    grams,
    load_method,
    load_modes,
)
from teletravail.impact.models import (
    ModeTransport,
    PartMode,
    Quantites,
    ScenarioAssumptions,
    ScenarioResult,
    SegmentScenario,
    TrancheDistance,
)
from teletravail.opendata.loaders.reference import Figure, package_figures

DEFAULTS_FILE = "scenario_defaults.toml"
SHARE_TOLERANCE = 1e-6
CALLER = "indicateur du territoire fourni par l'appelant"


def _cite(fig: Figure) -> str:
    return f"{fig.source}, {fig.year}" if fig.year else fig.source


@functools.cache
def _defaults() -> tuple[dict[str, Any], dict[str, Figure]]:
    """The package's default assumptions and published figures, read once per process (two TOML
    files shipped with the package; callers only read them)."""
    text = resources.files("teletravail.impact").joinpath(DEFAULTS_FILE).read_text("utf-8")
    figures = {f.id: f for f in package_figures()}
    return tomllib.loads(text), figures


def _figure(figures: dict[str, Figure], fid: str) -> Figure:
    fig = figures.get(fid)
    if fig is None or fig.value is None:
        raise ConfigError(
            f"{DEFAULTS_FILE} cite le chiffre « {fid} » absent de reference_figures.toml : "
            "corrigez l'un des deux fichiers du paquet."
        )
    return fig


def _as_share(fig: Figure) -> float:
    """A published share as a fraction: 74 (%) -> 0.74."""
    value = fig.value or 0.0
    return value / 100.0 if fig.unit == "%" else value


def default_modal_split() -> tuple[tuple[PartMode, ...], str]:
    """The default modal split (car 74 %, public transport 16 % from Insee Première n°1835, 2017;
    splits inside groups and the other modes: project assumptions) and its origin text."""
    data, figures = _defaults()
    shares: list[PartMode] = []
    published = 0.0
    notes: list[str] = []
    groups = data["groupe_modal"]
    for group in groups:
        if group.get("reste"):
            continue
        fig = _figure(figures, group["reference"])
        published += _as_share(fig)
    for group in groups:
        label = str(group.get("libelle") or group["id"]).replace("_", " ")
        if group.get("reste"):
            share = 1.0 - published
            origin = "reste, hypothèse"
        else:
            fig = _figure(figures, group["reference"])
            share = _as_share(fig)
            origin = _cite(fig)
        for mode in group["modes"]:
            shares.append(PartMode(slug=mode["slug"], part=round(share * float(mode["part"]), 10)))
        note = str(group["note"]).rstrip(".")
        notes.append(f"{label} {fr_number(share * 100, 1)} % ({origin}) : {note}")
    return tuple(shares), " ; ".join(notes)


def default_distance_bands() -> tuple[tuple[TrancheDistance, ...], str]:
    """The default distance bands (project assumption, median about 13 km) and their origin text."""
    data, figures = _defaults()
    _figure(figures, data["tranches"]["reference"])
    bands = tuple(
        TrancheDistance(
            libelle=b["libelle"], distance_km=float(b["distance_km"]), part=float(b["part"])
        )
        for b in data["tranche"]
    )
    return bands, str(data["tranches"]["note"])


def default_telework_days() -> tuple[float, str]:
    """Default telework days per week (Insee Analyses n°105, 2024: about 1.9) and its origin."""
    data, figures = _defaults()
    fig = _figure(figures, data["jours_teletravail"]["reference"])
    return float(fig.value or 0.0), f"{_cite(fig)} : {data['jours_teletravail']['note']}"


def default_assumptions(
    population: int,
    active_workers: int,
    telework_rate: float,
    *,
    telework_days: float | None = None,
    modal_split: Mapping[str, float] | None = None,
    distance_bands: Sequence[tuple[str, float, float]] | None = None,
    flex_office_share: float = 0.0,
    territory: str | None = None,
    origins: Mapping[str, str] | None = None,
) -> ScenarioAssumptions:
    """Scenario assumptions from plain numbers (independent of the indicator module).

    ``telework_rate``: share 0–1 of employed residents who telework; ``modal_split``: slug -> share
    (0–1, sum 1); ``distance_bands``: (label, representative one-way km, share 0–1) with shares
    summing to 1. Omitted values take the defaults of ``scenario_defaults.toml``. ``origins``
    overrides the origin text of any assumption (e.g. {"taux_teletravail": "estimation du
    diagnostic, Insee Focus n°263 par PCS"}).
    """
    orig: dict[str, str] = {
        "population": CALLER,
        "actifs_occupes": CALLER,
        "taux_teletravail": CALLER,
        "part_flex_office": "hypothèse (0 = aucun employeur n'a réduit ses bureaux)"
        if flex_office_share == 0
        else CALLER,
    }
    if telework_days is None:
        telework_days, orig["jours_teletravail"] = default_telework_days()
    else:
        orig["jours_teletravail"] = CALLER
    if modal_split is None:
        split, orig["repartition_modale"] = default_modal_split()
    else:
        split = tuple(PartMode(slug=s, part=float(p)) for s, p in modal_split.items())
        orig["repartition_modale"] = CALLER
    if distance_bands is None:
        bands, orig["tranches_distance"] = default_distance_bands()
    else:
        bands = tuple(
            TrancheDistance(libelle=label, distance_km=float(km), part=float(share))
            for label, km, share in distance_bands
        )
        orig["tranches_distance"] = CALLER
    orig.update(origins or {})
    assumptions = ScenarioAssumptions(
        territoire=territory,
        population=population,
        actifs_occupes=active_workers,
        taux_teletravail=float(telework_rate),
        jours_teletravail=float(telework_days),
        part_flex_office=float(flex_office_share),
        repartition_modale=split,
        tranches_distance=bands,
        origines=orig,
    )
    check_assumptions(assumptions)
    return assumptions


def _share(value: float, what: str) -> None:
    if not math.isfinite(value) or not 0.0 <= value <= 1.0:
        raise ConfigError(f"{what} invalide : {value}. Indiquez une part entre 0 et 1.")


def _split(split: Sequence[PartMode], where: str) -> None:
    if not split:
        raise ConfigError(f"Répartition modale vide ({where}) : indiquez au moins un mode.")
    seen: set[str] = set()
    for m in split:
        _share(m.part, f"Part du mode « {m.slug} » ({where})")
        if m.slug in seen:
            raise ConfigError(f"Mode « {m.slug} » donné deux fois ({where}) : regroupez ses parts.")
        seen.add(m.slug)
        if not 1 <= m.occupants <= MAX_OCCUPANTS:
            raise ConfigError(
                f"Occupants du mode « {m.slug} » invalide : {m.occupants} (entre 1 et "
                f"{MAX_OCCUPANTS}, conducteur compris)."
            )
    total = sum(m.part for m in split)
    if abs(total - 1.0) > SHARE_TOLERANCE:
        raise ConfigError(
            f"Les parts modales ({where}) totalisent {fr_number(total * 100, 2)} % au lieu de "
            "100 % : corrigez-les."
        )


def check_assumptions(a: ScenarioAssumptions) -> None:
    """Raise ConfigError (French, saying what to fix) on an inconsistent assumption."""
    if a.population <= 0:
        raise ConfigError(
            f"Population invalide : {a.population}. Indiquez un nombre d'habitants > 0."
        )
    if not 0 <= a.actifs_occupes <= a.population:
        raise ConfigError(
            f"Actifs occupés invalides : {a.actifs_occupes} (entre 0 et la population, "
            f"{a.population})."
        )
    _share(a.taux_teletravail, "Taux de télétravail")
    _share(a.part_flex_office, "Part des télétravailleurs en flex office")
    if not math.isfinite(a.jours_teletravail) or not 0 < a.jours_teletravail <= MAX_DAYS_PER_WEEK:
        raise ConfigError(
            f"Jours de télétravail par semaine invalides : {a.jours_teletravail} (entre 0 exclu et 7)."
        )
    _split(a.repartition_modale, "scénario")
    if not a.tranches_distance:
        raise ConfigError("Aucune tranche de distance : indiquez au moins une tranche.")
    for b in a.tranches_distance:
        _share(b.part, f"Part de la tranche « {b.libelle} »")
        if not math.isfinite(b.distance_km) or not 0 < b.distance_km <= MAX_DISTANCE_KM:
            raise ConfigError(
                f"Distance de la tranche « {b.libelle} » invalide : {b.distance_km} km (entre 0 "
                f"exclu et {fr_number(MAX_DISTANCE_KM)} km)."
            )
        if b.repartition_modale is not None:
            _split(b.repartition_modale, f"tranche « {b.libelle} »")
    total = sum(b.part for b in a.tranches_distance)
    if abs(total - 1.0) > SHARE_TOLERANCE:
        raise ConfigError(
            f"Les parts des tranches de distance totalisent {fr_number(total * 100, 2)} % au lieu "
            "de 100 % : corrigez-les."
        )


def _quantities(kg: float, km: float, factor: float, method: Method) -> Quantites:
    """Gross kgCO2e and km -> the five quantities; ``factor`` = net multiplier of the gross."""
    return Quantites(
        kgco2e_evites_brut=grams(kg),
        kgco2e_evites_impactco2=grams(kg * fraction(method.saved_share)),
        kgco2e_evites_net=grams(kg * factor),
        km_evites_brut=grams(km),
        km_evites_net=grams(km * fraction(method.trip_reduction)),
    )


def compute_scenario(
    assumptions: ScenarioAssumptions, modes: Mapping[str, ModeTransport], method: Method
) -> ScenarioResult:
    """The scenario's yearly kgCO2e and km avoided (pure function; see the module docstring)."""
    check_assumptions(assumptions)
    a = assumptions
    trips = method.trips_per_year.valeur
    net_factor = (1.0 - fraction(method.rebound)) * (
        1.0 + fraction(method.flex_office) * a.part_flex_office
    )
    teleworkers = a.actifs_occupes * a.taux_teletravail
    segments: list[SegmentScenario] = []
    total_kg = total_km = 0.0
    for band in a.tranches_distance:
        for share in band.repartition_modale or a.repartition_modale:
            mode = get_mode(dict(modes), share.slug)
            if share.occupants > 1 and not mode.covoiturage_possible:
                raise ConfigError(
                    f"Occupants > 1 pour le mode « {mode.slug} » : le covoiturage ne s'applique "
                    "qu'aux voitures."
                )
            people = teleworkers * band.part * share.part
            km = people * a.jours_teletravail * band.distance_km * trips
            kg = km * mode.facteur_kgco2e_par_km / share.occupants
            total_kg += kg
            total_km += km
            segments.append(
                SegmentScenario(
                    tranche=band.libelle,
                    distance_km=band.distance_km,
                    mode=mode.slug,
                    teletravailleurs=grams(people),
                    quantites=_quantities(kg, km, net_factor, method),
                )
            )
    warnings = [
        "Estimation : taux et distances supposés, à remplacer par les résultats d'enquête locale "
        "(guide d'entretien) ou les flux domicile-travail (MOBPRO) quand ils sont disponibles.",
        "Bilan net : taux moyens de l'étude ADEME 2020 (effets rebond −31 %, flex office +52 % "
        "pour la part des télétravailleurs concernés).",
    ]
    if teleworkers == 0:
        warnings.append("Aucun télétravailleur : rien n'est évité.")
    return ScenarioResult(
        hypotheses=a,
        teletravailleurs=grams(teleworkers),
        total=_quantities(total_kg, total_km, net_factor, method),
        par_habitant=_quantities(
            total_kg / a.population, total_km / a.population, net_factor, method
        ),
        par_teletravailleur=_quantities(
            total_kg / teleworkers, total_km / teleworkers, net_factor, method
        )
        if teleworkers > 0
        else None,
        segments=tuple(segments),
        parametres=(
            method.trips_per_year,
            method.saved_share,
            method.rebound,
            method.flex_office,
            method.trip_reduction,
        ),
        avertissements=tuple(warnings),
    )


def scenario_for(
    con: duckdb.DuckDBPyConnection, assumptions: ScenarioAssumptions
) -> ScenarioResult:
    """:func:`compute_scenario` with factors and figures read from the warehouse."""
    return compute_scenario(assumptions, load_modes(con), load_method(con))
