"""Relevance of groups and repeats as a whole (ODK Collect semantics) and the choices offered to
selects whose choices depend on the answers (``check_submission(..., options=True)``)."""

from __future__ import annotations

from datetime import date

import pytest

from teletravail.surveys.form import Form
from teletravail.surveys.instance import answers_from_flat
from teletravail.surveys.instruments import instrument_bytes
from teletravail.surveys.validation import check_submission, offered_choices
from teletravail.surveys.xlsform import form_cache, load_xlsform

TODAY = date(2026, 3, 1)

FORM = b"""
| survey |
| | type | name | label | required | relevant | choice_filter |
| | select_one oui_non | autres | Autres lieux ? | | | |
| | begin_repeat | lieux | Autre lieu | | ${autres} = 'oui' | |
| | text | nom_lieu | Nom du lieu | yes | | |
| | integer | jours_lieu | Jours par mois a ${nom_lieu} | | ../nom_lieu != '' | |
| | end_repeat | | | | | |
| | select_one ${nom_lieu} | lieu_prefere | Lieu prefere | | ${autres} = 'oui' | |
| | select_one region | region | Region | yes | | |
| | select_one departement | departement | Departement | | ${region} != '' | region = ${region} |
| | select_one mode | mode | Mode | yes | | |
| | begin_group | detail | Detail voiture | | ${mode} = 'voiture' | |
| | decimal | km | Kilometres | yes | | |
| | begin_repeat | arrets | Arret | | | |
| | text | arret | Arret | yes | | |
| | end_repeat | | | | | |
| | end_group | | | | | |

| choices |
| | list_name | name | label | region |
| | oui_non | oui | Oui | |
| | oui_non | non | Non | |
| | region | bretagne | Bretagne | |
| | region | occitanie | Occitanie | |
| | departement | ille_et_vilaine | Ille-et-Vilaine | bretagne |
| | departement | finistere | Finistere | bretagne |
| | departement | tarn | Tarn | occitanie |
| | mode | voiture | Voiture | |
| | mode | train | Train | |

| settings |
| | form_id | form_title | version |
| | live | Etat du formulaire | 1 |
"""


@pytest.fixture(scope="module")
def form() -> Form:
    return load_xlsform(FORM, "live.md")


def test_repeat_without_instance_follows_its_relevant(form: Form) -> None:
    checked = check_submission(form, {"region": "bretagne", "mode": "train"}, today=TODAY)
    assert checked.relevant["lieux"] is False
    checked = check_submission(
        form, {"autres": "oui", "region": "bretagne", "mode": "train"}, today=TODAY
    )
    assert checked.relevant["lieux"] is True


def test_non_relevant_repeat_drops_and_does_not_check_its_instances(form: Form) -> None:
    answers = {
        "autres": "non",
        "lieux": [{"nom_lieu": "Rennes", "jours_lieu": 3}, {}],  # the second one lacks a name
        "region": "bretagne",
        "mode": "train",
    }
    checked = check_submission(form, answers, today=TODAY)
    assert checked.ok, checked.errors
    assert "lieux" not in checked.data
    assert checked.relevant["lieux"] is False
    assert checked.relevant["lieux[1]"] is False
    assert checked.relevant["lieux[1]/nom_lieu"] is False
    assert checked.relevant["lieux[2]/nom_lieu"] is False
    assert checked.values["lieux[1]/nom_lieu"] is None

    checked = check_submission(form, {**answers, "autres": "oui"}, today=TODAY)
    assert checked.relevant["lieux"] is True and checked.relevant["lieux[2]"] is True
    assert [e.key for e in checked.errors] == ["lieux[2]/nom_lieu"]
    assert checked.data["lieux"] == [{"nom_lieu": "Rennes", "jours_lieu": 3}, {}]


def test_non_relevant_group_hides_everything_inside(form: Form) -> None:
    answers = {
        "region": "bretagne",
        "mode": "train",
        "detail": {"km": 12.0, "arrets": [{"arret": "Vitré"}, {}]},
    }
    checked = check_submission(form, answers, today=TODAY)
    assert checked.ok, checked.errors
    assert "detail" not in checked.data
    for key in ("detail", "detail/km", "detail/arrets", "detail/arrets[1]/arret"):
        assert checked.relevant[key] is False, key
    checked = check_submission(form, {**answers, "mode": "voiture"}, today=TODAY)
    assert [e.key for e in checked.errors] == ["detail/arrets[2]/arret"]
    assert checked.relevant["detail/arrets"] is True


def test_choices_offered_follow_the_filter_and_the_repeat(form: Form) -> None:
    answers = {
        "autres": "oui",
        "lieux": [{"nom_lieu": "Rennes"}, {"nom_lieu": "Vitré"}, {"nom_lieu": "Rennes"}, {}],
        "region": "occitanie",
        "mode": "train",
    }
    checked = check_submission(form, answers, today=TODAY, options=True)
    assert checked.choices == {
        "lieu_prefere": ("Rennes", "Vitré"),
        "departement": ("tarn",),
    }
    # Without options=True nothing is computed (the submission check stays fast).
    assert check_submission(form, answers, today=TODAY).choices == {}
    # A non-relevant select gets no entry.
    answers["autres"] = "non"
    assert "lieu_prefere" not in offered_choices(form, answers, today=TODAY)
    # A filtered-out choice is refused.
    answers["departement"] = "finistere"
    assert [e.message for e in check_submission(form, answers, today=TODAY).errors] == [
        "Choix non proposé : « finistere »."
    ]


def test_residents_other_workplaces_repeat_hidden_until_yes() -> None:
    residents = form_cache(instrument_bytes("residents"))
    flat = {
        "profil/situation": "salarie_prive",
        "travail/teletravail": "regulier",
        "trajets/distance_km": "38",
        "trajets/mode_transport": "train",
        "trajets/autres_lieux_travail[1]/autre_lieu_commune": "Rennes",
    }
    checked = check_submission(residents, answers_from_flat(residents, flat), today=TODAY)
    assert checked.relevant["trajets/autres_lieux_travail"] is False
    assert checked.relevant["trajets/autres_lieux_travail[1]/autre_lieu_type"] is False
    assert "autres_lieux_travail" not in checked.data["trajets"]
    assert not [e for e in checked.errors if "autres_lieux_travail" in e.key]
    assert checked.relevant["trajets/conditions_changement_mode"] is False

    flat["trajets/autres_lieux"] = "oui"
    checked = check_submission(residents, answers_from_flat(residents, flat), today=TODAY)
    assert checked.relevant["trajets/autres_lieux_travail"] is True
    assert "trajets/autres_lieux_travail[1]/autre_lieu_type" in {e.key for e in checked.errors}


def test_residents_provenance_precision_filtered() -> None:
    residents = form_cache(instrument_bytes("residents"))
    flat = {"installation/demenagement_recent": "oui", "installation/provenance": "paris_idf"}
    offered = offered_choices(residents, answers_from_flat(residents, flat), today=TODAY)
    assert offered["installation/provenance_precision"] == (
        "paris",
        "petite_couronne",
        "grande_couronne",
    )
