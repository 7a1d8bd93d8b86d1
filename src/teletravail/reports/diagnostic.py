"""Assemble the diagnostic report of a commune or an EPCI from the derived warehouse.

Reads the territory card, every indicator (``teletravail.diagnostic``), the rail service of its
stations (``teletravail.rail``), comparable territories, a map of its communes and a telework CO2
scenario whose assumptions come from its own indicators; returns a :class:`DiagnosticReport`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime

import duckdb

from teletravail.diagnostic.catalogue import LEVEL_KEYS, LEVEL_TABLES, load_indicator_catalogue
from teletravail.diagnostic.housing_market import MIN_SALES
from teletravail.diagnostic.peers import find_peers
from teletravail.diagnostic.reading import (
    NOT_AVAILABLE,
    FigureRef,
    IndicatorValue,
    format_number,
    read_indicators,
)
from teletravail.errors import ConfigError, WarehouseError
from teletravail.format_fr import plural
from teletravail.impact.calculator import load_modes
from teletravail.impact.scenario import scenario_for
from teletravail.impact.territory import territory_assumptions
from teletravail.navettes.profile import CommuteProfile, commute_profile
from teletravail.opendata.catalogue import get_source
from teletravail.rail.stations import (
    load_station_services,
    territory_station_distances,
    territory_stations,
)
from teletravail.reports import svgchart
from teletravail.reports.graphs import build_graphs
from teletravail.reports.measures import (
    apply_measures,
    comparisons,
    days_text,
    questions_text,
    replacing,
    status_text,
)
from teletravail.reports.model import (
    DiagnosticReport,
    Figure,
    MapBlock,
    MesureLocale,
    PeerRow,
    PeerTable,
    StationService,
    Theme,
)
from teletravail.reports.nature import LOCAL_SURVEY_SOURCE
from teletravail.reports.svgmap import Area, MapPoint, render_choropleth
from teletravail.reports.synthesis import build_synthesis
from teletravail.territory.card import card_for, source_refs
from teletravail.territory.lookup import Entry

# The indicator charted for each theme (territory and its comparable territories side by side).
THEME_CHARTS = {
    "evolution": "evolution_population_2018_2023",
    "logement": "part_logements_vacants_2021",
    "revenus": "taux_chomage_zone_emploi_2025t4",
    "teletravail": "taux_teletravail_estime",
    "ferroviaire": "duree_min_metropole",
    "attractivite": "score_attractivite",
}
PEER_COLUMNS = (
    "population_2023",
    "evolution_population_2013_2018",
    "taux_teletravail_estime",
    "duree_min_metropole",
    "distance_metropole_km",
    "score_attractivite",
)
DEFAULT_MAP_INDICATOR = "taux_teletravail_estime"
_NATURE = {"measured": "mesuré", "derived": "dérivé", "estimated": "estimation"}


IDF_RAIL_NOTE = (
    "En Île-de-France, les trains Transilien et RER, absents des horaires disponibles, ne sont pas "
    "comptés : la desserte est sous-estimée, et là où les horaires ne montrent aucun train, elle "
    "est une donnée non disponible (gares et lignes proches d'après OpenStreetMap)."
)
EPCI_INCOME_NOTE = (
    "Pour un EPCI : moyenne des communes pour lesquelles l'INSEE publie la valeur, pondérée par "
    "leurs ménages fiscaux ; les communes soumises au secret statistique n'y entrent pas."
)
_EPCI_INCOME = ("revenu_median_2019", "taux_pauvrete_2019")
# Units of ordinal scales ("niveau (1 à 7)") read better as "niveau 2 (de 1 à 7)".
_SCALE_UNIT = re.compile(r"^(niveau|classe) \((.+)\)$")


# The scenario's assumptions, as named in the hypotheses shown to users (not their field names).
ASSUMPTION_LABELS = {
    "actifs_occupes": "Actifs occupés",
    "taux_teletravail": "Taux de télétravail",
    "jours_teletravail": "Jours de télétravail par semaine",
    "part_flex_office": "Part des télétravailleurs en bureaux partagés (flex office)",
    "repartition_modale": "Répartition modale",
    "tranches_distance": "Tranches de distance",
    "population": "Population",
}


def _assumption_label(key: str) -> str:
    return ASSUMPTION_LABELS.get(key, key.replace("_", " ").capitalize())


def _citation(source_id: str) -> str:
    """The short citation of a catalogue source ("INSEE, RP 2011"), its id when unknown."""
    try:
        return get_source(source_id).citation
    except (KeyError, ConfigError):
        return source_id


def _published(f: FigureRef) -> str:
    """A published figure as cited in a note: label, value and unit (not for ranks), source, year."""
    text = f.label
    if f.value is not None and f.unit != "rang":
        text += f" : {format_number(f.value, 1).removesuffix(',0')} {f.unit or ''}".rstrip()
    return text + f" ({f.source}{', ' + str(f.year) if f.year else ''})"


def _figure(v: IndicatorValue, *, level: str = "commune", region: str | None = None) -> Figure:
    notes = []
    if v.theme == "ferroviaire" and region == "11":
        notes.append(IDF_RAIL_NOTE)
    if level == "epci" and v.id in _EPCI_INCOME:
        notes.append(EPCI_INCOME_NOTE)
    elif level == "epci" and v.aggregation.startswith("Approximation"):
        notes.append("Pour un EPCI : " + v.aggregation[0].lower() + v.aggregation[1:])
    if v.status == "non_disponible" and v.message:
        notes.append(v.message)
    if v.figures:
        notes.append(
            "Chiffres publiés utilisés : " + " ; ".join(_published(f) for f in v.figures) + "."
        )
    if v.nature == "estimated" and v.assumptions:
        notes.append("Hypothèses : " + " ; ".join(v.assumptions).rstrip(".") + ".")
    if v.note:
        notes.append(v.note)
    text = v.text
    scale = _SCALE_UNIT.match(v.unit)
    if scale and isinstance(v.value, int | float) and v.status == "disponible":
        text = f"{scale.group(1)} {format_number(float(v.value), 0)} (de {scale.group(2)})"
    return Figure(
        id=v.id,
        libelle=v.label,
        valeur=float(v.value) if isinstance(v.value, int | float) else None,
        texte=text,
        unite=v.unit,
        nature=_NATURE.get(v.nature, "dérivé"),  # type: ignore[arg-type]
        sources=tuple(f"{s.citation}" for s in v.sources),
        disponible=v.status == "disponible",
        note=" ".join(notes) or None,
    )


def _values(
    con: duckdb.DuckDBPyConnection, level: str, codes: Sequence[str], columns: Sequence[str]
) -> dict[str, dict[str, object]]:
    table, key = LEVEL_TABLES[level], LEVEL_KEYS[level]
    cols = ", ".join(columns)
    rows = con.execute(
        f"SELECT {key}, {cols} FROM {table} WHERE list_contains(?, {key})", [list(codes)]
    ).fetchall()
    return {r[0]: dict(zip(columns, r[1:], strict=True)) for r in rows}


def _display(value: object, unit: str, decimals: int) -> str:
    if value is None:
        return "n.d."
    if isinstance(value, int | float):
        return f"{format_number(float(value), decimals)} {unit}".strip()
    return str(value)


def _survey_source(m: MesureLocale) -> str:
    """Where a measured value comes from: the campaign, its dates and its sample size."""
    return (
        f"{LOCAL_SURVEY_SOURCE} « {m.campagne} », du {m.debut:%d/%m/%Y} au {m.fin:%d/%m/%Y}, "
        f"{format_number(float(m.effectif), 0)} répondants"
    )


def _measure_text(m: MesureLocale) -> str:
    """The measured value as displayed, with its 95 % confidence interval when known."""
    if m.indicateur == "taux_teletravail_estime":
        text = f"{format_number(m.valeur * 100, 1)} %"
        if m.ic_bas is not None and m.ic_haut is not None:
            text += (
                f" (IC 95 % : {format_number(m.ic_bas * 100, 1)} à "
                f"{format_number(m.ic_haut * 100, 1)} %)"
            )
        return text
    text = days_text(m.valeur)
    if m.ic_bas is not None and m.ic_haut is not None:
        text += f" (IC 95 % : {days_text(m.ic_bas, high=m.ic_haut)})"
    return text


def _measured_figure(m: MesureLocale) -> Figure:
    """A measured value as a figure of the telework theme, placed before the estimate."""
    note = "Mesure " + status_text(m) + "."
    if m.questions:
        note += " Questions : " + questions_text(m) + "."
    return Figure(
        id=m.indicateur.replace("_estime", "") + "_mesure",
        libelle=m.libelle + ("" if m.remplace else " — mesure provisoire"),
        valeur=m.valeur * 100 if m.indicateur == "taux_teletravail_estime" else m.valeur,
        texte=_measure_text(m),
        unite="%" if m.indicateur == "taux_teletravail_estime" else "jours/semaine",
        nature="mesuré",
        sources=(_survey_source(m),),
        note=note,
    )


def _with_measures(
    figures: tuple[Figure, ...], measures: Sequence[MesureLocale]
) -> tuple[Figure, ...]:
    """The theme's figures with each measured value inserted just before the estimate it
    replaces (at the start when the estimate is not in the theme)."""
    out = list(figures)
    for m in measures:
        ids = [f.id for f in out]
        at = ids.index(m.indicateur) if m.indicateur in ids else 0
        out.insert(at, _measured_figure(m))
    return tuple(out)


def _summary(
    by_id: dict[str, IndicatorValue],
    nom: str,
    region: str | None = None,
    measures: Sequence[MesureLocale] = (),
) -> tuple[str, ...]:
    def ok(i: str) -> IndicatorValue | None:
        v = by_id.get(i)
        return v if v is not None and v.status == "disponible" and v.value is not None else None

    lines = []
    pop, evo = ok("population_2023"), ok("evolution_population_2013_2018")
    mid, late = ok("evolution_population_2018_2021"), ok("evolution_population_2021_2023")
    recent = ok("evolution_population_2018_2023")
    if pop:
        text = f"{nom} compte {pop.text} (recensement 2023, population en vigueur en 2026)"
        changes = [
            f"{v.text} entre {years}"
            for v, years in (
                (evo, "2013 et 2018"),
                (mid, "2018 et 2021"),
                (late, "2021 et 2023"),
            )
            if v
        ]
        if mid is None and late is None and recent:
            changes.append(f"{recent.text} entre 2018 et 2023")
        if changes:
            text += " ; sa population a évolué de " + ", de ".join(changes)
        lines.append(text + ".")
    lines.extend(_summary_2021(ok))
    rate, people = ok("taux_teletravail_estime"), ok("teletravailleurs_estimes")
    measured = next((m for m in measures if m.indicateur == "taux_teletravail_estime"), None)
    if measured and not measured.remplace:
        lines.append(
            f"Mesure locale provisoire : {_measure_text(measured)} des actifs occupés répondants "
            f"télétravaillent ({_survey_source(measured)}) ; {status_text(measured)}. "
            "L'estimation nationale reste utilisée."
        )
    if measured and measured.remplace:
        text = (
            f"Mesure locale : {_measure_text(measured)} des actifs occupés répondants "
            f"télétravaillent ({_survey_source(measured)})"
        )
        if rate:
            text += (
                f" ; l'estimation d'après les taux nationaux par catégorie sociale (2022) donnait "
                f"{rate.text}"
            )
        lines.append(text + ".")
    if rate and not (measured and measured.remplace):
        text = (
            f"Environ {rate.text} des actifs occupés résidents télétravailleraient au cours d'une "
            "semaine moyenne"
        )
        if people:
            text += f" (soit {people.text} de 25 à 54 ans)"
        lines.append(
            text + " : estimation d'après les taux nationaux par catégorie sociale (2022) "
            "appliqués aux actifs du territoire, à remplacer par une enquête locale."
        )
    lines.extend(_summary_commuting(ok))
    if region == "11":
        lines.append(IDF_RAIL_NOTE)
    fastest, metro = ok("duree_min_metropole"), ok("metropole_plus_rapide")
    if fastest and metro:
        before = ok("allers_avant_9h")
        text = f"En train, {metro.text} est à {fastest.text}"
        if before:
            text += f", avec {before.text} arrivant avant 9 h"
        lines.append(text + " (jour de semaine de référence, au plus une correspondance).")
    elif ok("distance_metropole_km") and ok("metropole_proche"):
        lines.append(
            f"La métropole la plus proche, {by_id['metropole_proche'].text}, est à "
            f"{by_id['distance_metropole_km'].text} à vol d'oiseau ; pas de liaison "
            "ferroviaire dans la journée."
        )
    score = ok("score_attractivite")
    if score:
        parts = [
            ok(i)
            for i in ("score_services", "score_transport", "score_dynamisme", "score_proximite")
        ]
        detail = ", ".join(f"{p.label.lower()} {p.text}" for p in parts if p)
        lines.append(
            f"Attractivité pour les télétravailleurs (critères du Sénat) : {score.text}"
            + (f" ({detail})" if detail else "")
            + "."
        )
    ftth = ok("taux_ftth_2018")
    if ftth:
        age = f", il y a {ftth.age_years} ans" if ftth.age_years else ""
        lines.append(
            f"Fibre (FttH) : au 1er trimestre 2018{age} (dernier fichier de l'ARCEP disponible "
            f"hors ligne), {ftth.text} des locaux étaient raccordables ; le déploiement a "
            "progressé depuis : ce chiffre ne décrit pas la couverture actuelle."
        )
    return tuple(lines)


def _summary_commuting(ok: Callable[[str], IndicatorValue | None]) -> list[str]:
    """The residents' commuting distances (km, one way), measured or estimated, as one line."""
    mean, median = ok("distance_navette_moyenne_km"), ok("distance_navette_mediane_km")
    if mean is None:
        return []
    far = ok("part_navettes_plus_20km")
    text = f"Trajet domicile-travail des actifs résidents : {mean.text} en moyenne"
    details = [
        f"médiane {median.text}" if median else "",
        f"{far.text} au-delà de 20 km" if far else "",
    ]
    details = [d for d in details if d]
    if details:
        text += " (" + ", ".join(details) + ")"
    measured = any(src.id == "mobpro" and src.loaded for src in mean.sources)
    if measured:
        text += " : flux domicile-travail mesurés par l'INSEE (MOBPRO)"
    else:
        text += (
            " : estimation d'un modèle gravitaire calé sur des chiffres nationaux (flux de moins "
            "de 50 km), en attendant les flux mesurés de l'INSEE ; le bilan carbone du "
            "télétravail utilise ces distances"
        )
    return [text + "."]


def _summary_2021(ok: Callable[[str], IndicatorValue | None]) -> list[str]:
    """Summary lines of the newest census, income and unemployment figures (2021-2025), each
    with its vintage and, for estimates, what it covers."""
    lines = []
    median = ok("revenu_median_2021") or ok("revenu_median_2021_approche")
    poverty, coverage = ok("taux_pauvrete_2021"), ok("couverture_taux_pauvrete_2021")
    parts = []
    if median:
        approx = (
            " (approximation : moyenne des médianes communales)"
            if median.id.endswith("_approche")
            else ""
        )
        parts.append(f"revenu disponible médian de {median.text}{approx}")
    if poverty:
        cover = f" ({coverage.text})" if coverage else ""
        parts.append(f"taux de pauvreté d'après les IRIS de {poverty.text}{cover}")
    if parts:
        lines.append("Revenus 2021 (Filosofi) : " + " ; ".join(parts) + ".")
    rate, change = (
        ok("taux_chomage_zone_emploi_2025t4"),
        ok("evolution_chomage_zone_emploi_2021t1_2025t4"),
    )
    zone, france = ok("zone_emploi"), ok("taux_chomage_france_2025t4")
    if rate:
        text = "Chômage de la zone d'emploi" + (f" {zone.text}" if zone else "")
        text += f" : {rate.text} au 4e trimestre 2025"
        if france:
            text += f" (France : {france.text})"
        if change:
            text += f", {change.text} depuis le 1er trimestre 2021"
        lines.append(text + ".")
    vacant, vac_change = (
        ok("part_logements_vacants_2021"),
        ok("variation_logements_vacants_2018_2021"),
    )
    second = ok("part_residences_secondaires_2021")
    if vacant:
        text = f"Logements en 2021 : {vacant.text} de logements vacants"
        if vac_change:
            text += f" ({vac_change.text} depuis 2018)"
        if second:
            text += f", {second.text} de résidences secondaires"
        lines.append(text + ".")
    return lines


def _peers(
    con: duckdb.DuckDBPyConnection,
    level: str,
    code: str,
    nom: str,
    by_id: dict[str, IndicatorValue],
) -> PeerTable | None:
    peers = find_peers(con, level, code, n=5)
    if not peers:
        return None
    cat = {i.id: i for i in load_indicator_catalogue().indicators}
    columns = [c for c in PEER_COLUMNS if c in cat]
    values = _values(con, level, [code, *(p.code for p in peers)], columns)
    rows = [(code, nom, True)] + [(p.code, p.nom, False) for p in peers]
    return PeerTable(
        regle=peers[0].rule,
        colonnes=tuple(f"{cat[c].label} ({cat[c].unit})" for c in columns),
        lignes=tuple(
            PeerRow(
                code=c,
                nom=n,
                est_territoire=me,
                valeurs=tuple(
                    _display(values.get(c, {}).get(col), "", cat[col].decimals) for col in columns
                ),
            )
            for c, n, me in rows
        ),
    )


def _chart(
    con: duckdb.DuckDBPyConnection,
    level: str,
    code: str,
    nom: str,
    peers: PeerTable | None,
    indicator: IndicatorValue,
) -> str | None:
    if indicator.status != "disponible" or not isinstance(indicator.value, int | float):
        return None
    others = [(r.code, r.nom) for r in (peers.lignes if peers else ()) if not r.est_territoire]
    values = _values(con, level, [c for c, _ in others], [indicator.id])
    labels = [nom] + [n for _, n in others]
    data: list[float | None] = [float(indicator.value)]
    for c, _ in others:
        v = values.get(c, {}).get(indicator.id)
        data.append(float(v) if isinstance(v, int | float) else None)
    return svgchart.bars(
        labels,
        data,
        title=f"{indicator.label} : comparaison",
        unit=indicator.unit,
        decimals=indicator.decimals,
        highlight=0,
    )


def _map(con: duckdb.DuckDBPyConnection, entry: Entry, indicator_id: str) -> MapBlock | None:
    cat = {i.id: i for i in load_indicator_catalogue().indicators}
    ind = cat.get(indicator_id)
    if ind is None or "commune" not in ind.levels or ind.kind != "number":
        choices = ", ".join(
            sorted(i.id for i in cat.values() if "commune" in i.levels and i.kind == "number")
        )
        raise ConfigError(
            f"Indicateur de carte inconnu ou non numérique « {indicator_id} » : choisissez "
            f"parmi {choices}."
        )
    siren = entry.code if entry.kind == "epci" else None
    if siren is None:
        row = con.execute("SELECT epci_siren FROM communes WHERE code = ?", [entry.code]).fetchone()
        siren = row[0] if row else None
    where = "c.epci_siren = $s" if siren else "c.code = $c"
    rows = con.execute(
        f"""SELECT c.code, c.nom, k.wkb, i.{indicator_id}
            FROM communes c JOIN commune_contours k ON k.commune_code = c.code
            LEFT JOIN indicateurs_commune i ON i.code = c.code WHERE {where}""",
        {"s": siren} if siren else {"c": entry.code},
    ).fetchall()
    if not rows:
        return None
    codes = [r[0] for r in rows]
    points = [
        MapPoint("gare", n, lo, la)
        for n, lo, la in con.execute(
            "SELECT nom, lon, lat FROM stations WHERE list_contains(?, commune_code) AND lat IS NOT NULL",
            [codes],
        ).fetchall()
    ]
    points += [
        MapPoint("france_services", n, lo, la)
        for n, lo, la in con.execute(
            "SELECT nom, lon, lat FROM france_services WHERE list_contains(?, commune_code) "
            "AND lat IS NOT NULL",
            [codes],
        ).fetchall()
    ]
    sources = ", ".join(_citation(s) for s in ind.sources)
    label = f"{ind.label} ({ind.unit})"
    svg = render_choropleth(
        [
            Area(r[0], r[1], r[2], float(r[3]) if isinstance(r[3], int | float) else None)
            for r in rows
        ],
        points,
        title=label,
        unit=ind.unit,
        source=f"Fond : IGN Admin Express COG 2018 · indicateur : {sources} · "
        "gares : SNCF · France services : ANCT 2024",
    )
    return MapBlock(indicateur=indicator_id, libelle=label, svg=svg)


def _desserte(
    con: duckdb.DuckDBPyConnection, entry: Entry, day: date
) -> tuple[StationService, ...]:
    distances = territory_station_distances(con, kind=entry.kind, code=entry.code)
    uics = territory_stations(con, kind=entry.kind, code=entry.code, distances=distances)
    services = load_station_services(con, uics, day=day, distances=distances) if uics else []
    out = []
    for s in services:
        best = min(s.metropoles, key=lambda m: m.duree_min_minutes, default=None)
        precision = []
        if not s.dans_territoire and s.distance_km is not None:
            km = format_number(s.distance_km, 1)
            precision.append(f"hors du territoire, à {km} km du centre")
        if s.desservie and "longue_distance" not in s.flux:
            precision.append("aucun arrêt TGV dans le flux grandes lignes")
        out.append(
            StationService(
                uic=s.uic,
                nom=s.nom,
                departs_train=s.departs_train,
                departs_car=s.departs_car,
                metropole=best.metropole_nom if best else None,
                duree_min=best.duree_min_minutes if best else None,
                allers_avant_9h=best.allers_avant_9h if best else None,
                retours_apres_17h30=best.retours_apres_17h30 if best else None,
                precision=" ; ".join(precision) or None,
            )
        )
    return tuple(sorted(out, key=lambda s: -(s.departs_train or 0)))


def _impact(
    con: duckdb.DuckDBPyConnection,
    entry: Entry,
    measures: Sequence[MesureLocale] = (),
    profile: CommuteProfile | None = None,
) -> tuple[tuple[Figure, ...], tuple[str, ...]]:
    try:
        a = territory_assumptions(con, entry.kind, entry.code, entry.nom, profile=profile)
    except WarehouseError:
        return (), ()
    # a local measurement replaces the national estimate only when the rule is met
    measured = {
        "taux_teletravail" if m.indicateur == "taux_teletravail_estime" else m.indicateur
        for m in replacing(measures)
    }
    a = apply_measures(a, measures)
    result = scenario_for(con, a)
    src = ("ADEME, Impact CO2 (2024)", "ADEME / Greenworking 2020")
    t, h = result.total, result.par_habitant

    def fig(fid: str, label: str, value: float, unit: str, note: str | None = None) -> Figure:
        return Figure(
            id=fid,
            libelle=label,
            valeur=value,
            texte=f"{format_number(value, 0)} {unit}",
            unite=unit,
            nature="estimation",
            sources=src,
            note=note,
        )

    figures = [
        fig(
            "teletravailleurs",
            "Télétravailleurs du scénario (actifs occupés de 15 à 64 ans, RP 2018, × taux "
            + ("mesuré par l'enquête locale)" if "taux_teletravail" in measured else "estimé)"),
            result.teletravailleurs,
            "actifs",
        ),
        fig(
            "co2_brut",
            "Émissions évitées, brut (trajets des jours télétravaillés)",
            t.kgco2e_evites_brut / 1000,
            "tCO2e/an",
        ),
        fig(
            "co2_impactco2",
            "Émissions évitées, méthode Impact CO2 (75 % du brut)",
            t.kgco2e_evites_impactco2 / 1000,
            "tCO2e/an",
        ),
        fig(
            "co2_net",
            "Émissions évitées, nettes des effets rebond (ADEME 2020, −31 %)",
            t.kgco2e_evites_net / 1000,
            "tCO2e/an",
        ),
        fig("km_net", "Kilomètres évités, nets", t.km_evites_net, "km/an"),
        fig(
            "co2_net_hab", "Émissions évitées nettes par habitant", h.kgco2e_evites_net, "kgCO2e/an"
        ),
    ]
    if result.par_teletravailleur:
        figures.append(
            fig(
                "co2_net_tt",
                "Émissions évitées nettes par télétravailleur",
                result.par_teletravailleur.kgco2e_evites_net,
                "kgCO2e/an",
            )
        )
    hyp = a
    try:
        mode_names = {slug: m.nom.lower() for slug, m in load_modes(con).items()}
    except WarehouseError:
        mode_names = {}
    hypotheses = [
        f"{hyp.actifs_occupes:,} actifs occupés".replace(",", "\u202f")
        + f" ; taux de télétravail {format_number(hyp.taux_teletravail * 100, 1)} %"
        f" ; {days_text(hyp.jours_teletravail)} par semaine",
        "Répartition modale : "
        + ", ".join(
            f"{mode_names.get(p.slug, p.slug)} {format_number(p.part * 100, 0)} %"
            for p in hyp.repartition_modale
        ),
        "Tranches de distance (aller) : "
        + ", ".join(
            f"{b.libelle} : {format_number(b.distance_km, 1)} km, {format_number(b.part * 100, 0)} %"
            for b in hyp.tranches_distance
        ),
    ]
    hypotheses += [f"{_assumption_label(k)} : {v}" for k, v in sorted(hyp.origines.items())]
    return tuple(figures), tuple(hypotheses)


def _few_sales(figures: tuple[Figure, ...], by_id: dict[str, IndicatorValue]) -> tuple[Figure, ...]:
    """The apartment price says "donnée non disponible" (and why) under the declared number of
    sales, instead of an unexplained empty value."""
    sales = by_id.get("nb_ventes_appartements_2022_2024")
    count = sales.value if sales is not None else None
    if not isinstance(count, float) or count >= MIN_SALES:
        return figures
    note = (
        f"{format_number(count, 0)} {plural(count, 'vente')} d'appartements de 2022 à 2024 : en dessous de "
        f"{MIN_SALES} ventes, la médiane n'est pas publiée par ce diagnostic."
    )
    return tuple(
        f.model_copy(update={"texte": NOT_AVAILABLE, "disponible": False, "note": note})
        if f.id == "prix_m2_appartements_2022_2024" and f.valeur is None
        else f
        for f in figures
    )


def _no_missing_network(
    figures: tuple[Figure, ...], by_id: dict[str, IndicatorValue]
) -> tuple[Figure, ...]:
    """Where the OpenStreetMap stations are loaded and show no network absent from the
    timetables near the territory, the two indicators say "aucun" instead of an empty value
    (the timetables then cover every train of the territory)."""
    networks = by_id.get("reseaux_hors_horaires")
    if networks is None or networks.value is not None:
        return figures
    if not any(src.id == "osm_gares" and src.loaded for src in networks.sources):
        return figures
    texts = {
        "reseaux_hors_horaires": "aucun (ni RER, ni Transilien, ni Intercités, ni train corse)",
        "gares_hors_horaires": "aucune",
    }
    return tuple(
        f.model_copy(update={"texte": texts[f.id], "disponible": True})
        if f.id in texts and f.valeur is None
        else f
        for f in figures
    )


def build_report(
    con: duckdb.DuckDBPyConnection,
    entry: Entry,
    *,
    day: date,
    map_indicator: str | None = None,
    measures: Sequence[MesureLocale] = (),
) -> DiagnosticReport:
    """The full report of ``entry`` from a derived warehouse connection (indicators computed).

    ``measures``: values measured by the territory's reference survey campaign; each is shown
    before the national estimate, in the summary and side by side with it (``comparaisons``);
    only those that meet the rule (``MesureLocale.remplace``) replace it in the CO2 scenario.
    """
    level = entry.kind
    card = card_for(con, entry)
    values = read_indicators(con, level, entry.code)
    by_id = {v.id: v for v in values}
    cat = load_indicator_catalogue()
    peers = _peers(con, level, entry.code, entry.nom, by_id)
    themes = []
    for theme in sorted(cat.themes, key=lambda t: t.order):
        region = card.region.code if card.region else None
        figures = tuple(
            _figure(v, level=level, region=region) for v in values if v.theme == theme.id
        )
        if theme.id == "teletravail" and measures:
            figures = _with_measures(figures, measures)
        if theme.id == "marche_logement":
            figures = _few_sales(figures, by_id)
        if theme.id == "ferroviaire":
            figures = _no_missing_network(figures, by_id)
        if not figures:
            continue
        chart_id = THEME_CHARTS.get(theme.id)
        chart = (
            _chart(con, level, entry.code, entry.nom, peers, by_id[chart_id])
            if chart_id in by_id
            else None
        )
        themes.append(Theme(id=theme.id, titre=theme.label, figures=figures, graphique_svg=chart))
    try:
        profile = commute_profile(con, entry.kind, entry.code, entry.nom)
    except WarehouseError:
        profile = None
    impact, hypotheses = _impact(con, entry, measures, profile)
    used = sorted(
        {s.id for v in values for s in v.sources}
        | {s.id for s in card.sources}
        | {"gtfs_ter", "gtfs_longue_distance", "contours", "impactco2", "reference"}
    )
    report = DiagnosticReport(
        genere_le=datetime.now(UTC).replace(microsecond=0),
        jour_reference=day,
        territoire=card,
        resume=_summary(by_id, entry.nom, card.region.code if card.region else None, measures),
        themes=tuple(themes),
        desserte=_desserte(con, entry, day),
        carte=_map(con, entry, map_indicator or DEFAULT_MAP_INDICATOR),
        pairs=peers,
        impact=impact,
        hypotheses_impact=hypotheses,
        sources=source_refs(con, used),
        mesures_locales=tuple(measures),
        comparaisons=comparisons(measures, by_id),
    )
    synthesis = build_synthesis(con, entry, day, by_id, report)
    graphs = build_graphs(con, entry, by_id, report, profile=profile, day=day)
    return report.model_copy(
        update={"synthese": synthesis.model_copy(update={"graphiques": graphs})}
    )
