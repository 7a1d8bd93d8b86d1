"""Forms of the team pages (DSFR rendering)."""

from __future__ import annotations

from collections.abc import Sequence

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from dsfr.forms import DsfrBaseForm

from teletravail.web.accounts.models import Role

TEAM_ROLES = [(value, Role(value).label) for value in ("member", "reader", "manager")]


class AddMemberForm(DsfrBaseForm):
    """The address to invite, with a territorial role."""

    email = forms.EmailField(label="Adresse électronique", max_length=254)
    role = forms.ChoiceField(label="Rôle", choices=TEAM_ROLES, initial="member")

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()


class RoleForm(DsfrBaseForm):
    """A new territorial role for a membership."""

    role = forms.ChoiceField(label="Rôle", choices=TEAM_ROLES)


class NewTeamForm(DsfrBaseForm):
    """A territory chosen among the search results (``kind:code``) and its first manager."""

    territoire = forms.CharField(label="Territoire", max_length=20, widget=forms.RadioSelect)
    email = forms.EmailField(label="Adresse électronique du premier gestionnaire", max_length=254)

    def __init__(
        self, *args: object, choices: Sequence[tuple[str, str]] = (), **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["territoire"].widget.choices = list(choices)

    def clean_territoire(self) -> tuple[str, str]:
        kind, _, code = str(self.cleaned_data["territoire"]).partition(":")
        if kind not in {"commune", "epci"} or not code:
            raise forms.ValidationError("Choisissez un territoire dans les résultats.")
        return kind, code

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()


class TokenForm(DsfrBaseForm):
    """A name for a new API token."""

    name = forms.CharField(
        label="Nom du jeton",
        max_length=100,
        help_text="Pour le reconnaître : l'outil ou le script qui l'utilise.",
    )


class SignupForm(DsfrBaseForm, UserCreationForm):
    """The invitee's new account: an identifier and a password (the project's validators, Argon2).

    The address is the invitation's, set on the instance before validation (so that the password
    may not resemble it either); it is not a field. Django's French help texts describe the
    password rules from the validators themselves.
    """

    class Meta(UserCreationForm.Meta):
        labels = {"username": "Identifiant"}  # noqa: RUF012  (Django's attribute)
        help_texts = {  # noqa: RUF012
            "username": "Celui que vous saisirez pour vous connecter : 150 caractères au plus, "
            "lettres, chiffres et @ . + - _ uniquement."
        }

    def __init__(self, *args: object, email: str, **kwargs: object) -> None:
        super().__init__(*args, instance=get_user_model()(email=email), **kwargs)
