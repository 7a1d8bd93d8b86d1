"""What the programme pages share: the programme of a territory, who may read it, the stored
programme as the library's model, and the followed indicators refreshed from the diagnostic."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils import timezone
from pydantic import BaseModel

from teletravail.errors import ConfigError, TeletravailError
from teletravail.programmes.model import (
    STATUSES,
    Action,
    FollowedIndicator,
    Funding,
    Motive,
    Programme,
)
from teletravail.programmes.progress import indicator_progress
from teletravail.reports.measures import value_text
from teletravail.reports.model import Figure, MesureLocale
from teletravail.web.accounts.models import Territory
from teletravail.web.programmes.models import ProgrammeIndicator, TerritoryProgramme

SURVEY_PREFIX = "enquete:"
#: Actions of one programme, at most (pages, API, spreadsheet import).
MAX_ACTIONS = 2000
M = TypeVar("M", bound=BaseModel)
READ = "accounts.view_territory"
CONTRIBUTE = "accounts.contribute_territory"
MANAGE = "accounts.manage_territory"


def programme_of(territory: Territory) -> TerritoryProgramme:
    """The territory's programme, created empty (default themes) on first use."""
    found, _ = TerritoryProgramme.objects.get_or_create(territory=territory)
    return found


def is_team(user: AbstractBaseUser | AnonymousUser, territory: Territory) -> bool:
    """The user may read the territory's own work (any role, or national administrator)."""
    return bool(user.has_perm(READ, territory))


def may_read(user: AbstractBaseUser | AnonymousUser, programme: TerritoryProgramme) -> bool:
    """The territory's team, or any signed-in user once the programme is published."""
    if is_team(user, programme.territory):
        return True
    return bool(programme.publie and getattr(user, "is_authenticated", False))


def _valid(model: type[M], raw: object) -> list[M]:
    """The entries of a stored JSON list that are valid ``model``s (bad ones left out)."""
    out = []
    for item in raw if isinstance(raw, list) else []:
        try:
            out.append(model.model_validate(item))
        except ValueError:
            continue
    return out


def fundings_of(raw: object) -> list[Funding]:
    """An action's stored fundings."""
    return _valid(Funding, raw)


def motives_of(raw: object) -> list[Motive]:
    """An action's stored motives."""
    return _valid(Motive, raw)


def themes_of(programme: TerritoryProgramme) -> list[str]:
    """The programme's themes (stored texts only), then those its actions use that are not
    listed."""
    themes = [t for t in (programme.themes or []) if isinstance(t, str) and t.strip()]
    for theme in programme.actions.values_list("theme", flat=True).distinct():
        if theme not in themes:
            themes.append(theme)
    return themes


def themes_in_use(programme: TerritoryProgramme, themes: list[str]) -> list[str]:
    """Themes of the programme's actions that are not in ``themes`` (sorted): a programme's
    themes cannot be replaced while actions still use one of them."""
    used = set(programme.actions.values_list("theme", flat=True))
    return sorted(used - set(themes))


def to_programme(programme: TerritoryProgramme) -> Programme:
    """The stored programme as the library's model (bad stored JSON entries left out)."""
    actions = [
        Action(
            titre=a.titre,
            theme=a.theme,
            description=a.description,
            porteur=a.porteur,
            partenaires=a.partenaires,
            budget=float(a.budget) if a.budget is not None else None,
            financements=fundings_of(a.financements),
            debut=a.debut,
            fin=a.fin,
            statut=a.statut if a.statut in STATUSES else "idee",
            motifs=motives_of(a.motifs),
        )
        for a in programme.actions.all()
    ]
    indicators = [followed(i) for i in programme.indicators.all()]
    territory = programme.territory
    return Programme(
        territoire=f"{territory.nom} ({territory.code})",
        vision=programme.vision,
        horizon=programme.horizon,
        themes=themes_of(programme),
        actions=actions,
        indicateurs=indicators,
    )


def budget_value(value: Decimal | None) -> float | None:
    """A stored budget in euros as a float."""
    return float(value) if value is not None else None


def diagnostic_figures(territory: Territory) -> tuple[dict[str, Figure], date | None, str]:
    """The figures of the territory's diagnostic by indicator id, the reference day, and why they
    are missing (empty when they are there). Read from the stored diagnostic pages (computed in
    the background when the day is new: then empty with the reason)."""
    from django.conf import settings

    from teletravail.web.diagnostics import service as diagnostics_service

    try:
        derived, day = diagnostics_service.ready_warehouse(
            getattr(settings, "TELETRAVAIL_REFERENCE_DAY", None)
        )
    except ConfigError as exc:
        return {}, None, diagnostics_service.web_message(exc)
    if derived is None:
        from teletravail.web.diagnostics.tasks import request_day

        request_day(day, territory.kind, territory.code)
        return {}, None, "diagnostic en cours de calcul : rechargez la page dans une minute"
    measures = diagnostics_service.measures_for(
        territory.kind, territory.code, team=True, today=timezone.localdate()
    )
    try:
        data = diagnostics_service.diagnostic_data(
            territory.kind, territory.code, derived, day, measures
        )
    except TeletravailError as exc:
        return {}, None, str(exc)
    figures = {f.id: f for t in data.report.themes for f in t.figures}
    return figures, day, ""


def survey_measures(territory: Territory) -> dict[str, MesureLocale]:
    """The values measured by the territory's reference survey campaign, by indicator."""
    from teletravail.web.diagnostics import service as diagnostics_service

    measures = diagnostics_service.measures_for(
        territory.kind, territory.code, team=True, today=timezone.localdate()
    )
    return {m.indicateur: m for m in measures}


def _refresh_surveys(programme: TerritoryProgramme) -> None:
    followed = list(programme.indicators.filter(source="enquete"))
    if not followed:
        return
    measures = survey_measures(programme.territory)
    for indicator in followed:
        measure = measures.get(indicator.reference)
        if measure is None:
            continue  # the last known value stays, with its date
        if indicator.valeur_actuelle != measure.valeur or indicator.date_actuelle != measure.fin:
            indicator.valeur_actuelle = measure.valeur
            indicator.date_actuelle = measure.fin
            indicator.save(update_fields=["valeur_actuelle", "date_actuelle"])


def refresh_indicators(programme: TerritoryProgramme) -> str:
    """Update the current value of the indicators the programme follows: diagnostic ones from
    the diagnostic of the reference day (kept with that day), survey ones from the reference
    campaign's latest measure (kept with its closing day); returns why the diagnostic ones could
    not be updated, or ""."""
    _refresh_surveys(programme)
    followed = list(programme.indicators.filter(source="diagnostic"))
    if not followed:
        return ""
    figures, day, problem = diagnostic_figures(programme.territory)
    if problem:
        return problem
    for indicator in followed:
        figure = figures.get(indicator.reference)
        value = figure.valeur if figure is not None else None
        if indicator.valeur_actuelle != value or indicator.date_actuelle != day:
            indicator.valeur_actuelle = value
            indicator.date_actuelle = day if value is not None else None
            indicator.save(update_fields=["valeur_actuelle", "date_actuelle"])
    return ""


def follow(
    programme: TerritoryProgramme, reference: str, cible: float | None, annee: int | None
) -> ProgrammeIndicator:
    """Follow a diagnostic indicator: its current value becomes the baseline (InputError in
    French when it is unknown or has no value)."""
    from teletravail.errors import InputError

    if reference.startswith(SURVEY_PREFIX):
        measure = survey_measures(programme.territory).get(reference.removeprefix(SURVEY_PREFIX))
        if measure is None:
            raise InputError(
                f"Aucune mesure d'enquête « {reference.removeprefix(SURVEY_PREFIX)} » pour ce "
                "territoire.",
                field="reference",
            )
        found, _ = ProgrammeIndicator.objects.update_or_create(
            programme=programme,
            source="enquete",
            reference=measure.indicateur,
            defaults={
                "libelle": f"{measure.libelle} (enquête « {measure.campagne} »)",
                "unite": "jours" if measure.indicateur == "jours_teletravail" else "%",
                "valeur_initiale": measure.valeur,
                "date_initiale": measure.fin,
                "cible": cible,
                "annee_cible": annee,
                "valeur_actuelle": measure.valeur,
                "date_actuelle": measure.fin,
            },
        )
        return found
    figures, day, problem = diagnostic_figures(programme.territory)
    if problem:
        raise InputError(f"Indicateur non ajouté : {problem}", field="reference")
    figure = figures.get(reference)
    if figure is None:
        raise InputError(f"Indicateur inconnu « {reference} ».", field="reference")
    if figure.valeur is None:
        raise InputError(
            f"« {figure.libelle} » : donnée non disponible pour ce territoire, il ne peut pas "
            "servir de valeur initiale.",
            field="reference",
        )
    found, _ = ProgrammeIndicator.objects.update_or_create(
        programme=programme,
        source="diagnostic",
        reference=reference,
        defaults={
            "libelle": figure.libelle,
            "unite": figure.unite,
            "valeur_initiale": figure.valeur,
            "date_initiale": day,
            "cible": cible,
            "annee_cible": annee,
            "valeur_actuelle": figure.valeur,
            "date_actuelle": day,
        },
    )
    return found


def indicator_choices(territory: Territory) -> list[tuple[str, str]]:
    """(id, label with its current value) of the survey measures of the territory's reference
    campaign (ids prefixed « enquete: ») and of the diagnostic indicators that have a value."""

    figures, _, _ = diagnostic_figures(territory)
    out = [
        (
            f"{SURVEY_PREFIX}{m.indicateur}",
            f"Enquête « {m.campagne} » : {m.libelle} : {value_text(m)}",
        )
        for m in survey_measures(territory).values()
    ]
    for fid, f in figures.items():
        if f.valeur is None:
            continue
        out.append((fid, f"{f.libelle} : {f.texte}"))  # as the diagnostic shows it
    return sorted(out, key=lambda c: c[1])


def followed(indicator: ProgrammeIndicator) -> FollowedIndicator:
    """A stored followed indicator as the library's model (an unknown source read as
    « diagnostic »)."""
    return FollowedIndicator(
        source="enquete" if indicator.source == "enquete" else "diagnostic",
        reference=indicator.reference,
        libelle=indicator.libelle,
        unite=indicator.unite,
        valeur_initiale=indicator.valeur_initiale,
        date_initiale=indicator.date_initiale,
        cible=indicator.cible,
        annee_cible=indicator.annee_cible,
        valeur_actuelle=indicator.valeur_actuelle,
        date_actuelle=indicator.date_actuelle,
    )


def progress(indicator: ProgrammeIndicator) -> float | None:
    """Progress towards the target, 0 to 100 % (rule of
    :func:`teletravail.programmes.progress.progress_percent`)."""
    return indicator_progress(followed(indicator))


def action_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The model fields of an action from a cleaned form."""
    return {k: data[k] for k in data if k in _ACTION_FIELDS}


_ACTION_FIELDS = {
    "titre",
    "theme",
    "description",
    "porteur",
    "partenaires",
    "budget",
    "financements",
    "debut",
    "fin",
    "statut",
}


def motive_key(motive: Motive) -> str:
    """``type:reference``, the value of a motive in the action form."""
    return f"{motive.type}:{motive.reference}"


def motive_options(territory: Territory) -> dict[str, Motive]:
    """What an action of the territory can cite, by form value: its assessed station districts,
    its grid projects, its reference survey's measures and the diagnostic's indicators that have
    a value (in that order)."""
    from teletravail.web.gares.models import StationAssessment
    from teletravail.web.grille.models import GridProject

    options: list[Motive] = []
    for a in StationAssessment.objects.filter(territory=territory).order_by("gare_nom"):
        options.append(
            Motive(
                type="gare",
                reference=a.uic,
                libelle=f"Quartier de gare {a.gare_nom} : évaluation de l'équipe",
                url=f"/gares/{a.uic}/equipes/{territory.kind}/{territory.code}/",
            )
        )
    for p in GridProject.objects.filter(territory=territory).order_by("nom"):
        options.append(
            Motive(
                type="grille",
                reference=str(p.pk),
                libelle=f"Projet de lieu « {p.nom[:150]} » (grille d'analyse)",
                url=f"/grille/projets/{p.pk}/resultats/",
            )
        )
    for m in survey_measures(territory).values():
        options.append(
            Motive(
                type="enquete",
                reference=m.indicateur,
                libelle=f"Enquête « {m.campagne[:100]} » : {m.libelle} : {value_text(m)}",
                url=m.url or "",
            )
        )
    figures, _, _ = diagnostic_figures(territory)
    diagnostic_url = f"/territoires/{territory.kind}/{territory.code}/diagnostic/"
    for fid, f in sorted(figures.items(), key=lambda item: item[1].libelle):
        if f.valeur is None:
            continue
        options.append(
            Motive(
                type="indicateur",
                reference=fid,
                libelle=f"{f.libelle[:300]} : {f.texte}",  # as the diagnostic shows it
                url=diagnostic_url,
            )
        )
    return {motive_key(m): m for m in options}


def motive_choices(options: dict[str, Motive]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The form's grouped choices (one group per kind of motive)."""
    from teletravail.programmes.model import MOTIVE_KINDS

    groups: dict[str, list[tuple[str, str]]] = {}
    for key, motive in options.items():
        groups.setdefault(MOTIVE_KINDS[motive.type], []).append((key, motive.libelle))
    return list(groups.items())


def merged_motives(
    stored: object, chosen: list[str], options: dict[str, Motive]
) -> list[dict[str, object]]:
    """The motives to store: the stored ones the form does not offer (a suggestion's station
    gap, say) kept, then those chosen in the form."""
    kept = [m for m in motives_of(stored) if motive_key(m) not in options]
    picked = [options[k] for k in chosen if k in options]
    seen: set[str] = set()
    out = []
    for motive in kept + picked:
        if motive_key(motive) not in seen:
            seen.add(motive_key(motive))
            out.append(motive.model_dump(mode="json"))
    return out
