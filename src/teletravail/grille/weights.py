"""Weights of the themes and criteria: equal by default, entered by hand, or from AHP pairwise
comparisons (Saaty) of the themes and of the criteria of a theme, with their consistency ratio.

Effective weight of a criterion = its theme's share of the theme weights × its share of the
weights of the criteria of its theme; the effective weights sum to 1.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from teletravail.errors import InputError
from teletravail.grille.catalogue import Grid
from teletravail.grille.model import PairwiseComparison, Project

# Saaty's random consistency index by matrix size (Saaty 1980, The Analytic Hierarchy Process).
RANDOM_INDEX: dict[int, float] = {
    1: 0.0,
    2: 0.0,
    3: 0.58,
    4: 0.90,
    5: 1.12,
    6: 1.24,
    7: 1.32,
    8: 1.41,
    9: 1.45,
    10: 1.49,
    11: 1.51,
    12: 1.48,
    13: 1.56,
    14: 1.57,
    15: 1.59,
}
CR_LIMIT = 0.10
_FROZEN = ConfigDict(frozen=True)


class AhpResult(BaseModel):
    """Weights from a pairwise comparison: ``poids`` (id -> weight, sum 1: the normalised
    principal eigenvector), ``lambda_max``, consistency index ``ic = (λmax − n)/(n − 1)``, random
    index ``ia`` (Saaty), consistency ratio ``rc = ic/ia`` (0 for n ≤ 2) and ``incoherent``
    (rc > 0.10)."""

    model_config = _FROZEN

    poids: dict[str, float]
    lambda_max: float
    ic: float
    ia: float
    rc: float
    incoherent: bool


class EffectiveWeights(BaseModel):
    """Effective weights: per criterion (sum 1), per theme (sum 1), how they were set
    (``egaux``: all themes equal and, in each theme, all criteria equal, whether by default or
    entered so; ``saisis``; ``ahp``: at least one pairwise comparison used) and the AHP results
    (themes; criteria per theme id)."""

    model_config = _FROZEN

    criteres: dict[str, float]
    themes: dict[str, float]
    mode: Literal["egaux", "saisis", "ahp"]
    ahp: AhpResult | None = None
    ahp_criteres: dict[str, AhpResult] = {}


def ahp_weights(comparison: PairwiseComparison) -> AhpResult:
    """Principal-eigenvector weights and consistency ratio of a reciprocal comparison matrix.
    InputError when the matrix is not square, has a non-positive value, a diagonal other than 1
    or is not reciprocal (``a[j][i] = 1/a[i][j]`` within 1 %)."""
    ids = comparison.elements
    n = len(ids)
    m = np.asarray(comparison.matrice, dtype=float) if n else np.zeros((0, 0))
    problems: list[str] = []
    if n == 0 or m.shape != (n, n):
        raise InputError(
            f"Comparaison par paires : il faut une matrice carrée de {n} lignes et colonnes.",
            field="ahp",
        )
    if len(set(ids)) != n:
        problems.append("élément en double")
    for i in range(n):
        for j in range(n):
            v = m[i, j]
            if not np.isfinite(v) or v <= 0:
                problems.append(f"{ids[i]} / {ids[j]} : valeur {v} non strictement positive")
            elif i == j and abs(v - 1) > 1e-9:
                problems.append(f"{ids[i]} / {ids[j]} : la diagonale vaut 1")
            elif j > i and abs(m[j, i] * v - 1) > 0.01:
                problems.append(
                    f"{ids[i]} / {ids[j]} = {v:g} mais {ids[j]} / {ids[i]} = {m[j, i]:g} "
                    f"(attendu {1 / v:.3g})"
                )
    if problems:
        raise InputError(
            "Comparaison par paires invalide : " + " ; ".join(problems) + ".", field="ahp"
        )
    values, vectors = np.linalg.eig(m)
    k = int(np.argmax(values.real))
    lam = float(values[k].real)
    vec = np.abs(vectors[:, k].real)
    w = vec / vec.sum()
    ci = (lam - n) / (n - 1) if n > 1 else 0.0
    ri = RANDOM_INDEX.get(n, 1.59)
    cr = ci / ri if ri > 0 else 0.0
    return AhpResult(
        poids={i: float(x) for i, x in zip(ids, w, strict=True)},
        lambda_max=lam,
        ic=ci,
        ia=ri,
        rc=cr,
        incoherent=cr > CR_LIMIT,
    )


def _covering(result: AhpResult, expected: list[str], what: str) -> None:
    """InputError unless the comparison covers exactly ``expected`` ids."""
    missing = [i for i in expected if i not in result.poids]
    extra = [i for i in result.poids if i not in expected]
    if missing or extra:
        raise InputError(
            f"Comparaison par paires {what} : elle doit porter sur tous ses éléments "
            f"(manquants : {', '.join(missing) or 'aucun'} ; inconnus : "
            f"{', '.join(extra) or 'aucun'}).",
            field="ahp",
        )


def effective_weights(project: Project, grid: Grid) -> EffectiveWeights:
    """The effective weights of the project's criteria (see the module's docstring).

    Theme weights come from the AHP comparison of the themes when the project has one (it must
    cover every theme), else from ``project.poids.themes`` (missing = 1); the criteria's shares
    in a theme come from that theme's AHP comparison when there is one (it must cover the
    theme's criteria), else from ``project.poids.criteres``. InputError when all theme weights
    are 0, or when a theme weighs more than 0 while all its criteria weigh 0."""
    raw = project.poids
    theme_ids = [t.id for t in grid.themes]
    unknown = [k for k in project.ahp_criteres if k not in theme_ids]
    if unknown:
        raise InputError(
            f"Comparaison par paires des critères d'un thème inconnu : {', '.join(unknown)}.",
            field="ahp",
        )
    result: AhpResult | None = None
    if project.ahp is not None:
        result = ahp_weights(project.ahp)
        _covering(result, theme_ids, "des thèmes")
        theme_raw = dict(result.poids)
    else:
        theme_raw = {t: raw.themes.get(t, 1.0) for t in theme_ids}
    per_theme: dict[str, AhpResult] = {}
    for tid, comparison in project.ahp_criteres.items():
        per_theme[tid] = ahp_weights(comparison)
        _covering(
            per_theme[tid],
            [c.id for c in grid.of_theme(tid)],
            f"des critères du thème « {grid.theme_of(tid).libelle} »",
        )
    mode: Literal["egaux", "saisis", "ahp"]
    if result is not None or per_theme:
        mode = "ahp"
    else:
        uniform = len(set(theme_raw.values())) == 1 and all(
            len({raw.criteres.get(c.id, 1.0) for c in grid.of_theme(t)}) == 1 for t in theme_ids
        )
        mode = "egaux" if uniform and theme_raw[theme_ids[0]] > 0 else "saisis"
    total = sum(theme_raw.values())
    if not total > 0:
        raise InputError("Poids : au moins un thème doit avoir un poids positif.", field="poids")
    themes = {t: v / total for t, v in theme_raw.items()}
    criteria: dict[str, float] = {}
    for t in grid.themes:
        crits = grid.of_theme(t.id)
        if t.id in per_theme:
            cw = dict(per_theme[t.id].poids)
        else:
            cw = {c.id: raw.criteres.get(c.id, 1.0) for c in crits}
        sub = sum(cw.values())
        if sub <= 0 and themes[t.id] > 0:
            raise InputError(
                f"Poids : le thème « {t.libelle} » a un poids positif mais tous ses critères "
                "ont un poids nul.",
                field="poids",
            )
        for c in crits:
            criteria[c.id] = themes[t.id] * cw[c.id] / sub if sub > 0 else 0.0
    return EffectiveWeights(
        criteres=criteria, themes=themes, mode=mode, ahp=result, ahp_criteres=per_theme
    )
