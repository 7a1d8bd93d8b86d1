"""Ranking of the main station of every Action Cœur de Ville commune against the portrait-robot.

The main station of a commune follows the diagnostic's rule (``diagnostic/rail.py``): among the
stations serving it (on the commune, or within ``rayon_km`` of its centre: ``rail/service.toml``),
the one with the most train departures on the reference day, then the most coach departures, then
the most passengers in 2023, then the smaller UIC. A commune whose stations have no departure that
day in the timetables (networks absent from the feeds, lines closed) keeps its busiest station by
passengers, said in the row; a commune with no station serving it is listed last, unranked.

Each main station is assessed on the data-backed features of the profile (the field observations
are not known here): the rank follows the mean of the known feature levels (0 to 3), then the
train departures, then the commune's code. Columns: rang, code, commune, departement, gare, uic,
niveau_moyen (0-3), one level per theme (0-3, empty when no feature of the theme is known),
ecarts (features below « satisfaisant »), sans_donnee (data features without a value: the row is
incomplete when it is not 0), departs_train (a day), duree_metropole_min (minutes), remarque.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import duckdb

from teletravail.format_fr import plural
from teletravail.gares.assess import assess
from teletravail.gares.catalogue import load_portrait
from teletravail.gares.features import StationFeatures, station_features
from teletravail.rail.proximity import commune_stations_sql
from teletravail.reports.tables import Cell, Column

_MAIN = f"""
WITH served AS ({commune_stations_sql()}),
candidates AS (
    SELECT c.code, s.uic, st.nom, coalesce(g.departs_train, 0) AS dt,
           coalesce(g.departs_car, 0) AS dc, st.voyageurs_2023 AS v, g.uic IS NOT NULL AS listed
    FROM communes c
    JOIN served s ON s.commune_code = c.code
    JOIN stations st ON st.uic = s.uic
    LEFT JOIN desserte_gares g ON g.uic = s.uic
    WHERE c.acv
)
SELECT c.code, c.nom, c.departement_nom,
       first(k.uic ORDER BY k.dt + k.dc > 0 DESC, k.dt DESC, k.dc DESC, k.v DESC NULLS LAST, k.uic),
       first(k.nom ORDER BY k.dt + k.dc > 0 DESC, k.dt DESC, k.dc DESC, k.v DESC NULLS LAST, k.uic),
       bool_or(k.dt + k.dc > 0)
FROM communes c LEFT JOIN candidates k ON k.code = c.code
WHERE c.acv
GROUP BY c.code, c.nom, c.departement_nom
ORDER BY c.code
"""


def acv_main_stations(con: duckdb.DuckDBPyConnection) -> list[str]:
    """UICs of the main stations of the ACV communes (one per commune served, see the module
    docstring), in commune code order, without repeats."""
    return list(dict.fromkeys(str(r[3]) for r in con.execute(_MAIN).fetchall() if r[3]))


#: Percentiles are given only among at least this many stations with a value.
MIN_PEERS = 10


def acv_peer_rows(
    con: duckdb.DuckDBPyConnection, features: Sequence[StationFeatures] | None = None
) -> list[dict[str, object]]:
    """The fields (``StationFeatures`` as JSON-ready dicts) of the ACV communes' main stations;
    ``features``: every station's features when the caller already has them (not read again)."""
    peers = set(acv_main_stations(con))
    every = features if features is not None else station_features(con)
    return [f.model_dump(mode="json") for f in every if f.uic in peers]


def acv_percentiles(con: duckdb.DuckDBPyConnection, fields: Mapping[str, object]) -> dict[str, int]:
    """The station's percentiles among the ACV communes' main stations
    (:func:`percentiles_among` over :func:`acv_peer_rows`)."""
    return percentiles_among(acv_peer_rows(con), fields)


def percentiles_among(
    peers: Sequence[Mapping[str, object]], fields: Mapping[str, object]
) -> dict[str, int]:
    """Per numeric field of ``fields`` that the profile uses (a station's
    :class:`StationFeatures` as a dict), its percentile (0-100) among ``peers`` (the ACV
    communes' main stations) that have a value: the share of them with a lower value, ties
    counted for half. Fields with fewer than :data:`MIN_PEERS` values are left out. A percentile
    says where the value stands, not whether it is good (a lower journey time is better)."""
    profiled = {f.champ for f in load_portrait().features if f.champ}
    rows = peers
    out: dict[str, int] = {}
    for key, value in fields.items():
        if key not in profiled or isinstance(value, bool) or not isinstance(value, int | float):
            continue
        values = [
            float(v)
            for v in (r.get(key) for r in rows)
            if isinstance(v, int | float) and not isinstance(v, bool)
        ]
        if len(values) < MIN_PEERS:
            continue
        below = sum(1 for v in values if v < value)
        equal = sum(1 for v in values if v == value)
        out[key] = round(100 * (below + equal / 2) / len(values))
    return out


def acv_station_ranking(
    con: duckdb.DuckDBPyConnection,
) -> tuple[list[Column], list[list[Cell]], list[str]]:
    """(columns, rows, notes) of the ranking (see the module docstring), from a derived
    warehouse connection."""
    portrait = load_portrait()
    themes = portrait.themes
    data_features = [f for f in portrait.features if f.observation == "donnee"]
    features: dict[str, StationFeatures] = {f.uic: f for f in station_features(con)}
    scored: list[tuple[float, int, str, list[Cell]]] = []
    unranked: list[list[Cell]] = []
    for code, commune, departement, uic, nom, departs in con.execute(_MAIN).fetchall():
        found = features.get(uic) if uic else None
        if found is None:
            unranked.append(
                [None, code, commune, departement, None, None, None]
                + [None] * len(themes)
                + [None, None, None, None, "aucune gare de voyageurs ne dessert la commune"]
            )
            continue
        fields = found.model_dump(mode="json")
        result = assess(fields, {}, portrait=portrait)
        known = [
            lv.niveau
            for lv in result.caracteristiques
            if lv.observation == "donnee" and lv.niveau is not None
        ]
        missing = sum(
            1 for lv in result.caracteristiques if lv.observation == "donnee" and lv.niveau is None
        )
        mean = sum(known) / len(known) if known else None
        levels = {t.id: t.niveau for t in result.themes}
        remarks = []
        if not departs:
            remarks.append("aucun départ dans les horaires disponibles ce jour")
        if missing:
            remarks.append(
                f"incomplet : {missing} {plural(missing, 'caractéristique')} sans donnée"
            )
        row: list[Cell] = [
            None,
            code,
            commune,
            departement,
            nom,
            uic,
            round(mean, 2) if mean is not None else None,
            *[levels.get(t.id) for t in themes],
            len(result.ecarts),
            missing,
            found.departs_train,
            found.duree_metropole_min,
            " ; ".join(remarks) or None,
        ]
        if mean is None:
            unranked.append(row)
        else:
            scored.append((mean, found.departs_train or 0, code, row))
    scored.sort(key=lambda s: (-s[0], -s[1], s[2]))
    rows = []
    for rank, (_, _, _, row) in enumerate(scored, start=1):
        row[0] = rank
        rows.append(row)
    columns = [
        Column("rang", "Rang"),
        Column("code", "Code INSEE"),
        Column("commune", "Commune"),
        Column("departement", "Département"),
        Column("gare", "Gare principale"),
        Column("uic", "Code UIC"),
        Column("niveau_moyen", "Niveau moyen des caractéristiques connues", "0 à 3"),
        *[Column(f"theme_{t.id}", t.libelle, "niveau 0 à 3") for t in themes],
        Column("ecarts", "Écarts au portrait-robot", "caractéristiques"),
        Column("sans_donnee", "Caractéristiques sans donnée", "sur " + str(len(data_features))),
        Column("departs_train", "Départs de trains", "par jour"),
        Column("duree_metropole_min", "Trajet le plus rapide vers une métropole", "minutes"),
        Column("remarque", "Remarque"),
    ]
    notes = [
        "Gare principale de chaque commune Action Cœur de Ville selon la règle du diagnostic : "
        "parmi les gares qui la desservent (sur la commune ou à moins de 5 km de son centre), "
        "celle qui a le plus de départs de trains le jour de référence.",
        "Niveau moyen : moyenne des niveaux (0 absent, 1 à renforcer, 2 satisfaisant, "
        "3 exemplaire) des caractéristiques du portrait-robot connues par les données ouvertes ; "
        "les observations de terrain ne sont pas comptées. Une ligne « incomplet » a des "
        "caractéristiques sans donnée : son niveau porte sur les autres.",
        "Méthode : document « Portrait-robot du quartier de gare » de la méthodologie.",
    ]
    return columns, rows + unranked, notes
