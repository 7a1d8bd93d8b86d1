"""Ranking of the Action Cœur de Ville communes on the Senate's attractiveness criteria.

One row per ACV commune (table ``communes``, ``acv``), with the attractiveness score, its four
criteria and every sub-indicator the score uses (declared in ``diagnostic/indicators.toml``),
sorted by score (highest first, missing scores last). Communes of metropolitan France are ranked;
the overseas ones follow, unranked (rang NULL): distance to a métropole and rail service do not
mean the same there. Reads a derived warehouse (indicators
computed).
"""

from __future__ import annotations

import duckdb

from teletravail.diagnostic.catalogue import load_indicator_catalogue
from teletravail.reports.tables import Cell, Column

# Rail columns shown next to the rail criterion: the station used and whether it has a TGV call.
RAIL_CONTEXT = ("gare_principale", "distance_gare_principale_km", "arret_tgv_gare_principale")


def acv_ranking(con: duckdb.DuckDBPyConnection) -> tuple[list[Column], list[list[Cell]], list[str]]:
    """(columns, rows, notes) of the ACV ranking; notes cite the method and the sources."""
    cat = load_indicator_catalogue()
    by_id = {i.id: i for i in cat.indicators}
    score = cat.score
    ids = [score.indicator] + [c.indicator for c in score.criteria]
    for criterion in score.criteria:
        ids += [comp.indicator for comp in criterion.components if comp.indicator not in ids]
        # what the rail criterion rests on: the station, and the flags of incomplete data
        flags = [c.unknown_if for c in criterion.components if c.unknown_if]
        if flags and "departs_train_jour" in {c.indicator for c in criterion.components}:
            flags = [*RAIL_CONTEXT, *flags]
        ids += [f for f in dict.fromkeys(flags) if f not in ids]
    ids = [i for i in ids if i in by_id and "commune" in by_id[i].levels]
    columns = [
        Column("rang", "Rang"),
        Column("code", "Code INSEE"),
        Column("commune", "Commune"),
        Column("departement", "Département"),
        Column("epci", "EPCI"),
        Column("id_acv", "Convention ACV"),
        Column("population_2023", "Population 2023", "habitants"),
    ] + [Column(i, by_id[i].label, by_id[i].unit) for i in ids if i != "population_2023"]
    value_cols = ", ".join(f"i.{i}" for i in ids if i != "population_2023")
    rows = con.execute(
        f"""SELECT c.zone = 'metro' AS ranked, c.code, c.nom, c.departement_nom, e.nom, c.id_acv,
                   c.population, {value_cols}
            FROM communes c
            LEFT JOIN epcis e ON e.siren = c.epci_siren
            LEFT JOIN indicateurs_commune i ON i.code = c.code
            WHERE c.acv
            ORDER BY ranked DESC, i.{score.indicator} DESC NULLS LAST, c.population DESC, c.code"""
    ).fetchall()
    table: list[list[Cell]] = []
    rank = 0
    for ranked, *row in rows:
        rank += 1 if ranked else 0
        values: list[Cell] = [rank if ranked else None, *row[:5], row[5]]
        for v in row[6:]:
            values.append(round(float(v), 2) if isinstance(v, int | float) else v)
        table.append(values)
    sources = con.execute(
        "SELECT string_agg(DISTINCT citation, ' ; ' ORDER BY citation) FROM sources WHERE chargee "
        "AND id IN ('cog', 'acv', 'comparateur_2018', 'centralites', 'france_services', "
        "'gtfs_ter', 'gtfs_longue_distance', 'gares', 'aav2020', 'bpe_2019', 'bpe_2024', "
        "'osm_gares')"
    ).fetchone()
    day = con.execute("SELECT jour_desserte FROM indicateurs_info").fetchone()
    overseas = sum(1 for r in rows if not r[0])
    flag_ids = [c.unknown_if for cr in score.criteria for c in cr.components if c.unknown_if]
    incomplete: list[str] = []
    no_tgv = 0
    for row in table:
        record = dict(zip([c.key for c in columns], row, strict=True))
        if any(record.get(f) not in (None, "") for f in flag_ids):
            incomplete.append(str(record["commune"]))
        if record.get("arret_tgv_gare_principale") == "non" and record["rang"] is not None:
            no_tgv += 1
    notes = [
        f"Les {overseas} communes d'outre-mer sont listées à la suite, sans rang : la proximité "
        "d'une métropole et la desserte ferroviaire n'y ont pas le même sens qu'en métropole.",
        "Note d'attractivité pour les télétravailleurs (0 à 100) selon les quatre critères du "
        "Sénat (rapport n°89, 2021-2022) : services, transports bien connectés, région dynamique, "
        "proximité d'une métropole. Méthode : page « Méthodologie » du site (note d'attractivité).",
        f"Données incomplètes : {len(incomplete)} communes ont près d'elles une gare d'un réseau "
        "absent des horaires disponibles (RER, Transilien, Intercités, Chemins de fer de la Corse ; "
        "colonne « Réseaux ferrés absents des horaires disponibles », d'après OpenStreetMap) : leur "
        "critère 2 est calculé sur les seules valeurs connues, vide quand aucune ne l'est "
        "(« donnée non disponible », pas zéro), et leur note d'attractivité l'est alors sur les "
        "autres critères. Ces lignes sont à lire avec prudence"
        + (
            f" ({', '.join(incomplete[:8])}{'…' if len(incomplete) > 8 else ''})."
            if incomplete
            else "."
        ),
        f"Arrêt TGV : « non » pour {no_tgv} communes classées dont la gare principale n'a aucun "
        "arrêt dans le flux SNCF grandes lignes (TGV INOUI, OUIGO, ICE, Lyria) le jour de "
        "référence : aucun TGV n'y part ni n'y arrive d'après ces horaires (les Intercités n'y "
        "figurent pas). Gare principale : la plus desservie parmi celles de la "
        "commune et celles situées à moins de 5 km de son centre (distance indiquée).",
        f"Sources : {sources[0] if sources else ''}."
        + (f" Desserte ferroviaire du {day[0].strftime('%d/%m/%Y')}." if day and day[0] else ""),
    ]
    return columns, table, notes
