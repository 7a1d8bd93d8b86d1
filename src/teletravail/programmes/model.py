"""A territory's programme as plain data: the long-term vision, the themes, the actions (owner,
partners, budget and its funding, schedule, status, what motivated it) and the indicators it
follows. Frozen pydantic models shared by the web application (which stores them in its
database), the spreadsheet import/export and the reports.

Money in euros; dates are calendar days; ``statut`` is one of :data:`STATUSES`.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

_FROZEN = ConfigDict(frozen=True, extra="forbid")

Status = Literal["idee", "prevue", "en_cours", "realisee", "abandonnee"]
#: The statuses of an action, in the order of its life, with their French labels.
STATUSES: dict[str, str] = {
    "idee": "Idée",
    "prevue": "Prévue",
    "en_cours": "En cours",
    "realisee": "Réalisée",
    "abandonnee": "Abandonnée",
}
MotiveKind = Literal["indicateur", "enquete", "grille", "gare"]
#: What can motivate an action: a diagnostic indicator, a survey result, a grid assessment, a
#: station-district gap.
MOTIVE_KINDS: dict[str, str] = {
    "indicateur": "Indicateur du diagnostic",
    "enquete": "Résultat d'enquête",
    "grille": "Évaluation d'un projet de lieu (grille)",
    "gare": "Écart du quartier de gare",
}
#: The themes a new programme starts with (editable).
DEFAULT_THEMES = (
    "Immobilier et bureaux",
    "Mobilité",
    "Vie locale",
    "Transition écologique",
)


class Funding(BaseModel):
    """One source of funding of an action and its amount (euros, None when not known yet)."""

    model_config = _FROZEN

    source: str = Field(max_length=200)
    montant: float | None = Field(default=None, ge=0)


class Motive(BaseModel):
    """What motivated an action: its kind, a reference (indicator id, survey question, project or
    station id), a label for people and, when there is one, the page that shows it."""

    model_config = _FROZEN

    type: MotiveKind
    reference: str = Field(max_length=200)
    libelle: str = Field(max_length=500)
    url: str = Field(default="", max_length=500)


class Action(BaseModel):
    """An action of the programme."""

    model_config = _FROZEN

    titre: str = Field(min_length=1, max_length=300)
    theme: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=5000)
    porteur: str = Field(default="", max_length=200)
    partenaires: str = Field(default="", max_length=1000)
    budget: float | None = Field(default=None, ge=0)
    financements: list[Funding] = Field(default_factory=list)
    debut: date | None = None
    fin: date | None = None
    statut: Status = "idee"
    motifs: list[Motive] = Field(default_factory=list)


class FollowedIndicator(BaseModel):
    """An indicator the programme follows: where its value comes from (``source``: a diagnostic
    indicator id or a survey indicator), its unit, baseline, target and latest value."""

    model_config = _FROZEN

    source: Literal["diagnostic", "enquete"]
    reference: str = Field(max_length=200)
    libelle: str = Field(max_length=300)
    unite: str = Field(default="", max_length=50)
    valeur_initiale: float | None = None
    date_initiale: date | None = None
    cible: float | None = None
    annee_cible: int | None = Field(default=None, ge=2000, le=2100)
    valeur_actuelle: float | None = None
    date_actuelle: date | None = None


class Programme(BaseModel):
    """A territory's vision and programme of actions."""

    model_config = _FROZEN

    territoire: str = Field(description="« Nom (code) » of the commune or EPCI.")
    vision: str = Field(default="", max_length=10000)
    horizon: int | None = Field(default=None, ge=2025, le=2100)
    themes: list[str] = Field(default_factory=lambda: list(DEFAULT_THEMES))
    actions: list[Action] = Field(default_factory=list)
    indicateurs: list[FollowedIndicator] = Field(default_factory=list)
