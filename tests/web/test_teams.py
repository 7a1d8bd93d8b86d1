"""Team flows: add a member (set-password link), change a role, remove; CSRF; new team; tokens."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from teletravail.web.accounts.models import ApiToken, Membership, Role, Territory
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
    assert "Ajouter un membre" in html
    # A reader sees the team but not the forms that change it.
    html = _login(reader).get(TEAM).content.decode()
    assert "gestion@example.org" in html
    assert "Ajouter un membre" not in html and "Changer le rôle" not in html


def test_add_new_member_gives_a_one_time_set_password_link(vitre: Territory, manager: User) -> None:
    client = _login(manager)
    page = client.post(TEAM + "membres/", {"email": "Nouvelle@Example.org", "role": "member"})
    assert page.status_code == 200
    user = User.objects.get(email="nouvelle@example.org")
    assert not user.has_usable_password()
    assert Membership.objects.get(user=user, territory=vitre).role == Role.MEMBER
    match = re.search(r'value="(http://testserver/mot-de-passe/[^"]+/)"', page.content.decode())
    assert match, "the page shows the set-password link"
    link = match.group(1).removeprefix("http://testserver")

    anonymous = Client(enforce_csrf_checks=True)
    form_page = anonymous.get(link, follow=True)
    assert form_page.status_code == 200
    assert form_page.context["validlink"] is True
    set_url = form_page.redirect_chain[-1][0]
    done = anonymous.post(
        set_url,
        {"new_password1": PASSWORD, "new_password2": PASSWORD},
        HTTP_X_CSRFTOKEN=anonymous.cookies["csrftoken"].value,
    )
    assert done.status_code == 302 and done["Location"] == "/mot-de-passe/termine/"
    user.refresh_from_db()
    assert user.check_password(PASSWORD) and user.password.startswith("argon2$")
    login = Client().post("/connexion/", {"username": "nouvelle@example.org", "password": PASSWORD})
    assert login.status_code == 302 and login["Location"] == "/"
    # The link served once: it is no longer valid.
    again = Client().get(link, follow=True)
    assert again.context["validlink"] is False
    assert "n'est plus valable" in again.content.decode()


def test_add_existing_account_redirects_and_refuses_duplicates(
    vitre: Territory, manager: User
) -> None:
    known = User.objects.create_user("connu", email="connu@example.org", password=PASSWORD)
    client = _login(manager)
    response = client.post(TEAM + "membres/", {"email": "connu@example.org", "role": "reader"})
    assert response.status_code == 302 and response["Location"] == TEAM
    assert Membership.objects.get(user=known, territory=vitre).role == Role.READER
    again = client.post(TEAM + "membres/", {"email": "connu@example.org", "role": "member"})
    assert again.status_code == 400
    assert "fait déjà partie" in again.content.decode()
    bad = client.post(TEAM + "membres/", {"email": "pas-une-adresse", "role": "national_admin"})
    assert bad.status_code == 400
    assert Membership.objects.filter(territory=vitre).count() == 2


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


def test_team_actions_require_the_csrf_token(vitre: Territory, manager: User) -> None:
    client = _login(manager, csrf=True)
    refused = client.post(TEAM + "membres/", {"email": "x@example.org", "role": "member"})
    assert refused.status_code == 403
    assert not User.objects.filter(email="x@example.org").exists()
    page = client.get(TEAM)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token
    accepted = client.post(
        TEAM + "membres/",
        {"email": "x@example.org", "role": "member", "csrfmiddlewaretoken": token.group(1)},
    )
    assert accepted.status_code == 200
    assert Membership.objects.filter(user__email="x@example.org", territory=vitre).exists()


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
    assert created.status_code == 200  # a new account: the set-password link is shown
    assert "/mot-de-passe/" in created.content.decode()
    territory = Territory.objects.get(kind="epci", code="200039022")
    assert territory.nom == "CA Vitré Communauté"
    assert territory.memberships.get().role == Role.MANAGER
    again = client.post(
        "/equipes/nouvelle/",
        {"q": "vitre", "territoire": "epci:200039022", "email": "autre@example.org"},
    )
    assert again.status_code == 400 and "déjà une équipe" in again.content.decode()
    unknown = client.post(
        "/equipes/nouvelle/", {"q": "x", "territoire": "epci:999999999", "email": "a@example.org"}
    )
    assert unknown.status_code == 400
    assert not Territory.objects.filter(code="999999999").exists()


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
