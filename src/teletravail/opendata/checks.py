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
