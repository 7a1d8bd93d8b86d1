"""The synthesis that opens a diagnostic: a few headline tiles, what they mean, the data gaps.

:func:`build_synthesis` reads only what the report already computed (indicator values of the
territory, its comparable territories, the CO2 scenario, the local survey measures) plus the
comparable territories' values of the tiles' indicators, their medians over the département and
over France (:func:`area_medians`) and the attractiveness rank, and returns a :class:`Synthesis`:

- six tiles (``Tuile``): telework rate (estimated, or measured by the local survey with its
  interval when the measure replaces the estimate), rail access to the métropole, commuting
  distance with the CO2 avoided a year, attractiveness score with its rank, population trend,
  housing pressure. Each has its value as displayed (« donnée non disponible » when the data
  cannot say, never 0), its nature, a comparison (medians of the comparable territories, of the
  territories of the same level in its département and in metropolitan France — France with the
  DOM for a territory of a DOM —, each part omitted when it has no value), its sources with their
  vintage and the anchor of its detail section (``t-<theme>``);
- three to five sentences generated from the figures (``phrases``);
- the data gaps (``lacunes``): per theme, the indicators without a value and which file or survey
  would provide them; ``complet`` marks the themes without any value (they collapse into one
  « données manquantes » note).
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal

import duckdb

from teletravail.diagnostic.catalogue import LEVEL_KEYS, LEVEL_TABLES, load_indicator_catalogue
from teletravail.diagnostic.reading import NOT_AVAILABLE, IndicatorValue, format_number
from teletravail.reports.measures import interval_text, survey_source, value_text
from teletravail.reports.model import DiagnosticReport, Lacune, Synthesis, Tuile
from teletravail.territory.lookup import Entry

#: Tiles' indicators compared with the comparable territories, the département and France
#: (medians of their values).
PEER_INDICATORS = (
    "taux_teletravail_estime",
    "duree_min_metropole",
    "distance_navette_moyenne_km",
    "score_attractivite",
    "evolution_population_2018_2021",
    "evolution_population_2021_2023",
    "prix_m2_appartements_2022_2024",
)
#: Zones of the ABC zoning where the housing market is tight (« zones tendues »).
TIGHT_ZONES = ("Abis", "A", "B1")
#: Where the attractiveness score comes from, cited on its tile (the score has 13 sources).
SCORE_SOURCE = (
    "note du projet sur les quatre critères du Sénat (rapport n°89, 2021-2022) ; "
    "données 2018 à 2025 (voir la section)"
)
SURVEY_GAP = (
    "enquête locale de télétravail (campagne de référence du territoire, module « Enquêtes ») : "
    "elle mesurerait le taux de télétravail et les jours télétravaillés, aujourd'hui estimés "
    "à partir de taux nationaux"
)
_CLOSE = 0.05  # relative gap under which a value is « proche » of the peers' median
#: « de » before a département's name after its COG ``type_liaison`` (TNCC).
_OF = {0: "de ", 1: "d'", 2: "du ", 3: "de la ", 4: "des ", 5: "de l'"}
_LEVEL_NOUNS = {"commune": "communes", "epci": "EPCI"}
#: Territories of each level with their département and zone (metro, drom, com). An EPCI's
#: département is the one holding most of its members' population (as on the territory card;
#: ties: smallest code), its zone that of those members.
_AREAS_SQL = {
    "commune": "SELECT code, departement, zone FROM communes",
    "epci": """
        SELECT code, first(departement ORDER BY pop DESC NULLS LAST, departement) AS departement,
               first(zone ORDER BY pop DESC NULLS LAST, departement) AS zone
        FROM (SELECT m.epci_siren AS code, c.departement, any_value(c.zone) AS zone,
                     sum(c.population) AS pop
              FROM epci_membres m JOIN communes c ON c.code = m.commune_code
              GROUP BY m.epci_siren, c.departement)
        GROUP BY code""",
}


@dataclass(frozen=True)
class AreaMedians:
    """Medians of the tile indicators over the territories of the territory's level in one area.

    ``label``: the territories, as written after « des » (« EPCI d'Ille-et-Vilaine », « communes
    de France métropolitaine »); ``medians``: indicator id -> median of the non-empty values, in
    the indicator's unit (absent when no territory of the area has a value, or in a département
    only the territory itself). ``kind``: ``departement`` or ``france``."""

    kind: Literal["departement", "france"]
    label: str
    medians: Mapping[str, float]


@dataclass(frozen=True)
class Benchmarks:
    """What the tiles compare with: the comparable territories' values per indicator (``peers``)
    and the medians of the territory's département then of France (``areas``, each absent when
    unknown)."""

    peers: Mapping[str, list[float]] = field(default_factory=dict)
    areas: tuple[AreaMedians, ...] = ()

    def france(self) -> AreaMedians | None:
        """The France medians, None when absent."""
        return next((a for a in self.areas if a.kind == "france"), None)


def _ok(by_id: Mapping[str, IndicatorValue], ind: str) -> IndicatorValue | None:
    v = by_id.get(ind)
    return v if v is not None and v.status == "disponible" and v.value is not None else None


def _number(v: IndicatorValue | None) -> float | None:
    return float(v.value) if v is not None and isinstance(v.value, int | float) else None


def _signed(v: IndicatorValue) -> str:
    """A change in % with its sign (« +1,2 % », « −0,4 % »)."""
    return ("+" if isinstance(v.value, float) and v.value > 0 else "") + v.text


def sources_text(*values: IndicatorValue | None) -> str:
    """Short citations with their vintage of the loaded sources of ``values``, without repeats."""
    seen: dict[str, None] = {}
    for v in values:
        for s in v.sources if v is not None else ():
            # the project's table of published figures is cited in each detail, not on a tile
            if s.loaded and s.citation and s.id != "reference":
                seen.setdefault(s.citation, None)
    return " ; ".join(seen) or "source non chargée"


def _peer_values(
    con: duckdb.DuckDBPyConnection, level: str, report: DiagnosticReport
) -> dict[str, list[float]]:
    """Per tile indicator, the values of the comparable territories (report's peer table)."""
    codes = [r.code for r in (report.pairs.lignes if report.pairs else ()) if not r.est_territoire]
    if not codes:
        return {}
    table, key = LEVEL_TABLES[level], LEVEL_KEYS[level]
    present = {
        r[0]
        for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]
        ).fetchall()
    }
    columns = [c for c in PEER_INDICATORS if c in present]
    if not columns:
        return {}
    rows = con.execute(
        f"SELECT {', '.join(columns)} FROM {table} WHERE list_contains(?, {key})", [codes]
    ).fetchall()
    out: dict[str, list[float]] = {c: [] for c in columns}
    for row in rows:
        for c, value in zip(columns, row, strict=True):
            if isinstance(value, int | float):
                out[c].append(float(value))
    return out


def _median(
    peers: Mapping[str, list[float]], v: IndicatorValue | None, ind: str
) -> tuple[float, str] | None:
    """(median, its text in the indicator's unit) of the comparable territories' values."""
    values = peers.get(ind, [])
    if v is None or not values:
        return None
    median = statistics.median(values)
    return median, replace(v, value=median, status="disponible").text


def _as_text(v: IndicatorValue, value: float) -> str:
    """``value`` written in the unit of indicator value ``v``."""
    return replace(v, value=value, status="disponible").text


def _departement_label(
    level: str, code: str | None, nom: str | None, link: int | None
) -> str | None:
    """« EPCI d'Ille-et-Vilaine », « communes du Nord »… (the département's name with its « de »
    after the COG ``type_liaison``; « du département <nom> » without it)."""
    if code is None:
        return None
    noun = _LEVEL_NOUNS[level]
    if nom is None:
        return f"{noun} du département {code}"
    if link not in _OF:
        return f"{noun} du département {nom}"
    return f"{noun} {_OF[link]}{nom}"


def area_medians(con: duckdb.DuckDBPyConnection, level: str, code: str) -> tuple[AreaMedians, ...]:
    """Medians of the tiles' indicators (``PEER_INDICATORS``) over the territories of ``level``
    (``commune`` or ``epci``) in the département of territory ``code`` (at least two values: never
    the territory alone), then over metropolitan France, or metropolitan France and the DOM for a
    territory outside metropolitan France (zone ``drom`` or ``com`` of ``communes``; the COM are
    never in the France set). Read from
    ``indicateurs_commune`` / ``indicateurs_epci``, ``communes`` (``departement``, ``zone``),
    ``epci_membres`` and ``departements`` (name and ``type_liaison``, optional), in one query.
    Empty when the territory is unknown."""
    table, key = LEVEL_TABLES[level], LEVEL_KEYS[level]
    present = con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() "
        "WHERE table_name IN (?, 'departements')",
        [table],
    ).fetchall()
    columns = [c for c in PEER_INDICATORS if (table, c) in present]
    if not columns:
        return ()
    has = {c for t, c in present if t == "departements"}
    nom = "d.nom" if "nom" in has else "NULL"
    link = "d.type_liaison" if "type_liaison" in has else "NULL"
    joined = "LEFT JOIN departements d ON d.code = t.departement" if "nom" in has else ""
    france = "t.zone = 'metro' OR (me.zone <> 'metro' AND t.zone = 'drom')"
    aggregates = ",\n               ".join(
        f"median(i.{c}) FILTER (WHERE t.departement = me.departement), "
        f"count(i.{c}) FILTER (WHERE t.departement = me.departement), "
        f"median(i.{c}) FILTER (WHERE {france})"
        for c in columns
    )
    row = con.execute(
        f"""
        WITH terr AS ({_AREAS_SQL[level]}),
        me AS (SELECT t.departement, t.zone, {nom} AS nom, {link} AS link
               FROM terr t {joined} WHERE t.code = $code)
        SELECT any_value(me.departement), any_value(me.zone), any_value(me.nom),
               any_value(me.link),
               {aggregates}
        FROM {table} i JOIN terr t ON t.code = i.{key} CROSS JOIN me
        """,
        {"code": code},
    ).fetchone()
    if row is None or row[0] is None:
        return ()
    departement, zone, name, liaison = row[:4]
    values = row[4:]
    local = {
        c: float(values[3 * n])
        for n, c in enumerate(columns)
        if values[3 * n] is not None and values[3 * n + 1] >= 2
    }
    whole = {
        c: float(values[3 * n + 2]) for n, c in enumerate(columns) if values[3 * n + 2] is not None
    }
    out = []
    label = _departement_label(level, departement, name, liaison)
    if label and local:
        out.append(AreaMedians(kind="departement", label=label, medians=local))
    if whole:
        where = "France métropolitaine" if zone == "metro" else "France métropolitaine et des DOM"
        out.append(
            AreaMedians(kind="france", label=f"{_LEVEL_NOUNS[level]} de {where}", medians=whole)
        )
    return tuple(out)


def _peer_text(bench: Benchmarks, v: IndicatorValue | None, ind: str) -> str | None:
    """« médiane des 5 territoires comparables : 28,1 % ; des EPCI d'Ille-et-Vilaine : 25,3 % ;
    des EPCI de France métropolitaine : 24,0 % », each part omitted without value."""
    if v is None:
        return None
    parts = []
    values = bench.peers.get(ind, [])
    said = False  # « médiane » already written
    if len(values) > 1:
        parts.append(
            f"médiane des {len(values)} territoires comparables : "
            f"{_as_text(v, statistics.median(values))}"
        )
        said = True
    elif values:
        parts.append(f"territoire comparable : {_as_text(v, values[0])}")
    for area in bench.areas:
        if ind in area.medians:
            head = "des" if said else "médiane des"
            parts.append(f"{head} {area.label} : {_as_text(v, area.medians[ind])}")
            said = True
    return " ; ".join(parts) or None


def _position(value: float, median: float) -> Literal["au-dessus", "en dessous", "proche"]:
    if median == 0 or abs(value - median) <= abs(median) * _CLOSE:
        return "proche"
    return "au-dessus" if value > median else "en dessous"


def rank_population(con: duckdb.DuckDBPyConnection, entry: Entry) -> tuple[str, str] | None:
    """The territories the attractiveness rank of ``entry`` is computed among, as (SQL, their
    name): the SQL selects ``code``, ``score`` and ``population`` of the Action Cœur de Ville
    communes of metropolitan France for one of them (all of them, as in the ACV ranking, a score
    or not), of the communes or EPCIs of metropolitan France with a score otherwise. None for a
    commune outside metropolitan France or unknown."""
    if entry.kind == "commune":
        row = con.execute(
            "SELECT acv, zone = 'metro' FROM communes WHERE code = ?", [entry.code]
        ).fetchone()
        if row is None or not row[1]:
            return None
        acv = bool(row[0])
        sql = f"""SELECT c.code AS code, i.score_attractivite AS score, c.population AS population
                  FROM communes c LEFT JOIN indicateurs_commune i ON i.code = c.code
                  WHERE c.zone = 'metro' AND {"c.acv" if acv else "i.score_attractivite IS NOT NULL"}"""
        return sql, "communes Action Cœur de Ville" if acv else "communes de France métropolitaine"
    sql = """SELECT i.siren AS code, i.score_attractivite AS score, i.population_2023 AS population
             FROM indicateurs_epci i
             WHERE i.score_attractivite IS NOT NULL AND i.siren IN (
                 SELECT epci_siren FROM communes WHERE zone = 'metro' AND epci_siren IS NOT NULL)"""
    return sql, "EPCI de France métropolitaine"


def _rank(
    con: duckdb.DuckDBPyConnection, entry: Entry, score: float | None
) -> tuple[int, int, str] | None:
    """(rank, count, among what) of the territory's attractiveness score among
    :func:`rank_population` (the ACV ranking's order: score, territories without a score last,
    then population, then code). Ranked in the database (one row read)."""
    population = rank_population(con, entry) if score is not None else None
    if population is None:
        return None
    sql, among = population
    found = con.execute(
        f"""SELECT rang, nombre FROM (
                SELECT code, row_number() OVER (ORDER BY score DESC NULLS LAST,
                                                population DESC NULLS LAST, code) AS rang,
                       count(*) OVER () AS nombre
                FROM ({sql})) WHERE code = ?""",
        [entry.code],
    ).fetchone()
    return (int(found[0]), int(found[1]), among) if found else None


def _telework_tile(
    by_id: Mapping[str, IndicatorValue], report: DiagnosticReport, bench: Benchmarks
) -> Tuile:
    rate = by_id.get("taux_teletravail_estime")
    ok = _ok(by_id, "taux_teletravail_estime")
    measured = next(
        (
            m
            for m in report.mesures_locales
            if m.indicateur == "taux_teletravail_estime" and m.remplace
        ),
        None,
    )
    comparison = _peer_text(bench, ok, "taux_teletravail_estime")
    if measured is not None:
        estimate = f"estimation nationale : {ok.text}" if ok else None
        return Tuile(
            id="teletravail",
            libelle="Taux de télétravail des actifs (mesuré par enquête locale)",
            valeur=value_text(measured),
            detail=f"intervalle de confiance à 95 % : {interval_text(measured)}",
            nature="mesure",
            comparaison=" ; ".join(c for c in (estimate, comparison) if c) or None,
            source=survey_source(measured),
            ancre="t-teletravail",
        )
    people = _ok(by_id, "teletravailleurs_estimes")
    return Tuile(
        id="teletravail",
        libelle="Taux de télétravail estimé des actifs résidents",
        valeur=ok.text if ok else NOT_AVAILABLE,
        detail=f"soit environ {people.text}" if people else None,
        nature="estimation",
        disponible=ok is not None,
        comparaison=comparison,
        source=sources_text(rate),
        ancre="t-teletravail",
    )


def _no_metropolis(by_id: Mapping[str, IndicatorValue]) -> bool:
    """The timetables are loaded, cover every train near the territory (no network absent from
    them, see ``reseaux_hors_horaires``) and reach no métropole in the day: the answer is
    « aucune », not a missing value."""
    duration = by_id.get("duree_min_metropole")
    networks = _ok(by_id, "reseaux_hors_horaires")
    return duration is not None and duration.status == "sans_valeur" and networks is None


def _rail_tile(by_id: Mapping[str, IndicatorValue], bench: Benchmarks) -> Tuile:
    duration, morning = _ok(by_id, "duree_min_metropole"), _ok(by_id, "allers_avant_9h")
    metropole = _ok(by_id, "metropole_plus_rapide")
    networks = _ok(by_id, "reseaux_hors_horaires")
    detail = []
    station = _ok(by_id, "gare_liaison_metropole")
    if metropole:
        detail.append(f"vers {metropole.text}" + (f" depuis {station.text}" if station else ""))
    if morning:
        detail.append(f"{morning.text} arrivant avant 9 h")
    if networks is not None:  # RER, Transilien, Intercités… near the territory
        detail.append(
            f"réseaux absents des horaires disponibles : {networks.text}"
            + (" (desserte sous-estimée)" if duration is not None else "")
        )
    none = duration is None and _no_metropolis(by_id)
    return Tuile(
        id="train",
        libelle="Train vers la métropole la plus rapide",
        valeur=duration.text
        if duration
        else "aucune métropole dans la journée"
        if none
        else NOT_AVAILABLE,
        detail=", ".join(detail) or None,
        nature="calcul",
        disponible=duration is not None or none,
        comparaison=_peer_text(bench, duration, "duree_min_metropole"),
        source=sources_text(by_id.get("duree_min_metropole")),
        ancre="t-ferroviaire",
    )


def _commuting_tile(
    by_id: Mapping[str, IndicatorValue], report: DiagnosticReport, bench: Benchmarks
) -> Tuile:
    distance = _ok(by_id, "distance_navette_moyenne_km")
    co2 = next((f for f in report.impact if f.id == "co2_net"), None)
    detail = (
        f"télétravail : {co2.texte} évitées (scénario, net des effets rebond)"
        if co2 is not None and co2.valeur is not None
        else f"CO2 évité par le télétravail : {NOT_AVAILABLE}"
    )
    sources = sources_text(by_id.get("distance_navette_moyenne_km"))
    if co2 is not None:
        sources += " ; " + " ; ".join(co2.sources)
    return Tuile(
        id="navettes",
        libelle="Distance domicile-travail moyenne (aller) et CO2 évité par an",
        valeur=distance.text if distance else NOT_AVAILABLE,
        detail=detail,
        nature="estimation",
        disponible=distance is not None,
        comparaison=_peer_text(bench, distance, "distance_navette_moyenne_km"),
        source=sources,
        ancre="t-mobilite",
    )


def _score_tile(
    con: duckdb.DuckDBPyConnection,
    entry: Entry,
    by_id: Mapping[str, IndicatorValue],
    bench: Benchmarks,
) -> Tuile:
    score = _ok(by_id, "score_attractivite")
    rank = _rank(con, entry, _number(score))
    return Tuile(
        id="attractivite",
        libelle="Note d'attractivité pour les télétravailleurs",
        valeur=score.text if score else NOT_AVAILABLE,
        detail=f"{rank[0]}{'er' if rank[0] == 1 else 'e'} sur {format_number(rank[1], 0)} {rank[2]}"
        if rank
        else None,
        nature="calcul",
        disponible=score is not None,
        comparaison=_peer_text(bench, score, "score_attractivite"),
        source=SCORE_SOURCE,
        ancre="t-attractivite",
    )


def _population_comparison(
    bench: Benchmarks, mid: IndicatorValue | None, late: IndicatorValue | None
) -> str | None:
    """The medians of both periods, one group after the other: « médianes de 2018 à 2021 puis de
    2021 à 2023 — territoires comparables : +1,3 % puis +0,9 % ; EPCI d'Ille-et-Vilaine : … ;
    EPCI de France métropolitaine : … ». Only the periods where the territory has a value; a
    group missing one of them names the period of the other; a group without value is omitted."""
    periods = [
        (v, ind, years)
        for v, ind, years in (
            (mid, "evolution_population_2018_2021", "2018 à 2021"),
            (late, "evolution_population_2021_2023", "2021 à 2023"),
        )
        if v is not None
    ]
    groups: list[tuple[str, Mapping[str, float]]] = [
        (
            "territoires comparables",
            {i: statistics.median(vals) for i, vals in bench.peers.items() if vals},
        ),
        *((a.label, a.medians) for a in bench.areas),
    ]
    lines = []
    for label, medians in groups:
        found = [
            (("+" if medians[ind] > 0 else "") + _as_text(v, medians[ind]), years)
            for v, ind, years in periods
            if ind in medians
        ]
        if not found:
            continue
        if len(found) == len(periods):
            lines.append(f"{label} : " + " puis ".join(text for text, _ in found))
        else:
            lines.append(f"{label} : " + ", ".join(f"{t} de {y}" for t, y in found))
    if not lines:
        return None
    head = "médianes " + " puis ".join(f"de {years}" for _, _, years in periods)
    return f"{head} — " + " ; ".join(lines)


def _population_tile(by_id: Mapping[str, IndicatorValue], bench: Benchmarks) -> Tuile:
    mid, late = (
        _ok(by_id, "evolution_population_2018_2021"),
        _ok(by_id, "evolution_population_2021_2023"),
    )
    pop = _ok(by_id, "population_2023")
    parts = [f"{_signed(v)} de {y}" for v, y in ((mid, "2018 à 2021"), (late, "2021 à 2023")) if v]
    return Tuile(
        id="population",
        libelle="Évolution de la population",
        valeur=parts[0] if parts else NOT_AVAILABLE,
        detail=", ".join([*parts[1:], *([f"{pop.text} en 2023"] if pop else [])]) or None,
        nature="calcul",
        disponible=bool(parts),
        comparaison=_population_comparison(bench, mid, late),
        source=sources_text(
            by_id.get("evolution_population_2018_2021"), by_id.get("evolution_population_2021_2023")
        ),
        ancre="t-evolution",
    )


def _housing_tile(by_id: Mapping[str, IndicatorValue], bench: Benchmarks) -> Tuile:
    price, zone = _ok(by_id, "prix_m2_appartements_2022_2024"), _ok(by_id, "zone_abc")
    share = _ok(by_id, "part_population_zone_tendue")
    detail = None
    if zone:
        tight = str(zone.value) in TIGHT_ZONES
        detail = f"zone {zone.text} du zonage ABC (marché {'tendu' if tight else 'détendu'})"
        part = _number(share)
        # the share says more than the zone only where the territory mixes zones
        if share is not None and part is not None and 0 < part < 100:
            detail += f", {share.text} de la population en zone tendue (Abis, A, B1)"
    return Tuile(
        id="logement",
        libelle="Prix médian des appartements (ventes 2022-2024)",
        valeur=price.text if price else NOT_AVAILABLE,
        detail=detail,
        nature="mesure",
        disponible=price is not None,
        comparaison=_peer_text(bench, price, "prix_m2_appartements_2022_2024"),
        source=sources_text(by_id.get("prix_m2_appartements_2022_2024"), by_id.get("zone_abc")),
        ancre="t-marche_logement",
    )


def _france_clause(bench: Benchmarks, v: IndicatorValue, ind: str, lead: str) -> str:
    """`` et au-dessus de la médiane des EPCI de France métropolitaine (24,0 %)`` (``lead``:
    « et » after a comparison with the peers, « , » without), empty without the France median."""
    france = bench.france()
    if france is None or ind not in france.medians or not isinstance(v.value, int | float):
        return ""
    median = france.medians[ind]
    where = _position(float(v.value), median)
    return f"{lead} {where} de la médiane des {france.label} ({_as_text(v, median)})"


def _sentences(
    nom: str,
    by_id: Mapping[str, IndicatorValue],
    report: DiagnosticReport,
    bench: Benchmarks,
) -> tuple[str, ...]:
    """Three to five sentences on what the figures mean for the territory (compared with the
    comparable territories' medians, and with the France median where it says more)."""
    peers = bench.peers
    out: list[str] = []
    rate = _ok(by_id, "taux_teletravail_estime")
    measured = next(
        (m for m in report.mesures_locales if m.indicateur == "taux_teletravail_estime"), None
    )
    if measured is not None and measured.remplace:
        out.append(
            f"L'enquête locale mesure {value_text(measured)} d'actifs qui télétravaillent "
            f"(intervalle à 95 % : {interval_text(measured)})"
            + (f", pour une estimation nationale de {rate.text}." if rate else ".")
        )
    elif rate is not None:
        m = _median(peers, rate, "taux_teletravail_estime")
        text = f"Le potentiel de télétravail de {nom} est estimé à {rate.text} des actifs"
        if m is not None:
            where = _position(float(rate.value), m[0])  # type: ignore[arg-type]
            text += f", {where} de la médiane de ses territoires comparables ({m[1]})"
        text += _france_clause(bench, rate, "taux_teletravail_estime", " et" if m else ",")
        out.append(text + " ; une enquête locale le mesurerait avec son intervalle de confiance.")
    duration, morning = _ok(by_id, "duree_min_metropole"), _ok(by_id, "allers_avant_9h")
    metropole = _ok(by_id, "metropole_plus_rapide")
    minutes, trains = _number(duration), _number(morning)
    if duration is not None and minutes is not None:
        station = _ok(by_id, "gare_liaison_metropole")
        name = f" ({metropole.text})" if metropole else ""
        if station is not None:
            name = f"{name[:-1]}, depuis la gare de {station.text})" if name else name
        count = f", avec {morning.text} arrivant avant 9 h" if morning else ""
        text = (
            f"La métropole la plus rapide à rejoindre en train{name} est à {duration.text}{count}"
        )
        if minutes <= 60 and (trains or 0) >= 3:
            text += " : des allers-retours dans la journée sont réalistes pour des actifs qui "
            text += "n'y vont que quelques jours par semaine."
        elif minutes <= 120 and (trains or 0) >= 1:
            text += " : l'aller-retour est possible mais long ou peu fréquent, le télétravail y "
            text += "évite surtout des trajets coûteux en temps."
        else:
            text += " : le train ne permet guère d'aller-retour quotidien vers la métropole."
        networks = _ok(by_id, "reseaux_hors_horaires")
        if networks is not None:
            text += (
                f" Les trains {networks.text}, absents des horaires disponibles, n'y sont pas "
                "comptés : la desserte est sous-estimée."
            )
        out.append(text)
    elif _no_metropolis(by_id):
        out.append(
            "Aucune métropole n'est atteignable en train dans la journée d'après les horaires "
            "disponibles : le télétravail ne peut pas s'appuyer sur le train pour les jours au bureau."
        )
    distance = _ok(by_id, "distance_navette_moyenne_km")
    co2 = next((f for f in report.impact if f.id == "co2_net" and f.valeur is not None), None)
    if distance is not None:
        text = f"Les actifs résidents font en moyenne {distance.text} pour aller travailler"
        m = _median(peers, distance, "distance_navette_moyenne_km")
        france = bench.france()
        around = [f"territoires comparables : {m[1]}"] if m is not None else []
        if france is not None and "distance_navette_moyenne_km" in france.medians:
            median = france.medians["distance_navette_moyenne_km"]
            around.append(f"médiane des {france.label} : {_as_text(distance, median)}")
        if around:
            text += f" ({' ; '.join(around)})"
        if co2 is not None:
            text += f" ; le télétravail y éviterait environ {co2.texte}, net des effets rebond"
        out.append(text + ".")
    price, zone = _ok(by_id, "prix_m2_appartements_2022_2024"), _ok(by_id, "zone_abc")
    if price is not None or zone is not None:
        parts = []
        if price is not None:
            text = f"les appartements se vendent {price.text} (médiane 2022-2024)"
            m = _median(peers, price, "prix_m2_appartements_2022_2024")
            if m is not None:
                text += f", {_position(float(price.value), m[0])} des territoires comparables "  # type: ignore[arg-type]
                text += f"({m[1]})"
            text += _france_clause(
                bench, price, "prix_m2_appartements_2022_2024", " et" if m else ","
            )
            parts.append(text)
        if zone is not None:
            tight = str(zone.value) in TIGHT_ZONES
            share = _ok(by_id, "part_population_zone_tendue")
            if tight:
                text = (
                    f"la zone {zone.text} classe le marché comme tendu : l'accueil de "
                    "télétravailleurs y pèserait sur les prix"
                )
            elif share is not None and _number(share):
                text = (
                    f"la zone {zone.text} classe l'essentiel du territoire en marché détendu, "
                    f"mais {share.text} de ses habitants "
                    "vivent en zone tendue, où l'accueil de télétravailleurs pèserait sur les prix"
                )
            else:
                text = (
                    f"la zone {zone.text} classe le marché comme détendu : il peut accueillir "
                    "de nouveaux actifs"
                )
            parts.append(text)
        sentence = "Logement : " + " ; ".join(parts) + "."
        out.append(sentence)
    mid, late = (
        _ok(by_id, "evolution_population_2018_2021"),
        _ok(by_id, "evolution_population_2021_2023"),
    )
    if len(out) < 5 and (mid is not None or late is not None):
        changes = [
            f"{_signed(v)} de {y}" for v, y in ((mid, "2018 à 2021"), (late, "2021 à 2023")) if v
        ]
        out.append("Population : " + ", puis ".join(changes) + ".")
    return tuple(out[:5])


def _gaps(values: Sequence[IndicatorValue], theme_titles: Mapping[str, str]) -> tuple[Lacune, ...]:
    """Per theme, the indicators without a value and what would provide them."""
    by_theme: dict[str, list[IndicatorValue]] = {}
    for v in values:
        by_theme.setdefault(v.theme, []).append(v)
    out = []
    for theme, items in by_theme.items():
        missing = [v for v in items if v.status != "disponible"]
        if not missing:
            continue
        files = dict.fromkeys(f for v in missing for f in v.missing_files)
        unloaded = [v for v in missing if v.status == "non_disponible"]
        if files:
            sources = dict.fromkeys(
                s.citation for v in unloaded for s in v.sources if not s.loaded and s.citation
            )
            remedy = (
                f"source à ajouter par l'administrateur de l'application : déposer "
                f"{', '.join(files)} ({', '.join(sources)}) dans le dossier des données "
                "ouvertes, puis reconstruire l'entrepôt de données"
            )
        elif len(missing) == len(items):
            remedy = (
                "les sources sont chargées mais ne publient aucune valeur pour ce territoire "
                "(secret statistique, commune absente de la source ou sans objet)"
            )
        else:
            continue  # a few empty values in a theme that has data: shown in the theme itself
        out.append(
            Lacune(
                theme=theme,
                titre=theme_titles.get(theme, theme),
                indicateurs=tuple(v.label for v in missing),
                complet=len(missing) == len(items),
                remede=remedy,
            )
        )
    return tuple(out)


def build_synthesis(
    con: duckdb.DuckDBPyConnection,
    entry: Entry,
    day: date | None,
    by_id: Mapping[str, IndicatorValue],
    report: DiagnosticReport,
) -> Synthesis:
    """The synthesis of ``report`` (see the module docstring).

    ``con``: the derived warehouse the report was built from (indicators computed); ``by_id``:
    the territory's indicator values by id (``read_indicators``); ``day``: the rail reference
    day (only cited). Reads the comparable territories' values, the département and France
    medians (:func:`area_medians`, one query) and the attractiveness ranks.
    """
    level = entry.kind
    bench = Benchmarks(
        peers=_peer_values(con, level, report), areas=area_medians(con, level, entry.code)
    )
    tiles: tuple[Tuile, ...] = (
        _telework_tile(by_id, report, bench),
        _rail_tile(by_id, bench),
        _commuting_tile(by_id, report, bench),
        _score_tile(con, entry, by_id, bench),
        _population_tile(by_id, bench),
        _housing_tile(by_id, bench),
    )
    if day is not None:
        tiles = tuple(
            t.model_copy(update={"source": f"{t.source} ; horaires du {day:%d/%m/%Y}"})
            if t.id == "train"
            else t
            for t in tiles
        )
    titles = {t.id: t.label for t in load_indicator_catalogue().themes}
    gaps = list(_gaps(list(by_id.values()), titles))
    measured = any(m.remplace for m in report.mesures_locales)
    if not measured:
        gaps.append(
            Lacune(
                theme="teletravail",
                titre=titles.get("teletravail", "Télétravail"),
                indicateurs=("Taux de télétravail et jours télétravaillés mesurés",),
                complet=False,
                remede=SURVEY_GAP,
            )
        )
    return Synthesis(
        tuiles=tiles,
        phrases=_sentences(entry.nom, by_id, report, bench),
        lacunes=tuple(gaps),
    )
