from __future__ import annotations

import math

import duckdb
import numpy as np
import pytest

from teletravail.errors import WarehouseError
from teletravail.navettes.model import (
    deterrence,
    gravity_flows,
    haversine_km,
    hub_pairs,
    intra_distance_km,
    merge_pairs,
    neighbour_pairs,
    weighted_median,
)
from teletravail.navettes.profile import flows_in_use

# four communes on a line about 11.1 km apart (0.1° of latitude), one far away (another zone)
LAT = np.array([45.0, 45.1, 45.2, 45.3, 16.2])
LON = np.array([2.0, 2.0, 2.0, 2.0, -61.5])
AREA = np.array([16.0, 25.0, 9.0, 4.0, 30.0])


def test_intra_distance_is_mean_distance_in_a_disc() -> None:
    # mean distance between two random points of a disc of radius R is 128 R / (45 π)
    radius = math.sqrt(100.0 / math.pi)
    assert intra_distance_km(np.array([100.0]))[0] == pytest.approx(128 * radius / (45 * math.pi))


def test_pairs_within_cutoff_and_self() -> None:
    pairs = neighbour_pairs(LAT, LON, AREA, 25.0)
    got = set(zip(pairs.origin.tolist(), pairs.destination.tolist(), strict=True))
    assert (0, 0) in got and (4, 4) in got
    assert (0, 1) in got and (0, 2) in got and (0, 3) not in got  # 33 km > 25 km
    assert not any(4 in (o, d) and o != d for o, d in got)
    d01 = pairs.distance_km[(pairs.origin == 0) & (pairs.destination == 1)][0]
    assert d01 == pytest.approx(11.12, abs=0.01)
    assert haversine_km(LAT[:1], LON[:1], LAT[1:2], LON[1:2])[0] == pytest.approx(d01)


def test_doubly_constrained_totals() -> None:
    pairs = neighbour_pairs(LAT, LON, AREA, 50.0)
    residents = np.array([1000.0, 500.0, 200.0, 300.0, 100.0])
    jobs = np.array([300.0, 1200.0, 100.0, 400.0, 50.0])
    zones = np.array([0, 0, 0, 0, 1], dtype=np.int32)
    flows = gravity_flows(pairs, residents, jobs, 10.0, zones=zones, tolerance=1e-9)
    sent = np.bincount(flows.origin, weights=flows.workers, minlength=5)
    received = np.bincount(flows.destination, weights=flows.workers, minlength=5)
    assert sent == pytest.approx(residents)
    # jobs rescaled to the residents of their zone: 2000 / 2000 on the mainland, 100 / 50 overseas
    assert received[:4] == pytest.approx(jobs[:4], rel=1e-6)
    assert received[4] == pytest.approx(100.0)
    assert flows.job_error < 1e-6


def test_intra_weight_keeps_more_workers_home() -> None:
    pairs = neighbour_pairs(LAT, LON, AREA, 50.0)
    residents = np.array([1000.0, 500.0, 200.0, 300.0, 0.0])
    jobs = np.array([600.0, 800.0, 300.0, 300.0, 0.0])
    low = gravity_flows(pairs, residents, jobs, 10.0, intra_weight=1.0)
    high = gravity_flows(pairs, residents, jobs, 10.0, intra_weight=10.0)

    def home(f):  # type: ignore[no-untyped-def]
        same = f.origin == f.destination
        return f.workers[same].sum() / f.workers.sum()

    assert home(high) > home(low)


def test_weighted_median() -> None:
    assert weighted_median(np.array([1.0, 2.0, 10.0]), np.array([1.0, 1.0, 3.0])) == 10.0
    assert weighted_median(np.array([5.0, 1.0]), np.array([1.0, 3.0])) == 1.0
    assert math.isnan(weighted_median(np.array([]), np.array([])))


def test_measured_flows_replace_the_estimate() -> None:
    con = duckdb.connect()
    with pytest.raises(WarehouseError, match="navettes_estimees absente"):
        flows_in_use(con)
    con.execute(
        "CREATE TABLE navettes_estimees (origine VARCHAR, destination VARCHAR, "
        "actifs DOUBLE, distance_km DOUBLE)"
    )
    con.execute(
        "CREATE TABLE mobpro_flux (commune_residence VARCHAR, commune_travail VARCHAR, "
        "etranger BOOLEAN, flux DOUBLE, millesime VARCHAR)"
    )
    assert flows_in_use(con)[1] == "estimation"
    con.execute("INSERT INTO mobpro_flux VALUES ('35360', '35238', false, 10, '2022')")
    _sql, status, _method, reference = flows_in_use(con)
    assert status == "mesure" and "2022" in reference


def test_deterrence_forms() -> None:
    d = np.array([0.5, 10.0, 20.0])
    assert deterrence(d, "exponentielle", 10.0) == pytest.approx(np.exp(-d / 10.0))
    # power law floored at 1 km
    assert deterrence(d, "puissance", 2.0) == pytest.approx([1.0, 0.01, 0.0025])
    mixed = deterrence(d, "mixte", 10.0, 1.0)
    assert mixed == pytest.approx([math.exp(-0.05), 0.1 * math.exp(-1), 0.05 * math.exp(-2)])
    with pytest.raises(ValueError, match="dissuasion inconnue"):
        deterrence(d, "gaussienne", 1.0)


def test_hub_pairs_only_beyond_the_neighbourhood() -> None:
    hubs = np.array([3], dtype=np.int32)  # commune 3 (45.3°N) as the only employment centre
    far = hub_pairs(LAT, LON, hubs, 25.0, 40.0)
    got = set(zip(far.origin.tolist(), far.destination.tolist(), strict=True))
    assert got == {(0, 3)}  # 33.4 km; communes 1 and 2 are within 25 km, commune 4 too far
    near = neighbour_pairs(LAT, LON, AREA, 25.0)
    merged = merge_pairs(near, far)
    assert len(merged.origin) == len(near.origin) + 1
    assert merged.distance_km[-1] == pytest.approx(33.36, abs=0.05)


def test_declared_model_and_benchmark_variants() -> None:
    from benchmarks.navettes import variant

    from teletravail.navettes.estimate import load_parameters

    declared = load_parameters()
    assert declared.kind == "exponentielle" and declared.exponent == 0.0
    assert declared.hub_radius_km <= declared.cutoff_km  # no far pair in the kept model
    far = variant("dissuasion=mixte,alpha=1,echelle=29,poles_rayon_km=150,poles_emplois_min=1e4")
    assert (far.kind, far.exponent, far.scale) == ("mixte", 1.0, 29.0)
    assert (far.hub_radius_km, far.hub_min_jobs) == (150.0, 10000.0)
    assert far.intra_weight == declared.intra_weight
    with pytest.raises(KeyError):
        variant("gamma=2")
