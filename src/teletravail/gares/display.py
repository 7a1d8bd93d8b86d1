"""How a station's portrait is shown to people: values with units, sources, theme titles, and the
HTML and PDF report (``reports/templates/gare.html.j2``, with the district map).

Shared by ``teletravail gare`` (text, HTML, PDF) and, later, the web pages."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from teletravail.format_fr import agree_unit, format_duration, format_number, plural
from teletravail.gares.assess import Assessment, FeatureLevel
from teletravail.gares.catalogue import Portrait, load_portrait
from teletravail.gares.resolve import StationChoice

JOURS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_WHOLE_UNITS = frozenset({"€/m²", "actifs", "voyageurs par an"})


def hhmm(value: str) -> str:
    hours, _, minutes = value.partition(":")
    if hours.isdigit() and int(hours) >= 24:
        return f"{int(hours) - 24:02d}:{minutes} (lendemain)"
    return value


def portrait_payload(
    choice: StationChoice,
    day: date,
    fields: dict[str, Any],
    assessment: Assessment,
    centiles: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    """A station's portrait as JSON-ready data (``teletravail gare --format json`` and the API's
    ``/api/v1/gares/{uic}``): ``gare`` (the chosen station and the rule), ``jour`` (AAAA-MM-JJ),
    ``echelle`` (the levels 0 to 3), ``caracteristiques_gare`` (``StationFeatures``),
    ``evaluation`` (``Assessment``) and ``centiles_acv`` (feature field -> percentile 0 to 100
    among the ACV communes' main stations)."""
    portrait = load_portrait()
    return {
        "gare": choice.model_dump(mode="json"),
        "jour": day.isoformat(),
        "echelle": [lv.model_dump(mode="json") for lv in portrait.levels],
        "caracteristiques_gare": fields,
        "evaluation": assessment.model_dump(mode="json"),
        "centiles_acv": dict(centiles or {}),
    }


CENTILE_NOTE = (
    "Centile ACV : part des gares principales des communes Action Cœur de Ville dont la valeur "
    "est plus basse (ex æquo comptés pour moitié) ; il situe la valeur, il ne dit pas si elle "
    "est bonne."
)


def value_text(
    level: FeatureLevel, fields: dict[str, Any], centiles: Mapping[str, int] | None = None
) -> str:
    """A feature's value for people, with its unit and what qualifies it."""
    value = level.valeur
    if level.observation == "terrain":
        return "observé sur place" if value is not None else "à observer sur place"
    if value is None:
        return "donnée non disponible"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list):
        return ", ".join(value) if value else "aucune"
    if isinstance(value, str):
        return hhmm(value) if level.unite == "heure" else value
    decimals = 0 if isinstance(value, int) or level.unite in _WHOLE_UNITS else 1
    text = f"{format_number(value, decimals)} {agree_unit(value, level.unite or '')}".strip()
    if level.unite == "minutes":  # a duration: the one format, "1 h 24 min"
        text = format_duration(value)
    if level.champ == "duree_metropole_min" and fields.get("metropole_nom"):
        text += f" ({fields['metropole_nom']})"
    if level.champ == "navetteurs_metropole" and fields.get("navetteurs_statut"):
        text += f" ({fields['navetteurs_statut']})"
    if centiles and level.champ is not None and level.champ in centiles:
        text += f" · centile ACV {centiles[level.champ]}"
    return text


#: Sources of the commuters' value when the flows are estimated (no MOBPRO file loaded).
ESTIMATED_FLOW_SOURCES = ("comparateur_2018", "centres")


def source_text(
    level: FeatureLevel, citations: dict[str, str], fields: Mapping[str, Any] | None = None
) -> str:
    """The sources of a feature's value; the commuters estimated by the flow model cite the
    model's inputs (and say it), not the census flows they stand in for."""
    if level.observation == "terrain":
        return "observation de l'équipe" if level.niveau is not None else "—"
    if (
        level.champ == "navetteurs_metropole"
        and (fields or {}).get("navetteurs_statut") == "estimation"
    ):
        cited = " ; ".join(citations.get(s, s) for s in ESTIMATED_FLOW_SOURCES)
        return f"estimation du modèle de navettes à partir de : {cited}"
    return " ; ".join(citations.get(s, s) for s in level.sources)


def theme_title(assessment: Assessment, theme_id: str) -> str:
    t = next(t for t in assessment.themes if t.id == theme_id)
    level = f"niveau {t.niveau} « {t.niveau_libelle} »" if t.niveau is not None else "non évalué"
    mean = f", moyenne {format_number(t.moyenne, 2)}" if t.moyenne is not None else ""
    return (
        f"{t.libelle} : {level}{mean} ("
        f"{t.connues} {plural(t.connues, 'caractéristique évaluée', 'caractéristiques évaluées')}"
        f", {t.inconnues} sans niveau)"
    )


def render_station_html(
    choice: StationChoice,
    day: date,
    fields: dict[str, Any],
    assessment: Assessment,
    portrait: Portrait,
    map_svg: str | None,
    centiles: Mapping[str, int] | None = None,
    team: Mapping[str, Any] | None = None,
) -> str:
    """The portrait as a self-contained HTML page (also the source of the PDF); ``centiles``:
    the station's percentiles among the ACV communes' main stations, per field; ``team``: a
    team's assessment (``nom``, ``notes``, ``commentaires`` per feature id, ``modifiee``: a
    datetime or None), shown with its comments and notes."""
    from teletravail.opendata.catalogue import load_catalogue
    from teletravail.reports.render import template_environment

    citations = {s.id: s.citation for s in load_catalogue()}
    themes = []
    for theme in portrait.themes:
        rows = [
            {
                "libelle": level.libelle,
                "valeur": value_text(level, fields, centiles),
                "niveau": level.niveau,
                "niveau_libelle": level.niveau_libelle,
                "source": source_text(level, citations, fields),
                "commentaire": (team or {}).get("commentaires", {}).get(level.id, ""),
            }
            for level in assessment.caracteristiques
            if level.theme == theme.id
        ]
        themes.append({"id": theme.id, "titre": theme_title(assessment, theme.id), "rows": rows})
    template = template_environment().get_template("gare.html.j2")
    return template.render(
        choice=choice,
        jour=f"{JOURS[day.weekday()]} {day:%d/%m/%Y}",
        fields=fields,
        assessment=assessment,
        levels=portrait.levels,
        themes=themes,
        carte=map_svg,
        centile_note=CENTILE_NOTE if centiles else None,
        team=team,
    )


def render_station_pdf(html: str) -> bytes:
    """The PDF (A4) of :func:`render_station_html`'s page."""
    from teletravail.reports.render import html_to_pdf

    return html_to_pdf(html)[0]
