"""Data checks: queries that must return zero rows, run at the end of every build and in the tests.

Each check is declared as data (name, French description, SQL). A row returned is a violation; the
build fails on any violation and leaves the previous warehouse untouched.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

# Bounding boxes (WGS84 degrees: lat_min, lat_max, lon_min, lon_max) of metropolitan France (with
# Corsica), the five DROM and the overseas collectivities of the COG (Saint-Pierre-et-Miquelon,
# Saint-Barthélemy, Saint-Martin, Wallis-et-Futuna, Polynésie, Nouvelle-Calédonie, TAAF, Clipperton).
FRANCE_BOXES: tuple[tuple[float, float, float, float], ...] = (
    (41.2, 51.2, -5.3, 9.7),  # France métropolitaine et Corse
    (15.8, 18.2, -63.2, -60.7),  # Antilles : Guadeloupe, Martinique, Saint-Martin, Saint-Barthélemy
    (14.3, 14.95, -61.3, -60.7),  # Martinique (sud)
    (2.0, 6.0, -54.7, -51.5),  # Guyane
    (-21.5, -20.8, 55.1, 55.9),  # La Réunion
    (-13.1, -12.5, 44.9, 45.4),  # Mayotte
    (46.7, 47.2, -56.5, -56.0),  # Saint-Pierre-et-Miquelon
    (-14.5, -13.1, -178.3, -176.0),  # Wallis-et-Futuna
    (-28.0, -7.8, -155.0, -134.0),  # Polynésie française
    (-23.0, -19.0, 163.5, 168.5),  # Nouvelle-Calédonie
    (-50.5, -10.0, 39.0, 78.0),  # TAAF (îles Éparses, Kerguelen, Crozet, Saint-Paul)
    (-90.0, -66.0, 136.0, 142.0),  # Terre-Adélie (jusqu'au pôle Sud)
    (10.2, 10.4, -109.3, -109.1),  # Clipperton
)


def _outside_france(table: str, key: str) -> str:
    inside = " OR ".join(
        f"(lat BETWEEN {a} AND {b} AND lon BETWEEN {c} AND {d})" for a, b, c, d in FRANCE_BOXES
    )
    return (
        f"SELECT {key}, lat, lon FROM {table} "
        f"WHERE lat IS NOT NULL AND lon IS NOT NULL AND NOT ({inside})"
    )


@dataclass(frozen=True)
class DataCheck:
    """A named query that must return zero rows."""

    name: str
    description: str
    sql: str


def _exists_in_cog(table: str, what: str) -> DataCheck:
    return DataCheck(
        f"{table}_commune_cog",
        f"toute commune rattachée ({what}) existe dans le COG 2026",
        f"SELECT t.commune_code FROM {table} t LEFT JOIN cog_communes c ON c.code = t.commune_code "
        "WHERE t.commune_code IS NOT NULL AND c.code IS NULL",
    )


CHECKS: tuple[DataCheck, ...] = (
    DataCheck(
        "communes_code_unique",
        "un code INSEE par commune actuelle",
        "SELECT code FROM communes GROUP BY code HAVING count(*) > 1",
    ),
    DataCheck(
        "epcis_siren_unique",
        "un SIREN par EPCI",
        "SELECT siren FROM epcis GROUP BY siren HAVING count(*) > 1",
    ),
    DataCheck(
        "stations_uic_unique",
        "un code UIC par gare",
        "SELECT uic FROM stations GROUP BY uic HAVING count(*) > 1",
    ),
    DataCheck(
        "commune_une_epci",
        "chaque commune actuelle appartient au plus à un EPCI",
        "SELECT commune_code FROM epci_membres GROUP BY commune_code HAVING count(*) > 1",
    ),
    DataCheck(
        "epci_membres_cog",
        "tout membre d'EPCI est une commune actuelle du COG 2026",
        "SELECT m.epci_siren, m.commune_code FROM epci_membres m "
        "LEFT JOIN cog_communes c ON c.code = m.commune_code WHERE c.code IS NULL",
    ),
    DataCheck(
        "epci_sans_membre",
        "tout EPCI a au moins une commune membre",
        "SELECT siren FROM epcis WHERE nb_communes = 0",
    ),
    _exists_in_cog("acv", "Action Cœur de Ville"),
    _exists_in_cog("pvd", "Petites villes de demain"),
    _exists_in_cog("stations", "gares"),
    _exists_in_cog("france_services", "France services"),
    DataCheck(
        "communes_coordonnees_france",
        "les centres des communes sont en France",
        _outside_france("communes", "code"),
    ),
    DataCheck(
        "stations_coordonnees_france",
        "les gares sont en France (ou dans les gares frontalières proches)",
        _outside_france("stations", "uic"),
    ),
    DataCheck(
        "france_services_coordonnees_france",
        "les France services sont en France",
        _outside_france("france_services", "id_fs"),
    ),
    DataCheck(
        "frequentation_positive",
        "la fréquentation des gares n'est jamais négative",
        "SELECT uic, annee, voyageurs FROM station_frequentation "
        "WHERE voyageurs < 0 OR voyageurs_non_voyageurs < 0",
    ),
    DataCheck(
        "densite_niveaux",
        "les niveaux de densité sont compris entre 1 et 7",
        "SELECT commune_code FROM grille_densite WHERE niveau_densite NOT BETWEEN 1 AND 7",
    ),
    # --- issue 10: services (BPE)
    _exists_in_cog("bpe_2019", "BPE 2019"),
    _exists_in_cog("bpe_2024_groupes", "BPE 2024"),
    DataCheck(
        "bpe_2019_unique",
        "une ligne par commune et type d'équipement dans la BPE 2019",
        "SELECT commune_code, typequ FROM bpe_2019 GROUP BY ALL HAVING count(*) > 1",
    ),
    DataCheck(
        "bpe_2024_unique",
        "une ligne par commune et groupe d'équipements dans la BPE 2024",
        "SELECT commune_code, groupe FROM bpe_2024_groupes GROUP BY ALL HAVING count(*) > 1",
    ),
    DataCheck(
        "bpe_nombres_positifs",
        "les nombres d'équipements de la BPE sont positifs",
        "SELECT commune_code, typequ FROM bpe_2019 WHERE NOT nb_equipements > 0 UNION ALL "
        "SELECT commune_code, groupe FROM bpe_2024_groupes WHERE NOT nb_equipements > 0",
    ),
    DataCheck(
        "bpe_gammes_types_connus",
        "tout type d'une gamme d'équipements a un libellé déclaré",
        "SELECT g.typequ FROM bpe_gammes g LEFT JOIN bpe_types t USING (typequ) "
        "WHERE t.typequ IS NULL",
    ),
    DataCheck(
        "mobpro_detail_2014_valide",
        "le fichier détail MOBPRO 2014 a des PCS de 1 à 6, des poids positifs et des communes "
        "rattachées au COG 2026",
        "SELECT m.code_residence_source, m.code_travail_source, m.cs1, m.poids "
        "FROM mobpro_detail_2014 m LEFT JOIN cog_communes a ON a.code = m.commune_residence "
        "LEFT JOIN cog_communes b ON b.code = m.commune_travail "
        "WHERE m.cs1 NOT BETWEEN 1 AND 6 OR NOT m.poids >= 0 "
        "OR (m.commune_residence IS NOT NULL AND a.code IS NULL) "
        "OR (m.commune_travail IS NOT NULL AND b.code IS NULL)",
    ),
    DataCheck(
        "navettes_estimees_valides",
        "les navettes estimées relient des communes du COG 2026, avec des actifs et des "
        "distances positifs",
        "SELECT n.origine, n.destination, n.actifs, n.distance_km FROM navettes_estimees n "
        "LEFT JOIN cog_communes a ON a.code = n.origine "
        "LEFT JOIN cog_communes b ON b.code = n.destination "
        "WHERE a.code IS NULL OR b.code IS NULL OR NOT n.actifs > 0 OR NOT n.distance_km >= 0",
    ),
    DataCheck(
        "population_positive",
        "aucune population négative",
        "SELECT code FROM communes WHERE population < 0",
    ),
    # --- issue 10: insee (census 2021, Filosofi 2021, localised unemployment) ---
    _exists_in_cog("rp2021_communes", "recensement 2021"),
    _exists_in_cog("logement_2021", "logements 2021"),
    _exists_in_cog("filosofi_2021", "Filosofi 2021"),
    _exists_in_cog("filosofi_2021_iris", "Filosofi 2021 par IRIS"),
    _exists_in_cog("chomage_ze_communes", "zones d'emploi"),
    DataCheck(
        "rp2021_iris_unique",
        "un code IRIS par ligne du recensement 2021 et de Filosofi 2021",
        "SELECT iris FROM rp2021_iris GROUP BY iris HAVING count(*) > 1 "
        "UNION ALL SELECT iris FROM filosofi_2021_iris GROUP BY iris HAVING count(*) > 1",
    ),
    DataCheck(
        "communes_2021_uniques",
        "une ligne par commune actuelle dans les tables communales de 2021",
        "SELECT 'rp2021_communes', commune_code FROM rp2021_communes GROUP BY 2 HAVING count(*) > 1 "
        "UNION ALL SELECT 'logement_2021', commune_code FROM logement_2021 GROUP BY 2 "
        "HAVING count(*) > 1 UNION ALL SELECT 'filosofi_2021', commune_code FROM filosofi_2021 "
        "GROUP BY 2 HAVING count(*) > 1 UNION ALL SELECT 'chomage_ze_communes', commune_code "
        "FROM chomage_ze_communes GROUP BY 2 HAVING count(*) > 1",
    ),
    DataCheck(
        "logement_2021_coherent",
        "logements 2021 : résidences principales, secondaires et vacants ne dépassent pas le parc",
        "SELECT commune_code, logements FROM logement_2021 WHERE residences_principales "
        "+ residences_secondaires + logements_vacants > logements + greatest(2, 0.01 * logements)",
    ),
    DataCheck(
        "taux_2021_bornes",
        "taux de pauvreté et de chômage entre 0 et 100 %",
        "SELECT iris, taux_pauvrete FROM filosofi_2021_iris WHERE taux_pauvrete NOT BETWEEN 0 AND 100 "
        "UNION ALL SELECT ze_code, taux_chomage FROM chomage_ze "
        "WHERE taux_chomage NOT BETWEEN 0 AND 100",
    ),
    # --- issue 10: housing complements
    _exists_in_cog("friches_communes", "Cartofriches"),
    _exists_in_cog("lovac_communes", "LOVAC 2025"),
    _exists_in_cog("dvf_appartements", "DVF"),
    _exists_in_cog("loyers_communes", "carte des loyers"),
    _exists_in_cog("zonage_abc", "zonage ABC"),
    _exists_in_cog("sitadel_logements", "Sitadel"),
    _exists_in_cog("programmes_anct", "ACV, PVD, ORT"),
    DataCheck(
        "lovac_taux",
        "les taux de vacance LOVAC sont entre 0 et 100 %, la vacance longue au plus la vacance",
        "SELECT insee_com FROM lovac_communes WHERE taux_vacance_pct NOT BETWEEN 0 AND 100 "
        "OR taux_vacance_longue_pct NOT BETWEEN 0 AND 100 "
        "OR taux_vacance_longue_pct > taux_vacance_pct",
    ),
    DataCheck(
        "dvf_quartiles",
        "prix DVF : premier quartile ≤ médiane ≤ troisième quartile, au moins une vente",
        "SELECT insee_com FROM dvf_appartements WHERE NOT (prix_m2_q1 <= prix_m2_median "
        "AND prix_m2_median <= prix_m2_q3) OR nb_ventes < 1",
    ),
    DataCheck(
        "loyers_intervalle",
        "chaque loyer prédit est dans son intervalle de prédiction, au plus une ligne par "
        "code et type de bien",
        "SELECT insee_com, type_bien FROM loyers_communes GROUP BY insee_com, type_bien "
        "HAVING count(*) > 1 OR bool_or(NOT (loyer_m2_bas <= loyer_m2 AND loyer_m2 <= loyer_m2_haut))",
    ),
    DataCheck(
        "sitadel_positif",
        "logements autorisés et commencés jamais négatifs, une ligne par code et par année",
        "SELECT insee_com, annee FROM sitadel_logements GROUP BY insee_com, annee "
        "HAVING count(*) > 1 OR min(autorises) < 0 OR min(commences) < 0",
    ),
    DataCheck(
        "friches_statuts",
        "les sites d'une commune par statut ne dépassent pas son nombre de sites",
        "SELECT insee_com FROM friches_communes WHERE nb_avec_projet + nb_sans_projet "
        "+ nb_potentielles + nb_reconverties > nb_sites",
    ),
    # --- issue 10: rail ---
    _exists_in_cog("osm_gares", "gares OpenStreetMap"),
    DataCheck(
        "osm_gares_coordonnees_france",
        "les gares OpenStreetMap retenues sont en France",
        _outside_france("osm_gares", "osm_id"),
    ),
    DataCheck(
        "osm_gares_types",
        "les gares OpenStreetMap ont un type connu (train, rer, transilien, metro, tram)",
        "SELECT osm_id FROM osm_gares WHERE type NOT IN ('train', 'rer', 'transilien', 'metro', 'tram')",
    ),
)


@dataclass(frozen=True)
class CheckResult:
    """Outcome of one check: the number of violating rows and up to five examples."""

    check: DataCheck
    violations: int
    examples: tuple[tuple[object, ...], ...]

    @property
    def ok(self) -> bool:
        """True when the query returned no row."""
        return self.violations == 0


def run_checks(con: duckdb.DuckDBPyConnection) -> list[CheckResult]:
    """Run every check against an open warehouse connection."""
    results = []
    for check in CHECKS:
        rows = con.execute(check.sql).fetchall()
        results.append(CheckResult(check, len(rows), tuple(tuple(r) for r in rows[:5])))
    return results
