"""Forms of the grid pages: a project, a candidate site, a tiers-lieu known to the team."""

from __future__ import annotations

from typing import Any

from django import forms

from teletravail.surveys.textcheck import text_problem
from teletravail.web.grille.models import MAX_DESCRIPTION

_INPUT = {"class": "fr-input"}


def _clean_text(value: str) -> str:
    problem = text_problem(value)
    if problem:
        raise forms.ValidationError(problem)
    return value.strip()


class ProjectForm(forms.Form):
    """A new project: its name and what it is about."""

    nom = forms.CharField(label="Nom du projet", max_length=200, widget=forms.TextInput(_INPUT))
    description = forms.CharField(
        label="Description (facultatif)",
        required=False,
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea({**_INPUT, "rows": 3}),
        help_text="Le lieu envisagé, ses publics, son calendrier.",
    )

    def clean_nom(self) -> str:
        """No control character."""
        return _clean_text(self.cleaned_data["nom"])

    def clean_description(self) -> str:
        """No control character."""
        return _clean_text(self.cleaned_data["description"])


class _Position(forms.Form):
    lat = forms.FloatField(
        label="Latitude (degrés décimaux, WGS84)",
        min_value=-90,
        max_value=90,
        widget=forms.NumberInput({**_INPUT, "step": "any"}),
        help_text="Par exemple 48.1229 ; à lire sur le Géoportail (clic droit, « Adresse / "
        "coordonnées du lieu ») ou sur une carte en ligne.",
    )
    lon = forms.FloatField(
        label="Longitude (degrés décimaux, WGS84)",
        min_value=-180,
        max_value=180,
        widget=forms.NumberInput({**_INPUT, "step": "any"}),
        help_text="Par exemple -1.2096 (négative à l'ouest du méridien de Greenwich).",
    )


class SiteForm(_Position):
    """A candidate site: name, address, commune and position."""

    nom = forms.CharField(label="Nom du site", max_length=200, widget=forms.TextInput(_INPUT))
    adresse = forms.CharField(
        label="Adresse (facultatif)", max_length=300, required=False, widget=forms.TextInput(_INPUT)
    )
    commune = forms.CharField(
        label="Commune (facultatif)", max_length=200, required=False, widget=forms.TextInput(_INPUT)
    )
    field_order = ("nom", "adresse", "commune", "lat", "lon")

    def clean(self) -> dict[str, Any]:
        """No control character in the texts."""
        data = super().clean() or {}
        for name in ("nom", "adresse", "commune"):
            if isinstance(data.get(name), str):
                try:
                    data[name] = _clean_text(data[name])
                except forms.ValidationError as exc:
                    self.add_error(name, exc)
        return data


class PlaceForm(_Position):
    """A tiers-lieu or coworking space the team knows, absent from the open data."""

    nom = forms.CharField(label="Nom du tiers-lieu", max_length=200, widget=forms.TextInput(_INPUT))
    field_order = ("nom", "lat", "lon")

    def clean_nom(self) -> str:
        """No control character."""
        return _clean_text(self.cleaned_data["nom"])
