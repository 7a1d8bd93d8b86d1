"""Commuting profile of a territory's residents: where they work, how far (estimated or measured).

Flows in use (:func:`flows_in_use`): the official MOBPRO flows (``mobpro_flux``) when that source
is loaded (measured), else the model's ``navettes_estimees`` (estimate). Distances: great-circle km
between commune centres (intra-commune: mean distance in a disc of the commune's area), abroad
left out. A territory is a commune or an EPCI (its member communes); all figures are weighted by
workers: mean and median one-way distance (km), share beyond 20 km (%), share working in the
territory of residence (%), main destinations, and distance bands for the CO2 scenario.
"""

from __future__ import annotations

import math

import duckdb
import numpy as np
from pydantic import BaseModel, ConfigDict

from teletravail.errors import WarehouseError
from teletravail.navettes.estimate import METHOD, METHOD_REFERENCE
from teletravail.navettes.model import INTRA_FACTOR, weighted_median

REBUILD = "Reconstruisez l'entrepôt avec « teletravail data build »."
MEASURED = "flux domicile-travail mesurés (INSEE, MOBPRO)"
# (label, lower km, upper km): the bands of the CO2 scenario (scenario_defaults.toml labels)
SCENARIO_BANDS: tuple[tuple[str, float, float], ...] = (
    ("moins de 5 km", 0.0, 5.0),
    ("5 à 15 km", 5.0, 15.0),
    ("15 à 30 km", 15.0, 30.0),
    ("30 à 60 km", 30.0, 60.0),
    ("60 km et plus", 60.0, math.inf),
)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Destination(_Frozen):
    """A place of work of the residents: commune, workers, share (%) and distance (km)."""

    code: str
    nom: str
    actifs: float
    part: float
    distance_km: float


class Tranche(_Frozen):
    """Residents' commutes in a distance band: share (0–1) and mean one-way km inside it."""

    libelle: str
    part: float
    distance_moyenne_km: float


class CommuteProfile(_Frozen):
    """Commutes of the employed residents of a commune or an EPCI (see the module docstring)."""

    territoire: str
    type: str
    code: str
    statut: str  # "estimation" or "mesure"
    methode: str
    reference: str
    actifs: float
    distance_moyenne_km: float
    distance_mediane_km: float
    part_plus_20km: float
    part_travaillant_dans_territoire: float
    destinations: tuple[Destination, ...]
    tranches: tuple[Tranche, ...]


def _has_rows(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    try:
        row = con.execute(f"SELECT count(*) FROM (SELECT 1 FROM {table} LIMIT 1)").fetchone()
    except duckdb.Error:
        return False
    return bool(row and row[0])


def flows_in_use(con: duckdb.DuckDBPyConnection) -> tuple[str, str, str, str]:
    """(SQL of origine, destination, actifs, distance_km; statut; method; reference).

    Measured MOBPRO flows when ``mobpro_flux`` has rows, else ``navettes_estimees``; WarehouseError
    in French when neither table exists.
    """
    if _has_rows(con, "mobpro_flux"):
        sql = f"""SELECT f.commune_residence AS origine, f.commune_travail AS destination,
               sum(f.flux) AS actifs,
               any_value(CASE WHEN f.commune_residence = f.commune_travail
                    THEN {INTRA_FACTOR!r} * sqrt(greatest(coalesce(k.superf, 0), 0))
                    ELSE 2 * 6371.0 * asin(sqrt(least(1, pow(sin(radians(b.lat - a.lat) / 2), 2)
                        + cos(radians(a.lat)) * cos(radians(b.lat))
                        * pow(sin(radians(b.lon - a.lon) / 2), 2)))) END) AS distance_km
            FROM mobpro_flux f
            JOIN communes a ON a.code = f.commune_residence
            JOIN communes b ON b.code = f.commune_travail
            LEFT JOIN comparateur_2018 k ON k.commune_code = f.commune_residence
            WHERE NOT coalesce(f.etranger, false) GROUP BY 1, 2"""
        vintage = con.execute("SELECT any_value(millesime) FROM mobpro_flux").fetchone()
        year = vintage[0] if vintage and vintage[0] else "?"
        return sql, "mesure", MEASURED, f"INSEE, MOBPRO, recensement {year}"
    try:
        con.execute("SELECT 1 FROM navettes_estimees LIMIT 1").fetchall()
    except duckdb.Error as exc:
        raise WarehouseError(
            "Table navettes_estimees absente de l'entrepôt : les navettes domicile-travail "
            f"n'ont pas été estimées. {REBUILD}"
        ) from exc
    return "SELECT * FROM navettes_estimees", "estimation", METHOD, METHOD_REFERENCE


def commute_profile(
    con: duckdb.DuckDBPyConnection, kind: str, code: str, name: str, *, top: int = 10
) -> CommuteProfile | None:
    """The commuting profile of a commune (``kind`` 'commune') or an EPCI ('epci'); None when
    no flow leaves its communes (data not available)."""
    sql, status, method, reference = flows_in_use(con)
    members = (
        "SELECT commune_code FROM epci_membres WHERE epci_siren = ?"
        if kind == "epci"
        else "SELECT ?"
    )
    rows = con.execute(
        f"""WITH f AS ({sql}), m AS ({members})
        SELECT f.destination, f.actifs, f.distance_km, f.destination IN (SELECT * FROM m)
        FROM f WHERE f.origine IN (SELECT * FROM m)""",
        [code],
    ).fetchall()
    if not rows:
        return None
    dest = [r[0] for r in rows]
    w = np.array([r[1] for r in rows], dtype=float)
    d = np.array([r[2] for r in rows], dtype=float)
    inside = np.array([bool(r[3]) for r in rows])
    total = float(w.sum())
    if total <= 0:
        return None
    by_dest: dict[str, list[float]] = {}
    for c, wi, di in zip(dest, w, d, strict=True):
        acc = by_dest.setdefault(c, [0.0, 0.0])
        acc[0] += float(wi)
        acc[1] += float(wi * di)
    best = sorted(by_dest.items(), key=lambda kv: -kv[1][0])[:top]
    names = dict(
        con.execute(
            "SELECT code, nom FROM communes WHERE code IN (SELECT unnest(?::VARCHAR[]))",
            [[c for c, _ in best]],
        ).fetchall()
    )
    bands = []
    for label, lo, hi in SCENARIO_BANDS:
        mask = (d >= lo) & (d < hi)
        share = float(w[mask].sum()) / total
        mean = (
            float((w[mask] * d[mask]).sum() / w[mask].sum())
            if share > 0
            else (lo + 5.0 if math.isinf(hi) else (lo + hi) / 2)
        )
        bands.append(Tranche(libelle=label, part=share, distance_moyenne_km=mean))
    return CommuteProfile(
        territoire=name,
        type=kind,
        code=code,
        statut=status,
        methode=method,
        reference=reference,
        actifs=total,
        distance_moyenne_km=float((w * d).sum()) / total,
        distance_mediane_km=weighted_median(d, w),
        part_plus_20km=100.0 * float(w[d > 20.0].sum()) / total,
        part_travaillant_dans_territoire=100.0 * float(w[inside].sum()) / total,
        destinations=tuple(
            Destination(
                code=c,
                nom=str(names.get(c, c)),
                actifs=v[0],
                part=100.0 * v[0] / total,
                distance_km=v[1] / v[0] if v[0] > 0 else 0.0,
            )
            for c, v in best
        ),
        tranches=tuple(bands),
    )
