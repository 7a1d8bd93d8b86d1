"""Login lock-out behind reverse proxies: one key per (user name, client address), the client being
read from ``X-Forwarded-For`` only as far as ``TELETRAVAIL_TRUSTED_PROXY_COUNT`` proxies vouch."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.test import Client, RequestFactory
from pytest_django.fixtures import Settings

from teletravail.web.client_ip import client_ip

PASSWORD = "un mot de passe assez long"
PROXY = "10.0.0.1"  # our reverse proxy: every request reaches the application from it
ATTACKER = "203.0.113.5"
VICTIM = "198.51.100.7"

pytestmark = pytest.mark.django_db


def _post(
    client: Client, password: str, *, remote: str = PROXY, forwarded: str | None = None
) -> int:
    """Status of a login attempt as alice, arriving from ``remote`` with this header."""
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    response = client.post("/connexion/", {"username": "alice", "password": password}, **extra)
    return response.status_code


def _fail_five_times(client: Client, **where: str) -> None:
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        assert _post(client, "faux", **where) in {200, 429}


def _logs_in(**where: str) -> bool:
    status = _post(Client(), PASSWORD, **where)
    assert status in {302, 429}
    return status == 302


@pytest.fixture
def alice(db: None) -> User:
    return User.objects.create_user("alice", password=PASSWORD)


def test_lockout_key_is_user_name_and_address() -> None:
    assert django_settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert django_settings.AXES_CLIENT_IP_CALLABLE == "teletravail.web.client_ip.client_ip"


def test_behind_one_proxy_an_attacker_cannot_lock_out_another_client(
    settings: Settings, alice: User
) -> None:
    settings.TELETRAVAIL_TRUSTED_PROXY_COUNT = 1
    _fail_five_times(Client(), forwarded=ATTACKER)
    assert not _logs_in(forwarded=ATTACKER)  # the attacker's address is locked
    assert _logs_in(forwarded=VICTIM)  # the same user name from another client is not


def test_a_client_cannot_choose_its_address_with_its_own_header(
    settings: Settings, alice: User
) -> None:
    settings.TELETRAVAIL_TRUSTED_PROXY_COUNT = 1
    client = Client()
    # The attacker sends a forged X-Forwarded-For naming the victim (a new one each time); the proxy
    # appends the address it really sees.
    for i in range(django_settings.AXES_FAILURE_LIMIT):
        forged = f"{VICTIM}, 192.0.2.{i + 1}"
        assert _post(client, "faux", forwarded=f"{forged}, {ATTACKER}") in {200, 429}
    assert _logs_in(forwarded=VICTIM)  # the victim is not locked out
    assert not _logs_in(forwarded=f"192.0.2.99, {ATTACKER}")  # the attacker still is


def test_without_trusted_proxy_the_header_is_ignored(settings: Settings, alice: User) -> None:
    settings.TELETRAVAIL_TRUSTED_PROXY_COUNT = 0
    client = Client()
    for i in range(django_settings.AXES_FAILURE_LIMIT):
        forged = f"192.0.2.{i + 1}"  # a different forged address at each attempt
        assert _post(client, "faux", remote=ATTACKER, forwarded=forged) in {200, 429}
    assert not _logs_in(remote=ATTACKER, forwarded=VICTIM)  # the header changed nothing
    assert _logs_in(remote=VICTIM)


@pytest.mark.parametrize(
    ("count", "remote", "forwarded", "expected"),
    [
        (0, PROXY, f"{VICTIM}, {ATTACKER}", PROXY),
        (1, PROXY, f"{VICTIM}, {ATTACKER}", ATTACKER),
        (2, PROXY, f"{VICTIM}, {ATTACKER}", VICTIM),
        (2, PROXY, ATTACKER, PROXY),  # fewer hops than proxies: not through all of them
        (1, PROXY, "pas-une-adresse", PROXY),
        (1, PROXY, "", PROXY),
        (1, PROXY, " 2001:db8::1 ", "2001:db8::1"),
        (0, "::ffff:192.0.2.44", "", "192.0.2.44"),  # IPv4 client of a dual-stack socket
        (1, PROXY, "::ffff:192.0.2.44", "192.0.2.44"),
    ],
)
def test_client_ip(
    settings: Settings, count: int, remote: str, forwarded: str, expected: str
) -> None:
    settings.TELETRAVAIL_TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
