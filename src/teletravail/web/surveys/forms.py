"""Django forms of the survey pages (DSFR rendering)."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Count, Q, QuerySet
from dsfr.forms import DsfrBaseForm

from teletravail.format_fr import count_text
from teletravail.web.accounts.models import Territory
from teletravail.web.surveys.models import Campaign, Submission, SurveyForm

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def forms_for(territory: Territory) -> QuerySet[SurveyForm]:
    """The forms a campaign of ``territory`` may use: shipped ones and the territory's imports."""
    return SurveyForm.objects.filter(Q(territory__isnull=True) | Q(territory=territory)).order_by(
        "source", "title"
    )


class CampaignForm(DsfrBaseForm, forms.ModelForm):
    """Create or edit a campaign."""

    class Meta:
        model = Campaign
        fields = (
            "title",
            "forms",
            "opens_on",
            "closes_on",
            "purpose",
            "controller",
            "retention_until",
        )
        widgets: ClassVar[dict[str, forms.Widget]] = {
            "forms": forms.CheckboxSelectMultiple,
            "opens_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "closes_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "retention_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "purpose": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts: ClassVar[dict[str, str]] = {
            "purpose": "Pourquoi les réponses sont collectées (affiché aux personnes interrogées).",
            "controller": "Organisme responsable du traitement et contact pour exercer ses droits.",
            "retention_until": "Les réponses sont supprimées automatiquement après cette date.",
        }

    def __init__(self, *args: object, territory: Territory, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["forms"].queryset = forms_for(territory)
        self.fields["forms"].label_from_instance = lambda f: (
            f"{f.title} ({'fourni' if f.territory_id is None else 'importé'}, version {f.version})"
        )

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        opens, closes, keep = (
            data.get("opens_on"),
            data.get("closes_on"),
            data.get("retention_until"),
        )
        if opens and closes and closes < opens:
            self.add_error("closes_on", "La clôture doit suivre l'ouverture.")
        if closes and keep and keep < closes:
            self.add_error(
                "retention_until",
                "La date de fin de conservation doit être postérieure ou égale à la clôture.",
            )
        chosen = data.get("forms")
        if self.instance.pk and chosen is not None:
            kept = {f.pk for f in chosen}
            answered = (
                Submission.objects.filter(campaign=self.instance)
                .exclude(form_id__in=kept)
                .values("form__title")
                .annotate(n=Count("pk"))
                .order_by("form__title")
            )
            for row in answered:
                self.add_error(
                    "forms",
                    f"Le formulaire « {row['form__title']} » a déjà {count_text(row['n'], 'réponse')} dans "
                    "cette campagne : il ne peut pas en être retiré.",
                )
        return data


class UploadForm(DsfrBaseForm):
    """A file to import (an XLSForm, or a KoboToolbox export)."""

    fichier = forms.FileField(label="Fichier")

    def clean_fichier(self) -> UploadedFile:
        upload = self.cleaned_data["fichier"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("Fichier trop volumineux : 20 Mo au plus.")
        return upload


class KoboImportForm(UploadForm):
    """A KoboToolbox export and the campaign form it answers."""

    formulaire = forms.ChoiceField(label="Formulaire concerné")

    def __init__(self, *args: object, choices: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["formulaire"].choices = choices


class ReceiptForm(DsfrBaseForm):
    """A receipt code typed by a respondent."""

    code = forms.CharField(
        label="Code de reçu",
        max_length=40,
        help_text="Le code affiché après l'envoi de vos réponses, par exemple K7QF-9XHM-2BDR-TW4P.",
    )


class TagForm(DsfrBaseForm):
    """A theme given to a free-text answer."""

    reponse = forms.IntegerField(widget=forms.HiddenInput)
    question = forms.CharField(widget=forms.HiddenInput, max_length=200)
    theme = forms.CharField(label="Thème", max_length=100)
