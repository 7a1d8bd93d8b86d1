"""Doubly constrained gravity model of home-to-work flows between communes (pure numpy).

T_ij = A_i O_i B_j D_j f(d_ij), f(d) = exp(−d / d0) (exponential deterrence), where O_i is the
number of employed residents of commune i, D_j the number of jobs in commune j (rescaled to the
same national total), and the balancing factors A_i, B_j are found by iterative proportional
fitting so that every origin sends exactly O_i workers and every destination receives D_j.
Lenormand, Bassolas and Ramasco (2016, Journal of Transport Geography 51) compare trip
distribution models on commuting data, French communes included: the doubly constrained model
with exponential deterrence reproduces commuting flows best among the models they compare.

Distances (km): great-circle between commune centres (Earth radius 6371 km); within a commune,
the mean distance between two points drawn at random in a disc of the commune's area S,
128 / (45 π) × √(S / π) ≈ 0.51 × √S (rule of the project). Sparse computation: only pairs within
``cutoff_km`` of each other are kept (the commune itself always); beyond it f(d) < exp(−cutoff/d0)
is neglected. Variants tried (see docs/methodologie/navettes.md, none kept): power-law and mixed
deterrence (:func:`deterrence`), and extra pairs to the employment centres beyond the cut-off
(:func:`hub_pairs`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

EARTH_RADIUS_KM = 6371.0
INTRA_FACTOR = 128.0 / (45.0 * math.pi) / math.sqrt(math.pi)  # × √(area km²) -> mean km
CHUNK = 512
B_BOUND = 1e12
MIN_POWER_KM = 1.0

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int32]


@dataclass(frozen=True)
class Pairs:
    """Candidate origin-destination pairs: indices into the commune arrays and distances (km)."""

    origin: IntArray
    destination: IntArray
    distance_km: FloatArray


@dataclass(frozen=True)
class Flows:
    """Estimated flows: ``workers`` (employed residents of ``origin`` working in ``destination``)."""

    origin: IntArray
    destination: IntArray
    distance_km: FloatArray
    workers: FloatArray
    iterations: int
    job_error: float  # Σ|received − D_j| / Σ D_j after fitting (fraction of jobs misallocated)


def intra_distance_km(area_km2: FloatArray) -> FloatArray:
    """Mean distance (km) between two random points of a disc of area ``area_km2``."""
    return INTRA_FACTOR * np.sqrt(np.maximum(area_km2, 0.0))


def _unit_vectors(lat: FloatArray, lon: FloatArray) -> FloatArray:
    la, lo = np.radians(lat), np.radians(lon)
    return np.column_stack((np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)))


def haversine_km(
    lat1: FloatArray, lon1: FloatArray, lat2: FloatArray, lon2: FloatArray
) -> FloatArray:
    """Great-circle distance (km) between points given in WGS84 degrees."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    out: FloatArray = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    return out


def neighbour_pairs(
    lat: FloatArray, lon: FloatArray, area_km2: FloatArray, cutoff_km: float
) -> Pairs:
    """Every pair (i, j) with d_ij ≤ cutoff_km, i = j included with its intra-commune distance.

    Communes are sorted by latitude; each block of origins is compared (unit-vector dot products)
    only with the communes of its latitude band widened by the cut-off.
    """
    xyz = _unit_vectors(lat, lon)
    threshold = math.cos(cutoff_km / EARTH_RADIUS_KM)
    margin = math.degrees(cutoff_km / EARTH_RADIUS_KM)
    order = np.argsort(lat, kind="stable")
    sorted_lat = lat[order]
    sorted_xyz = xyz[order]
    origins: list[IntArray] = []
    dests: list[IntArray] = []
    n = len(lat)
    for start in range(0, n, CHUNK):
        stop = min(start + CHUNK, n)
        lo = int(np.searchsorted(sorted_lat, sorted_lat[start] - margin, side="left"))
        hi = int(np.searchsorted(sorted_lat, sorted_lat[stop - 1] + margin, side="right"))
        block = sorted_xyz[start:stop] @ sorted_xyz[lo:hi].T
        rows, cols = np.nonzero(block >= threshold)
        origins.append(order[rows + start].astype(np.int32))
        dests.append(order[cols + lo].astype(np.int32))
    origin = np.concatenate(origins) if origins else np.zeros(0, np.int32)
    destination = np.concatenate(dests) if dests else np.zeros(0, np.int32)
    dist = haversine_km(lat[origin], lon[origin], lat[destination], lon[destination])
    same = origin == destination
    dist[same] = intra_distance_km(area_km2[origin[same]])
    return Pairs(origin, destination, dist)


def deterrence(
    distance_km: FloatArray, kind: str, scale: float, exponent: float = 0.0
) -> FloatArray:
    """Deterrence f(d) (no unit) for distances in km.

    ``kind`` "exponentielle": f(d) = exp(−d / scale), scale = d0 in km. ``kind`` "mixte":
    f(d) = max(d, MIN_POWER_KM)^(−exponent) × exp(−d / scale) (power head, exponential tail).
    ``kind`` "puissance":
    f(d) = max(d, MIN_POWER_KM)^(−scale), scale = the exponent β (no unit); the floor keeps very
    small communes from an infinite deterrence.
    """
    if kind == "exponentielle":
        out: FloatArray = np.exp(-distance_km / scale)
        return out
    if kind == "mixte":
        mixed: FloatArray = np.maximum(distance_km, MIN_POWER_KM) ** (-exponent) * np.exp(
            -distance_km / scale
        )
        return mixed
    if kind == "puissance":
        power: FloatArray = np.maximum(distance_km, MIN_POWER_KM) ** (-scale)
        return power
    raise ValueError(f"dissuasion inconnue : {kind!r} (exponentielle, mixte ou puissance)")


def hub_pairs(
    lat: FloatArray, lon: FloatArray, hubs: IntArray, min_km: float, max_km: float
) -> Pairs:
    """Pairs (i, h) from every commune i to every hub h (indices ``hubs``, e.g. the communes with
    many jobs) with min_km < d_ih ≤ max_km: the long commutes to employment centres beyond the
    neighbourhood radius ``min_km`` (great-circle km)."""
    xyz = _unit_vectors(lat, lon)
    hub_xyz = xyz[hubs]
    low = math.cos(min_km / EARTH_RADIUS_KM)
    high = math.cos(max_km / EARTH_RADIUS_KM)
    origins: list[IntArray] = []
    dests: list[IntArray] = []
    for start in range(0, len(lat), CHUNK * 8):
        block = xyz[start : start + CHUNK * 8] @ hub_xyz.T
        rows, cols = np.nonzero((block < low) & (block >= high))
        origins.append((rows + start).astype(np.int32))
        dests.append(hubs[cols].astype(np.int32))
    origin = np.concatenate(origins) if origins else np.zeros(0, np.int32)
    destination = np.concatenate(dests) if dests else np.zeros(0, np.int32)
    dist = haversine_km(lat[origin], lon[origin], lat[destination], lon[destination])
    return Pairs(origin, destination, dist)


def merge_pairs(first: Pairs, second: Pairs) -> Pairs:
    """Concatenation of two disjoint sets of pairs."""
    return Pairs(
        np.concatenate((first.origin, second.origin)),
        np.concatenate((first.destination, second.destination)),
        np.concatenate((first.distance_km, second.distance_km)),
    )


def gravity_flows(
    pairs: Pairs,
    residents: FloatArray,
    jobs: FloatArray,
    d0_km: float,
    *,
    kind: str = "exponentielle",
    exponent: float = 0.0,
    intra_weight: float = 1.0,
    zones: IntArray | None = None,
    tolerance: float = 1e-3,
    max_iterations: int = 100,
) -> Flows:
    """Fit the doubly constrained model on ``pairs`` (see the module docstring).

    ``d0_km``: the deterrence's scale, d0 in km for the exponential ``kind``, the exponent β for
    the power ``kind`` (see :func:`deterrence`).

    ``residents`` and ``jobs`` per commune (same order as the pair indices); jobs are rescaled to the
    residents' total within each zone (``zones``: a label per commune, e.g. mainland France,
    Corsica and each overseas département, between which no flow is possible). Iterates until every destination receives its jobs within ``tolerance``
    (share of all jobs misallocated, Σ|received − D_j| / Σ D_j) or ``max_iterations`` is reached. Origins with no reachable job keep no flow.
    """
    n = len(residents)
    o, d = pairs.origin, pairs.destination
    f = deterrence(pairs.distance_km, kind, d0_km, exponent)
    f[o == d] *= intra_weight
    zone = np.zeros(n, np.int64) if zones is None else zones.astype(np.int64)
    zone_res = np.bincount(zone, weights=residents)
    zone_jobs = np.bincount(zone, weights=jobs)
    scale = np.divide(zone_res, zone_jobs, out=np.zeros(len(zone_res)), where=zone_jobs > 0)
    target = jobs * scale[zone]
    b = np.ones(n)
    a = np.zeros(n)
    error = previous = math.inf
    iterations = 0
    total = float(target.sum())
    for iterations in range(1, max_iterations + 1):  # noqa: B007 - kept as the count
        row = np.bincount(o, weights=f * (b * target)[d], minlength=n)
        a = np.divide(1.0, row, out=np.zeros(n), where=row > 0)
        col = np.bincount(d, weights=f * (a * residents)[o], minlength=n)
        received = b * target * col
        error = float(np.abs(received - target).sum()) / total if total > 0 else 0.0
        if error <= tolerance or previous - error < tolerance / 10:
            break
        previous = error
        # a destination no resident can reach (isolated commune) keeps b = 0; the bound keeps an
        # infeasible island (jobs ≠ residents within reach) from overflowing
        b = np.clip(np.divide(1.0, col, out=np.zeros(n), where=col > 0), 0.0, B_BOUND)
    workers = (a * residents)[o] * (b * target)[d] * f
    return Flows(o, d, pairs.distance_km, workers, iterations, error)


def self_share(flows: Flows) -> float:
    """Share (0–1) of the workers who work in their commune of residence."""
    total = float(flows.workers.sum())
    same = flows.origin == flows.destination
    return float(flows.workers[same].sum()) / total if total > 0 else math.nan


def weighted_median(values: FloatArray, weights: FloatArray) -> float:
    """Median of ``values`` weighted by ``weights`` (the value where cumulated weight reaches ½)."""
    if len(values) == 0 or float(weights.sum()) <= 0:
        return math.nan
    order = np.argsort(values, kind="stable")
    cum = np.cumsum(weights[order])
    k = int(np.searchsorted(cum, cum[-1] / 2.0))
    return float(values[order][min(k, len(values) - 1)])
