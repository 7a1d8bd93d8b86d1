"""Survey fixtures: a territory with its team (manager, member, reader), a manager of another
territory, a small form of our own (fixtures/mini.md) and an open campaign using it."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from teletravail.web.accounts.models import Membership, Role, Territory
from teletravail.web.surveys.models import Campaign, FormSource, SurveyForm

FIXTURES = Path(__file__).parent / "fixtures"
BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def vitre(db: None) -> Territory:
    return Territory.objects.create(kind="epci", code="200039022", nom="CA Vitré Communauté")


@pytest.fixture
def sens(db: None) -> Territory:
    return Territory.objects.create(kind="epci", code="200067767", nom="CA du Grand Sénonais")


def _user(name: str, territory: Territory, role: str) -> User:
    user = User.objects.create_user(name, email=f"{name}@example.org")
    Membership.objects.create(user=user, territory=territory, role=role)
    return user


@pytest.fixture
def manager(vitre: Territory) -> User:
    return _user("gestion", vitre, Role.MANAGER)


@pytest.fixture
def member(vitre: Territory) -> User:
    return _user("membre", vitre, Role.MEMBER)


@pytest.fixture
def reader(vitre: Territory) -> User:
    return _user("lecteur", vitre, Role.READER)


@pytest.fixture
def other_manager(sens: Territory) -> User:
    return _user("autre", sens, Role.MANAGER)


def login(user: User | None, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    if user is not None:
        client.force_login(user, backend=BACKEND)
    return client


def make_form(territory: Territory | None, name: str = "mini.md", slug: str = "mini") -> SurveyForm:
    data = (FIXTURES / name).read_bytes()
    return SurveyForm.objects.create(
        territory=territory,
        slug=slug,
        title="Mini questionnaire",
        source=FormSource.IMPORTED if territory else FormSource.SHIPPED,
        xlsform=data,
        filename=name,
        sha256=hashlib.sha256(data).hexdigest(),
        form_id="mini",
        version="1",
    )


@pytest.fixture
def mini(vitre: Territory) -> SurveyForm:
    return make_form(vitre)


def make_campaign(territory: Territory, *forms: SurveyForm, days: int = 10) -> Campaign:
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        territory=territory,
        title="Enquête télétravail 2026",
        opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=days),
        purpose="Mesurer le télétravail des habitants",
        controller="CA Vitré Communauté, dpo@example.org",
        retention_until=today + timedelta(days=days + 365),
    )
    campaign.forms.set(forms)
    return campaign


@pytest.fixture
def campaign(vitre: Territory, mini: SurveyForm) -> Campaign:
    return make_campaign(vitre, mini)


def valid_post(uuid: str = "3f1c6a55-8d64-4f0e-9a57-2d0b8a8e7c11") -> dict[str, object]:
    return {
        "_uuid": uuid,
        "situation": "salarie_prive",
        "teletravail": "regulier",
        "jours": "2",
        "lieux": ["domicile", "tiers_lieu"],
        "avis/souhaits": "Un tiers-lieu près de la gare",
        "_n:trajets": "1",
        "trajets[1]/destination": "Rennes",
        "_action": "envoyer",
    }


def today() -> date:
    return timezone.localdate()
