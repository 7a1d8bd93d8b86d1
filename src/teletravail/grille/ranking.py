"""Rank the candidate sites with established multi-criteria methods (pymcdm) and test how stable
the ranking is when the weights move.

Decision matrix: one row per site, one column per criterion, the median score (0-4, all criteria
« plus c'est haut, mieux c'est »). Only the criteria with a median for every site enter the
ranking (a blank is never read as 0); the others are listed as left out, and the effective
weights are renormalised over the criteria kept.

Methods (pymcdm 1.4.0, the maintained reference implementation):

- ``wsm``: weighted sum, each score divided by 4 (the scale's maximum, so the preference is the
  weighted mean score over 4, comparable between projects);
- ``topsis``: TOPSIS with pymcdm's default min-max normalisation per criterion (a criterion where
  all sites score the same gives them all 1);
- ``promethee``: PROMETHEE II with the « usual » preference function (type I): on a criterion the
  better-scored site is preferred whatever the gap, suited to an ordinal scale; net flow.

Ranks: 1 = best, ties share the mean of their ranks (as ``pymcdm.helpers.rankdata``).

Sensitivity: ``tirages`` draws multiply each effective weight by an independent factor uniform in
[1 − a, 1 + a] (``amplitude`` a = 0.2 by default) and renormalise them to sum 1; the generator is
numpy's ``default_rng(graine)``, so a seed gives the same figures. For speed the three methods are
recomputed for all draws at once in vectorised numpy (:func:`preferences`): WSM and PROMETHEE II
are linear in the weights (a matrix product), and TOPSIS's distances to the ideal and anti-ideal
are square roots of matrix products with the squared weights, because with positive weights the
ideal of a weighted column is its weight times the column's best normalised value. The tests check
that these formulas equal pymcdm's results for the base weights; the base ranking itself is
computed by pymcdm.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict

from teletravail.errors import InputError
from teletravail.grille.catalogue import MAX_LEVEL
from teletravail.grille.scoring import SiteResult

Method = Literal["wsm", "topsis", "promethee"]
METHODS: tuple[Method, ...] = ("wsm", "topsis", "promethee")
METHOD_LABELS: dict[str, str] = {
    "wsm": "Somme pondérée (WSM)",
    "topsis": "TOPSIS",
    "promethee": "PROMETHEE II",
}
DEFAULT_DRAWS = 1000
DEFAULT_AMPLITUDE = 0.2
DEFAULT_SEED = 20231
_TIE = 1e-9
_FROZEN = ConfigDict(frozen=True)
FloatArray = NDArray[np.float64]


class MethodRanking(BaseModel):
    """One method's result: preference value and rank (1 = best) per site id."""

    model_config = _FROZEN

    methode: Method
    libelle: str
    preferences: dict[str, float]
    rangs: dict[str, float]


class SiteStability(BaseModel):
    """How a site's rank holds under perturbed weights, for one method: base rank, share of draws
    (0-1) where its rank is unchanged, share where it is first (alone or tied)."""

    model_config = _FROZEN

    site: str
    methode: Method
    rang_base: float
    part_rang_conserve: float
    part_premier: float


class Sensitivity(BaseModel):
    """The sensitivity analysis: number of draws, amplitude (0.2 = ±20 %), seed, results."""

    model_config = _FROZEN

    tirages: int
    amplitude: float
    graine: int
    sites: list[SiteStability]


class Ranking(BaseModel):
    """Rankings of the sites: the criteria used and left out (with the renormalised weights),
    one result per method, and the sensitivity analysis (None when 0 draws)."""

    model_config = _FROZEN

    criteres_utilises: list[str]
    criteres_ecartes: list[str]
    poids: dict[str, float]
    methodes: list[MethodRanking]
    sensibilite: Sensitivity | None


def decision_matrix(
    sites: Sequence[SiteResult], weights: dict[str, float]
) -> tuple[FloatArray, list[str], list[str], FloatArray]:
    """(matrix sites × criteria kept, kept ids, left-out ids, weights of the kept criteria
    renormalised to 1). Kept: criteria with a median for every site and a positive weight."""
    order = [a.critere for a in sites[0].criteres] if sites else []
    medians = [{a.critere: a.mediane for a in s.criteres} for s in sites]
    kept = [c for c in order if weights.get(c, 0) > 0 and all(m[c] is not None for m in medians)]
    left = [c for c in order if c not in kept and weights.get(c, 0) > 0]
    matrix = np.array([[float(m[c] or 0.0) for c in kept] for m in medians], dtype=float)
    w = np.array([weights[c] for c in kept], dtype=float)
    if kept:
        w = w / w.sum()
    return matrix.reshape(len(sites), len(kept)), kept, left, w


def ranks(preferences: FloatArray) -> FloatArray:
    """Ranks (1 = highest preference, ties within 1e-9 share their mean rank) along the last
    axis; works on one vector or on a draws × sites array.

    One sort for all rows: each row is shifted by a multiple of the value span so that the rows
    follow each other in one sorted vector, and two binary searches count, for every value, the
    values of its row strictly above it and those equal to it."""
    p = np.atleast_2d(np.asarray(preferences, dtype=float))
    rows, n = p.shape
    if n == 0:
        return np.asarray(p.reshape(preferences.shape), dtype=float)
    finite = p[np.isfinite(p)]
    span = float(finite.max() - finite.min()) if finite.size else 0.0
    shifted = p + (np.arange(rows) * (span + 1.0))[:, None]
    flat = np.sort(shifted, axis=None)
    upper = np.searchsorted(flat, shifted + _TIE, side="right")
    lower = np.searchsorted(flat, shifted - _TIE, side="left")
    row_end = (np.arange(rows)[:, None] + 1) * n
    higher = row_end - upper
    equal = upper - lower
    out = 1.0 + higher + (equal - 1) / 2.0
    return np.asarray(out.reshape(preferences.shape), dtype=float)


def preferences(matrix: FloatArray, weights: FloatArray, method: Method) -> FloatArray:
    """Preference values for every row of ``weights`` (draws × criteria, each row summing to 1):
    returns draws × sites, higher is better. Vectorised equivalents of pymcdm's WSM (scores / 4),
    TOPSIS (min-max) and PROMETHEE II (usual) — see the module's docstring."""
    w = np.atleast_2d(weights)
    if method == "wsm":
        return np.asarray(w @ (matrix / MAX_LEVEL).T, dtype=float)
    if method == "topsis":
        lo, hi = matrix.min(axis=0), matrix.max(axis=0)
        span = hi - lo
        same = span == 0
        norm = np.where(same, 1.0, (matrix - lo) / np.where(same, 1.0, span))
        best, worst = norm.max(axis=0), norm.min(axis=0)
        w2 = (w**2).T
        d_plus = np.sqrt(((norm - best) ** 2) @ w2).T
        d_minus = np.sqrt(((norm - worst) ** 2) @ w2).T
        total = d_plus + d_minus
        # every site equal on every criterion: pymcdm divides 0 by 0; here they tie at 0.5
        return np.asarray(
            np.where(total > 0, d_minus / np.where(total > 0, total, 1.0), 0.5), dtype=float
        )
    n = matrix.shape[0]
    diff = matrix[:, None, :] - matrix[None, :, :]  # sites × sites × criteria
    net = ((diff > 0).sum(axis=1) - (diff < 0).sum(axis=1)) / max(n - 1, 1)
    return np.asarray(w @ net.T, dtype=float)


def pymcdm_preferences(matrix: FloatArray, weights: FloatArray, method: Method) -> FloatArray:
    """Preference values computed by pymcdm itself (the reference; imported here because it
    loads matplotlib and pandas, about a second)."""
    from pymcdm.methods import PROMETHEE_II, TOPSIS, WSM

    types = np.ones(matrix.shape[1])
    if method == "wsm":
        body = WSM(normalization_function=lambda x, cost=False: x / MAX_LEVEL)
    elif method == "topsis":
        body = TOPSIS()
    else:
        body = PROMETHEE_II("usual")
    with np.errstate(invalid="ignore", divide="ignore"):  # TOPSIS 0/0: NaN, replaced in rank_sites
        return np.asarray(body(matrix, weights, types, validation=False), dtype=float)


def perturbed_weights(weights: FloatArray, draws: int, amplitude: float, seed: int) -> FloatArray:
    """``draws`` × criteria weights: each multiplied by U(1 − a, 1 + a), rows renormalised."""
    rng = np.random.default_rng(seed)
    factors = rng.uniform(1.0 - amplitude, 1.0 + amplitude, size=(draws, weights.size))
    w = weights[None, :] * factors
    return np.asarray(w / w.sum(axis=1, keepdims=True), dtype=float)


def rank_sites(
    sites: Sequence[SiteResult],
    weights: dict[str, float],
    *,
    methods: Sequence[Method] = METHODS,
    draws: int = DEFAULT_DRAWS,
    amplitude: float = DEFAULT_AMPLITUDE,
    seed: int = DEFAULT_SEED,
) -> Ranking:
    """Rank the sites with each method (pymcdm) and, when ``draws`` > 0, run the sensitivity
    analysis. InputError for fewer than two sites, no criterion scored for every site, a bad
    method, a negative number of draws or an amplitude outside [0, 1)."""
    if len(sites) < 2:
        raise InputError("Classement : il faut au moins deux sites.", field="sites")
    unknown = [m for m in methods if m not in METHODS]
    if unknown or not methods:
        raise InputError(
            f"Méthode inconnue « {', '.join(unknown)} » : choisissez parmi {', '.join(METHODS)}.",
            field="methode",
        )
    if draws < 0:
        raise InputError("Le nombre de tirages doit être positif ou nul.", field="tirages")
    if not 0 <= amplitude < 1:
        raise InputError(
            "L'amplitude doit être comprise entre 0 et 1 (0,2 = ±20 %).", field="amplitude"
        )
    matrix, kept, left, w = decision_matrix(sites, weights)
    if not kept:
        raise InputError(
            "Classement impossible : aucun critère n'a de note pour tous les sites.",
            field="notes",
        )
    ids = [s.site for s in sites]
    results = []
    base_ranks: dict[Method, FloatArray] = {}
    for m in methods:
        pref = pymcdm_preferences(matrix, w, m)
        # TOPSIS when every site scores the same everywhere: pymcdm divides 0 by 0
        pref = np.where(np.isfinite(pref), pref, preferences(matrix, w, m)[0])
        r = ranks(pref)
        base_ranks[m] = r
        results.append(
            MethodRanking(
                methode=m,
                libelle=METHOD_LABELS[m],
                preferences={i: float(p) for i, p in zip(ids, pref, strict=True)},
                rangs={i: float(x) for i, x in zip(ids, r, strict=True)},
            )
        )
    sensitivity = None
    if draws > 0:
        sensitivity = Sensitivity(
            tirages=draws,
            amplitude=amplitude,
            graine=seed,
            sites=sensitivity_of(matrix, w, ids, base_ranks, draws, amplitude, seed),
        )
    return Ranking(
        criteres_utilises=kept,
        criteres_ecartes=left,
        poids={c: float(x) for c, x in zip(kept, w, strict=True)},
        methodes=results,
        sensibilite=sensitivity,
    )


def sensitivity_of(
    matrix: FloatArray,
    weights: FloatArray,
    ids: Sequence[str],
    base_ranks: dict[Method, FloatArray],
    draws: int,
    amplitude: float,
    seed: int,
) -> list[SiteStability]:
    """Per method and site, the share of draws keeping the base rank and the share first."""
    w = perturbed_weights(weights, draws, amplitude, seed)
    out = []
    for m, base in base_ranks.items():
        r = ranks(preferences(matrix, w, m))
        kept = (np.abs(r - base[None, :]) < 1e-9).mean(axis=0)
        top = _first_or_tied(r)
        out += [
            SiteStability(
                site=i,
                methode=m,
                rang_base=float(base[k]),
                part_rang_conserve=float(kept[k]),
                part_premier=float(top[k]),
            )
            for k, i in enumerate(ids)
        ]
    return out


def _first_or_tied(r: FloatArray) -> FloatArray:
    """Share of draws where the site has the best rank of the draw (alone or tied)."""
    best = r.min(axis=1, keepdims=True)
    return np.asarray((np.abs(r - best) < 1e-9).mean(axis=0), dtype=float)
