"""Scenario assumptions of a territory, taken from its own indicators (derived warehouse).

Population: COG 2026 (``population_2023``); employed residents: INSEE RP 2018, active people aged
15-64 minus the unemployed (``comparateur_2018``), summed over the territory's communes; telework
rate: the territory's estimate ``taux_teletravail_estime`` (national rates by occupation applied to
its 2011 occupational mix); distance bands: the territory's own distribution of its residents'
commutes (:mod:`teletravail.navettes.profile`: measured MOBPRO flows when loaded, else the
estimated flows), the national default bands only when no flow is available. Each value the user overrides is marked as such in ``origines``.
"""

from __future__ import annotations

from collections.abc import Mapping

import duckdb

from teletravail.diagnostic.catalogue import LEVEL_KEYS, LEVEL_TABLES
from teletravail.errors import WarehouseError
from teletravail.impact.models import ScenarioAssumptions
from teletravail.impact.scenario import default_assumptions
from teletravail.navettes.profile import CommuteProfile, commute_profile

USER = "valeur saisie par l'utilisateur"


def territory_inputs(
    con: duckdb.DuckDBPyConnection, kind: str, code: str
) -> tuple[int, int, float]:
    """(population, employed residents, estimated telework rate 0-1) of a commune or an EPCI."""
    table, key = LEVEL_TABLES[kind], LEVEL_KEYS[kind]
    row = con.execute(
        f"SELECT population_2023, taux_teletravail_estime FROM {table} WHERE {key} = ?", [code]
    ).fetchone()
    members = (
        "SELECT commune_code FROM epci_membres WHERE epci_siren = ?"
        if kind == "epci"
        else "SELECT ?"
    )
    workers = con.execute(
        "SELECT sum(p18_act1564 - p18_chom1564) FROM comparateur_2018 "
        f"WHERE commune_code IN ({members})",
        [code],
    ).fetchone()
    if row is None or row[0] is None or row[1] is None or not workers or workers[0] is None:
        raise WarehouseError(
            f"Indicateurs insuffisants pour le scénario du territoire {code} (population, actifs "
            "occupés ou taux de télétravail estimé manquant) : précisez les hypothèses vous-même "
            "avec « teletravail impact »."
        )
    return int(row[0]), round(float(workers[0])), float(row[1]) / 100


def territory_assumptions(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    code: str,
    name: str,
    *,
    telework_rate: float | None = None,
    telework_days: float | None = None,
    flex_office_share: float = 0.0,
    modal_split: Mapping[str, float] | None = None,
    profile: CommuteProfile | None = None,
) -> ScenarioAssumptions:
    """Assumptions from the territory's indicators, with the user's overrides (rates 0-1).

    ``profile``: the territory's commuting profile when the caller already has it (read from
    the flows otherwise)."""
    population, workers, estimate = territory_inputs(con, kind, code)
    origins = {
        "population": "INSEE, COG 2026 (population municipale, recensement 2023)",
        "actifs_occupes": "INSEE, RP 2018 : actifs de 15 à 64 ans moins chômeurs",
        "taux_teletravail": "estimation du diagnostic : taux nationaux par catégorie sociale "
        "(Insee, enquête Emploi 2022) appliqués aux actifs du territoire (RP 2011)"
        if telework_rate is None
        else USER,
    }
    if flex_office_share:
        origins["part_flex_office"] = USER
    bands = None
    if profile is None:
        profile = commute_profile(con, kind, code, name)
    if profile is not None:
        bands = [(b.libelle, b.distance_moyenne_km, b.part) for b in profile.tranches]
        word = "estimation" if profile.statut == "estimation" else "mesure"
        origins["tranches_distance"] = (
            f"{word} : distances domicile-travail des actifs résidents du territoire "
            f"({profile.methode} ; {profile.reference}), à vol d'oiseau entre centres des "
            f"communes ; distance moyenne {profile.distance_moyenne_km:.1f} km, médiane "
            f"{profile.distance_mediane_km:.1f} km".replace(".", ",")
            + " ; distance représentative de chaque tranche = moyenne des trajets de la tranche"
        )
    a = default_assumptions(
        population,
        workers,
        estimate if telework_rate is None else telework_rate,
        telework_days=telework_days,
        modal_split=modal_split,
        distance_bands=bands,
        flex_office_share=flex_office_share,
        territory=name,
        origins=origins,
    )
    if telework_days is not None:
        a = a.model_copy(update={"origines": {**a.origines, "jours_teletravail": USER}})
    if modal_split is not None:
        a = a.model_copy(update={"origines": {**a.origines, "repartition_modale": USER}})
    return a
