"""Suggested actions for a territory's programme, computed from the gaps and weaknesses the tools
found: the station profile's gaps (:mod:`teletravail.gares.assess`), the grid's weakest criteria
(:mod:`teletravail.grille.scoring`) and the diagnostic's weak indicators
(:mod:`teletravail.programmes.suggestions_diagnostic`).

Each :class:`Suggestion` carries the action text, its programme theme (one of
:data:`teletravail.programmes.model.DEFAULT_THEMES`, from the declared tables below), why it is
suggested (the gap in words, with the figure and its source), examples of who leads it and the
:class:`~teletravail.programmes.model.Motive` that links the action to the page showing the
evidence. Pure functions: no database, no web.

Theme of a station gap (:data:`STATION_THEMES`, overridden per feature by
:data:`STATION_FEATURE_THEMES`):

- ``pole_multimodal`` and ``usages`` → « Mobilité » (trains, cars, connections, ridership);
- ``services_en_gare`` → « Vie locale »: opening hours, wifi, accessibility, France services,
  shops are everyday services to commuters and residents, not floor space; the one exception is
  the workspace in the station (``espace_travail``: a tiers-lieu) → « Immobilier et bureaux »;
- ``quartier`` → « Immobilier et bureaux » (housing prices, mixed-use district project), except
  the walk to the centre (``distance_centre``, ``liaison_pietonne_centre``) → « Mobilité », and
  reuse of land and buildings, public spaces with shade (``friches``, ``vacance_logements``,
  ``densite_renouvellement``, ``espaces_publics_ombre``) → « Transition écologique » (land
  sobriety and adaptation, the publication's ecological-transition lens).

Theme of a grid weakness (:data:`GRID_THEMES`, by the criterion's grid theme): ``localisation`` →
« Mobilité » (its criteria are access to the station, trains, walk to the centre, bus and bike,
parking); ``besoin`` → « Immobilier et bureaux » (its criteria measure the demand for the place of
work itself: commuters, teleworkers, survey, existing offer); ``offre``, ``modele_economique``,
``gouvernance`` → « Immobilier et bureaux »; ``sobriete``, ``environnement`` → « Transition
écologique »; ``vie_locale`` → « Vie locale ».
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from teletravail.format_fr import format_number
from teletravail.gares.assess import Assessment, FeatureLevel
from teletravail.gares.display import ESTIMATED_FLOW_SOURCES, source_text, value_text
from teletravail.grille.catalogue import Grid, load_grid
from teletravail.grille.evaluation import Evaluation
from teletravail.opendata.catalogue import get_source
from teletravail.programmes.model import Action, Motive
from teletravail.programmes.suggestions_diagnostic import diagnostic_suggestions
from teletravail.programmes.suggestions_model import Suggestion

__all__ = [
    "GRID_THEMES",
    "STATION_FEATURE_THEMES",
    "STATION_THEMES",
    "Suggestion",
    "diagnostic_suggestions",
    "grid_suggestions",
    "station_suggestions",
    "station_theme",
    "suggestions_for",
    "to_action",
]

#: Programme theme of each theme of the station profile (``gares/portrait.toml``).
STATION_THEMES: dict[str, str] = {
    "pole_multimodal": "Mobilité",
    "services_en_gare": "Vie locale",
    "quartier": "Immobilier et bureaux",
    "usages": "Mobilité",
}
#: Features whose programme theme differs from their profile theme's.
STATION_FEATURE_THEMES: dict[str, str] = {
    "espace_travail": "Immobilier et bureaux",
    "distance_centre": "Mobilité",
    "liaison_pietonne_centre": "Mobilité",
    "friches": "Transition écologique",
    "vacance_logements": "Transition écologique",
    "densite_renouvellement": "Transition écologique",
    "espaces_publics_ombre": "Transition écologique",
}
#: Programme theme of each theme of the grid (``grille/grille.toml``).
GRID_THEMES: dict[str, str] = {
    "besoin": "Immobilier et bureaux",
    "localisation": "Mobilité",
    "sobriete": "Transition écologique",
    "offre": "Immobilier et bureaux",
    "modele_economique": "Immobilier et bureaux",
    "gouvernance": "Immobilier et bureaux",
    "vie_locale": "Vie locale",
    "environnement": "Transition écologique",
}
STATION_SOURCE = "Portrait-robot du quartier de gare"
GRID_SOURCE = "Grille d'analyse d'un projet de lieu"


def station_theme(theme_id: str, feature_id: str) -> str:
    """The programme theme of a station gap (feature override, else the profile theme's)."""
    return STATION_FEATURE_THEMES.get(feature_id) or STATION_THEMES[theme_id]


def _citation(source_id: str) -> str:
    try:
        s = get_source(source_id)
    except KeyError:
        return source_id
    return s.citation or f"{s.producer}, {s.title} ({s.vintage})"


def _evidence(level: FeatureLevel | None, fields: Mapping[str, Any]) -> str:
    """« valeur : … ; source : … » of a station feature (field observation for terrain ones)."""
    if level is None:
        return ""
    if level.observation == "terrain":
        return "observation de terrain de l'équipe"
    citations = {s: _citation(s) for s in (*level.sources, *ESTIMATED_FLOW_SOURCES)}
    cited = source_text(level, citations, fields)
    value = f"valeur : {value_text(level, dict(fields))}"
    return f"{value} ; source : {cited}" if cited else value


def station_suggestions(
    assessment: Assessment,
    uic: str,
    station_name: str,
    *,
    fields: Mapping[str, Any] | None = None,
) -> list[Suggestion]:
    """One suggestion per action of each gap of a station's assessment (features known and
    below « satisfaisant »), lowest level first (then profile order). Motive: type ``gare``,
    reference ``<uic>:<feature id>``, page ``/gares/<uic>/``. ``fields``: the station's
    ``StationFeatures`` as a mapping, optional: with it the description names the métropole of
    the travel time and cites the flow model when the commuters are estimated."""
    levels = {lv.id: lv for lv in assessment.caracteristiques}
    out: list[Suggestion] = []
    for gap in sorted(assessment.ecarts, key=lambda g: g.niveau):
        evidence = _evidence(levels.get(gap.id), fields or {})
        why = (
            f"Gare de {station_name} : « {gap.libelle} » au niveau {gap.niveau} "
            f"« {gap.niveau_libelle} » du portrait-robot du quartier de gare"
            + (f" ({evidence})." if evidence else ".")
        )
        motive = Motive(
            type="gare",
            reference=f"{uic}:{gap.id}"[:200],
            libelle=f"Gare de {station_name} : {gap.libelle} ({gap.niveau_libelle})"[:500],
            url=f"/gares/{uic}/",
        )
        for action in gap.actions:
            out.append(
                Suggestion(
                    titre=action.texte,
                    theme=station_theme(gap.theme, gap.id),
                    description=why,
                    porteurs=list(action.porteurs),
                    motif=motive,
                    source_label=f"{STATION_SOURCE} (gare de {station_name})",
                    niveau=float(gap.niveau),
                )
            )
    return out


def _median_text(value: float) -> str:
    return f"{format_number(value, 0 if value == int(value) else 1)} sur 4"


def grid_suggestions(
    evaluation: Evaluation, project_id: int, project_name: str, *, grid: Grid | None = None
) -> list[Suggestion]:
    """One suggestion per recommendation of each weak criterion (median below « moyen ») of the
    project's sites, the same recommendation of the same criterion once with all its sites
    listed, lowest median first (then first appearance). Motive: type ``grille``, reference
    ``<project_id>:<criterion id>``, page ``/grille/projets/<project_id>/resultats/``. ``grid``:
    the grid the project was scored with (the package's by default), for the criteria's themes."""
    g = grid or load_grid()
    found: dict[tuple[str, str], list[tuple[str, float]]] = {}
    labels: dict[str, str] = {}
    for site in evaluation.sites:
        for weak in site.faiblesses:
            labels[weak.critere] = weak.libelle
            for rec in weak.recommandations:
                found.setdefault((weak.critere, rec), []).append((site.nom, weak.mediane))
    keys = list(found)
    keys.sort(key=lambda k: min(m for _, m in found[k]))
    url = f"/grille/projets/{project_id}/resultats/"
    out: list[Suggestion] = []
    for critere, rec in keys:
        sites = found[(critere, rec)]
        lowest = min(m for _, m in sites)
        listed = ", ".join(f"{nom} (médiane {_median_text(m)})" for nom, m in sites)
        label = labels[critere]
        out.append(
            Suggestion(
                titre=rec,
                theme=GRID_THEMES[g.criterion(critere).theme],
                description=(
                    f"Projet « {project_name} » : le critère « {label} » est faible "
                    f"(médiane des notes des évaluateurs sous 2 sur 4) pour "
                    f"{'le site' if len(sites) == 1 else 'les sites'} {listed}."
                ),
                motif=Motive(
                    type="grille",
                    reference=f"{project_id}:{critere}"[:200],
                    libelle=(
                        f"Projet « {project_name} » : {label} (médiane {_median_text(lowest)})"
                    )[:500],
                    url=url,
                ),
                source_label=f"{GRID_SOURCE} (projet « {project_name} »)",
                niveau=lowest,
            )
        )
    return out


def suggestions_for(
    *,
    gares: Iterable[Suggestion] = (),
    grilles: Iterable[Suggestion] = (),
    diagnostic: Iterable[Suggestion] = (),
) -> list[Suggestion]:
    """All suggestions in one list without duplicates (same ``titre`` and ``theme``: the first
    kept), ordered: station gaps (lowest level first), grid weaknesses (lowest median first),
    then the diagnostic's (in the order given). Several stations or projects can be passed
    together (their suggestions are merged by level)."""
    ordered = [
        *sorted(gares, key=_level_key),
        *sorted(grilles, key=_level_key),
        *diagnostic,
    ]
    seen: set[tuple[str, str]] = set()
    out: list[Suggestion] = []
    for s in ordered:
        key = (s.titre.strip().casefold(), s.theme)
        if key not in seen:
            seen.add(key)
            out.append(s)
    return out


def _level_key(s: Suggestion) -> float:
    return s.niveau if s.niveau is not None else float("inf")


def to_action(suggestion: Suggestion) -> Action:
    """The suggestion as an action of the programme, status « idée »: its title, theme and
    description, the first example of who leads it as ``porteur`` and the others as
    ``partenaires`` (for people to edit), its motive."""
    first, *others = suggestion.porteurs or [""]
    return Action(
        titre=suggestion.titre,
        theme=suggestion.theme,
        description=suggestion.description,
        porteur=first,
        partenaires=", ".join(others),
        statut="idee",
        motifs=[suggestion.motif],
    )
