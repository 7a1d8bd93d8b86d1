"""Issue 9: no answer blocks the exports or pages, answers are bounded, submissions are limited,
long file names are safe, and every API error has the French body."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DataError, connection, transaction
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone

from teletravail.web.accounts.models import Territory
from teletravail.web.api_routes import limits
from teletravail.web.surveys.models import Campaign, Submission, SurveyForm
from teletravail.web.surveys.service import measured_telework
from tests.web.surveys.conftest import FIXTURES, login, make_campaign, valid_post

pytestmark = pytest.mark.django_db

UUID = "0b9d8a1e-2f40-4c55-9a3e-6c1f2d3e4a5b"


def _post(campaign: Campaign, body: object, client: Client | None = None, **extra: Any) -> Any:
    return (client or Client()).post(
        f"/api/v1/enquetes/{campaign.token}/reponses",
        body if isinstance(body, str | bytes) else json.dumps(body),
        content_type="application/json",
        **extra,
    )


def _body(reponses: dict[str, Any], **changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "uuid": str(uuid.uuid4()),
        "formulaire": "mini",
        "consentement": True,
        "reponses": reponses,
    }
    body.update(changes)
    return body


def _valid(**changes: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "situation": "salarie_prive",
        "teletravail": "regulier",
        "jours": 2,
        "avis": {"souhaits": "Un tiers-lieu"},
    }
    answers.update(changes)
    return answers


def _error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()["erreur"]
    assert body["code"] == code and body["message"]
    return body


# --------------------------------------------------------------------------- 1. characters


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ('"Un\\u0000tiers-lieu"', "avis/souhaits"),
        ('"\\ud800"', "avis/souhaits"),
        ('"fin\\u001b"', "avis/souhaits"),
    ],
)
def test_api_refuses_control_characters_naming_the_field(
    campaign: Campaign, raw: str, field: str
) -> None:
    text = json.dumps(_body(_valid(avis={"souhaits": "X"})))
    body = _error(_post(campaign, text.replace('"X"', raw)), 422, "reponse_invalide")
    assert [d["champ"] for d in body["details"]] == [field]
    assert "U+" in body["details"][0]["message"]
    assert not Submission.objects.exists()


def test_web_form_refuses_control_characters(campaign: Campaign) -> None:
    client = _consented(campaign)
    data = valid_post()
    data["avis/souhaits"] = "Un tiers-lieu\x00"
    page = client.post(f"/enquetes/r/{campaign.token}/mini/", data)
    html = page.content.decode()
    assert page.status_code == 200 and "Texte refusé (caractère de contrôle U+0000" in html
    assert not Submission.objects.exists()


def _consented(campaign: Campaign) -> Client:
    client = Client()
    assert client.post(f"/enquetes/r/{campaign.token}/", {"consentement": "1"}).status_code == 302
    return client


def _store_raw(campaign: Campaign, form_obj: SurveyForm, data: dict[str, Any]) -> None:
    """An answer written to the database directly, as a version without the checks stored it."""
    Submission.objects.create(
        uuid=uuid.uuid4(),
        campaign=campaign,
        form=form_obj,
        data=data,
        source="api",
        submitted_at=timezone.now(),
        received_at=timezone.now(),
    )


BAD_TEXTS = ["$\\frac{1}{$", "nul\x00", "surrogate\ud800", "bip\x07"]


def _storable(texts: list[str]) -> list[str]:
    """The texts the database can hold: PostgreSQL's jsonb refuses NUL and lone surrogates
    (see test_postgresql_cannot_hold_nul_or_lone_surrogates), SQLite stores them all."""
    if connection.vendor != "postgresql":
        return texts
    return [t for t in texts if "\x00" not in t and "\ud800" not in t]


def test_postgresql_cannot_hold_nul_or_lone_surrogates(
    campaign: Campaign, mini: SurveyForm
) -> None:
    """On PostgreSQL such answers cannot even be stored by a path that skips validation."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite stores them: the other tests read them back")
    for text in ("nul\x00", "surrogate\ud800"):
        with pytest.raises(DataError), transaction.atomic():
            _store_raw(campaign, mini, _valid(avis={"souhaits": text}))


def test_math_text_answer_is_stored_and_exports_work(
    manager: User, campaign: Campaign, mini: SurveyForm
) -> None:
    response = _post(campaign, _body(_valid(avis={"souhaits": "$\\frac{1}{$"})))
    assert response.status_code == 201, response.content
    client = login(manager)
    for fmt in ("csv", "xlsx"):
        export = client.get(f"/enquetes/{campaign.pk}/formulaires/mini/reponses.{fmt}")
        assert export.status_code == 200


def test_stored_bad_answers_never_break_exports_or_pages(
    manager: User, campaign: Campaign, mini: SurveyForm
) -> None:
    stored = _storable(BAD_TEXTS)
    for text in stored:
        _store_raw(campaign, mini, _valid(avis={"souhaits": text}, trajets=[{"destination": text}]))
    client = login(manager)
    csv_export = client.get(f"/enquetes/{campaign.pk}/formulaires/mini/reponses.csv")
    assert csv_export.status_code == 200
    text = csv_export.content.decode("utf-8-sig")
    assert "$\\frac{1}{$" in text and "nul\n" not in text and "\x00" not in text
    surrogate = "surrogate\ud800" in stored
    assert ("surrogate\ufffd" in text) == surrogate
    xlsx = client.get(f"/enquetes/{campaign.pk}/formulaires/mini/reponses.xlsx")
    assert xlsx.status_code == 200
    for query in ("", "?segment=situation"):
        page = client.get(f"/enquetes/{campaign.pk}/resultats/{query}")
        assert page.status_code == 200
        assert ("surrogate�" in page.content.decode()) == surrogate


COMMUNE_FORM = """| survey |
| | type | name | label |
| | select_one situation | situation | Votre situation |
| | text | commune_residence | Votre commune |

| choices |
| | list_name | name | label |
| | situation | salarie_prive | Salarié du privé |
| | situation | retraite | Retraité |

| settings |
| | form_id | form_title | version |
| | communes | Communes | 1 |
"""


def test_results_segmented_by_stored_bad_communes(manager: User, vitre: Territory) -> None:
    data = COMMUNE_FORM.encode()
    form_obj = SurveyForm.objects.create(
        territory=vitre,
        slug="communes",
        title="Communes",
        source="importe",
        xlsform=data,
        filename="communes.md",
        sha256=hashlib.sha256(data).hexdigest(),
        form_id="communes",
        version="1",
    )
    campaign = make_campaign(vitre, form_obj)
    stored = _storable(BAD_TEXTS)
    for i in range(24):
        commune = stored[i % len(stored)]
        _store_raw(campaign, form_obj, {"situation": "retraite", "commune_residence": commune})
    page = login(manager).get(f"/enquetes/{campaign.pk}/resultats/?segment=commune_residence")
    assert page.status_code == 200
    html = page.content.decode()
    assert "$\\frac{1}{$" in html and "bip" in html
    assert ("surrogate\ufffd" in html) == ("surrogate\ud800" in stored)


# --------------------------------------------------------------------------- 2. bounds and rates


@pytest.mark.parametrize("count", [40_000, 4_000])  # 2.8 MB (over Django's 2.5 MB), 280 KB
def test_body_over_256_ko_is_refused_with_413(campaign: Campaign, count: int) -> None:
    trips = [{"destination": "Rennes " * 10}] * count
    body = _error(_post(campaign, _body(_valid(trajets=trips))), 413, "trop_volumineux")
    assert "256 Ko" in body["message"]
    assert not Submission.objects.exists()


def test_repeats_over_the_web_form_bound_are_refused(campaign: Campaign) -> None:
    body = _error(
        _post(campaign, _body(_valid(trajets=[{"destination": "R"}] * 51))), 422, "reponse_invalide"
    )
    assert body["details"] == [
        {"champ": "trajets", "message": "Trop de répétitions pour « trajets » : 51 (au plus 50)."}
    ]
    ok = _post(campaign, _body(_valid(trajets=[{"destination": "R"}] * 50)))
    assert ok.status_code == 201


def test_texts_over_10000_characters_are_refused_naming_the_field(campaign: Campaign) -> None:
    """Regression: a text answer had no bound but the body's (2.5 MB through the web form), over
    a spreadsheet cell's 32,767 characters."""
    body = _error(
        _post(campaign, _body(_valid(avis={"souhaits": "a" * 10_001}))), 422, "reponse_invalide"
    )
    assert body["details"] == [
        {
            "champ": "avis/souhaits",
            "message": "Texte trop long : 10\u202f001 caractères, 10\u202f000 au plus.",
        }
    ]
    ok = _post(campaign, _body(_valid(avis={"souhaits": "é" * 10_000})))
    assert ok.status_code == 201
    client = _consented(campaign)
    data = {**valid_post(str(uuid.uuid4())), "avis/souhaits": "a" * 10_001}
    page = client.post(f"/enquetes/r/{campaign.token}/mini/", data)
    assert "Texte trop long : 10\u202f001 caractères" in page.content.decode()
    assert Submission.objects.count() == 1


def test_answer_over_256_ko_through_the_web_form_is_refused(campaign: Campaign) -> None:
    """Regression: the web form stored answers up to Django's 2.5 MB limit (the API, 256 Ko)."""
    client = _consented(campaign)
    data = valid_post(str(uuid.uuid4()))
    data["_n:trajets"] = "30"
    for index in range(1, 31):
        data[f"trajets[{index}]/destination"] = "R" * 9_000
    page = client.post(f"/enquetes/r/{campaign.token}/mini/", data)
    html = page.content.decode()
    assert "Réponse trop volumineuse" in html and "256 Ko au plus" in html
    assert not Submission.objects.exists()


@override_settings(TELETRAVAIL_SURVEY_RATE_PER_CLIENT=3, TELETRAVAIL_SURVEY_RATE_PER_LINK=5)
def test_submissions_are_limited_per_client_and_per_link(
    campaign: Campaign, monkeypatch: pytest.MonkeyPatch
) -> None:
    # one fixed minute: a slow run must not cross a window boundary half-way (CI did once)
    monkeypatch.setattr(limits, "_now", lambda: 29_000_000 * 60 + 12.5)
    for _ in range(3):
        assert _post(campaign, _body(_valid()), REMOTE_ADDR="192.0.2.1").status_code == 201
    refused = _post(campaign, _body(_valid()), REMOTE_ADDR="192.0.2.1")
    body = _error(refused, 429, "trop_de_requetes")
    assert "au plus 3 par minute" in body["message"]
    assert 1 <= int(refused["Retry-After"]) <= 60
    # another client may still answer, until the link's own limit (5 a minute)
    assert _post(campaign, _body(_valid()), REMOTE_ADDR="192.0.2.2").status_code == 201
    assert _post(campaign, _body(_valid()), REMOTE_ADDR="2001:db8::1").status_code == 201
    # the same /64 is the same client for IPv6; the link is full anyway now
    link = _error(
        _post(campaign, _body(_valid()), REMOTE_ADDR="192.0.2.3"), 429, "trop_de_requetes"
    )
    assert "au plus 5 par minute" in link["message"]
    assert Submission.objects.count() == 5


@override_settings(TELETRAVAIL_SURVEY_RATE_PER_CLIENT=3, TELETRAVAIL_SURVEY_RATE_PER_LINK=1000)
def test_public_web_form_shares_the_submission_limits(
    campaign: Campaign, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: the public form stored any number of answers a minute from one client (only
    the API counted them), so a script posting the form went round the limits."""
    monkeypatch.setattr(limits, "_now", lambda: 29_000_000 * 60 + 12.5)
    client = _consented(campaign)
    url = f"/enquetes/r/{campaign.token}/mini/"
    for _ in range(2):
        sent = client.post(url, valid_post(str(uuid.uuid4())), REMOTE_ADDR="192.0.2.7")
        assert sent.status_code == 200 and "Réponses enregistrées" in sent.content.decode()
    # A wrong answer is not counted: the respondent corrects it and sends again.
    wrong = {**valid_post(str(uuid.uuid4())), "jours": "9"}
    assert (
        "Entre 0 et 5 jours." in client.post(url, wrong, REMOTE_ADDR="192.0.2.7").content.decode()
    )
    assert _post(campaign, _body(_valid()), REMOTE_ADDR="192.0.2.7").status_code == 201
    refused = client.post(url, valid_post(str(uuid.uuid4())), REMOTE_ADDR="192.0.2.7")
    html = refused.content.decode()
    assert refused.status_code == 429 and 1 <= int(refused["Retry-After"]) <= 60
    assert "au plus 3 par minute" in html and 'value="Rennes"' in html  # answers kept
    assert Submission.objects.count() == 3
    other = client.post(url, valid_post(str(uuid.uuid4())), REMOTE_ADDR="192.0.2.8")
    assert other.status_code == 200 and Submission.objects.count() == 4


@override_settings(TELETRAVAIL_SURVEY_RATE_PER_CLIENT=1, TELETRAVAIL_SURVEY_RATE_PER_LINK=1000)
def test_ipv4_clients_of_a_dual_stack_server_are_counted_apart(
    campaign: Campaign, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: on a server listening on "::", IPv4 clients arrive as IPv4-mapped IPv6
    addresses (::ffff:a.b.c.d), which all fell in one /64: every IPv4 client shared one count."""
    monkeypatch.setattr(limits, "_now", lambda: 29_000_000 * 60 + 12.5)
    for remote in ("::ffff:192.0.2.1", "::ffff:192.0.2.2", "192.0.2.3"):
        assert _post(campaign, _body(_valid()), REMOTE_ADDR=remote).status_code == 201, remote
    again = _post(campaign, _body(_valid()), REMOTE_ADDR="192.0.2.1")  # the same client
    _error(again, 429, "trop_de_requetes")


def test_counters_are_atomic_upserts_and_forget_past_minutes(
    campaign: Campaign, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each counter of a submission is counted by one statement (Django's database cache took
    about ten queries: 447 → 257 submissions a second on PostgreSQL), and a new minute deletes
    the rows of the minutes before the last one."""
    from django.test.utils import CaptureQueriesContext

    from teletravail.web.surveys.models import SubmissionCounter

    minute = 29_000_100
    monkeypatch.setattr(limits, "_now", lambda: minute * 60 + 5.0)
    assert _post(campaign, _body(_valid())).status_code == 201
    with CaptureQueriesContext(connection) as queries:
        refusal = limits.check_submission_rate(RequestFactory().post("/"), campaign.token)
    assert refusal is None
    counting = [q["sql"] for q in queries.captured_queries if "compteurs_envois" in q["sql"]]
    assert len(counting) == 2 and all("ON CONFLICT" in sql for sql in counting)
    # the test client and the request factory are the same client (127.0.0.1)
    assert sorted(SubmissionCounter.objects.values_list("count", flat=True)) == [2, 2]
    SubmissionCounter.objects.create(key="ancien", window=minute - 5, count=3)
    monkeypatch.setattr(limits, "_now", lambda: (minute + 1) * 60 + 5.0)
    assert _post(campaign, _body(_valid())).status_code == 201
    assert not SubmissionCounter.objects.filter(key="ancien").exists()
    assert SubmissionCounter.objects.filter(window=minute + 1).count() == 2


# --------------------------------------------------------------------------- 3. long file names


def test_long_xlsform_name_keeps_its_extension(manager: User, campaign: Campaign) -> None:
    client = login(manager)
    name = "Questionnaire " + "très long " * 30 + ".md"
    assert len(name) > 300
    sent = SimpleUploadedFile(
        name, (FIXTURES / "mini.md").read_bytes(), content_type="text/markdown"
    )
    ok = client.post(f"/enquetes/{campaign.pk}/importer-formulaire/", {"fichier": sent})
    assert ok.status_code == 302
    new = SurveyForm.objects.get(slug="mini-2")
    assert new.filename.endswith(".md") and len(new.filename) <= 200
    assert new.filename.startswith("Questionnaire très long")
    _pages_answer(client, campaign, "mini-2")


def test_rows_stored_with_a_cut_name_are_read(
    manager: User, vitre: Territory, campaign: Campaign
) -> None:
    data = (FIXTURES / "mini.md").read_bytes()
    cut = SurveyForm.objects.create(
        territory=vitre,
        slug="coupe",
        title="Nom coupé",
        source="importe",
        xlsform=data,
        filename=("Questionnaire " + "très long " * 30)[:200],  # as stored before the fix
        sha256=hashlib.sha256(data).hexdigest(),
        form_id="mini",
        version="1",
    )
    campaign.forms.add(cut)
    _pages_answer(login(manager), campaign, "coupe")
    assert measured_telework("epci", "200039022") is None  # the diagnostic's reading


def _pages_answer(client: Client, campaign: Campaign, slug: str) -> None:
    public = _consented(campaign).get(f"/enquetes/r/{campaign.token}/{slug}/")
    assert public.status_code == 200
    for url in (
        f"/enquetes/{campaign.pk}/",
        f"/enquetes/r/{campaign.token}/",
        f"/enquetes/{campaign.pk}/resultats/?formulaire={slug}",
        f"/enquetes/{campaign.pk}/formulaires/{slug}/xlsform/",
        f"/enquetes/{campaign.pk}/formulaires/{slug}/xform/",
        f"/enquetes/{campaign.pk}/formulaires/{slug}/reponses.xlsx",
    ):
        assert client.get(url).status_code == 200, url
    download = client.get(f"/enquetes/{campaign.pk}/formulaires/{slug}/xlsform/")
    assert download["Content-Disposition"].endswith('.xlsx"')


# --------------------------------------------------------------------------- 4. numbers, dates, errors


@pytest.mark.parametrize("raw", ["Infinity", "-Infinity", "NaN", "1e400"])
def test_non_finite_numbers_are_refused(vitre: Territory, raw: str) -> None:
    from tests.web.surveys.test_results import WEIGHTED_FORM

    data = WEIGHTED_FORM.encode()
    form_obj = SurveyForm.objects.create(
        territory=vitre,
        slug="pondere",
        title="Pondéré",
        source="importe",
        xlsform=data,
        filename="pondere.md",
        sha256=hashlib.sha256(data).hexdigest(),
        form_id="pondere",
        version="1",
    )
    campaign = make_campaign(vitre, form_obj)
    answers = {"situation": "retraite", "teletravail": "non", "poids": 0.5}
    text = json.dumps(_body(answers, formulaire="pondere")).replace("0.5", raw)
    body = _error(_post(campaign, text), 422, "reponse_invalide")
    assert body["details"] == [{"champ": "poids", "message": "Saisissez un nombre."}]


@pytest.mark.parametrize(
    "sent",
    ["9999-12-31T23:59:59-14:00", "0000-01-01T00:00:00", "1999-12-31T23:59:59Z", "n'importe quoi"],
)
def test_out_of_range_sending_time_names_the_field(campaign: Campaign, sent: str) -> None:
    body = _error(_post(campaign, _body(_valid(), envoyee_le=sent)), 422, "entree_invalide")
    assert [d["champ"] for d in body["details"]] == ["envoyee_le"]
    assert not Submission.objects.exists()


def test_sending_time_in_range_is_kept(campaign: Campaign) -> None:
    sent = (timezone.now() - timedelta(days=2)).replace(microsecond=0)
    response = _post(campaign, _body(_valid(), envoyee_le=sent.isoformat()))
    assert response.status_code == 201
    assert Submission.objects.get().submitted_at == sent


@pytest.mark.parametrize(
    "text", ["{pas du json", "[1, 2]", '"texte"', "\xff\xfe".encode("latin-1")]
)
def test_unreadable_bodies_have_the_french_error_body(
    campaign: Campaign, text: str | bytes
) -> None:
    body = _error(_post(campaign, text), 422, "entree_invalide")
    assert body["details"][0]["champ"] == ""


def test_wrong_types_have_the_french_error_body(campaign: Campaign) -> None:
    body = _error(_post(campaign, _body(_valid(), consentement=[1])), 422, "entree_invalide")
    assert any(d["champ"] == "consentement" for d in body["details"])
    body = _error(_post(campaign, _body("pas un objet")), 422, "entree_invalide")  # type: ignore[arg-type]
    assert any(d["champ"] == "reponses" for d in body["details"])


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"uuid": "x"}, "uuid", "Identifiant UUID attendu"),
        ({"formulaire": "m" * 81}, "formulaire", "80 caractères au plus"),
        ({"formulaire": 3}, "formulaire", "Texte attendu."),
        ({"consentement": "peut-être"}, "consentement", "Booléen attendu (true ou false)."),
        ({"reponses": [1]}, "reponses", "Objet JSON attendu"),
        ({"envoyee_le": "2026-01-01T00:00:00+99:00"}, "envoyee_le", "Date et heure attendues"),
        ({"uuid": None}, "uuid", "Identifiant UUID attendu"),
    ],
)
def test_validation_details_are_in_french(
    campaign: Campaign, changes: dict[str, object], field: str, message: str
) -> None:
    """Regression: the details of a body of the wrong shape were pydantic's English texts
    ("Input should be a valid boolean", "Field required")."""
    sent = _body(_valid())
    sent.update(changes)
    body = _error(_post(campaign, sent), 422, "entree_invalide")
    assert [d["champ"] for d in body["details"]] == [field]
    assert message in body["details"][0]["message"], body["details"]
    missing = _error(_post(campaign, {}), 422, "entree_invalide")
    assert {d["message"] for d in missing["details"]} == {"Champ obligatoire absent."}
    search = Client().get("/api/v1/territoires", {"q": "x" * 201})
    assert _error(search, 422, "entree_invalide")["details"] == [
        {"champ": "q", "message": "Texte trop long : 200 caractères au plus."}
    ]


def test_unknown_path_and_wrong_method_have_the_french_error_body(campaign: Campaign) -> None:
    client = Client()
    for path in ("/api/v1/inconnu", "/api/v1/enquetes/x/y/z", "/api/v1/territoires/commune/"):
        _error(client.get(path), 404, "introuvable")
    wrong = client.get(f"/api/v1/enquetes/{campaign.token}/reponses")
    body = _error(wrong, 405, "methode_non_autorisee")
    assert "GET" in body["message"] and wrong["Allow"] == "POST"
    assert client.get("/enquetes/inconnu-du-site/").status_code == 404  # HTML elsewhere


def test_internal_error_inside_the_api_is_json(campaign: Campaign, mini: SurveyForm) -> None:
    # A stored form whose file cannot be read any more: the engine fails while validating.
    SurveyForm.objects.filter(pk=mini.pk).update(xlsform=b"\x00 illisible", sha256="autre")
    client = Client(raise_request_exception=False)
    _error(_post(campaign, _body(_valid()), client=client), 500, "erreur_interne")


def test_receipt_pages_show_stored_bad_answers(campaign: Campaign, mini: SurveyForm) -> None:
    from teletravail.web.surveys.receipts import code_hash, new_code

    code = new_code()
    # PostgreSQL cannot hold NUL or a lone surrogate: C1 and C0 controls stand in for them there.
    pg = connection.vendor == "postgresql"
    stored = "surrogate\x85 nul\x07" if pg else "surrogate\ud800 nul\x00"
    Submission.objects.create(
        uuid=uuid.uuid4(),
        campaign=campaign,
        form=mini,
        data=_valid(avis={"souhaits": stored}),
        source="public",
        submitted_at=timezone.now(),
        received_at=timezone.now(),
        receipt_hash=code_hash(code),
    )
    page = Client().post("/enquetes/recu/", {"code": code})
    shown = "surrogate nul" if pg else "surrogate\ufffd nul"
    assert page.status_code == 200 and shown in page.content.decode()
    export = Client().post("/enquetes/recu/export/", {"code": code})
    assert export.status_code == 200
    assert json.loads(export.content)["reponses"]["avis"]["souhaits"] == shown
