"""Accounts: password hashing, CSRF on login, object-level rights of territory teams."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.hashers import get_hasher
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.test import Client

from teletravail.web.accounts.models import Membership, Role, Territory

pytestmark = pytest.mark.django_db


def test_argon2_is_the_default_hasher() -> None:
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert get_hasher().algorithm == "argon2"
    user = User.objects.create_user("alice", password="un mot de passe assez long")
    assert user.password.startswith("argon2$")


def test_login_post_without_csrf_token_is_refused() -> None:
    User.objects.create_user("alice", password="un mot de passe assez long")
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/connexion/", {"username": "alice", "password": "un mot de passe assez long"}
    )
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_login_with_csrf_token_succeeds() -> None:
    User.objects.create_user("alice", password="un mot de passe assez long")
    client = Client(enforce_csrf_checks=True)
    page = client.get("/connexion/")
    token = page.cookies["csrftoken"].value
    response = client.post(
        "/connexion/",
        {"username": "alice", "password": "un mot de passe assez long"},
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(username="alice").pk)


@pytest.fixture
def territories() -> tuple[Territory, Territory]:
    a = Territory.objects.create(kind="epci", code="200039022", nom="CA Vitré Communauté")
    b = Territory.objects.create(kind="epci", code="200067767", nom="CA du Grand Sénonais")
    return a, b


@pytest.mark.parametrize(
    ("role", "view", "contribute", "manage"),
    [
        (Role.READER, True, False, False),
        (Role.MEMBER, True, True, False),
        (Role.MANAGER, True, True, True),
    ],
)
def test_roles_hold_on_their_territory_only(
    territories: tuple[Territory, Territory], role: Role, view: bool, contribute: bool, manage: bool
) -> None:
    a, b = territories
    user = User.objects.create_user("bob")
    Membership.objects.create(user=user, territory=a, role=role)
    assert user.has_perm("accounts.view_territory", a) is view
    assert user.has_perm("accounts.contribute_territory", a) is contribute
    assert user.has_perm("accounts.manage_territory", a) is manage
    for perm in ("view", "contribute", "manage"):
        assert user.has_perm(f"accounts.{perm}_territory", b) is False


def test_member_of_a_cannot_manage_b(territories: tuple[Territory, Territory]) -> None:
    a, b = territories
    user = User.objects.create_user("carole")
    Membership.objects.create(user=user, territory=a, role=Role.MANAGER)
    Membership.objects.create(user=user, territory=b, role=Role.MEMBER)
    assert user.has_perm("accounts.manage_territory", a)
    assert not user.has_perm("accounts.manage_territory", b)


def test_national_admin_holds_every_right(territories: tuple[Territory, Territory]) -> None:
    a, b = territories
    user = User.objects.create_user("denis")
    Membership.objects.create(user=user, territory=None, role=Role.NATIONAL_ADMIN)
    assert all(user.has_perm("accounts.manage_territory", t) for t in (a, b))
    superuser = User.objects.create_superuser("root", password="un mot de passe assez long")
    assert superuser.has_perm("accounts.manage_territory", b)


def test_national_role_has_no_territory_and_others_have_one(
    territories: tuple[Territory, Territory],
) -> None:
    user = User.objects.create_user("emma")
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, territory=territories[0], role=Role.NATIONAL_ADMIN)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, territory=None, role=Role.MEMBER)


def test_membership_changes_are_recorded(territories: tuple[Territory, Territory]) -> None:
    user = User.objects.create_user("fanny")
    membership = Membership.objects.create(user=user, territory=territories[0], role=Role.READER)
    membership.role = Role.MANAGER
    membership.save()
    assert [h.role for h in membership.history.order_by("history_date")] == ["reader", "manager"]
