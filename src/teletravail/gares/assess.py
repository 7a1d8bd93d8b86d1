"""Hold a station against the portrait-robot: a level per feature and per theme, gaps, actions.

``assess(features, observations)`` takes plain mappings, so that it works (and is tested) without
the data side: ``features`` maps the station fields (``StationFeatures.model_dump()``) to their
values, ``observations`` maps the ids of the field (terrain) features to the level recorded on site
(0 to 3, None when not observed yet).

Rules:

- a data feature whose value is None (or absent from ``features``) has no level: « donnée non
  disponible », never level 0; a field feature not observed has no level either and goes to the
  checklist;
- ``croissant``: the level is the highest of 1, 2, 3 whose threshold the value reaches (>=), 0
  below the first; ``decroissant``: the highest whose threshold the value does not exceed (<=);
  ``booleen``: ``niveau_oui`` / ``niveau_non``; ``liste``: non-empty / empty list; unit ``heure``
  reads ``"HH:MM"`` as hours (``"06:30"`` = 6.5; the service day goes past 24);
- a theme's level is the mean of its known levels rounded down (a single absent feature pulls the
  theme below « satisfaisant » only as much as its weight among the known ones), None when no
  feature of the theme is known; the numbers of known and unknown features are kept beside it;
- gaps: features whose level is known and below « satisfaisant » (2), with their actions.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict

from teletravail.errors import InputError
from teletravail.gares.catalogue import Action, Feature, Portrait, load_portrait

SATISFYING = 2
UNKNOWN_DATA = "donnée non disponible"
NOT_OBSERVED = "à observer sur place"
_HHMM = re.compile(r"^(\d{1,2}):(\d{2})$")

Value = float | int | str | bool | list[str] | None


class FeatureLevel(BaseModel):
    """The level of one feature for a station (``niveau`` None: the data or the field cannot say
    yet, ``statut`` says which)."""

    model_config = ConfigDict(frozen=True)

    id: str
    theme: str
    libelle: str
    observation: Literal["donnee", "terrain"]
    champ: str | None
    valeur: Value
    unite: str | None
    niveau: int | None
    niveau_libelle: str
    statut: Literal["evalue", "donnee_non_disponible", "non_observe"]
    sources: list[str]


class ThemeLevel(BaseModel):
    """A theme's level: floor of the mean of its known feature levels (None when none is known)."""

    model_config = ConfigDict(frozen=True)

    id: str
    libelle: str
    niveau: int | None
    niveau_libelle: str
    moyenne: float | None
    connues: int
    inconnues: int


class Gap(BaseModel):
    """A feature below « satisfaisant » and the actions that close the gap."""

    model_config = ConfigDict(frozen=True)

    id: str
    theme: str
    libelle: str
    niveau: int
    niveau_libelle: str
    actions: list[Action]


class ChecklistItem(BaseModel):
    """A field feature still to observe on site: the question and its answers (level 0 to 3)."""

    model_config = ConfigDict(frozen=True)

    id: str
    theme: str
    libelle: str
    question: str
    reponses: list[str]


class Assessment(BaseModel):
    """A station held against the profile."""

    model_config = ConfigDict(frozen=True)

    caracteristiques: list[FeatureLevel]
    themes: list[ThemeLevel]
    ecarts: list[Gap]
    a_observer: list[ChecklistItem]
    regle_theme: str = (
        "niveau du thème = moyenne des niveaux connus de ses caractéristiques, arrondie à "
        "l'entier inférieur ; sans niveau connu : non évalué"
    )


def _number(feature: Feature, value: object) -> float:
    """The value as a number (hours for unit ``heure``); InputError when it is not one."""
    if isinstance(value, bool):
        raise _bad(feature, value, "un nombre")
    if isinstance(value, int | float):
        return float(value)
    if feature.unite == "heure" and isinstance(value, str):
        match = _HHMM.match(value.strip())
        if match and int(match.group(2)) < 60:
            return int(match.group(1)) + int(match.group(2)) / 60
        raise _bad(feature, value, "une heure HH:MM")
    raise _bad(feature, value, "un nombre")


def _bad(feature: Feature, value: object, expected: str) -> InputError:
    return InputError(
        f"Caractéristique « {feature.id} » : le champ « {feature.champ} » vaut « {value} », "
        f"attendu {expected}.",
        field=feature.champ or feature.id,
    )


def level_of(feature: Feature, value: object) -> int | None:
    """The level (0-3) of a data feature for ``value``; None when the value is None (unknown)."""
    if value is None:
        return None
    if feature.sens == "booleen":
        if not isinstance(value, bool):
            raise _bad(feature, value, "oui ou non")
        return feature.niveau_oui if value else feature.niveau_non
    if feature.sens == "liste":
        if not isinstance(value, list | tuple):
            raise _bad(feature, value, "une liste")
        return feature.niveau_oui if value else feature.niveau_non
    number = _number(feature, value)
    if math.isnan(number):
        return None
    seuils = feature.seuils or []
    if feature.sens == "croissant":
        return sum(1 for s in seuils if number >= s)
    return sum(1 for s in seuils if number <= s)


def _observed(feature: Feature, observations: Mapping[str, int | None]) -> int | None:
    level = observations.get(feature.id)
    if level is None:
        return None
    if isinstance(level, bool) or not isinstance(level, int) or not 0 <= level <= 3:
        raise InputError(
            f"Observation « {feature.id} » : niveau « {level} » invalide, attendu un entier de 0 "
            "à 3 (0 absent, 1 à renforcer, 2 satisfaisant, 3 exemplaire).",
            field=feature.id,
        )
    return level


def _feature_level(
    portrait: Portrait,
    feature: Feature,
    features: Mapping[str, object],
    observations: Mapping[str, int | None],
) -> FeatureLevel:
    if feature.observation == "donnee":
        raw = features.get(feature.champ or "")
        value: Value = list(raw) if isinstance(raw, list | tuple) else raw  # type: ignore[assignment]
        level = level_of(feature, value)
        statut: Literal["evalue", "donnee_non_disponible", "non_observe"] = (
            "evalue" if level is not None else "donnee_non_disponible"
        )
        missing = UNKNOWN_DATA
    else:
        level = _observed(feature, observations)
        value = level
        statut = "evalue" if level is not None else "non_observe"
        missing = NOT_OBSERVED
    return FeatureLevel(
        id=feature.id,
        theme=feature.theme,
        libelle=feature.libelle,
        observation=feature.observation,
        champ=feature.champ,
        valeur=value,
        unite=feature.unite,
        niveau=level,
        niveau_libelle=portrait.level_label(level) if level is not None else missing,
        statut=statut,
        sources=list(feature.sources),
    )


def theme_level(levels: list[int | None]) -> tuple[int | None, float | None]:
    """(level, mean) of a theme from its features' levels: the floor of the mean of the known
    ones; (None, None) when none is known."""
    known = [lv for lv in levels if lv is not None]
    if not known:
        return None, None
    mean = sum(known) / len(known)
    return math.floor(mean), round(mean, 2)


def assess(
    features: Mapping[str, object],
    observations: Mapping[str, int | None] | None = None,
    *,
    portrait: Portrait | None = None,
) -> Assessment:
    """Hold a station (its fields ``features``, its field ``observations``) against the profile
    (the package's one by default). InputError in French for an observation of an unknown
    feature or of a data feature, a level outside 0-3, or a value of the wrong type."""
    cat = portrait or load_portrait()
    obs = observations or {}
    ids = {f.id: f for f in cat.features}
    for key in obs:
        if key not in ids or ids[key].observation != "terrain":
            terrain = ", ".join(f.id for f in cat.features if f.observation == "terrain")
            raise InputError(
                f"Observation « {key} » inconnue : les observations de terrain sont {terrain}.",
                field=str(key),
            )
    levels = [_feature_level(cat, f, features, obs) for f in cat.features]
    themes: list[ThemeLevel] = []
    for t in cat.themes:
        of_theme = [lv for lv in levels if lv.theme == t.id]
        level, mean = theme_level([lv.niveau for lv in of_theme])
        known = sum(1 for lv in of_theme if lv.niveau is not None)
        themes.append(
            ThemeLevel(
                id=t.id,
                libelle=t.libelle,
                niveau=level,
                niveau_libelle=cat.level_label(level) if level is not None else "non évalué",
                moyenne=mean,
                connues=known,
                inconnues=len(of_theme) - known,
            )
        )
    gaps = [
        Gap(
            id=lv.id,
            theme=lv.theme,
            libelle=lv.libelle,
            niveau=lv.niveau,
            niveau_libelle=lv.niveau_libelle,
            actions=list(ids[lv.id].actions),
        )
        for lv in levels
        if lv.niveau is not None and lv.niveau < SATISFYING
    ]
    checklist = [
        ChecklistItem(
            id=f.id,
            theme=f.theme,
            libelle=f.libelle,
            question=f.question or "",
            reponses=list(f.reponses or []),
        )
        for f, lv in zip(cat.features, levels, strict=True)
        if lv.statut == "non_observe"
    ]
    return Assessment(caracteristiques=levels, themes=themes, ecarts=gaps, a_observer=checklist)
