"""Error pages in French (404, 403), never Django's English defaults."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client


@pytest.mark.django_db
def test_not_found_and_forbidden_pages_are_french() -> None:
    client = Client()
    missing = client.get("/enquetes/r/jeton-inexistant/")
    html = missing.content.decode()
    assert missing.status_code == 404 and '<html lang="fr"' in html
    assert "Page introuvable" in html and "Ce lien d&#x27;enquête n&#x27;existe pas." in html
    user = User.objects.create_user("sans-equipe")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    refused = client.get("/enquetes/epci/200039022/nouvelle/")
    assert refused.status_code == 403 and "Accès refusé" in refused.content.decode()


@pytest.mark.django_db
def test_unknown_address() -> None:
    html = Client().get("/cette/page/n-existe/pas/").content.decode()
    assert "La page demandée n'existe pas" in html and "Resolver404" not in html
