"""Forms of the programme pages: vision and themes, an action, a comment, a followed indicator."""

from __future__ import annotations

from typing import Any

from django import forms

from teletravail.programmes.model import STATUSES
from teletravail.programmes.workbook import parse_funding
from teletravail.surveys.textcheck import text_problem
from teletravail.web.programmes.models import MAX_COMMENT

_INPUT = {"class": "fr-input"}


def _text(value: str) -> str:
    problem = text_problem(value)
    if problem:
        raise forms.ValidationError(problem)
    return value.replace("\r\n", "\n").strip()


class _Clean(forms.Form):
    """Texts without control characters, line breaks counted once."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, value in list(data.items()):
            if isinstance(value, str):
                try:
                    data[name] = _text(value)
                except forms.ValidationError as exc:
                    self.add_error(name, exc)
        return data


class VisionForm(_Clean):
    """The long-term vision, its horizon and the themes of the programme."""

    vision = forms.CharField(
        label="Vision à long terme",
        required=False,
        max_length=10000,
        widget=forms.Textarea({**_INPUT, "rows": 8}),
        help_text="Le territoire que vous voulez à l'horizon choisi, avec vos élus et vos groupes "
        "de travail locaux.",
    )
    horizon = forms.IntegerField(
        label="Horizon (année)",
        required=False,
        min_value=2025,
        max_value=2100,
        widget=forms.NumberInput(_INPUT),
    )
    themes = forms.CharField(
        label="Thèmes du programme (un par ligne)",
        max_length=3000,
        widget=forms.Textarea({**_INPUT, "rows": 5}),
        help_text="Par exemple : Immobilier et bureaux, Mobilité, Vie locale, Transition "
        "écologique.",
    )

    def clean_themes(self) -> list[str]:
        """One theme per line, each once, at least one, at most 20."""
        lines = [line.strip() for line in self.cleaned_data["themes"].splitlines()]
        themes = list(dict.fromkeys(line for line in lines if line))
        if not themes:
            raise forms.ValidationError("Indiquez au moins un thème.")
        if len(themes) > 20:
            raise forms.ValidationError("Au plus 20 thèmes.")
        if any(len(t) > 200 for t in themes):
            raise forms.ValidationError("Un thème a au plus 200 caractères.")
        return themes

    def clean(self) -> dict[str, Any]:
        """Themes are a list once cleaned: the text checks apply to the other fields."""
        themes = self.cleaned_data.get("themes")
        data = super().clean()
        if themes is not None:
            data["themes"] = themes
        return data


def parse_fundings(text: str) -> list[dict[str, object]]:
    """« Région : 20 000 ; Europe (FEDER) » -> [{"source": "Région", "montant": 20000.0},
    {"source": "Europe (FEDER)", "montant": None}] (the spreadsheet's rule,
    :func:`teletravail.programmes.workbook.parse_funding`); ValidationError in French otherwise."""
    try:
        fundings = parse_funding(text.replace("\n", ";"))
    except ValueError as exc:
        raise forms.ValidationError(
            f"Financement illisible : {exc}. Écrivez « Source : montant », séparés par des "
            "points-virgules (par exemple « Région : 20 000 ; Commune : 5 000 »)."
        ) from None
    if len(fundings) > 20:
        raise forms.ValidationError("Au plus 20 sources de financement.")
    return [f.model_dump(mode="json") for f in fundings]


def fundings_text(raw: object) -> str:
    """The inverse of :func:`parse_fundings`, for the form."""
    from teletravail import format_fr

    parts = []
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict) or not isinstance(item.get("source"), str):
            continue
        amount = item.get("montant")
        if isinstance(amount, int | float):
            parts.append(f"{item['source']} : {format_fr.format_decimal(float(amount), 2)}")
        else:
            parts.append(str(item["source"]))
    return " ; ".join(parts)


class ActionForm(_Clean):
    """An action: what, which theme, who, with whom, how much, when, where it stands."""

    titre = forms.CharField(label="Action", max_length=300, widget=forms.TextInput(_INPUT))
    theme = forms.ChoiceField(label="Thème", widget=forms.Select({"class": "fr-select"}))
    description = forms.CharField(
        label="Description (facultatif)",
        required=False,
        max_length=5000,
        widget=forms.Textarea({**_INPUT, "rows": 4}),
    )
    porteur = forms.CharField(
        label="Porteur", required=False, max_length=200, widget=forms.TextInput(_INPUT)
    )
    partenaires = forms.CharField(
        label="Partenaires", required=False, max_length=1000, widget=forms.TextInput(_INPUT)
    )
    budget = forms.DecimalField(
        label="Budget (€)",
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput({**_INPUT, "step": "any"}),
    )
    financements = forms.CharField(
        label="Financements (facultatif)",
        required=False,
        max_length=3000,
        widget=forms.TextInput(_INPUT),
        help_text="« Source : montant », séparés par des points-virgules, par exemple « Région : "
        "20 000 ; Banque des Territoires : 10 000 ».",
    )
    debut = forms.DateField(
        label="Début", required=False, widget=forms.DateInput({**_INPUT, "type": "date"})
    )
    fin = forms.DateField(
        label="Fin", required=False, widget=forms.DateInput({**_INPUT, "type": "date"})
    )
    statut = forms.ChoiceField(
        label="Statut", choices=list(STATUSES.items()), widget=forms.Select({"class": "fr-select"})
    )

    motifs = forms.MultipleChoiceField(
        label="Ce qui motive l'action (facultatif)",
        required=False,
        widget=forms.SelectMultiple({"class": "fr-select", "size": "8"}),
        help_text="Un indicateur du diagnostic, un résultat d'enquête, un projet de lieu évalué "
        "avec la grille ou un quartier de gare évalué ; plusieurs choix avec Ctrl (ou Cmd).",
    )

    def __init__(
        self,
        *args: Any,  # noqa: ANN401
        themes: list[str],
        motives: list[tuple[str, list[tuple[str, str]]]] | None = None,
        **kwargs: Any,  # noqa: ANN401
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [(t, t) for t in themes]
        if motives:
            self.fields["motifs"].choices = motives
        else:
            del self.fields["motifs"]

    def clean_financements(self) -> list[dict[str, object]]:
        """« Source : montant ; … » as a list."""
        return parse_fundings(_text(self.cleaned_data.get("financements") or ""))

    def clean(self) -> dict[str, Any]:
        """The end is not before the start; the fundings stay a list."""
        fundings = self.cleaned_data.get("financements")
        data = super().clean()
        if fundings is not None:
            data["financements"] = fundings
        debut, fin = data.get("debut"), data.get("fin")
        if debut and fin and fin < debut:
            self.add_error("fin", "La fin ne peut pas précéder le début.")
        return data


class CommentForm(_Clean):
    """A comment on an action."""

    texte = forms.CharField(
        label="Commentaire",
        max_length=MAX_COMMENT,
        widget=forms.Textarea({**_INPUT, "rows": 3}),
    )


class IndicatorForm(forms.Form):
    """A diagnostic indicator to follow, with its target."""

    reference = forms.ChoiceField(
        label="Indicateur du diagnostic", widget=forms.Select({"class": "fr-select"})
    )
    cible = forms.FloatField(
        label="Cible", required=False, widget=forms.NumberInput({**_INPUT, "step": "any"})
    )
    annee_cible = forms.IntegerField(
        label="Année de la cible",
        required=False,
        min_value=2025,
        max_value=2100,
        widget=forms.NumberInput(_INPUT),
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:  # noqa: ANN401
        super().__init__(*args, **kwargs)
        self.fields["reference"].choices = choices
