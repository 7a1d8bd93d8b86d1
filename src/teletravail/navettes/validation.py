"""Validation of the estimated flows against the MOBPRO 2014 detail extract.

Observed: table ``mobpro_detail_2014`` (weights IPONDI summed per commune of residence, place of
work and PCS), every resident of the extract (codes of 2014 attached to the COG 2026). The file is
named after the Meuse but holds the residents of the Orne (61: 29,385 rows, 110,996 workers) and of
one commune of the Meuse (55298: 60 rows, 240 workers), see docs/sources.md. Places of
work abroad left out (the model has no foreign jobs; their weight is reported). Estimated: the
stored flows of ``navettes_estimees`` from the same communes of residence, rescaled for each
commune of residence to its observed total (the comparison is on where people work, not on how
many work). Distances: the same rule for both (great-circle between centres, intra-commune mean
distance in a disc of the commune's area). For a PCS, the estimated distribution weights each
commune of residence's estimated destinations by its observed workers of that PCS (the model
itself has no PCS).

Common part of commuters (Lenormand et al. 2016): CPC = 2 Σ min(T_obs, T_est) / (Σ T_obs + Σ T_est)
over all origin-destination pairs, between 0 (nothing in common) and 1 (identical flows).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import duckdb
import numpy as np
import numpy.typing as npt

from teletravail.navettes.estimate import load_parameters
from teletravail.navettes.model import INTRA_FACTOR, weighted_median

BANDS: tuple[tuple[str, float, float], ...] = (
    ("moins de 5 km", 0.0, 5.0),
    ("5 à 10 km", 5.0, 10.0),
    ("10 à 20 km", 10.0, 20.0),
    ("20 à 40 km", 20.0, 40.0),
    ("40 km et plus", 40.0, math.inf),
)
PCS_LABELS = {
    1: "agriculteurs exploitants",
    2: "artisans, commerçants, chefs d'entreprise",
    3: "cadres, professions intellectuelles supérieures",
    4: "professions intermédiaires",
    5: "employés",
    6: "ouvriers",
}

DISTANCE_SQL = f"""CASE WHEN {{a}} = {{b}} THEN {INTRA_FACTOR!r} * sqrt(greatest(k.superf, 0))
     ELSE 2 * 6371.0 * asin(sqrt(least(1, pow(sin(radians(cb.lat - ca.lat) / 2), 2)
          + cos(radians(ca.lat)) * cos(radians(cb.lat)) * pow(sin(radians(cb.lon - ca.lon) / 2), 2))))
     END"""


@dataclass(frozen=True)
class Summary:
    """Observed or estimated figures: workers, share in own commune (0–1), mean and median km,
    share beyond 20 km (0–1), share per distance band (0–1, :data:`BANDS` order)."""

    workers: float
    own_commune: float
    mean_km: float
    median_km: float
    beyond_20km: float
    bands: tuple[float, ...]


@dataclass(frozen=True)
class Validation:
    """The validation table: CPC, observed vs estimated overall and per PCS (1..6)."""

    cpc: float
    origins: int
    departements: dict[str, float]
    abroad_workers: float
    observed: Summary
    observed_within_cutoff: Summary
    cutoff_km: float
    estimated: Summary
    by_pcs: dict[int, tuple[Summary, Summary]]


def summarize(
    dist: npt.NDArray[np.float64], weights: npt.NDArray[np.float64], same: npt.NDArray[np.bool_]
) -> Summary:
    """:class:`Summary` of weighted distances (``same``: flow within the commune)."""
    total = float(weights.sum())
    if total <= 0:
        nan = math.nan
        return Summary(0.0, nan, nan, nan, nan, tuple(nan for _ in BANDS))
    return Summary(
        workers=total,
        own_commune=float(weights[same].sum()) / total,
        mean_km=float((weights * dist).sum()) / total,
        median_km=weighted_median(dist, weights),
        beyond_20km=float(weights[dist > 20.0].sum()) / total,
        bands=tuple(
            float(weights[(dist >= lo) & (dist < hi)].sum()) / total for _, lo, hi in BANDS
        ),
    )


def validate(con: duckdb.DuckDBPyConnection) -> Validation:
    """Compare ``navettes_estimees`` with the Meuse extract (see the module docstring)."""
    abroad_row = con.execute(
        "SELECT coalesce(sum(poids), 0) FROM mobpro_detail_2014 WHERE etranger"
    ).fetchone()
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _obs AS
        SELECT m.commune_residence AS o, m.commune_travail AS d, m.cs1, sum(m.poids) AS w,
               any_value({DISTANCE_SQL.format(a="m.commune_residence", b="m.commune_travail")})
                   AS dist
        FROM mobpro_detail_2014 m
        JOIN communes ca ON ca.code = m.commune_residence
        JOIN communes cb ON cb.code = m.commune_travail
        LEFT JOIN comparateur_2018 k ON k.commune_code = m.commune_residence
        WHERE NOT m.etranger
        GROUP BY ALL"""
    )
    obs = con.execute("SELECT o, d, cs1, w, dist FROM _obs").fetchall()
    est = con.execute(
        """WITH tot AS (SELECT o, sum(w) AS t FROM _obs GROUP BY o),
        e AS (SELECT n.origine AS o, n.destination AS d, n.actifs, n.distance_km
              FROM navettes_estimees n JOIN tot ON tot.o = n.origine)
        SELECT e.o, e.d, e.actifs * tot.t / sum(e.actifs) OVER (PARTITION BY e.o) AS w,
               e.distance_km, e.actifs / sum(e.actifs) OVER (PARTITION BY e.o) AS p
        FROM e JOIN tot USING (o)"""
    ).fetchall()
    con.execute("DROP TABLE _obs")
    obs_od: dict[tuple[str, str], float] = {}
    for o, d, _cs, w, _dist in obs:
        obs_od[(o, d)] = obs_od.get((o, d), 0.0) + float(w)
    est_od = {(o, d): float(w) for o, d, w, _dist, _p in est}
    common = sum(min(w, est_od.get(k, 0.0)) for k, w in obs_od.items())
    total = sum(obs_od.values()) + sum(est_od.values())
    cpc = 2.0 * common / total if total > 0 else math.nan

    cutoff = load_parameters().cutoff_km
    o_dist = np.array([r[4] for r in obs], dtype=float)
    o_w = np.array([r[3] for r in obs], dtype=float)
    o_same = np.array([r[0] == r[1] for r in obs])
    e_dist = np.array([r[3] for r in est], dtype=float)
    e_w = np.array([r[2] for r in est], dtype=float)
    e_same = np.array([r[0] == r[1] for r in est])
    e_origin = [r[0] for r in est]
    e_share = np.array([r[4] for r in est], dtype=float)
    by_pcs: dict[int, tuple[Summary, Summary]] = {}
    for cs in PCS_LABELS:
        mask = np.array([r[2] == cs for r in obs])
        per_origin: dict[str, float] = {}
        for r in obs:
            if r[2] == cs:
                per_origin[r[0]] = per_origin.get(r[0], 0.0) + float(r[3])
        weights = e_share * np.array([per_origin.get(o, 0.0) for o in e_origin])
        by_pcs[cs] = (
            summarize(o_dist[mask], o_w[mask], o_same[mask]),
            summarize(e_dist, weights, e_same),
        )
    return Validation(
        cpc=cpc,
        origins=len({r[0] for r in obs}),
        departements=dict(
            con.execute(
                "SELECT left(code_residence_source, 2), sum(poids) FROM mobpro_detail_2014 "
                "GROUP BY 1 ORDER BY 2 DESC"
            ).fetchall()
        ),
        abroad_workers=float(abroad_row[0]) if abroad_row else 0.0,
        observed=summarize(o_dist, o_w, o_same),
        observed_within_cutoff=summarize(
            o_dist[o_dist <= cutoff], o_w[o_dist <= cutoff], o_same[o_dist <= cutoff]
        ),
        cutoff_km=cutoff,
        estimated=summarize(e_dist, e_w, e_same),
        by_pcs=by_pcs,
    )


def _n(x: float) -> str:
    return f"{x:,.0f}".replace(",", "\u202f")


def _pct(x: float) -> str:
    return "n.d." if math.isnan(x) else f"{x * 100:.1f} %".replace(".", ",")


def _km(x: float) -> str:
    return "n.d." if math.isnan(x) else f"{x:.1f} km".replace(".", ",")


def render_validation(v: Validation) -> str:
    """The validation table as Markdown (French labels)."""
    lines = [
        f"Partie commune des navetteurs (CPC) : {v.cpc:.3f}".replace(".", ","),
        f"Communes de résidence : {v.origins} ; actifs observés (hors étranger) : "
        f"{_n(v.observed.workers)} ; travaillant à l'étranger, exclus : {_n(v.abroad_workers)}",
        "Actifs par département de résidence : "
        + ", ".join(f"{d} : {w:,.0f}".replace(",", " ") for d, w in v.departements.items()),
        "",
        "| indicateur | observé (MOBPRO 2014) | estimé (modèle) |",
        "|---|---|---|",
        f"| part travaillant dans sa commune | {_pct(v.observed.own_commune)} | "
        f"{_pct(v.estimated.own_commune)} |",
        f"| distance moyenne | {_km(v.observed.mean_km)} | {_km(v.estimated.mean_km)} |",
        f"| distance médiane | {_km(v.observed.median_km)} | {_km(v.estimated.median_km)} |",
        f"| part au-delà de 20 km | {_pct(v.observed.beyond_20km)} | "
        f"{_pct(v.estimated.beyond_20km)} |",
    ]
    w = v.observed_within_cutoff
    lines += [
        "",
        f"Observé, trajets de {v.cutoff_km:.0f} km au plus (rayon du modèle) : "
        f"{_pct(w.workers / v.observed.workers if v.observed.workers else math.nan)} des actifs, "
        f"distance moyenne {_km(w.mean_km)}, médiane {_km(w.median_km)}, au-delà de 20 km "
        f"{_pct(w.beyond_20km)}.",
        "",
        "| tranche de distance | observé | estimé |",
        "|---|---|---|",
    ]
    for (label, _lo, _hi), ob, es in zip(BANDS, v.observed.bands, v.estimated.bands, strict=True):
        lines.append(f"| {label} | {_pct(ob)} | {_pct(es)} |")
    lines += [
        "",
        "| PCS | actifs observés | moyenne observée | moyenne estimée | médiane observée | "
        "médiane estimée | > 20 km observé | > 20 km estimé |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for cs, (o, e) in v.by_pcs.items():
        lines.append(
            f"| {cs} {PCS_LABELS[cs]} | {_n(o.workers)} | {_km(o.mean_km)} | {_km(e.mean_km)} | "
            f"{_km(o.median_km)} | {_km(e.median_km)} | {_pct(o.beyond_20km)} | "
            f"{_pct(e.beyond_20km)} |"
        )
    return "\n".join(lines)
