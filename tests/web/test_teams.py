"""Team flows: invite a member, change a role, remove; CSRF; new team; tokens."""

from __future__ import annotations

import hashlib
import html
import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from teletravail.web.accounts.models import ApiToken, Invitation, Membership, Role, Territory
from teletravail.web.accounts.tokens import create_token

pytestmark = pytest.mark.django_db

BACKEND = "django.contrib.auth.backends.ModelBackend"
TEAM = "/equipes/epci/200039022/"
PASSWORD = "un mot de passe assez long 42"


@pytest.fixture
def vitre() -> Territory:
    return Territory.objects.create(kind="epci", code="200039022", nom="CA Vitré Communauté")


@pytest.fixture
def manager(vitre: Territory) -> User:
    user = User.objects.create_user("gestion", email="gestion@example.org", password=PASSWORD)
    Membership.objects.create(user=user, territory=vitre, role=Role.MANAGER)
    return user


def _login(user: User, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user, backend=BACKEND)
    return client


def test_team_list_shows_only_own_territories(vitre: Territory, manager: User) -> None:
    other = Territory.objects.create(kind="epci", code="200067767", nom="CA du Grand Sénonais")
    Membership.objects.create(
        user=User.objects.create_user("b"), territory=other, role=Role.MANAGER
    )
    page = _login(manager).get("/equipes/")
    assert page.status_code == 200
    assert "CA Vitré Communauté" in page.content.decode()
    assert "Grand Sénonais" not in page.content.decode()
    assert "Créer une équipe territoriale" not in page.content.decode()


def test_team_page_lists_members_and_roles(vitre: Territory, manager: User) -> None:
    reader = User.objects.create_user("lecteur", email="lecteur@example.org")
    Membership.objects.create(user=reader, territory=vitre, role=Role.READER)
    html = _login(manager).get(TEAM).content.decode()
    assert "<h1>Équipe — CA Vitré Communauté</h1>" in html
    assert "lecteur@example.org" in html
    assert "Lecteur" in html and "Gestionnaire du territoire" in html
    assert "Inviter un membre" in html
    # A reader sees the team but not the forms that change it.
    html = _login(reader).get(TEAM).content.decode()
    assert "gestion@example.org" in html
    assert "Inviter un membre" not in html and "Changer le rôle" not in html
    assert "Invitations en attente" not in html


def test_adding_a_member_sends_an_invitation_and_attaches_nobody(
    vitre: Territory, manager: User
) -> None:
    known = User.objects.create_user("connu", email="connu@example.org", password=PASSWORD)
    client = _login(manager)
    response = client.post(TEAM + "membres/", {"email": "Connu@Example.org", "role": "reader"})
    assert response.status_code == 302 and response["Location"] == TEAM
    assert not Membership.objects.filter(user=known, territory=vitre).exists()
    assert User.objects.count() == 2  # no account created either
    (message,) = mail.outbox
    assert message.to == ["connu@example.org"]
    assert re.search(r"http://testserver/invitations/[\w-]+/", message.body)
    page = client.get(TEAM).content.decode()
    assert "Invitation envoyée à connu@example.org." in page
    assert "Invitations en attente" in page and "connu@example.org" in page
    assert ">connu<" not in page  # the account's username is not revealed
    invitation = Invitation.objects.get()
    assert (invitation.territory, invitation.role, invitation.invited_by) == (
        vitre,
        Role.READER,
        manager,
    )
    # The address of a member is refused; bad input says what to fix.
    again = client.post(TEAM + "membres/", {"email": "gestion@example.org", "role": "member"})
    assert again.status_code == 400
    assert "déjà celle d&#x27;un membre" in again.content.decode()
    bad = client.post(TEAM + "membres/", {"email": "pas-une-adresse", "role": "national_admin"})
    assert bad.status_code == 400
    assert (
        Invitation.objects.count() == 1 and Membership.objects.filter(territory=vitre).count() == 1
    )


def test_change_role_and_remove_member(vitre: Territory, manager: User) -> None:
    member = User.objects.create_user("membre", email="membre@example.org")
    m = Membership.objects.create(user=member, territory=vitre, role=Role.MEMBER)
    client = _login(manager)
    response = client.post(TEAM + f"membres/{m.pk}/role/", {f"m{m.pk}-role": "manager"})
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.role == Role.MANAGER
    last = m.history.latest()
    assert last.history_user == manager  # the audit history says who changed it
    response = client.post(TEAM + f"membres/{m.pk}/retirer/")
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=m.pk).exists()
    # The national role is never changed from a team page.
    national = Membership.objects.create(
        user=User.objects.create_user("admin"), territory=None, role=Role.NATIONAL_ADMIN
    )
    assert client.post(TEAM + f"membres/{national.pk}/retirer/").status_code == 403


def test_team_keeps_at_least_one_manager(vitre: Territory, manager: User) -> None:
    own = Membership.objects.get(user=manager)
    client = _login(manager)
    page = client.post(TEAM + f"membres/{own.pk}/role/", {f"m{own.pk}-role": "reader"}, follow=True)
    assert "au moins un gestionnaire" in page.content.decode()
    page = client.post(TEAM + f"membres/{own.pk}/retirer/", follow=True)
    assert "au moins un gestionnaire" in page.content.decode()
    own.refresh_from_db()
    assert own.role == Role.MANAGER


def test_two_managers_cannot_leave_the_team_without_one(vitre: Territory, manager: User) -> None:
    other = User.objects.create_user("autre", email="autre@example.org")
    theirs = Membership.objects.create(user=other, territory=vitre, role=Role.MANAGER)
    own = Membership.objects.get(user=manager)
    first = _login(manager).post(
        TEAM + f"membres/{theirs.pk}/role/", {f"m{theirs.pk}-role": "reader"}
    )
    assert first.status_code == 302
    # The demoted manager's own (now stale) page still posts; the last manager stays.
    refused = _login(other).post(TEAM + f"membres/{own.pk}/retirer/")
    assert refused.status_code == 403
    page = _login(manager).post(TEAM + f"membres/{own.pk}/retirer/", follow=True)
    assert "au moins un gestionnaire" in page.content.decode()
    assert Membership.objects.filter(territory=vitre, role=Role.MANAGER).count() == 1
    # A manager who leaves while another remains goes back to their list of teams.
    Membership.objects.filter(pk=theirs.pk).update(role=Role.MANAGER)
    left = _login(manager).post(TEAM + f"membres/{own.pk}/retirer/")
    assert left.status_code == 302 and left["Location"] == "/equipes/"
    assert not Membership.objects.filter(pk=own.pk).exists()


def test_a_member_leaves_the_team_but_removes_no_one_else(vitre: Territory, manager: User) -> None:
    """A member or reader could not leave a team (403): only a manager could remove them."""
    member = User.objects.create_user("membre", email="membre@example.org")
    mine = Membership.objects.create(user=member, territory=vitre, role=Role.MEMBER)
    reader = User.objects.create_user("lecteur", email="lecteur@example.org")
    theirs = Membership.objects.create(user=reader, territory=vitre, role=Role.READER)
    manager_row = Membership.objects.get(user=manager)
    client = _login(member)
    page = client.get(TEAM).content.decode()
    assert f'action="{TEAM}membres/{mine.pk}/retirer/"' in page and "Quitter l'équipe" in page
    # nobody else: neither a fellow member nor the manager, nor the form for them
    assert f"membres/{theirs.pk}/retirer/" not in page
    for other in (theirs, manager_row):
        assert client.post(TEAM + f"membres/{other.pk}/retirer/").status_code == 403
    assert Membership.objects.filter(territory=vitre).count() == 3
    # another territory's membership with the right territory in the path: 404, not removed
    sens = Territory.objects.create(kind="epci", code="200067767", nom="CA du Grand Sénonais")
    elsewhere = Membership.objects.create(user=member, territory=sens, role=Role.MEMBER)
    assert client.post(TEAM + f"membres/{elsewhere.pk}/retirer/").status_code in (403, 404)
    assert Membership.objects.filter(pk=elsewhere.pk).exists()
    left = client.post(TEAM + f"membres/{mine.pk}/retirer/", follow=True)
    assert left.redirect_chain[-1][0] == "/equipes/"
    assert "Vous avez quitté l'équipe de CA Vitré Communauté." in html.unescape(
        left.content.decode()
    )
    assert not Membership.objects.filter(pk=mine.pk).exists()
    assert Membership.objects.filter(pk=elsewhere.pk).exists()
    assert client.get(TEAM).status_code == 403
    history = Membership.history.filter(id=mine.pk).order_by("history_date")  # type: ignore[attr-defined]
    assert [h.history_type for h in history] == ["+", "-"]


def test_team_actions_require_the_csrf_token(vitre: Territory, manager: User) -> None:
    client = _login(manager, csrf=True)
    refused = client.post(TEAM + "membres/", {"email": "x@example.org", "role": "member"})
    assert refused.status_code == 403
    assert not Invitation.objects.exists() and not mail.outbox
    page = client.get(TEAM)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token
    accepted = client.post(
        TEAM + "membres/",
        {"email": "x@example.org", "role": "member", "csrfmiddlewaretoken": token.group(1)},
    )
    assert accepted.status_code == 302
    invitation = Invitation.objects.get(email="x@example.org", territory=vitre)
    for action in ("renvoyer", "annuler"):
        url = TEAM + f"invitations/{invitation.pk}/{action}/"
        assert client.post(url).status_code == 403
    invitation.refresh_from_db()
    assert invitation.revoked_at is None and len(mail.outbox) == 1


def test_national_admin_creates_a_team() -> None:
    admin = User.objects.create_user("national", email="national@example.org")
    Membership.objects.create(user=admin, territory=None, role=Role.NATIONAL_ADMIN)
    client = _login(admin)
    search = client.get("/equipes/nouvelle/", {"q": "vitre"})
    assert search.status_code == 200
    assert 'value="epci:200039022"' in search.content.decode()
    created = client.post(
        "/equipes/nouvelle/",
        {"q": "vitre", "territoire": "epci:200039022", "email": "chef@example.org"},
    )
    assert created.status_code == 302 and created["Location"] == TEAM
    territory = Territory.objects.get(kind="epci", code="200039022")
    assert territory.nom == "CA Vitré Communauté"
    assert not territory.memberships.exists()  # the first manager joins by accepting
    invitation = territory.invitations.get()
    assert (invitation.email, invitation.role) == ("chef@example.org", Role.MANAGER)
    assert mail.outbox[-1].to == ["chef@example.org"]
    again = client.post(
        "/equipes/nouvelle/",
        {"q": "vitre", "territoire": "epci:200039022", "email": "autre@example.org"},
    )
    assert again.status_code == 400 and "invitation en attente" in again.content.decode()
    unknown = client.post(
        "/equipes/nouvelle/", {"q": "x", "territoire": "epci:999999999", "email": "a@example.org"}
    )
    assert unknown.status_code == 400
    assert not Territory.objects.filter(code="999999999").exists()
    assert len(mail.outbox) == 1


def test_token_key_shown_once_stored_hashed_and_used_by_the_api(
    vitre: Territory, manager: User
) -> None:
    client = _login(manager)
    page = client.post("/equipes/jetons/", {"name": "tableur"})
    match = re.search(r'id="cle" value="(tt_[^"]+)"', page.content.decode())
    assert match
    key = match.group(1)
    token = ApiToken.objects.get(user=manager)
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in {token.prefix, token.name} and token.last_used is None
    assert key not in client.get("/equipes/jetons/").content.decode()

    api = Client()
    response = api.get("/api/v1/equipes/epci/200039022", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert response.json() == {
        "territoire": {"type": "epci", "code": "200039022", "nom": "CA Vitré Communauté"},
        "membres": [
            {
                "identifiant": "gestion",
                "courriel": "gestion@example.org",
                "role": "manager",
                "role_libelle": "Gestionnaire du territoire",
            }
        ],
    }
    token.refresh_from_db()
    assert token.last_used is not None

    assert client.post(f"/equipes/jetons/{token.pk}/supprimer/").status_code == 302
    revoked = api.get("/api/v1/equipes/epci/200039022", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert revoked.status_code == 401
    assert revoked["WWW-Authenticate"] == "Bearer"
    assert revoked.json()["erreur"]["code"] == "non_authentifie"


def test_private_api_for_a_territory_without_team_and_in_openapi() -> None:
    admin = User.objects.create_user("national")
    Membership.objects.create(user=admin, territory=None, role=Role.NATIONAL_ADMIN)
    reader = User.objects.create_user("lecteur")
    admin_key = create_token(admin, "a")[1]
    reader_key = create_token(reader, "r")[1]
    url = "/api/v1/equipes/epci/200067767"
    assert Client().get(url, HTTP_AUTHORIZATION=f"Bearer {admin_key}").status_code == 404
    # Without rights, no difference between a territory with or without a team.
    assert Client().get(url, HTTP_AUTHORIZATION=f"Bearer {reader_key}").status_code == 403
    assert Client().get(url, HTTP_AUTHORIZATION="Bearer tt_faux").status_code == 401
    bad_kind = Client().get("/api/v1/equipes/region/53", HTTP_AUTHORIZATION=f"Bearer {admin_key}")
    assert bad_kind.status_code == 422
    schema = Client().get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/equipes/{kind}/{code}"]["get"]
    assert {"200", "401", "403", "404"} <= set(operation["responses"])
    assert operation["security"]
