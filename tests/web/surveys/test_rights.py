"""Rights on every private survey route: anonymous, reader, member, manager, manager elsewhere."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from teletravail.web.surveys.models import Campaign
from tests.web.surveys.conftest import login

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "reader", "member", "manager", "other_manager")
# route (method, url template) | anonymous | reader | member | manager | other territory's manager
MATRIX = """
GET  /enquetes/epci/200039022/                        | login | 200 | 200 | 200 | 403
GET  /enquetes/epci/200039022/nouvelle/               | login | 403 | 403 | 200 | 403
POST /enquetes/epci/200039022/nouvelle/               | login | 403 | 403 | 400 | 403
GET  /enquetes/{pk}/                                  | login | 200 | 200 | 200 | 403
GET  /enquetes/{pk}/modifier/                         | login | 403 | 403 | 200 | 403
GET  /enquetes/{pk}/formulaires/mini/xlsform/         | login | 200 | 200 | 200 | 403
GET  /enquetes/{pk}/formulaires/mini/xform/           | login | 200 | 200 | 200 | 403
GET  /enquetes/{pk}/formulaires/mini/reponses.csv     | login | 403 | 403 | 200 | 403
GET  /enquetes/{pk}/formulaires/mini/reponses.xlsx    | login | 403 | 403 | 200 | 403
POST /enquetes/{pk}/importer-formulaire/              | login | 403 | 403 | 400 | 403
POST /enquetes/{pk}/importer-kobo/                    | login | 403 | 403 | 400 | 403
GET  /enquetes/{pk}/saisie/mini/                      | login | 403 | 200 | 200 | 403
POST /enquetes/{pk}/saisie/mini/evaluer/              | login | 403 | 200 | 200 | 403
GET  /enquetes/{pk}/resultats/                        | login | 200 | 200 | 200 | 403
POST /enquetes/{pk}/resultats/themes/                 | login | 403 | 403 | 302 | 403
"""
CASES = [
    (method, url, role, outcome)
    for line in MATRIX.strip().splitlines()
    for (method, url), cells in [(line.split("|")[0].split(), line.split("|")[1:])]
    for role, outcome in zip(ROLES, (c.strip() for c in cells), strict=True)
]


@pytest.mark.parametrize(("method", "url", "role", "outcome"), CASES)
def test_route_rights(
    request: pytest.FixtureRequest,
    campaign: Campaign,
    method: str,
    url: str,
    role: str,
    outcome: str,
) -> None:
    user: User | None = None if role == "anonymous" else request.getfixturevalue(role)
    client = login(user)
    target = url.format(pk=campaign.pk)
    response = client.get(target) if method == "GET" else client.post(target, {})
    if outcome == "login":
        assert response.status_code == 302 and "/connexion/" in response["Location"]
    else:
        assert response.status_code == int(outcome), (target, role)


def test_unknown_campaign_is_403_for_non_admins(manager: User) -> None:
    assert login(manager).get("/enquetes/999999/").status_code == 403
