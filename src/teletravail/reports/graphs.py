"""The charts of the synthesis: what people would rather look at than read.

:func:`build_graphs` returns, in this order and only where the data can say something:

- ``pairs``: the attractiveness score (0–100) of the territory and of its comparable
  territories (the report's peer table), with the median of the territories it is ranked among
  (Action Cœur de Ville communes, communes or EPCIs of metropolitan France) as a dashed line;
- ``evolution``: population (2013, 2018, 2021, 2023) and jobs at the place of work (2013, 2018)
  as an index, base 100 in 2013, with the département's population (2013, 2018); missing years
  are skipped, never drawn at 0;
- ``navettes``: the employed residents' share (%) in each one-way commuting distance band (the
  bands of the CO2 scenario), measured (MOBPRO) or estimated (gravity model). Bands beyond the
  model's reach (``cutoff_km`` of ``navettes/parametres.toml``) are « n.d. » for an estimate: the
  model does not place anyone there, which is not the same as nobody going there;
- ``journee``: train and coach departures per hour of the day from the territory's busiest
  station (most train departures on the reference day).

Each chart comes with its figures as a table (the accessible alternative), its nature and its
sources.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from datetime import date

import duckdb

from teletravail.diagnostic.catalogue import LEVEL_KEYS, LEVEL_TABLES
from teletravail.diagnostic.reading import IndicatorValue
from teletravail.errors import WarehouseError
from teletravail.format_fr import format_number, plural
from teletravail.navettes.estimate import load_parameters
from teletravail.navettes.profile import SCENARIO_BANDS, CommuteProfile
from teletravail.opendata.catalogue import get_source
from teletravail.rail.stations import station_departures_by_hour
from teletravail.reports import svgchart
from teletravail.reports.model import DiagnosticReport, Graphique
from teletravail.reports.svgchart import Series
from teletravail.reports.synthesis import SCORE_SOURCE, rank_population
from teletravail.reports.synthesis import sources_text as sources_of
from teletravail.territory.lookup import Entry

ND = "n.d."
TIMETABLES = ("gtfs_ter", "gtfs_longue_distance")  # the sources of the departures
POPULATION_YEARS = (
    (2013, "population_2013"),
    (2018, "population_2018"),
    (2021, "population_2021"),
    (2023, "population_2023"),
)
JOB_YEARS = ((2013, "emplois_2013"), (2018, "emplois_2018"))


def _number(by_id: Mapping[str, IndicatorValue], ind: str) -> float | None:
    v = by_id.get(ind)
    if v is None or v.status != "disponible" or not isinstance(v.value, int | float):
        return None
    return float(v.value)


def _score_population(
    con: duckdb.DuckDBPyConnection, entry: Entry
) -> tuple[list[float], str] | None:
    """Scores of the territories the attractiveness rank is computed among, and their name."""
    population = rank_population(con, entry)
    if population is None:
        return None
    sql, among = population
    rows = con.execute(f"SELECT score FROM ({sql}) WHERE score IS NOT NULL").fetchall()
    values = [float(r[0]) for r in rows]
    return (values, among) if values else None


def _peer_graph(
    con: duckdb.DuckDBPyConnection,
    entry: Entry,
    by_id: Mapping[str, IndicatorValue],
    report: DiagnosticReport,
) -> Graphique | None:
    score = _number(by_id, "score_attractivite")
    peers = [r for r in (report.pairs.lignes if report.pairs else ()) if not r.est_territoire]
    if score is None or not peers:
        return None
    table, key = LEVEL_TABLES[entry.kind], LEVEL_KEYS[entry.kind]
    found = dict(
        con.execute(
            f"SELECT {key}, score_attractivite FROM {table} WHERE list_contains(?, {key})",
            [[p.code for p in peers]],
        ).fetchall()
    )
    labels = [entry.nom, *(p.nom for p in peers)]
    values: list[float | None] = [score]
    values += [
        float(v) if isinstance(v, int | float) else None
        for v in map(found.get, (p.code for p in peers))
    ]
    population = _score_population(con, entry)
    reference = None
    if population is not None:
        reference = (f"médiane des {population[1]}", statistics.median(population[0]))
    title = "Note d'attractivité pour les télétravailleurs : le territoire et ses comparables"
    svg = svgchart.bars(
        labels,
        values,
        title=title,
        unit="sur 100",
        decimals=0,
        highlight=0,
        reference=reference,
    )
    rows = [
        (lab, svgchart.value_label(v, "sur 100", 0)) for lab, v in zip(labels, values, strict=True)
    ]
    if reference is not None:
        rows.append((reference[0], svgchart.value_label(reference[1], "sur 100", 0)))
    return Graphique(
        id="pairs",
        titre=title,
        svg=svg,
        nature="calcul",
        source=SCORE_SOURCE,
        note=f"Territoires comparables : {report.pairs.regle}." if report.pairs else None,
        colonnes=("Territoire", "Note"),
        lignes=tuple(rows),
    )


def _evolution_graph(by_id: Mapping[str, IndicatorValue]) -> Graphique | None:
    pop = {year: _number(by_id, ind) for year, ind in POPULATION_YEARS}
    jobs = {year: _number(by_id, ind) for year, ind in JOB_YEARS}
    base_pop, base_jobs = pop.get(2013), jobs.get(2013)
    known_pop = [y for y, v in pop.items() if v is not None]
    if base_pop is None or len(known_pop) < 2:
        return None
    years = [y for y, _ in POPULATION_YEARS]

    def index(values: Mapping[int, float | None], base: float | None) -> list[float | None]:
        return [
            None if base is None or values.get(y) is None else 100 * values[y] / base  # type: ignore[operator]
            for y in years
        ]

    series = [Series("Population", index(pop, base_pop))]
    if base_jobs is not None and jobs.get(2018) is not None:
        series.append(Series("Emplois au lieu de travail", index(jobs, base_jobs)))
    dept = _number(by_id, "evolution_population_departement_2013_2018")
    if dept is not None:
        series.append(Series("Population du département", [100.0, 100.0 + dept, None, None]))
    title = "Population et emplois : indice base 100 en 2013"
    svg = svgchart.lines(
        years,
        series,
        title=title,
        unit="indice (pointillés : 100 = 2013)",
        decimals=1,
        reference=("", 100.0),
    )
    columns = ("Année", "Population", "Emplois au lieu de travail")
    rows = tuple(
        (
            str(y),
            format_number(pop[y], 0) if pop.get(y) is not None else ND,  # type: ignore[arg-type]
            format_number(jobs[y], 0) if jobs.get(y) is not None else ND,  # type: ignore[arg-type]
        )
        for y in years
    )
    note = (
        "Population : recensements 2013, 2018 et 2021, population municipale 2023 (COG 2026) ; "
        "emplois au lieu de travail : recensements 2013 et 2018 (pas de valeur plus récente "
        "chargée)."
    )
    if dept is not None:
        note += f" Population du département de 2013 à 2018 : {format_number(dept, 1)} %."
    return Graphique(
        id="evolution",
        titre=title,
        svg=svg,
        nature="calcul",
        source=sources_of(
            *(by_id.get(i) for _, i in POPULATION_YEARS), *(by_id.get(i) for _, i in JOB_YEARS)
        ),
        note=note,
        colonnes=columns,
        lignes=rows,
    )


def _commuting_graph(
    profile: CommuteProfile | None, by_id: Mapping[str, IndicatorValue]
) -> Graphique | None:
    if profile is None:
        return None
    estimated = profile.statut == "estimation"
    params = load_parameters()
    reach = max(params.cutoff_km, params.hub_radius_km)
    labels: list[str] = []
    values: list[float | None] = []
    # the profile's bands are SCENARIO_BANDS, in that order
    for band, (_, low, high) in zip(profile.tranches, SCENARIO_BANDS, strict=True):
        if estimated and low >= reach:
            labels.append(band.libelle)
            values.append(None)
        elif estimated and high > reach:
            labels.append(f"{band.libelle} (≤ {format_number(reach, 0)} km)")
            values.append(100 * band.part)
        else:
            labels.append(band.libelle)
            values.append(100 * band.part)
    title = "Actifs résidents selon la distance domicile-travail (aller, à vol d'oiseau)"
    note = (
        f"Flux estimés par un {profile.methode} ({profile.reference}) : il ne place aucune "
        f"navette au-delà de {format_number(reach, 0)} km, ces trajets ne sont pas estimés (n.d.)."
        if estimated
        else f"Flux mesurés : {profile.methode}."
    )
    svg = svgchart.bars(labels, values, title=title, unit="%", decimals=0)
    return Graphique(
        id="navettes",
        titre=title,
        svg=svg,
        nature="estimation" if estimated else "mesure",
        source=sources_of(by_id.get("distance_navette_moyenne_km")),
        note=note,
        colonnes=("Distance", "Part des actifs résidents"),
        lignes=tuple(
            (lab, svgchart.value_label(v, "%", 0)) for lab, v in zip(labels, values, strict=True)
        ),
    )


def _rail_day_graph(
    con: duckdb.DuckDBPyConnection,
    by_id: Mapping[str, IndicatorValue],
    report: DiagnosticReport,
    day: date | None,
) -> Graphique | None:
    served = [s for s in report.desserte if (s.departs_train or 0) + (s.departs_car or 0) > 0]
    if not served:
        return None
    station = min(served, key=lambda s: (-(s.departs_train or 0), -(s.departs_car or 0), s.uic))
    try:
        hours = station_departures_by_hour(con, station.uic, day=day)
    except WarehouseError:
        return None
    if not hours:
        return None
    labels = [f"{h.heure} h" for h in hours]
    trains = [float(h.train) for h in hours]
    coaches = [float(h.car) for h in hours]
    series = [Series("Trains", trains, svgchart.PALETTE[0])]
    if any(coaches):
        series.append(Series("Cars", coaches, svgchart.PALETTE[1]))
    when = f" le {day:%d/%m/%Y}" if day else ""
    title = f"Départs de la gare de {station.nom} heure par heure{when}"
    svg = svgchart.columns(
        labels, series, title=title, unit="départs", label_every=2 if len(hours) > 12 else 1
    )
    total_train, total_car = sum(h.train for h in hours), sum(h.car for h in hours)
    coach_text = (
        f"{format_number(total_car, 0)} {plural(total_car, 'départ')} de car"
        if total_car
        else "aucun départ de car"
    )
    note = (
        f"{format_number(total_train, 0)} {plural(total_train, 'départ')} de train et "
        f"{coach_text} dans la journée, depuis la gare du territoire qui a le plus de départs de "
        "train ; heures de service (24 h et plus : après minuit)."
    )
    networks = by_id.get("reseaux_hors_horaires")
    if networks is not None and networks.status == "disponible" and networks.value is not None:
        # RER, Transilien, Intercités… near the territory: their trains are not in the feeds
        note += (
            f" Les trains {networks.text}, absents des horaires disponibles, ne sont pas comptés : "
            "la desserte réelle est plus forte."
        )
    return Graphique(
        id="journee",
        titre=title,
        svg=svg,
        nature="calcul",
        source=" ; ".join(get_source(s).citation for s in TIMETABLES)
        + (f" ; horaires du {day:%d/%m/%Y}" if day else ""),
        note=note,
        colonnes=("Heure", "Trains", "Cars"),
        lignes=tuple((f"{h.heure} h", str(h.train), str(h.car)) for h in hours),
    )


def build_graphs(
    con: duckdb.DuckDBPyConnection,
    entry: Entry,
    by_id: Mapping[str, IndicatorValue],
    report: DiagnosticReport,
    *,
    profile: CommuteProfile | None,
    day: date | None = None,
) -> tuple[Graphique, ...]:
    """The synthesis charts of ``report`` (see the module docstring); ``profile``: the
    territory's commuting profile (None: no flow, the chart is left out)."""
    graphs: Sequence[Graphique | None] = (
        _peer_graph(con, entry, by_id, report),
        _evolution_graph(by_id),
        _commuting_graph(profile, by_id),
        _rail_day_graph(con, by_id, report, day),
    )
    return tuple(g for g in graphs if g is not None)
