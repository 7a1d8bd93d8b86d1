"""What the grid pages and the API share: a stored project as the library's
:class:`teletravail.grille.model.Project`, its sites' facts from open data, its evaluation, and the
recording of an assessor's scores.

Facts are computed for the reference day's derived warehouse when it is ready (a fraction of a
second per batch of sites) and kept on the site with that day; a request never builds a derived
warehouse (``diagnostics.service.ready_warehouse``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from teletravail.errors import ConfigError, InputError, LookupFailed
from teletravail.format_fr import agree_unit, format_number
from teletravail.grille.catalogue import FACTS, Criterion, Grid, load_grid, suggested_level
from teletravail.grille.evaluation import Evaluation, evaluate
from teletravail.grille.model import PairwiseComparison, Project, Score, Site, Weights
from teletravail.grille.site import site_facts
from teletravail.grille.site_grid import grid_facts
from teletravail.grille.site_models import SiteFacts, TeamThirdPlace
from teletravail.surveys.textcheck import text_problem
from teletravail.web.diagnostics import service as diagnostics_service
from teletravail.web.grille.models import MAX_COMMENT, GridProject, GridScore, GridSite

MAX_SITES = 50  # candidate sites of one project


def team_places(project: GridProject) -> list[TeamThirdPlace]:
    """The tiers-lieux entered by the team (bad stored entries skipped)."""
    out = []
    for item in project.tiers_lieux or []:
        try:
            out.append(TeamThirdPlace.model_validate(item))
        except ValueError:
            continue
    return out


@dataclass(frozen=True)
class FactsState:
    """Where the facts stand: their reference day when computed, ``pending`` while the day's
    derived warehouse is computed in the background, ``problem`` when no day can be chosen."""

    day: date | None = None
    pending: bool = False
    problem: str = ""


def refresh_facts(project: GridProject, sites: Iterable[GridSite] | None = None) -> FactsState:
    """Compute the facts of the project's sites (all, or ``sites``) whose facts are missing or of
    another day, when the reference day's derived warehouse is ready (the setting
    ``TELETRAVAIL_REFERENCE_DAY``, else the feeds' default day)."""
    from django.conf import settings

    try:
        derived, day = diagnostics_service.ready_warehouse(
            getattr(settings, "TELETRAVAIL_REFERENCE_DAY", None)
        )
    except ConfigError as exc:  # no reference day in the timetables: the facts cannot be dated
        return FactsState(problem=diagnostics_service.web_message(exc))
    if derived is None:
        from teletravail.web.diagnostics.tasks import request_day

        request_day(day, "", "")
        return FactsState(pending=True)
    chosen = [s for s in (sites if sites is not None else project.sites.all())]
    stale = [s for s in chosen if s.faits_jour != day or not s.faits]
    if not stale:
        return FactsState(day=day)
    places = team_places(project)
    con = duckdb.connect(str(derived), read_only=True)
    try:
        try:
            found = site_facts(
                con, [(str(s.pk), s.lat, s.lon) for s in stale], tiers_lieux_equipe=places
            )
            results: dict[str, dict[str, Any]] = {f.id: f.model_dump(mode="json") for f in found}
        except (InputError, LookupFailed):  # one bad point: each site on its own
            results = {}
            for s in stale:
                try:
                    one = site_facts(con, [(str(s.pk), s.lat, s.lon)], tiers_lieux_equipe=places)
                    results[str(s.pk)] = one[0].model_dump(mode="json")
                except (InputError, LookupFailed) as exc:
                    results[str(s.pk)] = {"erreur": str(exc)}
    finally:
        con.close()
    for site in stale:
        site.faits = results[str(site.pk)]
        site.faits_jour = day
        site.save(update_fields=["faits", "faits_jour"])
    return FactsState(day=day)


def facts_error(site: GridSite) -> str:
    """Why the site's facts could not be computed (a point outside France…), or ""."""
    return str((site.faits or {}).get("erreur", ""))


def site_fact_model(site: GridSite) -> SiteFacts | None:
    """The stored facts of a site (None when not computed yet or stored by an older version)."""
    if not site.faits:
        return None
    try:
        return SiteFacts.model_validate(site.faits)
    except ValueError:
        return None


def _weights(raw: Any) -> Weights:  # noqa: ANN401 - stored JSON
    try:
        return Weights.model_validate(raw or {})
    except ValueError:
        return Weights()


def _comparison(raw: Any) -> PairwiseComparison | None:  # noqa: ANN401 - stored JSON
    if not raw:
        return None
    try:
        return PairwiseComparison.model_validate(raw)
    except ValueError:
        return None


def to_project(project: GridProject, grid: Grid | None = None) -> Project:
    """The stored project as the library's model: sites (id = their code) with their grid facts,
    every assessor's scores (assessor = username), weights and the AHP comparison of the themes.
    Stored values the grid no longer knows (a criterion removed since) are left out."""
    g = grid or load_grid()
    criteria = {c.id for c in g.criteria}
    sites = []
    for site in project.sites.all():
        facts = site_fact_model(site)
        sites.append(
            Site(
                id=site.code,
                nom=site.nom,
                adresse=site.adresse,
                commune=site.commune,
                lat=site.lat,
                lon=site.lon,
                faits=grid_facts(facts) if facts is not None else {},
            )
        )
    scores = [
        Score(
            evaluateur=s.assessor.get_username(),
            site=s.site.code,
            critere=s.critere,
            note=s.note,
            commentaire=s.commentaire,
        )
        for s in GridScore.objects.filter(site__project=project)
        .select_related("assessor", "site")
        .order_by("assessor__username", "site__code", "critere")
        if s.critere in criteria
    ]
    weights = _weights(project.poids)
    themes = {t.id for t in g.themes}
    weights = Weights(
        themes={k: v for k, v in weights.themes.items() if k in themes},
        criteres={k: v for k, v in weights.criteres.items() if k in criteria},
    )
    return Project(
        nom=project.nom,
        sites=sites,
        notes=scores,
        poids=weights,
        ahp=_comparison(project.ahp),
    )


def evaluation(project: GridProject) -> Evaluation:
    """The evaluation of the stored project (InputError in French when inconsistent)."""
    return evaluate(to_project(project))


def check_scores(
    notes: Mapping[str, Any], comments: Mapping[str, Any], grid: Grid | None = None
) -> tuple[dict[str, int | None], dict[str, str], list[tuple[str, str]]]:
    """Cleaned scores (criterion -> 0..4 or None), comments, and every problem as (field,
    French message); fields are ``note_<critere>`` and ``commentaire_<critere>``."""
    g = grid or load_grid()
    criteria = {c.id for c in g.criteria}
    problems: list[tuple[str, str]] = []
    clean: dict[str, int | None] = {}
    for key, value in notes.items():
        if key not in criteria:
            problems.append((f"note_{key}", f"Critère inconnu « {key} »."))
        elif value is None or value == "":
            clean[key] = None
        elif isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 4:
            problems.append((f"note_{key}", f"Note invalide « {value} » : un entier de 0 à 4."))
        else:
            clean[key] = value
    texts: dict[str, str] = {}
    for key, value in comments.items():
        if key not in criteria:
            problems.append((f"commentaire_{key}", f"Critère inconnu « {key} »."))
            continue
        if not isinstance(value, str):
            problems.append((f"commentaire_{key}", "Un commentaire est un texte."))
            continue
        text = value.strip()
        problem = text_problem(text)
        if problem:
            problems.append((f"commentaire_{key}", problem))
        elif len(text) > MAX_COMMENT:
            problems.append(
                (
                    f"commentaire_{key}",
                    f"Commentaire trop long ({len(text)} caractères) : {MAX_COMMENT} au plus.",
                )
            )
        elif text:
            texts[key] = text
    return clean, texts, problems


def save_scores(
    site: GridSite,
    assessor: AbstractBaseUser,
    notes: Mapping[str, Any],
    comments: Mapping[str, Any],
) -> int:
    """Record one assessor's scores of a site, all or nothing (InputError listing every problem);
    a criterion absent from ``notes`` keeps its score. Returns the number of scores recorded."""
    clean, texts, problems = check_scores(notes, comments)
    if problems:
        raise InputError(
            "Notes refusées : " + " ; ".join(f"{f} : {m}" for f, m in problems),
            field=problems[0][0],
        )
    with transaction.atomic():
        for critere in sorted(set(clean) | set(comments)):
            defaults: dict[str, object] = {}
            if critere in clean:
                defaults["note"] = clean[critere]
            if critere in comments:
                defaults["commentaire"] = texts.get(critere, "")
            GridScore.objects.update_or_create(
                site=site, assessor=assessor, critere=critere, defaults=defaults
            )
    return len(clean)


__all__ = ["grid_facts", "suggested_level"]


def fact_line(criterion: Criterion, value: float | None) -> str:
    """A criterion's fact for people: « 1,7 km », « 16 334 actifs », « donnée non disponible »."""
    if criterion.fait is None:
        return ""
    if value is None:
        return "donnée non disponible"
    unit = FACTS[criterion.fait]
    whole = unit in {"actifs", "télétravailleurs", "départs par jour", "friches"}
    decimals = 0 if whole or float(value).is_integer() else 1
    return f"{format_number(value, decimals)} {agree_unit(value, unit)}".strip()
