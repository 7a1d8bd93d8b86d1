"""Random, valid answers to the shipped residents' questionnaire, for the survey benchmarks.

``residents_answers(rng, form)`` draws the questions the analysis reads (fixed names, see
``docs/formulaires.md``) with plausible frequencies, then asks the engine to check them and fills
whatever else the form requires (first choice, smallest allowed number, a short text) until
``check_submission`` accepts them: the result is always a valid submission of the form.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from teletravail.surveys.form import Form, Question
from teletravail.surveys.instance import answers_from_flat
from teletravail.surveys.validation import check_submission

ACTIVE = ("salarie_prive", "salarie_public", "independant")
MODES = ("voiture_thermique", "voiture_electrique", "covoiturage", "train", "car_bus", "velo")
NEEDS = ("espace_travail", "tres_haut_debit", "piece_logement", "garde_enfants", "tiers_lieu")
PLACES = ("domicile", "tiers_lieu", "residence_secondaire", "famille_amis")


def _draw(rng: random.Random) -> dict[str, str | list[str]]:
    """The analysed questions, as flat keys → values (names only: the engine places them)."""
    situation = rng.choices((*ACTIVE, "retraite", "etudiant"), weights=(50, 15, 10, 20, 5))[0]
    out: dict[str, str | list[str]] = {
        "commune_residence": rng.choice(("Vitré", "Châteaubourg", "Argentré-du-Plessis")),
        "situation": situation,
        "demenagement_recent": rng.choice(("oui", "non")),
        "besoins": rng.sample(NEEDS, rng.randint(1, 3)),
    }
    if situation in ACTIVE:
        tt = rng.choices(("regulier", "occasionnel", "non"), weights=(25, 15, 60))[0]
        out |= {
            "profession": rng.choice(("cadre", "intermediaire", "employe", "ouvrier")),
            "lieu_employeur": rng.choice(("meme_commune", "meme_epci", "metropole")),
            "teletravail": tt,
            "distance_km": str(rng.randint(2, 60)),
            "mode_transport": rng.choice(MODES),
            "temps_trajet_min": str(rng.randint(5, 90)),
        }
        if tt != "non":
            out["jours_teletravail"] = str(rng.randint(1, 3))
            out["lieux_teletravail"] = rng.sample(PLACES, rng.randint(1, 2))
    if out["demenagement_recent"] == "oui":
        out |= {
            "annee_emmenagement": str(rng.randint(2021, 2026)),
            "role_teletravail_demenagement": rng.choice(("determinant", "contributif", "aucun")),
        }
    return out


def _fill(q: Question) -> str:
    """A value that satisfies the usual rules of a required question nobody drew."""
    if q.kind in ("select_one", "select_multiple") and q.choices:
        return q.choices[0].name
    if q.kind in ("integer", "decimal", "range"):
        return "1"
    if q.kind == "date":
        return date.today().isoformat()
    return "Réponse de test"


def _flat_key(form: Form, name: str) -> str:
    """The flat key of a top-level-or-grouped question (its path without the root)."""
    q = form.question(name)
    return q.path.split("/", 2)[2]


def residents_answers(rng: random.Random, form: Form) -> dict[str, Any]:
    """A valid nested answer of ``form`` (the residents' questionnaire)."""
    flat: dict[str, str | list[str]] = {}
    for name, value in _draw(rng).items():
        try:
            flat[_flat_key(form, name)] = value
        except KeyError:
            continue
    for _ in range(40):
        answers = answers_from_flat(form, flat)
        checked = check_submission(form, answers)
        if not checked.errors:
            return dict(checked.data)
        for err in checked.errors:
            flat[err.key] = _fill(form.question(err.name))
    raise RuntimeError(f"réponses impossibles à compléter : {checked.errors}")
