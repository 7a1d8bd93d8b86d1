"""Peers: territories of the same level, similar size and typology, to compare side by side.

Rule (applied in one SQL query over the computed indicator tables):

1. candidates are the other territories of the same level (communes for a commune, EPCIs for an
   EPCI) with a known population;
2. they are ranked first by how much of the typology they share with the territory:
   tier 0 = same density level (INSEE 7-level grid; for an EPCI the level where most of its
   inhabitants live) and same attraction-area size class (AAV 2020; for an EPCI that of its most
   populous commune), tier 1 = same density level only, tier 2 = neither;
3. within a tier, by closeness in size: |ln(population) − ln(population of the territory)| (a city
   of 20,000 is as close to one of 10,000 as to one of 40,000);
4. ties by code. The first ``n`` are returned, so the typology is relaxed only when fewer than
   ``n`` territories share it.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from teletravail.diagnostic.catalogue import LEVEL_KEYS, LEVEL_TABLES, LEVELS
from teletravail.errors import LookupFailed, WarehouseError

TIER_LABELS = {
    0: "même niveau de densité et même taille d'aire d'attraction",
    1: "même niveau de densité",
    2: "taille proche seulement",
}
_NAMES = {"commune": ("communes", "code"), "epci": ("epcis", "siren")}


@dataclass(frozen=True)
class Peer:
    """A comparable territory: code, name, 2023 population, typology, and why it was chosen."""

    code: str
    nom: str
    population: float
    niveau_densite: float | None
    taille_aav: float | None
    tier: int
    rule: str


def find_peers(con: duckdb.DuckDBPyConnection, level: str, code: str, n: int = 5) -> list[Peer]:
    """The ``n`` territories most comparable to ``code`` at ``level`` (rule in the module docstring)."""
    if level not in LEVELS:
        raise LookupFailed(f"Niveau territorial inconnu « {level} » : utilisez commune ou epci.")
    table, key = LEVEL_TABLES[level], LEVEL_KEYS[level]
    names, name_key = _NAMES[level]
    sql = f"""
        WITH target AS (
            SELECT population_2023 AS pop, niveau_densite AS nd, taille_aav AS ta
            FROM {table} WHERE {key} = $code
        )
        SELECT i.{key}, n.nom, i.population_2023, i.niveau_densite, i.taille_aav,
               CASE WHEN i.niveau_densite IS NOT DISTINCT FROM t.nd
                         AND i.taille_aav IS NOT DISTINCT FROM t.ta THEN 0
                    WHEN i.niveau_densite IS NOT DISTINCT FROM t.nd THEN 1
                    ELSE 2 END AS tier
        FROM {table} i
        JOIN {names} n ON n.{name_key} = i.{key}
        CROSS JOIN target t
        WHERE i.{key} <> $code AND i.population_2023 > 0 AND t.pop > 0
        ORDER BY tier, abs(ln(i.population_2023) - ln(t.pop)), i.{key}
        LIMIT $n
    """
    try:
        exists = con.execute(f"SELECT count(*) FROM {table} WHERE {key} = ?", [code]).fetchone()
        rows = con.execute(sql, {"code": code, "n": n}).fetchall()
    except duckdb.CatalogException as exc:
        raise WarehouseError(
            f"Indicateurs non calculés (table {table} absente) : lancez le calcul des indicateurs "
            "(teletravail.diagnostic.compute.compute_indicators) sur l'entrepôt."
        ) from exc
    if not exists or not exists[0]:
        raise LookupFailed(f"Territoire « {code} » introuvable au niveau {level}.")
    return [
        Peer(
            code=r[0],
            nom=r[1],
            population=r[2],
            niveau_densite=r[3],
            taille_aav=r[4],
            tier=r[5],
            rule=TIER_LABELS[r[5]],
        )
        for r in rows
    ]
