"""Recording a team's assessment of a station: checks, all-or-nothing save, history.

Shared by the web page and the API. Rules:

- the station must serve the team's territory (``service.served_territories``): a team assesses
  the stations of its own territory only;
- observations: ids of the profile's field features, levels 0 to 3 (None or absent: not observed);
  comments: on field or data features, at most ``MAX_COMMENT`` characters; notes at most
  ``MAX_NOTES``; no control character nor invalid Unicode in any text;
- ``version``: the number of saved versions the author saw; when someone saved in between, the
  save is refused (``Conflict``) so that nobody overwrites a colleague's observations unknowingly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from teletravail.errors import InputError
from teletravail.gares.catalogue import load_portrait
from teletravail.surveys.textcheck import text_problem
from teletravail.web.accounts.models import Territory
from teletravail.web.gares.models import MAX_COMMENT, MAX_NOTES, StationAssessment


class Conflict(Exception):
    """The assessment changed since the author loaded it (``by``, ``at``: the last save)."""

    def __init__(self, by: str, at: datetime | None) -> None:
        self.by = by
        self.at = at
        when = f" le {at:%d/%m/%Y à %H:%M}" if at else ""
        super().__init__(
            f"L'évaluation a été modifiée par {by}{when} pendant que vous la remplissiez : "
            "relisez ses observations puis enregistrez à nouveau les vôtres."
        )


@dataclass(frozen=True)
class Problem:
    """One refused value: the field (``niveau_<id>``, ``commentaire_<id>``, ``notes``) and why."""

    champ: str
    message: str


def check(
    observations: Mapping[str, Any], commentaires: Mapping[str, Any], notes: object
) -> tuple[dict[str, int], dict[str, str], str, list[Problem]]:
    """The cleaned observations (None dropped), comments (empty dropped) and notes, and every
    problem found (all of them, not only the first)."""
    profile = load_portrait()
    field_ids = {f.id for f in profile.features if f.observation == "terrain"}
    all_ids = {f.id for f in profile.features}
    problems: list[Problem] = []
    levels: dict[str, int] = {}
    for key, value in observations.items():
        if key not in field_ids:
            problems.append(
                Problem(
                    f"niveau_{key}",
                    f"Caractéristique inconnue ou non observable sur place « {key} » : choisissez "
                    f"parmi {', '.join(sorted(field_ids))}.",
                )
            )
        elif value is None or value == "":
            continue
        elif isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 3:
            problems.append(
                Problem(f"niveau_{key}", f"Niveau invalide « {value} » : un entier de 0 à 3.")
            )
        else:
            levels[key] = value
    texts: dict[str, str] = {}
    for key, value in commentaires.items():
        if key not in all_ids:
            problems.append(Problem(f"commentaire_{key}", f"Caractéristique inconnue « {key} »."))
            continue
        if not isinstance(value, str):
            problems.append(Problem(f"commentaire_{key}", "Un commentaire est un texte."))
            continue
        text = value.replace("\r\n", "\n").strip()
        problem = text_problem(text)
        if problem:
            problems.append(Problem(f"commentaire_{key}", problem))
        elif len(text) > MAX_COMMENT:
            problems.append(
                Problem(
                    f"commentaire_{key}",
                    f"Commentaire trop long ({len(text)} caractères) : {MAX_COMMENT} au plus.",
                )
            )
        elif text:
            texts[key] = text
    # browsers send line breaks as CR LF: counted once, as the form's limit counts them
    note_text = notes.replace("\r\n", "\n").strip() if isinstance(notes, str) else ""
    if notes is not None and not isinstance(notes, str):
        problems.append(Problem("notes", "Les notes sont un texte."))
    elif text_problem(note_text):
        problems.append(Problem("notes", str(text_problem(note_text))))
    elif len(note_text) > MAX_NOTES:
        problems.append(
            Problem(
                "notes", f"Notes trop longues ({len(note_text)} caractères) : {MAX_NOTES} au plus."
            )
        )
    return levels, texts, note_text, problems


def stored(assessment: StationAssessment | None) -> tuple[dict[str, int], dict[str, str], str]:
    """The assessment's observations, comments and notes as they can be shown: only the levels
    (integers 0 to 3) of field features still in the profile and the text comments of known
    features. A record left by an older profile or written by hand never breaks a page."""
    if assessment is None:
        return {}, {}, ""
    return (
        clean_levels(assessment.observations),
        clean_comments(assessment.commentaires),
        str(assessment.notes or ""),
    )


def clean_levels(raw: object) -> dict[str, int]:
    """Known field features with an integer level 0 to 3 (anything else left out)."""
    if not isinstance(raw, dict):
        return {}
    field_ids = {f.id for f in load_portrait().features if f.observation == "terrain"}
    return {
        str(k): v
        for k, v in raw.items()
        if k in field_ids and isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 3
    }


def clean_comments(raw: object) -> dict[str, str]:
    """Text comments of known features (anything else left out)."""
    if not isinstance(raw, dict):
        return {}
    ids = {f.id for f in load_portrait().features}
    return {str(k): v for k, v in raw.items() if k in ids and isinstance(v, str)}


def version_of(assessment: StationAssessment | None) -> int:
    """The number of saved versions of the assessment (0 before the first save)."""
    return 0 if assessment is None else int(assessment.history.count())


def _author(user: AbstractBaseUser | None) -> str:
    return user.get_username() if user is not None else "un compte supprimé"


def save(
    territory: Territory,
    uic: str,
    gare_nom: str,
    *,
    observations: Mapping[str, Any],
    commentaires: Mapping[str, Any],
    notes: object,
    user: AbstractBaseUser,
    version: int | None,
) -> StationAssessment:
    """Create or update the team's assessment of the station, in one transaction; InputError
    (every problem in ``details``) or Conflict, and nothing saved, when refused. The caller has
    checked the rights and that the station serves the territory."""
    levels, texts, note_text, problems = check(observations, commentaires, notes)
    if problems:
        raise InputError(
            "Évaluation refusée : " + " ".join(f"{p.champ} : {p.message}" for p in problems),
            field=problems[0].champ,
        )
    try:
        return _save(territory, uic, gare_nom, levels, texts, note_text, user, version)
    except IntegrityError:  # two first saves at once (PostgreSQL): the second one is refused
        found = StationAssessment.objects.filter(territory=territory, uic=uic).first()
        raise Conflict(
            _author(found.updated_by) if found else "un autre membre",
            found.updated if found else None,
        ) from None


def _save(
    territory: Territory,
    uic: str,
    gare_nom: str,
    levels: dict[str, int],
    texts: dict[str, str],
    note_text: str,
    user: AbstractBaseUser,
    version: int | None,
) -> StationAssessment:
    with transaction.atomic():
        found = (
            StationAssessment.objects.select_for_update()
            .filter(territory=territory, uic=uic)
            .first()
        )
        current = version_of(found)
        if version is not None and version != current and found is not None:
            raise Conflict(_author(found.updated_by), found.updated)
        if found is not None and stored(found) == (levels, texts, note_text):
            return found  # nothing changed: no new version in the history
        if found is None:
            found = StationAssessment(territory=territory, uic=uic, created_by=user)
        found.gare_nom = gare_nom
        found.observations = levels
        found.commentaires = texts
        found.notes = note_text
        found.updated_by = user
        # the history's author even without a session (API token: no request.user to read)
        found._history_user = user
        found.save()
    return found


def history(assessment: StationAssessment) -> list[dict[str, object]]:
    """The saved versions, newest first: ``date``, ``auteur``, ``changements`` (French lines:
    levels set or changed, comments and notes changed)."""
    profile = load_portrait()
    labels = {f.id: f.libelle for f in profile.features}
    records = list(assessment.history.order_by("history_date", "history_id"))
    out: list[dict[str, object]] = []
    before: dict[str, Any] = {"observations": {}, "commentaires": {}, "notes": ""}
    for record in records:
        changes: list[str] = []
        old_levels: dict[str, int] = clean_levels(before["observations"])
        new_levels: dict[str, int] = clean_levels(record.observations)
        for key in sorted(set(old_levels) | set(new_levels), key=lambda k: labels.get(k, k)):
            old, new = old_levels.get(key), new_levels.get(key)
            if old != new:
                name = labels.get(key, key)
                if old is None:
                    changes.append(f"{name} : niveau {new}")
                elif new is None:
                    changes.append(f"{name} : niveau {old} retiré (non observé)")
                else:
                    changes.append(f"{name} : niveau {old} → {new}")
        old_texts: dict[str, str] = clean_comments(before["commentaires"])
        new_texts: dict[str, str] = clean_comments(record.commentaires)
        edited = [
            labels.get(k, k)
            for k in sorted(set(old_texts) | set(new_texts))
            if old_texts.get(k) != new_texts.get(k)
        ]
        if edited:
            changes.append("commentaires modifiés : " + ", ".join(edited))
        if (before["notes"] or "") != (record.notes or ""):
            changes.append("notes modifiées")
        if not changes:
            changes.append("création" if not out else "enregistrée sans changement")
        user = record.history_user
        out.append(
            {
                "date": record.history_date,
                "auteur": user.get_username() if user is not None else "—",
                "changements": changes,
            }
        )
        before = {
            "observations": record.observations,
            "commentaires": record.commentaires,
            "notes": record.notes,
        }
    return list(reversed(out))
