"""Estimated home-to-work flows between all communes, stored as ``navettes_estimees``.

Inputs (warehouse): employed residents aged 15-64 per commune, census 2018
(``comparateur_2018``: p18_act1564 − p18_chom1564), jobs at the place of work, census 2018
(``p18_emplt``), commune centres (``communes.lat/lon``, WGS84) and areas (``superf``, km²; the
median area when missing). Model and parameters: :mod:`teletravail.navettes.model` and
``parametres.toml`` (calibrated on published national figures, see :func:`calibrate`).
Zones between which no flow is possible: mainland France, Corsica and each overseas département.

Table ``navettes_estimees`` (one row per stored flow): origine, destination (COG 2026 commune
codes), actifs (DOUBLE, estimated employed residents of ``origine`` working in ``destination``),
distance_km (DOUBLE, great-circle km between centres, intra-commune rule for origine =
destination). Flows below ``min_actifs_stockes`` are not stored. Table ``navettes_info``: one row
with the method, the parameters, the fit and the share of workers in stored flows.
"""

from __future__ import annotations

import math
import time
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

import duckdb
import numpy as np

from teletravail.navettes.model import (
    Flows,
    Pairs,
    gravity_flows,
    hub_pairs,
    merge_pairs,
    neighbour_pairs,
    self_share,
    weighted_median,
)

METHOD = "modèle gravitaire doublement contraint (dissuasion exponentielle)"
METHOD_REFERENCE = (
    "Lenormand, Bassolas, Ramasco, « Systematic comparison of trip distribution laws and "
    "models », Journal of Transport Geography 51, 2016"
)
INPUTS = (
    "INSEE, RP 2018 (comparateur de territoires) : actifs occupés de 15 à 64 ans par commune de "
    "résidence et emplois au lieu de travail ; centres et superficies des communes"
)


@dataclass(frozen=True)
class Parameters:
    """Model parameters (``parametres.toml``)."""

    kind: str  # "exponentielle" (scale = d0 km) or "puissance" (scale = exponent β)
    scale: float
    exponent: float  # power exponent of the "mixte" deterrence (0 otherwise)
    intra_weight: float
    cutoff_km: float
    hub_radius_km: float  # 0: no pair beyond cutoff_km
    hub_min_jobs: float
    tolerance: float
    max_iterations: int
    min_stored: float
    targets: dict[str, str]


@dataclass(frozen=True)
class Inputs:
    """Per-commune arrays, in ``codes`` order."""

    codes: list[str]
    lat: np.ndarray[Any, np.dtype[np.float64]]
    lon: np.ndarray[Any, np.dtype[np.float64]]
    area_km2: np.ndarray[Any, np.dtype[np.float64]]
    residents: np.ndarray[Any, np.dtype[np.float64]]
    jobs: np.ndarray[Any, np.dtype[np.float64]]
    zones: np.ndarray[Any, np.dtype[np.int32]]


def load_parameters() -> Parameters:
    """Parameters declared in the package's ``parametres.toml``."""
    text = resources.files("teletravail.navettes").joinpath("parametres.toml").read_text("utf-8")
    data = tomllib.loads(text)
    m = data["modele"]
    kind = str(m["dissuasion"])
    return Parameters(
        kind=kind,
        scale=float(m["beta"] if kind == "puissance" else m["d0_km"]),
        exponent=float(m.get("alpha", 0.0)) if kind == "mixte" else 0.0,
        intra_weight=float(m["intra_weight"]),
        cutoff_km=float(m["cutoff_km"]),
        hub_radius_km=float(m.get("poles_rayon_km", 0.0)),
        hub_min_jobs=float(m.get("poles_emplois_min", math.inf)),
        tolerance=float(m["tolerance"]),
        max_iterations=int(m["max_iterations"]),
        min_stored=float(m["min_actifs_stockes"]),
        targets={str(k): str(v) for k, v in data["calage"].items()},
    )


def load_inputs(con: duckdb.DuckDBPyConnection) -> Inputs:
    """Communes with a centre, their residents, jobs, area and zone (see the module docstring)."""
    rows = con.execute(
        """SELECT c.code, c.lat, c.lon, k.superf,
                  greatest(coalesce(k.p18_act1564 - k.p18_chom1564, 0), 0),
                  greatest(coalesce(k.p18_emplt, 0), 0),
                  CASE WHEN c.departement IN ('2A', '2B') THEN 'corse'
                       WHEN starts_with(c.departement, '97') THEN c.departement
                       ELSE 'metropole' END
           FROM communes c LEFT JOIN comparateur_2018 k ON k.commune_code = c.code
           WHERE c.lat IS NOT NULL AND c.lon IS NOT NULL ORDER BY c.code"""
    ).fetchall()
    area = np.array([np.nan if r[3] is None else float(r[3]) for r in rows], dtype=np.float64)
    known = area[np.isfinite(area) & (area > 0)]
    fill = float(np.median(known)) if len(known) else 1.0
    area = np.where(np.isfinite(area) & (area > 0), area, fill)
    labels: dict[str, int] = {}
    return Inputs(
        codes=[str(r[0]) for r in rows],
        lat=np.array([r[1] for r in rows], dtype=np.float64),
        lon=np.array([r[2] for r in rows], dtype=np.float64),
        area_km2=area,
        residents=np.array([r[4] for r in rows], dtype=np.float64),
        jobs=np.array([r[5] for r in rows], dtype=np.float64),
        zones=np.array([labels.setdefault(str(r[6]), len(labels)) for r in rows], dtype=np.int32),
    )


def pairs_for(inputs: Inputs, params: Parameters) -> Pairs:
    """Candidate pairs: within the cut-off, plus (when ``hub_radius_km`` > ``cutoff_km``) every
    commune to the employment centres (at least ``hub_min_jobs`` jobs) between the cut-off and
    ``hub_radius_km``, within the same zone."""
    near = neighbour_pairs(inputs.lat, inputs.lon, inputs.area_km2, params.cutoff_km)
    if params.hub_radius_km <= params.cutoff_km:
        return near
    hubs = np.flatnonzero(inputs.jobs >= params.hub_min_jobs).astype(np.int32)
    far = hub_pairs(inputs.lat, inputs.lon, hubs, params.cutoff_km, params.hub_radius_km)
    same_zone = inputs.zones[far.origin] == inputs.zones[far.destination]
    far = Pairs(far.origin[same_zone], far.destination[same_zone], far.distance_km[same_zone])
    return merge_pairs(near, far)


def fit(
    inputs: Inputs,
    pairs: Pairs,
    params: Parameters,
    *,
    scale: float | None = None,
    intra_weight: float | None = None,
) -> Flows:
    """The model's flows with the declared (or given) parameters."""
    return gravity_flows(
        pairs,
        inputs.residents,
        inputs.jobs,
        params.scale if scale is None else scale,
        kind=params.kind,
        exponent=params.exponent,
        intra_weight=params.intra_weight if intra_weight is None else intra_weight,
        zones=inputs.zones,
        tolerance=params.tolerance,
        max_iterations=params.max_iterations,
    )


def national_figures(flows: Flows) -> tuple[float, float]:
    """(share 0–1 working in their commune, median km of those working elsewhere)."""
    away = flows.origin != flows.destination
    return self_share(flows), weighted_median(flows.distance_km[away], flows.workers[away])


def published_targets(con: duckdb.DuckDBPyConnection, params: Parameters) -> tuple[float, float]:
    """The two published figures the model is calibrated on (share 0–1, km)."""
    ids = [params.targets["part_commune_residence"], params.targets["mediane_navetteurs"]]
    values = dict(
        con.execute("SELECT id, value FROM reference_figures WHERE id IN (?, ?)", ids).fetchall()
    )
    return float(values[ids[0]]) / 100.0, float(values[ids[1]])


def calibrate(
    con: duckdb.DuckDBPyConnection,
    *,
    params: Parameters | None = None,
    rounds: int = 6,
    log: Any = None,  # noqa: ANN401
) -> tuple[float, float, float, float]:
    """Fit (scale, intra_weight) to the published national figures; returns them with the
    reached (share, median km). Alternating updates: the intra weight by the odds ratio of the
    share working in their commune; the scale (d0 or β) by a secant step on log(median) against
    log(scale), the first step proportional (d0 × target / median, β × median / target)."""
    params = params or load_parameters()
    inputs = load_inputs(con)
    pairs = pairs_for(inputs, params)
    share_target, median_target = published_targets(con, params)
    scale, weight = params.scale, params.intra_weight
    share = median = math.nan
    history: list[tuple[float, float]] = []
    for _ in range(rounds):
        flows = fit(inputs, pairs, params, scale=scale, intra_weight=weight)
        share, median = national_figures(flows)
        if log:
            log(
                f"{params.kind} {scale:.4f}, poids propre = {weight:.3f} : part {share:.4f}, "
                f"médiane {median:.2f} km"
            )
        history.append((math.log(scale), math.log(median)))
        weight *= (share_target / (1 - share_target)) / (share / (1 - share))
        (x1, y1) = history[-1]
        slope = -1.0 if params.kind == "puissance" else 1.0
        if len(history) >= 2:
            (x0, y0) = history[-2]
            if abs(x1 - x0) > 1e-9 and abs(y1 - y0) > 1e-9:
                slope = (y1 - y0) / (x1 - x0)
        scale = math.exp(x1 + (math.log(median_target) - y1) / slope)
    return scale, weight, share, median


def store_flows(
    con: duckdb.DuckDBPyConnection, params: Parameters | None = None
) -> dict[str, float]:
    """Estimate the flows (declared parameters unless ``params``) and write ``navettes_estimees``
    and ``navettes_info``; returns timings and figures (seconds, pairs, iterations, job error,
    stored share, national share/median)."""
    started = time.perf_counter()
    params = params or load_parameters()
    inputs = load_inputs(con)
    pairs = pairs_for(inputs, params)
    t_pairs = time.perf_counter()
    flows = fit(inputs, pairs, params)
    t_fit = time.perf_counter()
    keep = flows.workers >= params.min_stored
    codes = np.asarray(inputs.codes, dtype=object)
    total = float(flows.workers.sum())
    stored = float(flows.workers[keep].sum())
    con.register(
        "navettes_rows",
        {
            "origine": codes[flows.origin[keep]],
            "destination": codes[flows.destination[keep]],
            "actifs": flows.workers[keep],
            "distance_km": flows.distance_km[keep],
        },
    )
    con.execute(
        """CREATE OR REPLACE TABLE navettes_estimees AS
        SELECT origine::VARCHAR AS origine, destination::VARCHAR AS destination,
               actifs::DOUBLE AS actifs, distance_km::DOUBLE AS distance_km
        FROM navettes_rows ORDER BY origine, actifs DESC"""
    )
    con.unregister("navettes_rows")
    share, median = national_figures(flows)
    con.execute(
        """CREATE OR REPLACE TABLE navettes_info AS SELECT
        ?::VARCHAR AS methode, ?::VARCHAR AS reference, ?::VARCHAR AS donnees,
        ?::VARCHAR AS dissuasion, ?::DOUBLE AS echelle, ?::DOUBLE AS exposant,
        ?::DOUBLE AS poids_propre, ?::DOUBLE AS rayon_max_km, ?::DOUBLE AS poles_rayon_km,
        ?::DOUBLE AS poles_emplois_min,
        ?::INTEGER AS iterations, ?::DOUBLE AS part_emplois_mal_attribues,
        ?::DOUBLE AS part_actifs_stockes, ?::DOUBLE AS part_commune_residence,
        ?::DOUBLE AS mediane_navetteurs_km""",
        [
            METHOD,
            METHOD_REFERENCE,
            INPUTS,
            params.kind,
            params.scale,
            params.exponent,
            params.intra_weight,
            params.cutoff_km,
            params.hub_radius_km,
            params.hub_min_jobs,
            flows.iterations,
            flows.job_error,
            stored / total if total > 0 else None,
            share,
            median,
        ],
    )
    return {
        "secondes_paires": t_pairs - started,
        "secondes_ajustement": t_fit - t_pairs,
        "secondes_total": time.perf_counter() - started,
        "paires": float(len(pairs.origin)),
        "flux_stockes": float(keep.sum()),
        "iterations": float(flows.iterations),
        "erreur_emplois": flows.job_error,
        "part_stockee": stored / total if total > 0 else math.nan,
        "part_commune": share,
        "mediane_navetteurs_km": median,
    }
