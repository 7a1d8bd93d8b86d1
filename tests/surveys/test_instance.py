"""Flat keys ⇄ nested answers, flat rows, XForm instance XML."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from teletravail.surveys.form import Form
from teletravail.surveys.instance import answers_from_flat, flatten, to_xml
from teletravail.surveys.xlsform import load_xlsform

FORMS = Path(__file__).parents[1] / "fixtures" / "forms"


@pytest.fixture(scope="module")
def form() -> Form:
    return load_xlsform((FORMS / "complet.md").read_bytes(), "complet.md")


def test_answers_from_flat(form: Form) -> None:
    flat = {
        "age": "41",
        "pratique/jours": "2,5",
        "pratique/lieux": ["domicile", "tiers_lieu"],
        "pratique/satisfaction": "7",
        "lieux_freq[2]/lieu_nom": "Gare",
        "lieux_freq[2]/visites": "3",
        "commentaire": "  ",
        "inconnu": "x",
        "pratique": "x",
        "lieux_freq/lieu_nom": "sans indice",
        "age/x": "1",
    }
    assert answers_from_flat(form, flat) == {
        "age": 41,
        "pratique": {"jours": 2.5, "lieux": ["domicile", "tiers_lieu"], "satisfaction": 7},
        "lieux_freq": [{}, {"lieu_nom": "Gare", "visites": 3}],
    }
    assert answers_from_flat(form, {"pratique/lieux": "domicile other"})["pratique"] == {
        "lieux": ["domicile", "other"]
    }
    assert answers_from_flat(form, {"age": "douze"}) == {"age": "douze"}


def test_flatten(form: Form) -> None:
    data = {
        "age": 41,
        "pratique": {"jours": 2.5},
        "lieux_freq": [{"lieu_nom": "Mairie"}, {"lieu_nom": "Gare", "visites": 3}],
    }
    main, repeats = flatten(form, data)
    assert main == {"age": 41, "pratique/jours": 2.5}
    assert repeats == {
        "lieux_freq": [
            {"_index": 1, "_parent_index": None, "lieux_freq/lieu_nom": "Mairie"},
            {
                "_index": 2,
                "_parent_index": None,
                "lieux_freq/lieu_nom": "Gare",
                "lieux_freq/visites": 3,
            },
        ]
    }


def test_to_xml(form: Form) -> None:
    data = {
        "jour": "2025-03-01",
        "age": 41,
        "pratique": {"lieux": ["domicile", "other"]},
        "lieux_freq": [{"lieu_nom": "Gare"}],
    }
    xml = to_xml(form, data, "1234")
    root = ET.fromstring(xml)
    assert root.tag == "data" and root.get("id") == "complet" and root.get("version") == "2025-01"
    assert root.findtext("jour") == "2025-03-01"
    assert root.findtext("age") == "41"
    assert root.findtext("pratique/lieux") == "domicile other"
    assert root.findtext("lieux_freq/lieu_nom") == "Gare"
    assert root.findtext("meta/instanceID") == "uuid:1234"
