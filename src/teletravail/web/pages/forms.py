"""The impact calculator form: numbers typed the French way ('12,5'), French error messages."""

from __future__ import annotations

import math
from collections.abc import Mapping

from django import forms

from teletravail.format_fr import format_decimal
from teletravail.impact.calculator import MAX_DAYS_PER_WEEK, MAX_DISTANCE_KM, MAX_OCCUPANTS

# The limits as a user reads them ("1 000 km", not "1000 km")
_MAX_KM = format_decimal(MAX_DISTANCE_KM) + " km"
_MAX_DAYS = format_decimal(MAX_DAYS_PER_WEEK)

# Words of the domain's error messages -> the field they are about (first match wins).
ERROR_FIELDS: tuple[tuple[str, str], ...] = (
    ("covoiturage", "occupants"),
    ("occupants", "occupants"),
    ("au bureau", "jours_bureau"),
    ("télétravail", "jours_teletravail"),
    ("distance", "distance"),
    ("mode", "mode"),
)


def error_field(message: str) -> str | None:
    """The form field a domain error message is about (None: the whole form)."""
    low = message.lower()
    for word, field in ERROR_FIELDS:
        if word in low:
            return field
    return None


def _number(text: str | None, label: str, example: str, valid: str = "") -> float | None:
    """The number typed in a field (``valid``: its valid range, said when it is not a number)."""
    if text is None or not text.strip():
        return None
    cleaned = text.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    within = f", {valid}" if valid else ""
    try:
        value = float(cleaned.replace(",", "."))
    except ValueError:
        raise forms.ValidationError(
            f"{label} : « {text} » n'est pas un nombre : indiquez un nombre{within} "
            f"(ex. {example})."
        ) from None
    if not math.isfinite(value):
        raise forms.ValidationError(f"{label} : indiquez un nombre fini{within} (ex. {example}).")
    return value


class ImpactForm(forms.Form):
    """Mode, one-way distance, telework and office days per week, occupants of the car."""

    mode = forms.ChoiceField(
        label="Mode de transport",
        help_text="Facteurs d'émission ADEME Impact CO2.",
        error_messages={
            "required": "Choisissez un mode de transport.",
            "invalid_choice": "Mode de transport inconnu : choisissez-en un dans la liste.",
        },
    )
    distance = forms.CharField(
        label="Distance domicile-travail (aller, en km)",
        help_text=f"Strictement positive, au plus {_MAX_KM}. Exemple : 12,5",
        max_length=20,
        error_messages={"required": "Indiquez la distance domicile-travail aller, en km."},
    )
    jours_teletravail = forms.CharField(
        label="Jours de télétravail par semaine",
        help_text=f"De 0 à {_MAX_DAYS}. Exemple : 2",
        max_length=20,
        error_messages={"required": "Indiquez le nombre de jours de télétravail par semaine."},
    )
    jours_bureau = forms.CharField(
        label="Jours au bureau par semaine (facultatif)",
        help_text="Par défaut : 5 moins les jours de télétravail.",
        max_length=20,
        required=False,
    )
    occupants = forms.IntegerField(
        label="Personnes dans la voiture, conducteur compris",
        help_text=f"De 1 à {MAX_OCCUPANTS} ; plus de 1 pour les voitures seulement.",
        initial=1,
        min_value=1,
        max_value=MAX_OCCUPANTS,
        error_messages={
            "required": "Indiquez le nombre de personnes dans la voiture (1 si seul).",
            "invalid": f"Indiquez un nombre entier de personnes, de 1 à {MAX_OCCUPANTS} (ex. 2).",
            "min_value": "Au moins 1 personne (le conducteur).",
            "max_value": f"Au plus {MAX_OCCUPANTS} personnes, conducteur compris.",
        },
    )

    def __init__(
        self, data: Mapping[str, object] | None = None, *, modes: list[tuple[str, str]]
    ) -> None:
        super().__init__(data)
        field = self.fields["mode"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "— Choisir un mode —"), *modes]

    def clean_distance(self) -> float | None:
        value = _number(
            self.cleaned_data.get("distance"),
            "Distance",
            "12,5",
            f"strictement positif et d'au plus {_MAX_KM}",
        )
        if value is not None and not 0 < value <= MAX_DISTANCE_KM:
            raise forms.ValidationError(
                f"La distance doit être strictement positive et d'au plus {_MAX_KM}."
            )
        return value

    def _days(self, name: str, label: str) -> float | None:
        value = _number(self.cleaned_data.get(name), label, "2", f"entre 0 et {_MAX_DAYS}")
        if value is not None and not 0 <= value <= MAX_DAYS_PER_WEEK:
            raise forms.ValidationError(f"{label} : entre 0 et {_MAX_DAYS} par semaine.")
        return value

    def clean_jours_teletravail(self) -> float | None:
        return self._days("jours_teletravail", "Jours de télétravail")

    def clean_jours_bureau(self) -> float | None:
        return self._days("jours_bureau", "Jours au bureau")
