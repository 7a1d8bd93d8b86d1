"""Telework impact of one commuter: the ADEME Impact CO2 method, and the ADEME 2020 balance.

ADEME Impact CO2, telework simulator (impactco2.fr/outils/teletravail, code
incubateur-ademe/impactco2, ``TeletravailSimulator.tsx``), reproduced exactly:

- emissions for one weekly office day (kgCO2e/an) = factor (kgCO2e/passenger-km) × one-way
  distance (km) × 92, where 92 = 2 trips × (52 − 5 − 1) working weeks;
- emitted = that × office days per week; avoided = 0.75 × telework days per week × that;
- car pooling (Impact CO2 ``carpool``, only for modes that offer it, the cars): the factor is
  divided by the number of people in the car (Impact CO2 divides by ``carpool + 1``, ``carpool``
  being the 1 to 4 passengers besides the driver).

ADEME / Greenworking 2020, « Caractérisation des effets rebond induits par le télétravail »: the
main effect (all commute trips of the telework days, index 100) is modified by rebound effects that
cut it by 31 % on average (errands still made: +67.7 kgCO2e/an per weekly day on a 271 kgCO2e/an
average, i.e. −24.98 % of the main effect; videoconferencing: +2.6, i.e. −0.96 %; the rest, 5.06 %,
new daily trips, moving further away and home energy); the net balance is improved by a further
52 % when the employer reduces office floor space (flex office): flex = net × 1.52.

The factors come from the warehouse table ``emission_factors`` (source 'Impact CO2'); 92, 0.75 and
the ADEME 2020 figures from ``reference_figures``. Results in kgCO2e per year, rounded to the gram.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import duckdb

from teletravail import format_fr
from teletravail.errors import InputError, WarehouseError
from teletravail.impact.models import (
    BilanAdeme2020,
    Chiffre,
    EffetAdeme,
    EntreeImpact,
    ImpactResult,
    ModeTransport,
    ResultatImpactCO2,
)

IMPACT_CO2 = "Impact CO2"
MAX_DISTANCE_KM = 1000.0
MAX_DAYS_PER_WEEK = 7.0
DEFAULT_WORK_DAYS = 5.0
MAX_OCCUPANTS = 5  # the driver and the 1 to 4 passengers Impact CO2 offers
REBUILD_HINT = "Reconstruisez l'entrepôt avec « teletravail data build »."

# reference_figures ids used by the method (declared in opendata/reference_figures.toml)
FIGURE_IDS = {
    "trips_per_year": "impactco2_trajets_par_an",
    "saved_share": "impactco2_part_economisee",
    "ademe_average": "ademe_gain_jour_hebdo",
    "rebound": "ademe_effets_rebond",
    "flex_office": "ademe_flex_office",
    "errands": "ademe_rebond_courses",
    "videoconf": "ademe_rebond_visio",
    "trip_reduction": "ademe_reduction_trajets_jour_tt",
}


@dataclass(frozen=True)
class Method:
    """The published figures of both methods, each with its source and year."""

    trips_per_year: Chiffre
    saved_share: Chiffre
    ademe_average: Chiffre
    rebound: Chiffre
    flex_office: Chiffre
    errands: Chiffre
    videoconf: Chiffre
    trip_reduction: Chiffre

    def figures(self) -> tuple[Chiffre, ...]:
        """All figures, in declaration order."""
        return tuple(getattr(self, name) for name in FIGURE_IDS)


def fraction(figure: Chiffre) -> float:
    """A share as a fraction: 31 (%) -> 0.31; a value without '%' is taken as is (0.75)."""
    return figure.valeur / 100.0 if figure.unite == "%" else figure.valeur


def grams(value: float) -> float:
    """Round kgCO2e (or km) to 3 decimals, without a negative zero."""
    return round(value, 3) + 0.0


def fr_number(value: float, decimals: int = 3) -> str:
    """French display of a number, at most ``decimals`` decimals: '1 801,728', '0,2176', '92',
    '−3' (minus sign U+2212; see :mod:`teletravail.format_fr`)."""
    return format_fr.format_decimal(value, decimals)


def cite(figure: Chiffre) -> str:
    """'source, année' of a published figure."""
    return f"{figure.source}, {figure.annee}" if figure.annee else figure.source


# ---------------------------------------------------------------------------------------------
# Loading from the warehouse


def load_method(con: duckdb.DuckDBPyConnection) -> Method:
    """The published figures of the method, read from ``reference_figures``."""
    ids = list(FIGURE_IDS.values())
    try:
        rows = con.execute(
            "SELECT id, label, value, unit, source, year FROM reference_figures "
            f"WHERE id IN ({', '.join('?' for _ in ids)})",
            ids,
        ).fetchall()
    except duckdb.Error as exc:
        raise WarehouseError(
            f"Table reference_figures illisible ({str(exc).splitlines()[0]}). {REBUILD_HINT}"
        ) from exc
    found = {
        r[0]: Chiffre(id=r[0], libelle=r[1], valeur=r[2], unite=r[3], source=r[4], annee=r[5])
        for r in rows
        if r[2] is not None
    }
    missing = [i for i in ids if i not in found]
    if missing:
        raise WarehouseError(
            f"Chiffres de référence absents de l'entrepôt : {', '.join(missing)}. {REBUILD_HINT}"
        )
    return Method(**{name: found[fid] for name, fid in FIGURE_IDS.items()})


def _rank(identifiant: str) -> tuple[int, ...]:
    return tuple(int(p) for p in identifiant.split(".") if p.isdigit())


def _vintage(con: duckdb.DuckDBPyConnection, source_id: str) -> str | None:
    """Vintage of a catalogue source (table ``sources``), None when unknown."""
    try:
        row = con.execute("SELECT millesime FROM sources WHERE id = ?", [source_id]).fetchone()
    except duckdb.Error:
        return None
    return str(row[0]) if row and row[0] else None


def load_modes(con: duckdb.DuckDBPyConnection) -> dict[str, ModeTransport]:
    """Impact CO2 modes by slug, in Impact CO2 id order.

    The slug is the column ``slug`` of ``emission_factors`` when the warehouse has it, else it is
    read from ``detail`` ('slug voiturethermique ; …'); car pooling is the column ``covoiturage``,
    else the modes named 'Voiture' (the ones with ``carpool`` in Impact CO2). A mode with sub-entries
    (the plane) keeps its first one (short haul), as Impact CO2 does for any distance up to
    1000 km. Two modes sharing a slug (the mirror gives the e-scooter, id 17, the e-bike's slug):
    the lower id keeps it, the other becomes 'slug-id' ('veloelectrique-17').
    """
    try:
        columns = {r[0] for r in con.execute("DESCRIBE emission_factors").fetchall()}
    except duckdb.Error as exc:
        raise WarehouseError(
            f"Table emission_factors illisible ({str(exc).splitlines()[0]}). {REBUILD_HINT}"
        ) from exc
    slug = (
        "slug"
        if "slug" in columns
        else ("nullif(regexp_extract(detail, '(^|; )slug ([^ ;]+)', 2), '')")
    )
    carpool = "coalesce(covoiturage, false)" if "covoiturage" in columns else "mode = 'Voiture'"
    rows = con.execute(
        f"""SELECT {slug}, identifiant, mode, sous_type, kgco2e_par_unite, {carpool}, detail
        FROM emission_factors WHERE source = ? AND kgco2e_par_unite IS NOT NULL""",
        [IMPACT_CO2],
    ).fetchall()
    vintage = _vintage(con, "impactco2")
    modes: dict[str, ModeTransport] = {}
    taken: dict[str, str] = {}  # slug -> Impact CO2 mode id holding it
    for s, ident, name, sub, factor, pool, detail in sorted(rows, key=lambda r: _rank(r[1])):
        if not s:
            continue
        mode_id = ident.split(".")[0]
        if s in taken:
            if taken[s] == mode_id:
                continue  # a further sub-entry of the same mode (medium or long haul)
            s = f"{s}-{mode_id}"
        taken.setdefault(s, mode_id)
        modes[s] = ModeTransport(
            slug=s,
            identifiant=ident,
            nom=name,
            sous_type=sub,
            facteur_kgco2e_par_km=factor,
            covoiturage_possible=bool(pool),
            detail=detail,
            millesime=vintage,
        )
    if not modes:
        raise WarehouseError(
            f"Aucun facteur d'émission « Impact CO2 » dans l'entrepôt. {REBUILD_HINT}"
        )
    return modes


def get_mode(modes: dict[str, ModeTransport], slug: str) -> ModeTransport:
    """The mode of ``slug`` (case-insensitive), or an InputError listing the valid slugs."""
    key = slug.strip().lower()
    if key in modes:
        return modes[key]
    valid = ", ".join(sorted(modes))
    raise InputError(
        f"Mode de transport inconnu : « {slug} ». Modes valides (slugs ADEME Impact CO2) : {valid}.",
        field="mode",
    )


# ---------------------------------------------------------------------------------------------
# Validation


def _number(value: float, what: str, example: str, field: str) -> float:
    if not math.isfinite(value):
        raise InputError(
            f"{what} invalide : « {value} ». Indiquez un nombre ({example}).", field=field
        )
    return float(value)


def check_inputs(
    mode: ModeTransport,
    *,
    distance_km: float,
    telework_days: float,
    office_days: float | None,
    occupants: int,
) -> EntreeImpact:
    """Validated inputs; ``office_days`` defaults to 5 − telework days (at least 0)."""
    distance = _number(distance_km, "Distance", "ex. 30", "distance")
    if not 0 < distance <= MAX_DISTANCE_KM:
        raise InputError(
            f"Distance invalide : {fr_number(distance)} km. Indiquez la distance domicile-travail "
            f"aller, en km, strictement positive et d'au plus {fr_number(MAX_DISTANCE_KM)} km "
            "(ex. 30).",
            field="distance",
        )
    tele = _number(telework_days, "Nombre de jours de télétravail", "ex. 2", "jours_teletravail")
    if not 0 <= tele <= MAX_DAYS_PER_WEEK:
        raise InputError(
            f"Nombre de jours de télétravail invalide : {fr_number(tele)}. Indiquez un nombre de "
            "jours par semaine entre 0 et 7 (ex. 2).",
            field="jours_teletravail",
        )
    if office_days is None:
        office = max(0.0, DEFAULT_WORK_DAYS - tele)
    else:
        office = _number(office_days, "Nombre de jours au bureau", "ex. 3", "jours_bureau")
        if not 0 <= office <= MAX_DAYS_PER_WEEK:
            raise InputError(
                f"Nombre de jours au bureau invalide : {fr_number(office)}. Indiquez un nombre de "
                "jours par semaine entre 0 et 7 (ex. 3).",
                field="jours_bureau",
            )
    if tele + office > MAX_DAYS_PER_WEEK:
        raise InputError(
            f"{fr_number(tele)} jours de télétravail + {fr_number(office)} jours au bureau font "
            "plus de 7 jours par semaine : réduisez les jours de télétravail ou les jours au "
            "bureau.",
            field="jours_bureau",
        )
    if isinstance(occupants, bool) or not 1 <= occupants <= MAX_OCCUPANTS:
        raise InputError(
            f"Nombre d'occupants invalide : {occupants}. Indiquez le nombre de personnes dans la "
            f"voiture, conducteur compris, entre 1 et {MAX_OCCUPANTS} (ex. 2).",
            field="occupants",
        )
    if occupants > 1 and not mode.covoiturage_possible:
        raise InputError(
            f"Le covoiturage ({occupants} occupants) ne s'applique qu'aux voitures ; le facteur "
            f"du mode « {mode.nom} » est déjà par passager. Indiquez 1 occupant.",
            field="occupants",
        )
    return EntreeImpact(
        mode=mode.slug,
        distance_km=distance,
        jours_teletravail=tele,
        jours_bureau=office,
        occupants=occupants,
    )


# ---------------------------------------------------------------------------------------------
# Computation


def _impactco2(mode: ModeTransport, method: Method, entry: EntreeImpact) -> ResultatImpactCO2:
    trips = method.trips_per_year.valeur
    share = fraction(method.saved_share)
    per_person = mode.facteur_kgco2e_par_km / entry.occupants
    one_day = per_person * entry.distance_km * trips
    factor_text = f"{fr_number(mode.facteur_kgco2e_par_km, 6)} kgCO2e/km"
    if entry.occupants > 1:
        factor_text = f"({factor_text} ÷ {entry.occupants} occupants)"
    calculs = (
        f"émissions d'un jour de présence hebdomadaire = {factor_text} × "
        f"{fr_number(entry.distance_km)} km × {fr_number(trips)} trajets = "
        f"{fr_number(grams(one_day))} kgCO2e/an",
        f"émis = {fr_number(grams(one_day))} × {fr_number(entry.jours_bureau)} jours au bureau = "
        f"{fr_number(grams(one_day * entry.jours_bureau))} kgCO2e/an",
        f"évité = {fr_number(share)} × {fr_number(entry.jours_teletravail)} jours de télétravail "
        f"× {fr_number(grams(one_day))} = "
        f"{fr_number(grams(share * entry.jours_teletravail * one_day))} kgCO2e/an",
    )
    return ResultatImpactCO2(
        facteur_par_personne_kgco2e_par_km=per_person,
        trajets_par_an=trips,
        emissions_jour_hebdo_kgco2e_par_an=grams(one_day),
        emis_kgco2e_par_an=grams(one_day * entry.jours_bureau),
        evite_kgco2e_par_an=grams(share * entry.jours_teletravail * one_day),
        part_evitee=share,
        calculs=calculs,
        parametres=(method.trips_per_year, method.saved_share),
    )


def ademe_rates(method: Method) -> dict[str, float]:
    """Rates of the ADEME 2020 effects as signed fractions of the main effect."""
    average = method.ademe_average.valeur
    errands = -method.errands.valeur / average
    videoconf = -method.videoconf.valeur / average
    rebound = -fraction(method.rebound)
    return {
        "trajets_evites": 1.0,
        "chaines_modales": errands,
        "visioconference": videoconf,
        "autres_effets_rebond": rebound - errands - videoconf,
        "effets_rebond": rebound,
        "flex_office": fraction(method.flex_office),
    }


def _ademe(method: Method, one_day: float, telework_days: float) -> BilanAdeme2020:
    main = telework_days * one_day
    rates = ademe_rates(method)
    avg = method.ademe_average

    def pct(rate: float) -> str:
        return f"{'−' if rate < 0 else '+'}{fr_number(abs(rate) * 100, 2)} %"

    def effect(
        eid: str,
        label: str,
        nature: Literal["principal", "rebond", "immobilier"],
        figure: Chiffre | None,
        calcul: str,
        inside: str | None = None,
        base: float | None = None,
    ) -> EffetAdeme:
        ref = figure or method.rebound
        return EffetAdeme(
            id=eid,
            libelle=label,
            nature=nature,
            taux=rates[eid],
            kgco2e_par_an=grams(rates[eid] * (main if base is None else base)),
            valeur_publiee=figure.valeur if figure else None,
            unite_publiee=figure.unite if figure else None,
            source=ref.source if figure else f"déduit de : {ref.source}",
            annee=ref.annee,
            calcul=calcul,
            compris_dans=inside,
        )

    net = main * (1.0 + rates["effets_rebond"])
    effects = (
        effect(
            "trajets_evites",
            "Effet principal : trajets domicile-travail évités (100 %)",
            "principal",
            avg,
            f"{fr_number(telework_days)} jours de télétravail × {fr_number(grams(one_day))} "
            f"kgCO2e/an (moyenne de l'étude : {fr_number(avg.valeur)} kgCO2e/an par jour "
            "hebdomadaire)",
        ),
        effect(
            "chaines_modales",
            "Déplacements maintenus les jours de télétravail (courses, enfants…)",
            "rebond",
            method.errands,
            f"−{fr_number(method.errands.valeur)} / {fr_number(avg.valeur)} kgCO2e/an = "
            f"{pct(rates['chaines_modales'])} de l'effet principal",
            "effets_rebond",
        ),
        effect(
            "visioconference",
            "Visioconférence",
            "rebond",
            method.videoconf,
            f"−{fr_number(method.videoconf.valeur)} / {fr_number(avg.valeur)} kgCO2e/an = "
            f"{pct(rates['visioconference'])} de l'effet principal",
            "effets_rebond",
        ),
        effect(
            "autres_effets_rebond",
            "Autres effets rebond (nouvelles mobilités, éloignement du domicile, énergie du "
            "domicile)",
            "rebond",
            None,
            f"{pct(rates['effets_rebond'])} − ({pct(rates['chaines_modales'])}) − "
            f"({pct(rates['visioconference'])}) = {pct(rates['autres_effets_rebond'])} de l'effet "
            "principal",
            "effets_rebond",
        ),
        effect(
            "effets_rebond",
            "Effets rebond, en moyenne (total)",
            "rebond",
            method.rebound,
            f"{pct(rates['effets_rebond'])} de l'effet principal",
        ),
        effect(
            "flex_office",
            "Flex office (moins de surface de bureaux), si l'employeur la réduit",
            "immobilier",
            method.flex_office,
            f"{pct(rates['flex_office'])} du bilan net (effets rebond déduits)",
            base=net,
        ),
    )
    return BilanAdeme2020(
        effet_principal_kgco2e_par_an=grams(main),
        effets=effects,
        bilan_net_kgco2e_par_an=grams(net),
        bilan_flex_office_kgco2e_par_an=grams(net * (1.0 + rates["flex_office"])),
        moyenne_etude_kgco2e_par_an=grams(avg.valeur * telework_days),
    )


def compute_impact(
    mode: ModeTransport,
    method: Method,
    *,
    distance_km: float,
    telework_days: float,
    office_days: float | None = None,
    occupants: int = 1,
) -> ImpactResult:
    """The Impact CO2 result and the ADEME 2020 balance of one commuter (pure function)."""
    entry = check_inputs(
        mode,
        distance_km=distance_km,
        telework_days=telework_days,
        office_days=office_days,
        occupants=occupants,
    )
    impact = _impactco2(mode, method, entry)
    one_day = impact.facteur_par_personne_kgco2e_par_km * entry.distance_km * impact.trajets_par_an
    warnings: list[str] = []
    if entry.jours_teletravail == 0:
        warnings.append("Aucun jour de télétravail : aucune émission n'est évitée.")
    if mode.facteur_kgco2e_par_km == 0:
        warnings.append(
            f"Le mode « {mode.nom} » n'émet pas de CO2e par km dans Impact CO2 : le télétravail "
            "n'évite rien sur ce trajet, mais ses effets rebond (courses en voiture…) existent."
        )
    if mode.slug == "avion":
        warnings.append(
            f"Avion : Impact CO2 retient le {str(mode.sous_type).lower()} pour toute distance "
            f"jusqu'à {fr_number(MAX_DISTANCE_KM)} km."
        )
    warnings.append(
        "Bilan ADEME 2020 : estimation appliquant à ce trajet les taux moyens de l'étude ; les "
        "effets marqués « compris dans » sont déjà inclus dans les effets rebond (31 %)."
    )
    return ImpactResult(
        entree=entry,
        mode=mode,
        impact_co2=impact,
        bilan_ademe_2020=_ademe(method, one_day, entry.jours_teletravail),
        avertissements=tuple(warnings),
    )


def impact_for(
    con: duckdb.DuckDBPyConnection,
    slug: str,
    *,
    distance_km: float,
    telework_days: float,
    office_days: float | None = None,
    occupants: int = 1,
) -> ImpactResult:
    """:func:`compute_impact` with the mode and the figures read from the warehouse."""
    mode = get_mode(load_modes(con), slug)
    return compute_impact(
        mode,
        load_method(con),
        distance_km=distance_km,
        telework_days=telework_days,
        office_days=office_days,
        occupants=occupants,
    )
