"""Team invitations: the review's account-takeover reproductions, and the invitation's life cycle.

Each test drives the application through the Django test client on the test database; e-mails go
through Django's e-mail framework (its in-memory outbox under pytest, a real file or a refused SMTP
connection where the test says so).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from teletravail.web.accounts.invitations import hash_token
from teletravail.web.accounts.models import Invitation, Membership, Role, Territory

pytestmark = pytest.mark.django_db

BACKEND = "django.contrib.auth.backends.ModelBackend"
PASSWORD = "un mot de passe assez long 42"
TEAM_A = "/equipes/epci/200039022/"
TEAM_B = "/equipes/epci/200067767/"
LINK = re.compile(r"http://testserver(/invitations/([A-Za-z0-9_-]+)/)")
TOKEN_PATH = re.compile(r"/invitations/[A-Za-z0-9_-]{20,}/")


@pytest.fixture
def team_a() -> Territory:
    return Territory.objects.create(kind="epci", code="200039022", nom="CA Vitré Communauté")


@pytest.fixture
def team_b() -> Territory:
    return Territory.objects.create(kind="epci", code="200067767", nom="CA du Grand Sénonais")


@pytest.fixture
def manager_a(team_a: Territory) -> User:
    user = User.objects.create_user("gestion-a", email="gestion-a@example.org", password=PASSWORD)
    Membership.objects.create(user=user, territory=team_a, role=Role.MANAGER)
    return user


@pytest.fixture
def national() -> User:
    user = User.objects.create_user("national", email="national@example.org", password=PASSWORD)
    Membership.objects.create(user=user, territory=None, role=Role.NATIONAL_ADMIN)
    return user


def _login(user: User, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user, backend=BACKEND)
    return client


def _last_link() -> str:
    """The path of the invitation link of the last e-mail sent."""
    match = LINK.search(mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


def _invite(client: Client, team: str, email: str, role: str = "member") -> str:
    response = client.post(team + "membres/", {"email": email, "role": role})
    assert response.status_code == 302 and response["Location"] == team
    return _last_link()


def _alerts(html: str) -> list[str]:
    return re.findall(r'<div class="fr-alert[^"]*"[^>]*>\s*<p>(.*?)</p>', html, re.S)


def _user_state(user: User) -> tuple[object, ...]:
    fresh = User.objects.get(pk=user.pk)
    memberships = set(fresh.memberships.values_list("territory_id", "role"))
    return fresh.password, fresh.last_login, fresh.email, fresh.is_active, frozenset(memberships)


# --- The review's reproductions ---


def test_inviting_another_teams_first_manager_gives_no_link_and_changes_nothing(
    team_a: Territory, team_b: Territory, manager_a: User, national: User
) -> None:
    # boss-b, first manager of B, has not set a password (the state the old code left a new
    # account in); chef-b is invited by the national administrator to manage B too, no account yet.
    boss_b = User(username="boss-b", email="boss-b@example.org")
    boss_b.set_unusable_password()
    boss_b.save()
    Membership.objects.create(user=boss_b, territory=team_b, role=Role.MANAGER)
    admin_link = _invite(_login(national), TEAM_B, "chef-b@example.org", "manager")
    before = _user_state(boss_b)

    client = _login(manager_a)
    for email in ("boss-b@example.org", "chef-b@example.org"):
        response = client.post(TEAM_A + "membres/", {"email": email, "role": "manager"})
        assert response.status_code == 302 and response["Location"] == TEAM_A
        page = client.get(TEAM_A).content.decode()
        assert f"Invitation envoyée à {email}." in _alerts(page)
        for shown in (response.content.decode(), page):
            assert "boss-b</" not in shown and ">boss-b<" not in shown  # no username
            assert "/mot-de-passe/" not in shown and not TOKEN_PATH.search(shown)  # no link
            assert "Grand Sénonais" not in shown
        # Only the owner of the address receives the link.
        assert mail.outbox[-1].to == [email]
    assert _user_state(boss_b) == before, "the other account was changed"
    assert not Membership.objects.filter(territory=team_a).exclude(user=manager_a).exists()
    # The administrator's invitation still works: nothing invalidated it.
    assert "Grand Sénonais" in Client().get(admin_link).content.decode()


def test_superusers_address_answers_like_an_unknown_one_and_is_attached_only_on_acceptance(
    team_a: Territory, manager_a: User
) -> None:
    root = User.objects.create_superuser("root", email="root@example.org", password=PASSWORD)
    client = _login(manager_a)
    answers = {}
    for email in ("inconnu@example.org", "root@example.org"):
        response = client.post(TEAM_A + "membres/", {"email": email, "role": "member"})
        page = client.get(TEAM_A).content.decode()
        answers[email] = (
            response.status_code,
            response["Location"],
            response.content,
            [a.replace(email, "ADRESSE") for a in _alerts(page)],
            LINK.sub("LIEN", mail.outbox[-1].body),
            mail.outbox[-1].subject,
        )
        assert ">root<" not in page and "root</" not in page
    assert answers["inconnu@example.org"] == answers["root@example.org"]
    assert not Membership.objects.filter(user=root).exists()
    assert not User.objects.filter(email="inconnu@example.org").exists()

    link = _last_link()
    anonymous = Client()
    shown = anonymous.get(link).content.decode()
    assert "connectez-vous avec lui" in shown and 'name="password1"' not in shown
    refused = anonymous.post(
        link, {"username": "pirate", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert refused.status_code == 200 and not User.objects.filter(username="pirate").exists()
    assert not Membership.objects.filter(user=root).exists()
    # The superuser signs in through the login page, comes back to the link and accepts.
    signed = Client()
    login = signed.post("/connexion/", {"username": "root", "password": PASSWORD, "next": link})
    assert login.status_code == 302 and login["Location"] == link
    assert "Accepter l'invitation" in signed.get(link).content.decode()
    assert not Membership.objects.filter(user=root).exists()
    accepted = signed.post(link)
    assert accepted.status_code == 302 and accepted["Location"] == TEAM_A
    assert Membership.objects.get(user=root, territory=team_a).role == Role.MEMBER


def test_new_team_for_an_existing_account_without_password_issues_no_link(
    national: User,
) -> None:
    pending = User(username="chef@example.org", email="chef@example.org")
    pending.set_unusable_password()
    pending.save()
    before = _user_state(pending)
    client = _login(national)
    created = client.post(
        "/equipes/nouvelle/",
        {"q": "vitre", "territoire": "epci:200039022", "email": "Chef@Example.org"},
    )
    assert created.status_code == 302 and created["Location"] == TEAM_A
    assert "/mot-de-passe/" not in created.content.decode()
    territory = Territory.objects.get(code="200039022")
    assert not territory.memberships.exists(), "nobody is attached before accepting"
    invitation = Invitation.objects.get(territory=territory)
    assert (invitation.email, invitation.role) == ("chef@example.org", Role.MANAGER)
    assert _user_state(pending) == before
    assert Client().get("/mot-de-passe/Mg/abc-123/").status_code == 404  # the old path is gone
    again = client.post(
        "/equipes/nouvelle/",
        {"q": "vitre", "territoire": "epci:200039022", "email": "autre@example.org"},
    )
    assert again.status_code == 400 and "invitation en attente" in again.content.decode()


# --- Accepting ---


def test_invitee_without_account_creates_it_and_joins_once(
    team_a: Territory, manager_a: User
) -> None:
    link = _invite(_login(manager_a), TEAM_A, "Nouvelle@Example.org", "reader")
    invitation = Invitation.objects.get()
    assert invitation.email == "nouvelle@example.org"
    token = link.split("/")[2]
    assert invitation.token_hash == hash_token(token) and token not in invitation.token_hash

    anonymous = Client(enforce_csrf_checks=True)
    form = anonymous.get(link)
    assert form.status_code == 200 and 'name="password1"' in form.content.decode()
    assert "Celui que vous saisirez pour vous connecter" in form.content.decode()
    data = {"username": "nouvelle", "password1": PASSWORD, "password2": PASSWORD}
    assert anonymous.post(link, data).status_code == 403  # CSRF
    weak = anonymous.post(
        link,
        {"username": "nouvelle", "password1": "1234", "password2": "1234"},
        HTTP_X_CSRFTOKEN=anonymous.cookies["csrftoken"].value,
    )
    assert weak.status_code == 400 and "trop court" in weak.content.decode()
    assert not User.objects.filter(username="nouvelle").exists()
    done = anonymous.post(link, data, HTTP_X_CSRFTOKEN=anonymous.cookies["csrftoken"].value)
    assert done.status_code == 302 and done["Location"] == TEAM_A
    user = User.objects.get(username="nouvelle")
    assert user.email == "nouvelle@example.org" and user.password.startswith("argon2$")
    assert Membership.objects.get(user=user, territory=team_a).role == Role.READER
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None and invitation.accepted_by == user
    assert anonymous.get(TEAM_A).status_code == 200  # signed in as the new account

    for client in (anonymous, Client()):
        used = client.get(link)
        assert used.status_code == 410 and "déjà été acceptée" in used.content.decode()
    assert Client().post(link, {**data, "username": "autre"}).status_code == 410
    assert User.objects.filter(email="nouvelle@example.org").count() == 1
    assert [h.history_type for h in invitation.history.order_by("history_date")] == ["+", "~"]
    assert not hasattr(invitation.history.first(), "token_hash")


def test_signed_in_user_of_another_address_is_refused_without_learning_the_owner(
    team_a: Territory, manager_a: User
) -> None:
    owner = User.objects.create_user("proprietaire", email="Alice@Example.org", password=PASSWORD)
    link = _invite(_login(manager_a), TEAM_A, "ALICE@example.ORG")
    intruder = User.objects.create_user("intrus", email="intrus@example.org", password=PASSWORD)
    client = _login(intruder)
    for response in (client.get(link), client.post(link)):
        assert response.status_code == 403
        html = response.content.decode()
        assert "destinée à une autre adresse" in html
        assert "proprietaire" not in html and "alice@example.org" not in html.lower()
    assert not Membership.objects.filter(user=intruder, territory=team_a).exists()
    assert Invitation.objects.get().accepted_at is None
    # The owner, whose stored address differs only in case, accepts.
    response = _login(owner).post(link)
    assert response.status_code == 302
    assert Membership.objects.get(user=owner, territory=team_a).role == Role.MEMBER


def test_expired_then_resent_and_revoked_links(team_a: Territory, manager_a: User) -> None:
    client = _login(manager_a)
    old = _invite(client, TEAM_A, "carole@example.org")
    invitation = Invitation.objects.get()
    Invitation.objects.filter(pk=invitation.pk).update(expires=timezone.now() - timedelta(hours=1))
    expired = Client().get(old)
    assert expired.status_code == 410 and "a expiré le" in expired.content.decode()
    assert "(expirée)" in client.get(TEAM_A).content.decode()

    resent = client.post(TEAM_A + f"invitations/{invitation.pk}/renvoyer/")
    assert resent.status_code == 302 and len(mail.outbox) == 2
    new = _last_link()
    assert new != old
    unknown = Client().get(old)
    assert (
        unknown.status_code == 404
        and "seul le lien du dernier courriel" in unknown.content.decode()
    )
    assert Client().get(new).status_code == 200
    invitation.refresh_from_db()
    assert invitation.expires > timezone.now() + timedelta(days=6)

    assert client.post(TEAM_A + f"invitations/{invitation.pk}/annuler/").status_code == 302
    revoked = Client().get(new)
    assert revoked.status_code == 410 and "annulée" in revoked.content.decode()
    page = client.get(TEAM_A).content.decode()
    assert "Aucune invitation en attente." in page
    again = client.post(TEAM_A + f"invitations/{invitation.pk}/renvoyer/", follow=True)
    assert "déjà été acceptée ou annulée" in again.content.decode() and len(mail.outbox) == 2


def test_invitation_dies_when_its_sender_no_longer_manages_the_team(
    team_a: Territory, manager_a: User
) -> None:
    second = User.objects.create_user("second", email="second@example.org")
    Membership.objects.create(user=second, territory=team_a, role=Role.MANAGER)
    link = _invite(_login(manager_a), TEAM_A, "complice@example.org", "manager")
    Membership.objects.filter(user=manager_a).delete()
    withdrawn = Client().get(link)
    assert (
        withdrawn.status_code == 410 and "ne gère plus cette équipe" in withdrawn.content.decode()
    )


# --- Tampering ---


def test_invitations_of_another_team_cannot_be_resent_or_revoked(
    team_a: Territory, team_b: Territory, manager_a: User, national: User
) -> None:
    _invite(_login(national), TEAM_B, "boss-b@example.org", "manager")
    foreign = Invitation.objects.get(territory=team_b)
    reader = User.objects.create_user("lecteur", email="lecteur@example.org")
    Membership.objects.create(user=reader, territory=team_a, role=Role.READER)
    _invite(_login(manager_a), TEAM_A, "x@example.org")
    own = Invitation.objects.get(territory=team_a)
    sent = len(mail.outbox)
    attempts = [
        (manager_a, f"{TEAM_A}invitations/{foreign.pk}/renvoyer/"),  # B's id under A's URL
        (manager_a, f"{TEAM_A}invitations/{foreign.pk}/annuler/"),
        (manager_a, f"{TEAM_B}invitations/{foreign.pk}/renvoyer/"),
        (manager_a, f"{TEAM_B}invitations/{foreign.pk}/annuler/"),
        (reader, f"{TEAM_A}invitations/{own.pk}/renvoyer/"),
        (reader, f"{TEAM_A}invitations/{own.pk}/annuler/"),
        (reader, TEAM_A + "membres/"),
    ]
    hashes = dict(Invitation.objects.values_list("pk", "token_hash"))
    for user, url in attempts:
        response = _login(user).post(url, {"email": "y@example.org", "role": "manager"})
        assert response.status_code == 403, url
        assert "boss-b" not in response.content.decode()
    assert dict(Invitation.objects.values_list("pk", "token_hash")) == hashes
    assert not Invitation.objects.filter(revoked_at__isnull=False).exists()
    assert len(mail.outbox) == sent and Invitation.objects.count() == 2
    assert "boss-b@example.org" not in _login(manager_a).get(TEAM_A).content.decode()
    assert "x@example.org" not in _login(reader).get(TEAM_A).content.decode()


def test_an_invitation_joins_its_own_team_only(
    team_a: Territory, team_b: Territory, manager_a: User, national: User
) -> None:
    link_b = _invite(_login(national), TEAM_B, "dora@example.org", "manager")
    link_a = _invite(_login(manager_a), TEAM_A, "dora@example.org", "reader")
    dora = User.objects.create_user("dora", email="dora@example.org", password=PASSWORD)
    client = _login(dora)
    assert client.post(link_a).status_code == 302
    assert set(dora.memberships.values_list("territory_id", "role")) == {(team_a.pk, "reader")}
    assert client.get(link_a).status_code == 410
    assert client.post(link_b).status_code == 302  # B's invitation was not used by A's
    assert Membership.objects.get(user=dora, territory=team_b).role == Role.MANAGER


def test_address_case_variants_share_one_pending_invitation(
    team_a: Territory, manager_a: User
) -> None:
    client = _login(manager_a)
    first = _invite(client, TEAM_A, "Bob@Example.ORG", "reader")
    second = _invite(client, TEAM_A, " bob@example.org ", "manager")
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role) == ("bob@example.org", Role.MANAGER)
    assert Client().get(first).status_code == 404 and Client().get(second).status_code == 200
    member = client.post(TEAM_A + "membres/", {"email": "GESTION-A@example.org", "role": "reader"})
    assert member.status_code == 400 and "déjà celle d&#x27;un membre" in member.content.decode()


# --- E-mail delivery ---


def test_file_backend_writes_the_link_to_the_courriels_folder(
    settings: Settings, tmp_path: Path, team_a: Territory, manager_a: User
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "courriels"
    _login(manager_a).post(TEAM_A + "membres/", {"email": "eve@example.org", "role": "member"})
    assert (tmp_path / "courriels").stat().st_mode & 0o777 == 0o700
    (written,) = (tmp_path / "courriels").iterdir()
    match = LINK.search(written.read_text())
    assert match and "To: eve@example.org" in written.read_text()
    assert "Accepter" not in Client().get(match.group(1)).content.decode()  # signup form
    assert Client().get(match.group(1)).status_code == 200


def test_smtp_failure_keeps_the_invitation_and_says_what_to_do(
    settings: Settings, team_a: Territory, manager_a: User
) -> None:
    with socket.socket() as probe:  # a port nobody listens on: the connection is refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    client = _login(manager_a)
    response = client.post(TEAM_A + "membres/", {"email": "eve@example.org", "role": "member"})
    assert response.status_code == 302
    page = client.get(TEAM_A).content.decode()
    assert any("pas pu partir" in alert for alert in _alerts(page))
    assert Invitation.objects.filter(email="eve@example.org").exists()


@pytest.mark.parametrize(
    ("environment", "backend"),
    [
        ({}, "django.core.mail.backends.filebased.EmailBackend"),
        (
            {"TELETRAVAIL_EMAIL_HOST": "smtp.example.org"},
            "django.core.mail.backends.smtp.EmailBackend",
        ),
        (
            {"TELETRAVAIL_EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"},
            "django.core.mail.backends.console.EmailBackend",
        ),
    ],
)
def test_email_settings_from_the_environment(
    tmp_path: Path, environment: dict[str, str], backend: str
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELETRAVAIL_EMAIL")}
    env |= {"TELETRAVAIL_SECRET_KEY": "k" * 50, "TELETRAVAIL_VAR": str(tmp_path), **environment}
    code = "import teletravail.web.settings as s;print(s.EMAIL_BACKEND); print(s.EMAIL_FILE_PATH)"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert out[0] == backend
    assert Path(out[1]) == tmp_path / "courriels"


def test_invitations_in_the_back_office_are_read_only(team_a: Territory, manager_a: User) -> None:
    _invite(_login(manager_a), TEAM_A, "eve@example.org")
    root = User.objects.create_superuser("root", email="root@example.org", password=PASSWORD)
    admin = _login(root)
    listing = admin.get("/admin/accounts/invitation/")
    assert listing.status_code == 200 and "eve@example.org" in listing.content.decode()
    invitation = Invitation.objects.get()
    detail = admin.get(f"/admin/accounts/invitation/{invitation.pk}/change/").content.decode()
    assert invitation.token_hash not in detail
    assert admin.get("/admin/accounts/invitation/add/").status_code == 403
    assert admin.get(f"/admin/accounts/invitation/{invitation.pk}/history/").status_code == 200
