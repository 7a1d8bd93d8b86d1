"""The analysis grid of a project of a place adapted to telework, declared as data in ``grille.toml``.

One declaration per criterion drives the scoring and comparison of sites
(:mod:`teletravail.grille.scoring`, :mod:`teletravail.grille.ranking`), the offline workbook
(:mod:`teletravail.grille.workbook`), the generated methodology (``docs/methodologie/grille-projet.md``),
the command ``teletravail grille`` and the tests. A criterion has a question, one description per
level of the 0-4 scale, the evidence expected, recommendations for a weak score and, where a fact
computed from open data informs it, the key of that fact (``fait``, its ``unite``); with ``sens``
and four ``seuils`` (the values reaching levels 1, 2, 3 and 4) the fact gives a suggested score.

``load_grid()`` validates everything and raises ``SourceError`` naming the file, the criterion, the
key and the bad value; ``parse_grid(text, name)`` does the same on any text (tests);
``grid_problems()`` lists every problem of a parsed grid.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from teletravail.errors import SourceError
from teletravail.format_fr import count_text
from teletravail.toml_errors import toml_error

GRID_FILE = "src/teletravail/grille/grille.toml"
_HINT = "Corrigez la grille du paquet (src/teletravail/grille/grille.toml)"

# The facts about a site computed from open data by ``teletravail.grille.site`` (contract with that
# module: key -> unit). A criterion may name one of them; a test compares this mapping with the
# module once it exists.
FACTS: dict[str, str] = {
    "actifs_navetteurs_20km": "actifs",
    "teletravailleurs_estimes": "télétravailleurs",
    "distance_gare_km": "km",
    "departs_train": "départs par jour",
    "distance_centre_km": "km",
    "friches_commune": "friches",
    "taux_vacance_commune_pct": "%",
    "france_services_1km": "France services",
}

Direction = Literal["croissant", "decroissant"]
DIRECTION_LABELS: dict[str, str] = {
    "croissant": "plus la valeur est élevée, mieux c'est",
    "decroissant": "plus la valeur est faible, mieux c'est",
}
LEVELS = (0, 1, 2, 3, 4)
MAX_LEVEL = LEVELS[-1]
_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_STRICT = ConfigDict(frozen=True, extra="forbid", strict=True)


class Level(BaseModel):
    """One level of the scale: value 0-4, its French label and what it means."""

    model_config = _STRICT

    valeur: int
    libelle: str
    description: str


class Theme(BaseModel):
    """A theme of the grid (besoin, localisation, sobriété…)."""

    model_config = _STRICT

    id: str
    libelle: str
    description: str


class Criterion(BaseModel):
    """A criterion: ``question``, ``niveaux`` (one description per level 0 to 4), ``preuves``
    (evidence expected), ``recommandations`` (for a weak score) and optionally ``fait`` (key of
    :data:`FACTS`) with ``unite``, and ``sens`` + ``seuils`` (values reaching levels 1 to 4) when
    the fact suggests a score."""

    model_config = _STRICT

    id: str
    theme: str
    libelle: str
    question: str
    niveaux: list[str]
    preuves: str
    recommandations: list[str]
    fait: str | None = None
    unite: str | None = None
    sens: Direction | None = None
    seuils: list[float | int] | None = None

    @property
    def suggests(self) -> bool:
        """True when the fact gives a suggested score (it has thresholds)."""
        return self.fait is not None and self.sens is not None and self.seuils is not None


class Grid(BaseModel):
    """The whole grid: scale, themes (in order) and criteria (in declaration order)."""

    model_config = _STRICT

    niveau: list[Level]
    theme: list[Theme]
    critere: list[Criterion]

    @property
    def levels(self) -> list[Level]:
        """The scale, level 0 first."""
        return sorted(self.niveau, key=lambda lv: lv.valeur)

    @property
    def themes(self) -> list[Theme]:
        """The themes in declaration order."""
        return self.theme

    @property
    def criteria(self) -> list[Criterion]:
        """The criteria in declaration order (grouped by theme in the file)."""
        return self.critere

    def level_label(self, value: int) -> str:
        """French label of level ``value`` (« absent » … « excellent »)."""
        return next(lv.libelle for lv in self.niveau if lv.valeur == value)

    def criterion(self, criterion_id: str) -> Criterion:
        """The criterion with this id (KeyError when unknown)."""
        for c in self.critere:
            if c.id == criterion_id:
                return c
        raise KeyError(criterion_id)

    def theme_of(self, theme_id: str) -> Theme:
        """The theme with this id (KeyError when unknown)."""
        for t in self.theme:
            if t.id == theme_id:
                return t
        raise KeyError(theme_id)

    def of_theme(self, theme_id: str) -> list[Criterion]:
        """Criteria of a theme, in declaration order."""
        return [c for c in self.critere if c.theme == theme_id]


def suggested_level(criterion: Criterion, value: float | None) -> int | None:
    """The score (0-4) a fact value suggests, None when the criterion has no thresholds or the
    value is missing. ``croissant``: the level of the highest threshold the value reaches
    (``value >= seuil``); ``decroissant``: the level of the lowest threshold the value does not
    exceed (``value <= seuil``)."""
    if value is None or not criterion.suggests or criterion.seuils is None:
        return None
    level = 0
    for n, seuil in enumerate(criterion.seuils, start=1):
        if (criterion.sens == "croissant" and value >= seuil) or (
            criterion.sens == "decroissant" and value <= seuil
        ):
            level = n
    return level


_SECTIONS = {"critere": "critère", "theme": "thème", "niveau": "niveau"}


def parse_grid(text: str, name: str = GRID_FILE) -> Grid:
    """Parse and check the TOML text of a grid (``name``: the file named in errors).

    Raises ``SourceError`` on the first problem: invalid TOML, a missing, unknown or mistyped key
    (pydantic, strict), then the checks of :func:`grid_problems` (their count said)."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(name, f"TOML invalide ({exc})", hint=_HINT) from exc
    try:
        grid = Grid.model_validate(raw)
    except ValidationError as exc:
        raise toml_error(name, raw, exc, sections=_SECTIONS, hint=_HINT) from None
    problems = grid_problems(grid)
    if problems:
        where, key, value, problem = problems[0]
        more = f" (et {count_text(len(problems) - 1, 'autre problème', 'autres problèmes')})"
        if len(problems) < 2:
            more = ""
        raise SourceError(
            name, f"{where}, clé « {key} » : {problem}{more}", value=value, hint=_HINT
        )
    return grid


def _fact_problems(c: Criterion) -> list[tuple[str, str | None, str]]:
    """(key, value, problem) of the fact, unit, direction and thresholds of a criterion."""
    found: list[tuple[str, str | None, str]] = []
    if c.fait is None:
        for key in ("unite", "sens", "seuils"):
            if getattr(c, key) is not None:
                found.append((key, str(getattr(c, key)), "sans objet sans « fait »"))
        return found
    if c.fait not in FACTS:
        found.append(("fait", c.fait, "fait inconnu (faits admis : " + ", ".join(FACTS) + ")"))
    if not c.unite or not c.unite.strip():
        found.append(("unite", c.unite, "clé manquante ou vide pour un fait"))
    if (c.sens is None) != (c.seuils is None):
        found.append(("seuils", str(c.seuils), "« sens » et « seuils » vont ensemble"))
    elif c.seuils is not None:
        s = c.seuils
        if len(s) != len(LEVELS) - 1:
            found.append(("seuils", str(s), "il faut quatre seuils (niveaux 1, 2, 3 et 4)"))
        elif c.sens == "croissant" and not all(a <= b for a, b in itertools.pairwise(s)):
            found.append(("seuils", str(s), "les seuils d'un sens croissant doivent croître"))
        elif c.sens == "decroissant" and not all(a >= b for a, b in itertools.pairwise(s)):
            found.append(("seuils", str(s), "les seuils d'un sens décroissant doivent décroître"))
    return found


def _criterion_problems(c: Criterion, theme_ids: list[str]) -> list[tuple[str, str | None, str]]:
    found: list[tuple[str, str | None, str]] = []
    if not _ID_RE.match(c.id):
        found.append(("id", c.id, "identifiant invalide (minuscules, chiffres, _)"))
    if c.theme not in theme_ids:
        found.append(("theme", c.theme, "thème inconnu"))
    for key in ("libelle", "question", "preuves"):
        if not str(getattr(c, key)).strip():
            found.append((key, "", "texte vide"))
    if len(c.niveaux) != len(LEVELS) or not all(n.strip() for n in c.niveaux):
        found.append(("niveaux", str(len(c.niveaux)), "il faut une description par niveau (5)"))
    if not c.recommandations or not all(r.strip() for r in c.recommandations):
        found.append(("recommandations", None, "au moins une recommandation non vide"))
    return found + _fact_problems(c)


def grid_problems(grid: Grid) -> list[tuple[str, str, str | None, str]]:
    """Every problem of a parsed grid: (place, key, bad value, problem), in French."""
    found: list[tuple[str, str, str | None, str]] = []
    if sorted(lv.valeur for lv in grid.niveau) != list(LEVELS):
        values = str([lv.valeur for lv in grid.niveau])
        found.append(("échelle", "niveau", values, "il faut les niveaux 0, 1, 2, 3 et 4"))
    theme_ids = [t.id for t in grid.theme]
    for t in grid.theme:
        if theme_ids.count(t.id) > 1:
            found.append((f"thème « {t.id} »", "id", t.id, "identifiant en double"))
        if not _ID_RE.match(t.id):
            found.append((f"thème « {t.id} »", "id", t.id, "identifiant invalide"))
    seen: set[str] = set()
    for c in grid.critere:
        where = f"critère « {c.id} »"
        if c.id in seen:
            found.append((where, "id", c.id, "identifiant en double"))
        seen.add(c.id)
        found += [
            (where, key, value, problem)
            for key, value, problem in _criterion_problems(c, theme_ids)
        ]
    for t in grid.theme:
        if not grid.of_theme(t.id):
            found.append((f"thème « {t.id} »", "id", t.id, "aucun critère"))
    return found


@cache
def load_grid(path: Path | None = None) -> Grid:
    """The package's validated grid (``SourceError`` on the first problem)."""
    target = path or Path(__file__).with_name("grille.toml")
    return parse_grid(target.read_text("utf-8"), GRID_FILE if path is None else str(path))
