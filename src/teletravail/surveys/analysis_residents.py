"""Residents indicators: the measured local values of the residents questionnaire.

Computed only from the FIXED question names of the residents instrument (issue 5 contract); an
indicator whose questions are absent from the form is left out. Definitions and formulas:
docs/methodologie/enquetes.md. Units: shares in [0, 1] ("part"), days per week, km (one way),
km/an and kgCO2e/an (per teleworker: mean; total: weighted sum over the respondents).

Emissions avoided: ADEME Impact CO2 method through :func:`teletravail.impact.calculator.
compute_impact` (factor per passenger-km ÷ occupants × one-way distance × 92 trips per weekly day
× telework days × 0.75); net of rebound effects: ADEME 2020 (main effect × (1 − 31 %)).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from teletravail.format_fr import format_decimal
from teletravail.impact.calculator import (
    MAX_DAYS_PER_WEEK,
    MAX_DISTANCE_KM,
    Method,
    ademe_rates,
    compute_impact,
)
from teletravail.impact.models import ModeTransport
from teletravail.surveys import stats
from teletravail.surveys.analysis_columns import FloatArray
from teletravail.surveys.analysis_models import Indicator
from teletravail.surveys.analysis_scope import Scope, indicator

ACTIVE = ("salarie_prive", "salarie_public", "independant")
TELEWORKING = ("regulier", "occasionnel")
MOVE_LINKED = ("determinant", "contributif")
#: Trips per year for one weekly day (2 trips × 46 working weeks), as Impact CO2; used for the
#: km avoided when no method is given (the method's own figure is used otherwise).
TRIPS_PER_YEAR = 92.0

#: Residents transport modes → (Impact CO2 slug, people in the car). "autre" has no factor.
MODE_SLUGS: Mapping[str, tuple[str, int]] = {
    "voiture_thermique": ("voiturethermique", 1),
    "voiture_electrique": ("voitureelectrique", 1),
    "covoiturage": ("voiturethermique", 2),
    "train": ("ter", 1),
    "car_bus": ("busthermique", 1),
    "deux_roues": ("scooter", 1),
    "velo": ("velo", 1),
    "marche": ("velo", 1),
}

#: Question names that make a form a residents form.
RESIDENTS_KEYS = ("situation", "teletravail")


def is_residents(names: set[str]) -> bool:
    """True when the form has the residents questions the indicators rest on."""
    return all(k in names for k in RESIDENTS_KEYS)


@dataclass(frozen=True, slots=True)
class ModeFactors:
    """Per form mode name: kgCO2e per km for one passenger (factor ÷ occupants), and the method's
    trips per year and avoided share, all read back from the impact calculator."""

    per_km: Mapping[str, float]
    trips_per_year: float
    saved_share: float
    rebound: float
    missing: tuple[str, ...]  # form mode names whose factor is not in the warehouse


def mode_factors(modes: Mapping[str, ModeTransport], method: Method) -> ModeFactors:
    """Run the calculator once per mode (1 km, 1 day) to get the per-passenger factors."""
    per_km: dict[str, float] = {}
    missing: list[str] = []
    trips, saved = TRIPS_PER_YEAR, 0.75
    for name, (slug, occupants) in MODE_SLUGS.items():
        mode = modes.get(slug)
        if mode is None:
            missing.append(name)
            continue
        result = compute_impact(
            mode,
            method,
            distance_km=1.0,
            telework_days=1.0,
            occupants=occupants if mode.covoiturage_possible else 1,
        )
        per_km[name] = result.impact_co2.facteur_par_personne_kgco2e_par_km
        trips, saved = result.impact_co2.trajets_par_an, result.impact_co2.part_evitee
    return ModeFactors(per_km, trips, saved, ademe_rates(method)["effets_rebond"], tuple(missing))


def _telework(scope: Scope) -> list[Indicator]:
    cols = scope.cols
    out: list[Indicator] = []
    tele_ok = scope.answered("teletravail")
    teleworker = scope.is_in("teletravail", TELEWORKING)
    active = scope.is_in("situation", ACTIVE)
    among = active & tele_ok
    qs = ["situation", "teletravail"]
    tele_share = scope.share(teleworker, among)
    out.append(
        indicator(
            "part_teletravail_actifs",
            "Part des actifs en emploi qui télétravaillent",
            "part",
            tele_share,
            qs,
            "Actifs en emploi : salariés du privé, du public et indépendants ; télétravail régulier "
            "ou occasionnel.",
        )
    )
    regular = scope.is_in("teletravail", ("regulier",))
    regular_share = scope.share(regular, among)
    occasional = int(np.count_nonzero(teleworker & ~regular & among))
    if stats.small_count(occasional) and not (regular_share.hidden or tele_share.hidden):
        # both shares shown would give the 1 to 4 occasional teleworkers back by difference
        regular_share = stats.hidden(regular_share.n, stats.SECONDARY_REASON)
    out.append(
        indicator(
            "part_teletravail_regulier_actifs",
            "Part des actifs en emploi qui télétravaillent régulièrement",
            "part",
            regular_share,
            qs,
        )
    )
    if cols.has("jours_teletravail"):
        out.append(
            indicator(
                "jours_teletravail_moyen",
                "Jours de télétravail par semaine (moyenne des télétravailleurs)",
                "jours/semaine",
                scope.mean(scope.numbers("jours_teletravail"), teleworker, upper=MAX_DAYS_PER_WEEK),
                ["teletravail", "jours_teletravail"],
            )
        )
    if cols.has("lieux_teletravail"):
        column = cols.get("lieux_teletravail")
        matrix = scope.matrix("lieux_teletravail")
        among_places = teleworker & scope.answered("lieux_teletravail")
        for pos, (name, label) in enumerate(zip(column.names, column.labels, strict=True)):
            out.append(
                indicator(
                    f"lieu_teletravail.{name}",
                    f"Lieu de télétravail : {label}",
                    "part",
                    scope.share(matrix[:, pos], among_places),
                    ["teletravail", "lieux_teletravail"],
                    "Part des télétravailleurs ; plusieurs lieux possibles.",
                )
            )
    return out


def _commute(scope: Scope, factors: ModeFactors | None) -> list[Indicator]:
    cols = scope.cols
    out: list[Indicator] = []
    everyone = np.ones(scope.n, dtype=np.bool_)
    distance = scope.numbers("distance_km")
    out.append(
        indicator(
            "distance_km_moyenne",
            "Distance domicile-travail (aller, moyenne)",
            "km",
            scope.mean(distance, everyone),
            ["distance_km"],
        )
    )
    if not cols.has("jours_teletravail"):
        return out
    days = scope.numbers("jours_teletravail")
    teleworker = scope.is_in("teletravail", TELEWORKING)
    valid = (
        teleworker
        & (distance > 0)
        & (distance <= MAX_DISTANCE_KM)
        & (days >= 0)
        & (days <= MAX_DAYS_PER_WEEK)
    )
    trips = factors.trips_per_year if factors else TRIPS_PER_YEAR
    km = distance * trips * days
    qs = ["teletravail", "jours_teletravail", "distance_km"]
    note_km = (
        f"Distance aller × {trips:g} trajets par an et par jour hebdomadaire × jours de "
        "télétravail (kilomètres bruts, avant effets rebond)."
    )
    out.append(
        indicator(
            "km_evites_par_teletravailleur",
            "Kilomètres domicile-travail évités par télétravailleur",
            "km/an",
            scope.mean(km, valid),
            qs,
            note_km,
        )
    )
    out.append(
        indicator(
            "km_evites_total",
            "Kilomètres domicile-travail évités (total des répondants)",
            "km/an",
            scope.total(km, valid),
            qs,
            note_km,
        )
    )
    if not cols.has("mode_transport"):
        return out
    qs_co2 = [*qs, "mode_transport"]
    if factors is None:
        reason = "facteurs d'émission non fournis (entrepôt absent)"
        for ident, label in CO2_LABELS.items():
            out.append(
                Indicator(
                    id=ident,
                    label=label,
                    unit="kgCO2e/an",
                    value=None,
                    n=0,
                    hidden_reason=reason,
                    questions=qs_co2,
                )
            )
        return out
    column = cols.get("mode_transport")
    lookup = np.full(len(column.names) + 1, np.nan)  # last slot: code −1 (unanswered)
    for pos, name in enumerate(column.names):
        lookup[pos] = factors.per_km.get(name, np.nan)
    per_km: FloatArray = lookup[scope.codes("mode_transport")]
    gross = per_km * distance * trips * days
    avoided = factors.saved_share * gross
    net = (1.0 + factors.rebound) * gross
    note = (
        "Méthode ADEME Impact CO2 : facteur du mode (kgCO2e/passager.km, ÷ 2 en covoiturage) "
        f"× distance aller × {format_decimal(trips)} × jours de télétravail × "
        f"{format_decimal(factors.saved_share)}. Modes sans facteur (« autre ») exclus."
    )
    if factors.missing:  # the modes as the form words them, not the calculator's identifiers
        labels = dict(zip(column.names, column.labels, strict=False))
        absent = ", ".join(labels.get(name, name) for name in factors.missing)
        note += f" Modes sans facteur d'émission dans l'entrepôt (exclus) : {absent}."
    out.append(
        indicator(
            "co2_evite_par_teletravailleur",
            CO2_LABELS["co2_evite_par_teletravailleur"],
            "kgCO2e/an",
            scope.mean(avoided, valid),
            qs_co2,
            note,
        )
    )
    out.append(
        indicator(
            "co2_evite_total",
            CO2_LABELS["co2_evite_total"],
            "kgCO2e/an",
            scope.total(avoided, valid),
            qs_co2,
            note,
        )
    )
    out.append(
        indicator(
            "co2_evite_net_par_teletravailleur",
            CO2_LABELS["co2_evite_net_par_teletravailleur"],
            "kgCO2e/an",
            scope.mean(net, valid),
            qs_co2,
            "Bilan ADEME 2020 : émissions de tous les trajets évités × (1 − "
            f"{abs(factors.rebound) * 100:.0f} %) d'effets rebond, hors flex office.",
        )
    )
    return out


CO2_LABELS = {
    "co2_evite_par_teletravailleur": "Émissions évitées par télétravailleur (Impact CO2)",
    "co2_evite_total": "Émissions évitées (total des répondants, Impact CO2)",
    "co2_evite_net_par_teletravailleur": "Émissions évitées par télétravailleur, nettes des effets rebond (ADEME 2020)",
}


def _moves_and_needs(scope: Scope) -> list[Indicator]:
    cols = scope.cols
    out: list[Indicator] = []
    if cols.has("demenagement_recent"):
        out.append(
            indicator(
                "part_demenagement_recent",
                "Part des répondants installés depuis moins de 5 ans",
                "part",
                scope.share(
                    scope.is_in("demenagement_recent", ("oui",)),
                    scope.answered("demenagement_recent"),
                ),
                ["demenagement_recent"],
            )
        )
        if cols.has("role_teletravail_demenagement"):
            movers = scope.is_in("demenagement_recent", ("oui",)) & scope.answered(
                "role_teletravail_demenagement"
            )
            out.append(
                indicator(
                    "part_demenagement_lie_teletravail",
                    "Part des nouveaux arrivants dont le télétravail a joué dans l'installation",
                    "part",
                    scope.share(scope.is_in("role_teletravail_demenagement", MOVE_LINKED), movers),
                    ["demenagement_recent", "role_teletravail_demenagement"],
                    "Rôle déterminant ou contributif, parmi les installés depuis moins de 5 ans.",
                )
            )
    if cols.has("besoins"):
        column = cols.get("besoins")
        matrix = scope.matrix("besoins")
        among = scope.answered("besoins")
        needs = [
            indicator(
                f"besoin.{name}",
                f"Besoin : {label}",
                "part",
                scope.share(matrix[:, pos], among),
                ["besoins"],
                "Part des répondants ; plusieurs besoins possibles.",
            )
            for pos, (name, label) in enumerate(zip(column.names, column.labels, strict=True))
        ]
        needs.sort(key=lambda i: (i.value is None, -(i.value or 0.0)))
        out.extend(needs)
    return out


def residents_indicators(scope: Scope, factors: ModeFactors | None) -> list[Indicator]:
    """Every residents indicator the form allows, for the submissions of ``scope``."""
    out = _telework(scope)
    if scope.cols.has("distance_km"):
        out.extend(_commute(scope, factors))
    out.extend(_moves_and_needs(scope))
    return out
