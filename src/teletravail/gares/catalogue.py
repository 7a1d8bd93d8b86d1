"""The station-district profile (portrait-robot), declared as data in ``portrait.toml``.

One declaration per feature drives the assessment of a station (:mod:`teletravail.gares.assess`),
the generated methodology (``docs/methodologie/portrait-gare.md``), the command ``teletravail gare``
and the tests. A feature is either observed in the data (``observation = "donnee"``: ``champ`` names
a field of the station features, ``sens`` and its thresholds give its level) or on site
(``observation = "terrain"``: a question and one answer per level).

``load_portrait()`` validates everything and raises ``SourceError`` naming the file, the feature,
the key and the bad value; ``parse_portrait(text, name)`` does the same on any text (tests);
``portrait_problems()`` lists every problem of a parsed profile.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from teletravail.errors import SourceError
from teletravail.toml_errors import toml_error

PORTRAIT_FILE = "src/teletravail/gares/portrait.toml"
_HINT = "Corrigez le portrait-robot du paquet (src/teletravail/gares/portrait.toml)"

# The fields of ``teletravail.gares.features.StationFeatures`` (contract with the data side, in its
# order): a test compares this tuple with the model once that module exists.
FIELDS: tuple[str, ...] = (
    "uic",
    "nom",
    "commune_code",
    "commune_nom",
    "lat",
    "lon",
    "jour",
    "departs_train",
    "departs_car",
    "premier_depart",
    "dernier_depart",
    "metropole_nom",
    "duree_metropole_min",
    "allers_avant_9h",
    "retours_apres_17h30",
    "voyageurs_2015",
    "voyageurs_2023",
    "evolution_voyageurs_pct",
    "heures_ouverture_semaine",
    "wifi",
    "equipements_accessibilite",
    "france_services_1km",
    "autres_gares_1km",
    "lignes_urbaines_1km",
    "distance_centre_km",
    "friches_commune",
    "taux_vacance_commune_pct",
    "zone_abc",
    "prix_m2_appartements",
    "navetteurs_metropole",
    "navetteurs_statut",
)
# Fields that describe the station or qualify another value rather than measure a feature: shown
# with the assessment, never levelled (a test checks every other field backs a feature).
CONTEXT_FIELDS: frozenset[str] = frozenset(
    {
        "uic",
        "nom",
        "commune_code",
        "commune_nom",
        "lat",
        "lon",
        "jour",
        "metropole_nom",
        "voyageurs_2015",
        "zone_abc",
        "navetteurs_statut",
    }
)

Observation = Literal["donnee", "terrain"]
Direction = Literal["croissant", "decroissant", "booleen", "liste"]
DIRECTION_LABELS: dict[str, str] = {
    "croissant": "plus la valeur est élevée, mieux c'est",
    "decroissant": "plus la valeur est faible, mieux c'est",
    "booleen": "oui ou non",
    "liste": "liste non vide ou vide",
}
LEVELS = (0, 1, 2, 3)
_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_STRICT = ConfigDict(frozen=True, extra="forbid", strict=True)


class Level(BaseModel):
    """One level of the scale: value 0-3, its French label and what it means."""

    model_config = _STRICT

    valeur: int
    libelle: str
    description: str


class Theme(BaseModel):
    """A theme of the profile (pôle multimodal, services en gare, quartier, usages)."""

    model_config = _STRICT

    id: str
    libelle: str
    description: str


class Action(BaseModel):
    """An action that closes a gap, and examples of who leads it."""

    model_config = _STRICT

    texte: str
    porteurs: list[str]


class Feature(BaseModel):
    """A feature of the profile.

    Data features (``observation == "donnee"``): ``champ`` (station field), ``unite``, ``sens``,
    and either ``seuils`` (the values reaching levels 1, 2 and 3, for ``croissant`` /
    ``decroissant``; unit ``heure``: hours of the service day, 6.5 = 6:30) or ``niveau_oui`` /
    ``niveau_non`` (``booleen``, ``liste``), and ``sources`` (ids of the source catalogue).
    Field features (``terrain``): ``question`` and ``reponses`` (one per level, 0 to 3).
    """

    model_config = _STRICT

    id: str
    theme: str
    libelle: str
    definition: str
    pourquoi: str
    observation: Observation
    champ: str | None = None
    unite: str | None = None
    sens: Direction | None = None
    seuils: list[float] | None = None
    niveau_oui: int | None = None
    niveau_non: int | None = None
    sources: list[str] = []
    question: str | None = None
    reponses: list[str] | None = None
    action: list[Action]

    @property
    def actions(self) -> list[Action]:
        """The actions that close a gap on this feature."""
        return self.action


class Portrait(BaseModel):
    """The whole profile: scale, themes (in order) and features (in declaration order)."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    niveau: list[Level]
    theme: list[Theme]
    caracteristique: list[Feature]

    @property
    def levels(self) -> list[Level]:
        """The scale, level 0 first."""
        return sorted(self.niveau, key=lambda lv: lv.valeur)

    @property
    def themes(self) -> list[Theme]:
        """The themes in declaration order."""
        return self.theme

    @property
    def features(self) -> list[Feature]:
        """The features in declaration order."""
        return self.caracteristique

    def level_label(self, value: int) -> str:
        """French label of level ``value`` (« absent » ... « exemplaire »)."""
        return next(lv.libelle for lv in self.niveau if lv.valeur == value)

    def feature(self, feature_id: str) -> Feature:
        """The feature with this id (KeyError when unknown)."""
        for f in self.caracteristique:
            if f.id == feature_id:
                return f
        raise KeyError(feature_id)

    def of_theme(self, theme_id: str) -> list[Feature]:
        """Features of a theme, in declaration order."""
        return [f for f in self.caracteristique if f.theme == theme_id]


_SECTIONS = {"caracteristique": "caractéristique", "theme": "thème", "niveau": "niveau"}


def parse_portrait(text: str, name: str = PORTRAIT_FILE) -> Portrait:
    """Parse and check the TOML text of a profile (``name``: the file named in errors).

    Raises ``SourceError`` on the first problem: invalid TOML, a missing, unknown or mistyped key
    (pydantic, strict), then the checks of :func:`portrait_problems`."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(name, f"TOML invalide ({exc})", hint=_HINT) from exc
    try:
        portrait = Portrait.model_validate(raw)
    except ValidationError as exc:
        raise toml_error(name, raw, exc, sections=_SECTIONS, hint=_HINT) from None
    problems = portrait_problems(portrait)
    if problems:
        where, key, value, problem = problems[0]
        more = f" (et {len(problems) - 1} autre(s) problème(s))" if len(problems) > 1 else ""
        raise SourceError(
            name, f"{where}, clé « {key} » : {problem}{more}", value=value, hint=_HINT
        )
    return portrait


def _number_problems(f: Feature) -> list[tuple[str, str | None, str]]:
    """(key, value, problem) of the thresholds of a ``croissant`` / ``decroissant`` feature."""
    if f.seuils is None or len(f.seuils) != 3:
        return [("seuils", str(f.seuils), "il faut trois seuils (niveaux 1, 2 et 3)")]
    s = f.seuils
    if f.sens == "croissant" and not s[0] <= s[1] <= s[2]:
        return [("seuils", str(s), "les seuils d'un sens croissant doivent croître")]
    if f.sens == "decroissant" and not s[0] >= s[1] >= s[2]:
        return [("seuils", str(s), "les seuils d'un sens décroissant doivent décroître")]
    if f.niveau_oui is not None or f.niveau_non is not None:
        return [("niveau_oui", str(f.niveau_oui), "réservé aux sens booleen et liste")]
    return []


def _data_problems(f: Feature, source_ids: set[str]) -> list[tuple[str, str | None, str]]:
    found: list[tuple[str, str | None, str]] = []
    if f.champ is None:
        found.append(("champ", None, "clé manquante pour une observation « donnee »"))
    elif f.champ not in FIELDS:
        found.append(("champ", f.champ, "champ inconnu des caractéristiques de gare"))
    elif f.champ in CONTEXT_FIELDS:
        found.append(("champ", f.champ, "champ de contexte, sans niveau"))
    if not f.unite:
        found.append(("unite", f.unite, "clé manquante ou vide"))
    if f.sens is None:
        found.append(("sens", None, "clé manquante pour une observation « donnee »"))
    elif f.sens in ("croissant", "decroissant"):
        found += _number_problems(f)
    else:
        for key, level in (("niveau_oui", f.niveau_oui), ("niveau_non", f.niveau_non)):
            if level not in LEVELS:
                found.append((key, str(level), "niveau attendu de 0 à 3"))
        if f.seuils is not None:
            found.append(("seuils", str(f.seuils), "sans objet pour ce sens"))
    if not f.sources:
        found.append(("sources", str(f.sources), "aucune source"))
    for s in f.sources:
        if s not in source_ids:
            found.append(("sources", s, "source inconnue du catalogue des sources"))
    if f.question is not None or f.reponses is not None:
        found.append(("question", f.question, "réservé aux observations « terrain »"))
    return found


def _field_problems(f: Feature) -> list[tuple[str, str | None, str]]:
    found: list[tuple[str, str | None, str]] = []
    if not f.question or not f.question.strip():
        found.append(("question", f.question, "clé manquante ou vide"))
    if (
        f.reponses is None
        or len(f.reponses) != len(LEVELS)
        or not all(r.strip() for r in f.reponses)
    ):
        found.append(("reponses", str(f.reponses), "il faut une réponse non vide par niveau (4)"))
    for key in ("champ", "sens", "seuils", "niveau_oui", "niveau_non"):
        if getattr(f, key) is not None:
            found.append((key, str(getattr(f, key)), "sans objet pour une observation « terrain »"))
    if f.sources:
        found.append(("sources", str(f.sources), "sans objet pour une observation « terrain »"))
    return found


def portrait_problems(portrait: Portrait) -> list[tuple[str, str, str | None, str]]:
    """Every problem of a parsed profile: (place, key, bad value, problem), in French."""
    from teletravail.opendata.catalogue import load_catalogue

    source_ids = {s.id for s in load_catalogue()}
    found: list[tuple[str, str, str | None, str]] = []
    if sorted(lv.valeur for lv in portrait.niveau) != list(LEVELS):
        values = str([lv.valeur for lv in portrait.niveau])
        found.append(("échelle", "niveau", values, "il faut les niveaux 0, 1, 2 et 3"))
    theme_ids = [t.id for t in portrait.theme]
    for t in portrait.theme:
        if theme_ids.count(t.id) > 1:
            found.append((f"thème « {t.id} »", "id", t.id, "identifiant en double"))
    seen: set[str] = set()
    for f in portrait.caracteristique:
        where = f"caractéristique « {f.id} »"
        if not _ID_RE.match(f.id):
            found.append((where, "id", f.id, "identifiant invalide (minuscules, chiffres, _)"))
        if f.id in seen:
            found.append((where, "id", f.id, "identifiant en double"))
        seen.add(f.id)
        if f.theme not in theme_ids:
            found.append((where, "theme", f.theme, "thème inconnu"))
        for key in ("libelle", "definition", "pourquoi"):
            if not str(getattr(f, key)).strip():
                found.append((where, key, "", "texte vide"))
        if not f.action:
            found.append((where, "action", None, "aucune action pour combler un écart"))
        for a in f.action:
            if not a.texte.strip() or not a.porteurs or not all(p.strip() for p in a.porteurs):
                found.append((where, "action", a.texte, "action sans texte ou sans porteur"))
        problems = (
            _data_problems(f, source_ids) if f.observation == "donnee" else _field_problems(f)
        )
        found += [(where, key, value, problem) for key, value, problem in problems]
    for t in portrait.theme:
        if not portrait.of_theme(t.id):
            found.append((f"thème « {t.id} »", "id", t.id, "aucune caractéristique"))
    return found


@cache
def load_portrait(path: Path | None = None) -> Portrait:
    """The package's validated profile (``SourceError`` on the first problem)."""
    target = path or Path(__file__).with_name("portrait.toml")
    return parse_portrait(target.read_text("utf-8"), PORTRAIT_FILE if path is None else str(path))
